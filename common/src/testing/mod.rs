//! Helpers for the example crates' integration tests: run a program, check how it fails.
//! (Plain `std::process` so that `common` needs no test-only dependency.)

use std::fs::File;
use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::Value;

mod lang;
mod nproc;
mod signals;
mod trace;
pub use lang::assert_speaks_french;
pub use nproc::{assert_thread_limits_fail_well, run_with_thread_limit, thread_limit_unavailable};
pub use signals::{
    Target, assert_interrupted, interrupt_group, processes_in_group, signal_when_ready,
};
pub use trace::{assert_consistent_side, assert_valid_trace, run_beside};

pub use crate::skips::skip;

/// What a finished program left behind.
#[derive(Debug)]
pub struct Exited {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the program at `bin` with `args` and waits for it.
pub fn run(bin: &str, args: &[&str]) -> Exited {
    run_with_env(bin, args, &[])
}

/// The same, with `env` added to the environment.
fn run_with_env(bin: &str, args: &[&str], env: &[(&str, &str)]) -> Exited {
    let output = Command::new(bin)
        .args(args)
        .envs(env.iter().copied())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("could not run {bin}: {e}"));
    Exited {
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
    assert_eq!(outcome.code, Some(0), "{bin} {args:?} failed: {}", outcome.stderr);
    assert_eq!(outcome.stdout.lines().count(), 1, "not one line: {}", outcome.stdout);
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
    assert_eq!(outcome.stderr.lines().count(), 1, "not one line on stderr: {context}");
    assert!(outcome.stderr.starts_with("error: "), "{context}");
    assert!(outcome.stderr.contains(names), "does not name {names:?}: {context}");
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
    (&["--switch-interval", "5e-324"], "5e-324"),
    (&["--switch-interval", "0.0009"], "0.0009"),
    (&["--python", "3\n9"], "'3\\n9' for '--python"),
];

/// Bad values for a count flag such as `--workers`: `(value, named)`.
pub const BAD_COUNTS: &[&str] = &["0", "-1", "abc", "1.5", "", "1000000000000000000000000000000"];

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

/// Asserts how a program copes when its output cannot be written, for one command line:
/// * stdout on a full device (`> /dev/full`): exit 1, one line on stderr naming the error;
/// * stdout a pipe whose reader is gone (`| head -0`): exit 141, as `cat` would, nothing said;
/// * `--help` on a full device: exit 1 too;
/// * a bad option with stderr on a full device: still exit 2, no panic.
pub fn assert_output_failures(bin: &str, args: &[&str]) {
    let context = format!("{bin} {args:?}");
    let full = || File::options().write(true).open("/dev/full").unwrap();

    let output = Command::new(bin).args(args).stdout(full()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "/dev/full: {context}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "/dev/full: {context}: {stderr}");
    assert!(stderr.contains("No space left on device"), "{context}: {stderr}");

    let mut child =
        Command::new(bin).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take()); // the reader is gone before anything is written
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(141), "broken pipe: {context}: {stderr}");
    assert!(stderr.is_empty(), "broken pipe: {context}: {stderr}");

    let help = Command::new(bin).arg("--help").stdout(full()).output().unwrap();
    assert_eq!(help.status.code(), Some(1), "--help > /dev/full: {bin}");

    let bad = Command::new(bin).args(["--bogus"]).stderr(full()).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "2> /dev/full: {bin}");
}

/// Runs `subcommand args` of the program with `--json` written first, before the subcommand's
/// name, then last: the shared options work on either side. Asserts both print one JSON object
/// of `program`, and returns the second.
pub fn assert_json_either_side(bin: &str, subcommand: &str, args: &[&str], program: &str) -> Value {
    let before: Vec<&str> = ["--json", subcommand].iter().chain(args).copied().collect();
    let after: Vec<&str> = [subcommand].iter().chain(args).chain(&["--json"]).copied().collect();
    let mut last = Value::Null;
    for args in [before, after] {
        let outcome = run(bin, &args);
        assert_eq!(outcome.code, Some(0), "{args:?}: {}", outcome.stderr);
        let json: Value = serde_json::from_str(&outcome.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", outcome.stdout));
        assert_eq!(json["program"], program, "{args:?}");
        last = json;
    }
    last
}

/// Runs the program in a shell whose address space is limited to `kib` KiB (`ulimit -v`).
///
/// With at most two malloc arenas (`MALLOC_ARENA_MAX=2`): glibc reserves 64 MiB of address
/// space (a 128 MiB mapping, trimmed) for each thread's arena, so eight threads reserve about
/// 500 MiB for a program that uses 20 (`as --tasks 10000 --modes spawn_blocking`: VmPeak 478 MB
/// with glibc's default, 19 MB with one arena). Under `ulimit -v` those reservations fail by the
/// thousand, and whether a small allocation then fails too (Rust aborts) depended on a few MiB
/// of code mapped: adding py-spy to the GIL build's binaries made it abort every time. The limit
/// is meant for the program's memory, not glibc's reservations.
pub fn run_with_memory_limit(bin: &str, kib: u64, args: &[&str]) -> Exited {
    let script = format!("ulimit -v {kib}; exec \"$0\" \"$@\"");
    let mut with_shell = vec!["-c", &script, bin];
    with_shell.extend(args);
    run_with_env("sh", &with_shell, &[("MALLOC_ARENA_MAX", "2")])
}

/// Asserts a run either succeeded or failed the way every program must: exit 1, one line on
/// stderr, no panic, never an abort.
pub fn assert_succeeded_or_failed_in_one_line(outcome: &Exited) {
    let failed_well = outcome.code == Some(1) && outcome.stderr.lines().count() == 1;
    assert!(outcome.code == Some(0) || failed_well, "{outcome:?}");
    for word in ["panicked", "backtrace"] {
        assert!(!outcome.stderr.contains(word), "{outcome:?}");
    }
}

/// `--help` on a 40-column terminal (`COLUMNS=40`) wraps every line to 40 columns.
pub fn assert_help_wraps(bin: &str, args: &[&str]) {
    let output = Command::new(bin).args(args).arg("--help").env("COLUMNS", "40").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{bin} {args:?} --help");
    let help = String::from_utf8_lossy(&output.stdout);
    for line in help.lines() {
        assert!(
            line.chars().count() <= 40,
            "{bin} {args:?} --help, a line of {} columns: {line}",
            line.chars().count()
        );
    }
}
