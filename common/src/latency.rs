//! Latency distributions: many durations in, p50/p99/max out, with hdrhistogram.

use std::time::Duration;

use hdrhistogram::Histogram;

/// The longest duration recorded exactly, in microseconds; longer ones count as an hour.
pub const HOUR_US: u64 = 3_600_000_000;

/// Durations recorded in microseconds, 3 significant digits, from 1 µs to an hour.
#[derive(Clone, Debug)]
pub struct Latencies(Histogram<u64>);

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

impl Latencies {
    pub fn new() -> Self {
        Self(
            Histogram::new_with_bounds(1, HOUR_US, 3)
                .expect("1 µs to an hour, 3 digits, are valid bounds"),
        )
    }

    pub fn record(&mut self, elapsed: Duration) {
        let us = crate::timing::micros(elapsed);
        self.0.saturating_record(us);
    }

    pub fn summary(&self) -> Summary {
        let ms = |us: u64| us as f64 / 1000.0;
        Summary {
            count: self.0.len(),
            p50_ms: ms(self.0.value_at_quantile(0.50)),
            p99_ms: ms(self.0.value_at_quantile(0.99)),
            max_ms: ms(self.0.max()),
        }
    }
}

/// The three numbers a reader looks at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_known_values() {
        let mut l = Latencies::new();
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        let s = l.summary();
        assert_eq!(s.count, 100);
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{s:?}");
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{s:?}");
        assert!((s.max_ms - 100.0).abs() < 0.1, "{s:?}");
    }
}
