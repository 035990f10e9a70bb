//! base's report (new: base.py prints its two times and one fixed line): each mode's row, and
//! one sentence on what this run's numbers show. Kept beside `main.rs` so that it reads like
//! base.py.

use std::time::Duration;

use common::gil::PythonVersion;
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
pub fn conclusion(report: &Report, version: Option<PythonVersion>) -> String {
    let why = match version {
        Some(PythonVersion::V3_13t) => tr!("base-free-threaded"),
        Some(_) => tr!("base-under-gil"),
        None => String::new(),
    };
    tr!("base-waits", waits = report.quote("waits", &tr!("unit-waits")), why = why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::lang::{Lang, with_lang};

    /// The waits of each mode quoted, and why threads overlap them in each build, in both
    /// languages.
    #[test]
    fn each_build_concludes_on_its_waits() {
        let mut report = Report::new("base");
        let second = std::time::Duration::from_secs(1);
        report.push(Run::new("sequential", 4 * second).with("waits", 4.0));
        report.push(Run::new("threads", second).with("waits", 1.0));
        let cases: [(Option<PythonVersion>, &str, &str); 3] = [
            (None, "about one wait.", "environ une attente."),
            (Some(PythonVersion::V3_12), "a waiting thread has released it", "l'a relâché"),
            (Some(PythonVersion::V3_13t), "free-threaded 3.13t has no GIL", "n'en avaient jamais"),
        ];
        for (version, english, french) in cases {
            let en = with_lang(Lang::En, || conclusion(&report, version));
            assert!(en.contains("sequential 4.0 waits, threads 1.0 waits"), "{en}");
            assert!(en.contains(english), "{en}");
            let fr = with_lang(Lang::Fr, || conclusion(&report, version));
            assert!(fr.contains("sequential 4,0 attentes, threads 1,0 attentes"), "{fr}");
            assert!(fr.contains(french), "{fr}");
        }
    }
}
