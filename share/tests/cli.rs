//! share, run as a user runs it: lost updates natively and on the 3.9 model, none on 3.12's.

use common::testing::{assert_refused, assert_refuses_bad_input, run_json};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_share");

/// The run's count and its lost updates, checked against the sizes it was given: the program
/// must expect `workers x increments` and account for every update it did not get.
fn counts(json: &Value) -> (u64, u64, u64) {
    let run = &json["runs"][0];
    assert_eq!(run["mode"], "threads");
    let expected = json["workers"].as_u64().unwrap() * json["increments"].as_u64().unwrap();
    assert_eq!(run["expected"], expected, "{json}");
    let (got, lost) = (run["got"].as_u64().unwrap(), run["lost"].as_u64().unwrap());
    assert_eq!(got + lost, expected, "{json}");
    (expected, got, lost)
}

#[test]
fn json_echoes_the_sizes() {
    let json = run_json(BIN, &["--workers", "3", "--increments", "1000"]);
    assert_eq!(json["program"], "share");
    assert_eq!(json["workers"], 3);
    assert_eq!(json["increments"], 1000);
    assert_eq!(counts(&json).0, 3000);
}

#[cfg(not(feature = "gil"))]
#[test]
fn native_threads_lose_updates() {
    // Four threads on every core, five million read-then-write steps each: they collide.
    let json = run_json(BIN, &["--workers", "4", "--increments", "5000000"]);
    let (expected, got, lost) = counts(&json);
    assert_eq!(expected, 20_000_000);
    assert!(lost > 0, "no update lost: got {got}");
}

#[cfg(feature = "gil")]
#[test]
fn the_gil_of_python_3_12_loses_no_update() {
    let json =
        run_json(BIN, &["--workers", "4", "--increments", "2000000", "--switch-interval", "0.5"]);
    let (_, _, lost) = counts(&json);
    assert_eq!(lost, 0);
    assert!(
        json["gil_stats"]["switches"].as_u64().unwrap() > 0,
        "the GIL never changed hands: {json}"
    );
}

#[cfg(feature = "gil")]
#[test]
fn the_gil_of_python_3_9_loses_updates() {
    let json = run_json(
        BIN,
        &[
            "--workers",
            "4",
            "--increments",
            "2000000",
            "--switch-interval",
            "0.5",
            "--python",
            "3.9",
        ],
    );
    let (_, got, lost) = counts(&json);
    assert!(lost > 0, "no update lost: got {got}; {json}");
}

#[cfg(feature = "gil")]
#[test]
fn free_threaded_python_has_no_gil_to_hide_the_race() {
    let json = run_json(BIN, &["--workers", "4", "--increments", "2000000", "--python", "3.13t"]);
    let (_, got, lost) = counts(&json);
    // No GIL: on two cores the threads' reads and writes interleave (21 % of each paced
    // iteration lies between them), and updates are lost again, as natively.
    if std::thread::available_parallelism().unwrap().get() >= 2 {
        assert!(lost > 0, "no update lost: got {got}; {json}");
    }
    let stats = &json["gil_stats"];
    assert_eq!(stats["python"], "3.13t");
    assert_eq!(stats["gil_enabled"], false);
    assert_eq!(stats["switches"], 0, "no GIL, so no switch: {json}");
}

#[test]
fn bad_input_is_refused_with_one_line() {
    assert_refuses_bad_input(BIN, &["--workers", "--increments"]);
    assert_refused(BIN, &["--workers", "100000"], 2, "100000");
    assert_refused(BIN, &["--increments", "1000000000000"], 2, "1000000000000");
}

#[test]
fn output_that_cannot_be_written_fails_well() {
    common::testing::assert_output_failures(BIN, &["--increments", "1000"]);
}

#[test]
fn help_wraps_to_the_terminal() {
    common::testing::assert_help_wraps(BIN, &[]);
}

/// A CPython of `--python`'s version, or one that hands the GIL over by the same rules, or none:
/// with no pyenv, `python3` 3.10 or later does not stand in for the 3.9 model.
#[cfg(feature = "gil")]
#[test]
fn no_cpython_3_9_is_refused_not_replaced() {
    let version = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.version_info[1])"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<u32>().ok());
    if version.is_some_and(|minor| minor <= 9) {
        let why = format!("python3 is 3.{}", version.unwrap_or(0));
        common::testing::skip("no_cpython_3_9_is_refused_not_replaced", &why);
        return;
    }
    let output = std::process::Command::new(BIN)
        .args(["--python", "3.9", "--increments", "1000", "--beside-cpython"])
        .env("PYENV_ROOT", "/nowhere")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no CPython 3.9"), "{stderr}");
    assert!(output.stdout.is_empty());
}

/// Only a `.py` whose threads read their clocks can be observed by them: share's is sampled.
#[cfg(feature = "gil")]
#[test]
fn a_clock_witness_share_py_has_not_is_refused() {
    assert_refused(BIN, &["--beside-cpython", "--witness", "clock"], 2, "reads no clock");
}

/// In French (`--lang fr`, or a French locale) the conclusion is French, its JSON unchanged.
#[test]
fn a_french_run_concludes_in_french() {
    common::testing::assert_speaks_french(BIN, &["--increments", "10000"], "mise");
}
