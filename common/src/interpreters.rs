//! Subinterpreters with a GIL each (PEP 684 since CPython 3.12; PEP 734's
//! `concurrent.interpreters` since 3.14): one process, several interpreters, one GIL each.
//!
//! Each interpreter here is a thread attached to its *own* [`Gil`], so the threads never wait
//! for one another: CPU-bound work runs in parallel in one process, as with separate processes,
//! without starting any. As between CPython's interpreters, nothing is shared: each worker gets
//! its inputs by copy and sends its result back through a channel (crossbeam's), the way
//! `interpreters.Queue` carries objects from one interpreter to another.

use std::any::Any;
use std::fmt;
use std::sync::Once;

use crate::gil::{Gil, GilConfig, Python};

/// An interpreter whose work raised (panicked): CPython's `ExecutionFailed`, naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpreterFailed {
    /// Which interpreter, from 1.
    pub interpreter: usize,
    /// What went wrong in it.
    pub what: String,
}

impl fmt::Display for InterpreterFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interpreter {} failed: {}", self.interpreter, self.what)
    }
}

impl std::error::Error for InterpreterFailed {}

/// What the interpreters returned, in order, and what their GILs did.
#[derive(Debug)]
pub struct Finished<R> {
    pub results: Vec<R>,
    /// Hand-offs of all the interpreters' GILs added up: 0, since each has one thread.
    pub switches: u64,
}

/// Starts `count` threads named `Interpreter-1`, `Interpreter-2`, …, each attached to a GIL of
/// its own (made from `gil`; none if `gil` is `None`, as in a build without `--features gil`),
/// runs `work(index, py)` in each, and collects the results from a channel.
///
/// A thread the OS refuses to start is an error; so is an interpreter whose work panics, which
/// is named (its panic message is not printed: the caller reports the error).
pub fn run_in_interpreters<R, F>(
    count: u64,
    gil: Option<&GilConfig>,
    work: F,
) -> Result<Finished<R>, InterpreterFailed>
where
    R: Send,
    F: Fn(usize, Python<'_>) -> R + Sync,
{
    quiet_panics_in_interpreters();
    let (queue, results) = crossbeam_channel::unbounded::<(usize, R, u64)>();
    let work = &work;
    let joined = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for index in 0..count as usize {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("Interpreter-{}", index + 1))
                .spawn_scoped(scope, move || {
                    // `interpreters.create()`: a new interpreter, with a GIL of its own.
                    let own_gil = gil.map(|config| Gil::new(config.clone()));
                    crate::faults::in_interpreter(index, count); // for the tests only
                    let (result, switches) = match &own_gil {
                        Some(own) => (own.attach(|py| work(index, py)), own.stats().switches),
                        None => (work(index, Python::native()), 0),
                    };
                    // `queue.put(result)`: the result crosses to the main interpreter by copy.
                    let _ = queue.send((index, result, switches));
                });
            match started {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    return Err(InterpreterFailed {
                        interpreter: index + 1,
                        what: format!("could not start its thread: {error}"),
                    });
                }
            }
        }
        Ok(handles
            .into_iter()
            .enumerate()
            .filter_map(|(index, handle)| handle.join().err().map(|panic| (index, panic)))
            .collect::<Vec<_>>())
    })?;
    if let Some((index, panic)) = joined.into_iter().next() {
        return Err(InterpreterFailed {
            interpreter: index + 1,
            what: panic_message(panic.as_ref()),
        });
    }
    drop(queue);
    let mut slots: Vec<Option<R>> = (0..count).map(|_| None).collect();
    let mut switches = 0;
    for (index, result, gil_switches) in results.iter() {
        slots[index] = Some(result);
        switches += gil_switches;
    }
    Ok(Finished { results: slots.into_iter().flatten().collect(), switches })
}

/// The message a panic carries, as text.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "panicked".to_string()
    }
}

/// A panic in an interpreter's thread becomes an [`InterpreterFailed`] that the program reports
/// in one line; the default hook's own lines are left out for those threads only.
fn quiet_panics_in_interpreters() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().map(str::to_owned);
            if !name.is_some_and(|n| n.starts_with("Interpreter-")) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::time::Duration;

    fn config() -> GilConfig {
        GilConfig::default()
    }

    fn gil() -> Option<&'static GilConfig> {
        static CONFIG: std::sync::OnceLock<GilConfig> = std::sync::OnceLock::new();
        Some(CONFIG.get_or_init(config))
    }

    #[test]
    fn results_come_back_in_order_and_exact() {
        let done = run_in_interpreters(4, gil(), |index, py| {
            crate::workload::count(1000 * (index as u64 + 1), py)
        })
        .unwrap();
        // count(n) is 0 + 1 + ... + (n - 1).
        let expected: Vec<u128> = (1..=4u128).map(|k| 1000 * k * (1000 * k - 1) / 2).collect();
        assert_eq!(done.results, expected);
        assert_eq!(done.switches, 0, "one thread per GIL never hands it over");
    }

    #[test]
    fn a_panicking_interpreter_is_named() {
        let failed = run_in_interpreters(3, gil(), |index, _py| {
            assert!(index != 1, "worker told to panic");
            index
        })
        .unwrap_err();
        assert_eq!(failed.interpreter, 2);
        assert!(failed.what.contains("worker told to panic"), "{failed}");
        assert!(failed.to_string().starts_with("interpreter 2 failed: "));
    }

    /// Two interpreters hold their GILs at the same time: both reach a barrier while attached,
    /// which never happens under one shared GIL (the other thread would be waiting to take it).
    #[test]
    fn each_interpreter_has_its_own_gil() {
        let barrier = Barrier::new(2);
        let gils = [Gil::new(config()), Gil::new(config())];
        std::thread::scope(|s| {
            for gil in &gils {
                let barrier = &barrier;
                s.spawn(move || gil.attach(|_py| barrier.wait()));
            }
        });
        // And the same through run_in_interpreters.
        let barrier = Barrier::new(2);
        let done = run_in_interpreters(2, gil(), |_, _py| {
            barrier.wait();
        })
        .unwrap();
        assert_eq!(done.results.len(), 2);
    }

    /// The contrast: under one shared GIL, the second thread cannot attach while the first holds
    /// the GIL without a check point.
    #[test]
    fn one_shared_gil_lets_one_holder_in_at_a_time() {
        let shared = Gil::new(config());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            shared.attach(|_py| {
                s.spawn(|| shared.attach(|_| tx.send(()).unwrap()));
                assert!(
                    rx.recv_timeout(Duration::from_millis(200)).is_err(),
                    "a second thread got in while the GIL was held"
                );
            });
        });
        assert!(rx.recv().is_ok(), "the second thread got in once it was released");
    }
}
