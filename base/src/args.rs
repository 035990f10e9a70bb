//! `base`'s command line: what `argparse` does in `base.py`'s `main()`, with the tutorials'
//! other I/O scenarios as subcommands.

use std::time::Duration;

use clap::Parser;
use common::cli::{CommonArgs, limits};

use crate::{convoy, devices, worker};

/// Tasks that wait: one after the other, then one thread each.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(after_help = "Limits: --tasks x --delay-ms is at most an hour (one after the other, \
the waits add up); the largest allowed run takes an hour. Longer than a second, a run shows its \
progress on a terminal's stderr.")]
pub struct Cli {
    #[command(subcommand)]
    pub scenario: Option<Scenario>,

    /// How many tasks (1 to 10000; one thread each)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_THREAD_TASKS))]
    pub tasks: u64,

    /// How long each task waits, in milliseconds (1 to 60000)
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_DELAY_MS))]
    pub delay_ms: u64,

    /// Which modes to run, comma-separated [default: both, in this order]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MODES")]
    pub modes: Vec<Mode>,

    #[command(flatten)]
    pub worker: worker::WorkerArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// The tutorials' other I/O scenarios.
#[derive(clap::Subcommand)]
pub enum Scenario {
    /// Sessions to many simulated network devices: sequential, threads, processes, async
    #[command(allow_negative_numbers = true)]
    #[command(
        after_help = "Limits: at most 5000 sessions, and a sweep that takes at most an hour: \
a session takes about one --latency-ms, one after the other in sequential, --pool at a time in \
processes. Longer than a second, a run shows its progress on a terminal's stderr."
    )]
    Devices(devices::Args),
    /// The convoy effect: an I/O thread's round trips, alone and beside a CPU-bound thread
    #[command(allow_negative_numbers = true)]
    #[command(
        after_help = "Limits: at most 100000 round trips in each mode, and at most an hour in all: \
a round trip takes a latency, and beside the CPU thread under the GIL it may wait one switch \
interval more."
    )]
    Convoy(convoy::Args),
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Mode {
    Sequential,
    Threads,
}

impl Mode {
    /// How long the mode takes, for the one-hour limit: the waits add up one after the other,
    /// and overlap in threads.
    pub fn estimate(self, tasks: u64, delay: Duration) -> Duration {
        match self {
            Mode::Sequential => delay.saturating_mul(u32::try_from(tasks).unwrap_or(u32::MAX)),
            Mode::Threads => delay,
        }
    }
}

impl Cli {
    /// The program's name as its report and `--beside-cpython` know it: "base", "base convoy".
    pub fn program(&self) -> &'static str {
        match self.scenario {
            None => "base",
            Some(Scenario::Devices(_)) => "base devices",
            Some(Scenario::Convoy(_)) => "base convoy",
        }
    }
}
