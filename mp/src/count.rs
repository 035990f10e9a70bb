//! `mp count`: freeCodeCamp's `count_up()` and `count_down()` (see `count.py`), one after the
//! other, by two threads, and by two worker processes: the table the tutorial measured as
//! 25.8 s / 24.5 s / 8.3 s. Natively the threads are as fast as the processes; with
//! `--features gil` they are no faster than sequential, as in the tutorial.

use std::time::Duration;

use common::cli::{self, CommonArgs, limits};
use common::error::Failure;
use common::evidence::Parallel;
use common::gil::{self, Loop, Python};
use common::program::{Program, exact};
use common::report::{Report, Run};
use common::threads::python_threads;
use common::workload::count;

use crate::worker::{self, Task};

/// The tutorial's own figures, for `range(100000000)` on its author's machine: seconds at
/// another n on another machine, so only their ratios to sequential are comparable with ours.
const TUTORIAL_SECONDS: [(&str, f64); 3] =
    [("sequential", 25.8), ("threads", 24.5), ("processes", 8.3)];

/// Options of `mp count`.
#[derive(clap::Args)]
pub struct Args {
    /// Each function counts over range(N) (1 to 10^10) [default: 10000000, count.py's, at
    /// CPython's pace (the GIL build); natively 300000000. The tutorial's N is 10^8, which
    /// CPython counts in seconds and Rust in a tenth of one]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_N))]
    pub n: Option<u64>,
}

pub fn count_up(n: u64, py: Python<'_>) -> u128 {
    count(n, py) // count = count + i, for i in range(n)
}

pub fn count_down(n: u64, py: Python<'_>) -> u128 {
    count(n, py) // the tutorial's count_down is the same loop
}

fn sequential(n: u64) -> u128 {
    gil::attach(|py| count_up(n, py) + count_down(n, py))
}

fn threaded(n: u64) -> Result<u128, Failure> {
    let both: [fn(u64, Python<'_>) -> u128; 2] = [count_up, count_down];
    let counts = python_threads(2, |index, py| both[index](n, py))?;
    Ok(counts.iter().sum())
}

fn processes(n: u64, common: &CommonArgs) -> Result<u128, Failure> {
    let tasks = [Task::CountUp { n }, Task::CountDown { n }];
    let (outputs, pids) = worker::run_all(&tasks, common, Duration::from_secs(3600))?;
    Ok(worker::numbers(&outputs, &pids)?.iter().sum())
}

/// The worker side: `count_up` or `count_down` alone in this process; prints the count.
pub fn worker(function: fn(u64, Python<'_>) -> u128, n: u64) {
    common::outln!("{}", gil::attach(|py| function(n, py)));
}

/// `mp count`: the three modes, with the tutorial's figures beside them.
pub fn run(args: &Args, program: &Program) -> Result<Report, Failure> {
    let n = args.n.unwrap_or(program.default_size(10_000_000, 300_000_000));
    program.limit(Loop::Count, 3 * 2 * u128::from(n), "--n")?;
    let expected = 2 * (u128::from(n) * u128::from(n.saturating_sub(1)) / 2);
    program.steps(3);
    let (sequential_count, sequential_time) = program.mode("sequential", || sequential(n));
    let (threads_count, threads_time) = program.try_mode("threads", || threaded(n))?;
    let (processes_count, processes_time) =
        program.try_mode("processes", || processes(n, program.args()))?;
    let mut report = Report::new("mp count").speedup_over("sequential").size("n", n);
    for (((mode, tutorial), count), time) in TUTORIAL_SECONDS
        .into_iter()
        .zip([sequential_count, threads_count, processes_count])
        .zip([sequential_time, threads_time, processes_time])
    {
        let count = exact(&format!("count from {mode}"), count, expected)?;
        report.push(
            Run::new(mode, time)
                .with("count", count.to_string())
                .with("tutorial_speedup", TUTORIAL_SECONDS[0].1 / tutorial),
        );
    }
    // What the threads and the processes did with the cores, as measured: count_up and
    // count_down are two workers.
    let cores = cli::cores();
    let threads = Parallel::of(report.run("threads"), 2, cores);
    let processes = Parallel::of(report.run("processes"), 2, cores);
    let build = if gil::under_gil() {
        " Under the GIL threads take turns, and processes have a GIL each."
    } else if gil::free_threaded() {
        " Free-threaded 3.13t has no GIL: threads can run at once, as processes do."
    } else {
        " Without a GIL, threads can run at once, as processes do."
    };
    report.conclude(format!(
        "The tutorial's CPython: threads {:.2}x, processes {:.2}x as fast as sequential. Here: \
         threads {:.2}x, processes {:.2}x: {}; {}.{build}",
        TUTORIAL_SECONDS[0].1 / TUTORIAL_SECONDS[1].1,
        TUTORIAL_SECONDS[0].1 / TUTORIAL_SECONDS[2].1,
        report.speedup("threads", "sequential"),
        report.speedup("processes", "sequential"),
        threads.said("the threads", cores),
        processes.said("the processes", cores),
    ));
    Ok(report)
}
