//! `mp add-sub`: freeCodeCamp's `add(a, b)` and `sub(a, b)` (see `add_sub.py`), run one after
//! the other, by two threads, and by two worker processes, with each line's time, so that the
//! interleaving the tutorial describes is there to see: while `add` waits, `sub` runs.
//!
//! The tutorial waits 20 s in `add` and 10 s in `sub`; one tutorial second is `--unit-ms`.

use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::cli::CommonArgs;
use common::error::Failure;
use common::gil::{self, Python};
use common::program::Program;
use common::report::{Report, Run};
use common::threads::python_threads;
use serde_json::json;

use crate::worker::{self, Task};

const A: i64 = 25;
const B: i64 = 30;

/// The longest unit: a run lasts 70 units (30 + 20 + 20), so at most about an hour.
const MAX_UNIT_MS: u64 = 50_000;

/// Options of `mp add-sub`.
#[derive(clap::Args)]
pub struct Args {
    /// One second of the tutorial, in milliseconds (1 to 50000): add waits 20 of them, sub 10
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=MAX_UNIT_MS))]
    pub unit_ms: u64,
}

/// One printed line: when (since the mode started), which function, what.
#[derive(Clone, Debug)]
pub struct Line {
    pub at: Duration,
    pub who: &'static str,
    pub text: String,
}

/// Where `add` and `sub` `print()`: a shared list, in a process; stdout, in a worker process.
pub trait Printer: Sync {
    /// `print(text)`, from the function `who`.
    fn print(&self, who: &'static str, text: String);
}

pub fn add(a: i64, b: i64, unit: Duration, out: &dyn Printer, py: Python<'_>) {
    out.print("add", "À l'intérieur de la fonction add".into());
    out.print("add", "Attente de 20 secondes dans add".into());
    py.detach(|| thread::sleep(20 * unit)); // time.sleep(20)
    out.print("add", format!("Valeur de l'addition : {}", a + b));
}

pub fn sub(a: i64, b: i64, unit: Duration, out: &dyn Printer, py: Python<'_>) {
    out.print("sub", "À l'intérieur de la fonction sub".into());
    out.print("sub", format!("Valeur de la soustraction {} :", a - b));
    out.print("sub", "Attente de 10 secondes dans sub".into());
    py.detach(|| thread::sleep(10 * unit)); // time.sleep(10)
}

/// Lines said in this process, timed from `start`.
struct Collect {
    start: Instant,
    lines: Mutex<Vec<Line>>,
}

impl Collect {
    /// Keeps the lines the worker processes printed.
    fn take(&self, lines: Vec<Line>) {
        *self.lines.lock().unwrap_or_else(|p| p.into_inner()) = lines;
    }

    /// The lines printed so far, in time order.
    fn lines(&self) -> Vec<Line> {
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner()).clone();
        lines.sort_by_key(|line| line.at);
        lines
    }
}

impl Printer for Collect {
    fn print(&self, who: &'static str, text: String) {
        let line = Line { at: self.start.elapsed(), who, text };
        self.lines.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
}

fn sequential(unit: Duration, out: &Collect) {
    gil::attach(|py| {
        add(A, B, unit, out, py);
        sub(A, B, unit, out, py);
    });
}

fn threaded(unit: Duration, out: &Collect) -> Result<(), Failure> {
    let both: [Function; 2] = [add, sub];
    python_threads(2, |index, py| both[index](A, B, unit, out, py))?;
    Ok(())
}

/// One of the three ways to run `add` and `sub`, its lines collected in `Collect`.
type Mode<'a> = dyn Fn(&Collect) -> Result<(), Failure> + 'a;

/// `add` or `sub`.
pub type Function = fn(i64, i64, Duration, &dyn Printer, Python<'_>);

/// Two worker processes; each prints its lines with their time since `epoch`.
fn processes(unit_ms: u64, out: &Collect, common: &CommonArgs) -> Result<(), Failure> {
    let epoch_us = unix_micros();
    let tasks = [Task::Add { unit_ms, epoch_us }, Task::Sub { unit_ms, epoch_us }];
    let timeout = Duration::from_secs(60) + Duration::from_millis(30 * unit_ms);
    let (outputs, pids) = worker::run_all(&tasks, common, timeout)?;
    let offset =
        out.start.elapsed().saturating_sub(Duration::from_micros(unix_micros() - epoch_us));
    let mut lines = Vec::new();
    for (index, output) in outputs.iter().enumerate() {
        for raw in output.lines() {
            let mut fields = raw.splitn(3, '\t');
            let (Some(at), Some(who), Some(text)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(Failure::Worker {
                    index,
                    pid: pids[index],
                    what: format!("sent a line that is not a timed line: {raw:?}"),
                });
            };
            let (Ok(at), Some(who)) = (at.parse(), ["add", "sub"].into_iter().find(|&f| f == who))
            else {
                return Err(Failure::Worker {
                    index,
                    pid: pids[index],
                    what: format!("sent a line that names neither add nor sub: {raw:?}"),
                });
            };
            let at = Duration::from_micros(at) + offset;
            lines.push(Line { at, who, text: text.to_string() });
        }
    }
    out.take(lines);
    Ok(())
}

/// In a worker process: say each line on stdout, timed from the parent's epoch.
struct Stdout {
    epoch_us: u64,
}

impl Printer for Stdout {
    fn print(&self, who: &'static str, text: String) {
        common::outln!("{}\t{who}\t{text}", unix_micros().saturating_sub(self.epoch_us));
    }
}

/// The worker side: run `add` or `sub` alone in this process.
pub fn worker(function: Function, unit_ms: u64, epoch_us: u64) {
    let (out, unit) = (Stdout { epoch_us }, Duration::from_millis(unit_ms));
    gil::attach(|py| function(A, B, unit, &out, py));
}

fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// `mp add-sub`: the three modes, their lines in time order, and the table.
pub fn run(args: &Args, program: &Program) -> Result<Report, Failure> {
    let unit = Duration::from_millis(args.unit_ms);
    let mut report =
        Report::new("mp add-sub").speedup_over("sequential").size("unit_ms", args.unit_ms);
    program.steps(3);
    let modes: [(&str, &Mode); 3] = [
        ("sequential", &|out| {
            sequential(unit, out);
            Ok(())
        }),
        ("threads", &|out| threaded(unit, out)),
        ("processes", &|out| processes(args.unit_ms, out, program.args())),
    ];
    for (mode, run_mode) in modes {
        let out = Collect { start: Instant::now(), lines: Mutex::new(Vec::new()) };
        let ((), elapsed) = program.try_mode(mode, || run_mode(&out))?;
        let lines = out.lines();
        report.transcript_line(format!("--- {mode}"));
        for line in &lines {
            report.transcript_line(format!(
                "[{:7.3} s] {}: {}",
                line.at.as_secs_f64(),
                line.who,
                line.text
            ));
        }
        report.transcript_line(format!("[{:7.3} s] Complet", elapsed.as_secs_f64()));
        let json_lines: Vec<_> = lines
            .iter()
            .map(|l| json!({"at_ms": l.at.as_secs_f64() * 1000.0, "who": l.who, "text": l.text}))
            .collect();
        report.push(
            Run::new(mode, elapsed)
                .with("units", elapsed.as_secs_f64() / unit.as_secs_f64())
                .with("lines", json_lines),
        );
    }
    report.conclude(format!(
        "This run took: {}. One after the other, add's 20-second wait and sub's 10-second wait \
         add up to 30 units; by two threads or two processes they overlap, and the run takes \
         add's 20 (plus, for processes, the price of starting them).",
        report.quote("units", "units")
    ));
    Ok(report)
}
