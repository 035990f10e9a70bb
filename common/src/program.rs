//! The harness a program runs in, so that its `main.rs` reads like its `.py`: everything between
//! the options and the lesson is here, once.
//!
//! ```text
//! let program = Program::start("cpu_example", &cli.common); // the GIL, Ctrl-C, progress
//! program.limit(Loop::SumOfSquares, iterations, "--n x --workers"); // at most an hour
//! program.run(|program| {
//!     let (results, seconds) = program.mode("sequential", || sequential(n, workers));
//!     ...
//!     Ok(report) // printed as a table, or as JSON with --json
//! })
//! ```
//!
//! A mode is timed as `time.perf_counter()` around a call would time it, and shown on the
//! progress line; a failure anywhere ends the run with one line on stderr and exit code 1 (130 for
//! Ctrl-C), after the progress line is cleared; bad sizes are refused before any work (exit 2).

use std::fmt::Display;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{self, CommonArgs};
use crate::cpython::{self, OwnSampler, Plan, Sampled};
use crate::error::Failure;
use crate::gil::{self, Loop, Pace, PythonVersion, pace};
use crate::load;
use crate::output;
use crate::progress::Progress;
use crate::report::{self, Report};
use crate::threads;
use crate::usage::{self, Measured};

/// Every program's `main`: runs `program` and ends as it says, with its exit code or its
/// failure's, said in one line ([`Failure::exit`]): the one way out of every program.
///
/// ```no_run
/// # use common::{cli, program::{self, Program}};
/// # #[derive(clap::Parser)] struct Cli { #[command(flatten)] common: cli::CommonArgs }
/// fn main() -> std::process::ExitCode {
///     program::main(|| {
///         let cli: Cli = cli::parse()?; // bad input: exit 2; --help: exit 0
///         let program = Program::start("demo", &cli.common)?;
///         Ok(program.run(|_program| todo!("the modes, and the report")))
///     })
/// }
/// ```
pub fn main(program: impl FnOnce() -> Result<ExitCode, Failure>) -> ExitCode {
    program().unwrap_or_else(|failure| failure.exit())
}

/// One program's run: made by [`Program::start`], ended by [`Program::run`].
pub struct Program<'a> {
    args: &'a CommonArgs,
    progress: Progress,
    /// The CPython to run beside the model after the run (`--beside-cpython`).
    beside: Option<Plan>,
    /// The program's name, with its subcommand ("mp count").
    name: &'static str,
}

impl<'a> Program<'a> {
    /// Refuses GIL options in a build without the GIL, then installs the process's GIL (with
    /// `--features gil`) and prepares the progress line of `name` ("base", or with its
    /// subcommand, "base convoy"); with `--beside-cpython`, finds the CPython and the `.py` to
    /// run after the model, or refuses before any work ([`Failure::Usage`]).
    pub fn start(name: &'static str, args: &'a CommonArgs) -> Result<Self, Failure> {
        crate::lang::choose(args.lang);
        install_gil(args, name)?;
        let beside = cpython::plan(args, name)?;
        if beside.as_ref().is_some_and(|plan| plan.clock) {
            cpython::clock::enable();
        }
        Ok(Self { args, progress: Progress::new(args, name), beside, name })
    }

    /// The options every program shares.
    pub fn args(&self) -> &'a CommonArgs {
        self.args
    }

    /// How many modes (or sweep points) the run has, for the progress line.
    pub fn steps(&self, steps: usize) {
        self.progress.set_steps(steps as u64 + u64::from(self.beside.is_some()));
    }

    /// With `--beside-cpython`, refuses before any work modes the `.py` has none of (`mp --modes
    /// rayon`: mp.py has no rayon): one line, exit 2.
    pub fn modes_beside(&self, modes: &[&str]) -> Result<(), Failure> {
        if self.beside.is_some() {
            cpython::modes_argument(self.name, modes).map_err(Failure::Usage)?;
        }
        Ok(())
    }

    /// A size's default: the `.py`'s at CPython's pace (the GIL build), Rust's own, larger, at
    /// Rust's (Rust does an iteration in about a nanosecond, CPython in tens).
    pub fn default_size(&self, python: u64, rust: u64) -> u64 {
        if gil::paced() { python } else { rust }
    }

    /// Refuses, before any work, `iterations` of `work` that would take over an hour on one core
    /// at this run's pace, with `--beside-cpython` the `.py`'s same work at CPython's speed
    /// included; `flags` names the options that multiply.
    pub fn limit(&self, work: Loop, iterations: u128, flags: &str) -> Result<(), Failure> {
        let model = estimate(work, iterations);
        let cpython = match (&self.beside, gil::global()) {
            (Some(_), Some(gil)) => at(pace::cost(gil.config().version, work).ns, iterations),
            _ => Duration::ZERO,
        };
        cli::within_an_hour(model + cpython, flags)
    }

    /// Refuses, before any work, a run estimated to take longer than an hour; with
    /// `--beside-cpython`, twice `estimate`, for the `.py` that does the same after the model.
    pub fn limit_time(&self, estimate: Duration, flags: &str) -> Result<(), Failure> {
        let runs = if self.beside.is_some() { 2 } else { 1 };
        cli::within_an_hour(estimate.saturating_mul(runs), flags)
    }

    /// Runs one mode, `work`, timed: `timed(function, *args)` in the `.py`, with the CPU time
    /// it used beside its wall time ([`Measured`]); the progress line says it is running.
    pub fn mode<R>(&self, name: &str, work: impl FnOnce() -> R) -> (R, Measured) {
        self.progress.step(name);
        usage::measured(work)
    }

    /// The same for a mode that can fail: the failure ends the run.
    pub fn try_mode<R>(
        &self,
        name: &str,
        work: impl FnOnce() -> Result<R, Failure>,
    ) -> Result<(R, Measured), Failure> {
        let (result, elapsed) = self.mode(name, work);
        Ok((result?, elapsed))
    }

    /// Runs the program's `body` and ends it: prints its report (exit 0), or says in one line why
    /// it failed (exit 1, or 130 for Ctrl-C).
    pub fn run(self, body: impl FnOnce(&Self) -> Result<Report, Failure>) -> ExitCode {
        // On 3.13t the model's side is its own threads' run states, sampled during the run.
        // Another program's load for the whole run, both sides of --beside-cpython included.
        let busy = match self.args.busy_cores.map(load::Busy::start).transpose() {
            Ok(busy) => busy,
            Err(failure) => return failure.exit(),
        };
        let own = self.beside.as_ref().filter(|plan| plan.free_threaded && !plan.clock);
        let own = own.and_then(|_| OwnSampler::start(cpython::PERIOD).ok());
        let outcome = threads::thread_start_as_failure(|| body(&self)).and_then(|outcome| outcome);
        // Only the threads that attached to the interpreter, as CPython's side lists its own.
        let attached = gil::global().map(|gil| gil.timeline().0).unwrap_or_default();
        let own = own.and_then(OwnSampler::stop).map(|sampled| {
            sampled.only(|name| name == "MainThread" || attached.iter().any(|a| a == name))
        });
        let outcome = outcome.and_then(|report| self.beside_cpython(report, own));
        drop(self.progress); // the progress line is cleared before anything is printed
        let printed = outcome.and_then(|report| report::print(&report, self.args));
        drop(busy);
        match printed {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => failure.exit(),
        }
    }
}

impl Program<'_> {
    /// With `--beside-cpython`, runs the `.py` under CPython and adds both schedules to `report`.
    fn beside_cpython(&self, mut report: Report, own: Option<Sampled>) -> Result<Report, Failure> {
        let Some(plan) = &self.beside else {
            return Ok(report);
        };
        self.progress.step(&crate::tr!("progress-beside", program = report.program()));
        let events = || {
            gil::global().filter(|g| g.config().version.has_gil()).map(|gil| {
                let (names, timeline) = gil.timeline();
                Sampled::events(names, timeline)
            })
        };
        // With the clock witness the model's side is what its clocks read, and its exact
        // events are kept beside, to show what the clocks missed.
        let clock = plan.clock.then(|| cpython::clock::model(plan.rules())).flatten();
        let (model, exact) = match clock {
            Some(clock) => (Some(clock), events()),
            None => (own.or_else(events), None),
        };
        let model =
            model.ok_or_else(|| Failure::Setup("no schedule of the model was recorded".into()))?;
        let ran: Vec<&str> = report.runs.iter().map(|run| run.mode).collect();
        let run = (report.sizes(), &ran[..]);
        let mut beside = cpython::beside(plan, report.program(), run, self.args, model)?;
        beside.model_events = exact;
        report.beside = Some(beside);
        Ok(report)
    }
}

/// Refuses GIL options in a build that has no GIL, then installs the process's GIL.
fn install_gil(args: &CommonArgs, program: &str) -> Result<(), Failure> {
    if !gil::ENABLED {
        let used = [
            (args.switch_interval.is_some(), "--switch-interval"),
            (args.python.is_some(), "--python"),
            (args.pace.is_some(), "--pace"),
            (args.timeline, "--timeline"),
            (args.timeline_svg.is_some(), "--timeline-svg"),
            (args.spin_units_per_ns.is_some(), "--spin-units-per-ns"),
            (args.beside_cpython.is_some(), "--beside-cpython"),
            (args.witness.is_some(), "--witness"),
            (args.trace.is_some(), "--trace"),
        ];
        if let Some((_, flag)) = used.iter().find(|(used, _)| *used) {
            return Err(Failure::Usage(format!(
                "{flag} needs the simulated GIL: cargo run -p {program} --features gil -- {flag} ..."
            )));
        }
    }
    // With no GIL there is nothing to draw but when each thread ran, which only the sampler of
    // --beside-cpython reads.
    let drawn = args.timeline || args.timeline_svg.is_some() || args.trace.is_some();
    if args.python.is_some_and(|v| !v.has_gil()) && drawn && args.beside_cpython.is_none() {
        return Err(Failure::Usage(
            "--timeline, --timeline-svg and --trace draw who held the GIL, and --python 3.13t \
             (free-threaded) has none: add --beside-cpython to draw when each thread ran, in \
             the model and in CPython 3.13t, or choose another --python"
                .into(),
        ));
    }
    if args.timeline && args.json {
        return Err(Failure::Usage(
            "--timeline draws in the terminal, and --json prints only one JSON object: use \
             --timeline-svg FILE with --json"
                .into(),
        ));
    }
    if args.switch_interval.is_some() && args.python == Some(PythonVersion::V2_7) {
        return Err(Failure::Usage(
            "--switch-interval: CPython 2.7 has no switch interval (its GIL is released every \
             100 ticks, sys.setcheckinterval); choose --python 3.9 or later"
                .into(),
        ));
    }
    if let (Some(svg), Some(trace)) = (&args.timeline_svg, &args.trace)
        && svg == trace
    {
        return Err(Failure::Usage(format!(
            "--timeline-svg and --trace name the same file, {}: give each its own",
            svg.display()
        )));
    }
    for (path, what) in [(&args.timeline_svg, "the timeline"), (&args.trace, "the trace")] {
        if let Some(path) = path
            && let Err(error) = check_writable(path)
        {
            return Err(Failure::Io(format!("cannot write {what} to {}: {error}", path.display())));
        }
    }
    if let Some(units) = args.spin_units_per_ns {
        gil::pace::use_units_per_ns(units);
    }
    gil::install(args.gil_config());
    Ok(())
}

/// Whether `path` can be written, checked before the run and leaving no trace: an existing
/// regular file is opened for writing (not truncated); a new one is created, then removed. A
/// symbolic link is followed to the file it names, which is written through, the link kept; a
/// FIFO, a device or a directory is refused (opening a FIFO would block until a reader comes).
fn check_writable(path: &Path) -> std::io::Result<()> {
    let target = output::target_of(path)?;
    if let (Ok(file), Ok(stdout)) =
        (std::fs::metadata(&target), std::fs::metadata("/proc/self/fd/1"))
        && (file.dev(), file.ino()) == (stdout.dev(), stdout.ino())
    {
        return Err(std::io::Error::other("it is this program's standard output"));
    }
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => {
            std::fs::OpenOptions::new().write(true).open(&target).map(drop)
        }
        Ok(_) => Err(std::io::Error::other("not a regular file")),
        Err(_) => {
            std::fs::OpenOptions::new().write(true).create_new(true).open(&target)?;
            std::fs::remove_file(&target)
        }
    }
}

/// `got`, if it is the `expected` result; else the run fails, naming `what`: a wrong total is
/// never printed as if it were right.
pub fn exact<T: PartialEq + Display>(what: &str, got: T, expected: T) -> Result<T, Failure> {
    if got == expected {
        Ok(got)
    } else {
        Err(Failure::WrongResult(format!("wrong {what}: {got}, expected {expected}")))
    }
}

/// Roughly how long `iterations` of `work` take in this run, on one core: for the limits.
pub fn estimate(work: Loop, iterations: u128) -> Duration {
    let ns = match gil::global().filter(|gil| gil.config().pace == Pace::Cpython) {
        Some(gil) => pace::cost(gil.config().version, work).ns,
        None => pace::native_ns(work),
    };
    at(ns, iterations)
}

/// How long `iterations` take at `ns` each.
fn at(ns: f64, iterations: u128) -> Duration {
    Duration::from_secs_f64((iterations as f64 * ns / 1e9).min(1e12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_result_is_refused_with_both_numbers() {
        assert_eq!(exact("total", 285u128, 285), Ok(285));
        assert_eq!(
            exact("total", 284u128, 285).unwrap_err().to_string(),
            "wrong total: 284, expected 285"
        );
    }

    #[test]
    fn the_estimate_grows_with_the_iterations() {
        let one = estimate(Loop::SumOfSquares, 1_000_000);
        assert!(one > Duration::ZERO);
        assert_eq!(estimate(Loop::SumOfSquares, 2_000_000), one * 2);
    }
}
