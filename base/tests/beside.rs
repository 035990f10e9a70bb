//! `base convoy --beside-cpython`: the convoy effect in the model and in a real CPython, its GIL
//! sampled by py-spy. Needs CPython 3.12 under pyenv and ptrace; where either is missing the test
//! says why and skips.
#![cfg(feature = "gil")]

use common::testing::{assert_consistent_side, run_beside};

const BIN: &str = env!("CARGO_BIN_EXE_base");

/// The I/O thread (convoy.py's main thread) spends the contended window waiting for the GIL
/// after each answer, on both sides: over half of it (nearly all, measured), where a sampler that
/// took a wait for the GIL for a release would find none.
#[test]
fn the_io_thread_waits_for_the_gil_on_both_sides() {
    let args = ["convoy", "--round-trips", "50", "--json", "--beside-cpython"];
    let Some(beside) = run_beside(BIN, &args) else {
        return;
    };
    assert_eq!(beside["script"], "convoy.py");
    for (side, io_thread) in [("model", "main"), ("cpython", "MainThread")] {
        assert_consistent_side(&beside[side]);
        let waited = beside[side]["waited"][io_thread].as_f64().unwrap_or(0.0);
        assert!(waited > 0.5, "{side}: {io_thread} waited {waited}: {}", beside[side]);
    }
}

/// Whether one of `pids` is CPython running convoy.py: the CPython phase has begun.
fn cpython_running(pids: &[u32]) -> bool {
    pids.iter().any(|pid| {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        String::from_utf8_lossy(&cmdline).contains("convoy.py")
    })
}

/// Ctrl-C during the CPython phase ends the run with 130 and leaves nothing running: convoy.py's
/// own KeyboardInterrupt would leave its CPU thread spinning for good, so the program kills it.
#[test]
fn ctrl_c_during_the_cpython_phase_leaves_nothing_running() {
    use common::testing::{assert_interrupted, interrupt_group};
    let args = ["convoy", "--round-trips", "300", "--beside-cpython"];
    use std::time::{Duration, Instant};
    // Once CPython has run for a second: its threads have started.
    let since = std::cell::Cell::new(None::<Instant>);
    let ready = |pids: &[u32]| match (cpython_running(pids), since.get()) {
        (false, _) => false,
        (true, None) => {
            since.set(Some(Instant::now()));
            false
        }
        (true, Some(at)) => at.elapsed() > Duration::from_secs(1),
    };
    let (outcome, left) = interrupt_group(BIN, &args, ready, Duration::from_secs(60));
    if outcome.code == Some(2) || outcome.stderr.contains("ptrace") {
        common::testing::skip("base convoy beside CPython", outcome.stderr.trim());
        return;
    }
    assert_interrupted(&outcome, &left);
}

/// SIGTERM to the program alone (`kill PID`, `timeout`) during the CPython phase: CPython, which
/// got no signal, is killed with it.
#[test]
fn sigterm_to_the_program_alone_kills_its_cpython() {
    use common::testing::{Target, signal_when_ready};
    let args = ["convoy", "--round-trips", "300", "--beside-cpython"];
    let patience = std::time::Duration::from_secs(60);
    let term = ("TERM", Target::Program);
    let (outcome, left) = signal_when_ready(BIN, &args, cpython_running, patience, term);
    if outcome.code == Some(2) || outcome.stderr.contains("ptrace") {
        common::testing::skip("base convoy beside CPython", outcome.stderr.trim());
        return;
    }
    assert_eq!(outcome.code, Some(130), "{outcome:?}");
    assert!(left.is_empty(), "left running: {left:?}");
}

/// `base devices` has no `.py` twin: refused before any device starts.
#[test]
fn devices_beside_cpython_is_refused_before_any_work() {
    common::testing::assert_refused(BIN, &["devices", "--beside-cpython"], 2, "no .py twin");
}
