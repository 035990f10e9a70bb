//! The timeline as a trace that opens in Perfetto (ui.perfetto.dev) or chrome://tracing
//! (`--trace FILE.json`): the Chrome Trace Event Format that viztracer and py-spy also write.
//!
//! One process per run (the model, and the sampled CPython with `--beside-cpython`), one track
//! per thread with its slices "holds the GIL", "waits for the GIL" and "released (I/O, sleep,
//! join, done)"; an instant at each drop request and a flow arrow from it to the hand-off it caused;
//! a counter of the switches so far.

use serde_json::{Value, json};

use super::{Mark, Timeline};

/// The most events one file holds: the old GIL changes hands every few microseconds, and a
/// trace of millions of slices opens slowly. Past it the trace stops, and says so.
pub const MAX_TRACE_EVENTS: usize = 1_000_000;

/// One run to put in the trace.
pub struct Process<'a> {
    pub name: String,
    pub threads: &'a [String],
    pub timeline: &'a Timeline,
}

/// The trace of `processes`, as one JSON document, and whether it was cut at
/// [`MAX_TRACE_EVENTS`].
pub fn write_trace(processes: &[Process<'_>]) -> (String, bool) {
    let mut events = Events { text: String::from("{\"traceEvents\":["), count: 0 };
    let mut cut = false;
    for (index, process) in processes.iter().enumerate() {
        let pid = index + 1;
        // Each process its share of the cap: CPython 2.7's model alone would fill it.
        let limit = MAX_TRACE_EVENTS * pid / processes.len();
        cut |= !push_process(&mut events, pid, process, limit);
    }
    let other = json!({
        "written_by": "common::timeline::trace (Threading vs Multiprocessing, in Rust)",
        "cut_at_max_events": cut,
    });
    let mut text = events.text;
    text.push_str(&format!("],\"displayTimeUnit\":\"ms\",\"otherData\":{other}}}"));
    (text, cut)
}

/// The events written so far, as JSON text: a million `Value`s would take a gigabyte.
struct Events {
    text: String,
    count: usize,
}

impl Events {
    fn push(&mut self, event: Value) {
        if self.count > 0 {
            self.text.push(',');
        }
        self.text.push_str(&event.to_string());
        self.count += 1;
    }

    fn len(&self) -> usize {
        self.count
    }
}

/// Adds one process's events, until `limit` events are written in all; false if it had to stop
/// there.
fn push_process(events: &mut Events, pid: usize, process: &Process<'_>, limit: usize) -> bool {
    events.push(json!({"ph": "M", "name": "process_name", "pid": pid, "tid": 0,
                       "args": {"name": process.name}}));
    let rows = process.timeline.spans(process.threads.len());
    let words = process.timeline.words();
    for (thread, (name, row)) in process.threads.iter().zip(&rows).enumerate() {
        events.push(json!({"ph": "M", "name": "thread_name", "pid": pid, "tid": thread + 1,
                           "args": {"name": name}}));
        for span in row {
            if events.len() >= limit {
                return false;
            }
            events.push(json!({
                "ph": "X", "cat": "gil", "name": words[span.mark as usize], "pid": pid,
                "tid": thread + 1, "ts": span.from_us, "dur": span.to_us - span.from_us,
            }));
        }
    }
    // Every hold, in time order: the hand-offs, and what each drop request caused.
    let mut holds: Vec<(u64, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(t, row)| {
            row.iter().filter(|s| s.mark == Mark::Holding).map(move |s| (s.from_us, t))
        })
        .collect();
    holds.sort_unstable();
    let mut switches = 0u64;
    let mut last: Option<usize> = None;
    for &(at, thread) in &holds {
        if last.is_some_and(|l| l != thread) {
            switches += 1;
            if events.len() >= limit {
                return false;
            }
            events.push(json!({"ph": "C", "name": "GIL switches", "pid": pid, "ts": at,
                               "args": {"switches": switches}}));
        }
        last = Some(thread);
    }
    for (id, &(asker, at)) in process.timeline.drop_requests().iter().enumerate() {
        if events.len() + 3 > limit {
            return false;
        }
        let tid = asker + 1;
        events.push(json!({"ph": "i", "s": "t", "cat": "gil", "name": "drop request",
                           "pid": pid, "tid": tid, "ts": at}));
        if let Some((handed, to)) = hand_off_after(&holds, at) {
            let flow = format!("{pid}-{id}");
            events.push(json!({"ph": "s", "cat": "gil", "name": "drop request → hand-off",
                               "id": flow, "pid": pid, "tid": tid, "ts": at}));
            events.push(json!({"ph": "f", "bp": "e", "cat": "gil",
                               "name": "drop request → hand-off", "id": flow, "pid": pid,
                               "tid": to + 1, "ts": handed}));
        }
    }
    true
}

/// The first hold, at or after `at`, by another thread than the one holding at `at`.
fn hand_off_after(holds: &[(u64, usize)], at: u64) -> Option<(u64, usize)> {
    let next = holds.partition_point(|&(start, _)| start < at);
    let holder = next.checked_sub(1).map(|i| holds[i].1);
    holds[next..].iter().copied().find(|&(_, thread)| Some(thread) != holder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_request_points_to_the_hand_off_it_caused() {
        let mut t = Timeline::new(true);
        t.push(0, 0, Mark::Holding);
        t.push(1, 10, Mark::Waiting);
        t.push_drop_request(1, 5_010);
        t.push(0, 5_100, Mark::Waiting);
        t.push(1, 5_120, Mark::Holding);
        t.push(1, 9_000, Mark::Released);
        t.push(0, 9_000, Mark::Holding);
        t.push(0, 9_500, Mark::Released);
        let names = vec!["a".to_string(), "b".to_string()];
        let (text, cut) =
            write_trace(&[Process { name: "model".into(), threads: &names, timeline: &t }]);
        assert!(!cut);
        let trace: Value = serde_json::from_str(&text).unwrap();
        let events = trace["traceEvents"].as_array().unwrap();
        let finish = events.iter().find(|e| e["ph"] == "f").unwrap();
        assert_eq!((finish["ts"].as_u64(), finish["tid"].as_u64()), (Some(5_120), Some(2)));
        let counters: Vec<u64> = events
            .iter()
            .filter(|e| e["ph"] == "C")
            .map(|e| e["args"]["switches"].as_u64().unwrap())
            .collect();
        assert_eq!(counters, vec![1, 2]);
    }

    /// Over the cap, each process keeps its share: a model of a million hand-offs (CPython 2.7's)
    /// leaves CPython's process its half, not two events.
    #[test]
    fn over_the_cap_each_process_keeps_its_share() {
        let mut busy = Timeline::new(true);
        for i in 0..(MAX_TRACE_EVENTS as u64) {
            busy.push((i % 2) as usize, i * 10, Mark::Holding);
        }
        let mut small = Timeline::new(true);
        small.push(0, 0, Mark::Holding);
        small.push(0, 100, Mark::Released);
        let names = vec!["a".to_string(), "b".to_string()];
        let processes = [
            Process { name: "model".into(), threads: &names, timeline: &busy },
            Process { name: "cpython".into(), threads: &names, timeline: &small },
        ];
        let (text, cut) = write_trace(&processes);
        assert!(cut);
        let trace: Value = serde_json::from_str(&text).unwrap();
        let events = trace["traceEvents"].as_array().unwrap();
        let of = |pid: u64| events.iter().filter(|e| e["pid"] == pid && e["ph"] == "X").count();
        assert!(of(1) <= MAX_TRACE_EVENTS / 2, "the model took {}", of(1));
        assert!(of(2) >= 1, "CPython's process lost its spans");
    }
}
