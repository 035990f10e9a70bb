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

/// This same program, ready to be started again as a worker: `Command::new` on the running
/// executable, with its stdin a pipe from the parent (a lifeline: when it closes, the parent is
/// gone and the worker stops) and its stderr piped (a failing worker's last words). The caller
/// adds the worker's arguments and pipes its stdout, then calls `spawn`.
pub fn this_program() -> Result<Command, Failure> {
    let exe = std::env::current_exe().map_err(|e| Failure::WorkerStart(e.to_string()))?;
    let mut command = Command::new(exe);
    command
        .env(PARENT_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped());
    Ok(command)
}

/// The worker processes of one mode, as strict as `multiprocessing.Pool`: pushed as they are
/// spawned, then joined with [`Processes::join_all`]. Whatever happens (an early return, a
/// panic), none outlives it: dropping it kills and reaps every worker still running.
pub struct Processes {
    workers: Vec<Worker>,
    until: Instant,
    timeout: Duration,
    /// Ctrl-C only raises a flag while workers run: this owner stops them, then says so.
    _graceful: Graceful,
}

impl Processes {
    /// No worker yet; `timeout` counts from now, the workers' start included.
    pub fn new(timeout: Duration) -> Self {
        Self {
            workers: Vec::new(),
            until: Instant::now() + timeout,
            timeout,
            _graceful: Graceful::new(),
        }
    }

    /// Keeps a worker just spawned (`proc.start()`) as the next in order; or, if Ctrl-C came
    /// or the timeout passed while they start, stops them all and says why.
    pub fn push(&mut self, mut child: Child) -> Result<(), Failure> {
        let index = self.workers.len();
        let lifeline = child.stdin.take();
        self.workers.push(Worker { index, pid: child.id(), child, _lifeline: lifeline });
        if interrupt::interrupted() {
            return Err(Failure::Interrupted);
        }
        if Instant::now() >= self.until {
            return Err(Failure::WorkerStart(format!(
                "only {index} workers had started within the timeout ({:.1} s)",
                self.timeout.as_secs_f64()
            )));
        }
        Ok(())
    }

    /// `queue.get()` for each worker, then `proc.join()`: everything each worker wrote on its
    /// stdout (read to its end by a thread per worker), each child waited for, in worker
    /// order, with their process ids. Gives up on the first failure, on Ctrl-C or at the
    /// timeout, killing and reaping every worker still running.
    pub fn join_all(mut self) -> Result<(Vec<String>, Vec<u32>), Failure> {
        let workers = std::mem::take(&mut self.workers);
        let pids = workers.iter().map(|w| w.pid).collect();
        Ok((join_all(workers, self.until, self.timeout)?, pids))
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        stop_all(&mut self.workers);
    }
}

/// Starts one worker per command line (this program again, with those arguments), numbered in
/// order, and waits for their outputs (see [`Processes::join_all`]): `(outputs, pids)`, or why
/// not. `timeout` counts from now, the workers' start included.
pub fn run_all(
    command_lines: impl IntoIterator<Item = Vec<String>>,
    timeout: Duration,
) -> Result<(Vec<String>, Vec<u32>), Failure> {
    let mut processes = Processes::new(timeout);
    for args in command_lines {
        if interrupt::interrupted() {
            return Err(Failure::Interrupted);
        }
        let mut command = this_program()?;
        command.args(args).stdout(Stdio::piped());
        let child = command.spawn().map_err(|e| Failure::WorkerStart(e.to_string()))?;
        processes.push(child)?;
    }
    processes.join_all()
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
