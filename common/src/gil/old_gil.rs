//! The old GIL of CPython 2.x, after `Python/ceval.c` and `Python/thread_pthread.h`: a plain
//! lock, released and asked for again every 100 "ticks" (`sys.setcheckinterval`, `_Py_Ticker`).
//!
//! There is no timed wait, no drop request and no forced hand-off: the holder lets go and at once
//! asks for the lock again. On a multi-core machine it usually wins it right back while the
//! woken thread wakes up for nothing; that is why two CPU-bound threads ran *slower* than one on
//! CPython 2.
//!
//! The deliberate flaw of this model, for the loom checks: [`Flaw::ForgetToWakeWaiter`](super::Flaw::ForgetToWakeWaiter).

use std::time::Instant;

use super::{Gil, Relaxed, ThreadState};

/// CPython 2's default check interval: `sys.getcheckinterval()` is 100 ticks.
pub const CHECK_INTERVAL_TICKS: i32 = 100;

impl Gil {
    /// `PyThread_acquire_lock(interpreter_lock, 1)`: wait until the lock is free, however long
    /// that takes, then take it.
    pub(super) fn acquire_lock(&self, me: usize) {
        let started = Instant::now();
        let mut state = self.lock();
        self.mark_waiting(&mut state, me);
        while state.locked && !self.flawed(super::Flaw::TakeWithoutWaiting) {
            state = self.cond.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        self.took(&mut state, me, started);
    }

    /// The periodic release: `PyThread_release_lock` then `PyThread_acquire_lock`.
    /// "Other threads may run now", between the two.
    #[cold]
    fn release_and_reacquire(&self, me: usize) {
        drop(self.release(me));
        self.acquire_lock(me);
    }
}

impl ThreadState<'_> {
    /// `ticks` ticks of `_Py_Ticker` (a check point stands for one, or at CPython's pace for an
    /// iteration's worth): every [`CHECK_INTERVAL_TICKS`], let go and ask again.
    #[inline(always)]
    pub(super) fn tick(&self, ticks: i32) {
        // Only the holder counts, so a load and a store do: no other thread writes meanwhile.
        let left = self.gil.ticker.load(Relaxed) - ticks;
        if left > 0 {
            self.gil.ticker.store(left, Relaxed);
        } else {
            // CPython tests `--_Py_Ticker < 0`: a release every 101 instructions, so the
            // release point moves through the loop from one interval to the next. The ticks past
            // zero belong to the next interval, so that here too it moves, instead of always
            // falling at the same check point.
            self.gil
                .ticker
                .store(CHECK_INTERVAL_TICKS + 1 + left, Relaxed);
            self.gil.release_and_reacquire(self.id);
        }
    }
}
