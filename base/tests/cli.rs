//! base, run as a user runs it: every task completes, waits add up one after the other.

use common::testing::{BAD_COUNTS, BAD_INPUTS_FOR_EVERY_PROGRAM, assert_refused, run_json};

const BIN: &str = env!("CARGO_BIN_EXE_base");

#[test]
fn every_task_completes_in_both_modes() {
    let json = run_json(BIN, &["--tasks", "4", "--delay-ms", "20"]);
    assert_eq!(json["program"], "base");
    assert_eq!(json["tasks"], 4);
    assert_eq!(json["delay_ms"], 20);
    let runs = json["runs"].as_array().unwrap();
    let modes: Vec<&str> = runs.iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["sequential", "threads"]);
    for run in runs {
        assert_eq!(run["completed"], 4, "{run}");
        // A sleep lasts at least its delay: no task can complete sooner.
        assert!(run["p50_ms"].as_f64().unwrap() >= 20.0, "{run}");
    }
    // One after the other, the last task cannot finish before four waits have passed.
    assert!(runs[0]["max_ms"].as_f64().unwrap() >= 80.0, "{}", runs[0]);
    assert!(runs[0]["seconds"].as_f64().unwrap() >= 0.080, "{}", runs[0]);
}

#[test]
fn modes_can_be_chosen() {
    let json = run_json(
        BIN,
        &["--tasks", "2", "--delay-ms", "1", "--modes", "threads"],
    );
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["mode"], "threads");
}

#[test]
fn bad_input_is_refused_with_one_line() {
    for (args, names) in BAD_INPUTS_FOR_EVERY_PROGRAM {
        assert_refused(BIN, args, 2, names);
    }
    for flag in ["--tasks", "--delay-ms"] {
        for value in BAD_COUNTS {
            assert_refused(BIN, &[flag, value], 2, flag);
        }
    }
    assert_refused(BIN, &["--tasks", "10001"], 2, "10001");
    assert_refused(BIN, &["--delay-ms", "60001"], 2, "60001");
    assert_refused(BIN, &["--modes", "parallel"], 2, "parallel");
}
