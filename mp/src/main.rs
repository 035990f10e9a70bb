//! mp: the CPU-bound work of cpu_example, in separate processes.
//!
//! Translates `mp.py`. Each worker process is this same program started again (`Command`),
//! sending its result back on a pipe (the job of `multiprocessing.Queue`). Each process has its
//! own memory, and with `--features gil` its own GIL: the processes run at once, one per core;
//! the price is starting them. Also interpreters (a GIL each) and rayon, all giving one exact
//! total. Lesson: mp/README.md; the tutorials' `add-sub`, `count`, `start-cost`: scenarios.rs.
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
mod scenarios;
mod start_cost;
mod worker;

use std::process::{ExitCode, Stdio};
use std::time::Duration;

use args::{Cli, Mode, Plan};
use common::cli::{self, CommonArgs};
use common::error::Failure;
use common::gil::{self, Gil, Loop, Python};
use common::interpreters::{Finished, run_in_interpreters};
use common::outln;
use common::process::{self, Processes};
use common::program::{self, Program, exact};
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
    let mut procs = Processes::new(timeout); // if we give up, it kills every worker still running
    for index in 0..workers as usize {
        // multiprocessing.Process(target=worker, args=(n, queue)): this program, as a worker.
        let mut command = process::this_program()?; // Command::new(env::current_exe()?)
        command.args(worker::args(index, workers, Task::SumOfSquares { n }, common));
        command.stdout(Stdio::piped()); // the queue: the worker writes its result on this pipe
        let child = command.spawn().map_err(|e| Failure::WorkerStart(e.to_string()))?; // proc.start()
        procs.push(child)?;
    }
    // queue.get() for each worker, then proc.join(): each pipe read to its end, each child
    // waited for (`child.wait()`), the first that fails named (common/src/process/mod.rs).
    let (outputs, pids) = procs.join_all()?;
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
    program::main(|| {
        let cli: Cli = cli::parse()?;
        let program = Program::start(cli.program(), &cli.common)?;
        if let Some((index, task)) = worker::start(&cli.worker, cli.n)? {
            // A worker process: mp.py's `worker(n, queue)`, or a subcommand's (scenarios.rs).
            return Ok(worker::serve(&cli.worker, index, || match task {
                Task::SumOfSquares { n } => worker(n),
                task => scenarios::worker(task),
            }));
        }
        Ok(program.run(|program| match &cli.scenario {
            Some(scenario) => scenarios::run(scenario, program),
            None => run(&cli, program),
        }))
    })
}

/// mp.py's `main()`: each mode in turn, timed, every total checked.
fn run(cli: &Cli, program: &Program) -> Result<Report, Failure> {
    let Plan { n, workers, modes, timeout } = cli.plan(program)?; // sizes, limits (args.rs)
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
