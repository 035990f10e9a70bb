//! The `plot` binary fails as every program does: bad input one line and exit 2, an output it
//! cannot write one line and exit 1, never a silent success or a hang.
#![cfg(feature = "plot")]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_plot");

fn chart() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("plot_cli_{}.json", std::process::id()));
    let json = r#"{"title": "t", "x_label": "threads", "y_label": "speedup", "log": false,
        "series": [{"name": "model", "points": [[1, 1, 1, 1], [2, 1.9, 1.8, 2]]}]}"#;
    std::fs::write(&path, json).unwrap();
    path
}

#[test]
fn an_output_that_cannot_be_written_is_an_error() {
    let chart = chart();
    for out in ["/dev/full", "/nonexistent-dir/out.svg"] {
        let output = Command::new(BIN).arg(&chart).arg(out).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{out}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{out}: {stderr}");
    }
    let svg = chart.with_extension("svg");
    let output = Command::new(BIN).arg(&chart).arg(&svg).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    std::fs::remove_file(&svg).unwrap();
    std::fs::remove_file(&chart).unwrap();
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    for args in [&[][..], &["only-one"][..], &["a", "b", "--bogus"][..]] {
        let output = Command::new(BIN).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}
