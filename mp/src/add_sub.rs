//! `mp add-sub`: freeCodeCamp's `add(a, b)` and `sub(a, b)` (see `add_sub.py`), run one after
//! the other, by two threads, and by two worker processes, with each line's time, so that the
//! interleaving the tutorial describes is there to see: while `add` waits, `sub` runs.
//!
//! The tutorial waits 20 s in `add` and 10 s in `sub`; one tutorial second is `--unit-ms`.

use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::cli::CommonArgs;
use common::gil::{self, Python};
use common::process::{self, Failure};
use common::progress::Progress;
use common::report::{Outcome, Report, Run};
use serde_json::json;

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

/// Where `add` and `sub` print: a shared list, in a process; stdout, in a worker process.
pub trait Say: Sync {
    fn say(&self, who: &'static str, text: String);
}

fn add(a: i64, b: i64, unit: Duration, say: &dyn Say, py: Python<'_>) {
    say.say("add", "À l'intérieur de la fonction add".into());
    say.say("add", "Attente de 20 secondes dans add".into());
    py.detach(|| thread::sleep(20 * unit)); // time.sleep(20)
    say.say("add", format!("Valeur de l'addition : {}", a + b));
}

fn sub(a: i64, b: i64, unit: Duration, say: &dyn Say, py: Python<'_>) {
    say.say("sub", "À l'intérieur de la fonction sub".into());
    say.say("sub", format!("Valeur de la soustraction {} :", a - b));
    say.say("sub", "Attente de 10 secondes dans sub".into());
    py.detach(|| thread::sleep(10 * unit)); // time.sleep(10)
}

/// Lines said in this process, timed from `start`.
struct Collect {
    start: Instant,
    lines: Mutex<Vec<Line>>,
}

impl Say for Collect {
    fn say(&self, who: &'static str, text: String) {
        let line = Line {
            at: self.start.elapsed(),
            who,
            text,
        };
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }
}

fn sequential(unit: Duration, say: &Collect) {
    gil::attach(|py| {
        add(A, B, unit, say, py);
        sub(A, B, unit, say, py);
    });
}

fn threaded(unit: Duration, say: &Collect) {
    thread::scope(|s| {
        let add_thread = s.spawn(|| gil::attach(|py| add(A, B, unit, say, py)));
        let sub_thread = s.spawn(|| gil::attach(|py| sub(A, B, unit, say, py)));
        let _ = add_thread.join();
        let _ = sub_thread.join();
    });
}

/// Two worker processes; each prints its lines with their time since `epoch`.
fn processes(unit_ms: u64, start: Instant) -> Result<Vec<Line>, Failure> {
    let epoch_us = unix_micros();
    let command_lines = ["add", "sub"].into_iter().enumerate().map(|(index, task)| {
        [
            "--worker",
            &index.to_string(),
            "--task",
            task,
            "--unit-ms",
            &unit_ms.to_string(),
            "--epoch-us",
            &epoch_us.to_string(),
        ]
        .map(String::from)
        .to_vec()
    });
    let timeout = Duration::from_secs(60) + Duration::from_millis(30 * unit_ms);
    let (outputs, pids) = process::run_all(command_lines, timeout)?;
    let offset = start
        .elapsed()
        .saturating_sub(Duration::from_micros(unix_micros() - epoch_us));
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
            let at = Duration::from_micros(at.parse().unwrap_or(0)) + offset;
            let who = if who == "add" { "add" } else { "sub" };
            lines.push(Line {
                at,
                who,
                text: text.to_string(),
            });
        }
    }
    lines.sort_by_key(|line| line.at);
    Ok(lines)
}

/// In a worker process: say each line on stdout, timed from the parent's epoch.
struct Stdout {
    epoch_us: u64,
}

impl Say for Stdout {
    fn say(&self, who: &'static str, text: String) {
        common::outln!(
            "{}\t{who}\t{text}",
            unix_micros().saturating_sub(self.epoch_us)
        );
    }
}

/// The worker side: run `add` or `sub` alone in this process.
pub fn worker(task: &str, unit_ms: u64, epoch_us: u64) {
    let (say, unit) = (Stdout { epoch_us }, Duration::from_millis(unit_ms));
    gil::attach(|py| match task {
        "add" => add(A, B, unit, &say, py),
        _ => sub(A, B, unit, &say, py),
    });
}

fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// `mp add-sub`: the three modes, their lines in time order, and the table.
pub fn run(args: &Args, common: &CommonArgs) -> Outcome {
    let unit = Duration::from_millis(args.unit_ms);
    let mut report = Report::new("mp add-sub")
        .speedup_over("sequential")
        .size("unit_ms", args.unit_ms);
    let progress = Progress::new(common, "mp add-sub", 3);
    for mode in ["sequential", "threads", "processes"] {
        progress.step(mode);
        let say = Collect {
            start: Instant::now(),
            lines: Mutex::new(Vec::new()),
        };
        let lines = match mode {
            "sequential" => {
                sequential(unit, &say);
                say.lines.into_inner().unwrap_or_else(|p| p.into_inner())
            }
            "threads" => {
                threaded(unit, &say);
                say.lines.into_inner().unwrap_or_else(|p| p.into_inner())
            }
            _ => processes(args.unit_ms, say.start)?,
        };
        let elapsed = say.start.elapsed();
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
    let conclusion = format!(
        "This run took: {}. One after the other, add's 20-second wait and sub's 10-second wait \
         add up to 30 units; by two threads or two processes they overlap, and the run takes \
         add's 20 (plus, for processes, the price of starting them).",
        report.quote("units", "units")
    );
    Ok((report, conclusion))
}
