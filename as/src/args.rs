//! `as`'s command line: what `argparse` does in `as.py`'s `main()`, with the tutorial's other
//! async scenario as a subcommand.

use std::time::Duration;

use clap::Parser;
use common::cli::{CommonArgs, limits};

use crate::fetch;

/// Cooperative tasks on one thread: awaited waits overlap, a blocking call blocks them all.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(
    after_help = "Limits: the modes chosen may take an hour in all: sequential and blocking \
take --tasks x --delay-ms each (sequential a millisecond more a task: tokio's timer ticks every \
millisecond), spawn_blocking that divided by its min(32, cores + 4) threads \
(asyncio.to_thread's pool), gather one delay. Longer than a second, a run shows its progress on \
a terminal's stderr."
)]
pub struct Cli {
    #[command(subcommand)]
    pub scenario: Option<Scenario>,

    /// How many tasks (1 to 1000000)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_ASYNC_TASKS))]
    pub tasks: u64,

    /// How long each task waits, in milliseconds (1 to 60000)
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_DELAY_MS))]
    pub delay_ms: u64,

    /// Which modes to run, comma-separated [default: all four, in this order]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MODES")]
    pub modes: Vec<Mode>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// The tutorials' other async scenario.
#[derive(clap::Subcommand)]
pub enum Scenario {
    /// freeCodeCamp's employees and projects: two database fetches, one by one, then together
    #[command(allow_negative_numbers = true)]
    #[command(after_help = "Limits: --latency-ms at most 60000; the largest run takes about 3 \
minutes (three latencies).")]
    Fetch(fetch::Args),
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Mode {
    Sequential,
    Gather,
    Blocking,
    #[value(name = "spawn_blocking")]
    SpawnBlocking,
}

impl Mode {
    /// as.py's four modes, in its order.
    pub const ALL: [Mode; 4] =
        [Mode::Sequential, Mode::Gather, Mode::Blocking, Mode::SpawnBlocking];

    /// About how long this mode takes: sequential and blocking one wait per task, gather one
    /// wait, spawn_blocking one per `pool` tasks. A tokio sleep ends at the next tick of its
    /// 1 ms timer after its delay (a 3 ms sleep took 4.1 ms): one more millisecond each.
    pub fn estimate(self, tasks: u64, delay: Duration, pool: usize) -> Duration {
        let tokio_sleep = delay + Duration::from_millis(1);
        match self {
            Mode::Sequential => tokio_sleep.saturating_mul(tasks as u32),
            Mode::Blocking => delay.saturating_mul(tasks as u32),
            Mode::Gather => tokio_sleep,
            Mode::SpawnBlocking => delay.saturating_mul(tasks.div_ceil(pool as u64) as u32),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Gather => "gather",
            Mode::Blocking => "blocking",
            Mode::SpawnBlocking => "spawn_blocking",
        }
    }
}

impl Cli {
    /// The program's name as its report and `--beside-cpython` know it: "as", "as fetch".
    pub fn program(&self) -> &'static str {
        match self.scenario {
            None => "as",
            Some(Scenario::Fetch(_)) => "as fetch",
        }
    }
}
