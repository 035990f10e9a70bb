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

use std::process::ExitCode;

use clap::Parser;
use common::cli::{self, CommonArgs, limits};
use common::gil::{self, Loop};
use common::progress::Progress;
use common::report::{Report, Run};
use common::threads::run_in_threads;
use common::timing::timed;
// def sum_of_squares(n): lives in `common`, because mp.rs does the same work.
use common::workload::{expected_sum_of_squares, sum_of_squares};

/// Threads and CPU-bound work: the sum of squares, sequentially then by threads.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(
    after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(estimated from the cost of an iteration: 0.75 ns natively, 30 to 90 ns at CPython's pace, \
measured by .ci/calibrate.py). Longer than a second, a run shows its progress on a terminal's \
stderr."
)]
struct Cli {
    /// Each worker sums the squares of 0..N (1 to 10^10) [default: 5000000, cpu_example.py's, at
    /// CPython's pace (the GIL build); natively 100000000: Rust does an iteration in about a
    /// nanosecond, CPython in tens]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_N))]
    n: Option<u64>,

    /// How many times the work is done: sequentially, then by that many threads
    /// (1 to 1024) [default: the number of cores]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_THREADS))]
    workers: Option<u64>,

    #[command(flatten)]
    common: CommonArgs,
}

fn sequential(n: u64, workers: u64) -> Vec<u128> {
    gil::attach(|py| (0..workers).map(|_| sum_of_squares(n, py)).collect())
}

fn threaded(n: u64, workers: u64) -> std::io::Result<Vec<u128>> {
    run_in_threads(workers, |_index| gil::attach(|py| sum_of_squares(n, py)))
}

// def timed(function, *args): lives in `common::timing`, shared by every program.

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    cli.common.install_gil("cpu_example");
    let n = cli
        .n
        .unwrap_or_else(|| gil::default_size(5_000_000, 100_000_000));
    let workers = cli.workers.unwrap_or_else(cli::cores);
    // Sequential, then threads: at worst (under a GIL) the threads take as long again.
    let iterations = 2 * u128::from(n) * u128::from(workers);
    cli::within_an_hour(
        gil::estimate(Loop::SumOfSquares, iterations),
        "--n x --workers",
    );

    let progress = Progress::new(&cli.common, "cpu_example", 2);
    progress.step("sequential");
    let (results, sequential_time) = timed(|| sequential(n, workers));
    progress.step("threads");
    let (thread_results, threads_time) = match timed(|| threaded(n, workers)) {
        (Ok(results), time) => (results, time),
        (Err(error), _) => {
            return cli::runtime_error(&format!("could not start a thread: {error}"));
        }
    };

    drop(progress);
    // Never print a wrong total as if it were right.
    let expected = expected_sum_of_squares(n) * u128::from(workers);
    let total: u128 = results.iter().sum();
    let thread_total: u128 = thread_results.iter().sum();
    if total != expected || thread_total != expected {
        return cli::runtime_error(&format!(
            "wrong total: sequential {total}, threads {thread_total}, expected {expected}"
        ));
    }

    let mut report = Report::new("cpu_example")
        .speedup_over("sequential")
        .size("n", n)
        .size("workers", workers);
    report.push(Run::new("sequential", sequential_time).with("result", total.to_string()));
    report.push(Run::new("threads", threads_time).with("result", thread_total.to_string()));
    let conclusion = conclusion(report.speedup("threads", "sequential"), workers);
    report.finish(&cli.common, &conclusion)
}

// New (not in cpu_example.py, which prints one fixed line): what this run's numbers show.
/// One sentence on what the numbers show. `speedup` is sequential time / threads time.
fn conclusion(speedup: f64, workers: u64) -> String {
    let measured = if speedup >= 1.15 {
        format!("The threads were {speedup:.2}x faster than sequential")
    } else if speedup <= 0.87 {
        format!(
            "The threads were {:.2}x slower than sequential",
            1.0 / speedup
        )
    } else {
        format!("The threads took about the same time as sequential ({speedup:.2}x)")
    };
    let why = match gil::global().map(|g| g.config().version) {
        None if workers == 1 => ": one worker, nothing to run in parallel.".to_string(),
        None => format!(
            ": Rust has no GIL, so the {workers} threads ran on the {} cores at once.",
            cli::cores()
        ),
        Some(gil::PythonVersion::V3_13t) => format!(
            ": free-threaded CPython 3.13t has no GIL, so the {workers} threads ran on the {} cores \
             at once, as Rust's do.",
            cli::cores()
        ),
        Some(gil::PythonVersion::V2_7) => ": under CPython 2's old GIL the holder releases it every 100 ticks \
             and takes it straight back, while the other threads wake up on other cores for nothing."
            .to_string(),
        Some(_) => ": under the GIL only one thread runs Python code at a time, so for CPU-bound work \
             threads are no faster (like python3 cpu_example.py)."
            .to_string(),
    };
    measured + &why
}
