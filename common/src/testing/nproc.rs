//! A program run as an unprivileged user allowed only so many processes and threads
//! (`ulimit -u`, in bash: dash has no `-u`), to see that a thread the OS refuses is a named error: never a panic, never a
//! hang. Root ignores that limit, so the run drops to user `nobody` with `setpriv`, which only
//! root can do: elsewhere the check is skipped, with the reason printed.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::signals::live_processes;
use super::{Exited, assert_succeeded_or_failed_in_one_line};

/// `nobody`'s user and group, whose processes count against the limit.
const NOBODY: &str = "65534";

/// How long a run under the limit may take before it counts as a hang.
const PATIENCE: Duration = Duration::from_secs(30);

/// Runs `bin args` as `nobody`, in a process group of its own, under `ulimit -u limit`; kills
/// the group if it has not ended within [`PATIENCE`] (then `code` is `None`).
pub fn run_with_thread_limit(bin: &str, limit: u32, args: &[&str]) -> Exited {
    let script = format!("ulimit -u {limit} && cd / && exec \"$0\" \"$@\"");
    let mut child = as_nobody()
        .args(["bash", "-c", &script, bin])
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env("TMPDIR", "/tmp")
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run setpriv: {e}"));
    let group = child.id();
    let start = Instant::now();
    let mut hung = false;
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > PATIENCE && !hung {
            Command::new("kill").args(["-KILL", "--", &format!("-{group}")]).status().unwrap();
            hung = true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    Exited {
        code: if hung {
            None
        } else {
            output.status.code().or(output.status.signal().map(|s| 128 + s))
        },
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Why runs as `nobody` cannot be tried here, if they cannot.
pub fn thread_limit_unavailable(bin: &str) -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root =
        status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if !root {
        return Some("not root: only root can drop to user nobody with setpriv".into());
    }
    match as_nobody().args(["test", "-x", bin]).status() {
        Err(e) => Some(format!("setpriv: {e}")),
        Ok(status) if !status.success() => Some(format!("user nobody cannot run {bin}")),
        Ok(_) if !processes_in_user(NOBODY).is_empty() => {
            Some("user nobody already runs processes, which count against the limit".into())
        }
        Ok(_) => None,
    }
}

/// Asserts that each command line, run under `ulimit -u` from 1 to 8 (from no thread at all
/// to a few), either succeeds or fails in one line with exit 1: no panic, no hang, and nothing
/// left running. Prints why it did nothing where it cannot be tried.
pub fn assert_thread_limits_fail_well(bin: &str, command_lines: &[&[&str]]) {
    if let Some(why) = thread_limit_unavailable(bin) {
        super::skip(&format!("{bin} under ulimit -u"), &why);
        return;
    }
    for limit in 1..=8 {
        for args in command_lines {
            let outcome = run_with_thread_limit(bin, limit, args);
            let context = format!("ulimit -u {limit}: {bin} {args:?}");
            assert!(outcome.code.is_some(), "hung: {context}: {outcome:?}");
            eprintln!("{context}: exit {:?} {}", outcome.code, outcome.stderr.trim_end());
            assert_succeeded_or_failed_in_one_line(&outcome);
            if outcome.code == Some(1) {
                assert!(outcome.stderr.starts_with("error: "), "{context}: {outcome:?}");
            }
            let left = left_running(NOBODY);
            assert!(left.is_empty(), "{context}: left running: {left:?}");
        }
    }
}

fn as_nobody() -> Command {
    let mut command = Command::new("setpriv");
    command.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"]);
    command
}

/// The pids of the live processes of user `uid` (the owner of their `/proc` entry).
fn processes_in_user(uid: &str) -> Vec<u32> {
    live_processes(|entry, _| entry.metadata().is_ok_and(|m| m.uid().to_string() == uid))
}

/// Waits up to 5 s, as a worker that outlives its parent takes a moment to notice, for user
/// `uid` to have nothing left running; returns what is left then.
fn left_running(uid: &str) -> Vec<u32> {
    let until = Instant::now() + Duration::from_secs(5);
    while !processes_in_user(uid).is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    processes_in_user(uid)
}
