//! What a cpu_example run's numbers show (new: cpu_example.py prints one fixed line), chosen from
//! what the run measured: the speedup, and the cores the threads kept busy beside what the rest
//! of the machine did. Kept beside `main.rs` so that it reads like cpu_example.py.

use common::cli;
use common::evidence::Parallel;
use common::gil::{self, PythonVersion};
use common::lang::num;
use common::report::Report;
use common::tr;

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
        tr!("threads-faster", speedup = num(speedup, 2))
    } else if speedup <= 0.87 {
        tr!("threads-slower", slower = num(1.0 / speedup, 2))
    } else {
        tr!("threads-same", speedup = num(speedup, 2))
    };
    let used = threads.used().map_or_else(String::new, |u| tr!("cpu-they-kept", used = num(u, 2)));
    let why = if let Some(clause) = threads.crowded_clause(&tr!("who-threads"), cores) {
        tr!("colon-clause", clause = clause)
    } else if threads == Parallel::Alone {
        if workers == 1 { tr!("cpu-one-worker") } else { tr!("cpu-one-core", cores = cores) }
    } else {
        match (version, threads) {
            (None, Parallel::AtOnce { .. }) => {
                tr!("cpu-rust", workers = workers, cores = cores, used = used)
            }
            (Some(PythonVersion::V3_13t), Parallel::AtOnce { .. }) => {
                tr!("cpu-free-threaded", workers = workers, cores = cores, used = used)
            }
            (None | Some(PythonVersion::V3_13t), _) => tr!(
                "cpu-no-gil-partly",
                used = threads.used().map_or_else(|| tr!("some"), |u| num(u, 2))
            ),
            (Some(PythonVersion::V2_7), _) => tr!(
                "cpu-old-gil",
                used = threads
                    .used()
                    .map_or_else(String::new, |u| tr!("cpu-old-gil-used", used = num(u, 2)))
            ),
            (Some(_), _) if speedup >= 1.15 => tr!("cpu-gil-noise", used = used),
            (Some(_), _) => tr!(
                "cpu-gil",
                used = threads.used().map_or_else(String::new, |u| tr!(
                    "cpu-gil-used",
                    workers = workers,
                    used = num(u, 2)
                ))
            ),
        }
    };
    measured + &why
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::lang::{Lang, with_lang};

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
            let sentence = with_lang(Lang::En, || explain(speedup, 2, 2, version, threads));
            for part in says {
                assert!(sentence.contains(part), "{part:?} missing from: {sentence}");
            }
            let claims_both_cores = sentence.contains("cores at once");
            assert_eq!(claims_both_cores, matches!(threads, Parallel::AtOnce { .. }), "{sentence}");
        }
        let alone = with_lang(Lang::En, || explain(1.0, 1, 2, None, Parallel::Alone));
        assert!(alone.contains("one worker"), "{alone}");
    }

    /// The same evidence concludes in French, its numbers written the French way.
    #[test]
    fn a_french_run_concludes_in_french() {
        let v312 = Some(PythonVersion::V3_12);
        let at_once = || explain(1.85, 2, 2, None, Parallel::AtOnce { used: 1.84 });
        let sentence = with_lang(Lang::Fr, at_once);
        assert!(sentence.contains("1,85 fois plus rapides"), "{sentence}");
        assert!(sentence.contains("sur les 2 cœurs à la fois (ils ont occupé 1,84 cœurs)"));
        let turns = || explain(1.0, 2, 2, v312, Parallel::TookTurns { used: 1.0 });
        let sentence = with_lang(Lang::Fr, turns);
        assert!(sentence.contains("un seul fil d'exécution à la fois"), "{sentence}");
        assert!(sentence.contains("1,00 cœurs à eux tous"), "{sentence}");
    }
}
