//! base, run as a user runs it: every task completes, waits add up one after the other.

use common::testing::{assert_refused, assert_refuses_bad_input, run_json};

const BIN: &str = env!("CARGO_BIN_EXE_base");

#[test]
fn every_task_completes_in_both_modes() {
    let json = run_json(BIN, &["--tasks", "4", "--delay-ms", "20"]);
    assert_eq!(json["program"], "base");
    assert_eq!(json["tasks"], 4);
    assert_eq!(json["delay_ms"], 20);
    let runs = json["runs"].as_array().unwrap();
    let modes = common::testing::modes(&json);
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
    let json = run_json(BIN, &["--tasks", "2", "--delay-ms", "1", "--modes", "threads"]);
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["mode"], "threads");
}

#[test]
fn bad_input_is_refused_with_one_line() {
    assert_refuses_bad_input(BIN, &["--tasks", "--delay-ms"]);
    assert_refused(BIN, &["--tasks", "10001"], 2, "10001");
    assert_refused(BIN, &["--delay-ms", "60001"], 2, "60001");
    assert_refused(BIN, &["--modes", "parallel"], 2, "parallel");
}

#[test]
fn every_device_session_is_answered_in_every_mode() {
    let json =
        run_json(BIN, &["devices", "--sessions", "3,12", "--latency-ms", "1", "--pool", "2"]);
    assert_eq!(json["program"], "base devices");
    let runs = json["runs"].as_array().unwrap();
    let rows: Vec<(&str, u64)> = runs
        .iter()
        .map(|r| (r["mode"].as_str().unwrap(), r["sessions"].as_u64().unwrap()))
        .collect();
    let modes = ["sequential", "threads", "processes", "async"];
    let expected: Vec<(&str, u64)> =
        [3, 12].iter().flat_map(|&n| modes.iter().map(move |&m| (m, n))).collect();
    assert_eq!(rows, expected);
    for run in runs {
        assert_eq!(run["errors"], 0, "{run}");
        assert_eq!(run["answered"], run["sessions"], "{run}");
        assert!(run["peak_rss_mb"].as_f64().unwrap() > 0.0, "{run}");
    }
}

#[test]
fn misbehaving_devices_are_errors_with_their_reason_and_the_run_ends() {
    let json = run_json(
        BIN,
        &[
            "devices",
            "--sessions",
            "6",
            "--latency-ms",
            "1",
            "--pool",
            "3",
            "--misbehave",
            "refuse,reset,garbage,silent",
        ],
    );
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    for run in runs {
        assert_eq!(run["errors"], 4, "{run}");
        assert_eq!(run["answered"], 2, "{run}");
        let reasons = run["error_reasons"].to_string();
        for reason in
            ["connect: connection refused", "greeting: not a prompt", "greeting: timed out"]
        {
            assert!(reasons.contains(reason), "{reason} missing in {run}");
        }
        // A reset reaches the client while it connects or while it reads the greeting.
        assert!(
            reasons.contains("connection reset") || reasons.contains("greeting: connection closed"),
            "no reset in {run}"
        );
    }
}

#[test]
fn a_port_already_taken_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    assert_refused(BIN, &["devices", "--sessions", "1", "--port", &port], 1, "already in use");
}

#[test]
fn the_convoy_measures_every_round_trip() {
    let json = run_json(BIN, &["convoy", "--round-trips", "50"]);
    let runs = json["runs"].as_array().unwrap();
    let modes = common::testing::modes(&json);
    assert_eq!(modes, ["alone", "beside_cpu_thread"]);
    for run in runs {
        assert_eq!(run["round_trips"], 50, "{run}");
    }
    if cfg!(feature = "gil") {
        // Beside a thread that never lets go of its own accord, the I/O thread gets the GIL back
        // only by asking for it.
        assert!(json["gil_stats"]["drop_requests"].as_u64().unwrap() >= 1, "{json}");
    }
}

#[test]
fn bad_scenario_input_is_refused_with_one_line() {
    for (args, names) in [
        (&["devices", "--sessions", ""][..], "--sessions"),
        (&["devices", "--sessions", "0"], "--sessions"),
        (&["devices", "--sessions", "10,abc"], "abc"),
        (&["devices", "--sessions", "5001"], "5001"),
        (&["devices", "--pool", "0"], "--pool"),
        (&["devices", "--pool", "65"], "65"),
        (&["devices", "--latency-ms", "-1"], "-1"),
        (&["devices", "--misbehave", "explode"], "explode"),
        (&["devices", "--port", "70000"], "70000"),
        (&["devices", "--modes", "fibers"], "fibers"),
        (&["convoy", "--round-trips", "0"], "--round-trips"),
        (&["convoy", "--round-trips", "100001"], "100001"),
        (&["teleport"], "teleport"),
    ] {
        assert_refused(BIN, args, 2, names);
    }
}

mod property {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

        /// Every session to a well-behaved device is answered, whatever the count and pool.
        #[test]
        fn device_runs_answer_every_session(sessions in 1u64..40, pool in 1u64..5) {
            let json = common::testing::run_json(super::BIN, &[
                "devices", "--sessions", &sessions.to_string(), "--latency-ms", "0",
                "--pool", &pool.to_string(), "--modes", "threads,processes,async",
            ]);
            for run in json["runs"].as_array().unwrap() {
                prop_assert_eq!(&run["answered"], &serde_json::json!(sessions));
                prop_assert_eq!(&run["errors"], &serde_json::json!(0));
            }
        }
    }
}

#[test]
fn output_that_cannot_be_written_fails_well() {
    use common::testing::assert_output_failures;
    assert_output_failures(BIN, &["--tasks", "1", "--delay-ms", "1"]);
    assert_output_failures(BIN, &["devices", "--sessions", "2", "--latency-ms", "1"]);
    assert_output_failures(BIN, &["convoy", "--round-trips", "2"]);
}

#[test]
fn shared_options_work_before_and_after_the_subcommand() {
    common::testing::assert_json_either_side(BIN, "convoy", &["--round-trips", "3"], "base convoy");
    assert_refused(BIN, &["--tasks", "3", "devices"], 2, "--tasks");
}

#[test]
fn ports_past_65535_are_bad_input_naming_both_flags() {
    assert_refused(
        BIN,
        &["devices", "--port", "65535", "--sessions", "2"],
        2,
        "--port 65535 with --sessions up to 2",
    );
}

#[test]
fn runs_longer_than_an_hour_are_refused() {
    assert_refused(BIN, &["--tasks", "10000", "--delay-ms", "60000"], 2, "--tasks x --delay-ms");
    assert_refused(
        BIN,
        &["devices", "--sessions", "5000", "--latency-ms", "60000", "--modes", "sequential"],
        2,
        "--sessions x --latency-ms",
    );
}

#[test]
fn ctrl_c_to_the_group_stops_the_process_pool_with_130() {
    let (outcome, left) = common::testing::interrupt_group(
        BIN,
        &["devices", "--modes", "processes", "--sessions", "100", "--latency-ms", "2000"],
        |group| group.len() >= 3,
        std::time::Duration::from_secs(30),
    );
    common::testing::assert_interrupted(&outcome, &left);
}

#[test]
fn progress_shows_on_a_terminal_only() {
    // Not a terminal (the test captures stderr): a run of more than a second says nothing extra.
    let outcome = common::testing::run(BIN, &["--tasks", "2", "--delay-ms", "800"]);
    assert_eq!(outcome.code, Some(0));
    assert!(outcome.stderr.is_empty(), "{outcome:?}");
    // On a terminal (`script` gives the program one), the same run shows what is running.
    let shown = std::process::Command::new("script")
        .args(["-qec", &format!("{BIN} --tasks 2 --delay-ms 800"), "/dev/null"])
        .output()
        .expect("script (util-linux's bsdutils) gives the program a terminal: install it");
    let screen = String::from_utf8_lossy(&shown.stdout);
    assert!(screen.contains("base: sequential (step 1 of 2)"), "{screen}");
}

#[test]
fn threads_wait_at_the_same_time() {
    // The lesson of base.py: five tasks of one wait each take five waits one after the other
    // (a sleep is never shorter), and about one in threads: under half of five, a 2x margin.
    let json = run_json(BIN, &["--tasks", "5", "--delay-ms", "200"]);
    let waits = |mode: usize| json["runs"][mode]["waits"].as_f64().unwrap();
    assert!(waits(0) >= 5.0, "sequential: {json}");
    assert!(waits(1) < 2.5, "threads: {json}");
}

#[test]
fn a_negative_value_names_its_flag() {
    for (args, flag) in [
        (&["devices", "--sessions", "-1"][..], "--sessions"),
        (&["devices", "--latency-ms", "-1"], "--latency-ms"),
        (&["devices", "--pool", "-1"], "--pool"),
        (&["convoy", "--latency-ms", "-0.1"], "--latency-ms"),
    ] {
        assert_refused(BIN, args, 2, flag);
    }
}

#[test]
fn a_convoy_over_an_hour_is_refused_in_either_build() {
    // Alone, then beside the CPU thread: 2 x 100000 round trips of a second at least.
    assert_refused(
        BIN,
        &["convoy", "--round-trips", "100000", "--latency-ms", "1000"],
        2,
        "--round-trips",
    );
}

#[cfg(feature = "gil")]
#[test]
fn the_convoy_estimate_counts_both_modes() {
    // 100000 x 31 ms alone, and 100000 x (31 ms + a 5 ms interval) beside: 1.9 hours.
    assert_refused(BIN, &["convoy", "--round-trips", "100000", "--latency-ms", "31"], 2, "hours");
}

#[test]
fn help_wraps_to_the_terminal() {
    common::testing::assert_help_wraps(BIN, &[]);
}

#[test]
fn a_sweep_over_an_hour_is_refused_before_any_device_starts() {
    // Under `ulimit -n 100` the devices could not even start: the hour's refusal comes first.
    let line = format!(
        "ulimit -n 100; exec {BIN} devices --sessions 5000 --latency-ms 60000 --modes processes \
         --pool 64"
    );
    let output = std::process::Command::new("sh").args(["-c", &line]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("hours") && stderr.lines().count() == 1, "{stderr}");
}

#[test]
fn every_misbehaving_kind_needs_a_device_of_its_own() {
    assert_refused(
        BIN,
        &["devices", "--sessions", "1", "--misbehave", "refuse,reset"],
        2,
        "--misbehave",
    );
}

#[test]
fn no_session_answered_shows_no_latency() {
    let json = run_json(
        BIN,
        &["devices", "--sessions", "1", "--misbehave", "refuse", "--latency-ms", "1"],
    );
    for run in json["runs"].as_array().unwrap() {
        assert_eq!(run["answered"], 0, "{run}");
        assert!(run["p50_ms"].is_null() && run["p99_ms"].is_null(), "{run}");
        assert_eq!(run["sessions_per_s"], 0.0, "{run}");
    }
}

#[test]
fn a_missing_value_is_said_on_one_line() {
    let outcome = common::testing::run(BIN, &["--modes", "threads,"]);
    assert_eq!(outcome.code, Some(2), "{outcome:?}");
    assert_eq!(outcome.stderr.lines().count(), 1, "{outcome:?}");
    assert!(!outcome.stderr.contains("\\n"), "a literal \\n: {outcome:?}");
}

#[cfg(feature = "gil")]
#[test]
fn the_old_gil_forms_no_convoy_and_says_so() {
    let output = std::process::Command::new(BIN)
        .args(["convoy", "--round-trips", "50", "--python", "2.7"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("no drop request") && text.contains("no convoy"), "{text}");
    assert!(!text.contains("(the convoy effect)"), "{text}");
}

#[test]
fn a_thread_the_os_refuses_is_a_named_error_never_a_panic_or_a_hang() {
    common::testing::assert_thread_limits_fail_well(
        BIN,
        &[
            &["--tasks", "3", "--delay-ms", "10"],
            &["convoy", "--round-trips", "5"],
            &["devices", "--sessions", "3", "--latency-ms", "10"],
        ],
    );
}

/// Threads that wait use no CPU: each mode's CPU time is a small part of its wall time, GIL or
/// not (what cpu_example's computing threads, at one core or more, are compared with).
#[test]
fn waiting_uses_almost_no_cpu() {
    let json = run_json(BIN, &["--tasks", "4", "--delay-ms", "200"]);
    for run in json["runs"].as_array().unwrap() {
        let used = run["cores_used"].as_f64().unwrap();
        assert!(used < 0.5, "a mode that only waits kept {used} cores busy: {run}");
    }
}

/// In French (`--lang fr`, or a French locale) the conclusion is French, its JSON unchanged.
#[test]
fn a_french_run_concludes_in_french() {
    common::testing::assert_speaks_french(BIN, &["--tasks", "2", "--delay-ms", "10"], "attentes");
}
