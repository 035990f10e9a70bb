//! as: one thread running cooperative tasks, asyncio's way, with tokio.
//!
//! Translates `as.py`. The runtime is tokio's *current-thread* runtime: like asyncio's event
//! loop, it runs one task at a time on one thread, and a task hands control back at each
//! `.await`.
//!
//! * `sequential`: await each wait in turn: K×D.
//! * `gather`: all the tasks at once (`asyncio.gather`, here a `JoinSet`): about D.
//! * `blocking`: each task calls a *blocking* sleep inside async code. It never reaches an
//!   `.await`, so the one thread is stuck and every other task with it: K×D again.
//! * `spawn_blocking`: the same blocking call moved to a thread pool (`asyncio.to_thread`,
//!   tokio's `spawn_blocking`): about D again, as long as K is at most the pool's size, which
//!   is asyncio's default executor's: min(32, cores + 4) threads; more tasks wait their turn.
//!
//! With `--features gil` the synchronous parts run under the simulated GIL and the blocking sleep
//! releases it (as `time.sleep` does); the results are the same, since no task computes.
//!
//! `as fetch` (fetch.rs) is the tutorial's second async example: employees and projects from a
//! real SQLite database, fetched one after the other, then concurrently.
//!
//! Run with:
//! ```text
//! cargo run -p as
//! cargo run --release -p as -- --tasks 10000 --delay-ms 100 --modes gather
//! cargo run -p as -- fetch
//! ```

mod fetch;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::cli::{self, CommonArgs, limits};
use common::gil;
use common::progress::Progress;
use common::report::{self, Outcome, Report, Run};
use common::timing::timed;
use tokio::task::JoinSet;

/// Cooperative tasks on one thread: awaited waits overlap, a blocking call blocks them all.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(
    after_help = "Limits: the modes chosen may take an hour in all: sequential and blocking \
take --tasks x --delay-ms each, spawn_blocking that divided by its min(32, cores + 4) threads \
(asyncio.to_thread's pool), gather one delay. Longer than a second, a run shows its progress on \
a terminal's stderr."
)]
struct Cli {
    #[command(subcommand)]
    scenario: Option<Scenario>,

    /// How many tasks (1 to 1000000)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_ASYNC_TASKS))]
    tasks: u64,

    /// How long each task waits, in milliseconds (1 to 60000)
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_DELAY_MS))]
    delay_ms: u64,

    /// Which modes to run, comma-separated [default: all four, in this order]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MODES")]
    modes: Vec<Mode>,

    #[command(flatten)]
    common: CommonArgs,
}

/// The tutorials' other async scenario.
#[derive(clap::Subcommand)]
enum Scenario {
    /// freeCodeCamp's employees and projects: two database fetches, one by one, then together
    #[command(
        after_help = "Limits: --latency-ms at most 60000; the largest run takes about 3 \
minutes (three latencies)."
    )]
    Fetch(fetch::Args),
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Mode {
    Sequential,
    Gather,
    Blocking,
    #[value(name = "spawn_blocking")]
    SpawnBlocking,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Gather => "gather",
            Mode::Blocking => "blocking",
            Mode::SpawnBlocking => "spawn_blocking",
        }
    }
}

async fn task(delay: Duration) {
    tokio::time::sleep(delay).await; // hands control back to the runtime while waiting
}

async fn blocking_task(delay: Duration) {
    // Blocks the runtime's only thread: no other task runs until it returns.
    gil::attach(|py| py.detach(|| std::thread::sleep(delay)));
}

async fn sequential(tasks: u64, delay: Duration) {
    for _ in 0..tasks {
        task(delay).await;
    }
}

async fn gather(tasks: u64, delay: Duration) {
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        set.spawn(task(delay));
    }
    set.join_all().await;
}

async fn blocking(tasks: u64, delay: Duration) {
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        set.spawn(blocking_task(delay));
    }
    set.join_all().await;
}

async fn spawn_blocking(tasks: u64, delay: Duration) {
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        set.spawn_blocking(move || gil::attach(|py| py.detach(|| std::thread::sleep(delay))));
    }
    set.join_all().await;
}

// New (not in as.py, where asyncio sizes its pool itself): the blocking pool's size.
/// The threads of `asyncio.to_thread`'s default `ThreadPoolExecutor`: min(32, cores + 4).
fn blocking_threads() -> usize {
    32.min(cli::cores() as usize + 4)
}

/// The stack of each thread of the blocking pool: enough to sleep or run a query, not 2 MiB.
const BLOCKING_STACK: usize = 256 * 1024;

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    cli.common.install_gil("as");
    // asyncio's event loop: one thread. The blocking pool of spawn_blocking is separate, and as
    // big as asyncio's default executor, which runs `asyncio.to_thread`: min(32, cores + 4).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .max_blocking_threads(blocking_threads())
        .thread_stack_size(BLOCKING_STACK)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return cli::runtime_error(&format!("could not start tokio: {error}")),
    };
    let outcome = match &cli.scenario {
        Some(Scenario::Fetch(args)) => fetch::run(args, &cli.common, &runtime),
        None => run(&cli, &runtime),
    };
    report::finish(outcome, &cli.common)
}

/// as.py's `main()`: each mode in turn, timed in units of one wait.
fn run(cli: &Cli, runtime: &tokio::runtime::Runtime) -> Outcome {
    let delay = Duration::from_millis(cli.delay_ms);
    let mut report = Report::new("as")
        .speedup_over("sequential")
        .size("tasks", cli.tasks)
        .size("delay_ms", cli.delay_ms);
    let tasks = cli.tasks;
    let modes = cli::chosen(
        &[
            Mode::Sequential,
            Mode::Gather,
            Mode::Blocking,
            Mode::SpawnBlocking,
        ],
        &cli.modes,
    );
    let estimate = modes
        .iter()
        .map(|mode| match mode {
            Mode::Sequential | Mode::Blocking => delay.saturating_mul(tasks as u32),
            Mode::Gather => delay,
            Mode::SpawnBlocking => {
                delay.saturating_mul(tasks.div_ceil(blocking_threads() as u64) as u32)
            }
        })
        .sum();
    cli::within_an_hour(estimate, "--tasks x --delay-ms");
    let progress = Progress::new(&cli.common, "as", modes.len() as u64);
    for mode in modes {
        progress.step(mode.name());
        let ((), elapsed) = match mode {
            Mode::Sequential => timed(|| runtime.block_on(sequential(tasks, delay))),
            Mode::Gather => timed(|| runtime.block_on(gather(tasks, delay))),
            Mode::Blocking => timed(|| runtime.block_on(blocking(tasks, delay))),
            Mode::SpawnBlocking => timed(|| runtime.block_on(spawn_blocking(tasks, delay))),
        };
        report.push(
            Run::new(mode.name(), elapsed)
                .with("waits", elapsed.as_secs_f64() / delay.as_secs_f64()),
        );
    }

    let conclusion = format!(
        "This run took: {}. Awaited waits overlap on one thread (sequential takes one wait per \
         task, gather about one in all); a task that blocks inside async code blocks every task, \
         unless the blocking call runs on another thread (spawn_blocking).{}",
        report.quote("waits", "waits"),
        if gil::free_threaded() {
            " Free-threaded 3.13t changes nothing here: asyncio runs its tasks on one thread, GIL \
             or not."
        } else {
            ""
        }
    );
    Ok((report, conclusion))
}

#[cfg(test)]
mod tests {
    //! On tokio's paused clock time advances only when every task waits: exact, instant tests.
    use super::*;
    use tokio::time::Instant;

    const WAIT: Duration = Duration::from_millis(500);

    #[tokio::test(start_paused = true)]
    async fn sequential_waits_add_up() {
        let start = Instant::now();
        sequential(5, WAIT).await;
        assert_eq!(start.elapsed(), 5 * WAIT);
    }

    #[tokio::test(start_paused = true)]
    async fn gathered_waits_overlap() {
        let start = Instant::now();
        gather(10_000, WAIT).await;
        assert_eq!(start.elapsed(), WAIT);
    }
}
