//! share2, run as a user runs it: exact counts in every mode, GIL or not, any Python version.

use common::testing::{assert_refuses_bad_input, run_json};

const BIN: &str = env!("CARGO_BIN_EXE_share2");

fn assert_exact(args: &[&str], workers: u64, increments: u64) {
    let json = run_json(BIN, args);
    assert_eq!(json["program"], "share2");
    let runs = json["runs"].as_array().unwrap();
    let modes = common::testing::modes(&json);
    assert_eq!(modes, ["mutex", "atomic", "sharded"]);
    // The count the test expects, computed here; the program refuses a wrong one itself, so
    // its worker functions are checked directly too (the unit tests of src/main.rs).
    for run in runs {
        assert_eq!(run["got"], workers * increments, "{run}");
    }
}

#[test]
fn every_mode_is_exact() {
    assert_exact(&["--workers", "4", "--increments", "500000"], 4, 500_000);
    assert_exact(&["--workers", "7", "--increments", "1001"], 7, 1001);
}

#[cfg(feature = "gil")]
#[test]
fn the_lock_keeps_it_exact_where_the_gil_does_not() {
    for python in ["3.9", "2.7", "3.12", "3.13t"] {
        let mut args = vec!["--workers", "4", "--increments", "500000", "--python", python];
        // A short interval makes the GIL change hands often; CPython 2.7 has none (its check
        // interval of 100 ticks changes hands more often still).
        if python != "2.7" {
            args.extend(["--switch-interval", "0.5"]);
        }
        assert_exact(&args, 4, 500_000);
    }
}

#[test]
fn bad_input_is_refused_with_one_line() {
    assert_refuses_bad_input(BIN, &["--workers", "--increments"]);
}

mod property {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

        /// Every mode counts exactly workers × increments, GIL or not.
        #[test]
        fn every_mode_is_exact_for_any_size(workers in 1u64..9, increments in 1u64..20_000) {
            super::assert_exact(&["--workers", &workers.to_string(), "--increments", &increments.to_string()], workers, increments);
        }
    }
}

#[test]
fn output_that_cannot_be_written_fails_well() {
    common::testing::assert_output_failures(BIN, &["--increments", "1000"]);
}

#[test]
fn the_increments_under_the_lock_are_limited() {
    common::testing::assert_refused(
        BIN,
        &["--workers", "1024", "--increments", "1000000000"],
        2,
        "--workers x --increments",
    );
}

#[test]
fn help_wraps_to_the_terminal() {
    common::testing::assert_help_wraps(BIN, &[]);
}

#[test]
fn the_hour_counts_a_contended_lock() {
    // 1024 threads x 1.5·10^8 increments: about 72 minutes measured, with the lock contended.
    common::testing::assert_refused(
        BIN,
        &["--workers", "1024", "--increments", "150000000"],
        2,
        "--workers x --increments",
    );
}

/// share2.py is Python 3 only: beside CPython 2.7 there is nothing to run, said before any work.
#[cfg(feature = "gil")]
#[test]
fn python_2_7_beside_cpython_is_refused_before_any_work() {
    let args = ["--python", "2.7", "--beside-cpython"];
    common::testing::assert_refused(BIN, &args, 2, "no Python 2 twin");
}

/// In French (`--lang fr`, or a French locale) the header and table are French, its JSON unchanged.
#[test]
fn a_french_run_speaks_french() {
    common::testing::assert_speaks_french(
        BIN,
        &["--increments", "10000"],
        "Aucune mise à jour perdue",
    );
}
