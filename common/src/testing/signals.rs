//! Ctrl-C to a whole process group, as a terminal sends it, and what it leaves running.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Exited;

/// The pids of the live processes (not zombies) of process group `group`.
pub fn processes_in_group(group: u32) -> Vec<u32> {
    live_processes(|_, pgrp| pgrp == group.to_string())
}

/// The pids of the live processes (not zombies) for which `keep(their /proc entry, their
/// process group)` holds.
pub(super) fn live_processes(keep: impl Fn(&std::fs::DirEntry, &str) -> bool) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // After "(name)": state, ppid, pgrp.
        let fields: Vec<&str> =
            stat.rsplit_once(')').map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
        if fields.len() > 2 && fields[0] != "Z" && keep(&entry, fields[2]) {
            found.push(pid);
        }
    }
    found
}

/// Runs the program in a process group of its own, waits until `ready` says so (given the
/// group's live processes) or `patience` passes, then sends SIGINT to the whole group, as a
/// terminal does on Ctrl-C. Returns what the program left behind and the group's processes
/// still alive a moment after it exited.
pub fn interrupt_group(
    bin: &str,
    args: &[&str],
    ready: impl Fn(&[u32]) -> bool,
    patience: Duration,
) -> (Exited, Vec<u32>) {
    signal_when_ready(bin, args, ready, patience, ("INT", Target::Group))
}

/// Who gets the signal: the whole process group, as a terminal sends Ctrl-C, or the program
/// alone, as `kill PID` or `timeout` sends it.
pub enum Target {
    Group,
    Program,
}

/// [`interrupt_group`] with any signal (`"TERM"`), to the group or to the program alone.
pub fn signal_when_ready(
    bin: &str,
    args: &[&str],
    ready: impl Fn(&[u32]) -> bool,
    patience: Duration,
    (signal, target): (&str, Target),
) -> (Exited, Vec<u32>) {
    let child = Command::new(bin)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let group = child.id();
    let start = Instant::now();
    while !ready(&processes_in_group(group)) && start.elapsed() < patience {
        std::thread::sleep(Duration::from_millis(20));
    }
    let whom = match target {
        Target::Group => format!("-{group}"),
        Target::Program => group.to_string(),
    };
    Command::new("kill").args([&format!("-{signal}"), "--", &whom]).status().unwrap();
    let output = child.wait_with_output().unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while !processes_in_group(group).is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let outcome = Exited {
        code: output.status.code().or(output.status.signal().map(|s| 128 + s)),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    (outcome, processes_in_group(group))
}

/// Asserts that Ctrl-C on the whole process group ended the run as it must: exit 130, one line
/// on stderr, nothing on stdout, and no process of the run left.
pub fn assert_interrupted(outcome: &Exited, left: &[u32]) {
    assert_eq!(outcome.code, Some(130), "{outcome:?}");
    assert_eq!(outcome.stderr.lines().count(), 1, "{outcome:?}");
    assert!(outcome.stderr.contains("interrupted"), "{outcome:?}");
    assert!(outcome.stdout.is_empty(), "{outcome:?}");
    assert!(left.is_empty(), "processes left running: {left:?}");
}
