//! The `Python` token, PyO3's word for "this thread holds the GIL", and its check points: where a
//! running thread may hand the GIL over, and how blocking work lets go of it.

use std::sync::atomic::Ordering::Relaxed;

use super::config::Model;
use super::pace::{Loop, Paced, iterations_per_check, spin};
use super::{Gil, PythonVersion};

/// One attached thread: CPython's `PyThreadState`, as far as the GIL cares.
pub(super) struct ThreadState<'gil> {
    pub(super) gil: &'gil Gil,
    pub(super) id: usize,
}

/// Releases the GIL when `attach` ends, normally or by a panic.
pub(super) struct Release<'a, 'gil>(pub(super) &'a ThreadState<'gil>);

impl Drop for Release<'_, '_> {
    fn drop(&mut self) {
        self.0.gil.release(self.0.id, true);
    }
}

/// Proof that this thread holds the GIL, handed out by [`Gil::attach`] and [`attach`]: PyO3's
/// `Python<'py>`. A native token (the build without the `gil` feature) holds nothing, and its
/// check points compile to nothing.
#[derive(Clone, Copy)]
pub struct Python<'py> {
    pub(super) thread: Option<&'py ThreadState<'py>>,
    /// The CPython version whose pace the loops keep (`--pace cpython`), if any.
    pub(super) pace: Option<PythonVersion>,
    /// The loop running now at that pace: what each check point spins for (see [`pace`]).
    pub(super) current: Option<Paced>,
    /// At Rust's pace, how many backward jumps one eval-breaker check stands for
    /// ([`iterations_per_check`]), and how many are left before the next check.
    every: u32,
    left: u32,
}

impl<'py> Python<'py> {
    /// A token for code that runs with no GIL at all: plain Rust.
    pub fn native() -> Self {
        Self { thread: None, pace: None, current: None, every: 1, left: 1 }
    }

    /// A token made by `attach`: holding `thread`'s GIL (if any), keeping `pace`'s speed (if any).
    pub(super) fn attached(
        thread: Option<&'py ThreadState<'py>>,
        pace: Option<PythonVersion>,
    ) -> Self {
        Self { thread, pace, ..Self::native() }
    }

    /// The same token, for a loop of kind `work`: with `--pace cpython` (the GIL build's
    /// default) each of its iterations, from one backward jump to the next, then lasts what it
    /// lasts CPython. At Rust's pace, the loop's check points are thinned out as
    /// [`iterations_per_check`] says; with no GIL at all they do nothing either way.
    pub fn at_cpython_pace(self, work: Loop) -> Self {
        let every = iterations_per_check(work);
        Self {
            current: self.pace.map(|version| Paced::new(version, work)),
            every,
            left: every,
            ..self
        }
    }

    /// An eval-breaker check point at a loop's backward jump (or a call): every CPython version
    /// checks here, so the holder may hand the GIL over at this point. At Rust's pace, one in
    /// [`iterations_per_check`] checks, counted in the token: hence `&mut self`.
    #[inline(always)]
    pub fn backward_jump(&mut self) {
        if let Some(paced) = self.current {
            spin(paced.before_jump);
        }
        let Some(thread) = self.thread else { return };
        match self.current {
            Some(paced) => thread.check_point(paced.ticks_jump),
            None if self.left <= 1 => {
                self.left = self.every;
                thread.check_point(1);
            }
            None => self.left -= 1,
        }
    }

    /// A check point between two bytecodes of one statement, e.g. between the read and the write
    /// of `counter += 1`. CPython 3.9 and older check the eval breaker here; 3.10 and later don't.
    #[inline(always)]
    pub fn between_bytecodes(self) {
        if let Some(paced) = self.current {
            spin(paced.before_between);
        }
        if let Some(thread) = self.thread
            && thread.gil.model.checks_between_bytecodes()
        {
            // Natively a check point is a tick; at CPython's pace, the ticks of the instructions
            // between the read and the write.
            thread.check_point(self.current.map_or(1, |paced| paced.ticks_between));
        }
    }

    /// Runs blocking work with the GIL released, like PyO3's `py.detach` or CPython's
    /// `Py_BEGIN_ALLOW_THREADS` around `sleep()` and `recv()`: other threads run meanwhile.
    pub fn detach<R>(self, f: impl FnOnce() -> R) -> R {
        let Some(thread) = self.thread else {
            return f();
        };
        thread.gil.release(thread.id, false);
        // Taken back even if `f` panics, so that `attach` can release it.
        struct Retake<'a, 'gil>(&'a ThreadState<'gil>);
        impl Drop for Retake<'_, '_> {
            fn drop(&mut self) {
                self.0.gil.take(self.0.id);
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
    /// An eval-breaker check point; `ticks` is what the old GIL counts for the instructions
    /// since the last one.
    #[inline(always)]
    fn check_point(&self, ticks: i32) {
        if self.gil.model == Model::OldGil {
            self.tick(ticks);
        } else if self.gil.drop_request.load(Relaxed) {
            self.gil.yield_to_waiter(self.id);
        }
    }
}
