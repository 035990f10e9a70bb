//! Model checks of the simulated GIL with loom: every interleaving of 2 or 3 threads, up to a
//! bound on preemptions. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p common --release --test loom
//! ```
//!
//! Under loom a timed wait "times out" at once after letting the others run (see
//! `Gil::wait_one_interval`), so every wait for the GIL ends in a drop request: the forced
//! hand-off is exercised in every model. Each property is also checked against a deliberately
//! broken GIL, to show that the model would catch the bug.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use loom::thread;

use common::gil::{Flaw, Gil, GilConfig, Python, PythonVersion};

fn gil(version: PythonVersion, flaw: Option<Flaw>) -> Arc<Gil> {
    Arc::new(Gil::new(GilConfig {
        version,
        flaw,
        // The old GIL lets go at every other check point, so that the models reach its
        // periodic release (CPython 2: `sys.setcheckinterval(1)`).
        check_interval: 1,
        ..GilConfig::default()
    }))
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

/// Runs the ignored test `name` of this binary in a child process and reports whether it
/// failed, saying `why`. loom ends a run that finds a deadlock with an abort, which no `catch_unwind` survives,
/// hence the separate process.
fn fails(name: &str, why: &str) -> bool {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--ignored", "--test-threads", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stdout.contains("running 0 tests"), "no test named {name}");
    !output.status.success() && (stdout.contains(why) || stderr.contains(why))
}

/// Counts the threads that believe they hold the GIL; panics if ever more than one.
struct Holders(AtomicUsize);

impl Holders {
    fn enter(&self) {
        let before = self.0.fetch_add(1, SeqCst);
        assert_eq!(before, 0, "two threads hold the GIL at once");
    }
    fn leave(&self) {
        self.0.fetch_sub(1, SeqCst);
    }
    /// A check point, during which this thread may lose the GIL.
    fn check_point(&self, py: Python<'_>) {
        self.leave();
        py.backward_jump();
        self.enter();
    }
}

fn mutual_exclusion(version: PythonVersion, flaw: Option<Flaw>) -> impl Fn() + Sync + Send {
    move || {
        let gil = gil(version, flaw);
        let holders = Arc::new(Holders(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (gil, holders) = (gil.clone(), holders.clone());
                thread::spawn(move || {
                    gil.attach(|py| {
                        holders.enter();
                        holders.check_point(py);
                        holders.leave();
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}

#[test]
fn never_two_holders() {
    model(mutual_exclusion(PythonVersion::V3_12, None));
}

#[test]
fn never_two_holders_with_the_old_gil() {
    model(mutual_exclusion(PythonVersion::V2_7, None));
}

#[test]
#[ignore = "deliberately broken: must fail, see a_gil_that_takes_without_waiting_is_caught"]
fn broken_take_without_waiting() {
    model(mutual_exclusion(PythonVersion::V3_12, Some(Flaw::TakeWithoutWaiting)));
}

#[test]
fn a_gil_that_takes_without_waiting_is_caught() {
    assert!(fails("broken_take_without_waiting", "two threads hold the GIL at once"));
}

#[test]
#[ignore = "deliberately broken: must fail, see an_old_gil_that_takes_without_waiting_is_caught"]
fn broken_old_gil_take_without_waiting() {
    model(mutual_exclusion(PythonVersion::V2_7, Some(Flaw::TakeWithoutWaiting)));
}

#[test]
fn an_old_gil_that_takes_without_waiting_is_caught() {
    assert!(fails("broken_old_gil_take_without_waiting", "two threads hold the GIL at once"));
}

/// A holder loops on check points until the other thread has run: only a hand-off ends it.
fn forced_hand_off(flaw: Option<Flaw>) -> impl Fn() + Sync + Send {
    move || {
        let gil = gil(PythonVersion::V3_12, flaw);
        let other_ran = Arc::new(AtomicBool::new(false));
        let holder = {
            let (gil, other_ran) = (gil.clone(), other_ran.clone());
            thread::spawn(move || {
                gil.attach(|py| {
                    while !other_ran.load(SeqCst) {
                        py.backward_jump();
                        thread::yield_now();
                    }
                })
            })
        };
        gil.attach(|_py| other_ran.store(true, SeqCst));
        holder.join().unwrap();
    }
}

#[test]
fn a_drop_request_always_ends_in_a_hand_off() {
    model(forced_hand_off(None));
}

#[test]
#[ignore = "deliberately broken: must fail, see a_forced_holder_that_is_never_signalled_is_caught"]
fn broken_forget_to_signal_switch() {
    model(forced_hand_off(Some(Flaw::ForgetToSignalSwitch)));
}

#[test]
fn a_forced_holder_that_is_never_signalled_is_caught() {
    assert!(fails("broken_forget_to_signal_switch", "deadlock"));
}

/// A thread releases the GIL around blocking work that needs another thread to run first.
fn release_around_blocking_work(
    version: PythonVersion,
    flaw: Option<Flaw>,
) -> impl Fn() + Sync + Send {
    move || {
        let gil = gil(version, flaw);
        let other_ran = Arc::new(AtomicBool::new(false));
        let blocked = {
            let (gil, other_ran) = (gil.clone(), other_ran.clone());
            thread::spawn(move || {
                gil.attach(|py| {
                    py.detach(|| {
                        // "I/O" that completes only once the other thread has held the GIL.
                        while !other_ran.load(SeqCst) {
                            thread::yield_now();
                        }
                    })
                })
            })
        };
        gil.attach(|_py| other_ran.store(true, SeqCst));
        blocked.join().unwrap();
    }
}

#[test]
fn blocking_work_runs_with_the_gil_released() {
    model(release_around_blocking_work(PythonVersion::V3_12, None));
}

#[test]
fn the_old_gil_wakes_its_waiters() {
    model(release_around_blocking_work(PythonVersion::V2_7, None));
}

#[test]
#[ignore = "deliberately broken: must fail, see an_old_gil_that_forgets_to_wake_a_waiter_is_caught"]
fn broken_forget_to_wake_waiter() {
    model(release_around_blocking_work(PythonVersion::V2_7, Some(Flaw::ForgetToWakeWaiter)));
}

#[test]
fn an_old_gil_that_forgets_to_wake_a_waiter_is_caught() {
    assert!(fails("broken_forget_to_wake_waiter", "deadlock"));
}

/// Three threads attach, let go at a check point or around blocking work, and finish.
/// `preemptions` bounds the search: the new GIL's waits, modelled as "let the others run, then
/// time out", make many more interleavings than the old GIL's plain waits.
fn three_threads(version: PythonVersion, preemptions: usize) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(preemptions);
    builder.check(move || {
        let gil = gil(version, None);
        let holders = Arc::new(Holders(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..3)
            .map(|i| {
                let (gil, holders) = (gil.clone(), holders.clone());
                thread::spawn(move || {
                    gil.attach(|py| {
                        holders.enter();
                        holders.leave();
                        if i == 0 {
                            py.detach(|| {});
                        } else {
                            py.backward_jump();
                        }
                        holders.enter();
                        holders.leave();
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    });
}

#[test]
fn three_threads_with_the_old_gil() {
    three_threads(PythonVersion::V2_7, 2);
}

#[test]
fn three_threads_with_the_new_gil() {
    three_threads(PythonVersion::V3_12, 1);
}
