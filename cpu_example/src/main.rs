//! cpu_example: threads do not speed up CPU-bound work in CPython; in Rust they do.
//!
//! Translates `cpu_example.py`, function by function: the sum of the squares of `0..n`, done
//! `--workers` times one after the other, then by as many threads at once.
//!
//! * Natively, Rust threads run on every core at the same time: about `cores`× faster.
//! * With `--features gil` the threads run under the simulated GIL: only the holder runs, the
//!   others wait, and it changes hands every switch interval (5 ms). No faster than sequential,
//!   as with `python3 cpu_example.py`.
//! * With `--python 2.7`, the old GIL: threads fight for it across cores and run *slower*.
//! * With `--python 3.13t`, free-threaded CPython (PEP 703): no GIL, so threads speed up with the
//!   cores again, as they do natively.
//!
//! Run with:
//! ```text
//! cargo run -p cpu_example
//! cargo run -p cpu_example --features gil
//! cargo run -p cpu_example --features gil -- --timeline
//! cargo run -p cpu_example --features gil -- --python 2.7
//! cargo run -p cpu_example --features gil -- --python 3.13t
//! ```

mod args;
mod conclusion;

use std::process::ExitCode;

use args::Cli;
use common::cli;
use common::error::Failure;
use common::gil::{self, Loop, Python};
use common::program::{self, Program, exact};
use common::report::{Report, Run};
use common::threads::python_threads;
use common::workload::expected_sum_of_squares;

fn sum_of_squares(n: u64, py: Python<'_>) -> u128 {
    let mut total = 0;
    // range(n), and at each backward jump the check point where every CPython may hand the GIL
    // over. New: in the GIL build each iteration also lasts what it lasts CPython (`py.range`).
    for i in py.range(Loop::SumOfSquares, n) {
        let i = u128::from(i);
        total += i * i;
    }
    total
}

fn sequential(n: u64, workers: u64) -> Vec<u128> {
    gil::attach(|py| (0..workers).map(|_| sum_of_squares(n, py)).collect())
}

fn threaded(n: u64, workers: u64) -> Result<Vec<u128>, Failure> {
    python_threads(workers, |_index, py| sum_of_squares(n, py))
}

// def timed(function, *args): `program.mode(name, function)`, shared by every program.

fn main() -> ExitCode {
    program::main(|| {
        let cli: Cli = cli::parse()?;
        let program = Program::start("cpu_example", &cli.common)?;
        let n = cli.n.unwrap_or(program.default_size(5_000_000, 600_000_000));
        let workers = cli.workers.unwrap_or_else(cli::cores);
        let iterations = 2 * u128::from(n) * u128::from(workers); // at worst threads take as long
        program.limit(Loop::SumOfSquares, iterations, "--n x --workers")?;
        program.steps(2);
        Ok(program.run(|program| {
            let (results, sequential_time) = program.mode("sequential", || sequential(n, workers));
            let (thread_results, threads_time) =
                program.try_mode("threads", || threaded(n, workers))?;
            // assert results == thread_results, and both right:
            let expected = expected_sum_of_squares(n) * u128::from(workers);
            let total = exact("sequential total", results.iter().sum(), expected)?;
            let thread_total = exact("threads' total", thread_results.iter().sum(), expected)?;

            let mut report = Report::new("cpu_example")
                .speedup_over("sequential")
                .size("n", n)
                .size("workers", workers);
            report.push(Run::new("sequential", sequential_time).with("result", total.to_string()));
            report.push(Run::new("threads", threads_time).with("result", thread_total.to_string()));
            report.conclude(conclusion::conclusion(&report, workers));
            Ok(report)
        }))
    })
}
