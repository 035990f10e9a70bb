//! Starting and joining threads the way the Python programs do:
//! `threads = [Thread(target=worker, args=(i,)) for i in range(k)]`, `start()` each, `join()` each.

use std::thread;

use crate::error::Failure;
use crate::gil::{self, Python};

/// Starts `workers` threads named `Thread-1`, `Thread-2`, … (Python's names), runs `work(index)`
/// in each, waits for them all, and returns their results in order.
///
/// A thread the OS refuses to start is a [`Failure::ThreadStart`]; a worker that panics re-raises its panic here,
/// as an exception in a joined thread would not, but a wrong total must never be printed.
pub fn run_in_threads<R, F>(workers: u64, work: F) -> Result<Vec<R>, Failure>
where
    R: Send,
    F: Fn(usize) -> R + Sync,
{
    let work = &work;
    thread::scope(|scope| {
        let mut handles = Vec::new();
        for index in 0..workers as usize {
            let handle = thread::Builder::new()
                .name(format!("Thread-{}", index + 1))
                .spawn_scoped(scope, move || work(index))
                .map_err(|error| Failure::ThreadStart(error.to_string()))?;
            handles.push(handle);
        }
        Ok(handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect())
    })
}

/// The `.py`'s threads: `workers` threads running `work(index, py)`, each attached to the
/// process's GIL as a Python thread is (with `--features gil`; natively, a token that holds
/// nothing); waits for them all and returns their results in order, like [`run_in_threads`].
pub fn python_threads<R, F>(workers: u64, work: F) -> Result<Vec<R>, Failure>
where
    R: Send,
    F: Fn(usize, Python<'_>) -> R + Sync,
{
    run_in_threads(workers, |index| gil::attach(|py| work(index, py)))
}
