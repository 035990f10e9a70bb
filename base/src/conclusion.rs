//! base's report (new: base.py prints its two times and one fixed line): each mode's row, and
//! one sentence on what this run's numbers show. Kept beside `main.rs` so that it reads like
//! base.py.

use std::time::Duration;

use common::gil;
use common::latency::Latencies;
use common::report::{Report, Run};
use common::tr;
use common::usage::Measured;

/// The report's heading: the sizes, and speedups relative to sequential.
pub fn report(tasks: u64, delay_ms: u64) -> Report {
    Report::new("base").speedup_over("sequential").size("tasks", tasks).size("delay_ms", delay_ms)
}

/// One mode's row: its time in waits, and when its tasks finished (p50, p99, max).
pub fn run(name: &'static str, seconds: Measured, delay: Duration, done: Latencies) -> Run {
    let done = done.summary();
    Run::new(name, seconds)
        .with("waits", seconds.as_secs_f64() / delay.as_secs_f64())
        .with("completed", done.count)
        .with("p50_ms", done.p50_ms)
        .with("p99_ms", done.p99_ms)
        .with("max_ms", done.max_ms)
}

/// What this run's numbers show.
pub fn conclusion(report: &Report) -> String {
    let why = if gil::under_gil() {
        tr!("base-under-gil")
    } else if gil::free_threaded() {
        tr!("base-free-threaded")
    } else {
        String::new()
    };
    tr!("base-waits", waits = report.quote("waits", &tr!("unit-waits")), why = why)
}
