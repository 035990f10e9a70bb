//! share2: the shared counter of share, protected by a lock: never a lost update.
//!
//! Translates `share2.py`: `with lock: counter += 1` is a `Mutex` held across the read and the
//! write. Then the two ways one would really count from many threads in Rust, with their cost:
//!
//! * `mutex`: `share2.py`'s `Lock`. Exact, and the slowest: every increment takes the lock.
//! * `atomic`: one `fetch_add`, a single indivisible read-modify-write. Exact, no lock.
//! * `sharded`: each thread counts in its own slot (padded to its own cache line with
//!   crossbeam's `CachePadded`, so the cores don't fight over one line) and the slots are summed
//!   at the end. Exact, and nothing is shared while counting: the fastest.
//!
//! With `--features gil` the loops run under the simulated GIL, which may change hands even
//! inside the locked section (`--python 3.9`): the lock, not the GIL, keeps the count exact. With
//! `--python 3.13t` (free-threaded, no GIL) the threads run at once and the lock alone does it.
//!
//! Run with:
//! ```text
//! cargo run -p share2
//! cargo run -p share2 --features gil -- --python 3.9
//! cargo run -p share2 --features gil -- --python 3.13t
//! ```

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use clap::Parser;
use common::cli::{self, CommonArgs, limits};
use common::gil::{self, Loop, Python};
use common::progress::Progress;
use common::report::{Report, Run};
use common::threads::run_in_threads;
use common::timing::timed;
use crossbeam_utils::CachePadded;

/// The shared counter made exact: a lock (as share2.py), an atomic, per-thread counts.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(
    after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(estimated from the cost of an increment under the lock: about 20 ns natively under contention, \
230 to 280 ns at CPython's pace). Longer than a second, a run shows its progress on a terminal's \
stderr."
)]
struct Cli {
    /// Threads incrementing the counter (1 to 1024)
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_THREADS))]
    workers: u64,

    /// Increments per thread (1 to 10^9) [default: 1000000, share2.py's, at CPython's pace (the
    /// GIL build); natively 5000000: Rust does an increment in nanoseconds, CPython in tens]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_INCREMENTS))]
    increments: Option<u64>,

    #[command(flatten)]
    common: CommonArgs,
}

/// `with lock: counter += 1`
fn increment(counter: &Mutex<u64>, py: Python<'_>) {
    let mut guard = py.acquire(counter); // lock.acquire(): blocks with the GIL released
    let value = *guard; // read
    py.between_bytecodes(); // the GIL may change hands here; the lock does not
    *guard = value + 1; // write
} // lock.release()

fn worker(counter: &Mutex<u64>, increments: u64, py: Python<'_>) {
    let py = py.running(Loop::LockedIncrement); // with --pace cpython, CPython's time
    for _ in 0..increments {
        increment(counter, py);
        py.backward_jump();
    }
}

// New (not in share2.py): what Rust would write instead of a lock, to compare their costs.
/// One indivisible read-modify-write.
fn atomic_worker(counter: &AtomicU64, increments: u64, py: Python<'_>) {
    let py = py.running(Loop::Increment);
    for _ in 0..increments {
        counter.fetch_add(1, Relaxed);
        py.backward_jump();
    }
}

// New (not in share2.py): or nothing shared while counting, the fastest of the three.
/// Only this thread writes its slot; sum the slots at the end.
fn sharded_worker(slot: &CachePadded<AtomicU64>, increments: u64, py: Python<'_>) {
    let py = py.running(Loop::Increment);
    for _ in 0..increments {
        slot.store(slot.load(Relaxed) + 1, Relaxed);
        py.backward_jump();
    }
}

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    cli.common.install_gil("share2");
    let workers = cli.workers;
    let increments = cli
        .increments
        .unwrap_or_else(|| gil::default_size(1_000_000, 5_000_000));
    let total = u128::from(workers) * u128::from(increments);
    let estimate =
        gil::estimate(Loop::LockedIncrement, total) + gil::estimate(Loop::Increment, 2 * total);
    cli::within_an_hour(estimate, "--workers x --increments");
    let progress = Progress::new(&cli.common, "share2", 3);

    progress.step("mutex");
    let counter = Mutex::new(0);
    let mutex = timed(|| {
        run_in_threads(workers, |_| {
            gil::attach(|py| worker(&counter, increments, py))
        })
    });

    progress.step("atomic");
    let atomic_counter = AtomicU64::new(0);
    let atomic = timed(|| {
        run_in_threads(workers, |_| {
            gil::attach(|py| atomic_worker(&atomic_counter, increments, py))
        })
    });

    progress.step("sharded");
    let slots: Vec<CachePadded<AtomicU64>> = (0..workers)
        .map(|_| CachePadded::new(AtomicU64::new(0)))
        .collect();
    let sharded = timed(|| {
        run_in_threads(workers, |index| {
            gil::attach(|py| sharded_worker(&slots[index], increments, py))
        })
    });

    drop(progress);
    let expected = workers * increments;
    let mut report = Report::new("share2")
        .speedup_over("mutex")
        .size("workers", workers)
        .size("increments", increments);
    let counts = [
        (
            "mutex",
            mutex,
            counter.into_inner().unwrap_or_else(|p| p.into_inner()),
        ),
        ("atomic", atomic, atomic_counter.into_inner()),
        (
            "sharded",
            sharded,
            slots.iter().map(|slot| slot.load(Relaxed)).sum(),
        ),
    ];
    for (mode, (started, elapsed), got) in counts {
        if let Err(error) = started {
            return cli::runtime_error(&format!("could not start a thread: {error}"));
        }
        report.push(
            Run::new(mode, elapsed)
                .with("expected", expected)
                .with("got", got)
                .with("lost", expected - got),
        );
    }
    let all_exact = report
        .runs
        .iter()
        .all(|run| run.field("lost") == Some(&0.into()));
    let conclusion = if all_exact {
        format!(
            "No update was lost in any mode: the lock makes the read and the write one step{}. \
             An atomic is {:.1}x and per-thread counts {:.1}x as fast as the lock here.",
            if gil::free_threaded() {
                " (on free-threaded 3.13t, with no GIL at all, the lock is the only thing that \
                 keeps the count exact)"
            } else {
                ""
            },
            report.speedup("atomic", "mutex"),
            report.speedup("sharded", "mutex"),
        )
    } else {
        return cli::runtime_error("an update was lost under a lock or an atomic: this is a bug");
    };
    report.finish(&cli.common, &conclusion)
}
