//! Why a run failed, the one error type of every program: each kind says what happened in one
//! line, and carries its exit code up to `main` ([`Failure::exit`]): 2 for bad input, 1 at run
//! time, 130 for Ctrl-C. Nothing below `main` ends the process, but for what must end without
//! returning: the Ctrl-C handler, a worker whose parent is gone, a fault injected on purpose,
//! and a write to stdout that fails (`output`).

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
    /// Bad input, refused before any work: exit code 2, said in English as clap's own errors.
    Usage(String),
    /// A write to stdout failed: a closed pipe (`| head -1`) ends quietly with 141, as `cat`
    /// does; anything else (`> /dev/full`) is one line and exit code 1.
    Output { broken_pipe: bool, why: String },
    /// Not a failure: `--help` or `--version` asked, this text to print on stdout, exit code 0
    /// (clap counts them among its errors too, `ErrorKind::DisplayHelp`).
    Help(String),
}

impl std::error::Error for Failure {}

impl From<std::io::Error> for Failure {
    /// A write to stdout that failed (the one kind of I/O error that reaches `main` unnamed).
    fn from(error: std::io::Error) -> Self {
        let broken_pipe = error.kind() == std::io::ErrorKind::BrokenPipe;
        Failure::Output { broken_pipe, why: error.to_string() }
    }
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
            | Failure::WrongResult(why)
            | Failure::Usage(why)
            | Failure::Help(why) => write!(f, "{why}"),
            Failure::Output { why, .. } => write!(f, "could not write the output: {why}"),
        }
    }
}

impl Failure {
    /// The exit code a run that failed this way ends with: 2 for bad input, 130 for Ctrl-C (as
    /// a shell reports it), 0 for `--help`, else 1.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Interrupted => interrupt::STATUS,
            Failure::Help(_) => 0,
            Failure::Output { broken_pipe: true, .. } => output::BROKEN_PIPE_STATUS as u8,
            _ => 1,
        }
    }

    /// How a run that failed this way ends, in `main`: one line on stderr (bad input in English,
    /// as clap's own errors), or `--help`'s text on stdout; then [`Failure::code`].
    pub fn exit(&self) -> std::process::ExitCode {
        // After Ctrl-C, whatever failed next (a database whose file the handler removed under
        // it) is the interruption's doing: the handler is ending the program, with its one
        // line and 130; give it the time to, and say the same if it has not.
        let interruption =
            !matches!(self, Failure::Interrupted | Failure::Usage(_) | Failure::Help(_));
        if interruption && interrupt::interrupted() {
            std::thread::sleep(std::time::Duration::from_secs(2));
            return Failure::Interrupted.exit();
        }
        match self {
            Failure::Help(text) => {
                if let Err(error) = output::try_print(text) {
                    return output::failed(&error);
                }
            }
            Failure::Usage(why) => {
                crate::lang::with_lang(crate::lang::Lang::En, || output::error_line(why));
            }
            Failure::Output { broken_pipe: true, .. } => {}
            failure => output::error_line(&failure.to_string()),
        }
        std::process::ExitCode::from(self.code())
    }
}
