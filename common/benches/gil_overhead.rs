//! What the simulated GIL costs one thread that holds it alone: `sum_of_squares` with a native
//! token, then attached to a GIL nobody else wants, in adjacent pairs in one process. Each pair
//! shares the machine's mood of the moment; the median of the pairs' ratios is the overhead.
//!
//! Run with: `cargo bench -p common --bench gil_overhead`

use std::time::Instant;

use common::gil::{Gil, GilConfig, Loop, Python};

const N: u64 = 20_000_000;
const PAIRS: usize = 61;

/// `cpu_example`'s `sum_of_squares`, the same loop.
fn sum_of_squares(n: u64, py: Python<'_>) -> u128 {
    let mut total = 0;
    for i in py.range(Loop::SumOfSquares, n) {
        let i = u128::from(i);
        total += i * i;
    }
    total
}

fn seconds(f: impl FnOnce() -> u128) -> f64 {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed().as_secs_f64()
}

fn main() {
    let gil = Gil::new(GilConfig::default());
    let mut ratios = Vec::new();
    let (mut native_total, mut gil_total) = (0.0, 0.0);
    for pair in 0..PAIRS {
        // Alternate which goes first, so that neither always runs on a warmer core.
        let (native, attached) = if pair % 2 == 0 {
            let n = seconds(|| sum_of_squares(N, Python::native()));
            (n, seconds(|| gil.attach(|py| sum_of_squares(N, py))))
        } else {
            let g = seconds(|| gil.attach(|py| sum_of_squares(N, py)));
            (seconds(|| sum_of_squares(N, Python::native())), g)
        };
        ratios.push(attached / native);
        native_total += native;
        gil_total += attached;
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[PAIRS / 2];
    println!("sum_of_squares({N}), {PAIRS} adjacent pairs, one thread holding the GIL alone:");
    println!("  native:        {:.4} s per run (mean)", native_total / PAIRS as f64);
    println!("  with the GIL:  {:.4} s per run (mean)", gil_total / PAIRS as f64);
    println!(
        "  overhead: median of the pairs {:+.1} % (quartiles {:+.1} % .. {:+.1} %)",
        100.0 * (median - 1.0),
        100.0 * (ratios[PAIRS / 4] - 1.0),
        100.0 * (ratios[3 * PAIRS / 4] - 1.0)
    );
}
