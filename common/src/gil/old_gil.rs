//! The old GIL of CPython 2.x, after `Python/ceval.c` and `Python/thread_pthread.h`: a plain
//! lock, released and asked for again every 100 "ticks" (`sys.setcheckinterval`, `_Py_Ticker`).
//!
//! There is no timed wait, no drop request and no forced hand-off: the holder lets go and at once
//! asks for the lock again. On a multi-core machine it usually wins it right back while the
//! woken thread wakes up for nothing; that is why two CPU-bound threads ran *slower* than one on
//! CPython 2.
//!
//! The lock is built the way CPython 2.7 builds it on Linux: a POSIX semaphore
//! (`USE_SEMAPHORES` in `thread_pthread.h`), which glibc makes of one 64-bit word, the value and
//! the number of sleeping waiters side by side, and a futex. Taking a free lock, and releasing
//! one that nobody sleeps on, is one atomic instruction: no system call. Only a release that
//! finds a sleeper wakes it (`futex_wake`, a system call), and only a take that finds the lock
//! held goes to sleep (`futex_wait`). Here a mutex and a condition variable stand in for the
//! futex. The cost of the old GIL is in that difference: alone, a thread releases and retakes
//! the lock for next to nothing; with a second thread asleep on it, every release is a system
//! call that wakes a thread on the other core, which finds the lock taken again and sleeps.
//!
//! CPython 2 creates the lock only when the program starts its first thread
//! (`PyEval_InitThreads`, called by `thread.start_new_thread`); until then the periodic release
//! finds no lock (`if (interpreter_lock)`) and does nothing. Here the lock exists from the start,
//! but the release waits in the same way for a second thread to attach.
//!
//! The deliberate flaws of this model, for the loom checks: [`Flaw::TakeWithoutWaiting`] and
//! [`Flaw::ForgetToWakeWaiter`].

use std::time::Instant;

#[cfg(loom)]
use loom::sync::{
    Condvar, Mutex,
    atomic::{
        AtomicBool, AtomicI32, AtomicU64, AtomicUsize,
        Ordering::{Acquire, Relaxed, Release},
    },
};
#[cfg(not(loom))]
use std::sync::{
    Condvar, Mutex,
    atomic::{
        AtomicBool, AtomicI32, AtomicU64, AtomicUsize,
        Ordering::{Acquire, Relaxed, Release},
    },
};

use super::token::ThreadState;
use super::{Flaw, Gil};
use crate::timeline::Mark;

/// The semaphore's value (1: free, 0: taken) is the low half of its word.
const VALUE_MASK: u64 = u32::MAX as u64;
/// One sleeping waiter, counted in the high half (glibc's `SEM_NWAITERS_SHIFT`).
const ONE_WAITER: u64 = 1 << 32;
/// Nobody took the lock yet.
const NOBODY: usize = usize::MAX;

/// A POSIX semaphore of value 0 or 1, as glibc builds `sem_t` (`nptl/sem_waitcommon.c`,
/// `sem_post.c`).
struct Semaphore {
    /// The value and the number of waiters, in one word, so that a release learns with the same
    /// atomic instruction whether anybody sleeps.
    data: AtomicU64,
    /// The futex, in safe Rust: a waiter looks at the value again under `futex` before it
    /// sleeps on `woken`, so a wake-up cannot slip in between.
    futex: Mutex<()>,
    woken: Condvar,
}

impl Semaphore {
    /// A free lock.
    fn new() -> Self {
        Self { data: AtomicU64::new(1), futex: Mutex::new(()), woken: Condvar::new() }
    }

    /// `sem_wait`'s fast path (`__new_sem_wait_fast`): take the lock if it is free.
    fn try_take(&self) -> bool {
        let mut data = self.data.load(Relaxed);
        while data & VALUE_MASK > 0 {
            match self.data.compare_exchange_weak(data, data - 1, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(now) => data = now,
            }
        }
        false
    }

    /// `sem_wait`'s slow path (`__new_sem_wait_slow`): count yourself a waiter, sleep while the
    /// value is 0, and take the lock and stop counting yourself with one instruction.
    fn take_or_sleep(&self) {
        let mut data = self.data.fetch_add(ONE_WAITER, Relaxed) + ONE_WAITER;
        loop {
            if data & VALUE_MASK == 0 {
                self.futex_wait();
                data = self.data.load(Relaxed);
            } else {
                match self.data.compare_exchange_weak(data, data - 1 - ONE_WAITER, Acquire, Relaxed)
                {
                    Ok(_) => return,
                    Err(now) => data = now,
                }
            }
        }
    }

    /// `futex_wait(&value, 0)`: sleep, unless the value is no longer 0.
    fn futex_wait(&self) {
        let futex = self.futex.lock().unwrap_or_else(|p| p.into_inner());
        if self.data.load(Relaxed) & VALUE_MASK == 0 {
            drop(self.woken.wait(futex).unwrap_or_else(|p| p.into_inner()));
        }
    }

    /// `sem_post`: free the lock and, only if somebody sleeps on it, wake one (`futex_wake`).
    fn post(&self, wake: bool) {
        let before = self.data.fetch_add(1, Release);
        if before >= ONE_WAITER && wake {
            // Passing through the mutex orders this wake after a sleeper's last look at the value.
            drop(self.futex.lock().unwrap_or_else(|p| p.into_inner()));
            self.woken.notify_one();
        }
    }
}

/// The old GIL's own state, beside the new GIL's in [`Gil`].
pub(super) struct OldGil {
    lock: Semaphore,
    /// `_Py_Ticker + 1`: ticks left before the periodic release, the releasing tick included.
    /// One per interpreter, as in CPython 2, counted down by whichever thread holds the lock.
    ticker: AtomicI32,
    /// Ticks from one release to the next: `_Py_CheckInterval + 1` (`sys.setcheckinterval`).
    period: i32,
    /// A second thread attached: in CPython 2, the lock now exists (`PyEval_InitThreads`).
    threads_started: AtomicBool,
    /// Who took the lock last, to count hand-offs ([`NOBODY`] at first); written by the holder.
    last_holder: AtomicUsize,
    switches: AtomicU64,
    /// Takes that found the lock free, so waited for nothing: the fast path keeps no clock.
    takes_without_waiting: AtomicU64,
}

impl OldGil {
    pub(super) fn new(check_interval: i32) -> Self {
        let period = check_interval.max(0).saturating_add(1);
        Self {
            lock: Semaphore::new(),
            ticker: AtomicI32::new(period),
            period,
            threads_started: AtomicBool::new(false),
            last_holder: AtomicUsize::new(NOBODY),
            switches: AtomicU64::new(0),
            takes_without_waiting: AtomicU64::new(0),
        }
    }

    /// A thread other than the first attached: from now on the periodic release lets go.
    pub(super) fn thread_started(&self) {
        self.threads_started.store(true, Relaxed);
    }

    /// Hand-offs so far, and the takes that did not wait.
    pub(super) fn counts(&self) -> (u64, u64) {
        (self.switches.load(Relaxed), self.takes_without_waiting.load(Relaxed))
    }
}

impl Gil {
    /// `PyThread_acquire_lock(interpreter_lock, 1)`: `sem_wait`, however long that takes.
    pub(super) fn acquire_lock(&self, me: usize) {
        let old = &self.old;
        if old.lock.try_take() || self.flawed(Flaw::TakeWithoutWaiting) {
            old.takes_without_waiting.fetch_add(1, Relaxed);
        } else {
            let started = Instant::now();
            self.record(me, Mark::Waiting);
            old.lock.take_or_sleep();
            let waited = crate::timing::micros(started.elapsed());
            self.lock().wait_us.saturating_record(waited);
        }
        let last = old.last_holder.swap(me, Relaxed);
        if last != me && last != NOBODY {
            old.switches.fetch_add(1, Relaxed);
        }
        self.record(me, Mark::Holding);
    }

    /// `PyThread_release_lock(interpreter_lock)`: `sem_post`.
    pub(super) fn release_lock(&self, me: usize) {
        self.record(me, Mark::Released);
        self.old.lock.post(!self.flawed(Flaw::ForgetToWakeWaiter));
    }

    /// Puts a mark on the timeline, if one is recorded: the only time the old GIL's fast path
    /// takes a mutex and reads the clock.
    fn record(&self, me: usize, mark: Mark) {
        if self.config.record_timeline {
            let mut state = self.lock();
            let at = self.now_us();
            state.timeline.push(me, at, mark);
        }
    }

    /// The periodic release: `PyThread_release_lock` then `PyThread_acquire_lock`.
    /// "Other threads may run now", between the two.
    #[cold]
    fn release_and_reacquire(&self, me: usize) {
        self.release_lock(me);
        self.acquire_lock(me);
    }
}

impl ThreadState<'_> {
    /// `ticks` ticks of `_Py_Ticker` (a check point stands for one, or at CPython's pace for an
    /// iteration's worth): every check interval, let go and ask again, once there is a lock.
    #[inline(always)]
    pub(super) fn tick(&self, ticks: i32) {
        let old = &self.gil.old;
        // Only the holder counts, so a load and a store do: no other thread writes meanwhile.
        let left = old.ticker.load(Relaxed) - ticks;
        if left > 0 {
            old.ticker.store(left, Relaxed);
        } else {
            // CPython tests `--_Py_Ticker < 0`: a release every 101 ticks, so the release point
            // moves through the loop from one interval to the next. The ticks past zero belong
            // to the next interval, so that here too it moves, instead of always falling at the
            // same check point; a check point whose ticks span several intervals releases once.
            old.ticker.store((old.period + left).max(1), Relaxed);
            if old.threads_started.load(Relaxed) {
                self.gil.release_and_reacquire(self.id);
            }
        }
    }
}
