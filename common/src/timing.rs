//! Durations in the unit the timeline and the histograms count in. A mode is timed, CPU time
//! beside wall time, by [`crate::usage::measured`].

use std::time::Duration;

/// A duration in whole microseconds, saturating (the timeline's and the histograms' unit).
pub fn micros(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}
