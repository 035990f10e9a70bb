//! share: several threads increment a shared counter without protection; updates are lost.
//!
//! Translates `share.py`. `counter += 1` is a read then a write; here they are an atomic load
//! then an atomic store, two separate steps with room for another thread in between: a race,
//! but no data race and no undefined behaviour (the literal `counter += 1` does not even compile:
//! see `src/lib.rs`).
//!
//! * Natively the threads run on all cores at once and lose updates on every run.
//! * With `--features gil` (CPython 3.12 by default) a thread only lets go of the GIL at the
//!   loop's backward jump, after the write: no update is lost, as on CPython 3.10 and later.
//! * With `--python 3.9` it may let go between the read and the write, as CPython 3.9 does:
//!   updates are lost again, many at a time.
//! * With `--python 3.13t` (free-threaded CPython, PEP 703) there is no GIL at all: the threads
//!   run at once, as natively, and lose updates again.
//!
//! There is no "interpreters" mode (one GIL per subinterpreter, as in `mp`): a global in one
//! interpreter is not the same object as in another, so there would be nothing shared to race on.
//!
//! Run with:
//! ```text
//! cargo run -p share
//! cargo run -p share --features gil
//! cargo run -p share --features gil -- --python 3.9
//! cargo run -p share --features gil -- --python 3.13t
//! ```

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use clap::Parser;
use common::cli::{self, CommonArgs, limits};
use common::gil::{self, Loop, Python};
use common::progress::Progress;
use common::report::{Report, Run};
use common::threads::run_in_threads;
use common::timing::timed;

/// Threads incrementing one shared counter without a lock: lost updates.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(
    after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(estimated from the cost of an increment: about 1 ns natively, 70 to 90 ns at CPython's pace). \
Longer than a second, a run shows its progress on a terminal's stderr."
)]
struct Cli {
    /// Threads incrementing the counter (1 to 1024)
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_THREADS))]
    workers: u64,

    /// Increments per thread (1 to 10^9) [default: 1000000, share.py's, at CPython's pace (the
    /// GIL build); natively 25000000: Rust does an increment in about a nanosecond, CPython in
    /// tens]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_INCREMENTS))]
    increments: Option<u64>,

    #[command(flatten)]
    common: CommonArgs,
}

/// `counter += 1`: LOAD_GLOBAL, then BINARY_OP, then STORE_GLOBAL.
fn increment(counter: &AtomicU64, py: Python<'_>) {
    let value = counter.load(Relaxed); // read
    py.between_bytecodes(); // CPython 3.9 and older may hand the GIL over here
    counter.store(value + 1, Relaxed); // write: whatever another thread wrote since the read is lost
}

fn worker(counter: &AtomicU64, increments: u64, py: Python<'_>) {
    let py = py.running(Loop::Increment); // with --pace cpython, an iteration takes CPython's time
    for _ in 0..increments {
        increment(counter, py);
        py.backward_jump(); // every CPython version may hand the GIL over here
    }
}

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    cli.common.install_gil("share");
    let increments = cli
        .increments
        .unwrap_or_else(|| gil::default_size(1_000_000, 25_000_000));
    let total = u128::from(cli.workers) * u128::from(increments);
    cli::within_an_hour(
        gil::estimate(Loop::Increment, total),
        "--workers x --increments",
    );
    let counter = AtomicU64::new(0);

    let progress = Progress::new(&cli.common, "share", 1);
    progress.step("threads");
    let started = timed(|| {
        run_in_threads(cli.workers, |_| {
            gil::attach(|py| worker(&counter, increments, py))
        })
    });
    let elapsed = match started {
        (Ok(_), elapsed) => elapsed,
        (Err(error), _) => {
            return cli::runtime_error(&format!("could not start a thread: {error}"));
        }
    };

    drop(progress);
    let expected = cli.workers * increments;
    let got = counter.load(Relaxed);
    let lost = expected - got;
    let mut report = Report::new("share")
        .size("workers", cli.workers)
        .size("increments", increments);
    report.push(
        Run::new("threads", elapsed)
            .with("expected", expected)
            .with("got", got)
            .with("lost", lost),
    );
    report.finish(&cli.common, &conclusion(lost, expected))
}

// New (not in share.py, which prints the counts only): what this run's numbers show.
/// One sentence on what the numbers show.
fn conclusion(lost: u64, expected: u64) -> String {
    let share = 100.0 * lost as f64 / expected as f64;
    match gil::global().map(|g| g.config().version) {
        None if lost > 0 => format!(
            "{lost} of {expected} updates were lost ({share:.1}%): the threads ran at the same time, \
             and a write made between another thread's read and write was overwritten."
        ),
        None => "No update was lost this time, but only by luck: the read and the write are still \
                 two steps (more threads or increments will show it)."
            .to_string(),
        Some(gil::PythonVersion::V3_13t) if lost > 0 => format!(
            "{lost} of {expected} updates were lost ({share:.1}%): free-threaded CPython 3.13t has \
             no GIL, so the threads ran at the same time, as Rust's do, and the race that 3.10 to \
             3.12 hid is back. share2's lock is the fix."
        ),
        Some(gil::PythonVersion::V3_12) if lost == 0 => {
            "No update was lost: since CPython 3.10 a thread lets go of the GIL only at a backward \
             jump or a call, never between the read and the write of counter += 1. The race is \
             hidden, not fixed (see share2, and --python 3.9)."
                .to_string()
        }
        Some(version) if lost > 0 => format!(
            "{lost} of {expected} updates were lost ({share:.1}%): CPython {} can hand the GIL over \
             between the read and the write of counter += 1; the other threads' increments made \
             meanwhile are overwritten.",
            version.as_str()
        ),
        Some(version) => format!(
            "No update was lost this time under CPython {}: the run was too short for the GIL to \
             change hands between a read and its write (try more --increments).",
            version.as_str()
        ),
    }
}
