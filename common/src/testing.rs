//! Helpers for the example crates' integration tests: run a program, check how it fails.
//! (Plain `std::process` so that `common` needs no test-only dependency.)

use std::process::Command;

use serde_json::Value;

/// What a finished program left behind.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the program at `bin` with `args` and waits for it.
pub fn run(bin: &str, args: &[&str]) -> Outcome {
    let output = Command::new(bin)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("could not run {bin}: {e}"));
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the program with `--json` added and parses the one JSON object it must print.
pub fn run_json(bin: &str, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let outcome = run(bin, &args);
    assert_eq!(
        outcome.code,
        Some(0),
        "{bin} {args:?} failed: {}",
        outcome.stderr
    );
    assert_eq!(
        outcome.stdout.lines().count(),
        1,
        "not one line: {}",
        outcome.stdout
    );
    serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", outcome.stdout))
}

/// Asserts that bad input was refused as it should be: exit code `code` (2 for usage, 1 for
/// run time), exactly one line on stderr that contains `names` (the bad value or flag), no
/// panic or backtrace, and nothing on stdout even with `--json`.
pub fn assert_refused(bin: &str, args: &[&str], code: i32, names: &str) {
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let outcome = run(bin, &with_json);
    let context = format!("{bin} {with_json:?} -> {outcome:?}");
    assert_eq!(outcome.code, Some(code), "{context}");
    assert_eq!(
        outcome.stderr.lines().count(),
        1,
        "not one line on stderr: {context}"
    );
    assert!(outcome.stderr.starts_with("error: "), "{context}");
    assert!(
        outcome.stderr.contains(names),
        "does not name {names:?}: {context}"
    );
    for word in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!outcome.stderr.contains(word), "{context}");
    }
    assert!(outcome.stdout.is_empty(), "{context}");
}

/// Bad input that every program must refuse with exit code 2: `(arguments, what the one line
/// of stderr must name)`. Each program adds its own sizes' bad values.
pub const BAD_INPUTS_FOR_EVERY_PROGRAM: &[(&[&str], &str)] = &[
    (&["--bogus"], "--bogus"),
    (&["-x"], "-x"),
    (&["extra-argument"], "extra-argument"),
    (&["--switch-interval", "0"], "0"),
    (&["--switch-interval", "-5"], "-5"),
    (&["--switch-interval", "abc"], "abc"),
    (&["--switch-interval", "NaN"], "NaN"),
    (&["--switch-interval", "1e9"], "1e9"),
    (&["--python", "4.0"], "4.0"),
    (&["--python", "3.10"], "3.10"),
    (&["--python", ""], "--python"),
    (&["--timeline-svg"], "--timeline-svg"),
    (&["--switch-interval"], "--switch-interval"),
    (&["--python"], "--python"),
    (&["--python", "3"], "3"),
    (&["--switch-interval", "0.0"], "0.0"),
    (&["--switch-interval", "1e-400"], "1e-400"),
    (&["--timeline=yes"], "--timeline"),
    (&["--json"], "--json"),
];

/// Bad values for a count flag such as `--workers`: `(value, named)`.
pub const BAD_COUNTS: &[&str] = &[
    "0",
    "-1",
    "abc",
    "1.5",
    "",
    "1000000000000000000000000000000",
];

/// Runs every bad input a program must refuse with exit code 2: the table for every program,
/// then each of `BAD_COUNTS` for each of the program's `count_flags`.
pub fn assert_refuses_bad_input(bin: &str, count_flags: &[&str]) {
    for (args, names) in BAD_INPUTS_FOR_EVERY_PROGRAM {
        assert_refused(bin, args, 2, names);
    }
    for flag in count_flags {
        for value in BAD_COUNTS {
            assert_refused(bin, &[flag, value], 2, flag);
        }
    }
}

/// The modes of a `--json` output's runs, in order: `["sequential", "threads"]`.
pub fn modes(json: &Value) -> Vec<&str> {
    json["runs"]
        .as_array()
        .map(|runs| runs.iter().filter_map(|r| r["mode"].as_str()).collect())
        .unwrap_or_default()
}
