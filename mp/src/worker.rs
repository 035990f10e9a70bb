//! The plumbing of `mp`'s worker processes, kept out of the teaching file: the hidden options a
//! parent gives a worker, the worker's side of the pipe, and the faults the tests inject.
//!
//! `multiprocessing.Process(target=worker, args=(n, queue))` pickles the function and its
//! arguments for the child; here the parent starts this same program again with hidden options
//! (`--worker INDEX --task … --n …`), and the child writes its one-line result on stdout, a pipe
//! to the parent (`common::process`).

use std::process::ExitCode;
use std::time::Duration;

use clap::ValueEnum;
use common::cli::{self, CommonArgs};
use common::gil;
use common::process::{self, Failure};

/// The options only a parent gives its workers: hidden from `--help`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Run as worker number INDEX: what the parent starts, not for use by hand
    #[arg(long, hide = true, value_name = "INDEX")]
    pub worker: Option<usize>,

    /// What a worker computes (set by the parent)
    #[arg(long, hide = true, value_enum, default_value = "sum-of-squares")]
    task: Task,

    /// add-sub workers: one tutorial second, in ms (set by the parent)
    #[arg(long, hide = true, default_value_t = 10)]
    unit_ms: u64,

    /// add-sub workers: the parent's clock, in µs since 1970 (set by the parent)
    #[arg(long, hide = true, default_value_t = 0)]
    epoch_us: u64,

    /// Testing only: make a worker misbehave
    #[arg(long, hide = true, value_enum)]
    fault: Option<Fault>,

    /// Testing only: which worker gets --fault [default: the last]
    #[arg(long, hide = true)]
    fault_worker: Option<usize>,
}

/// The work a worker process does.
#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Task {
    SumOfSquares,
    Add,
    Sub,
    CountUp,
    CountDown,
    Nothing,
}

/// Ways a worker can go wrong, to test that the parent copes (hidden from --help).
#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
enum Fault {
    Panic,
    Exit,
    Kill,
    Hang,
    Garbage,
}

/// The command line of worker `index` of `workers` summing squares of `0..n`: the work, the
/// GIL it runs under, any fault to inject.
pub fn command_line(
    n: u64,
    index: usize,
    workers: u64,
    common: &CommonArgs,
    faults: &WorkerArgs,
) -> Vec<String> {
    let mut args = vec![
        "--worker".to_string(),
        index.to_string(),
        "--n".to_string(),
        n.to_string(),
    ];
    args.extend(gil_args(common));
    if let (Some(fault), true) = (faults.fault, faults.is_faulty(index, workers)) {
        args.extend(["--fault".to_string(), value_name(fault)]);
    }
    args
}

/// The GIL options a worker runs under: the parent's, with its pace's calibration.
pub fn gil_args(common: &CommonArgs) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(ms) = common.switch_interval {
        args.extend(["--switch-interval".to_string(), ms.to_string()]);
    }
    if let Some(python) = common.python {
        args.extend(["--python".to_string(), python.as_str().to_string()]);
    }
    if let Some(pace) = common.pace {
        args.extend(["--pace".to_string(), value_name(pace)]);
    }
    if gil::paced() {
        // The parent's calibration, so that the workers keep its pace without measuring it again.
        let units = gil::pace::units_per_ns();
        args.extend(["--spin-units-per-ns".to_string(), units.to_string()]);
    }
    args
}

/// How a value is written on the command line: its name for clap, which parses it back.
fn value_name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

impl WorkerArgs {
    fn is_faulty(&self, index: usize, workers: u64) -> bool {
        index == self.fault_worker.unwrap_or(workers as usize - 1)
    }

    /// Testing only: `--fault panic` makes interpreter `--fault-worker` (default: the last)
    /// raise, as a worker process would.
    pub fn interpreter_fault(&self, index: usize, workers: u64) {
        if self.fault == Some(Fault::Panic) && self.is_faulty(index, workers) {
            panic!("worker told to panic (--fault panic)");
        }
    }
}

/// The child's side: check that a parent started us, then do the task, which writes its result
/// on the pipe.
pub fn main(args: &WorkerArgs, n: u64, index: usize) -> ExitCode {
    if let Err(why) = process::become_worker() {
        return cli::runtime_error(&format!("--worker {index}: {why}"));
    }
    misbehave(args.fault);
    match args.task {
        Task::SumOfSquares => crate::worker(n),
        Task::Add => crate::add_sub::worker("add", args.unit_ms, args.epoch_us),
        Task::Sub => crate::add_sub::worker("sub", args.unit_ms, args.epoch_us),
        Task::CountUp => crate::count::worker("count-up", n),
        Task::CountDown => crate::count::worker("count-down", n),
        Task::Nothing => common::outln!("started"),
    }
    ExitCode::SUCCESS
}

/// Each worker's output, which must be one number; a worker that sent anything else is named.
pub fn numbers(outputs: &[String], pids: &[u32]) -> Result<Vec<u128>, Failure> {
    let mut results = Vec::new();
    for (index, output) in outputs.iter().enumerate() {
        match output.trim().parse::<u128>() {
            Ok(result) => results.push(result),
            Err(_) => {
                let shown: String = output.trim().chars().take(60).collect();
                return Err(Failure::Worker {
                    index,
                    pid: pids[index],
                    what: format!("sent {shown:?}, which is not a number"),
                });
            }
        }
    }
    Ok(results)
}

/// Testing only: go wrong the way `fault` says.
fn misbehave(fault: Option<Fault>) {
    match fault {
        None => {}
        Some(Fault::Panic) => panic!("worker told to panic (--fault panic)"),
        Some(Fault::Exit) => {
            common::output::error_line("worker told to exit with code 3 (--fault exit)");
            std::process::exit(3)
        }
        Some(Fault::Kill) => {
            let me = std::process::id().to_string();
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &me])
                .status();
            std::thread::sleep(Duration::from_secs(3600));
        }
        Some(Fault::Hang) => std::thread::sleep(Duration::from_secs(3600)),
        Some(Fault::Garbage) => {
            common::outln!("forty-two");
            std::process::exit(0)
        }
    }
}
