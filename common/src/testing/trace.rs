//! What a trace (`--trace FILE.json`) and a comparison with CPython (`--beside-cpython`) must
//! satisfy, whatever the run: for the example crates' tests.

use std::collections::HashMap;

use serde_json::Value;

/// The kinds of event the trace writes: metadata, slices, instants, flows, counters.
const KNOWN_PHASES: [&str; 6] = ["M", "X", "i", "s", "f", "C"];

/// Checks a trace and returns it: a `traceEvents` list of known phases; within each thread,
/// slices that never go back in time nor overlap; within each process, never two threads
/// holding its GIL at once; every flow that starts also ends. Returns the document.
pub fn assert_valid_trace(text: &str) -> Value {
    let trace: Value = serde_json::from_str(text).expect("the trace is JSON");
    let events = trace["traceEvents"].as_array().expect("a traceEvents list");
    let mut slices: HashMap<(u64, u64), Vec<(u64, u64)>> = HashMap::new();
    let mut holds: HashMap<u64, Vec<(u64, u64)>> = HashMap::new();
    let mut flows: HashMap<String, i32> = HashMap::new();
    for event in events {
        let phase = event["ph"].as_str().expect("every event has a ph");
        assert!(KNOWN_PHASES.contains(&phase), "unknown ph {phase}: {event}");
        let pid = event["pid"].as_u64().expect("every event has a pid");
        match phase {
            "X" => {
                let (ts, dur) = (event["ts"].as_u64().unwrap(), event["dur"].as_u64().unwrap());
                let tid = event["tid"].as_u64().unwrap();
                slices.entry((pid, tid)).or_default().push((ts, ts + dur));
                if event["name"] == "holds the GIL" {
                    holds.entry(pid).or_default().push((ts, ts + dur));
                }
            }
            "s" | "f" => {
                let id = event["id"].as_str().expect("a flow has an id").to_string();
                *flows.entry(id).or_default() += if phase == "s" { 1 } else { -1 };
            }
            _ => {}
        }
    }
    for ((pid, tid), row) in &slices {
        for pair in row.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "pid {pid} tid {tid}: slices go back: {pair:?}");
        }
    }
    for (pid, mut row) in holds {
        row.sort_unstable();
        for pair in row.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "pid {pid}: two holders of one GIL at once: {pair:?}");
        }
    }
    assert!(flows.values().all(|&open| open == 0), "a flow without its end: {flows:?}");
    trace
}

/// Runs `bin` with `args` (which ask for `--beside-cpython --json`) and returns its
/// `"beside_cpython"` object; or, where it cannot compare, says why and returns `None`, for the
/// test to skip: no such CPython on this machine (exit 2), or py-spy not allowed to read it
/// (ptrace). Any other run must succeed.
pub fn run_beside(bin: &str, args: &[&str]) -> Option<Value> {
    let outcome = super::run(bin, args);
    let refused = outcome.code == Some(2) && outcome.stderr.contains("no CPython");
    let denied = outcome.code == Some(1) && outcome.stderr.contains("ptrace");
    if refused || denied {
        super::skip(&format!("{bin} {}", args.join(" ")), outcome.stderr.trim());
        return None;
    }
    assert_eq!(outcome.code, Some(0), "{outcome:?}");
    let json: Value = serde_json::from_str(&outcome.stdout).expect("one JSON object");
    Some(json["beside_cpython"].clone())
}

/// The figures of one side of `"beside_cpython"` that hold for any run: shares between 0 and 1,
/// each thread's held share adding up with nobody's to the whole (one holder at a time).
pub fn assert_consistent_side(side: &Value) {
    let held: f64 = side["held"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    let nobody = side["nobody_held"].as_f64().unwrap();
    assert_eq!(side["two_at_once"].as_f64(), Some(0.0), "{side}");
    assert!((held + nobody - 1.0).abs() < 1e-6, "held {held} + nobody {nobody} != 1: {side}");
}
