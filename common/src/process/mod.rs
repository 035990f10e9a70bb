//! Worker processes, `multiprocessing`'s way: this same program started again as a child
//! (`multiprocessing.Process` with the "spawn" start method), its one-line result sent back
//! through a pipe (the job of `multiprocessing.Queue`).
//!
//! The parent is as strict as CPython's `multiprocessing.Pool`: a worker that panics, exits with
//! an error, is killed, writes garbage or outlives the deadline is named (index and pid) with
//! what happened, the other workers are killed and reaped, and no total is printed. Ctrl-C on the
//! parent kills the workers too, and a worker whose parent dies stops on its own: it watches its
//! stdin, a pipe from the parent, and exits when the pipe closes.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;

mod child;
use std::time::{Duration, Instant};

pub use child::become_worker;

use crate::error::Failure;
use crate::interrupt::{self, Graceful};

/// Set by the parent in each worker's environment: the parent's pid.
pub const PARENT_ENV: &str = "CONCURRENCY_WORKER_PARENT";

/// A started worker process.
pub struct Worker {
    pub index: usize,
    pub pid: u32,
    child: Child,
    /// Held open while the worker runs: its closing tells the worker that the parent is gone.
    _lifeline: Option<ChildStdin>,
}

/// Starts this program again with `args`, as worker number `index`.
fn start(index: usize, args: &[String]) -> Result<Worker, Failure> {
    let exe = std::env::current_exe().map_err(|e| Failure::WorkerStart(e.to_string()))?;
    let mut child = Command::new(exe)
        .args(args)
        .env(PARENT_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::WorkerStart(e.to_string()))?;
    Ok(Worker { index, pid: child.id(), _lifeline: child.stdin.take(), child })
}

/// Starts one worker per command line, numbered in order, and waits for their outputs (see
/// `join_all`); `timeout` counts from now, the workers' start included. If a worker cannot
/// start, or Ctrl-C comes while they start, stops the ones already running and says why.
pub fn run_all(
    command_lines: impl IntoIterator<Item = Vec<String>>,
    timeout: Duration,
) -> Result<(Vec<String>, Vec<u32>), Failure> {
    let until = Instant::now() + timeout;
    let workers = start_all(command_lines, until)?;
    let pids = workers.iter().map(|w| w.pid).collect();
    Ok((join_all(workers, until, timeout)?, pids))
}

/// Starts one worker per command line, numbered in order; if one cannot start, Ctrl-C comes,
/// or the instant `until` passes, stops the ones already running and reports why.
fn start_all(
    command_lines: impl IntoIterator<Item = Vec<String>>,
    until: Instant,
) -> Result<Vec<Worker>, Failure> {
    let _graceful = Graceful::new();
    let mut workers = Vec::new();
    let begun = Instant::now();
    for (index, args) in command_lines.into_iter().enumerate() {
        let started = if interrupt::interrupted() {
            Err(Failure::Interrupted)
        } else if Instant::now() >= until {
            Err(Failure::WorkerStart(format!(
                "only {index} workers had started within the timeout ({:.1} s)",
                until.saturating_duration_since(begun).as_secs_f64()
            )))
        } else {
            start(index, &args)
        };
        match started {
            Ok(worker) => workers.push(worker),
            Err(failure) => {
                stop_all(&mut workers);
                return Err(failure);
            }
        }
    }
    Ok(workers)
}

/// Waits for every worker's output (all it wrote on stdout), in worker order; gives up on the
/// first failure, on Ctrl-C, or at the instant `until` (`timeout` after the first start),
/// killing and reaping every worker still running.
fn join_all(
    mut workers: Vec<Worker>,
    until: Instant,
    timeout: Duration,
) -> Result<Vec<String>, Failure> {
    let _graceful = Graceful::new();
    let (sender, results) = mpsc::channel();
    let mut unread = None;
    for worker in &mut workers {
        let (index, sender) = (worker.index, sender.clone());
        let stdout = worker.child.stdout.take();
        let stderr = worker.child.stderr.take();
        // One reader per worker: a worker blocked on a full pipe must never block the others.
        let reader =
            std::thread::Builder::new().name(format!("worker-{index}-reader")).spawn(move || {
                let out = stdout.map(read_all).unwrap_or_default();
                let err = stderr.map(read_all).unwrap_or_default();
                let _ = sender.send((index, out, err));
            });
        if let Err(error) = reader {
            unread = Some((index, error));
            break;
        }
    }
    drop(sender);
    if let Some((index, error)) = unread {
        // The readers already started end when their workers' pipes close.
        stop_all(&mut workers);
        return Err(Failure::ThreadStart(format!("{error} (to read worker {index})")));
    }

    let mut lines: Vec<Option<String>> = vec![None; workers.len()];
    let mut left = workers.len();
    let outcome = loop {
        if left == 0 {
            break Ok(());
        }
        if interrupt::interrupted() {
            break Err(Failure::Interrupted);
        }
        let now = Instant::now();
        if now >= until {
            let worker = workers
                .iter()
                .find(|w| lines[position(&workers, w.index)].is_none())
                .expect("a worker is still running");
            break Err(Failure::Worker {
                index: worker.index,
                pid: worker.pid,
                what: format!("gave no result within {:.1} s (hung?)", timeout.as_secs_f64()),
            });
        }
        // Wake up often enough to notice Ctrl-C.
        let slice = (until - now).min(Duration::from_millis(50));
        let Ok((index, out, err)) = results.recv_timeout(slice) else {
            continue;
        };
        let at = position(&workers, index);
        let worker = &mut workers[at];
        let status = wait_briefly(&mut worker.child);
        if status.is_some_and(was_interrupted) {
            // Ctrl-C reached the worker (the terminal signals the whole group) before us.
            break Err(Failure::Interrupted);
        }
        match check(status, &out, &err) {
            Ok(line) => {
                lines[at] = Some(line);
                left -= 1;
            }
            Err(what) => {
                break Err(Failure::Worker { index, pid: worker.pid, what });
            }
        }
    };
    // Whatever happened, no worker outlives this call.
    stop_all(&mut workers);
    outcome.map(|()| lines.into_iter().map(Option::unwrap_or_default).collect())
}

/// Kills every worker, then reaps them: all the signals first, so that none waits its turn.
fn stop_all(workers: &mut [Worker]) {
    for worker in workers.iter_mut() {
        let _ = worker.child.kill();
    }
    for worker in workers.iter_mut() {
        let _ = worker.child.wait();
    }
}

fn position(workers: &[Worker], index: usize) -> usize {
    workers.iter().position(|w| w.index == index).expect("results come from our own workers")
}

fn read_all(mut pipe: impl Read) -> String {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The worker closed its pipes, so it is exiting: wait for that, a little, then kill it.
fn wait_briefly(child: &mut Child) -> Option<ExitStatus> {
    let until = Instant::now() + Duration::from_secs(2);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(1)),
            _ => return None,
        }
    }
}

/// A worker succeeded if it exited with 0 after writing something.
fn check(status: Option<ExitStatus>, out: &str, err: &str) -> Result<String, String> {
    let last_error_line = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let said = if last_error_line.is_empty() {
        String::new()
    } else {
        format!(": {}", last_error_line.trim())
    };
    match status {
        None => return Err("closed its output but did not exit".to_string()),
        Some(status) => {
            if let Some(signal) = status.signal() {
                return Err(format!("was killed by signal {signal} ({})", signal_name(signal)));
            }
            if let Some(code) = status.code().filter(|&c| c != 0) {
                return Err(format!("exited with code {code}{said}"));
            }
        }
    }
    if out.trim().is_empty() {
        return Err(format!("exited without sending a result{said}"));
    }
    Ok(out.to_string())
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// A worker that Ctrl-C stopped: killed by SIGINT, or exited with 130 from its own handler.
fn was_interrupted(status: ExitStatus) -> bool {
    status.signal() == Some(2) || status.code() == Some(i32::from(interrupt::STATUS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_some_output_and_exit_code_zero() {
        let ok = ExitStatus::from_raw(0);
        assert_eq!(check(Some(ok), "285\n", ""), Ok("285\n".to_string()));
        assert!(check(Some(ok), " \n", "").unwrap_err().contains("without sending a result"));
        let code_3 = ExitStatus::from_raw(3 << 8);
        assert_eq!(
            check(Some(code_3), "", "error: boom\n"),
            Err("exited with code 3: error: boom".to_string())
        );
        let killed = ExitStatus::from_raw(9);
        assert_eq!(
            check(Some(killed), "", ""),
            Err("was killed by signal 9 (SIGKILL)".to_string())
        );
    }
}
