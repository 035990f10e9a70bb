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

use std::process::ExitCode;

use args::Cli;
use common::cli;
use common::error::Failure;
use common::gil::{self, Loop, Python, PythonVersion};
use common::program::{Program, exact};
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
    let cli: Cli = cli::parse();
    let program = Program::start("cpu_example", &cli.common);
    let n = cli.n.unwrap_or(program.default_size(5_000_000, 600_000_000));
    let workers = cli.workers.unwrap_or_else(cli::cores);
    let iterations = 2 * u128::from(n) * u128::from(workers); // at worst threads take as long
    program.limit(Loop::SumOfSquares, iterations, "--n x --workers");
    program.steps(2);
    program.run(|program| {
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
        report.conclude(conclusion(report.speedup("threads", "sequential"), workers));
        Ok(report)
    })
}

// New (not in cpu_example.py, which prints one fixed line): what this run's numbers show.
/// One sentence on what the numbers show. `speedup` is sequential time / threads time.
fn conclusion(speedup: f64, workers: u64) -> String {
    let measured = if speedup >= 1.15 {
        format!("The threads were {speedup:.2}x faster than sequential")
    } else if speedup <= 0.87 {
        let slower = 1.0 / speedup;
        format!("The threads were {slower:.2}x slower than sequential")
    } else {
        format!("The threads took about the same time as sequential ({speedup:.2}x)")
    };
    let cores = cli::cores();
    let why = match gil::global().map(|g| g.config().version) {
        None if workers == 1 => ": one worker, nothing to run in parallel.".to_string(),
        None => {
            format!(": Rust has no GIL, so the {workers} threads ran on the {cores} cores at once.")
        }
        Some(PythonVersion::V3_13t) => format!(
            ": free-threaded CPython 3.13t has no GIL, so the {workers} threads ran on the {cores} \
             cores at once, as Rust's do."
        ),
        Some(PythonVersion::V2_7) => ": under CPython 2's old GIL the holder releases it every \
             100 ticks and takes it straight back, while the other threads wake up on other cores \
             for nothing."
            .to_string(),
        Some(_) if speedup >= 1.15 => ": under the GIL only one thread runs Python code at a \
             time, so this gain is not the threads' (a run of a few switch intervals, or a busy \
             machine, shows noise: try a larger --n)."
            .to_string(),
        Some(_) => ": under the GIL only one thread runs Python code at a time, so for CPU-bound \
             work threads are no faster (like python3 cpu_example.py)."
            .to_string(),
    };
    measured + &why
}
