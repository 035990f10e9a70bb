//! `--beside-cpython` and `--trace`: the model's schedule beside a real CPython's, read by both
//! sides' own clocks or sampled by py-spy, and both as a trace that opens in Perfetto. The CPython side needs CPython 3.12 under
//! pyenv and ptrace; where either is missing the test says why and skips.
#![cfg(feature = "gil")]

use common::testing::{
    assert_consistent_side, assert_refused, assert_valid_trace, run, run_beside,
};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cpu_example");

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("cpu_example_{}_{name}", std::process::id()))
}

#[test]
fn the_trace_holds_one_holder_at_a_time_and_every_drop_request_points_to_a_hand_off() {
    let path = temp("model.json");
    let args = ["--n", "3000000", "--workers", "2", "--switch-interval", "1", "--json", "--trace"];
    let outcome = run(BIN, &[&args[..], &[path.to_str().unwrap()]].concat());
    assert_eq!(outcome.code, Some(0), "{outcome:?}");
    let trace = assert_valid_trace(&std::fs::read_to_string(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
    let count = |ph: &str| {
        trace["traceEvents"].as_array().unwrap().iter().filter(|e| e["ph"] == ph).count()
    };
    // As many drop requests as the GIL's own count, each with its arrow.
    let json: Value = serde_json::from_str(&outcome.stdout).unwrap();
    let drop_requests = json["gil_stats"]["drop_requests"].as_u64().unwrap() as usize;
    assert!(drop_requests > 0, "{json}");
    assert_eq!(count("i"), drop_requests);
    assert!(count("f") > 0 && count("f") <= drop_requests);
    assert_eq!(count("C") as u64, json["gil_stats"]["switches"].as_u64().unwrap());
}

#[test]
fn the_model_and_cpython_run_the_same_sizes_side_by_side() {
    let path = temp("beside.json");
    let args = ["--n", "3000000", "--workers", "2", "--json", "--beside-cpython", "--trace"];
    let args = [&args[..], &[path.to_str().unwrap(), "--witness", "sampler"]].concat();
    let Some(beside) = run_beside(BIN, &args) else {
        return;
    };
    assert_eq!(beside["arguments"], serde_json::json!(["--n", "3000000", "--workers", "2"]));
    assert_eq!(beside["cpython"]["witness"], "py-spy");
    assert!(beside["cpython"]["samples"].as_u64().unwrap() > 100, "{beside}");
    // What the sampler cost is measured and said: some CPU, never more than the machine has.
    let cores = std::thread::available_parallelism().unwrap().get() as f64;
    let cost = beside["cpython"]["witness_cores"].as_f64().unwrap();
    assert!(cost > 0.0 && cost <= cores + 0.5, "{beside}");
    assert!(beside["model"]["witness_cores"].is_null(), "the model's exact events cost no sampler");
    for side in ["model", "cpython"] {
        assert_consistent_side(&beside[side]);
        // Both workers had turns: each held it for a tenth of the contended window at least
        // (half, with a 5x margin), and nobody else did (py-spy, reading a thread list that
        // changes under it, may see a short-lived stray).
        let held = beside[side]["held"].as_object().unwrap();
        let turns: Vec<&String> =
            held.iter().filter(|(_, v)| v.as_f64().unwrap() > 0.1).map(|(name, _)| name).collect();
        // The main thread only waits for them (py-spy may not have named a worker yet: it is
        // then "unnamed thread N", never a name that passes for another's).
        assert!(
            turns.len() == 2 && turns.iter().all(|n| *n != "MainThread" && *n != "main"),
            "{side}: {held:?}"
        );
    }
    let trace = assert_valid_trace(&std::fs::read_to_string(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
    let processes =
        trace["traceEvents"].as_array().unwrap().iter().filter(|e| e["name"] == "process_name");
    assert_eq!(processes.count(), 2);
}

/// The clock witness reads both sides alike: each watched loop reads its clock once at its start
/// and once every 64 iterations (`1 + ceil(n / 64)` readings), in the model as in the `.py`, and
/// four loops ran on each side (two sequential, two threads). Both threads had turns, one at a
/// time, and the model's exact events are kept beside its clocks'.
#[test]
fn both_sides_read_their_own_clocks_alike() {
    let n: u64 = 1_000_000;
    let args = ["--n", &n.to_string(), "--workers", "2", "--json", "--beside-cpython"];
    let Some(beside) = run_beside(BIN, &args) else {
        return;
    };
    let readings = 4 * (1 + n.div_ceil(64));
    for side in ["model", "cpython"] {
        assert_eq!(beside[side]["witness"], "clock", "{beside}");
        assert_eq!(beside[side]["samples"].as_u64(), Some(readings), "{side}: {beside}");
        assert!(beside[side]["witness_cores"].is_null(), "no sampler on either side");
        assert_consistent_side(&beside[side]);
        let held = beside[side]["held"].as_object().unwrap();
        let turns = held.values().filter(|v| v.as_f64().unwrap() > 0.1).count();
        assert_eq!(turns, 2, "{side}: {held:?}");
    }
    // The model's clocks see the hand-offs its exact events record (within 2x).
    let events = &beside["model_events"];
    assert_consistent_side(events);
    assert_eq!(events["witness"], "events");
    let switches = |side: &Value| side["switches"].as_f64().unwrap();
    let (seen, exact) = (switches(&beside["model"]), switches(events));
    assert!(seen >= exact / 2.0 && seen <= exact * 2.0, "clocks {seen}, events {exact}");
}

/// `--witness` chooses how both sides are observed, and only with `--beside-cpython`; a `.py`
/// that reads no clock is refused before any work.
#[test]
fn the_witness_is_chosen_with_beside_cpython_only() {
    assert_refused(BIN, &["--witness", "clock"], 2, "--beside-cpython");
    assert_refused(BIN, &["--witness", "sundial", "--beside-cpython"], 2, "sundial");
}

#[test]
fn a_py_that_fails_ends_the_run_with_its_last_line() {
    let python = temp("python");
    let script = "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho 'ValueError: boom' >&2\nexit 1\n";
    std::fs::write(&python, script).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&python).status().unwrap();
    let flag = format!("--beside-cpython={}", python.display());
    let outcome = run(BIN, &["--n", "1000", "--workers", "2", &flag]);
    std::fs::remove_file(&python).unwrap();
    assert_eq!(outcome.code, Some(1), "{outcome:?}");
    assert_eq!(outcome.stderr.lines().count(), 1, "{outcome:?}");
    assert!(outcome.stderr.contains("cpu_example.py failed: ValueError: boom"), "{outcome:?}");
}

#[test]
fn a_cpython_that_is_not_there_is_refused_before_the_run() {
    assert_refused(BIN, &["--beside-cpython=/no/such/python"], 2, "/no/such/python");
}

#[test]
fn free_threading_has_no_gil_to_trace_without_a_cpython_beside() {
    assert_refused(BIN, &["--python", "3.13t", "--trace", "/tmp/x.json"], 2, "--beside-cpython");
}

/// What cannot apply, or cannot finish within the hour, is refused before any work, exit 2, one
/// line: CPython's part of the run counts in the hour; a switch interval the `.py` refuses; a
/// file that is no executable; the same file for the timeline and the trace.
#[test]
fn what_cannot_apply_beside_cpython_is_refused_before_any_work() {
    let huge = ["--pace", "native", "--n", "10000000000", "--workers", "4", "--beside-cpython"];
    assert_refused(BIN, &huge, 2, "hours");
    assert_refused(BIN, &["--switch-interval", "1001", "--beside-cpython"], 2, "1000 ms");
    assert_refused(BIN, &["--beside-cpython=/etc/passwd"], 2, "/etc/passwd");
    let path = temp("same.json");
    let path = path.to_str().unwrap();
    assert_refused(BIN, &["--trace", path, "--timeline-svg", path], 2, "same file");
}

/// A CPython run too short to sample is a failure, not a comparison: `/bin/true` "runs" the
/// `.py` and exits at once.
#[test]
fn a_run_never_sampled_is_a_failure() {
    if !std::path::Path::new("/bin/true").exists() {
        common::testing::skip("a_run_never_sampled_is_a_failure", "no /bin/true");
        return;
    }
    assert_refused(BIN, &["--n", "100000", "--beside-cpython=/bin/true"], 1, "too few");
}

/// A trace that cannot be written leaves stdout empty and the exit 1, even with `--json`: the
/// files are written before the report is printed.
#[test]
fn a_trace_that_cannot_be_written_prints_no_report() {
    let missing = temp("no-such-dir").join("t.json");
    let outcome = run(BIN, &["--n", "100000", "--json", "--trace", missing.to_str().unwrap()]);
    assert_eq!(outcome.code, Some(1), "{outcome:?}");
    assert!(outcome.stdout.is_empty(), "{outcome:?}");
}

/// Under `ulimit -u`, a thread that cannot start, the model's or the one that reads CPython's
/// stderr, is a named error in one line, never a panic.
#[test]
fn a_thread_refused_beside_cpython_is_a_named_error() {
    use common::testing::{
        assert_succeeded_or_failed_in_one_line, run_with_thread_limit, thread_limit_unavailable,
    };
    if let Some(why) = thread_limit_unavailable(BIN) {
        common::testing::skip("a_thread_refused_beside_cpython_is_a_named_error", &why);
        return;
    }
    let Some(python) = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        common::testing::skip("a_thread_refused_beside_cpython_is_a_named_error", "no python3");
        return;
    };
    let beside = format!("--beside-cpython={python}");
    for limit in 1..=4 {
        let args = ["--n", "100000", "--workers", "1", &beside];
        let outcome = run_with_thread_limit(BIN, limit, &args);
        assert_succeeded_or_failed_in_one_line(&outcome);
    }
}
