//! The `.py` twins report what the Rust programs report: each mode's CPU time and the cores it
//! kept busy beside its wall time, in their `--json` too (common/usage.py).

use std::path::Path;
use std::process::Command;

use common::skips::skip;
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
        skip(test, "no python3 on PATH");
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

/// cpu_example.py's clock witness (`--clock-witness`, for `--beside-cpython`): each loop reads
/// its clock at its start and every 64 iterations (`1 + ceil(n / 64)` readings, as the model's
/// loops do), two loops by the main thread, one by each worker; and the Python 2 twin the same,
/// where a Python 2 is found.
#[test]
fn the_clock_witness_reads_every_64_iterations() {
    let Some(root) = with_python3("the_clock_witness_reads_every_64_iterations") else {
        return;
    };
    let n: u64 = 1000;
    let args = ["--n", &n.to_string(), "--workers", "2", "--json", "--clock-witness"];
    let mut twins = vec![("python3".to_string(), "cpu_example/cpu_example.py")];
    let python2 = std::env::var("HOME").map(|h| format!("{h}/.pyenv/versions/2.7.18/bin/python"));
    match python2 {
        Ok(python2) if Path::new(&python2).exists() => {
            twins.push((python2, "cpu_example/cpu_example_py2.py"));
        }
        _ => skip("the Python 2 twin's clock witness", "no ~/.pyenv/versions/2.7.18"),
    }
    for (python, script) in twins {
        let output = Command::new(&python).arg(root.join(script)).args(args).output().unwrap();
        assert!(output.status.success(), "{script}: {}", String::from_utf8_lossy(&output.stderr));
        let json: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
        let witness = &json["clock_witness"];
        assert_eq!(
            (witness["stride"].as_u64(), witness["gap_ns"].as_u64()),
            (Some(64), Some(100_000))
        );
        let segments = witness["segments"].as_array().unwrap();
        let threads: Vec<&str> = segments.iter().map(|s| s["thread"].as_str().unwrap()).collect();
        assert_eq!(threads.len(), 4, "{script}: {threads:?}");
        assert_eq!(threads.iter().filter(|t| **t == "MainThread").count(), 2, "{threads:?}");
        for segment in segments {
            assert_eq!(segment["readings"].as_u64(), Some(1 + n.div_ceil(64)), "{segment}");
            assert!(segment["first_ns"].as_u64() <= segment["last_ns"].as_u64(), "{segment}");
        }
    }
}

/// The Python 2 twins keep the same promise: a bad size is one line and exit 2.
#[test]
fn the_python_2_twins_refuse_bad_input_in_one_line() {
    let Some(root) = with_python3("the_python_2_twins_refuse_bad_input_in_one_line") else {
        return;
    };
    let python2 = std::env::var("HOME").map(|h| format!("{h}/.pyenv/versions/2.7.18/bin/python"));
    let Some(python2) = python2.ok().filter(|p| Path::new(p).exists()) else {
        skip("the_python_2_twins_refuse_bad_input_in_one_line", "no Python 2.7.18");
        return;
    };
    let twins = [("cpu_example/cpu_example_py2.py", "--n"), ("share/share_py2.py", "--workers")];
    for (script, size) in twins {
        for bad in ["0", "-5", "x"] {
            let output = Command::new(&python2).arg(root.join(script)).args([size, bad]).output();
            let output = output.expect("starts");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{script} {size} {bad}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{script} {size} {bad}: {stderr}");
            assert!(stderr.starts_with("error: "), "{script}: {stderr}");
        }
    }
}

/// The `.py` twins print their lines in French with `--lang fr` (or a French locale), from the
/// Rust programs' own messages (common/messages.py reads common/locales), and their `--json`
/// has the same keys in both languages.
#[test]
fn every_py_twin_speaks_french_when_asked() {
    let Some(root) = with_python3("every_py_twin_speaks_french_when_asked") else {
        return;
    };
    let keys = |json: &Value| -> Vec<String> {
        let mut keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
        let runs = json["runs"].as_array().unwrap();
        keys.extend(runs.iter().flat_map(|r| r.as_object().unwrap().keys().cloned()));
        // other_cores is there only for modes of 250 ms or more, in either language.
        keys.retain(|key| key != "other_cores");
        keys.sort();
        keys.dedup();
        keys
    };
    for (script, args) in TWINS {
        let run = |extra: &[&str], env: &[(&str, &str)]| {
            let output = Command::new("python3")
                .arg(root.join(script))
                .args(args)
                .args(extra)
                .envs(env.iter().copied())
                .output()
                .expect("starts");
            assert!(
                output.status.success(),
                "{script}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).unwrap()
        };
        let english = [("LANG", "C.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];
        for french in
            [run(&["--lang", "fr"], &english), run(&[], &[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "")])]
        {
            assert!(french.contains("cœurs"), "{script}: not in French: {french}");
        }
        let json = |lang: &str| -> Value {
            serde_json::from_str(&run(&["--json", "--lang", lang], &english)).unwrap()
        };
        assert_eq!(keys(&json("fr")), keys(&json("en")), "{script}: --json differs by language");
    }
}
