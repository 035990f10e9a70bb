//! The CPU-bound work of `cpu_example.py` and `mp.py`: the sum of the squares of `0..n`.

use std::hint::black_box;

use crate::gil::{Loop, Python};

/// How many iterations one eval-breaker check point stands for.
///
/// CPython checks the eval breaker once per loop iteration (at the backward jump), and one
/// iteration of `total += i * i` costs it 50 to 80 ns. Rust does it in under a nanosecond, so a
/// check every iteration would be a check every nanosecond and would cost a third of the run.
/// One check every 16 iterations keeps the cost out of sight (the loop runs as fast as without a
/// GIL) and still sees a drop request within about 10 ns. For the old GIL, one check is one tick:
/// 100 ticks last about a microsecond, about as long as they do in CPython 2, and two threads then
/// run 1.3 to 1.9 times slower than one (`cpu_example --python 2.7 --pace native`, six runs on the
/// 2-core machine, 2026-11-22), as CPython 2.7 does (medians of 1.4 to 1.7 over blocks of runs).
pub const ITERATIONS_PER_CHECK: u64 = 16;

/// `sum(i * i for i in range(n))`, exactly, one iteration at a time.
///
/// `black_box` stops the optimiser from replacing the loop by the closed form (it knows it):
/// the loop really runs `n` times, so the time doubles when `n` doubles.
pub fn sum_of_squares(n: u64, py: Python<'_>) -> u128 {
    sum_over_range(n, py.running(Loop::SumOfSquares), |i| i * i)
}

/// The tutorial's `count_up()` and `count_down()`: `count = count + i` for `i in range(n)`.
pub fn count(n: u64, py: Python<'_>) -> u128 {
    sum_over_range(n, py.running(Loop::Count), |i| i)
}

/// `sum(term(i) for i in range(n))`, with an eval-breaker check point every
/// [`ITERATIONS_PER_CHECK`] iterations (every iteration at CPython's pace), where Python's loop
/// jumps back.
#[inline(always)]
fn sum_over_range(n: u64, py: Python<'_>, term: impl Fn(u128) -> u128) -> u128 {
    let mut total: u128 = 0;
    if py.is_paced() {
        // At CPython's pace an iteration lasts tens of nanoseconds: check at each, as CPython
        // does at its backward jump.
        for i in 0..n {
            total += term(u128::from(black_box(i)));
            py.backward_jump();
        }
        return total;
    }
    // At Rust's pace, every ITERATIONS_PER_CHECK (a constant: the inner loop stays unrolled).
    for start in (0..n).step_by(ITERATIONS_PER_CHECK as usize) {
        for i in start..n.min(start + ITERATIONS_PER_CHECK) {
            total += term(u128::from(black_box(i)));
        }
        // The loop's backward jump, where CPython checks the eval breaker.
        py.backward_jump();
    }
    total
}

/// The closed form, `n(n-1)(2n-1)/6`, to check [`sum_of_squares`] against.
pub fn expected_sum_of_squares(n: u64) -> u128 {
    let n = u128::from(n);
    if n == 0 {
        return 0;
    }
    n * (n - 1) * (2 * n - 1) / 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_closed_form() {
        for n in [0, 1, 2, 3, 10, 1000, 12_345] {
            assert_eq!(
                sum_of_squares(n, Python::native()),
                expected_sum_of_squares(n),
                "n={n}"
            );
        }
    }

    #[test]
    fn count_is_the_sum_of_the_range() {
        assert_eq!(count(100_000_000, Python::native()), 4_999_999_950_000_000);
    }

    #[test]
    fn matches_python() {
        // python3 -c "print(sum(i*i for i in range(10_000_000)))"
        assert_eq!(
            expected_sum_of_squares(10_000_000),
            333_333_283_333_335_000_000
        );
    }

    #[test]
    fn closed_form_is_exact_at_the_limit() {
        // python3 -c "n=10**10; print(n*(n-1)*(2*n-1)//6)": past u64, exact in u128.
        let n = crate::cli::limits::MAX_N;
        assert_eq!(
            expected_sum_of_squares(n),
            333_333_333_283_333_333_335_000_000_000
        );
    }
}
