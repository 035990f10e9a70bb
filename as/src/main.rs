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

mod args;
mod event_loop;
mod fetch;

use std::process::ExitCode;
use std::time::Duration;

use args::{Cli, Mode, Scenario};
use common::cli;
use common::error::Failure;
use common::gil;
use common::program::{self, Program};
use common::report::{Report, Run};
use common::tr;
use event_loop::{blocking_threads, event_loop};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

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

// New (not in as.py, where asyncio.run makes one per mode): the event loop (event_loop.rs).
fn main() -> ExitCode {
    program::main(|| {
        let cli: Cli = cli::parse()?;
        let program = Program::start(cli.program(), &cli.common)?;
        Ok(program.run(|program| {
            let event_loop = event_loop()?;
            match &cli.scenario {
                Some(Scenario::Fetch(args)) => fetch::run(args, program, &event_loop),
                None => run(&cli, program, &event_loop),
            }
        }))
    })
}

/// as.py's `main()`: each mode in turn, `asyncio.run(function(tasks, delay))`, timed.
fn run(cli: &Cli, program: &Program, event_loop: &Runtime) -> Result<Report, Failure> {
    let (tasks, delay) = (cli.tasks, Duration::from_millis(cli.delay_ms));
    let modes = cli::chosen(&Mode::ALL, &cli.modes);
    let estimate = modes.iter().map(|m| m.estimate(tasks, delay, blocking_threads()));
    program.limit_time(estimate.sum(), "--tasks x --delay-ms")?;
    program.steps(modes.len());
    program.modes_beside(&modes.iter().map(|mode| mode.name()).collect::<Vec<_>>())?;
    let mut report = Report::new("as")
        .natively("natively-tokio")
        .speedup_over("sequential")
        .size("tasks", tasks)
        .size("delay_ms", cli.delay_ms);
    for mode in modes {
        let ((), seconds) = program.mode(mode.name(), || match mode {
            Mode::Sequential => event_loop.block_on(sequential(tasks, delay)),
            Mode::Gather => event_loop.block_on(gather(tasks, delay)),
            Mode::Blocking => event_loop.block_on(blocking(tasks, delay)),
            Mode::SpawnBlocking => event_loop.block_on(spawn_blocking(tasks, delay)),
        });
        let waits = seconds.as_secs_f64() / delay.as_secs_f64();
        report.push(Run::new(mode.name(), seconds).with("waits", waits));
    }
    report.conclude(conclusion(&report, gil::free_threaded()));
    Ok(report)
}

// New (not in as.py, which prints one fixed line): what this run's numbers show.
fn conclusion(report: &Report, free_threaded: bool) -> String {
    let why = if free_threaded { tr!("as-free-threaded") } else { String::new() };
    tr!("as-waits", waits = report.quote("waits", &tr!("unit-waits")), why = why)
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

    /// What the waits of each mode say, with 3.13t's note only for 3.13t, in both languages.
    #[test]
    fn the_conclusion_quotes_each_modes_waits() {
        use common::lang::{Lang, with_lang};
        let mut report = Report::new("as");
        report.push(Run::new("sequential", 4 * WAIT).with("waits", 4.0));
        report.push(Run::new("gather", WAIT).with("waits", 1.0));
        let en = with_lang(Lang::En, || conclusion(&report, false));
        assert!(en.contains("sequential 4.0 waits, gather 1.0 waits"), "{en}");
        assert!(!en.contains("3.13t"), "{en}");
        assert!(with_lang(Lang::En, || conclusion(&report, true)).contains("Free-threaded 3.13t"));
        let fr = with_lang(Lang::Fr, || conclusion(&report, true));
        assert!(fr.contains("gather 1,0 attentes") && fr.contains("GIL ou pas"), "{fr}");
    }

    #[tokio::test(start_paused = true)]
    async fn gathered_waits_overlap() {
        let start = Instant::now();
        gather(10_000, WAIT).await;
        assert_eq!(start.elapsed(), WAIT);
    }
}
