//! Faults injected on purpose, for the tests of how a program fails (`mp`'s hidden `--fault`):
//! a worker process or an interpreter told to misbehave. Test machinery, kept here at the
//! engine's seams so that no teaching function carries it.
//!
//! The parent plans a fault once ([`plan`]); the engine consults the plan where the work is
//! handed out: [`for_worker`] when a worker's command line is built, and
//! [`crate::interpreters::run_in_interpreters`] before an interpreter runs its work.

use std::sync::OnceLock;
use std::time::Duration;

/// Ways a worker can go wrong, to test that the parent copes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Fault {
    /// Panic (an interpreter raises; a worker process exits with a panic's message).
    Panic,
    /// Exit with code 3.
    Exit,
    /// Be killed by SIGKILL.
    Kill,
    /// Never answer.
    Hang,
    /// Answer something that is not a result.
    Garbage,
}

/// The planned fault, and which worker gets it (`None`: the last).
static PLAN: OnceLock<(Fault, Option<usize>)> = OnceLock::new();

/// Plans `fault` for worker `worker` (the last, if `None`); the first plan wins.
pub fn plan(fault: Fault, worker: Option<usize>) {
    let _ = PLAN.set((fault, worker));
}

/// The fault planned for worker `index` of `workers`, if any.
pub fn for_worker(index: usize, workers: u64) -> Option<Fault> {
    let &(fault, worker) = PLAN.get()?;
    (index == worker.unwrap_or((workers as usize).saturating_sub(1))).then_some(fault)
}

/// In a worker process: go wrong the way `fault` says.
pub fn misbehave(fault: Fault) {
    match fault {
        Fault::Panic => panic!("worker told to panic (--fault panic)"),
        Fault::Exit => {
            crate::output::error_line("worker told to exit with code 3 (--fault exit)");
            std::process::exit(3)
        }
        Fault::Kill => {
            let me = std::process::id().to_string();
            let _ = std::process::Command::new("kill").args(["-KILL", &me]).status();
            std::thread::sleep(Duration::from_secs(3600));
        }
        Fault::Hang => std::thread::sleep(Duration::from_secs(3600)),
        Fault::Garbage => {
            crate::outln!("forty-two");
            std::process::exit(0)
        }
    }
}

/// In interpreter `index` of `count`: a planned `--fault panic` raises, as a worker would.
pub(crate) fn in_interpreter(index: usize, count: u64) {
    if for_worker(index, count) == Some(Fault::Panic) {
        misbehave(Fault::Panic);
    }
}
