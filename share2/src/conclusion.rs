//! What a share2 run reports (new: share2.py prints its one count): the three counts, each
//! checked exact, and what the lock costs beside the other two ways. Kept beside `main.rs` so
//! that it reads like share2.py.

use common::error::Failure;
use common::evidence::CROWDED;
use common::gil;
use common::lang::num;
use common::program::exact;
use common::report::{Report, Run};
use common::tr;
use common::usage::Measured;

// New (not in share2.py, which prints its one count): the three counts, each checked.
pub fn report(
    workers: u64,
    increments: u64,
    counts: [(&'static str, (u64, Measured)); 3],
) -> Result<Report, Failure> {
    let expected = workers * increments;
    let mut report = Report::new("share2")
        .speedup_over("mutex")
        .size("workers", workers)
        .size("increments", increments);
    for (mode, (got, seconds)) in counts {
        let got = exact(&format!("{mode} count"), got, expected)?; // never a lost update
        report.push(
            Run::new(mode, seconds)
                .with("expected", expected)
                .with("got", got)
                .with("lost", expected - got),
        );
    }
    report.conclude(conclusion(&report, gil::free_threaded()));
    Ok(report)
}

/// The three counts exact; what the lock costs beside the others, on a busy machine or not.
fn conclusion(report: &Report, free_threaded: bool) -> String {
    let free = if free_threaded { tr!("share2-free-threaded") } else { String::new() };
    let busy = report.runs.iter().filter_map(|run| run.other_cores()).any(|c| c >= CROWDED);
    tr!(
        "share2-exact",
        free = free,
        atomic = num(report.speedup("atomic", "mutex"), 1),
        sharded = num(report.speedup("sharded", "mutex"), 1),
        busy = if busy { tr!("share2-busy") } else { String::new() }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The speedups over the lock quoted, 3.13t's note only for 3.13t, in both languages.
    #[test]
    fn the_conclusion_quotes_the_speedups_over_the_lock() {
        use common::lang::{Lang, with_lang};
        let mut report = Report::new("share2").speedup_over("mutex");
        let ms = std::time::Duration::from_millis(1);
        for (mode, time) in [("mutex", 60 * ms), ("atomic", 12 * ms), ("sharded", 3 * ms)] {
            report.push(Run::new(mode, time));
        }
        let en = with_lang(Lang::En, || conclusion(&report, false));
        assert!(en.contains("An atomic is 5.0x and per-thread counts 20.0x"), "{en}");
        assert!(!en.contains("3.13t"), "{en}");
        let fr = with_lang(Lang::Fr, || conclusion(&report, true));
        assert!(
            fr.contains("5,0 fois") && fr.contains("20,0 fois") && fr.contains("3.13t"),
            "{fr}"
        );
    }
}
