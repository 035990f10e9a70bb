//! share: several threads increment a shared counter without protection; updates are lost.
//!
//! Translates `share.py`. `counter += 1` is a read then a write; here they are an atomic load
//! then an atomic store, two separate steps with room for another thread in between: a race,
//! but no data race and no undefined behaviour (the literal `counter += 1` does not even compile:
//! see `src/lib.rs`).
//!
//! * Natively the threads run on all cores at once and lose updates on every run.
//! * With `--features gil` (CPython 3.12 by default) a thread only lets go of the GIL at the
//!   loop's backward jump, after the write: no update is lost, as on CPython 3.10 and later.
//! * With `--python 3.9` it may let go between the read and the write, as CPython 3.9 does:
//!   updates are lost again, many at a time.
//! * With `--python 3.13t` (free-threaded CPython, PEP 703) there is no GIL at all: the threads
//!   run at once, as natively, and lose updates again.
//!
//! There is no "interpreters" mode (one GIL per subinterpreter, as in `mp`): a global in one
//! interpreter is not the same object as in another, so there would be nothing shared to race on.
//!
//! Run with:
//! ```text
//! cargo run -p share
//! cargo run -p share --features gil
//! cargo run -p share --features gil -- --python 3.9
//! cargo run -p share --features gil -- --python 3.13t
//! ```

mod args;

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use args::Cli;
use common::cli;
use common::gil::{self, Loop, Python, PythonVersion};
use common::lang::num;
use common::program::{self, Program};
use common::report::{Report, Run};
use common::threads::python_threads;
use common::tr;

/// `counter += 1`: LOAD_GLOBAL, then BINARY_OP, then STORE_GLOBAL.
fn increment(counter: &AtomicU64, py: Python<'_>) {
    let value = counter.load(Relaxed); // read
    py.between_bytecodes(); // CPython 3.9 and older may hand the GIL over here
    counter.store(value + 1, Relaxed); // write: whatever another thread wrote since the read is lost
}

fn worker(counter: &AtomicU64, increments: u64, py: Python<'_>) {
    let py = py.at_cpython_pace(Loop::Increment); // New: in the GIL build, CPython's speed
    for _ in 0..increments {
        increment(counter, py);
        py.backward_jump(); // every CPython version may hand the GIL over here
    }
}

fn main() -> ExitCode {
    program::main(|| {
        let cli: Cli = cli::parse()?;
        let program = Program::start("share", &cli.common)?;
        let workers = cli.workers;
        let increments = cli.increments.unwrap_or(program.default_size(1_000_000, 25_000_000));
        let total = u128::from(workers) * u128::from(increments);
        program.limit(Loop::Increment, total, "--workers x --increments")?;
        Ok(program.run(|program| {
            let counter = AtomicU64::new(0);
            let (_, seconds) = program.try_mode("threads", || {
                python_threads(workers, |_, py| worker(&counter, increments, py))
            })?;

            let expected = workers * increments;
            let got = counter.load(Relaxed);
            let mut report =
                Report::new("share").size("workers", workers).size("increments", increments);
            report.push(
                Run::new("threads", seconds)
                    .with("expected", expected)
                    .with("got", got)
                    .with("lost", expected - got),
            );
            let version = gil::global().map(|gil| gil.config().version);
            report.conclude(conclusion(expected - got, expected, version));
            Ok(report)
        }))
    })
}

// New (not in share.py, which prints the counts only): what this run's numbers show.
/// `version` is the CPython imitated (`None`: Rust, no GIL).
fn conclusion(lost: u64, expected: u64, version: Option<PythonVersion>) -> String {
    let share = num(100.0 * lost as f64 / expected as f64, 1);
    match version {
        None if lost > 0 => {
            tr!("share-lost-native", lost = lost, expected = expected, share = share)
        }
        None => tr!("share-luck-native"),
        Some(PythonVersion::V3_13t) if lost > 0 => {
            tr!("share-lost-free-threaded", lost = lost, expected = expected, share = share)
        }
        Some(PythonVersion::V3_12) if lost == 0 => tr!("share-hidden"),
        Some(version) if lost > 0 => tr!(
            "share-lost-gil",
            lost = lost,
            expected = expected,
            share = share,
            version = version.as_str()
        ),
        Some(version) => tr!("share-luck-gil", version = version.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::lang::{Lang, with_lang};

    /// Each conclusion from its facts (lost, expected, the CPython imitated), in both languages.
    #[test]
    fn each_conclusion_follows_its_facts() {
        use PythonVersion::{V3_9, V3_12, V3_13t};
        let cases: [(u64, Option<PythonVersion>, &str, &str); 6] = [
            (60, None, "60 of 100 updates were lost (60.0%)", "60,0 %"),
            (0, None, "only by luck", "par chance"),
            (43, Some(V3_13t), "no GIL, so the threads ran at the same time", "pas de GIL"),
            (0, Some(V3_12), "The race is hidden, not fixed", "cachée, pas corrigée"),
            (39, Some(V3_9), "CPython 3.9 can hand the GIL over", "CPython 3.9 peut passer"),
            (0, Some(V3_9), "too short", "trop courte"),
        ];
        for (lost, version, english, french) in cases {
            let en = with_lang(Lang::En, || conclusion(lost, 100, version));
            let fr = with_lang(Lang::Fr, || conclusion(lost, 100, version));
            assert!(en.contains(english), "{en}");
            assert!(fr.contains(french), "{fr}");
        }
    }
}
