//! cpu_example, run as a user runs it: exact results, the JSON shape, bad input refused.

use assert_cmd::Command;
use common::testing::{assert_refused, assert_refuses_bad_input, run_json};

/// The witness: `sum(i * i for i in range(n))`, as a plain loop written here (not the closed
/// form the program checks itself against).
fn sum_of_squares(n: u64) -> u128 {
    let mut total = 0u128;
    for i in 0..u128::from(n) {
        total += i * i;
    }
    total
}

const BIN: &str = env!("CARGO_BIN_EXE_cpu_example");

#[test]
fn sequential_and_threads_give_the_exact_same_total() {
    let json = run_json(BIN, &["--n", "100000", "--workers", "3"]);
    let expected = (sum_of_squares(100_000) * 3).to_string();
    assert_eq!(json["program"], "cpu_example");
    assert_eq!(json["n"], 100_000);
    assert_eq!(json["workers"], 3);
    assert_eq!(json["gil"], cfg!(feature = "gil"));
    let cores = std::thread::available_parallelism().unwrap().get() as u64;
    assert_eq!(json["cores"].as_u64(), Some(cores));
    let runs = json["runs"].as_array().unwrap();
    let modes = common::testing::modes(&json);
    assert_eq!(modes, ["sequential", "threads"]);
    for run in runs {
        assert_eq!(run["result"], expected.as_str());
    }
}

#[test]
fn workers_default_to_the_number_of_cores() {
    let json = run_json(BIN, &["--n", "10"]);
    let cores = std::thread::available_parallelism().unwrap().get() as u64;
    assert_eq!(json["workers"].as_u64(), Some(cores), "{json}");
}

#[test]
fn the_table_names_each_mode_and_the_build() {
    let output = Command::new(BIN).args(["--n", "1000", "--workers", "2"]).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(text.contains("sequential") && text.contains("threads"), "{text}");
    assert!(text.contains("debug build") || text.contains("release build"), "{text}");
    assert!(text.contains("speedup"), "{text}");
}

#[test]
fn help_documents_every_option_and_default() {
    // A wide terminal, so that each default stays on one line.
    let output = Command::new(BIN).arg("--help").env("COLUMNS", "1000").assert().success();
    let help = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    for option in [
        "--n",
        "--workers",
        "--json",
        "--switch-interval",
        "--python",
        "--timeline",
        "--pace",
        "[default: 5000000, cpu_example.py's, at CPython's pace",
        "natively 600000000",
    ] {
        assert!(help.contains(option), "--help lacks {option}: {help}");
    }
}

#[test]
fn bad_input_is_refused_with_one_line() {
    assert_refuses_bad_input(BIN, &["--n", "--workers"]);
    assert_refused(BIN, &["--n", "10000000001"], 2, "10000000001");
    assert_refused(BIN, &["--workers", "100000"], 2, "100000");
}

#[cfg(not(feature = "gil"))]
#[test]
fn gil_options_need_the_gil_feature() {
    let options = [
        &["--python", "3.9"][..],
        &["--switch-interval", "5"],
        &["--timeline"],
        &["--beside-cpython"],
        &["--trace", "t.json"],
    ];
    for args in options {
        assert_refused(BIN, args, 2, "--features gil");
    }
}

#[cfg(feature = "gil")]
#[test]
fn competing_threads_switch_under_the_gil() {
    let json = run_json(BIN, &["--n", "20000000", "--workers", "2", "--switch-interval", "1"]);
    let stats = &json["gil_stats"];
    assert_eq!(stats["python"], "3.12");
    assert_eq!(stats["switch_interval_ms"], 1.0);
    assert!(stats["switches"].as_u64().unwrap() > 0, "{json}");
    assert!(stats["drop_requests"].as_u64().unwrap() > 0, "{json}");
    for key in ["p50", "p99", "max"] {
        assert!(stats["wait_ms"][key].is_number(), "{json}");
    }
    let expected = (sum_of_squares(20_000_000) * 2).to_string();
    assert_eq!(json["runs"][1]["result"], expected.as_str());
}

#[cfg(feature = "gil")]
#[test]
fn the_old_gil_gives_the_same_total() {
    let json = run_json(BIN, &["--n", "200000", "--workers", "2", "--python", "2.7"]);
    assert_eq!(json["gil_stats"]["python"], "2.7");
    assert_eq!(json["gil_stats"]["drop_requests"], 0, "the old GIL has no drop request");
    let expected = (sum_of_squares(200_000) * 2).to_string();
    assert_eq!(json["runs"][1]["result"], expected.as_str());
}

#[cfg(feature = "gil")]
#[test]
fn free_threaded_python_never_switches() {
    let json = run_json(BIN, &["--n", "2000000", "--workers", "2", "--python", "3.13t"]);
    let stats = &json["gil_stats"];
    assert_eq!(stats["python"], "3.13t");
    assert_eq!(stats["gil_enabled"], false);
    assert_eq!(stats["switches"], 0);
    assert_eq!(stats["drop_requests"], 0);
    let expected = (sum_of_squares(2_000_000) * 2).to_string();
    assert_eq!(json["runs"][1]["result"], expected.as_str());
}

#[cfg(feature = "gil")]
#[test]
fn free_threaded_python_has_no_timeline_to_draw() {
    common::testing::assert_refused(BIN, &["--python", "3.13t", "--timeline"], 2, "3.13t");
}

#[cfg(feature = "gil")]
#[test]
fn the_timeline_is_drawn_and_written() {
    let dir = std::env::temp_dir().join(format!("cpu_example_timeline_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("gil.svg");
    let output = Command::new(BIN)
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .args([
            "--n",
            "5000000",
            "--workers",
            "2",
            "--switch-interval",
            "1",
            "--timeline",
            "--timeline-svg",
        ])
        .arg(&svg)
        .assert()
        .success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Thread-1 |") && text.contains("Thread-2 |"), "{text}");
    assert!(text.contains('█'), "{text}");
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.contains("Thread-2"), "{picture}");
    std::fs::remove_dir_all(&dir).unwrap();
}

mod property {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

        /// Sequential and threads return exactly workers × sum of squares, GIL or not.
        #[test]
        fn both_modes_return_the_exact_total(workers in 1u64..6, n in 0u64..50_000) {
            let n = n.max(1);
            let json = common::testing::run_json(super::BIN, &["--n", &n.to_string(), "--workers", &workers.to_string()]);
            let expected = (super::sum_of_squares(n) * u128::from(workers)).to_string();
            for run in json["runs"].as_array().unwrap() {
                prop_assert_eq!(run["result"].as_str().unwrap(), expected.as_str());
            }
        }
    }
}

#[test]
fn output_that_cannot_be_written_fails_well() {
    common::testing::assert_output_failures(BIN, &["--n", "1000"]);
    common::testing::assert_output_failures(BIN, &["--n", "1000", "--json"]);
}

#[test]
fn a_value_that_is_not_utf8_names_its_flag() {
    use std::os::unix::ffi::OsStrExt;
    let value = std::ffi::OsStr::from_bytes(&[0xff, 0xfe]);
    let output = std::process::Command::new(BIN).arg("--n").arg(value).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("for '--n'") && stderr.contains("UTF-8"), "{stderr}");
}

#[test]
fn the_work_of_one_mode_is_limited() {
    // 10^10 x 1024 iterations would take hours: refused before any work, naming both flags.
    assert_refused(BIN, &["--n", "10000000000", "--workers", "1024"], 2, "--n x --workers");
}

#[cfg(feature = "gil")]
#[test]
fn an_unwritable_timeline_is_refused_before_the_run() {
    // The run itself (4·10^9 squares, twice, at CPython's pace) would take twenty minutes: a
    // refusal that came after it would hang the test, not pass it.
    assert_refused(
        BIN,
        &["--n", "4000000000", "--timeline-svg", "/nonexistent/x.svg"],
        1,
        "/nonexistent/x.svg",
    );
}

#[cfg(feature = "gil")]
#[test]
fn the_pace_is_recorded_in_the_json_and_the_header() {
    for (args, pace) in
        [(&["--n", "1000"][..], "cpython"), (&["--n", "1000", "--pace", "native"], "native")]
    {
        assert_eq!(run_json(BIN, args)["gil_stats"]["pace"], pace, "{args:?}");
    }
    let output = Command::new(BIN).args(["--n", "1000", "--pace", "native"]).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(text.lines().next().unwrap().contains("at Rust's pace (--pace native)"), "{text}");
}

#[test]
fn a_hidden_calibration_is_validated_like_any_option() {
    // 10^30 spin units a nanosecond would make one iteration outlast the hour's limit.
    assert_refused(BIN, &["--n", "1000", "--spin-units-per-ns", "1e30"], 2, "--spin-units-per-ns");
    if !cfg!(feature = "gil") {
        assert_refused(BIN, &["--spin-units-per-ns", "1"], 2, "--features gil");
    }
}

#[test]
fn help_wraps_to_the_terminal() {
    common::testing::assert_help_wraps(BIN, &[]);
}

#[cfg(feature = "gil")]
#[test]
fn a_timeline_link_is_written_through_and_kept() {
    let dir = std::env::temp_dir().join(format!("cpu_example_link_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("link.svg");
    std::os::unix::fs::symlink("picture.svg", &link).unwrap();
    Command::new(BIN).args(["--n", "1000", "--timeline-svg"]).arg(&link).assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "link replaced");
    let picture = std::fs::read_to_string(dir.join("picture.svg")).unwrap();
    assert!(picture.starts_with("<svg"), "{picture}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "gil")]
#[test]
fn a_timeline_that_is_not_a_file_is_refused_before_the_run() {
    let fifo = std::env::temp_dir().join(format!("cpu_example_fifo_{}", std::process::id()));
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let path = fifo.to_str().unwrap();
    // Opening a FIFO for writing would block until a reader came: refused instead.
    assert_refused(BIN, &["--n", "1000", "--timeline-svg", path], 1, "not a regular file");
    std::fs::remove_file(&fifo).unwrap();
}

#[cfg(feature = "gil")]
#[test]
fn options_that_cannot_apply_are_refused() {
    // assert_refused adds --json itself.
    assert_refused(BIN, &["--timeline"], 2, "--timeline-svg FILE with --json");
    assert_refused(BIN, &["--python", "2.7", "--switch-interval", "1"], 2, "2.7 has no switch");
}

/// Every mode reports the CPU time it used beside its wall time, and the cores it kept busy is
/// their ratio; under the GIL two computing threads keep at most about one core busy between
/// them (the waiter sleeps), which is the GIL's lesson in one figure.
#[test]
fn cpu_time_beside_wall_time() {
    let json = run_json(BIN, &["--n", "500000", "--workers", "2"]);
    let cores = std::thread::available_parallelism().unwrap().get() as f64;
    for run in json["runs"].as_array().unwrap() {
        let (wall, cpu) = (run["seconds"].as_f64().unwrap(), run["cpu_seconds"].as_f64().unwrap());
        let used = run["cores_used"].as_f64().unwrap();
        assert!(cpu >= 0.0 && (used - cpu / wall).abs() < 1e-9, "{run}");
        assert!(used <= cores + 0.5, "more cores than the machine has: {run}");
        if cfg!(feature = "gil") && run["mode"] == "threads" {
            assert!(used < 1.5, "two threads under one GIL kept {used} cores busy: {run}");
        }
    }
    let output = Command::new(BIN).args(["--n", "1000", "--workers", "2"]).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(text.contains("cpu_s") && text.contains("cores_used"), "{text}");
}

/// CPython 2.7 has no switch interval: its header names what it has, the check interval.
#[cfg(feature = "gil")]
#[test]
fn python_2_7_names_its_check_interval() {
    let output =
        Command::new(BIN).args(["--python", "2.7", "--n", "1000", "--workers", "2"]).assert();
    let text = String::from_utf8(output.success().get_output().stdout.clone()).unwrap();
    assert!(text.contains("check interval 100 ticks"), "{text}");
    assert!(!text.contains("switch interval"), "{text}");
}

/// A terminal whose locale is not UTF-8 (`LANG=C`) gets the timeline in ASCII, never blocks it
/// would show as garbage.
#[cfg(feature = "gil")]
#[test]
fn the_timeline_is_ascii_under_a_locale_that_is_not_utf8() {
    let args = ["--n", "2000000", "--workers", "2", "--timeline"];
    let mut command = Command::new(BIN);
    command.env("LANG", "C").env_remove("LC_ALL").env_remove("LC_CTYPE").args(args);
    let text = String::from_utf8(command.assert().success().get_output().stdout.clone()).unwrap();
    let picture: String = text.lines().filter(|l| l.contains("Thread-")).collect();
    assert!(picture.contains('#') && !picture.contains('█'), "{text}");
}

/// `--busy-cores 1` keeps a core busy with another program for the whole run, says so, and
/// leaves nothing running: after the run, and when the program alone is told to stop.
#[test]
fn a_busy_core_is_said_and_its_program_ends_with_the_run() {
    use common::testing::{Target, signal_when_ready};
    let json = run_json(BIN, &["--n", "100000", "--workers", "2", "--busy-cores", "1"]);
    assert_eq!(json["busy_cores"], 1);
    let others = json["runs"][0]["other_cores"].as_f64();
    assert!(others.is_none_or(|cores| cores > 0.0), "{json}");
    assert_refused(BIN, &["--busy-cores", "0"], 2, "--busy-cores");
    // Told to stop while the spinner runs (two processes in its group): nothing left.
    let spinning = |group: &[u32]| group.len() >= 2;
    let patience = std::time::Duration::from_secs(20);
    // A minute's work or more, at Rust's pace or at CPython's.
    let n = if cfg!(feature = "gil") { "1000000000" } else { "60000000000" };
    let args = ["--n", n, "--workers", "1", "--busy-cores", "1"];
    let (outcome, left) =
        signal_when_ready(BIN, &args, spinning, patience, ("TERM", Target::Program));
    assert_ne!(outcome.code, Some(0), "{outcome:?}");
    assert!(left.is_empty(), "left running: {left:?} ({outcome:?})");
}

/// In French (`--lang fr`, or a French locale) the conclusion is French, its JSON unchanged.
#[test]
fn a_french_run_concludes_in_french() {
    let args = ["--n", "100000", "--workers", "2"];
    common::testing::assert_speaks_french(BIN, &args, "Les fils d'exécution ont");
}
