//! `mp start-cost`: the price of starting ("on paye immédiatement le coût de démarrer un nouveau
//! processus"): how long it takes to start and join a thread, a tokio task and a worker
//! process, many times each, as latency distributions (hdrhistogram).

use std::time::{Duration, Instant};

use common::cli::CommonArgs;
use common::latency::Latencies;
use common::process::{self, Failure};
use common::report::{Report, Run};

/// Options of `mp start-cost`.
#[derive(clap::Args)]
pub struct Args {
    /// How many starts of each kind (1 to 100000)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub starts: u64,

    #[command(flatten)]
    pub common: CommonArgs,
}

fn start_thread() {
    let _ = std::thread::spawn(|| {}).join();
}

fn start_task(runtime: &tokio::runtime::Runtime) {
    let _ = runtime.block_on(async { tokio::spawn(async {}).await });
}

fn start_process() -> Result<(), Failure> {
    let worker = process::start(0, &["--worker", "0", "--task", "nothing"].map(String::from))?;
    process::join_all(vec![worker], Duration::from_secs(30)).map(drop)
}

fn measure(
    starts: u64,
    mut start: impl FnMut() -> Result<(), Failure>,
) -> Result<(Latencies, Duration), Failure> {
    let mut latencies = Latencies::new();
    let begin = Instant::now();
    for _ in 0..starts {
        let one = Instant::now();
        start()?;
        latencies.record(one.elapsed());
    }
    Ok((latencies, begin.elapsed()))
}

/// `mp start-cost`: one row per kind of start.
pub fn run(args: &Args) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .map_err(|e| Failure::Start(format!("could not start tokio: {e}")))?;
    let mut report = Report::new("mp start-cost").size("starts", args.starts);
    let thread = measure(args.starts, || {
        start_thread();
        Ok(())
    })?;
    let task = measure(args.starts, || {
        start_task(&runtime);
        Ok(())
    })?;
    let process = measure(args.starts, start_process)?;
    for (kind, (latencies, total)) in [
        ("thread", thread),
        ("tokio_task", task),
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
    let p50 = |kind: &str| {
        report
            .run(kind)
            .field("p50_ms")
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    let conclusion = format!(
        "Starting and joining a worker process costs {:.0}x a thread and {:.0}x a tokio task (p50); \
         CPython's multiprocessing pays about 70 ms per process with \"spawn\", 3 ms with \"fork\". \
         The seconds column is the total for all the starts.",
        p50("process") / p50("thread").max(0.001),
        p50("process") / p50("tokio_task").max(0.001),
    );
    report
        .print(&args.common, &conclusion)
        .map_err(|e| Failure::Start(e.to_string()))
}
