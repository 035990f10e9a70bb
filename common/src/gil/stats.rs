//! What a GIL did during a run: hand-offs, drop requests and how long the takes waited.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Gil, Pace, PythonVersion};
use crate::timeline::Timeline;

impl Gil {
    /// What the GIL did so far, for `--json`'s `"gil_stats"`.
    pub fn stats(&self) -> GilStats {
        let state = self.lock();
        // The old GIL's takes that found the lock free waited 0 µs; its fast path kept no clock.
        let (old_switches, old_takes_without_waiting) = self.old.counts();
        let mut wait_us = state.wait_us.clone();
        wait_us.saturating_record_n(0, old_takes_without_waiting);
        let ms = |q: f64| wait_us.value_at_quantile(q) as f64 / 1000.0;
        GilStats {
            python: self.config.version,
            has_gil: self.config.version.has_gil(),
            switch_interval: self.config.switch_interval,
            pace: self.config.pace,
            switches: state.switches + old_switches,
            drop_requests: state.drop_requests,
            wait_p50_ms: ms(0.50),
            wait_p99_ms: ms(0.99),
            wait_max_ms: wait_us.max() as f64 / 1000.0,
        }
    }

    /// The recorded timeline (empty unless `record_timeline` was set), with the thread names.
    pub fn timeline(&self) -> (Vec<String>, Timeline) {
        let state = self.lock();
        (state.threads.clone(), state.timeline.clone())
    }
}

/// What the GIL did during a run.
#[derive(Clone, Debug)]
pub struct GilStats {
    pub python: PythonVersion,
    /// False on the free-threaded interpreter: nothing to switch, nothing to wait for.
    pub has_gil: bool,
    pub switch_interval: Duration,
    /// Whose speed the loops ran at (`--pace`).
    pub pace: Pace,
    /// Hand-offs from one thread to another.
    pub switches: u64,
    /// Times a waiter timed out and asked the holder to drop the GIL.
    pub drop_requests: u64,
    pub wait_p50_ms: f64,
    pub wait_p99_ms: f64,
    pub wait_max_ms: f64,
}

impl GilStats {
    /// The `"gil_stats"` object of `--json`.
    pub fn to_json(&self) -> Value {
        json!({
            "python": self.python.as_str(),
            "gil_enabled": self.has_gil,
            "switch_interval_ms": self.switch_interval.as_secs_f64() * 1000.0,
            "pace": self.pace.as_str(),
            "switches": self.switches,
            "drop_requests": self.drop_requests,
            "wait_ms": {"p50": self.wait_p50_ms, "p99": self.wait_p99_ms, "max": self.wait_max_ms},
        })
    }
}
