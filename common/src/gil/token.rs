//! The `Python` token, PyO3's word for "this thread holds the GIL", and its check points: where a
//! running thread may hand the GIL over, and how blocking work lets go of it.

use std::hint::black_box;
use std::sync::atomic::Ordering::Relaxed;

use super::config::Model;
use super::pace::{Loop, Paced, iterations_per_check, spin, ticks_per_check};
use super::{Gil, PythonVersion};
use crate::cpython::clock::{STRIDE, Stamps};

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

/// Proof that this thread holds the GIL, handed out by [`Gil::attach`] and
/// [`attach`](super::attach): PyO3's `Python<'py>`. A native token (the build without the `gil` feature) holds nothing, and its
/// check points compile to nothing.
///
/// The proof is this thread's: the token cannot be sent to another thread, which does not hold
/// the GIL (it is neither `Send` nor `Sync`, as PyO3's is not):
///
/// ```compile_fail
/// common::gil::attach(|py| {
///     std::thread::scope(|s| {
///         s.spawn(move || py.backward_jump()); // error[E0277]: `*const ()` cannot be sent
///     });
/// });
/// ```
#[derive(Clone, Copy)]
pub struct Python<'py> {
    /// Never sent to another thread, as PyO3's token is not: the thread that holds the GIL is
    /// this one (a raw pointer makes the type neither `Send` nor `Sync`).
    not_send: std::marker::PhantomData<*const ()>,
    pub(super) thread: Option<&'py ThreadState<'py>>,
    /// The CPython version whose pace the loops keep (`--pace cpython`), if any.
    pub(super) pace: Option<PythonVersion>,
    /// The loop running now at that pace: what each check point spins for (see [`pace`]).
    pub(super) current: Option<Paced>,
}

impl<'py> Python<'py> {
    /// A token for code that runs with no GIL at all: plain Rust.
    pub fn native() -> Self {
        Self { not_send: std::marker::PhantomData, thread: None, pace: None, current: None }
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
    /// lasts CPython. Natively, the token is unchanged.
    pub fn at_cpython_pace(self, work: Loop) -> Self {
        Self { current: self.pace.map(|version| Paced::new(version, work)), ..self }
    }

    /// An eval-breaker check point at a loop's backward jump (or a call): every CPython version
    /// checks here, so the holder may hand the GIL over at this point.
    #[inline(always)]
    pub fn backward_jump(self) {
        self.jump_counting(self.current.map_or(1, |paced| paced.ticks_jump));
    }

    /// [`backward_jump`](Self::backward_jump), counting `ticks` for the old GIL: a check point
    /// that stands for `ticks` ticks' worth of iterations.
    #[inline(always)]
    fn jump_counting(self, ticks: i32) {
        if let Some(paced) = self.current {
            spin(paced.before_jump);
        }
        if let Some(thread) = self.thread {
            thread.check_point(ticks);
        }
    }

    /// `range(n)` for a loop of kind `work`, its backward jump's check point included: at
    /// CPython's pace one at every iteration, which then lasts what it lasts CPython; at Rust's
    /// one in [`iterations_per_check`] (the loop stays as fast as without a GIL); with no GIL,
    /// none. Each `i` goes through `black_box`, so the optimiser cannot replace the loop by a
    /// closed form: it runs `n` times.
    pub fn range(self, work: Loop, n: u64) -> Range<'py> {
        let py = self.at_cpython_pace(work);
        // With `--beside-cpython`'s clock witness, the thread reads its clock as it goes.
        let clock = Stamps::start();
        let (every, ticks) = match (py.thread, py.current) {
            (None, None) if clock.is_some() => (STRIDE, 1),
            (None, None) => (u64::MAX, 1), // plain Rust: nothing to check
            (_, Some(paced)) => (1, paced.ticks_jump),
            (Some(_), None) => (u64::from(iterations_per_check(work)), ticks_per_check(work)),
        };
        Range { py, i: 0, stop: 0, n, every, ticks, clock }
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

/// `range(n)` with its loop's check points: see [`Python::range`].
pub struct Range<'py> {
    py: Python<'py>,
    i: u64,
    /// Where the next check point falls: the end of this stretch of `every` iterations.
    stop: u64,
    n: u64,
    every: u64,
    /// The old GIL's ticks that each check point counts.
    ticks: i32,
    /// The clock witness's readings, when it is on.
    clock: Option<Stamps>,
}

impl Iterator for Range<'_> {
    type Item = u64;

    /// One compare a step, as in a plain `0..n` (it is the loop's own bound), and a check point
    /// at the start of each stretch: the backward jump of the iteration before.
    #[inline(always)]
    fn next(&mut self) -> Option<u64> {
        if self.i == self.stop {
            if self.i == self.n {
                return None;
            }
            self.py.jump_counting(self.ticks);
            if let Some(clock) = &mut self.clock {
                clock.at(self.i);
            }
            self.stop = self.n.min(self.i.saturating_add(self.every));
        }
        let i = self.i;
        self.i += 1;
        Some(black_box(i))
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
