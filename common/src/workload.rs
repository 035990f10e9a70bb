//! The tutorials' CPU-bound loops that several programs share, and the closed form a program
//! checks its total against. `sum_of_squares` itself is in each teaching file that has it
//! (`cpu_example`, `mp`), as each `.py` has its own.

use crate::gil::{Loop, Python};

/// The tutorial's `count_up()` and `count_down()`: `count = count + i` for `i in range(n)`.
pub fn count(n: u64, py: Python<'_>) -> u128 {
    let mut count = 0;
    for i in py.range(Loop::Count, n) {
        count += u128::from(i);
    }
    count
}

/// The closed form of `sum(i * i for i in range(n))`, `n(n-1)(2n-1)/6`: a program refuses a
/// total that is not this one.
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
    fn count_is_the_sum_of_the_range() {
        // A plain loop, written here: the witness the program does not use.
        let mut witness = 0u128;
        for i in 0..1_000_000u128 {
            witness += i;
        }
        assert_eq!(count(1_000_000, Python::native()), witness);
        assert_eq!(count(100_000_000, Python::native()), 4_999_999_950_000_000);
    }

    #[test]
    fn the_closed_form_matches_python() {
        // python3 -c "print(sum(i*i for i in range(10_000_000)))"
        assert_eq!(expected_sum_of_squares(10_000_000), 333_333_283_333_335_000_000);
        for n in [0u64, 1, 2, 3, 10, 1000, 12_345] {
            let witness: u128 = (0..u128::from(n)).map(|i| i * i).sum();
            assert_eq!(expected_sum_of_squares(n), witness, "n={n}");
        }
    }

    #[test]
    fn closed_form_is_exact_at_the_limit() {
        // python3 -c "n=10**10; print(n*(n-1)*(2*n-1)//6)": past u64, exact in u128.
        let n = crate::cli::limits::MAX_N;
        assert_eq!(expected_sum_of_squares(n), 333_333_333_283_333_333_335_000_000_000);
    }
}
