//! `--beside-cpython` and `--trace`: the model's schedule beside a real CPython's, sampled by
//! py-spy, and both as a trace that opens in Perfetto. The CPython side needs CPython 3.12 under
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
    let Some(beside) = run_beside(BIN, &[&args[..], &[path.to_str().unwrap()]].concat()) else {
        return;
    };
    assert_eq!(beside["arguments"], serde_json::json!(["--n", "3000000", "--workers", "2"]));
    assert_eq!(beside["cpython"]["witness"], "py-spy");
    assert!(beside["cpython"]["samples"].as_u64().unwrap() > 100, "{beside}");
    for side in ["model", "cpython"] {
        assert_consistent_side(&beside[side]);
        // Both workers had turns: each held it for a tenth of the contended window at least
        // (half, with a 5x margin), and nobody else did (py-spy, reading a thread list that
        // changes under it, may see a short-lived stray).
        let held = beside[side]["held"].as_object().unwrap();
        let turns: Vec<&String> =
            held.iter().filter(|(_, v)| v.as_f64().unwrap() > 0.1).map(|(name, _)| name).collect();
        assert!(
            turns.len() == 2 && turns.iter().all(|n| n.starts_with("Thread-")),
            "{side}: {held:?}"
        );
    }
    let trace = assert_valid_trace(&std::fs::read_to_string(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
    let processes =
        trace["traceEvents"].as_array().unwrap().iter().filter(|e| e["name"] == "process_name");
    assert_eq!(processes.count(), 2);
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
