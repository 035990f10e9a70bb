//! CPython's pace: each simulated loop iteration costs what it costs the interpreter being
//! imitated, so that a switch interval spans as many iterations as it does in CPython.
//!
//! Rust does one iteration of `total += i * i` in under a nanosecond, CPython in 30 to 100: at
//! Rust's own speed, a 5 ms switch interval is millions of iterations, in CPython tens of
//! thousands, and what depends on that ratio (how many updates `share` loses on 3.9, how long
//! 100 ticks of the old GIL last) comes out different. With `--pace cpython` (the GIL build's
//! default) every iteration spins for CPython's time, measured on this machine by
//!
//! ```text
//! PYENV_VERSION=2.7.18 python .ci/calibrate.py   # and 3.9.18, 3.12.1
//! ```
//!
//! (2026-11-22, 2 cores, medians of four runs of that script's five-run medians; the
//! `sum_of_squares` row again later that day, medians of six runs of
//! `calibrate.py sum_of_squares`, at cpu_example.py's 5 million iterations: on Python 2 the total
//! becomes a slower long past 3 million, and the first calibration, at 2 million, had it 27 %
//! too fast). `--pace native` keeps Rust's speed, for measuring the GIL's own overhead.
//!
//! The free-threaded 3.13t pays for having no GIL on some code more than on other: its objects
//! count references atomically or per thread, and its specializing interpreter is off. What it
//! pays is measured against the same version with a GIL, in the same minutes: `calibrate.py`
//! under CPython 3.13.5t (built by `../shared/tools/build-python3.13t.sh`) and 3.13.0, in turns,
//! ten rounds (2026-12-02; six of them pinned to one core with `taskset -c 0`), and the median of
//! the rounds' ratios applied to 3.12's cost, the model's GIL build. `counter += 1` on a global,
//! through a call: 1.49× (0.93–2.13; above 1.38 in 9 rounds of 10). The rest stayed within this
//! machine's noise around 1: `total += i * i` 0.84× (0.57–1.51), `c = c + i` 0.88× (0.68–1.33),
//! the locked increment 0.79× (0.47–1.46). No 3.13.5 with a GIL was built: the two differ by
//! patch releases too.
//!
//! Within an iteration the time is split where CPython checks its eval breaker: for `share`'s
//! `counter += 1` on 3.9, the instructions between the read (`LOAD_GLOBAL counter`) and the write
//! (`STORE_GLOBAL counter`) are 3 of the loop's 14 (`LOAD_GLOBAL`, `LOAD_CONST`, `INPLACE_ADD`),
//! so a fifth of the time is spent where a drop request is served between the read and the
//! write. The old GIL counts ticks only for instructions that do not skip the ticker
//! (`LOAD_FAST`, `STORE_FAST`, `LOAD_CONST`, `POP_TOP` do), so an iteration is a few ticks: how
//! many, `calibrate.py` counts under 2.7 (`sys.setcheckinterval(0)` makes every tick bump the
//! thread state's `tick_counter`). It found 4 for `sum_of_squares`, not the 3 read off the
//! bytecode, because 2.7's computed gotos turn off the opcode predictions that skip a tick.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

use super::PythonVersion;

/// Whose speed the simulated loops run at (`--pace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Pace {
    /// Each iteration costs what it costs the imitated CPython on this machine.
    Cpython,
    /// Rust's own speed: about a nanosecond an iteration.
    Native,
}

impl Pace {
    /// The pace as `--pace` writes it: `"cpython"` or `"native"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pace::Cpython => "cpython",
            Pace::Native => "native",
        }
    }
}

/// The loops the programs run, each with its own cost per iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loop {
    /// `for i in range(n): total += i * i` (cpu_example, mp).
    SumOfSquares,
    /// `for i in range(n): count = count + i` (mp count, the convoy's CPU thread).
    Count,
    /// `for _ in range(n): increment()` with `counter += 1` inside (share).
    Increment,
    /// The same under `with lock:` (share2).
    LockedIncrement,
}

/// What one iteration of a loop costs a CPython version.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    /// Nanoseconds, measured by `.ci/calibrate.py`.
    pub ns: f64,
    /// Of those, the share spent between a statement's read and its write, where 3.9 and 2.7
    /// may switch (`between_bytecodes`); the rest ends at the backward jump.
    pub between: f64,
    /// The old GIL's ticks (instructions that decrement `_Py_Ticker`) per iteration, counted by
    /// `calibrate.py` under 2.7; only the old GIL uses them.
    pub ticks: u32,
}

/// CPython's cost per iteration of each loop, per version (see the module's docs). The time
/// differs from version to version; where the check points fall and how many ticks the old GIL
/// counts are the loop's own, read off its bytecode and counted under 2.7, the same for every
/// version.
pub fn cost(version: PythonVersion, work: Loop) -> Cost {
    use Loop::*;
    use PythonVersion::*;
    let ns = match (version, work) {
        (V2_7, SumOfSquares) => 44.4,
        (V2_7, Count) => 19.5,
        (V2_7, Increment) => 69.0,
        (V2_7, LockedIncrement) => 210.0,
        (V3_9, SumOfSquares) => 68.2,
        (V3_9, Count) => 40.0,
        (V3_9, Increment) => 92.0,
        (V3_9, LockedIncrement) => 225.0,
        (V3_12, SumOfSquares) => 72.8,
        (V3_12, Count) => 48.0,
        (V3_12, Increment) => 70.0,
        (V3_12, LockedIncrement) => 278.0,
        // Free-threading's own price: 3.12's cost times what 3.13t's costs over 3.13's, the same
        // version with a GIL (see the module's docs).
        (V3_13t, _) => {
            cost(V3_12, work).ns
                * match work {
                    SumOfSquares => 0.84,
                    Count => 0.88,
                    Increment => 1.49,
                    LockedIncrement => 0.79,
                }
        }
    };
    let (between, ticks) = match work {
        SumOfSquares => (0.0, 4),
        Count => (0.0, 3),
        Increment => (0.21, 8),
        LockedIncrement => (0.1, 10),
    };
    Cost { ns, between, ticks }
}

/// At Rust's pace (`--pace native`), how many iterations of `work` one eval-breaker check point
/// stands for.
///
/// CPython checks the eval breaker once per loop iteration (at the backward jump), and one
/// iteration of `total += i * i` costs it 50 to 80 ns. Rust does it in under a nanosecond, so a
/// check every iteration would be a check every nanosecond and would cost a third of the run.
/// One check every 64 iterations keeps the cost out of sight and still sees a drop request within
/// about 50 ns: `cpu_example --workers 1 --n 20000000` ran 0.2 % more instructions than without a
/// GIL with one check in 4096 iterations, 11.9 % more with one in 16 (callgrind, 2026-12-03).
/// The increments of `share` and `share2` do more per iteration (an atomic, a lock) and check at
/// every one, as CPython does.
pub fn iterations_per_check(work: Loop) -> u32 {
    match work {
        Loop::SumOfSquares | Loop::Count => 64,
        Loop::Increment | Loop::LockedIncrement => 1,
    }
}

/// At Rust's pace, how many of the old GIL's ticks one check point of `work` counts: one tick
/// every 16 iterations. 100 ticks then last about a microsecond, about as long as they do in
/// CPython 2, and two threads run 1.3 to 1.9 times slower than one (`cpu_example --python 2.7
/// --pace native`, six runs on the 2-core machine, 2026-11-22, when each check was one tick of 16
/// iterations), as CPython 2.7 does (medians of 1.4 to 1.7 over blocks of runs).
pub fn ticks_per_check(work: Loop) -> i32 {
    let ticks = iterations_per_check(work) / 16;
    i32::try_from(ticks.max(1)).unwrap_or(1)
}

/// Rust's own cost of an iteration, roughly (release build), for estimating run times: the
/// locked increment as 1024 threads contend for the lock (23.6 ns measured, 2026-12-02; about
/// 20 ns with 4).
pub fn native_ns(work: Loop) -> f64 {
    match work {
        Loop::SumOfSquares | Loop::Count => 0.75,
        Loop::Increment => 1.0,
        Loop::LockedIncrement => 25.0,
    }
}

/// An iteration at CPython's pace, in spin units: the part before the read-write check point
/// and the part before the backward jump, and the old GIL's ticks.
#[derive(Clone, Copy, Debug)]
pub struct Paced {
    pub(super) before_between: u32,
    pub(super) before_jump: u32,
    /// The old GIL's ticks counted at the read-write check point, and at the backward jump:
    /// `_Py_Ticker` can run out between a read and its write too.
    pub(super) ticks_between: i32,
    pub(super) ticks_jump: i32,
}

impl Paced {
    pub(super) fn new(version: PythonVersion, work: Loop) -> Self {
        let cost = cost(version, work);
        let units = |ns: f64| (ns * units_per_ns()).round() as u32;
        let ticks_between = (f64::from(cost.ticks) * cost.between).round() as i32;
        Self {
            before_between: units(cost.ns * cost.between),
            before_jump: units(cost.ns * (1.0 - cost.between)),
            ticks_between,
            ticks_jump: cost.ticks as i32 - ticks_between,
        }
    }
}

/// Spins for `units` (see [`units_per_ns`]): CPU time, like an interpreter's, not a sleep.
#[inline(always)]
pub(super) fn spin(units: u32) {
    for unit in 0..units {
        black_box(unit);
    }
}

/// This process's spin units per nanosecond: measured once, or handed down by its parent.
static UNITS_PER_NS: OnceLock<f64> = OnceLock::new();

/// How many spin units this machine does in a nanosecond, measured once per program (a few
/// milliseconds, when the GIL is installed), its worker processes taking the parent's: the
/// fastest of five runs of four million units.
pub fn units_per_ns() -> f64 {
    *UNITS_PER_NS.get_or_init(|| {
        const UNITS: u32 = 4_000_000;
        let fastest = (0..5)
            .map(|_| {
                let start = Instant::now();
                spin(UNITS);
                start.elapsed().as_nanos().max(1) as f64
            })
            .fold(f64::INFINITY, f64::min);
        f64::from(UNITS) / fastest
    })
}

/// Takes `units` as this process's [`units_per_ns`] instead of measuring it: a worker process
/// keeps its parent's calibration (same machine), so that its iterations last exactly as long as
/// the parent's, and it does not spend the measurement's milliseconds inside the parent's timing.
/// Does nothing once a value is set.
pub fn use_units_per_ns(units: f64) {
    let _ = UNITS_PER_NS.set(units);
}
