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

/// The panics with which the standard library's `thread::spawn` and tokio (its blocking pool,
/// `spawn_blocking`) say that the OS refused them a thread.
const THREAD_START_PANICS: [&str; 2] = ["failed to spawn thread", "OS can't spawn worker thread"];

thread_local! {
    /// Set while [`thread_start_as_failure`] runs its body on this thread.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `body`, turning a panic that only says the OS refused a thread (`ulimit -u`, a full
/// process table) into a [`Failure::ThreadStart`], for the caller to say in one line or to do
/// without the thread. Such a panic is not printed; any other panic is printed as usual and
/// goes on unwinding.
pub fn thread_start_as_failure<T>(body: impl FnOnce() -> T) -> Result<T, Failure> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let refused = info.payload_as_str().is_some_and(is_thread_start_panic);
            if !(refused && CATCHING.get()) {
                previous(info);
            }
        }));
    });
    let outer = CATCHING.replace(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    CATCHING.set(outer);
    match outcome {
        Ok(result) => Ok(result),
        Err(panic) => match panic_message(&*panic).filter(|m| is_thread_start_panic(m)) {
            Some(message) => Err(Failure::ThreadStart(os_reason(message))),
            None => std::panic::resume_unwind(panic),
        },
    }
}

fn is_thread_start_panic(message: &str) -> bool {
    THREAD_START_PANICS.iter().any(|start| message.starts_with(start))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> Option<&str> {
    panic.downcast_ref::<String>().map(String::as_str).or(panic.downcast_ref::<&str>().copied())
}

/// What the OS said, from tokio's "OS can't spawn worker thread: Resource temporarily
/// unavailable (os error 11)" or std's "failed to spawn thread: Os { code: 11, kind:
/// WouldBlock, message: \"Resource temporarily unavailable\" }".
fn os_reason(message: &str) -> String {
    let (_, why) = message.split_once(": ").unwrap_or(("", message));
    match why.split_once("message: \"") {
        Some((code, rest)) => {
            let code = code.split_once("code: ").and_then(|(_, c)| c.split(',').next());
            let text = rest.split('"').next().unwrap_or(rest);
            format!("{text} (os error {})", code.unwrap_or("?"))
        }
        None => why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_thread_becomes_a_failure_and_other_panics_go_on() {
        let refused: Result<(), Failure> = thread_start_as_failure(|| {
            panic!("OS can't spawn worker thread: Resource temporarily unavailable (os error 11)")
        });
        let nested = thread_start_as_failure(|| {
            let inner = thread_start_as_failure(|| ());
            assert!(CATCHING.get(), "the inner call restores the outer one's state");
            inner
        });
        assert_eq!(nested, Ok(Ok(())));
        assert!(!CATCHING.get());
        assert_eq!(
            refused,
            Err(Failure::ThreadStart("Resource temporarily unavailable (os error 11)".into()))
        );
        let std_refused = thread_start_as_failure(|| {
            // What std's `thread::spawn` panics with: `.expect("failed to spawn thread")`.
            panic!("failed to spawn thread: {:?}", std::io::Error::from_raw_os_error(11));
        });
        assert_eq!(
            std_refused,
            Err(Failure::ThreadStart("Resource temporarily unavailable (os error 11)".into()))
        );
        let other = std::panic::catch_unwind(|| {
            thread_start_as_failure::<()>(|| panic!("a bug, not the OS"))
        });
        assert!(other.is_err());
        assert_eq!(thread_start_as_failure(|| 7), Ok(7));
    }
}
