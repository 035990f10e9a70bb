//! `mp`'s command line: what `argparse` does in `mp.py`'s `main()`, with the tutorials' other
//! scenarios as subcommands.

use std::time::Duration;

use clap::Parser;
use common::cli::{self, CommonArgs, limits};
use common::error::Failure;
use common::gil::Loop;
use common::program::Program;

use crate::{add_sub, count, start_cost, worker};

/// The sum of squares in separate processes, each with its own memory (and GIL).
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(estimated from the cost of an iteration: 0.75 ns natively, 30 to 90 ns at CPython's pace; four \
modes). Longer than a second, a run shows its progress on a terminal's stderr.")]
pub struct Cli {
    #[command(subcommand)]
    pub scenario: Option<Scenario>,

    /// Each worker sums the squares of 0..N (1 to 10^10) [default: 5000000, mp.py's, at
    /// CPython's pace (the GIL build); natively 600000000, a third to two thirds of a second a
    /// mode in a release build: Rust does an iteration in about a nanosecond, CPython in tens]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_N))]
    pub n: Option<u64>,

    /// How many times the work is done: sequentially, then by that many processes, then by rayon
    /// (1 to 64) [default: the number of cores]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_PROCESSES))]
    pub workers: Option<u64>,

    /// Give up on the workers after this many seconds, counted from their start (1 to 86400)
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,

    /// Which modes to run, comma-separated [default: all four, in this order]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MODES")]
    pub modes: Vec<Mode>,

    #[command(flatten)]
    pub worker: worker::WorkerArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// The tutorials' other scenarios with processes.
#[derive(clap::Subcommand)]
pub enum Scenario {
    /// freeCodeCamp's add(a, b) and sub(a, b): one after the other, by two threads, by two processes
    #[command(allow_negative_numbers = true)]
    #[command(
        after_help = "Limits: --unit-ms at most 50000; a run lasts 70 units (30 + 20 + 20), \
so the largest takes about 58 minutes."
    )]
    AddSub(add_sub::Args),
    /// freeCodeCamp's count_up/count_down: sequential vs threads vs processes (25.8/24.5/8.3 s)
    #[command(allow_negative_numbers = true)]
    #[command(
        after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(three modes of 2 x N iterations, 0.75 ns each natively, 20 to 50 ns at CPython's pace)."
    )]
    Count(count::Args),
    /// The price of starting: a thread, a tokio task, an interpreter, a worker process, many times each
    #[command(allow_negative_numbers = true)]
    #[command(after_help = "Limits: --starts at most 100000; the largest run takes about 3 \
minutes (a worker process takes 1.5 to 3 ms to start and join).")]
    StartCost(start_cost::Args),
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Mode {
    Sequential,
    Processes,
    Interpreters,
    Rayon,
}

/// What a run of mp.py's modes does, its sizes checked before any work.
pub struct Plan {
    pub n: u64,
    pub workers: u64,
    pub modes: Vec<Mode>,
    pub timeout: Duration,
}

impl Cli {
    /// The sizes (defaults filled in for this build), the modes, and the workers' timeout; a run
    /// over an hour, or a timeout that would cut the processes short, is refused here.
    pub fn plan(&self, program: &Program) -> Result<Plan, Failure> {
        let n = self.n.unwrap_or(program.default_size(5_000_000, 600_000_000));
        let workers = self.workers.unwrap_or_else(cli::cores);
        let modes = cli::chosen(&Mode::ALL, &self.modes);
        let iterations = modes.len() as u128 * u128::from(n) * u128::from(workers);
        program.limit(Loop::SumOfSquares, iterations, "--n x --workers")?;
        program.steps(modes.len());
        program.modes_beside(&modes.iter().map(|mode| mode.name()).collect::<Vec<_>>())?;
        let processes = modes.contains(&Mode::Processes);
        let timeout = worker::timeout(self.timeout, processes, n, workers)?;
        Ok(Plan { n, workers, modes, timeout })
    }
}

impl Mode {
    /// The four modes, in their order.
    pub const ALL: [Mode; 4] = [Mode::Sequential, Mode::Processes, Mode::Interpreters, Mode::Rayon];

    /// Its name, as `--modes` and the report write it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Processes => "processes",
            Mode::Interpreters => "interpreters",
            Mode::Rayon => "rayon",
        }
    }
}

impl Cli {
    /// The program's name as its report and `--beside-cpython` know it: "mp", "mp count".
    pub fn program(&self) -> &'static str {
        match self.scenario {
            None => "mp",
            Some(Scenario::AddSub(_)) => "mp add-sub",
            Some(Scenario::Count(_)) => "mp count",
            Some(Scenario::StartCost(_)) => "mp start-cost",
        }
    }
}
