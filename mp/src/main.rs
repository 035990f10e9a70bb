//! mp: the CPU-bound work of cpu_example, in separate processes.
//!
//! Translates `mp.py`. `multiprocessing.Process` starts a new interpreter; here the program
//! starts copies of itself (hidden `--worker` flag, `worker.rs`), each sending its result back
//! on a pipe (the job of `multiprocessing.Queue`). Each process has its own memory, and with
//! `--features gil` its own GIL: the processes run at once, one per core; the price is starting
//! them. Also rayon, the way one would write it in Rust. Every mode returns the same exact total.
//!
//! The tutorials' other scenarios are subcommands: `add-sub`, `count`, `start-cost` (their files).
//!
//! Run with:
//! ```text
//! cargo run -p mp
//! cargo run -p mp --features gil
//! cargo run -p mp -- add-sub
//! cargo run -p mp --features gil -- count
//! cargo run --release -p mp -- start-cost
//! ```

mod add_sub;
mod args;
mod conclusion;
mod count;
mod start_cost;
mod worker;

use std::process::ExitCode;
use std::time::Duration;

use args::{Cli, Mode, Scenario};
use common::cli::{self, CommonArgs};
use common::error::Failure;
use common::gil::{self, Gil, Loop, Python};
use common::interpreters::{Finished, run_in_interpreters};
use common::outln;
use common::program::{Program, exact};
use common::report::{Report, Run};
use common::workload::expected_sum_of_squares;
use rayon::prelude::*;
use worker::Task;

fn sum_of_squares(n: u64, py: Python<'_>) -> u128 {
    let mut total = 0;
    // range(n), and at each backward jump the check point where every CPython may hand the GIL
    // over. New: in the GIL build each iteration also lasts what it lasts CPython (`py.range`).
    for i in py.range(Loop::SumOfSquares, n) {
        let i = u128::from(i);
        total += i * i;
    }
    total
}

/// Runs in the child process; `queue.put(...)` is one line on the pipe to the parent.
fn worker(n: u64) {
    outln!("{}", gil::attach(|py| sum_of_squares(n, py)));
}

fn sequential(n: u64, workers: u64) -> Vec<u128> {
    gil::attach(|py| (0..workers).map(|_| sum_of_squares(n, py)).collect())
}

/// Starts the workers, then collects one result from each, with their pids.
fn processes(
    n: u64,
    workers: u64,
    common: &CommonArgs,
    timeout: Duration,
) -> Result<(Vec<u128>, Vec<u32>), Failure> {
    let tasks = vec![Task::SumOfSquares { n }; workers as usize];
    let (outputs, pids) = worker::run_all(&tasks, common, timeout)?;
    Ok((worker::numbers(&outputs, &pids)?, pids))
}

// def interpreters_module(): no twin; the model has interpreters with a GIL each in every build.

/// A thread per interpreter, each with its own GIL (PEP 684): the results, and its switches (0).
fn interpreters(n: u64, workers: u64) -> Result<Finished<u128>, Failure> {
    let own_gil = gil::global().map(Gil::config);
    run_in_interpreters(workers, own_gil, |_index, py| sum_of_squares(n, py))
        .map_err(|failed| Failure::Interpreter(failed.to_string()))
}

// def timed(function, *args): `program.mode(name, function)`, shared by every program.

// New (not in mp.py): rayon's work-stealing thread pool, what one would really write in Rust.
fn with_rayon(n: u64, workers: u64) -> u128 {
    (0..workers).into_par_iter().map(|_| sum_of_squares(n, Python::native())).sum()
}

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    let program = Program::start("mp", &cli.common);
    if let Some((index, task)) = worker::start(&cli.worker, cli.n) {
        // A worker process (plumbing: worker.rs), doing the task its parent gave it.
        return worker::serve(&cli.worker, index, || match task {
            Task::SumOfSquares { n } => worker(n),
            Task::CountUp { n } => count::worker(count::count_up, n),
            Task::CountDown { n } => count::worker(count::count_down, n),
            Task::Add { unit_ms, epoch_us } => add_sub::worker(add_sub::add, unit_ms, epoch_us),
            Task::Sub { unit_ms, epoch_us } => add_sub::worker(add_sub::sub, unit_ms, epoch_us),
            Task::Nothing => start_cost::worker(),
        });
    }
    program.run(|program| match &cli.scenario {
        Some(Scenario::AddSub(args)) => add_sub::run(args, program),
        Some(Scenario::Count(args)) => count::run(args, program),
        Some(Scenario::StartCost(args)) => start_cost::run(args, program),
        None => run(&cli, program),
    })
}

/// mp.py's `main()`: each mode in turn, timed, every total checked.
fn run(cli: &Cli, program: &Program) -> Result<Report, Failure> {
    let n = cli.n.unwrap_or(program.default_size(5_000_000, 600_000_000));
    let workers = cli.workers.unwrap_or_else(cli::cores);
    let modes = cli::chosen(&Mode::ALL, &cli.modes);
    let iterations = modes.len() as u128 * u128::from(n) * u128::from(workers);
    program.limit(Loop::SumOfSquares, iterations, "--n x --workers");
    program.steps(modes.len());
    let timeout = worker::timeout(cli.timeout, modes.contains(&Mode::Processes), n, workers);
    let expected = expected_sum_of_squares(n) * u128::from(workers);
    let mut report =
        Report::new("mp").speedup_over("sequential").size("n", n).size("workers", workers);
    for mode in modes {
        let (results, run) = match mode {
            Mode::Sequential => {
                let (results, seconds) = program.mode("sequential", || sequential(n, workers));
                (results, Run::new("sequential", seconds))
            }
            Mode::Processes => {
                let processes = || processes(n, workers, program.args(), timeout);
                let ((results, pids), seconds) = program.try_mode("processes", processes)?;
                (results, Run::new("processes", seconds).with("pids", pids))
            }
            Mode::Interpreters => {
                let (done, secs) = program.try_mode("interpreters", || interpreters(n, workers))?;
                (done.results, Run::new("interpreters", secs).with("gil_switches", done.switches))
            }
            Mode::Rayon => {
                let (result, seconds) = program.mode("rayon", || with_rayon(n, workers));
                (vec![result], Run::new("rayon", seconds))
            }
        };
        // assert len({run["result"] for run in runs}) == 1, and that it is the right one:
        let total = exact(&format!("total from {}", run.mode), results.iter().sum(), expected)?;
        report.push(run.with("result", total.to_string()));
    }
    report.conclude(conclusion::conclusion(&report, workers));
    Ok(report)
}
