//! A simulated Global Interpreter Lock that follows CPython's own algorithm.
//!
//! Rust has no GIL. This module builds one, step for step after CPython's `Python/ceval_gil.c`
//! (the "new GIL" of CPython 3.2 and later, by Antoine Pitrou), so that a Rust program can be run
//! the way CPython runs Python threads and the reader can watch what the GIL does:
//!
//! * `take_gil`: a thread that wants the GIL while another holds it waits on a condition variable
//!   for one *switch interval* (5 ms by default, `sys.setswitchinterval`). If it timed out and no
//!   switch happened in the meantime, it sets the *drop request*: the eval breaker.
//! * the holder polls that request at *eval-breaker check points* in its loop (here:
//!   [`Python::backward_jump`] and [`Python::between_bytecodes`]): one relaxed atomic load. When it
//!   sees the request it drops the GIL and, because of `FORCE_SWITCHING`, waits until another
//!   thread has actually taken it before it asks for the GIL again. Without that wait the thread
//!   that just dropped the GIL would usually take it straight back.
//! * blocking work (sleeping, socket I/O, joining) runs with the GIL released
//!   ([`Python::detach`], CPython's `Py_BEGIN_ALLOW_THREADS`), and the thread takes it back after.
//!
//! [`PythonVersion::V2_7`] models the *old* GIL instead (CPython 2.x, `Python/ceval.c`): every
//! 100 "ticks" (`sys.setcheckinterval`) the holder releases the lock and immediately asks for it
//! again, with no timed wait, no drop request and no forced hand-off. On a multi-core machine the
//! releasing thread usually wins the lock right back while the woken thread wakes up for nothing:
//! that is why two CPU-bound threads ran *slower* than one thread on CPython 2.
//!
//! The API speaks PyO3's words: [`Gil::attach`] runs a closure with the GIL held and hands it a
//! [`Python`] token, [`Python::detach`] releases the GIL around blocking work.
//!
//! One simplification, which changes nothing observable: CPython guards `gil->cond` and
//! `gil->switch_cond` with two mutexes, this module with one.

use std::cell::Cell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::{Value, json};

#[cfg(loom)]
use loom::sync::{
    Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, Ordering::Relaxed},
};
#[cfg(not(loom))]
use std::sync::{
    Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, Ordering::Relaxed},
};

use crate::latency::HOUR_US;
use crate::timeline::{Mark, Timeline};

/// Which CPython's thread switching to imitate (`--python`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PythonVersion {
    /// The old GIL: release and re-acquire every 100 ticks, no timed wait, no forced hand-off.
    #[value(name = "2.7")]
    V2_7,
    /// The new GIL; the eval breaker is checked between nearly every pair of bytecodes,
    /// so a thread can lose the GIL between the read and the write of `counter += 1`.
    #[value(name = "3.9")]
    V3_9,
    /// The new GIL; since 3.10 the eval breaker is checked only on backward jumps and calls,
    /// never inside `counter += 1`.
    #[value(name = "3.12")]
    V3_12,
}

impl PythonVersion {
    /// The version as Python writes it: `"3.12"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_7 => "2.7",
            Self::V3_9 => "3.9",
            Self::V3_12 => "3.12",
        }
    }
}

/// CPython's default switch interval: `sys.getswitchinterval()` is 0.005.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// CPython 2's default check interval: `sys.getcheckinterval()` is 100 ticks.
pub const CHECK_INTERVAL_TICKS: i32 = 100;

/// How a [`Gil`] behaves.
#[derive(Clone, Debug)]
pub struct GilConfig {
    /// Whose switching to imitate.
    pub version: PythonVersion,
    /// How long a waiting thread waits before it asks the holder to drop the GIL.
    pub switch_interval: Duration,
    /// Record every take and drop with its time, to draw a timeline afterwards.
    pub record_timeline: bool,
    /// A deliberate bug, to show that the loom models catch it (model checking only).
    #[cfg(loom)]
    #[doc(hidden)]
    pub flaw: Option<Flaw>,
}

/// Deliberate bugs that the loom models must catch: each breaks one rule of the algorithm.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// `take_gil` does not wait while the GIL is locked: two holders.
    TakeWithoutWaiting,
    /// `drop_gil` does not signal `cond`: a waiter of the old GIL sleeps forever.
    ForgetToWakeWaiter,
    /// `take_gil` does not signal `switch_cond`: the holder forced to drop waits forever.
    ForgetToSignalSwitch,
}

impl Default for GilConfig {
    fn default() -> Self {
        Self {
            version: PythonVersion::V3_12,
            switch_interval: DEFAULT_SWITCH_INTERVAL,
            record_timeline: false,
            #[cfg(loom)]
            flaw: None,
        }
    }
}

/// The lock itself: one per process, like CPython's (see [`install`]); tests make their own.
pub struct Gil {
    config: GilConfig,
    /// `gil_drop_request`, the bit of the eval breaker that asks the holder to let go. It is the
    /// only thing a running thread looks at on its hot path, with a relaxed load, as CPython does.
    drop_request: AtomicBool,
    state: Mutex<State>,
    /// Signalled when the GIL is dropped: waiters wake up and look again (`gil->cond`).
    cond: Condvar,
    /// Signalled when the GIL is taken: a holder that was asked to drop it waits here until
    /// somebody else has it (`gil->switch_cond`, `FORCE_SWITCHING`).
    switch_cond: Condvar,
    /// When this GIL was created: the origin of the timeline.
    origin: Instant,
}

/// Everything guarded by the GIL's mutex (`gil->mutex`).
struct State {
    /// `gil->locked`: somebody holds the GIL.
    locked: bool,
    /// `gil->last_holder`: who took it last; lets a forced dropper see that a switch happened.
    last_holder: Option<usize>,
    /// `gil->switch_number`: how many times the GIL was taken; lets a waiter see that a switch
    /// happened while it waited, so it does not ask for a drop it does not need.
    switch_number: u64,
    /// Names of the threads that attached, by id (rows of the timeline).
    threads: Vec<String>,
    /// Takes by a different thread than the last holder.
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
    /// `f` returns, or if it panics.
    pub fn attach<R>(&self, f: impl FnOnce(Python<'_>) -> R) -> R {
        let id = self.register(std::thread::current().name());
        let thread = ThreadState {
            gil: self,
            id,
            ticks: Cell::new(CHECK_INTERVAL_TICKS),
        };
        self.take_gil(id);
        // Released on the way out even if `f` panics, so one failing thread can't hang the rest.
        let _release = Release(&thread);
        f(Python {
            thread: Some(&thread),
        })
    }

    fn register(&self, name: Option<&str>) -> usize {
        let mut state = self.lock();
        let id = state.threads.len();
        state.threads.push(match name {
            Some(name) => name.to_owned(),
            None => format!("thread-{id}"),
        });
        id
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now_us(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_micros()).unwrap_or(u64::MAX)
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

    /// CPython's `take_gil()`.
    fn take_gil(&self, me: usize) {
        let started = Instant::now();
        let mut state = self.lock();
        if state.locked {
            let at = self.now_us();
            state.timeline.push(me, at, Mark::Waiting);
        }
        while state.locked && !self.flawed(Flaw::TakeWithoutWaiting) {
            if self.config.version == PythonVersion::V2_7 {
                // The old GIL is a plain lock: wait until it is free, however long that takes.
                state = self.cond.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            let saved_switch_number = state.switch_number;
            let (guard, timed_out) = self.wait_one_interval(state);
            state = guard;
            // "If we timed out and no switch occurred in the meantime, it is time to ask the
            // GIL-holding thread to drop it."
            if timed_out && state.locked && state.switch_number == saved_switch_number {
                self.drop_request.store(true, Relaxed);
                state.drop_requests += 1;
            }
        }
        // _ready: we hold the GIL.
        state.locked = true;
        if state.last_holder.is_some_and(|last| last != me) {
            state.switches += 1;
        }
        state.last_holder = Some(me);
        state.switch_number += 1;
        // FORCE_SWITCHING: wake the holder that was asked to let go and is waiting for us.
        if !self.flawed(Flaw::ForgetToSignalSwitch) {
            self.switch_cond.notify_all();
        }
        if self.drop_request.load(Relaxed) {
            self.drop_request.store(false, Relaxed);
        }
        let waited = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        state.wait_us.saturating_record(waited);
        let at = self.now_us();
        state.timeline.push(me, at, Mark::Holding);
    }

    /// CPython's `drop_gil()`. `final_release` is a thread letting go for the last time (its
    /// `attach` ends): like CPython's thread exit, it does not wait for a hand-off.
    fn drop_gil(&self, me: usize, final_release: bool) {
        let mut state = self.lock();
        debug_assert!(state.locked, "dropping a GIL nobody holds");
        state.locked = false;
        let at = self.now_us();
        state.timeline.push(me, at, Mark::Released);
        if !self.flawed(Flaw::ForgetToWakeWaiter) {
            self.cond.notify_one();
        }
        // FORCE_SWITCHING: asked to drop, so make sure somebody else gets it before we can ask
        // for it again; otherwise this thread, already running, would usually win it back.
        if !final_release && self.drop_request.load(Relaxed) && state.last_holder == Some(me) {
            self.drop_request.store(false, Relaxed);
            while state.last_holder == Some(me) {
                state = self
                    .switch_cond
                    .wait(state)
                    .unwrap_or_else(|p| p.into_inner());
            }
        }
    }

    /// `COND_TIMED_WAIT(gil->cond, gil->mutex, interval, timed_out)`.
    #[cfg(not(loom))]
    fn wait_one_interval<'a>(&self, state: MutexGuard<'a, State>) -> (MutexGuard<'a, State>, bool) {
        let (state, result) = self
            .cond
            .wait_timeout(state, self.config.switch_interval)
            .unwrap_or_else(|p| p.into_inner());
        (state, result.timed_out())
    }

    /// Under loom, time does not pass and loom's timed wait never times out; a timed wait that
    /// times out is "let go of the mutex, let the others run, take it back": model exactly that,
    /// so the model checker explores every drop request.
    #[cfg(loom)]
    fn wait_one_interval<'a>(
        &'a self,
        state: MutexGuard<'a, State>,
    ) -> (MutexGuard<'a, State>, bool) {
        drop(state);
        loom::thread::yield_now();
        (self.lock(), true)
    }

    /// The eval breaker fired: drop the GIL, let another thread run, take it back.
    #[cold]
    fn yield_to_waiter(&self, me: usize) {
        self.drop_gil(me, false);
        self.take_gil(me);
    }

    /// The old GIL's periodic release: `PyThread_release_lock` then `PyThread_acquire_lock`.
    #[cold]
    fn release_and_reacquire(&self, me: usize) {
        {
            let mut state = self.lock();
            state.locked = false;
            let at = self.now_us();
            state.timeline.push(me, at, Mark::Released);
            if !self.flawed(Flaw::ForgetToWakeWaiter) {
                self.cond.notify_one();
            }
        }
        // "Other threads may run now."
        self.take_gil(me);
    }

    /// What the GIL did so far, for `--json`'s `"gil_stats"`.
    pub fn stats(&self) -> GilStats {
        let state = self.lock();
        let ms = |q: f64| state.wait_us.value_at_quantile(q) as f64 / 1000.0;
        GilStats {
            python: self.config.version,
            switch_interval: self.config.switch_interval,
            switches: state.switches,
            drop_requests: state.drop_requests,
            wait_p50_ms: ms(0.50),
            wait_p99_ms: ms(0.99),
            wait_max_ms: state.wait_us.max() as f64 / 1000.0,
        }
    }

    /// The recorded timeline (empty unless `record_timeline` was set), with the thread names.
    pub fn timeline(&self) -> (Vec<String>, Timeline) {
        let state = self.lock();
        (state.threads.clone(), state.timeline.clone())
    }
}

/// What the GIL did during a run.
#[derive(Clone, Debug)]
pub struct GilStats {
    pub python: PythonVersion,
    pub switch_interval: Duration,
    /// Hand-offs from one thread to another.
    pub switches: u64,
    /// Times a waiter timed out and asked the holder to drop the GIL.
    pub drop_requests: u64,
    pub wait_p50_ms: f64,
    pub wait_p99_ms: f64,
    pub wait_max_ms: f64,
}

impl GilStats {
    /// The `"gil_stats"` object of `--json`.
    pub fn to_json(&self) -> Value {
        json!({
            "python": self.python.as_str(),
            "switch_interval_ms": self.switch_interval.as_secs_f64() * 1000.0,
            "switches": self.switches,
            "drop_requests": self.drop_requests,
            "wait_ms": {"p50": self.wait_p50_ms, "p99": self.wait_p99_ms, "max": self.wait_max_ms},
        })
    }
}

/// One attached thread: CPython's `PyThreadState`, as far as the GIL cares.
struct ThreadState<'gil> {
    gil: &'gil Gil,
    id: usize,
    /// The old GIL's `_Py_Ticker`: check points left before the periodic release.
    ticks: Cell<i32>,
}

/// Releases the GIL when `attach` ends, normally or by a panic.
struct Release<'a, 'gil>(&'a ThreadState<'gil>);

impl Drop for Release<'_, '_> {
    fn drop(&mut self) {
        self.0.gil.drop_gil(self.0.id, true);
    }
}

/// Proof that this thread holds the GIL, handed out by [`Gil::attach`] and [`attach`]: PyO3's
/// `Python<'py>`. A native token (the build without the `gil` feature) holds nothing, and its
/// check points compile to nothing.
#[derive(Clone, Copy)]
pub struct Python<'py> {
    thread: Option<&'py ThreadState<'py>>,
}

impl<'py> Python<'py> {
    /// A token for code that runs with no GIL at all: plain Rust.
    pub fn native() -> Self {
        Self { thread: None }
    }

    /// Whether this token stands for a held simulated GIL.
    pub fn holds_gil(self) -> bool {
        self.thread.is_some()
    }

    /// An eval-breaker check point at a loop's backward jump (or a call): every CPython version
    /// checks here, so the holder may hand the GIL over at this point.
    #[inline(always)]
    pub fn backward_jump(self) {
        if let Some(thread) = self.thread {
            thread.check_point();
        }
    }

    /// A check point between two bytecodes of one statement, e.g. between the read and the write
    /// of `counter += 1`. CPython 3.9 and older check the eval breaker here; 3.10 and later don't.
    #[inline(always)]
    pub fn between_bytecodes(self) {
        if let Some(thread) = self.thread
            && thread.gil.config.version != PythonVersion::V3_12
        {
            thread.check_point();
        }
    }

    /// Runs blocking work with the GIL released, like PyO3's `py.detach` or CPython's
    /// `Py_BEGIN_ALLOW_THREADS` around `sleep()` and `recv()`: other threads run meanwhile.
    pub fn detach<R>(self, f: impl FnOnce() -> R) -> R {
        let Some(thread) = self.thread else {
            return f();
        };
        thread.gil.drop_gil(thread.id, false);
        // Taken back even if `f` panics, so that `attach` can release it.
        struct Retake<'a, 'gil>(&'a ThreadState<'gil>);
        impl Drop for Retake<'_, '_> {
            fn drop(&mut self) {
                self.0.gil.take_gil(self.0.id);
            }
        }
        let _retake = Retake(thread);
        f()
    }
}

impl<'py> Python<'py> {
    /// Takes a lock the way CPython's `lock.acquire()` does: first without blocking, and if
    /// another thread has it, blocking *with the GIL released*. Blocking while holding the GIL
    /// would deadlock: the lock's holder may be waiting for the GIL to finish and let go.
    pub fn acquire<T>(self, lock: &'py std::sync::Mutex<T>) -> std::sync::MutexGuard<'py, T> {
        match lock.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                self.detach(|| lock.lock().unwrap_or_else(|p| p.into_inner()))
            }
        }
    }
}

impl ThreadState<'_> {
    #[inline(always)]
    fn check_point(&self) {
        if self.gil.config.version == PythonVersion::V2_7 {
            let left = self.ticks.get() - 1;
            if left > 0 {
                self.ticks.set(left);
            } else {
                self.ticks.set(CHECK_INTERVAL_TICKS);
                self.gil.release_and_reacquire(self.id);
            }
        } else if self.gil.drop_request.load(Relaxed) {
            self.gil.yield_to_waiter(self.id);
        }
    }
}

/// The process's GIL, once installed.
static GLOBAL: OnceLock<Gil> = OnceLock::new();

/// Whether this build runs its Python-style threads under the simulated GIL (`--features gil`).
pub const ENABLED: bool = cfg!(feature = "gil");

/// Installs the process's GIL; a no-op in a build without the `gil` feature. The first call wins.
pub fn install(config: GilConfig) {
    if ENABLED {
        let _ = GLOBAL.set(Gil::new(config));
    }
}

/// The process's GIL, if this build has one and it was installed.
pub fn global() -> Option<&'static Gil> {
    if ENABLED { GLOBAL.get() } else { None }
}

/// Runs `f` as a Python thread would: under the process's GIL with `--features gil`, natively
/// (a token whose check points do nothing) without it.
pub fn attach<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
    match global() {
        Some(gil) => gil.attach(f),
        None => f(Python::native()),
    }
}
