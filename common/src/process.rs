//! Worker processes, `multiprocessing`'s way: this same program started again as a child
//! (`multiprocessing.Process` with the "spawn" start method), its one-line result sent back
//! through a pipe (the job of `multiprocessing.Queue`).
//!
//! The parent is as strict as CPython's `multiprocessing.Pool`: a worker that panics, exits with
//! an error, is killed, writes garbage or outlives the deadline is named (index and pid) with
//! what happened, the other workers are killed and reaped, and no total is printed. Ctrl-C on the
//! parent kills the workers too, and a worker whose parent dies stops on its own: it watches its
//! stdin, a pipe from the parent, and exits when the pipe closes.

use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::time::{Duration, Instant};

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

/// Why the workers did not all return a result.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// A worker failed; the others were killed.
    Worker {
        index: usize,
        pid: u32,
        what: String,
    },
    /// The parent got Ctrl-C; every worker was killed.
    Interrupted,
    /// A worker could not be started.
    Start(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Worker { index, pid, what } => {
                write!(
                    f,
                    "worker {index} (pid {pid}) {what}; the other workers were stopped"
                )
            }
            Failure::Interrupted => write!(f, "interrupted; every worker was stopped"),
            Failure::Start(why) => write!(f, "could not start a worker process: {why}"),
        }
    }
}

/// Starts this program again with `args`, as worker number `index`.
pub fn start(index: usize, args: &[String]) -> Result<Worker, Failure> {
    watch_for_ctrl_c();
    let exe = std::env::current_exe().map_err(|e| Failure::Start(e.to_string()))?;
    let mut child = Command::new(exe)
        .args(args)
        .env(PARENT_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Start(e.to_string()))?;
    Ok(Worker {
        index,
        pid: child.id(),
        _lifeline: child.stdin.take(),
        child,
    })
}

/// Starts one worker per command line, numbered in order; if one cannot start, stops the ones
/// already running and reports why.
pub fn start_all(
    command_lines: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<Worker>, Failure> {
    let mut workers = Vec::new();
    for (index, args) in command_lines.into_iter().enumerate() {
        match start(index, &args) {
            Ok(worker) => workers.push(worker),
            Err(failure) => {
                let _ = join_all(workers, Duration::ZERO);
                return Err(failure);
            }
        }
    }
    Ok(workers)
}

/// Waits for every worker's output (all it wrote on stdout), in worker order; gives up on the first failure or
/// at `deadline` (counted from now), killing and reaping every worker still running.
pub fn join_all(mut workers: Vec<Worker>, deadline: Duration) -> Result<Vec<String>, Failure> {
    let (sender, results) = mpsc::channel();
    for worker in &mut workers {
        let (index, sender) = (worker.index, sender.clone());
        let stdout = worker.child.stdout.take();
        let stderr = worker.child.stderr.take();
        // One reader per worker: a worker blocked on a full pipe must never block the others.
        std::thread::spawn(move || {
            let out = stdout.map(read_all).unwrap_or_default();
            let err = stderr.map(read_all).unwrap_or_default();
            let _ = sender.send((index, out, err));
        });
    }
    drop(sender);

    let until = Instant::now() + deadline;
    let mut lines: Vec<Option<String>> = vec![None; workers.len()];
    let mut left = workers.len();
    let outcome = loop {
        if left == 0 {
            break Ok(());
        }
        if interrupted() {
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
                what: format!(
                    "gave no result within {:.1} s (hung?)",
                    deadline.as_secs_f64()
                ),
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
        match check(status, &out, &err) {
            Ok(line) => {
                lines[at] = Some(line);
                left -= 1;
            }
            Err(what) => {
                break Err(Failure::Worker {
                    index,
                    pid: worker.pid,
                    what,
                });
            }
        }
    };
    // Whatever happened, no worker outlives this call.
    for worker in &mut workers {
        let _ = worker.child.kill();
        let _ = worker.child.wait();
    }
    outcome.map(|()| lines.into_iter().map(Option::unwrap_or_default).collect())
}

fn position(workers: &[Worker], index: usize) -> usize {
    workers
        .iter()
        .position(|w| w.index == index)
        .expect("results come from our own workers")
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
    let last_error_line = err
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let said = if last_error_line.is_empty() {
        String::new()
    } else {
        format!(": {}", last_error_line.trim())
    };
    match status {
        None => return Err("closed its output but did not exit".to_string()),
        Some(status) => {
            if let Some(signal) = status.signal() {
                return Err(format!(
                    "was killed by signal {signal} ({})",
                    signal_name(signal)
                ));
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

/// Set when the parent gets Ctrl-C (SIGINT) or SIGTERM.
fn interrupted() -> bool {
    INTERRUPTED
        .get()
        .is_some_and(|flag| flag.load(Ordering::Relaxed))
}

static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Installs, once, a Ctrl-C handler that only raises a flag: `join_all` sees it, kills the
/// workers and returns [`Failure::Interrupted`].
fn watch_for_ctrl_c() {
    INTERRUPTED.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = Arc::clone(&flag);
        // If another handler is installed already, Ctrl-C keeps its default: the terminal sends
        // it to the whole process group, workers included.
        let _ = ctrlc::set_handler(move || raised.store(true, Ordering::Relaxed));
        flag
    });
}

/// In a worker: checks that a parent started it, and stops the worker when that parent dies.
/// Returns an error, for the user, when the worker was started by hand.
pub fn become_worker() -> Result<(), String> {
    let parent = std::env::var(PARENT_ENV)
        .ok()
        .and_then(|p| p.parse::<u32>().ok());
    if parent != Some(std::os::unix::process::parent_id()) {
        return Err(
            "this is a worker process: the parent program starts it, with a pipe to \
                    read its result; run the program without --worker"
                .to_string(),
        );
    }
    // A panic reaches the parent as one line on stderr, which it quotes, not as a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or("(no message)");
        eprintln!("error: worker panicked: {message}");
    }));
    // The parent holds our stdin open and never writes: end of file means it is gone.
    std::thread::spawn(|| {
        let mut lifeline = BufReader::new(io::stdin());
        let mut line = String::new();
        let _ = lifeline.read_line(&mut line);
        std::process::exit(1);
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_some_output_and_exit_code_zero() {
        let ok = ExitStatus::from_raw(0);
        assert_eq!(check(Some(ok), "285\n", ""), Ok("285\n".to_string()));
        assert!(
            check(Some(ok), " \n", "")
                .unwrap_err()
                .contains("without sending a result")
        );
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
