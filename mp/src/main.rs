//! mp: the CPU-bound work of cpu_example, in separate processes.
//!
//! Translates `mp.py`. `multiprocessing.Process` starts a new interpreter; here the program
//! starts copies of itself (hidden `--worker` flag), each computing one share of the work and
//! writing its result on a pipe back to the parent (the job of `multiprocessing.Queue`). Each
//! process has its own memory, and with `--features gil` its own GIL: the processes run at the
//! same time, one per core, GIL or not. The price is starting them.
//!
//! The program also does the same work with rayon, the way one would really write it in Rust
//! (threads, since Rust has no GIL to escape), and sequentially. Every mode returns the same
//! exact total.
//!
//! The tutorials' other process scenarios are subcommands, each in its own file:
//! `add-sub` (add_sub.rs), `count` (count.rs) and `start-cost` (start_cost.rs).
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
mod count;
mod start_cost;
mod worker;

use std::process::ExitCode;
use std::time::Duration;

use args::{Cli, Mode, Scenario};
use common::cli;
use common::gil::{self, Gil, Loop, Python};
use common::interpreters::{Finished, run_in_interpreters};
use common::outln;
use common::process::{self, Failure};
use common::progress::Progress;
use common::report::{self, Outcome, Report, Run};
use common::timing::timed;
use common::workload::{expected_sum_of_squares, sum_of_squares};
use rayon::prelude::*;

// def sum_of_squares(n): lives in `common::workload`, because cpu_example does the same work.

/// `def worker(n, queue): queue.put(sum_of_squares(n))`: runs in the child process; the queue is
/// the pipe to the parent, one line.
fn worker(n: u64) {
    outln!("{}", gil::attach(|py| sum_of_squares(n, py)));
}

fn sequential(n: u64, workers: u64) -> Vec<u128> {
    gil::attach(|py| (0..workers).map(|_| sum_of_squares(n, py)).collect())
}

/// Starts the workers, then collects one result from each: `(results, pids)`.
fn processes(cli: &Cli, n: u64, workers: u64) -> Result<(Vec<u128>, Vec<u32>), Failure> {
    let command_lines = (0..workers as usize)
        .map(|index| worker::command_line(n, index, workers, &cli.common, &cli.process));
    let (outputs, pids) = process::run_all(command_lines, Duration::from_secs(cli.timeout))?;
    Ok((worker::numbers(&outputs, &pids)?, pids))
}

/// `def interpreters(n, workers)`: one thread per interpreter, each interpreter with its own GIL
/// (PEP 684), results back through a queue; returns them with the GILs' switches (none).
fn interpreters(cli: &Cli, n: u64, workers: u64) -> Result<Finished<u128>, Failure> {
    let own_gil = gil::global().map(Gil::config);
    run_in_interpreters(workers, own_gil, |index, py| {
        cli.process.interpreter_fault(index, workers);
        sum_of_squares(n, py)
    })
    .map_err(|failed| Failure::Run(failed.to_string()))
}

// def timed(function, *args): lives in `common::timing`, shared by every program.

// New (not in mp.py): rayon's work-stealing thread pool, what one would really write in Rust.
fn with_rayon(n: u64, workers: u64) -> u128 {
    (0..workers)
        .into_par_iter()
        .map(|_| sum_of_squares(n, Python::native()))
        .sum()
}

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    cli.common.install_gil("mp");
    if let Some(index) = cli.process.worker {
        return worker::main(&cli.process, cli.n.unwrap_or(0), index);
    }
    let outcome = match &cli.scenario {
        Some(Scenario::AddSub(args)) => add_sub::run(args, &cli.common),
        Some(Scenario::Count(args)) => count::run(args, &cli.common),
        Some(Scenario::StartCost(args)) => start_cost::run(args, &cli.common),
        None => run(&cli),
    };
    report::finish(outcome, &cli.common)
}

/// mp.py's `main()`: each mode in turn, timed, every total checked.
fn run(cli: &Cli) -> Outcome {
    let n = cli
        .n
        .unwrap_or_else(|| gil::default_size(5_000_000, 100_000_000));
    let workers = cli.workers.unwrap_or_else(cli::cores);
    let expected = expected_sum_of_squares(n) * u128::from(workers);
    let mut report = Report::new("mp")
        .speedup_over("sequential")
        .size("n", n)
        .size("workers", workers);
    let modes = cli::chosen(
        &[
            Mode::Sequential,
            Mode::Processes,
            Mode::Interpreters,
            Mode::Rayon,
        ],
        &cli.modes,
    );
    let iterations = modes.len() as u128 * u128::from(n) * u128::from(workers);
    cli::within_an_hour(
        gil::estimate(Loop::SumOfSquares, iterations),
        "--n x --workers",
    );
    let progress = Progress::new(&cli.common, "mp", modes.len() as u64);
    for mode in modes {
        let run = match mode {
            Mode::Sequential => {
                progress.step("sequential");
                let (results, elapsed) = timed(|| sequential(n, workers));
                Run::new("sequential", elapsed)
                    .with("result", results.iter().sum::<u128>().to_string())
            }
            Mode::Processes => {
                progress.step("processes");
                let (outcome, elapsed) = timed(|| processes(cli, n, workers));
                let (results, pids) = outcome?;
                Run::new("processes", elapsed)
                    .with("result", results.iter().sum::<u128>().to_string())
                    .with("pids", pids)
            }
            Mode::Interpreters => {
                progress.step("interpreters");
                let (outcome, elapsed) = timed(|| interpreters(cli, n, workers));
                let done = outcome?;
                Run::new("interpreters", elapsed)
                    .with("result", done.results.iter().sum::<u128>().to_string())
                    .with("gil_switches", done.switches)
            }
            Mode::Rayon => {
                progress.step("rayon");
                let (total, elapsed) = timed(|| with_rayon(n, workers));
                Run::new("rayon", elapsed).with("result", total.to_string())
            }
        };
        // Never print a wrong total as if it were right.
        if run.field("result") != Some(&expected.to_string().into()) {
            return Err(Failure::Run(format!(
                "wrong total from {}: {:?}, expected {expected}",
                run.mode,
                run.field("result")
            )));
        }
        report.push(run);
    }
    drop(progress);
    let conclusion = conclusion(&report, workers);
    Ok((report, conclusion))
}

// New (not in mp.py, which prints one fixed line): what the numbers of this run show.
fn conclusion(report: &Report, workers: u64) -> String {
    if report.runs.first().is_none_or(|r| r.mode != "sequential") {
        return "Every mode gave the exact total (add sequential to --modes to compare times)."
            .to_string();
    }
    let ran = |mode: &str| report.runs.iter().any(|r| r.mode == mode);
    let speedup = |mode: &str| ran(mode).then(|| report.speedup(mode, "sequential"));
    let own_gil = if gil::under_gil() {
        " and its own GIL"
    } else {
        ""
    };
    let mut sentences = Vec::new();
    match speedup("processes") {
        Some(x) if x < 1.0 => sentences.push(format!(
            "{workers} processes were slower than sequential ({x:.2}x): at this --n, starting \
             them cost more than the work they shared."
        )),
        Some(x) => sentences.push(format!(
            "{workers} processes were {x:.2}x as fast as sequential: each has its own \
             memory{own_gil}, so they ran on the {} cores at once, paying for their start.",
            cli::cores()
        )),
        None => {}
    }
    if let Some(x) = speedup("interpreters") {
        sentences.push(if gil::under_gil() {
            format!(
                "{workers} interpreters, one GIL each, were {x:.2}x as fast, in one process and \
                 with no process to start."
            )
        } else {
            format!("{workers} interpreters were {x:.2}x as fast: with no GIL, plain threads.")
        });
    }
    if let Some(x) = speedup("rayon") {
        sentences.push(format!(
            "rayon ({x:.2}x) needs no processes: Rust threads have no GIL to escape."
        ));
    }
    if sentences.is_empty() {
        sentences.push("Only sequential ran: nothing to compare it with.".to_string());
    }
    sentences.join(" ")
}
