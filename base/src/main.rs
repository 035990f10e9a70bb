//! base: threads for tasks that wait.
//!
//! Translates `base.py`: K tasks that each wait D ms, as a program waits for a disk, a network
//! or a database. One after the other they take K×D; one thread per task, about D: the threads
//! wait at the same time. With `--features gil` too, because a waiting thread has released the
//! GIL (`py.detach`, as `time.sleep()` does in CPython): this is why threads help for I/O even
//! in Python. Each task's completion time, from the start of its mode, is reported as p50/p99/max.
//!
//! The tutorials' other I/O scenarios are subcommands, each in its own file: `devices`
//! (devices.rs: sessions to many simulated network devices, by threads, processes and async
//! tasks) and `convoy` (convoy.rs: what a CPU-bound thread does to an I/O thread under the GIL).
//!
//! Run with:
//! ```text
//! cargo run -p base
//! cargo run -p base --features gil -- --timeline
//! cargo run --release -p base -- devices --sessions 10,100,1000
//! cargo run --release -p base --features gil -- convoy
//! ```

mod args;
mod convoy;
mod devices;
mod worker;

use std::process::ExitCode;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use args::{Cli, Mode, Scenario};
use common::cli;
use common::error::Failure;
use common::gil::{self, Python};
use common::latency::Latencies;
use common::program::Program;
use common::report::{Report, Run};
use common::threads::python_threads;

fn task(delay: Duration, py: Python<'_>) {
    py.detach(|| thread::sleep(delay)); // time.sleep() releases the GIL while waiting
}

fn sequential(tasks: u64, delay: Duration, start: Instant, done: &Mutex<Latencies>) {
    gil::attach(|py| {
        for _ in 0..tasks {
            task(delay, py);
            record(done, start);
        }
    });
}

fn threaded(
    tasks: u64,
    delay: Duration,
    start: Instant,
    done: &Mutex<Latencies>,
) -> Result<(), Failure> {
    python_threads(tasks, |_, py| {
        task(delay, py);
        record(done, start);
    })?;
    Ok(())
}

// New (not in base.py): when each task finished, for the latency columns (hdrhistogram).
/// Notes when a task finished, counted from the start of its mode.
fn record(done: &Mutex<Latencies>, start: Instant) {
    done.lock().unwrap_or_else(|p| p.into_inner()).record(start.elapsed());
}

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    let program = Program::start("base", &cli.common);
    if let Some(index) = cli.worker.index {
        return worker::main(&cli.worker, index); // devices' processes mode: plumbing, worker.rs
    }
    program.run(|program| match &cli.scenario {
        Some(Scenario::Devices(args)) => devices::run(args, program),
        Some(Scenario::Convoy(args)) => convoy::run(args, program),
        None => run(&cli, program),
    })
}

/// base.py's `main()`: each mode in turn, with when each task finished.
fn run(cli: &Cli, program: &Program) -> Result<Report, Failure> {
    let delay = Duration::from_millis(cli.delay_ms);
    let modes = cli::chosen(&[Mode::Sequential, Mode::Threads], &cli.modes);
    let estimate = modes.iter().map(|mode| match mode {
        Mode::Sequential => delay.saturating_mul(cli.tasks as u32),
        Mode::Threads => delay,
    });
    program.limit_time(estimate.sum(), "--tasks x --delay-ms");
    program.steps(modes.len());

    let mut report = Report::new("base")
        .speedup_over("sequential")
        .size("tasks", cli.tasks)
        .size("delay_ms", cli.delay_ms);
    for mode in modes {
        let done = Mutex::new(Latencies::new());
        let start = Instant::now();
        let (name, ((), seconds)) = match mode {
            Mode::Sequential => (
                "sequential",
                program.mode("sequential", || sequential(cli.tasks, delay, start, &done)),
            ),
            Mode::Threads => (
                "threads",
                program.try_mode("threads", || threaded(cli.tasks, delay, start, &done))?,
            ),
        };
        let done = done.into_inner().unwrap_or_else(|p| p.into_inner()).summary();
        report.push(
            Run::new(name, seconds)
                .with("waits", seconds.as_secs_f64() / delay.as_secs_f64())
                .with("completed", done.count)
                .with("p50_ms", done.p50_ms)
                .with("p99_ms", done.p99_ms)
                .with("max_ms", done.max_ms),
        );
    }
    report.conclude(conclusion(&report));
    Ok(report)
}

// New (not in base.py, which prints one fixed line): what this run's numbers show.
fn conclusion(report: &Report) -> String {
    format!(
        "This run took: {}. One after the other the waits add up; in threads they overlap, and \
         the run takes about one wait{}.",
        report.quote("waits", "waits"),
        if gil::under_gil() {
            ", even under the GIL: a waiting thread has released it"
        } else if gil::free_threaded() {
            ", as on any CPython: free-threaded 3.13t has no GIL, and waiting threads never needed \
             one"
        } else {
            ""
        }
    )
}
