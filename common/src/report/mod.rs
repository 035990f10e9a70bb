//! The result of a run: an aligned table with the speedup relative to the first row and one
//! sentence saying what the numbers show, or with `--json` exactly one JSON object on stdout.

mod print;

use crate::lang::num;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::gil;
use crate::usage::{self, Measured};
pub(crate) use print::print;

/// One row: a mode (`sequential`, `threads`, …), how long it took, and what it produced.
#[derive(Clone, Debug)]
pub struct Run {
    pub mode: &'static str,
    pub seconds: f64,
    /// The CPU time it used beside its wall time, and the machine's other work, where measured.
    pub usage: Option<Measured>,
    /// Extra fields, in order: `result`, `expected`, `got`, `lost`, `pids`, …
    pub fields: Vec<(&'static str, Value)>,
}

/// How long a run took: a wall time alone, or [`Measured`] with its CPU time.
pub enum Elapsed {
    Wall(Duration),
    Measured(Measured),
}

impl From<Duration> for Elapsed {
    fn from(wall: Duration) -> Self {
        Elapsed::Wall(wall)
    }
}

impl From<Measured> for Elapsed {
    fn from(measured: Measured) -> Self {
        Elapsed::Measured(measured)
    }
}

impl Run {
    pub fn new(mode: &'static str, elapsed: impl Into<Elapsed>) -> Self {
        let (seconds, usage) = match elapsed.into() {
            Elapsed::Wall(wall) => (wall.as_secs_f64(), None),
            Elapsed::Measured(measured) => (measured.as_secs_f64(), Some(measured)),
        };
        Self { mode, seconds, usage, fields: Vec::new() }
    }

    /// How many cores the run kept busy (CPU seconds / wall seconds), where measured.
    pub fn cores_used(&self) -> Option<f64> {
        self.usage.map(|u| u.cores_used())
    }

    /// How many cores the rest of the machine kept busy meanwhile, where measured.
    pub fn other_cores(&self) -> Option<f64> {
        self.usage.and_then(|u| u.other_cores())
    }

    /// Adds a field, shown as a column of the table and a key of the run's JSON object.
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    /// The value of a field, if the run has it.
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// A program's whole output.
#[derive(Clone, Debug)]
pub struct Report {
    program: &'static str,
    /// The sizes the run used (`n`, `workers`, …), echoed so that a run can be reproduced.
    sizes: Vec<(&'static str, Value)>,
    pub runs: Vec<Run>,
    /// The mode every other run's speedup is measured against: the table has a speedup column
    /// only where a program compares runs of the same work, and only if that mode ran with
    /// another one.
    baseline: Option<&'static str>,
    /// Text printed before the table (not with `--json`): a transcript of the run.
    transcript: String,
    /// One sentence, after the table, on what the numbers show.
    conclusion: String,
    /// What runs the program's work in a build without the GIL, for the header.
    natively: &'static str,
    /// The model's schedule beside a real CPython's (`--beside-cpython`).
    pub(crate) beside: Option<crate::cpython::Beside>,
}

/// The profile this binary was built with: `cargo run` builds `debug`, `--release` builds
/// `release`. Figures from a debug build are for seeing an effect, not for quoting.
pub fn profile() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
}

impl Report {
    pub fn new(program: &'static str) -> Self {
        Self {
            program,
            sizes: Vec::new(),
            runs: Vec::new(),
            baseline: None,
            transcript: String::new(),
            conclusion: String::new(),
            natively: "natively-rust",
            beside: None,
        }
    }

    /// Adds a line to the transcript printed before the table, once the run has ended: a run
    /// that fails or is interrupted prints nothing on stdout.
    pub fn transcript_line(&mut self, line: String) {
        self.transcript.push_str(&line);
        self.transcript.push('\n');
    }

    /// The runs do the same work: show each one's speedup over `mode`'s run, in a column
    /// labelled with it (when `mode` ran, and another mode with it).
    pub fn speedup_over(mut self, mode: &'static str) -> Self {
        self.baseline = Some(mode);
        self
    }

    /// What runs the work without a GIL, if not native threads: the id of its message in
    /// `common/locales` ("natively-tokio").
    pub fn natively(mut self, what: &'static str) -> Self {
        self.natively = what;
        self
    }

    /// Says, after the table, what the numbers show.
    pub fn conclude(&mut self, conclusion: String) {
        self.conclusion = conclusion;
    }

    /// The program's name, as its header shows it ("base convoy").
    pub fn program(&self) -> &'static str {
        self.program
    }

    /// The sizes the run used, in order.
    pub fn sizes(&self) -> &[(&'static str, Value)] {
        &self.sizes
    }

    /// Records a size the run used.
    pub fn size(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.sizes.push((key, value.into()));
        self
    }

    pub fn push(&mut self, run: Run) {
        self.runs.push(run);
    }

    /// The run of a mode. Panics if the program never ran it: a bug, not an input.
    pub fn run(&self, mode: &str) -> &Run {
        self.runs.iter().find(|r| r.mode == mode).unwrap_or_else(|| panic!("no run of mode {mode}"))
    }

    /// Each run's numeric `key`, for a conclusion that quotes its run: "sequential 5.0 waits,
    /// threads 1.0 waits".
    pub fn quote(&self, key: &str, unit: &str) -> String {
        let quoted: Vec<String> = self
            .runs
            .iter()
            .filter_map(|run| {
                let value = run.field(key)?.as_f64()?;
                Some(crate::tr!("quote", mode = run.mode, value = num(value, 1), unit = unit))
            })
            .collect();
        quoted.join(", ")
    }

    /// How many times faster `mode` ran than `baseline`: `baseline`'s seconds / `mode`'s.
    pub fn speedup(&self, mode: &str, baseline: &str) -> f64 {
        self.run(baseline).seconds / self.run(mode).seconds
    }

    /// The whole output as one JSON object.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("program".into(), self.program.into());
        object.insert("gil".into(), gil::global().is_some().into());
        object.insert("cores".into(), crate::cli::cores().into());
        object.insert("busy_cores".into(), crate::load::busy_cores().into());
        object.insert("profile".into(), profile().into());
        for (key, value) in &self.sizes {
            object.insert((*key).into(), value.clone());
        }
        if let Some(gil) = gil::global() {
            object.insert("gil_stats".into(), gil.stats().to_json());
        }
        let runs: Vec<Value> = self
            .runs
            .iter()
            .map(|run| {
                let mut fields = Map::new();
                fields.insert("mode".into(), run.mode.into());
                fields.insert("seconds".into(), json!(run.seconds));
                if let Some(usage) = run.usage {
                    fields.insert("cpu_seconds".into(), json!(usage.cpu_seconds()));
                    fields.insert("cores_used".into(), json!(usage.cores_used()));
                    if let Some(other) = usage.other_cores() {
                        fields.insert("other_cores".into(), json!(other));
                    }
                }
                for (key, value) in &run.fields {
                    fields.insert((*key).into(), value.clone());
                }
                Value::Object(fields)
            })
            .collect();
        object.insert("runs".into(), runs.into());
        if let Some(load) = usage::load_average() {
            object.insert("load_average".into(), json!(load));
        }
        if let Some(beside) = &self.beside {
            object.insert("beside_cpython".into(), beside.to_json());
        }
        Value::Object(object)
    }

    /// One line on the rest of the machine's work, when it kept at least a quarter of a core
    /// busy during some mode: "Meanwhile the rest of the machine kept 0.9 of the 2 cores busy
    /// during sequential, 1.0 during threads (load average 2.31)."
    pub fn busy_machine(&self) -> Option<String> {
        let others: Vec<(&str, f64)> =
            self.runs.iter().filter_map(|run| Some((run.mode, run.other_cores()?))).collect();
        if !others.iter().any(|&(_, cores)| cores >= BUSY) {
            return None;
        }
        let during: Vec<String> = others
            .iter()
            .enumerate()
            .map(|(i, (mode, cores))| match i {
                0 => crate::tr!(
                    "busy-first",
                    cores = num(*cores, 1),
                    total = crate::cli::cores(),
                    mode = *mode
                ),
                _ => crate::tr!("busy-next", cores = num(*cores, 1), mode = *mode),
            })
            .collect();
        let load = usage::load_average()
            .map_or_else(String::new, |l| crate::tr!("busy-load", load = num(l, 2)));
        Some(crate::tr!("busy-line", during = during.join(", "), load = load))
    }

    /// The table, without the header and the conclusion.
    pub fn table(&self) -> String {
        let mut columns: Vec<&'static str> = Vec::new();
        for run in &self.runs {
            for (key, value) in &run.fields {
                if !columns.contains(key) && !value.is_array() && !value.is_object() {
                    columns.push(key);
                }
            }
        }
        let baseline = self
            .baseline
            .filter(|_| self.runs.len() >= 2)
            .and_then(|mode| self.runs.iter().find(|r| r.mode == mode));
        let mut fixed = vec![crate::tr!("column-mode"), crate::tr!("column-seconds")];
        if let Some(baseline) = baseline {
            fixed.push(crate::tr!("column-speedup", baseline = baseline.mode));
        }
        let measured = self.runs.iter().any(|run| run.usage.is_some());
        if measured {
            fixed.extend([crate::tr!("column-cpu"), crate::tr!("column-cores")]);
        }
        let mut rows: Vec<Vec<String>> =
            vec![fixed.into_iter().chain(columns.iter().map(|c| header_of(c))).collect()];
        for run in &self.runs {
            let mut row = vec![run.mode.to_string(), num(run.seconds, 3)];
            if let Some(baseline) = baseline {
                row.push(if run.seconds > 0.0 {
                    format!("{}x", num(baseline.seconds / run.seconds, 2))
                } else {
                    "-".to_string()
                });
            }
            if measured {
                let usage = run.usage.as_ref();
                row.push(usage.map_or_else(String::new, |u| num(u.cpu_seconds(), 3)));
                row.push(usage.map_or_else(String::new, |u| num(u.cores_used(), 2)));
            }
            for column in &columns {
                row.push(match run.field(column) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) if n.is_f64() => num(n.as_f64().unwrap_or(0.0), 3),
                    Some(value) => value.to_string(),
                    None => String::new(),
                });
            }
            rows.push(row);
        }
        align(&rows)
    }
}

/// From how many cores of other work a run's machine counts as busy.
pub const BUSY: f64 = 0.25;

/// Left-aligns the first column and right-aligns the others, two spaces apart.
fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A column named after its JSON key: its header in the chosen language, where one is written
/// (`column-KEY` in `common/locales`), else the key.
fn header_of(key: &str) -> String {
    crate::lang::tr_or(&format!("column-{key}"), key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_aligned_with_speedups_over_the_baseline() {
        let mut report = Report::new("demo").size("n", 10).speedup_over("sequential");
        report.push(Run::new("threads", Duration::from_secs(1)).with("result", "285"));
        report.push(Run::new("sequential", Duration::from_secs(2)).with("result", "285"));
        assert_eq!(
            report.table(),
            "mode        seconds  speedup vs sequential  result\n\
             threads       1.000                  2.00x     285\n\
             sequential    2.000                  1.00x     285\n"
        );
        assert_eq!(report.speedup("threads", "sequential"), 2.0);
    }

    #[test]
    fn no_speedup_without_two_runs_and_the_baseline() {
        let mut alone = Report::new("demo").speedup_over("sequential");
        alone.push(Run::new("sequential", Duration::from_secs(2)));
        assert!(!alone.table().contains("speedup"), "{}", alone.table());
        let mut no_baseline = Report::new("demo").speedup_over("sequential");
        no_baseline.push(Run::new("processes", Duration::from_secs(1)));
        no_baseline.push(Run::new("rayon", Duration::from_secs(1)));
        assert!(!no_baseline.table().contains("speedup"));
        let mut not_comparable = Report::new("demo");
        not_comparable.push(Run::new("thread", Duration::from_secs(1)));
        not_comparable.push(Run::new("process", Duration::from_secs(2)));
        assert!(!not_comparable.table().contains("speedup"));
    }

    #[test]
    fn json_echoes_sizes_and_runs() {
        let mut report = Report::new("demo").size("n", 10);
        report.push(Run::new("threads", Duration::from_millis(1500)).with("lost", 3));
        let json = report.to_json();
        assert_eq!(json["program"], "demo");
        assert_eq!(json["n"], 10);
        assert_eq!(json["runs"][0]["mode"], "threads");
        assert_eq!(json["runs"][0]["seconds"], 1.5);
        assert_eq!(json["runs"][0]["lost"], 3);
    }
}
