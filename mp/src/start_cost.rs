//! `mp start-cost`: the price of starting ("on paye immédiatement le coût de démarrer un nouveau
//! processus"): how long it takes to start and join a thread, a tokio task, an interpreter with
//! its own GIL and a worker process, many times each, as latency distributions (hdrhistogram).

use std::time::{Duration, Instant};

use common::error::Failure;
use common::gil::GilConfig;
use common::interpreters::run_in_interpreters;
use common::latency::Latencies;
use common::program::Program;
use common::report::{Report, Run};

use crate::worker::{self, Task};

/// Options of `mp start-cost`.
#[derive(clap::Args)]
pub struct Args {
    /// How many starts of each kind (1 to 100000)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub starts: u64,
}

fn start_thread() -> Result<(), Failure> {
    let _ = std::thread::spawn(|| {}).join();
    Ok(())
}

fn start_task(runtime: &tokio::runtime::Runtime) -> Result<(), Failure> {
    let _ = runtime.block_on(async { tokio::spawn(async {}).await });
    Ok(())
}

/// A subinterpreter with its own GIL, as `mp --modes interpreters` starts it: a new GIL and a
/// thread attached to it. CPython's costs far more (it builds a whole interpreter: its modules,
/// its builtins); the README gives CPython's, measured by `.ci/measure`.
fn start_interpreter() -> Result<(), Failure> {
    let _ = run_in_interpreters(1, Some(&GilConfig::default()), |_, _| ());
    Ok(())
}

fn start_process(program: &Program) -> Result<(), Failure> {
    worker::run_all(&[Task::Nothing], program.args(), Duration::from_secs(30)).map(drop)
}

/// The worker side: started, and says so.
pub fn worker() {
    common::outln!("started");
}

fn measure(
    starts: u64,
    mut start: impl FnMut() -> Result<(), Failure>,
) -> Result<Latencies, Failure> {
    let mut latencies = Latencies::new();
    for _ in 0..starts {
        let one = Instant::now();
        start()?;
        latencies.record(one.elapsed());
    }
    Ok(latencies)
}

/// `mp start-cost`: one row per kind of start.
pub fn run(args: &Args, program: &Program) -> Result<Report, Failure> {
    // One thread, as asyncio's event loop: a task starts and runs where it was spawned.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Failure::Setup(format!("could not start tokio: {e}")))?;
    let mut report = Report::new("mp start-cost").size("starts", args.starts);
    program.steps(4);
    let starts = args.starts;
    // Each row's seconds and CPU time are the mode's, measured around all its starts.
    let thread = program.try_mode("threads", || measure(starts, start_thread))?;
    let task = program.try_mode("tokio tasks", || measure(starts, || start_task(&runtime)))?;
    let interpreter = program.try_mode("interpreters", || measure(starts, start_interpreter))?;
    let process = program.try_mode("processes", || measure(starts, || start_process(program)))?;
    for (kind, (latencies, total)) in [
        ("thread", thread),
        ("tokio_task", task),
        ("interpreter", interpreter),
        ("process", process),
    ] {
        let summary = latencies.summary();
        report.push(
            Run::new(kind, total)
                .with("p50_ms", summary.p50_ms)
                .with("p99_ms", summary.p99_ms)
                .with("max_ms", summary.max_ms),
        );
    }
    let p50 = |kind: &str| report.run(kind).field("p50_ms").and_then(|v| v.as_f64()).unwrap_or(0.0);
    // The histogram counts whole microseconds, and a task starts in about one: 1 µs recorded is
    // under 1.5 µs.
    let longer = |kind: &str, name: &str| match p50(kind) {
        p if p <= 0.001 => {
            format!("over {:.0}x as long as a {name} (1 µs or less)", p50("process") / 0.0015)
        }
        p => format!("{:.0}x as long as a {name} ({p:.3} ms)", p50("process") / p),
    };
    let conclusion = format!(
        "Starting and joining a worker process ({:.3} ms, p50) took {} and {}; a simulated \
         interpreter is a thread and a GIL ({:.3} ms). The seconds column is the total for all \
         the starts; CPython's figures are in the README.",
        p50("process"),
        longer("thread", "thread"),
        longer("tokio_task", "tokio task"),
        p50("interpreter"),
    );
    report.conclude(conclusion);
    Ok(report)
}
