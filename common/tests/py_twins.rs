//! The `.py` twins report what the Rust programs report: each mode's CPU time and the cores it
//! kept busy beside its wall time, in their `--json` too (common/usage.py).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Each `.py`, with sizes small enough for a test.
const TWINS: [(&str, &[&str]); 6] = [
    ("base/base.py", &["--tasks", "2", "--delay-ms", "20"]),
    ("cpu_example/cpu_example.py", &["--n", "20000", "--workers", "2"]),
    ("mp/mp.py", &["--n", "20000", "--workers", "2", "--modes", "sequential,processes"]),
    ("share/share.py", &["--increments", "20000"]),
    ("share2/share2.py", &["--increments", "20000"]),
    ("as/as.py", &["--tasks", "2", "--delay-ms", "20"]),
];

/// The workspace's root, where a `python3` can run the `.py` twins; `None`, saying so, where
/// there is no `python3`: a skip is never a silent pass.
fn with_python3(test: &str) -> Option<&'static Path> {
    if Command::new("python3").arg("--version").output().is_err() {
        println!("SKIPPED {test}: no python3 on PATH");
        return None;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent()
}

/// Each `.py` refuses a bad size or switch interval as the Rust programs do: exit 2, one line.
#[test]
fn every_py_twin_refuses_bad_input_in_one_line() {
    let Some(root) = with_python3("every_py_twin_refuses_bad_input_in_one_line") else {
        return;
    };
    for (script, args) in TWINS {
        let size = args[0];
        for bad in [[size, "0"], [size, "-5"], [size, "x"], ["--switch-interval", "1e-9"]] {
            let output =
                Command::new("python3").arg(root.join(script)).args(bad).output().expect("starts");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{script} {bad:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{script} {bad:?}: {stderr}");
            assert!(stderr.starts_with("error: "), "{script} {bad:?}: {stderr}");
            assert!(output.stdout.is_empty(), "{script} {bad:?}");
        }
    }
}

#[test]
fn every_py_twin_reports_cpu_time_beside_wall_time() {
    let Some(root) = with_python3("every_py_twin_reports_cpu_time_beside_wall_time") else {
        return;
    };
    for (script, args) in TWINS {
        let output = Command::new("python3")
            .arg(root.join(script))
            .args(args)
            .arg("--json")
            .output()
            .expect("python3 starts");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{script}: {stderr}");
        let json: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{script}: not one JSON object ({e})"));
        assert!(json.get("load_average").is_some(), "{script}: {json}");
        for run in json["runs"].as_array().expect("runs") {
            let wall = run["seconds"].as_f64().expect("seconds");
            let cpu = run["cpu_seconds"].as_f64().unwrap_or_else(|| panic!("{script}: {run}"));
            let used = run["cores_used"].as_f64().unwrap_or_else(|| panic!("{script}: {run}"));
            assert!(cpu >= 0.0 && (used - cpu / wall).abs() < 1e-9, "{script}: {run}");
        }
    }
}
