//! What a cpu_example run's numbers show (new: cpu_example.py prints one fixed line), chosen from
//! what the run measured: the speedup, and the cores the threads kept busy beside what the rest
//! of the machine did. Kept beside `main.rs` so that it reads like cpu_example.py.

use common::cli;
use common::evidence::Parallel;
use common::gil::{self, PythonVersion};
use common::report::Report;

/// One sentence on what this run's numbers show.
pub fn conclusion(report: &Report, workers: u64) -> String {
    let version = gil::global().map(|g| g.config().version);
    let cores = cli::cores();
    let threads = Parallel::of(report.run("threads"), workers, cores);
    explain(report.speedup("threads", "sequential"), workers, cores, version, threads)
}

/// The sentence from the figures: `speedup` is sequential time / threads time, `version` the
/// CPython imitated (`None`: native Rust), `threads` what the threads did with the cores.
fn explain(
    speedup: f64,
    workers: u64,
    cores: u64,
    version: Option<PythonVersion>,
    threads: Parallel,
) -> String {
    let measured = if speedup >= 1.15 {
        format!("The threads were {speedup:.2}x faster than sequential")
    } else if speedup <= 0.87 {
        let slower = 1.0 / speedup;
        format!("The threads were {slower:.2}x slower than sequential")
    } else {
        format!("The threads took about the same time as sequential ({speedup:.2}x)")
    };
    let used =
        threads.used().map_or_else(String::new, |u| format!(" (they kept {u:.2} cores busy)"));
    let why = if let Some(clause) = threads.crowded_clause("the threads", cores) {
        format!(": {clause}.")
    } else if threads == Parallel::Alone {
        if workers == 1 {
            ": one worker, nothing to run in parallel.".to_string()
        } else {
            format!(": {cores} core, nothing to run in parallel.")
        }
    } else {
        match (version, threads) {
            (None, Parallel::AtOnce { .. }) => format!(
                ": Rust has no GIL, so the {workers} threads ran on the {cores} cores at once{used}."
            ),
            (Some(PythonVersion::V3_13t), Parallel::AtOnce { .. }) => format!(
                ": free-threaded CPython 3.13t has no GIL, so the {workers} threads ran on the \
                 {cores} cores at once{used}, as Rust's do."
            ),
            (None | Some(PythonVersion::V3_13t), _) => format!(
                ": with no GIL the threads could run at once, yet they kept only {} cores busy, \
                 the rest of the machine being idle enough.",
                threads.used().map_or_else(|| "some".to_string(), |u| format!("{u:.2}"))
            ),
            (Some(PythonVersion::V2_7), _) => format!(
                ": under CPython 2's old GIL the holder releases it every 100 ticks and takes it \
                 straight back, while the other threads wake up on other cores for nothing{}.",
                threads.used().map_or_else(String::new, |u| format!(
                    " (the threads kept {u:.2} cores busy for one core's work)"
                ))
            ),
            (Some(_), _) if speedup >= 1.15 => format!(
                ": under the GIL only one thread runs Python code at a time{used}, so this gain is \
                 not the threads' (a run of a few switch intervals shows noise: try a larger --n)."
            ),
            (Some(_), _) => format!(
                ": under the GIL only one thread runs Python code at a time{}, so for CPU-bound \
                 work threads are no faster (like python3 cpu_example.py).",
                threads.used().map_or_else(String::new, |u| format!(
                    ": the {workers} threads kept {u:.2} cores busy between them"
                ))
            ),
        }
    };
    measured + &why
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each conclusion from its evidence: the build, the speedup, the cores used and the rest of
    /// the machine's work, case by case, with no run and no clock.
    #[test]
    fn each_conclusion_follows_its_evidence() {
        let v312 = Some(PythonVersion::V3_12);
        let cases: [(f64, Option<PythonVersion>, Parallel, &[&str]); 8] = [
            (
                1.85,
                None,
                Parallel::AtOnce { used: 1.84 },
                &["1.85x faster", "ran on the 2 cores at once (they kept 1.84 cores busy)"],
            ),
            (
                1.19,
                None,
                Parallel::Crowded { used: 1.1, other: 0.9 },
                &[
                    "1.19x faster",
                    "kept 0.9 of the 2 cores busy",
                    "the threads got 1.10",
                    "cannot show more",
                ],
            ),
            (
                1.14,
                v312,
                Parallel::Crowded { used: 1.0, other: 0.9 },
                &["kept 0.9 of the 2 cores busy"],
            ),
            (
                1.01,
                v312,
                Parallel::TookTurns { used: 1.01 },
                &["about the same time", "kept 1.01 cores busy between them", "no faster"],
            ),
            (1.20, v312, Parallel::TookTurns { used: 1.0 }, &["1.20x faster", "not the threads'"]),
            (
                0.69,
                Some(PythonVersion::V2_7),
                Parallel::TookTurns { used: 1.2 },
                &["1.45x slower", "old GIL", "kept 1.20 cores busy for one core's work"],
            ),
            (
                1.80,
                Some(PythonVersion::V3_13t),
                Parallel::AtOnce { used: 1.9 },
                &["free-threaded", "at once (they kept 1.90 cores busy)"],
            ),
            (1.30, None, Parallel::Partly { used: 1.3 }, &["kept only 1.30 cores busy"]),
        ];
        for (speedup, version, threads, says) in cases {
            let sentence = explain(speedup, 2, 2, version, threads);
            for part in says {
                assert!(sentence.contains(part), "{part:?} missing from: {sentence}");
            }
            let claims_both_cores = sentence.contains("cores at once");
            assert_eq!(claims_both_cores, matches!(threads, Parallel::AtOnce { .. }), "{sentence}");
        }
        assert!(explain(1.0, 1, 2, None, Parallel::Alone).contains("one worker"));
    }
}
