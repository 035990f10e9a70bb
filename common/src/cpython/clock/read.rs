//! Both sides' readings turned into one timeline, by the same code: the model's loops' and the
//! `.py`'s (`"clock_witness"` in its `--json`).

use serde_json::Value;

use super::{GAP_NS, STRIDE, Segment};
use crate::cpython::{Sampled, Witness};
use crate::timeline::{Mark, Timeline};

/// Which GIL the readings are read under: what a gap can mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rules {
    /// CPython 3.2 and later: a hold ends only when another thread takes the GIL, so a gap
    /// during which no other watched thread ran was the holder off its core, still holding.
    NewGil,
    /// CPython 2's lock, which changes hands faster than the gap: a gap is a gap.
    OldGil,
    /// No GIL: a gap is a time the thread did not run.
    FreeThreaded,
}

/// CPython's side: the `"clock_witness"` of the `.py`'s `--json`.
pub(crate) fn from_json(report: &Value, rules: Rules) -> Result<Sampled, String> {
    let witness = &report["clock_witness"];
    let (stride, gap) = (witness["stride"].as_u64(), witness["gap_ns"].as_u64());
    if (stride, gap) != (Some(STRIDE), Some(GAP_NS)) {
        return Err(format!(
            "its clock witness reads every {stride:?} iterations with gaps over {gap:?} ns, \
             not every {STRIDE} and over {GAP_NS}, as the model's"
        ));
    }
    let number = |value: &Value| value.as_u64().ok_or("a reading is not a whole number");
    let mut segments = Vec::new();
    for segment in witness["segments"].as_array().ok_or("no segments")? {
        let mut gaps_ns = Vec::new();
        for gap in segment["gaps_ns"].as_array().ok_or("no gaps")? {
            gaps_ns.push((number(&gap[0])?, number(&gap[1])?));
        }
        segments.push(Segment {
            thread: segment["thread"].as_str().unwrap_or("unnamed").to_string(),
            first_ns: number(&segment["first_ns"])?,
            last_ns: number(&segment["last_ns"])?,
            readings: number(&segment["readings"])?,
            gaps_ns,
        });
    }
    Ok(sampled(&segments, rules))
}

/// Under the new GIL, the gaps during which another watched thread ran: the others were the
/// holder off its core (a hold ends only when another thread takes the GIL, and runs).
fn hand_offs(segments: &[Segment]) -> Vec<Segment> {
    let mut runs: Vec<(u64, u64, &str)> = Vec::new();
    for segment in segments {
        let mut start = segment.first_ns;
        for &(from, to) in &segment.gaps_ns {
            runs.push((start, from, &segment.thread));
            start = to;
        }
        runs.push((start, segment.last_ns, &segment.thread));
    }
    runs.sort_unstable();
    let another_ran = |(from, to): (u64, u64), thread: &str| {
        let before = runs.partition_point(|r| r.0 < to);
        runs[..before].iter().any(|r| r.1 > from && r.2 != thread)
    };
    segments
        .iter()
        .map(|segment| Segment {
            gaps_ns: (segment.gaps_ns.iter().copied())
                .filter(|&gap| another_ran(gap, &segment.thread))
                .collect(),
            ..segment.clone()
        })
        .collect()
}

/// The timeline the segments draw: a thread holds (runs) from its first reading to its last but
/// for its gaps, during which it waits; one row a thread name, in the order they first ran.
pub(crate) fn sampled(segments: &[Segment], rules: Rules) -> Sampled {
    let merged;
    let segments = if rules == Rules::NewGil {
        merged = hand_offs(segments);
        &merged[..]
    } else {
        segments
    };
    let origin = segments.iter().map(|s| s.first_ns).min().unwrap_or(0);
    let end = segments.iter().map(|s| s.last_ns).max().unwrap_or(origin);
    let us = |ns: u64| (ns - origin) / 1000;
    let mut sorted: Vec<&Segment> = segments.iter().collect();
    sorted.sort_by_key(|s| s.first_ns);
    let mut names: Vec<String> = Vec::new();
    let mut events: Vec<(u64, usize, Mark)> = Vec::new();
    for segment in sorted {
        let row = names.iter().position(|n| *n == segment.thread).unwrap_or_else(|| {
            names.push(segment.thread.clone());
            names.len() - 1
        });
        events.push((us(segment.first_ns), row, Mark::Holding));
        for &(from, to) in &segment.gaps_ns {
            events.push((us(from), row, Mark::Waiting));
            events.push((us(to), row, Mark::Holding));
        }
        events.push((us(segment.last_ns), row, Mark::Released));
    }
    events.sort_by_key(|&(at, _, mark)| (at, mark != Mark::Released));
    let mut timeline = if rules == Rules::FreeThreaded {
        Timeline::of_running_threads()
    } else {
        Timeline::new(true)
    };
    for (at, row, mark) in events {
        timeline.push(row, at, mark);
    }
    Sampled {
        names,
        timeline,
        samples: segments.iter().map(|s| s.readings).sum(),
        seconds: (end - origin) as f64 / 1e9,
        without_holder: 0,
        witness: Witness::Clock,
        witness_cores: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Schedule;

    fn segment(thread: &str, first: u64, last: u64, gaps: &[(u64, u64)]) -> Segment {
        let readings = (last - first) / 3_000;
        Segment {
            thread: thread.into(),
            first_ns: first,
            last_ns: last,
            readings,
            gaps_ns: gaps.to_vec(),
        }
    }

    fn schedule(sampled: &Sampled) -> Schedule {
        let window = sampled.timeline.contended(sampled.names.len());
        sampled.timeline.schedule(&sampled.names, window)
    }

    #[test]
    fn two_threads_taking_turns_read_as_holds_of_the_gaps_length() {
        const MS: u64 = 1_000_000;
        // Thread-1 runs 0–5, 10–15, 20–25 ms; Thread-2 5–10, 15–20, 25–30.
        let one = segment("Thread-1", 0, 25 * MS, &[(5 * MS, 10 * MS), (15 * MS, 20 * MS)]);
        let two = segment(
            "Thread-2",
            MS / 100,
            30 * MS,
            &[(MS / 100, 5 * MS), (10 * MS, 15 * MS), (20 * MS, 25 * MS)],
        );
        let sampled = sampled(&[one, two], Rules::NewGil);
        assert_eq!(sampled.names, ["Thread-1", "Thread-2"]);
        assert_eq!(sampled.witness, Witness::Clock);
        let s = schedule(&sampled);
        assert_eq!(s.holds_us, [5_000, 5_000, 5_000, 5_000], "the holds inside the window");
        assert!(s.overlap < 0.01, "no two at once: {}", s.overlap);
    }

    /// Under the new GIL a gap while no other thread ran is the holder off its core: its hold
    /// goes on. Under the old GIL, or with none, the gap stays.
    #[test]
    fn a_holder_off_its_core_still_holds_under_the_new_gil() {
        const MS: u64 = 1_000_000;
        // Thread-1 runs 0–10 ms with a lone gap at 2–3 ms; Thread-2 waits, then runs 10–20.
        let one = segment("Thread-1", 0, 10 * MS, &[(2 * MS, 3 * MS)]);
        let two = segment("Thread-2", MS / 10, 20 * MS, &[(MS / 10, 10 * MS)]);
        let holds = |rules| {
            let sampled = sampled(&[one.clone(), two.clone()], rules);
            let window = (0, 20_000);
            sampled.timeline.schedule(&sampled.names, window).holds_us
        };
        assert_eq!(holds(Rules::NewGil), [10_000, 10_000], "one hold 0–10 ms");
        assert_eq!(holds(Rules::OldGil), [2_000, 7_000, 10_000]);
    }

    #[test]
    fn the_py_witness_is_read_and_a_different_stride_refused() {
        let report = serde_json::json!({"clock_witness": {"stride": 64, "gap_ns": 100000, "segments": [
            {"thread": "MainThread", "first_ns": 1_000_000, "last_ns": 9_000_000, "readings": 900,
             "gaps_ns": [[2_000_000, 3_000_000]]}]}});
        let sampled = from_json(&report, Rules::NewGil).unwrap();
        assert_eq!(sampled.names, ["MainThread"]);
        assert_eq!(sampled.samples, 900);
        let mut other = report.clone();
        other["clock_witness"]["stride"] = 100.into();
        assert!(from_json(&other, Rules::NewGil).unwrap_err().contains("every Some(100)"));
    }
}
