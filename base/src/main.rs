//! base: threads for tasks that wait.
//!
//! Translates `base.py`: K tasks that each wait D ms, as a program waits for a disk, a network
//! or a database. One after the other they take K×D; one thread per task, about D: the threads
//! wait at the same time. With `--features gil` too, because a waiting thread has released the
//! GIL (`py.detach`, as `time.sleep()` does in CPython): this is why threads help for I/O even
//! in Python. The lesson page: base/README.md.
//!
//! This is the first lesson that starts threads, so they are started here in full: a scope,
//! each thread spawned, each joined (the later lessons call `common::threads::python_threads`,
//! which does the same).
//!
//! The tutorials' other I/O scenarios are subcommands, each in its own file: `devices`
//! (devices.rs: sessions to many simulated network devices, by threads, processes and async
//! tasks) and `convoy` (convoy.rs: what a CPU-bound thread does to an I/O thread under the GIL).
//!
//! Run with:
//! ```text
//! cargo run -p base
//! cargo run -p base --features gil
//! cargo run --release -p base -- devices --sessions 10,100,1000
//! cargo run --release -p base --features gil -- convoy
//! ```

mod args;
mod conclusion;
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
use common::program::{self, Program};
use common::report::Report;

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
    // Every thread spawned in the scope is joined before `scope` returns, so the threads may
    // borrow `delay`, `start` and `done` from this function: no `Arc`, no `move`.
    thread::scope(|scope| {
        let mut threads = Vec::new();
        for number in 1..=tasks {
            // threading.Thread(target=worker).start(): a Builder, for Python's thread names and
            // an error instead of a panic when the OS refuses a thread (`scope.spawn` panics).
            let thread = thread::Builder::new()
                .name(format!("Thread-{number}"))
                .spawn_scoped(scope, || {
                    gil::attach(|py| {
                        task(delay, py);
                        record(done, start);
                    })
                })
                .map_err(|error| Failure::ThreadStart(error.to_string()))?;
            threads.push(thread);
        }
        for thread in threads {
            // thread.join(); a thread that panicked goes on panicking here.
            thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        Ok(())
    })
}

// New (not in base.py): when each task finished, for the latency columns (hdrhistogram).
/// Notes when a task finished, counted from the start of its mode.
fn record(done: &Mutex<Latencies>, start: Instant) {
    // lock() waits for the Mutex; it is an Err only if a thread panicked while holding it.
    done.lock().unwrap().record(start.elapsed());
}

fn main() -> ExitCode {
    program::main(|| {
        let cli: Cli = cli::parse()?;
        let program = Program::start(cli.program(), &cli.common)?;
        if let Some(index) = cli.worker.index {
            return Ok(worker::main(&cli.worker, index)); // devices' processes: worker.rs
        }
        Ok(program.run(|program| match &cli.scenario {
            Some(Scenario::Devices(args)) => devices::run(args, program),
            Some(Scenario::Convoy(args)) => convoy::run(args, program),
            None => run(&cli, program),
        }))
    })
}

/// base.py's `main()`: each mode in turn, with when each task finished.
fn run(cli: &Cli, program: &Program) -> Result<Report, Failure> {
    let delay = Duration::from_millis(cli.delay_ms);
    let modes = cli::chosen(&[Mode::Sequential, Mode::Threads], &cli.modes);
    let estimate = modes.iter().map(|mode| mode.estimate(cli.tasks, delay)).sum();
    program.limit_time(estimate, "--tasks x --delay-ms")?;
    program.steps(modes.len());

    let mut report = conclusion::report(cli.tasks, cli.delay_ms);
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
        report.push(conclusion::run(name, seconds, delay, done.into_inner().unwrap()));
    }
    report.conclude(conclusion::conclusion(&report, gil::global().map(|g| g.config().version)));
    Ok(report)
}
