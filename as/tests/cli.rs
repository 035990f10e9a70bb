//! as, run as a user runs it: a blocking call inside async code blocks every task.

use common::testing::{assert_refused, assert_refuses_bad_input, run_json};

const BIN: &str = env!("CARGO_BIN_EXE_as");

#[test]
fn all_four_modes_in_order_and_blocking_serialises() {
    let json = run_json(BIN, &["--tasks", "4", "--delay-ms", "20"]);
    assert_eq!(json["program"], "as");
    assert_eq!(json["tasks"], 4);
    assert_eq!(json["delay_ms"], 20);
    let runs = json["runs"].as_array().unwrap();
    let modes = common::testing::modes(&json);
    assert_eq!(modes, ["sequential", "gather", "blocking", "spawn_blocking"]);
    // Blocking sleeps on the runtime's one thread cannot overlap: at least four waits.
    for at_least_four_waits in [&runs[0], &runs[2]] {
        assert!(at_least_four_waits["seconds"].as_f64().unwrap() >= 0.080, "{at_least_four_waits}");
    }
    for run in runs {
        assert!(run["seconds"].as_f64().unwrap() >= 0.020, "{run}");
    }
}

#[test]
fn bad_input_is_refused_with_one_line() {
    assert_refuses_bad_input(BIN, &["--tasks", "--delay-ms"]);
    assert_refused(BIN, &["--tasks", "1000001"], 2, "1000001");
    assert_refused(BIN, &["--modes", "threads"], 2, "threads");
}

#[test]
fn both_fetches_return_the_same_rows() {
    let json = run_json(BIN, &["fetch", "--latency-ms", "5"]);
    assert_eq!(json["program"], "as fetch");
    let runs = json["runs"].as_array().unwrap();
    let modes = common::testing::modes(&json);
    assert_eq!(modes, ["sequential", "concurrent"]);
    for run in runs {
        assert_eq!(run["employees"], 50, "{run}");
        assert_eq!(run["projects"], 8, "{run}");
    }
    // One after the other, two queries cannot take less than two latencies.
    assert!(runs[0]["seconds"].as_f64().unwrap() >= 0.010, "{}", runs[0]);
}

#[test]
fn bad_fetch_input_is_refused_with_one_line() {
    assert_refused(BIN, &["fetch", "--latency-ms", "0"], 2, "--latency-ms");
    assert_refused(BIN, &["fetch", "--latency-ms", "abc"], 2, "abc");
    assert_refused(BIN, &["fetch", "--rows", "5"], 2, "--rows");
}

#[test]
fn output_that_cannot_be_written_fails_well() {
    common::testing::assert_output_failures(BIN, &["--tasks", "1", "--delay-ms", "1"]);
    common::testing::assert_output_failures(BIN, &["fetch", "--latency-ms", "1"]);
}

#[test]
fn shared_options_work_before_and_after_the_subcommand() {
    common::testing::assert_json_either_side(BIN, "fetch", &["--latency-ms", "1"], "as fetch");
    // An option of `as` itself means nothing to `fetch`: refused, not ignored.
    assert_refused(BIN, &["--tasks", "3", "fetch"], 2, "--tasks");
}

#[test]
fn runs_longer_than_an_hour_are_refused() {
    assert_refused(BIN, &["--tasks", "1000000", "--delay-ms", "60000"], 2, "--tasks x --delay-ms");
}

#[test]
fn many_blocking_tasks_under_a_tight_memory_limit_do_not_abort() {
    let outcome = common::testing::run_with_memory_limit(
        BIN,
        300_000,
        &["--tasks", "10000", "--delay-ms", "1", "--modes", "spawn_blocking"],
    );
    // asyncio.to_thread's pool of min(32, cores + 4) threads fits; were it to fail, one line.
    common::testing::assert_succeeded_or_failed_in_one_line(&outcome);
}

#[test]
fn a_blocking_call_stalls_every_task_and_spawn_blocking_does_not() {
    // The lesson of as.py: five blocking sleeps inside async code run one after the other (at
    // least five waits); moved to the blocking pool they overlap: under half of that.
    let json =
        run_json(BIN, &["--tasks", "5", "--delay-ms", "100", "--modes", "blocking,spawn_blocking"]);
    let waits = |mode: usize| json["runs"][mode]["waits"].as_f64().unwrap();
    assert!(waits(0) >= 5.0, "blocking: {json}");
    assert!(waits(1) < 2.5, "spawn_blocking: {json}");
}

#[test]
fn a_negative_value_names_its_flag() {
    assert_refused(BIN, &["fetch", "--latency-ms", "-1"], 2, "--latency-ms");
}

#[test]
fn help_wraps_to_the_terminal() {
    common::testing::assert_help_wraps(BIN, &[]);
}

#[test]
fn the_hour_counts_tokio_timer_ticks() {
    // 10^6 tokio sleeps of 3 ms take 4 ms each, with the timer's tick: 67 minutes.
    assert_refused(
        BIN,
        &["--tasks", "1000000", "--delay-ms", "3", "--modes", "sequential"],
        2,
        "hours",
    );
}

#[test]
fn ctrl_c_during_fetch_leaves_no_database_behind() {
    ctrl_c_during_fetch(std::time::Duration::from_millis(300), "after");
}

/// Ctrl-C as soon as the database file appears, while its tables are being written: SQLite's
/// rollback journal beside it goes too (it stayed, 1 time in 11 on an idle disk).
#[test]
fn ctrl_c_while_the_database_is_written_leaves_no_journal_behind() {
    for attempt in 0..8 {
        ctrl_c_during_fetch(std::time::Duration::from_millis(attempt * 3), "while");
    }
}

/// `as fetch`, Ctrl-C to the whole group `after` the database file appeared; nothing left in
/// its TMPDIR.
fn ctrl_c_during_fetch(after: std::time::Duration, tag: &str) {
    use std::os::unix::process::CommandExt;
    let name = format!("as_fetch_ctrl_c_{}_{tag}_{}", std::process::id(), after.as_millis());
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let child = std::process::Command::new(BIN)
        .args(["fetch", "--latency-ms", "5000"])
        .env("TMPDIR", &dir)
        .process_group(0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the database exists, the first query is waiting: Ctrl-C to the whole group.
    let start = std::time::Instant::now();
    while std::fs::read_dir(&dir).unwrap().next().is_none() {
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "no database appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(after);
    let group = format!("-{}", child.id());
    assert!(
        std::process::Command::new("kill").args(["-INT", "--", &group]).status().unwrap().success()
    );
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(not(feature = "gil"))]
#[test]
fn the_header_names_the_one_thread_that_runs_the_tasks() {
    let output =
        std::process::Command::new(BIN).args(["--tasks", "2", "--delay-ms", "5"]).output().unwrap();
    let header = String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or("").to_string();
    assert!(header.contains("no GIL: one thread, tokio's current-thread runtime"), "{header}");
}

#[test]
fn a_thread_the_os_refuses_is_a_named_error_never_a_panic_or_a_hang() {
    common::testing::assert_thread_limits_fail_well(
        BIN,
        &[&["--tasks", "5", "--delay-ms", "10"], &["fetch", "--latency-ms", "10"]],
    );
}

/// In French (`--lang fr`, or a French locale) the conclusion is French, its JSON unchanged.
#[test]
fn a_french_run_concludes_in_french() {
    common::testing::assert_speaks_french(BIN, &["--tasks", "2", "--delay-ms", "10"], "attentes");
}
