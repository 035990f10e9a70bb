//! What the six example programs share, written once: one module per idea.
//!
//! * [`gil`]: the simulated Global Interpreter Lock, after CPython's `Python/ceval_gil.c`;
//! * [`timeline`]: the picture of who held the GIL when, as text, SVG or a Perfetto trace;
//! * [`cpython`]: a real CPython's GIL sampled beside the model's (`--beside-cpython`);
//! * [`workload`]: the tutorials' shared loop (`count`) and the closed form of the sum of squares
//!   that programs check their totals against (`sum_of_squares` itself is in each teaching file);
//! * [`timing`] and [`latency`]: durations in microseconds, and latency distributions
//!   (hdrhistogram);
//! * [`usage`]: what a mode used: CPU time beside wall time, and the rest of the machine's work;
//! * [`threads`]: start K named threads, join them, collect their results;
//! * [`interpreters`]: K threads, each in its own interpreter with its own GIL (PEP 684);
//! * [`process`]: worker processes, `multiprocessing`'s way, and what happens when one fails;
//! * [`evidence`]: what a run's cores-used figures allow its conclusion to say;
//! * [`error`]: why a run failed ([`error::Failure`]), the one error type of every program;
//! * [`devices`]: simulated network devices (TCP on 127.0.0.1) and the client sessions;
//! * [`load`]: other programs keeping cores busy during a run (`--busy-cores`);
//! * [`program`]: the harness every `main` runs in: the GIL installed, the limits, each mode
//!   timed on a progress line, the report printed or the failure said, in one place;
//! * [`report`]: the aligned table, or `--json`;
//! * [`output`]: every line printed, and what happens when a write fails;
//! * [`resources`]: peak memory and the open-file limit, from `/proc`;
//! * [`interrupt`]: Ctrl-C, as a terminal sends it;
//! * [`lang`]: the language the programs speak (English, or French: `--lang`, the locale);
//! * [`progress`]: a line on a terminal's stderr while a long run goes on;
//! * [`cli`]: the options every program shares, the limits, and how bad input fails;
//! * `plot` (feature `plot`, for `.ci/measure --sweep`): the sweeps' charts, as SVG;
//! * [`faults`]: faults injected on purpose, for the tests of how a program fails;
//! * `testing` (feature `testing`, for the example crates' tests only): run a program as a user
//!   does and check how it fails.

pub mod cli;
pub mod cpython;
#[cfg(not(loom))] // tokio leaves out its network types when built for loom
pub mod devices;
pub mod error;
pub mod evidence;
pub mod faults;
pub mod gil;
pub mod interpreters;
pub mod interrupt;
pub mod lang;
pub mod latency;
pub mod load;
pub mod output;
#[cfg(feature = "plot")]
pub mod plot;
pub mod process;
pub mod program;
pub mod progress;
pub mod report;
pub mod resources;
#[doc(hidden)] // for tests: common's own, and the example crates' (testing::skip)
pub mod skips;
#[cfg(feature = "testing")]
pub mod testing;
pub mod threads;
pub mod timeline;
pub mod timing;
pub mod usage;
pub mod workload;
