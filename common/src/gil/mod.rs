//! A simulated Global Interpreter Lock that follows CPython's own algorithm.
//!
//! Rust has no GIL. This module builds one, step for step after CPython's source, so that a Rust
//! program can be run the way CPython runs Python threads and the reader can watch what the GIL
//! does. One model a file, chosen by `--python` ([`PythonVersion`]):
//!
//! * [`new_gil`] — CPython 3.2 and later (`Python/ceval_gil.c`): a timed wait of
//!   one *switch interval*, a drop request, and the forced hand-off (`FORCE_SWITCHING`).
//!   `3.9` and `3.12` differ only in where the eval breaker is checked (see [`Python`]).
//! * [`old_gil`] — CPython 2.x: a plain lock released and taken again every
//!   100 ticks.
//! * [`free_threaded`](mod@free_threaded) — CPython 3.13t (PEP 703): no lock at all.
//!
//! [`pace`] makes each simulated loop iteration cost what it costs the imitated
//! CPython (`--pace cpython`, the programs' default), so that a switch interval spans as many
//! iterations as it does there.
//!
//! What every model shares lives here: the token and its check points, the bookkeeping (switches,
//! waits, the timeline), and the process's GIL ([`install`], [`attach`]). A thread that holds
//! the GIL polls for a drop request at *eval-breaker check points* in its loop
//! ([`Python::backward_jump`], [`Python::between_bytecodes`]): one relaxed atomic load. Blocking
//! work (sleeping, socket I/O, joining) runs with the GIL released ([`Python::detach`],
//! CPython's `Py_BEGIN_ALLOW_THREADS`).
//!
//! The API speaks PyO3's words: [`Gil::attach`] runs a closure with the GIL held and hands it a
//! [`Python`] token, [`Python::detach`] releases the GIL around blocking work. A [`Gil`] is one
//! interpreter's GIL: the process has one ([`install`]), and a subinterpreter with its own GIL
//! (PEP 684) is simply another `Gil` (see `crate::interpreters`).
//!
//! One word per idea, CPython's: a thread *takes* the GIL and *releases* it ([`Gil::attach`],
//! [`Python::detach`]); the new GIL does so by `take_gil` and `drop_gil`, the old by
//! `acquire_lock` and `release_lock`, as `ceval_gil.c` and CPython 2's `ceval.c` name them.
//!
//! One simplification, which changes nothing observable: CPython guards `gil->cond` and
//! `gil->switch_cond` with two mutexes, this module with one.

mod config;
pub mod free_threaded;
pub mod new_gil;
pub mod old_gil;
pub mod pace;
mod stats;
mod token;

use std::sync::OnceLock;
use std::time::Instant;

use hdrhistogram::Histogram;

#[cfg(loom)]
use loom::sync::{Condvar, Mutex, MutexGuard, atomic::AtomicBool};
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex, MutexGuard, atomic::AtomicBool};

use config::Model;
pub use config::{CHECK_INTERVAL_TICKS, DEFAULT_SWITCH_INTERVAL, Flaw, GilConfig, PythonVersion};
use old_gil::OldGil;
pub use pace::{Loop, Pace};
pub use stats::GilStats;
pub use token::{Python, Range};
use token::{Release, ThreadState};

use crate::latency::HOUR_US;
use crate::timeline::{Mark, Timeline};

/// The lock itself: one per process, like CPython's (see [`install`]); tests make their own.
pub struct Gil {
    config: GilConfig,
    /// The model `config.version` runs, chosen once.
    model: Model,
    /// `gil_drop_request`, the bit of the eval breaker that asks the holder to let go. It is the
    /// only thing a running thread looks at on its hot path, with a relaxed load, as CPython does.
    drop_request: AtomicBool,
    /// The old GIL's lock and ticker (CPython 2, [`old_gil`]); the new GIL's state is `state`.
    old: OldGil,
    state: Mutex<State>,
    /// Signalled when the GIL is dropped: waiters wake up and look again (`gil->cond`).
    cond: Condvar,
    /// Signalled when the GIL is taken: a holder that was asked to drop it waits here until
    /// somebody else has it (`gil->switch_cond`, `FORCE_SWITCHING`).
    switch_cond: Condvar,
    /// When this GIL was created: the origin of the timeline.
    origin: Instant,
}

/// Everything guarded by the GIL's mutex (`gil->mutex`); the old GIL keeps only its
/// bookkeeping here.
struct State {
    /// `gil->locked`: somebody holds the new GIL (the old GIL's lock is its semaphore).
    locked: bool,
    /// `gil->last_holder`: who took it last; lets a forced dropper see that a switch happened.
    last_holder: Option<usize>,
    /// `gil->switch_number`: how many times the GIL was taken; lets a waiter see that a switch
    /// happened while it waited, so it does not ask for a drop it does not need.
    switch_number: u64,
    /// Names of the threads that attached, by id (rows of the timeline).
    threads: Vec<String>,
    /// Takes by a different thread than the last holder (the new GIL's; the old GIL counts its
    /// own).
    switches: u64,
    drop_requests: u64,
    /// Microseconds each take had to wait, contended or not.
    wait_us: Histogram<u64>,
    timeline: Timeline,
}

impl Gil {
    /// A GIL nobody holds.
    pub fn new(config: GilConfig) -> Self {
        Self {
            old: OldGil::new(config.check_interval),
            state: Mutex::new(State {
                locked: false,
                last_holder: None,
                switch_number: 0,
                threads: Vec::new(),
                switches: 0,
                drop_requests: 0,
                wait_us: Histogram::new_with_bounds(1, HOUR_US, 3)
                    .expect("1 µs to an hour, 3 digits, are valid bounds"),
                timeline: Timeline::new(config.record_timeline),
            }),
            model: config.version.model(),
            config,
            drop_request: AtomicBool::new(false),
            cond: Condvar::new(),
            switch_cond: Condvar::new(),
            origin: Instant::now(),
        }
    }

    /// The configuration this GIL was made with.
    pub fn config(&self) -> &GilConfig {
        &self.config
    }

    /// Runs `f` on this thread with the GIL held, like PyO3's `Python::attach` (or a thread that
    /// CPython starts: it takes the GIL before running any bytecode). The GIL is released when
    /// `f` returns, or if it panics. On the free-threaded interpreter there is nothing to take.
    pub fn attach<R>(&self, f: impl FnOnce(Python<'_>) -> R) -> R {
        if self.model == Model::FreeThreaded {
            return self.attach_free_threaded(f);
        }
        let id = self.register(std::thread::current().name());
        let thread = ThreadState { gil: self, id };
        self.take(id);
        // Released on the way out even if `f` panics, so one failing thread can't hang the rest.
        let _release = Release(&thread);
        f(Python::attached(Some(&thread), self.paced_version()))
    }

    /// The version whose pace the loops keep, if they keep one.
    fn paced_version(&self) -> Option<PythonVersion> {
        (self.config.pace == Pace::Cpython).then_some(self.config.version)
    }

    fn register(&self, name: Option<&str>) -> usize {
        let mut state = self.lock();
        let id = state.threads.len();
        if id > 0 {
            self.old.thread_started();
        }
        state.threads.push(match name {
            Some(name) => name.to_owned(),
            None => format!("thread-{id}"),
        });
        id
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now_us(&self) -> u64 {
        crate::timing::micros(self.origin.elapsed())
    }

    #[cfg(loom)]
    fn flawed(&self, flaw: Flaw) -> bool {
        self.config.flaw == Some(flaw)
    }

    #[cfg(not(loom))]
    #[inline(always)]
    fn flawed(&self, _flaw: Flaw) -> bool {
        false
    }

    /// Takes the GIL the way this version's model does: `acquire_lock` (CPython 2's
    /// `PyThread_acquire_lock`) or `take_gil` (CPython 3's).
    fn take(&self, me: usize) {
        match self.model {
            Model::OldGil => self.acquire_lock(me),
            Model::NewGil { .. } => self.take_gil(me),
            Model::FreeThreaded => {} // never called: a free-threaded token holds no thread state
        }
    }

    /// Releases the GIL the way this version's model does: `release_lock` or `drop_gil` (see
    /// [`Gil::drop_gil`] for `final_release`).
    fn release(&self, me: usize, final_release: bool) {
        match self.model {
            Model::OldGil => self.release_lock(me),
            Model::NewGil { .. } => self.drop_gil(me, final_release),
            Model::FreeThreaded => {}
        }
    }

    /// Marks `me` waiting on the timeline if somebody holds the GIL.
    fn mark_waiting(&self, state: &mut State, me: usize) {
        if state.locked {
            let at = self.now_us();
            state.timeline.push(me, at, Mark::Waiting);
        }
    }

    /// `me` has just taken the GIL, after waiting since `started`: lock it and count the take.
    fn took(&self, state: &mut State, me: usize, started: Instant) {
        state.locked = true;
        if state.last_holder.is_some_and(|last| last != me) {
            state.switches += 1;
        }
        state.last_holder = Some(me);
        state.switch_number += 1;
        let waited = crate::timing::micros(started.elapsed());
        state.wait_us.saturating_record(waited);
        let at = self.now_us();
        state.timeline.push(me, at, Mark::Holding);
    }

    /// The new GIL's `gil->locked = 0` and `COND_SIGNAL(gil->cond)`: wakes one waiter; returns
    /// the state, still guarded.
    fn unlock(&self, me: usize) -> MutexGuard<'_, State> {
        let mut state = self.lock();
        debug_assert!(state.locked, "dropping a GIL nobody holds");
        state.locked = false;
        let at = self.now_us();
        state.timeline.push(me, at, Mark::Released);
        if !self.flawed(Flaw::ForgetToWakeWaiter) {
            self.cond.notify_one();
        }
        state
    }
}

/// The process's GIL, once installed.
static GLOBAL: OnceLock<Gil> = OnceLock::new();

/// Whether this build runs its Python-style threads under the simulated GIL (`--features gil`).
pub const ENABLED: bool = cfg!(feature = "gil");

/// Installs the process's GIL, and at CPython's pace measures its calibration; a no-op in a build
/// without the `gil` feature. The first call wins.
pub fn install(config: GilConfig) {
    if ENABLED {
        if config.pace == Pace::Cpython {
            // Calibrate the pace now, at start-up, rather than inside the first timed loop.
            pace::units_per_ns();
        }
        let _ = GLOBAL.set(Gil::new(config));
    }
}

/// The process's GIL, if this build has one and it was installed.
pub fn global() -> Option<&'static Gil> {
    if ENABLED { GLOBAL.get() } else { None }
}

/// Whether this run's Python-style threads take a GIL: a build with `--features gil`, imitating a
/// CPython that has one (not 3.13t).
pub fn under_gil() -> bool {
    global().is_some_and(|gil| gil.config().version.has_gil())
}

/// Whether this run imitates free-threaded CPython 3.13t (`--features gil -- --python 3.13t`).
pub fn free_threaded() -> bool {
    global().is_some_and(|gil| !gil.config().version.has_gil())
}

/// Whether this run's loops keep CPython's pace (`--features gil`, `--pace cpython`).
pub fn paced() -> bool {
    global().is_some_and(|gil| gil.config().pace == Pace::Cpython)
}

/// Runs `f` as a Python thread would: under the process's GIL with `--features gil`, natively
/// (a token whose check points do nothing) without it.
pub fn attach<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
    match global() {
        Some(gil) => gil.attach(f),
        None => f(Python::native()),
    }
}
