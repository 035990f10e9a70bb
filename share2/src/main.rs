//! share2: the shared counter of share, protected by a lock: never a lost update.
//!
//! Translates `share2.py`: `with lock: counter += 1` is a `Mutex` held across the read and the
//! write. Then the two ways one would really count from many threads in Rust, with their cost:
//!
//! * `mutex`: `share2.py`'s `Lock`. Exact, and the slowest: every increment takes the lock.
//! * `atomic`: one `fetch_add`, a single indivisible read-modify-write. Exact, no lock.
//! * `sharded`: each thread counts in its own slot, on a cache line of its own (crossbeam's
//!   `CachePadded`), summed at the end. Exact, nothing shared while counting: the fastest.
//!
//! With `--features gil` the GIL may change hands even inside the locked section (`--python
//! 3.9`): the lock, not the GIL, keeps the count exact, and on 3.13t (no GIL) the lock alone.
//!
//! Run with:
//! ```text
//! cargo run -p share2
//! cargo run -p share2 --features gil -- --python 3.9
//! cargo run -p share2 --features gil -- --python 3.13t
//! ```

mod args;
mod conclusion;

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use args::Cli;
use common::cli;
use common::error::Failure;
use common::gil::{Loop, Python};
use common::program::{self, Program};
use common::threads::python_threads;
use crossbeam_utils::CachePadded;

/// `with lock: counter += 1`
fn increment(counter: &Mutex<u64>, py: Python<'_>) {
    let mut guard = py.acquire(counter); // lock.acquire(): blocks with the GIL released
    let value = *guard; // read
    py.between_bytecodes(); // the GIL may change hands here; the lock does not
    *guard = value + 1; // write
} // lock.release()

fn worker(counter: &Mutex<u64>, increments: u64, py: Python<'_>) {
    let py = py.at_cpython_pace(Loop::LockedIncrement); // New: in the GIL build, CPython's speed
    for _ in 0..increments {
        increment(counter, py);
        py.backward_jump();
    }
}

// New (not in share2.py): what Rust would write instead of a lock, to compare their costs.
/// One indivisible read-modify-write.
fn atomic_worker(counter: &AtomicU64, increments: u64, py: Python<'_>) {
    let py = py.at_cpython_pace(Loop::Increment);
    for _ in 0..increments {
        counter.fetch_add(1, Relaxed);
        py.backward_jump();
    }
}

// New (not in share2.py): or nothing shared while counting, the fastest of the three.
/// Only this thread writes its slot; sum the slots at the end.
fn sharded_worker(slot: &CachePadded<AtomicU64>, increments: u64, py: Python<'_>) {
    let py = py.at_cpython_pace(Loop::Increment);
    for _ in 0..increments {
        slot.store(slot.load(Relaxed) + 1, Relaxed);
        py.backward_jump();
    }
}

// share2.py's main(): its threads, started and joined, then the counter.
fn threaded(workers: u64, increments: u64) -> Result<u64, Failure> {
    let counter = Mutex::new(0);
    python_threads(workers, |_, py| worker(&counter, increments, py))?;
    Ok(counter.into_inner().unwrap_or_else(|p| p.into_inner()))
}

// New (not in share2.py): the same threads with an atomic, then with a slot each.
fn with_atomic(workers: u64, increments: u64) -> Result<u64, Failure> {
    let counter = AtomicU64::new(0);
    python_threads(workers, |_, py| atomic_worker(&counter, increments, py))?;
    Ok(counter.into_inner())
}

fn with_slots(workers: u64, increments: u64) -> Result<u64, Failure> {
    let slots: Vec<_> = (0..workers).map(|_| CachePadded::default()).collect();
    python_threads(workers, |i, py| sharded_worker(&slots[i], increments, py))?;
    Ok(slots.iter().map(|slot| slot.load(Relaxed)).sum())
}

fn main() -> ExitCode {
    program::main(|| {
        let cli: Cli = cli::parse()?;
        let program = Program::start("share2", &cli.common)?;
        let workers = cli.workers;
        let increments = cli.increments.unwrap_or(program.default_size(1_000_000, 5_000_000));
        let total = u128::from(workers) * u128::from(increments);
        let estimate = program::estimate(Loop::LockedIncrement, total)
            + program::estimate(Loop::Increment, 2 * total);
        program.limit_time(estimate, "--workers x --increments")?;
        program.steps(3);
        Ok(program.run(|program| {
            let mutex = program.try_mode("mutex", || threaded(workers, increments))?;
            let atomic = program.try_mode("atomic", || with_atomic(workers, increments))?;
            let sharded = program.try_mode("sharded", || with_slots(workers, increments))?;
            conclusion::report(
                workers,
                increments,
                [("mutex", mutex), ("atomic", atomic), ("sharded", sharded)],
            )
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way of counting, by 4 threads, natively: exact, witnessed by the count the test
    /// computes (the program's own refusal of a loss is not the witness).
    #[test]
    fn every_way_of_counting_is_exact() {
        let (workers, increments) = (4, 100_000);
        for count in [threaded, with_atomic, with_slots] {
            assert_eq!(count(workers, increments), Ok(workers * increments));
        }
    }
}
