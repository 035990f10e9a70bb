//! What the numbers of an `mp` run show (new: mp.py prints one fixed line), chosen from what the
//! run measured: each mode's speedup, and the cores its workers kept busy beside what the rest
//! of the machine did. Kept beside `main.rs` so that it reads like mp.py.

use common::cli;
use common::evidence::Parallel;
use common::gil;
use common::lang::num;
use common::report::Report;
use common::tr;

/// The build a run was made in, as far as the conclusion cares.
#[derive(Clone, Copy, PartialEq)]
struct Build {
    /// Under a simulated GIL (each process and interpreter has its own).
    gil: bool,
    /// At CPython's pace: every mode but rayon runs each iteration at the imitated CPython's speed.
    paced: bool,
}

/// One sentence a mode on what the numbers of this run show.
pub fn conclusion(report: &Report, workers: u64) -> String {
    let build = Build { gil: gil::under_gil(), paced: gil::paced() };
    explain(report, workers, cli::cores(), build)
}

fn explain(report: &Report, workers: u64, cores: u64, build: Build) -> String {
    if report.runs.first().is_none_or(|r| r.mode != "sequential") {
        return tr!("mp-no-sequential");
    }
    let ran = |mode: &str| report.runs.iter().any(|r| r.mode == mode);
    let speedup = |mode: &str| ran(mode).then(|| report.speedup(mode, "sequential"));
    let parallel = |mode: &str| Parallel::of(report.run(mode), workers, cores);
    let own_gil = if build.gil { tr!("mp-own-gil") } else { String::new() };
    let mut sentences = Vec::new();
    if let Some(x) = speedup("processes") {
        let how = parallel("processes");
        let used = how.used().map_or_else(String::new, |u| tr!("mp-kept", used = num(u, 2)));
        let (slower, x) = (x < 1.0, num(x, 2));
        let clause = how.crowded_clause(&tr!("who-processes"), cores);
        sentences.push(match how {
            Parallel::Crowded { .. } => tr!(
                "mp-processes-crowded",
                workers = workers,
                x = x,
                clause = clause.unwrap_or_default()
            ),
            Parallel::AtOnce { .. } if !slower => tr!(
                "mp-processes-at-once",
                workers = workers,
                x = x,
                own_gil = own_gil.as_str(),
                cores = cores,
                used = used
            ),
            _ if slower => tr!("mp-processes-slower", workers = workers, x = x, used = used),
            Parallel::Alone => {
                tr!("mp-processes-alone", x = x, workers = workers, cores = cores)
            }
            _ => tr!(
                "mp-processes-partly",
                workers = workers,
                x = x,
                used = how.used().map_or_else(|| tr!("some"), |u| num(u, 2)),
                own_gil = own_gil.as_str()
            ),
        });
    }
    if let Some(x) = speedup("interpreters") {
        let how = parallel("interpreters");
        let used = how.used().map_or_else(String::new, |u| tr!("mp-keeping", used = num(u, 2)));
        let x = num(x, 2);
        sentences.push(match how.crowded_clause(&tr!("who-interpreters"), cores) {
            Some(clause) => {
                tr!("mp-interpreters-crowded", workers = workers, x = x, clause = clause)
            }
            None if build.gil => tr!("mp-interpreters-gil", workers = workers, x = x, used = used),
            None => tr!("mp-interpreters", workers = workers, x = x, used = used),
        });
    }
    if let Some(x) = speedup("rayon") {
        let x = num(x, 2);
        sentences.push(if build.paced {
            tr!("mp-rayon-paced", x = x)
        } else {
            match parallel("rayon").crowded_clause(&tr!("who-rayon"), cores) {
                Some(clause) => tr!("mp-rayon-crowded", x = x, clause = clause),
                None => tr!("mp-rayon", x = x),
            }
        });
    }
    if sentences.is_empty() {
        sentences.push(tr!("mp-only-sequential"));
    }
    sentences.join(" ")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use common::report::Run;
    use common::usage::Measured;

    use super::*;

    /// A run of `mode` that took `seconds` and kept `used` cores busy while the rest of the
    /// machine kept `other` busy.
    fn run(mode: &'static str, seconds: f64, used: f64, other: f64) -> Run {
        let wall = Duration::from_secs_f64(seconds);
        let cpu = wall.mul_f64(used);
        let machine = Some(wall.mul_f64(used + other));
        Run::new(mode, Measured { wall, cpu, children: Duration::ZERO, machine })
    }

    fn report(runs: [Run; 2]) -> Report {
        let mut report = Report::new("mp");
        runs.into_iter().for_each(|r| report.push(r));
        report
    }

    #[test]
    fn each_conclusion_follows_its_evidence() {
        let native = Build { gil: false, paced: false };
        let gil = Build { gil: true, paced: true };
        let idle = report([run("sequential", 1.0, 1.0, 0.0), run("processes", 0.52, 1.9, 0.0)]);
        let said = explain(&idle, 2, 2, gil);
        assert!(
            said.contains("own GIL, so they ran on the 2 cores at once (they kept 1.90"),
            "{said}"
        );
        let busy = report([run("sequential", 1.0, 1.0, 0.9), run("processes", 1.02, 1.0, 0.9)]);
        let said = explain(&busy, 2, 2, native);
        assert!(
            said.contains("0.98x as fast") && said.contains("kept 0.9 of the 2 cores"),
            "{said}"
        );
        assert!(!said.contains("at once"), "a busy machine is named, not a cause: {said}");
        let short = report([run("sequential", 0.01, 1.0, 0.0), run("processes", 0.02, 0.5, 0.0)]);
        assert!(explain(&short, 2, 2, native).contains("starting them cost more"));
        let rayon = report([run("sequential", 1.0, 1.0, 0.0), run("rayon", 0.01, 1.9, 0.0)]);
        assert!(explain(&rayon, 2, 2, gil).contains("not a like-for-like figure"));
        assert!(explain(&rayon, 2, 2, native).contains("no GIL to escape"));
        let crowded = report([run("sequential", 1.0, 1.0, 1.0), run("rayon", 0.85, 1.2, 0.8)]);
        let said = explain(&crowded, 2, 2, native);
        assert!(said.contains("rayon's threads got 1.20"), "{said}");
        let turns = report([run("sequential", 1.0, 1.0, 0.0), run("interpreters", 1.0, 1.0, 0.0)]);
        assert!(explain(&turns, 2, 2, gil).contains("keeping 1.00 cores busy"));
    }
}
