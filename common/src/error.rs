//! Why a run failed, the one error type of every program: each kind says what happened in one
//! line, and the program ends with exit code 1 (130 for Ctrl-C).

use std::fmt;

use crate::{interrupt, output, tr};

/// Why a run did not end with its report.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// A worker process failed; the others were killed.
    Worker { index: usize, pid: u32, what: String },
    /// The parent got Ctrl-C; every worker was killed.
    Interrupted,
    /// A worker process could not be started, or not all of them in time.
    WorkerStart(String),
    /// The OS refused to start a thread.
    ThreadStart(String),
    /// A thread running in an interpreter of its own failed (mp's interpreters mode).
    Interpreter(String),
    /// What a mode needs could not be set up: a runtime, the devices, a database, open files.
    Setup(String),
    /// A session, a query or another piece of I/O failed during the run.
    Io(String),
    /// A result that is not the exact one: never printed as if it were right.
    WrongResult(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Worker { index, pid, what } => f.write_str(&tr!(
                "failure-worker",
                index = *index,
                pid = *pid,
                what = what.as_str()
            )),
            Failure::Interrupted => f.write_str(&tr!("failure-interrupted")),
            Failure::WorkerStart(why) => {
                f.write_str(&tr!("failure-worker-start", why = why.as_str()))
            }
            Failure::ThreadStart(why) => {
                f.write_str(&tr!("failure-thread-start", why = why.as_str()))
            }
            Failure::Interpreter(why)
            | Failure::Setup(why)
            | Failure::Io(why)
            | Failure::WrongResult(why) => write!(f, "{why}"),
        }
    }
}

impl Failure {
    /// How a run that failed this way ends: one line on stderr, then exit code 130 for Ctrl-C
    /// (as a shell reports it) or 1.
    pub fn exit(&self) -> std::process::ExitCode {
        // After Ctrl-C, whatever failed next (a database whose file the handler removed under
        // it) is the interruption's doing: the handler is ending the program, with its one
        // line and 130; give it the time to, and say the same if it has not.
        if interrupt::interrupted() && *self != Failure::Interrupted {
            std::thread::sleep(std::time::Duration::from_secs(2));
            return Failure::Interrupted.exit();
        }
        output::error_line(&self.to_string());
        match self {
            Failure::Interrupted => std::process::ExitCode::from(interrupt::STATUS),
            _ => std::process::ExitCode::FAILURE,
        }
    }
}
