//! The new GIL of CPython 3.2 and later (Antoine Pitrou's), after `Python/ceval_gil.c`:
//! `take_gil()`, `drop_gil()`, the timed wait, the drop request and `FORCE_SWITCHING`.
//!
//! * A thread that wants the GIL while another holds it waits on `cond` for one *switch
//!   interval*. If it timed out and no switch happened in the meantime, it sets the drop
//!   request: the bit of the eval breaker the holder polls.
//! * The holder sees the request at its next check point, drops the GIL and, because of
//!   `FORCE_SWITCHING`, waits on `switch_cond` until another thread has actually taken it before
//!   it asks for the GIL again. Without that wait it would usually take it straight back.
//!
//! The deliberate flaws of this model, for the loom checks: [`Flaw::TakeWithoutWaiting`] and
//! [`Flaw::ForgetToSignalSwitch`].

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

#[cfg(loom)]
use loom::sync::MutexGuard;
#[cfg(not(loom))]
use std::sync::MutexGuard;

use super::{Flaw, Gil, State};

impl Gil {
    /// CPython's `take_gil()`.
    pub(super) fn take_gil(&self, me: usize) {
        let started = Instant::now();
        let mut state = self.lock();
        self.mark_waiting(&mut state, me);
        while state.locked && !self.flawed(Flaw::TakeWithoutWaiting) {
            let saved_switch_number = state.switch_number;
            let (guard, timed_out) = self.wait_one_interval(state);
            state = guard;
            // "If we timed out and no switch occurred in the meantime, it is time to ask the
            // GIL-holding thread to drop it."
            if timed_out && state.locked && state.switch_number == saved_switch_number {
                self.drop_request.store(true, Relaxed);
                state.drop_requests += 1;
                let at = self.now_us();
                state.timeline.push_drop_request(me, at);
            }
        }
        // _ready: we hold the GIL.
        self.took(&mut state, me, started);
        // FORCE_SWITCHING: wake the holder that was asked to let go and is waiting for us.
        if !self.flawed(Flaw::ForgetToSignalSwitch) {
            self.switch_cond.notify_all();
        }
        if self.drop_request.load(Relaxed) {
            self.drop_request.store(false, Relaxed);
        }
    }

    /// CPython's `drop_gil()`. `final_release` is a thread letting go for the last time (its
    /// `attach` ends): like CPython's thread exit, it does not wait for a hand-off.
    pub(super) fn drop_gil(&self, me: usize, final_release: bool) {
        let mut state = self.unlock(me);
        // FORCE_SWITCHING: asked to drop, so make sure somebody else gets it before we can ask
        // for it again; otherwise this thread, already running, would usually win it back.
        if !final_release && self.drop_request.load(Relaxed) && state.last_holder == Some(me) {
            self.drop_request.store(false, Relaxed);
            while state.last_holder == Some(me) {
                state = self.switch_cond.wait(state).unwrap_or_else(|p| p.into_inner());
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
    pub(super) fn yield_to_waiter(&self, me: usize) {
        self.drop_gil(me, false);
        self.take_gil(me);
    }
}
