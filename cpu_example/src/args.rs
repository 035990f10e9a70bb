//! `cpu_example`'s command line: what `argparse` does in `cpu_example.py`'s `main()`.

use clap::Parser;
use common::cli::{CommonArgs, limits};

/// Threads and CPU-bound work: the sum of squares, sequentially then by threads.
#[derive(Parser)]
#[command(version, about, long_about = None, allow_negative_numbers = true)]
#[command(after_help = "Limits: sizes that would take more than an hour on 2 cores are refused \
(estimated from the cost of an iteration: 0.75 ns natively, 30 to 90 ns at CPython's pace, \
measured by .ci/calibrate.py). Longer than a second, a run shows its progress on a terminal's \
stderr.")]
pub struct Cli {
    /// Each worker sums the squares of 0..N (1 to 10^10) [default: 5000000, cpu_example.py's, at
    /// CPython's pace (the GIL build); natively 600000000, a third to two thirds of a second a mode in a release
    /// build: Rust does an iteration in about a nanosecond, CPython in tens]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_N))]
    pub n: Option<u64>,

    /// How many times the work is done: sequentially, then by that many threads
    /// (1 to 1024) [default: the number of cores]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_THREADS))]
    pub workers: Option<u64>,

    #[command(flatten)]
    pub common: CommonArgs,
}
