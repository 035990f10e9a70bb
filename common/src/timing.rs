//! Wall-clock timing of one piece of work, as `time.perf_counter()` around a call in Python.

use std::time::{Duration, Instant};

/// Runs `f` and returns its result with the wall-clock time it took.
pub fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}
