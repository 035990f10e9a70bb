//! Free-threaded CPython (3.13t, PEP 703): no GIL at all.
//!
//! A thread attaches to the interpreter (it gets a thread state, so it has a row in the
//! timeline) but there is no lock to take: every attached thread runs Python code at the same
//! time, on its own core. Its check points have nothing to check, and a blocking call has
//! nothing to release. What the GIL used to serialise is now the program's business again:
//! `counter += 1` loses updates as it does in Rust without a lock, and `share2`'s lock is the
//! fix, as it always was.
//!
//! CPython 3.13t pays for this with per-object locking and biased reference counting, which make
//! one thread alone slower than on the default build; the model leaves that cost out: it shows
//! what the absence of the lock does, not what it costs.

use super::{Gil, Python};

impl Gil {
    /// Runs `f` attached to a free-threaded interpreter: registered, but with no lock to take.
    /// The token holds no GIL, so its check points check nothing (at CPython's pace they still
    /// take an iteration's time).
    pub(super) fn attach_free_threaded<R>(&self, f: impl FnOnce(Python<'_>) -> R) -> R {
        self.register(std::thread::current().name());
        f(Python::attached(None, self.paced_version()))
    }
}
