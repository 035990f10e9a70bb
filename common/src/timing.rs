//! Wall-clock timing of one piece of work, as `time.perf_counter()` around a call in Python.

use std::time::{Duration, Instant};

/// A duration in whole microseconds, saturating (the timeline's and the histograms' unit).
pub fn micros(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}

/// Runs `f` and returns its result with the wall-clock time it took.
pub fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}
