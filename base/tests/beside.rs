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
