//! The plumbing of `mp`'s worker processes, kept out of the teaching files: the hidden options a
//! parent gives a worker, the worker's side of the pipe, and the faults the tests inject.
//!
//! `multiprocessing.Process(target=worker, args=(n, queue))` pickles the function and its
//! arguments for the child; here the parent starts this same program again with hidden options
//! (`--worker INDEX --task count-up --n …`), parsed back into a typed [`Task`], and the child
//! writes its one-line result on stdout, a pipe to the parent (`common::process`).

use std::process::ExitCode;
use std::time::Duration;

use clap::ValueEnum;
use common::cli::{self, CommonArgs};
use common::error::Failure;
use common::faults::{self, Fault};
use common::gil::{self, Loop};
use common::process;
use common::program;

/// The options only a parent gives its workers: hidden from `--help`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Run as worker number INDEX: what the parent starts, not for use by hand
    #[arg(long = "worker", hide = true, value_name = "INDEX")]
    index: Option<usize>,

    /// What a worker computes (set by the parent)
    #[arg(long, hide = true, value_enum, default_value = "sum-of-squares")]
    task: TaskName,

    /// add-sub workers: one tutorial second, in ms (set by the parent)
    #[arg(long, hide = true, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=50_000))]
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

/// What a worker process does, with what it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// mp.py's `worker(n, queue)`: the sum of squares of `0..n`.
    SumOfSquares { n: u64 },
    /// `mp count`'s `count_up(n)`.
    CountUp { n: u64 },
    /// `mp count`'s `count_down(n)`.
    CountDown { n: u64 },
    /// `mp add-sub`'s `add`, its lines timed from the parent's clock.
    Add { unit_ms: u64, epoch_us: u64 },
    /// `mp add-sub`'s `sub`.
    Sub { unit_ms: u64, epoch_us: u64 },
    /// `mp start-cost`: start, say so, end.
    Nothing,
}

/// How `--task` names a [`Task`] on the command line.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TaskName {
    SumOfSquares,
    CountUp,
    CountDown,
    Add,
    Sub,
    Nothing,
}

impl Task {
    /// The hidden options that tell a worker this task.
    fn args(self) -> Vec<String> {
        let (name, rest) = match self {
            Task::SumOfSquares { n } => (TaskName::SumOfSquares, vec![("--n", n)]),
            Task::CountUp { n } => (TaskName::CountUp, vec![("--n", n)]),
            Task::CountDown { n } => (TaskName::CountDown, vec![("--n", n)]),
            Task::Add { unit_ms, epoch_us } => {
                (TaskName::Add, vec![("--unit-ms", unit_ms), ("--epoch-us", epoch_us)])
            }
            Task::Sub { unit_ms, epoch_us } => {
                (TaskName::Sub, vec![("--unit-ms", unit_ms), ("--epoch-us", epoch_us)])
            }
            Task::Nothing => (TaskName::Nothing, vec![]),
        };
        let mut args = vec!["--task".to_string(), value_name(name)];
        for (flag, value) in rest {
            args.extend([flag.to_string(), value.to_string()]);
        }
        args
    }
}

/// In every process, first: in a parent, plans the faults the tests ask for; in a worker,
/// returns its index and its task (`n` is mp's own `--n`, which the counting tasks need).
pub fn start(args: &WorkerArgs, n: Option<u64>) -> Result<Option<(usize, Task)>, Failure> {
    let Some(index) = args.index else {
        if let Some(fault) = args.fault {
            faults::plan(fault, args.fault_worker);
        }
        return Ok(None);
    };
    let n = || n.ok_or_else(|| Failure::Usage(format!("--worker {index}: --n is missing")));
    let (unit_ms, epoch_us) = (args.unit_ms, args.epoch_us);
    let task = match args.task {
        TaskName::SumOfSquares => Task::SumOfSquares { n: n()? },
        TaskName::CountUp => Task::CountUp { n: n()? },
        TaskName::CountDown => Task::CountDown { n: n()? },
        TaskName::Add => Task::Add { unit_ms, epoch_us },
        TaskName::Sub => Task::Sub { unit_ms, epoch_us },
        TaskName::Nothing => Task::Nothing,
    };
    Ok(Some((index, task)))
}

/// The child's side: check that a parent started us, misbehave if a test said so, then `work`,
/// which writes its result on the pipe.
pub fn serve(args: &WorkerArgs, index: usize, work: impl FnOnce()) -> ExitCode {
    if let Err(why) = process::become_worker() {
        return cli::runtime_error(&format!("--worker {index}: {why}"));
    }
    if let Some(fault) = args.fault {
        faults::misbehave(fault);
    }
    work();
    ExitCode::SUCCESS
}

/// The arguments of worker `index` of `workers` doing `task`: the task, the GIL it runs
/// under (the parent's), and the fault a test planned for it, if any.
pub fn args(index: usize, workers: u64, task: Task, common: &CommonArgs) -> Vec<String> {
    let mut args = vec!["--worker".to_string(), index.to_string()];
    args.extend(task.args());
    args.extend(gil_args(common));
    if let Some(fault) = faults::for_worker(index, workers) {
        args.extend(["--fault".to_string(), value_name(fault)]);
    }
    args
}

/// `--timeout`, checked before any work when the processes mode runs: `workers` workers each
/// summing the squares of `0..n`, as many at a time as there are cores, must be able to finish
/// within it (an accepted run completes).
pub fn timeout(
    seconds: u64,
    processes_run: bool,
    n: u64,
    workers: u64,
) -> Result<Duration, Failure> {
    let timeout = Duration::from_secs(seconds);
    let rounds = workers.div_ceil(cli::cores().max(1));
    let estimate = program::estimate(Loop::SumOfSquares, u128::from(n) * u128::from(rounds));
    if processes_run && estimate > timeout {
        return Err(Failure::Usage(format!(
            "--timeout {seconds}: the processes mode would take about {:.0} s (--n x --workers); \
             raise --timeout, or choose a smaller --n",
            estimate.as_secs_f64()
        )));
    }
    Ok(timeout)
}

/// Starts one worker per task (worker `i` does `tasks[i]`) and waits for what each wrote on its
/// pipe: `(outputs, pids)`, or why not (`common::process::run_all`).
pub fn run_all(
    tasks: &[Task],
    common: &CommonArgs,
    timeout: Duration,
) -> Result<(Vec<String>, Vec<u32>), Failure> {
    let workers = tasks.len() as u64;
    let command_lines =
        tasks.iter().enumerate().map(|(index, &task)| args(index, workers, task, common));
    process::run_all(command_lines, timeout)
}

/// The GIL options a worker runs under: the parent's, with its pace's calibration.
fn gil_args(common: &CommonArgs) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(ms) = common.switch_interval {
        args.extend(["--switch-interval".to_string(), ms.to_string()]);
    }
    if let Some(python) = common.python {
        args.extend(["--python".to_string(), python.as_str().to_string()]);
    }
    if let Some(pace) = common.pace {
        args.extend(["--pace".to_string(), pace.as_str().to_string()]);
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
    value.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[arg(long)]
        n: Option<u64>,
        #[command(flatten)]
        worker: WorkerArgs,
    }

    /// What a parent writes, a worker reads back as the same task.
    #[test]
    fn every_task_crosses_the_command_line_unchanged() {
        let tasks = [
            Task::SumOfSquares { n: 7 },
            Task::CountUp { n: 8 },
            Task::CountDown { n: 9 },
            Task::Add { unit_ms: 3, epoch_us: 11 },
            Task::Sub { unit_ms: 4, epoch_us: 12 },
            Task::Nothing,
        ];
        for task in tasks {
            let mut line = vec!["mp".to_string(), "--worker".to_string(), "2".to_string()];
            line.extend(task.args());
            let cli = Cli::try_parse_from(&line).unwrap();
            assert_eq!(start(&cli.worker, cli.n), Ok(Some((2, task))), "{line:?}");
        }
    }

    #[test]
    fn an_unknown_task_is_refused() {
        let line = ["mp", "--worker", "0", "--task", "count-sideways", "--n", "5"];
        assert!(Cli::try_parse_from(line).is_err());
    }
}
