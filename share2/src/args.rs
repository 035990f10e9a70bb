//! `share2`'s command line: what `argparse` does in `share2.py`'s `main()`.

use clap::Parser;
use common::cli::{CommonArgs, limits};

/// The shared counter made exact: a lock (as share2.py), an atomic, per-thread counts.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(estimated from the cost of an increment under the lock: about 25 ns natively under contention, \
230 to 280 ns at CPython's pace). Longer than a second, a run shows its progress on a terminal's \
stderr.")]
pub struct Cli {
    /// Threads incrementing the counter (1 to 1024)
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_THREADS))]
    pub workers: u64,

    /// Increments per thread (1 to 10^9) [default: 1000000, share2.py's, at CPython's pace (the
    /// GIL build); natively 5000000: Rust does an increment in nanoseconds, CPython in tens]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_INCREMENTS))]
    pub increments: Option<u64>,

    #[command(flatten)]
    pub common: CommonArgs,
}
