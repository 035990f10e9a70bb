//! The real CPython beside the model (`--beside-cpython`): after the model's run, the program's
//! own `.py` runs with the same sizes under a real CPython, whose GIL is sampled from outside,
//! and both schedules are shown one above the other, in the same glyphs and the same figures.
//!
//! * CPython with a GIL (2.7, 3.9, 3.12): py-spy reads which thread holds it ([`spy`]), about a
//!   thousand times a second; the model's side is its exact events.
//! * Free-threaded 3.13t (no GIL, and py-spy cannot read it): each thread's run state, read from
//!   the kernel, says when it was running ([`run_state`]), for CPython's process and for ours.
//!
//! Sampling cannot see a hold shorter than its period: the old GIL (2.7) changes hands every few
//! microseconds, so there only the share each thread held, column by column, can be compared.

mod args;
pub mod clock;
mod find;
mod print;
mod rows;
mod run_state;
#[cfg(feature = "gil")]
mod spy;

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use args::arguments;
pub use args::modes_argument;
pub use find::plan;
use find::{script, version_of};
pub use run_state::OwnSampler;

use crate::cli::CommonArgs;
use crate::error::Failure;
use crate::timeline::Timeline;

/// How often the samplers try to sample: as often as this, or as often as a sample allows.
pub const PERIOD: Duration = Duration::from_micros(500);

/// The fewest samples of CPython's run a comparison is made from: about 15 ms of sampling. A
/// run sampled less (an interpreter that exits at once, `--beside-cpython=/bin/true`) is a
/// failure, not a comparison.
const MIN_SAMPLES: u64 = 20;

/// What a side's timeline was read from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Witness {
    /// The model's own events: every take and drop, exact.
    Events,
    /// py-spy's samples; `misses` it could not read.
    PySpy { misses: u64 },
    /// Each thread's run state, sampled from the kernel.
    RunState,
    /// Each thread's own clock, read as its loop runs ([`clock`]).
    Clock,
}

/// One side's schedule: its threads, its timeline and how it was read.
#[derive(Clone, Debug)]
pub struct Sampled {
    pub names: Vec<String>,
    pub timeline: Timeline,
    pub samples: u64,
    pub seconds: f64,
    /// Samples in which no thread held the GIL.
    pub without_holder: u64,
    pub witness: Witness,
    /// The cores the witness itself kept busy while it watched (CPU / wall seconds), where
    /// measured: a sampler on a 2-core machine takes a core CPython's threads could have used.
    pub witness_cores: Option<f64>,
}

impl Sampled {
    /// The model's exact events.
    pub fn events(names: Vec<String>, timeline: Timeline) -> Self {
        Self {
            names,
            timeline,
            samples: 0,
            seconds: 0.0,
            without_holder: 0,
            witness: Witness::Events,
            witness_cores: None,
        }
    }

    /// Only the rows `keep` names, renumbered in order: the model's process runs threads that
    /// CPython's has no twin of (tokio's workers, the simulated devices, the progress line).
    pub fn only(self, keep: impl Fn(&str) -> bool) -> Self {
        // Each row's new number, if it is kept.
        let mut names = Vec::new();
        let rows: Vec<Option<usize>> = (self.names.iter())
            .map(|name| keep(name).then(|| names.push(name.clone())).map(|()| names.len() - 1))
            .collect();
        let mut timeline = if self.timeline.is_of_running_threads() {
            Timeline::of_running_threads()
        } else {
            Timeline::new(true)
        };
        for event in self.timeline.events() {
            if let Some(Some(row)) = rows.get(event.thread) {
                timeline.push(*row, event.at_us, event.mark);
            }
        }
        Self { names, timeline, ..self }
    }

    /// Samples a second.
    pub fn rate_hz(&self) -> f64 {
        self.samples as f64 / self.seconds.max(1e-9)
    }
}

/// The CPython chosen at start-up, before any work.
pub struct Plan {
    pub interpreter: PathBuf,
    /// Whether both sides are read from their threads' run states (`--python 3.13t`).
    pub free_threaded: bool,
    python2: bool,
    /// Whether both sides are observed by their threads' own clocks ([`clock`]), rather than
    /// CPython's by a sampler beside the model's exact events.
    pub clock: bool,
}

impl Plan {
    /// What a gap in a thread's clock readings can mean under this CPython.
    pub fn rules(&self) -> clock::Rules {
        match (self.free_threaded, self.python2) {
            (true, _) => clock::Rules::FreeThreaded,
            (false, true) => clock::Rules::OldGil,
            (false, false) => clock::Rules::NewGil,
        }
    }
}

/// The model's run and CPython's, side by side.
#[derive(Clone, Debug)]
pub struct Beside {
    pub interpreter: String,
    pub version: String,
    pub script: String,
    pub arguments: Vec<String>,
    pub model: Sampled,
    pub cpython: Sampled,
    /// The model's exact events, when its side is what its clocks read: what they missed.
    pub model_events: Option<Sampled>,
}

/// Runs `program`'s `.py` under the planned CPython, sampling it, and returns both sides. The
/// `.py` gets the run's sizes, its switch interval, and the modes that ran (`ran`).
pub(crate) fn beside(
    plan: &Plan,
    program: &str,
    (sizes, ran): (&[(&'static str, Value)], &[&str]),
    args: &CommonArgs,
    model: Sampled,
) -> Result<Beside, Failure> {
    let script = script(program, plan.python2).map_err(Failure::Setup)?;
    let mut arguments = arguments(sizes, args.switch_interval);
    arguments.extend(modes_argument(program, ran).map_err(Failure::Setup)?);
    let watch: &[&str] = if plan.clock { &["--json", "--clock-witness"] } else { &[] };
    let mut child = Command::new(&plan.interpreter)
        .arg(&script)
        .args(&arguments)
        .args(watch)
        .stdin(Stdio::null())
        .stdout(if plan.clock { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Failure::Setup(format!("could not start {}: {e}", plan.interpreter.display()))
        })?;
    crate::interrupt::kill_on_interrupt(child.id());
    let pipes = drain("cpython-stderr", child.stderr.take())
        .and_then(|stderr| Ok((stderr, drain("cpython-stdout", child.stdout.take())?)));
    let (stderr, stdout) = match pipes {
        Ok(pipes) => pipes,
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            crate::interrupt::forget_child(child.id());
            return Err(Failure::ThreadStart(format!("{error} (to read CPython's output)")));
        }
    };
    // What the sampler costs: this process's CPU while it samples (CPython's is its child's).
    let (sampled, cost) = crate::usage::measured(|| sample(plan, &mut child));
    let stdout = stdout.join().unwrap_or_default();
    let sampled = sampled.map(|(version, mut cpython)| {
        cpython.witness_cores = Some(cost.own_cores());
        (version, cpython)
    });
    if sampled.is_err() {
        let _ = child.kill();
    }
    let status = child.wait();
    crate::interrupt::forget_child(child.id());
    let stderr = stderr.join().unwrap_or_default();
    let (mut version, mut cpython) = sampled?;
    match status {
        Ok(status) if status.success() => {}
        Ok(_) if crate::interrupt::interrupted() => return Err(Failure::Interrupted),
        Ok(status) if status.signal().is_some() => {
            let signal = status.signal().unwrap_or(0);
            return Err(Failure::Io(format!("{} was killed by signal {signal}", script.display())));
        }
        _ => {
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
            return Err(Failure::Io(format!("{} failed: {last}", script.display())));
        }
    }
    if plan.clock && !stdout.trim().is_empty() {
        let report: Value = serde_json::from_str(&stdout).map_err(|e| {
            Failure::Io(format!("{} printed no JSON report to read ({e})", script.display()))
        })?;
        cpython = clock::from_json(&report, plan.rules())
            .map_err(|why| Failure::Io(format!("{}: {why}", script.display())))?;
        version = report["python"].as_str().unwrap_or(&version).to_string();
    }
    if cpython.samples < MIN_SAMPLES {
        return Err(Failure::Io(format!(
            "{} under {} ended after {} samples of its GIL: too few to compare (at least \
             {MIN_SAMPLES}); give it larger sizes, or a real CPython",
            script.display(),
            plan.interpreter.display(),
            cpython.samples
        )));
    }
    Ok(Beside {
        interpreter: plan.interpreter.display().to_string(),
        version,
        script: script.file_name().map_or(String::new(), |f| f.to_string_lossy().into_owned()),
        arguments,
        model,
        cpython,
        model_events: None,
    })
}

/// Reads one of the child's pipes to its end, in a thread, so that a chatty `.py` never blocks.
fn drain(
    name: &str,
    pipe: Option<impl Read + Send + 'static>,
) -> std::io::Result<std::thread::JoinHandle<String>> {
    std::thread::Builder::new().name(name.into()).spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// Samples the child until it exits: (its version, its schedule). With the clock witness there
/// is nothing to sample: the `.py`'s threads read their own clocks, and this waits.
fn sample(plan: &Plan, child: &mut Child) -> Result<(String, Sampled), Failure> {
    if plan.clock {
        while running(child)? {
            std::thread::sleep(PERIOD * 20);
        }
        return Ok((String::new(), clock::sampled(&[], plan.rules())));
    }
    if !plan.free_threaded {
        return sample_gil(plan, child);
    }
    let origin = Instant::now();
    let mut sampler = run_state::RunState::new(child.id(), None, origin);
    while running(child)? {
        sampler.sample();
        std::thread::sleep(PERIOD);
    }
    Ok((version_of(&plan.interpreter), sampler.finish(origin.elapsed().as_secs_f64())))
}

#[cfg(feature = "gil")]
use spy::sample_gil;

/// Without the `gil` feature, `--beside-cpython` is refused before the run.
#[cfg(not(feature = "gil"))]
fn sample_gil(_: &Plan, _: &mut Child) -> Result<(String, Sampled), Failure> {
    Err(Failure::Setup("--beside-cpython needs --features gil".into()))
}

/// Whether the child still runs; on Ctrl-C it is killed and the run fails as interrupted.
fn running(child: &mut Child) -> Result<bool, Failure> {
    if crate::interrupt::interrupted() {
        let _ = child.kill();
        return Err(Failure::Interrupted);
    }
    Ok(matches!(child.try_wait(), Ok(None)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Mark;

    #[test]
    fn only_the_rows_kept_stay_renumbered_in_order() {
        let mut timeline = Timeline::of_running_threads();
        for (row, at) in [(0, 10), (1, 20), (2, 30)] {
            timeline.push(row, at, Mark::Holding);
        }
        let names = ["MainThread", "tokio-rt-worker", "Thread-1"].map(String::from).to_vec();
        let sampled = Sampled { witness: Witness::RunState, ..Sampled::events(names, timeline) };
        let kept = sampled.only(|name| !name.starts_with("tokio"));
        assert_eq!(kept.names, ["MainThread", "Thread-1"]);
        let rows: Vec<(usize, u64)> =
            kept.timeline.events().iter().map(|e| (e.thread, e.at_us)).collect();
        assert_eq!(rows, [(0, 10), (1, 30)]);
        assert!(kept.timeline.is_of_running_threads());
    }
}
