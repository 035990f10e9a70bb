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
mod count;
mod start_cost;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::cli::{self, CommonArgs, limits};
use common::gil::{self, Gil, Python};
use common::interpreters::{Finished, InterpreterFailed, run_in_interpreters};
use common::process::{self, Failure};
use common::report::{Report, Run};
use common::timing::timed;
use common::workload::{expected_sum_of_squares, sum_of_squares};
use rayon::prelude::*;

/// The sum of squares in separate processes, each with its own memory (and GIL).
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
struct Cli {
    #[command(subcommand)]
    scenario: Option<Scenario>,

    /// Each worker sums the squares of 0..N (1 to 10^10)
    #[arg(long, default_value_t = 100_000_000, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_N))]
    n: u64,

    /// How many times the work is done: sequentially, then by that many processes, then by rayon
    /// (1 to 64) [default: the number of cores]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_PROCESSES))]
    workers: Option<u64>,

    /// Give up on the workers after this many seconds (1 to 86400)
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,

    /// Which modes to run, comma-separated [default: all four, in this order]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MODES")]
    modes: Vec<Mode>,

    /// Run as worker number INDEX: what the parent starts, not for use by hand
    #[arg(long, hide = true, value_name = "INDEX")]
    worker: Option<usize>,

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

    #[command(flatten)]
    common: CommonArgs,
}

/// The tutorials' other scenarios with processes.
#[derive(clap::Subcommand)]
enum Scenario {
    /// freeCodeCamp's add(a, b) and sub(a, b): one after the other, by two threads, by two processes
    AddSub(add_sub::Args),
    /// freeCodeCamp's count_up/count_down: sequential vs threads vs processes (25.8/24.5/8.3 s)
    Count(count::Args),
    /// The price of starting: a thread, a tokio task, an interpreter, a worker process, many times each
    StartCost(start_cost::Args),
}

/// The work a worker process does.
#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Task {
    SumOfSquares,
    Add,
    Sub,
    CountUp,
    CountDown,
    Nothing,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Mode {
    Sequential,
    Processes,
    Interpreters,
    Rayon,
}

/// Ways a worker can go wrong, to test that the parent copes (hidden from --help).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Fault {
    Panic,
    Exit,
    Kill,
    Hang,
    Garbage,
}

/// `def worker(n, queue): queue.put(sum_of_squares(n))`: runs in the child process.
fn worker(n: u64, fault: Option<Fault>) -> u128 {
    misbehave(fault);
    gil::attach(|py| sum_of_squares(n, py))
}

fn sequential(n: u64, workers: u64) -> Vec<u128> {
    gil::attach(|py| (0..workers).map(|_| sum_of_squares(n, py)).collect())
}

/// Starts the workers, then collects one result from each: `(results, pids)`.
fn processes(cli: &Cli, workers: u64) -> Result<(Vec<u128>, Vec<u32>), Failure> {
    let started =
        process::start_all((0..workers as usize).map(|index| worker_args(cli, index, workers)))?;
    let pids: Vec<u32> = started.iter().map(|w| w.pid).collect();
    let outputs = process::join_all(started, Duration::from_secs(cli.timeout))?;
    Ok((numbers(&outputs, &pids)?, pids))
}

/// Each worker's output, which must be one number; a worker that sent anything else is named.
fn numbers(outputs: &[String], pids: &[u32]) -> Result<Vec<u128>, Failure> {
    let mut results = Vec::new();
    for (index, output) in outputs.iter().enumerate() {
        match output.trim().parse::<u128>() {
            Ok(result) => results.push(result),
            Err(_) => {
                return Err(Failure::Worker {
                    index,
                    pid: pids[index],
                    what: format!("sent {:?}, which is not a number", truncate(output.trim())),
                });
            }
        }
    }
    Ok(results)
}

/// `def interpreters(n, workers)`: one thread per interpreter, each interpreter with its own GIL
/// (PEP 684), results back through a queue; returns them with the GILs' switches (none).
fn interpreters(cli: &Cli, workers: u64) -> Result<Finished<u128>, InterpreterFailed> {
    let own_gil = gil::global().map(Gil::config);
    run_in_interpreters(workers, own_gil, |index, py| {
        interpreter_fault(cli, index, workers);
        sum_of_squares(cli.n, py)
    })
}

/// What Rust would write: rayon's work-stealing thread pool, one job per worker.
fn with_rayon(n: u64, workers: u64) -> u128 {
    (0..workers)
        .into_par_iter()
        .map(|_| sum_of_squares(n, Python::native()))
        .sum()
}

fn main() -> ExitCode {
    let cli: Cli = cli::parse();
    let common = match &cli.scenario {
        Some(Scenario::AddSub(args)) => &args.common,
        Some(Scenario::Count(args)) => &args.common,
        Some(Scenario::StartCost(args)) => &args.common,
        None => &cli.common,
    };
    common.install_gil("mp");
    if let Some(index) = cli.worker {
        return worker_main(&cli, index);
    }
    let scenario = match &cli.scenario {
        Some(Scenario::AddSub(args)) => Some(add_sub::run(args)),
        Some(Scenario::Count(args)) => Some(count::run(args)),
        Some(Scenario::StartCost(args)) => Some(start_cost::run(args)),
        None => None,
    };
    match scenario {
        Some(Ok(())) => return ExitCode::SUCCESS,
        Some(Err(Failure::Interrupted)) => {
            eprintln!("error: {}", Failure::Interrupted);
            return ExitCode::from(130);
        }
        Some(Err(failure)) => return cli::runtime_error(&failure.to_string()),
        None => {}
    }
    let (n, workers) = (cli.n, cli.workers.unwrap_or_else(cli::cores));

    let expected = expected_sum_of_squares(n) * u128::from(workers);
    let mut report = Report::new("mp").size("n", n).size("workers", workers);
    let all = [
        Mode::Sequential,
        Mode::Processes,
        Mode::Interpreters,
        Mode::Rayon,
    ];
    for mode in all
        .into_iter()
        .filter(|m| cli.modes.is_empty() || cli.modes.contains(m))
    {
        let run = match mode {
            Mode::Sequential => {
                let (results, elapsed) = timed(|| sequential(n, workers));
                Run::new("sequential", elapsed)
                    .with("result", results.iter().sum::<u128>().to_string())
            }
            Mode::Processes => match timed(|| processes(&cli, workers)) {
                (Ok((results, pids)), elapsed) => Run::new("processes", elapsed)
                    .with("result", results.iter().sum::<u128>().to_string())
                    .with("pids", pids),
                (Err(Failure::Interrupted), _) => {
                    eprintln!("error: {}", Failure::Interrupted);
                    return ExitCode::from(130);
                }
                (Err(failure), _) => return cli::runtime_error(&failure.to_string()),
            },
            Mode::Interpreters => match timed(|| interpreters(&cli, workers)) {
                (Ok(done), elapsed) => Run::new("interpreters", elapsed)
                    .with("result", done.results.iter().sum::<u128>().to_string())
                    .with("gil_switches", done.switches),
                (Err(failure), _) => return cli::runtime_error(&failure.to_string()),
            },
            Mode::Rayon => {
                let (total, elapsed) = timed(|| with_rayon(n, workers));
                Run::new("rayon", elapsed).with("result", total.to_string())
            }
        };
        // Never print a wrong total as if it were right.
        if run.field("result") != Some(&expected.to_string().into()) {
            return cli::runtime_error(&format!(
                "wrong total from {}: {:?}, expected {expected}",
                run.mode,
                run.field("result")
            ));
        }
        report.push(run);
    }

    let conclusion = conclusion(&report, workers);
    match report.print(&cli.common, &conclusion) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => cli::runtime_error(&format!("could not write the timeline: {error}")),
    }
}

/// One or two sentences on what the numbers show: each mode against sequential.
fn conclusion(report: &Report, workers: u64) -> String {
    if report.runs.first().is_none_or(|r| r.mode != "sequential") {
        return "Every mode gave the exact total (add sequential to --modes to compare times)."
            .to_string();
    }
    let speedup = |mode: &str| {
        let first = report.runs[0].seconds;
        let run = report.runs.iter().find(|r| r.mode == mode)?;
        Some(first / run.seconds)
    };
    let mut sentences = Vec::new();
    if let Some(x) = speedup("processes").filter(|x| *x < 1.0) {
        sentences.push(format!(
            "{workers} processes were slower than sequential ({x:.2}x): at this --n, starting \
             them cost more than the work they shared."
        ));
    } else if let Some(x) = speedup("processes") {
        sentences.push(format!(
            "{workers} processes were {x:.2}x as fast as sequential: each has its own memory{}, \
             so they ran on the {} cores at once, paying for their start.",
            if gil::under_gil() {
                " and its own GIL"
            } else {
                ""
            },
            cli::cores(),
        ));
    }
    if let Some(x) = speedup("interpreters") {
        sentences.push(if gil::under_gil() {
            format!(
                "{workers} interpreters, one GIL each, were {x:.2}x as fast, in one process and \
                 with no process to start."
            )
        } else {
            format!(
                "{workers} interpreters were {x:.2}x as fast: with no GIL they are plain threads, \
                 with nothing to escape."
            )
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

/// The command line of worker `index`: the work, the GIL it runs under, any fault to inject.
fn worker_args(cli: &Cli, index: usize, workers: u64) -> Vec<String> {
    let mut args = vec![
        "--worker".to_string(),
        index.to_string(),
        "--n".to_string(),
        cli.n.to_string(),
    ];
    if let Some(ms) = cli.common.switch_interval {
        args.extend(["--switch-interval".to_string(), ms.to_string()]);
    }
    if let Some(python) = cli.common.python {
        args.extend(["--python".to_string(), python.as_str().to_string()]);
    }
    let faulty = cli.fault_worker.unwrap_or(workers as usize - 1);
    if let (Some(fault), true) = (cli.fault, index == faulty) {
        let name = format!("{fault:?}").to_lowercase();
        args.extend(["--fault".to_string(), name]);
    }
    args
}

/// The child's side: check that a parent started us, compute, write the result on the pipe.
fn worker_main(cli: &Cli, index: usize) -> ExitCode {
    if let Err(why) = process::become_worker() {
        return cli::runtime_error(&format!("--worker {index}: {why}"));
    }
    match cli.task {
        Task::SumOfSquares => println!("{}", worker(cli.n, cli.fault)),
        Task::Add => add_sub::worker("add", cli.unit_ms, cli.epoch_us),
        Task::Sub => add_sub::worker("sub", cli.unit_ms, cli.epoch_us),
        Task::CountUp => count::worker("count-up", cli.n),
        Task::CountDown => count::worker("count-down", cli.n),
        Task::Nothing => println!("started"),
    }
    ExitCode::SUCCESS
}

fn truncate(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Testing only: `--fault panic` makes interpreter `--fault-worker` (default: the last) raise.
fn interpreter_fault(cli: &Cli, index: usize, workers: u64) {
    let faulty = cli.fault_worker.unwrap_or(workers as usize - 1);
    if matches!(cli.fault, Some(Fault::Panic)) && index == faulty {
        panic!("worker told to panic (--fault panic)");
    }
}

/// Testing only: go wrong the way `fault` says.
fn misbehave(fault: Option<Fault>) {
    match fault {
        None => {}
        Some(Fault::Panic) => panic!("worker told to panic (--fault panic)"),
        Some(Fault::Exit) => {
            eprintln!("error: worker told to exit with code 3 (--fault exit)");
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
            println!("forty-two");
            std::process::exit(0)
        }
    }
}
