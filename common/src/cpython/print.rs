//! The model and CPython one above the other: both timelines in the terminal, a table of the
//! same figures for both, `--json`'s `"beside_cpython"`, and both in the SVG and the trace.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Beside, Sampled, Witness, clock};
use crate::timeline::{Picture, Process, Schedule};

/// A thread held and waited for the GIL less than this share of the window: left out.
const IDLE: f64 = 0.005;

impl Sampled {
    fn schedule(&self) -> Schedule {
        self.timeline.schedule(&self.names, self.timeline.contended(self.names.len()))
    }

    fn witness_text(&self) -> String {
        let cost = self.witness_cores.map_or_else(String::new, |cores| {
            format!(
                "; the sampler itself kept {cores:.2} of the {} cores busy",
                crate::cli::cores()
            )
        });
        let said = match self.witness {
            Witness::Events => "its exact events".to_string(),
            Witness::PySpy { misses } => format!(
                "its GIL read by py-spy {:.0} times a second ({} samples, {} unreadable, {:.1} % \
                 with no holder found)",
                self.rate_hz(),
                self.samples,
                misses,
                100.0 * self.without_holder as f64 / self.samples.max(1) as f64
            ),
            Witness::RunState => format!(
                "each thread's run state read from the kernel {:.0} times a second ({} samples)",
                self.rate_hz(),
                self.samples
            ),
            Witness::Clock => format!(
                "each thread's own clock, read every {} iterations of its loop ({} readings; a \
                 gap over {} ms is a time it did not run)",
                clock::STRIDE,
                self.samples,
                clock::GAP_NS as f64 / 1e6
            ),
        };
        match said.strip_suffix(')') {
            Some(open) if !cost.is_empty() => format!("{open}{cost})"),
            _ => said,
        }
    }
}

impl Beside {
    /// What CPython ran: "CPython 3.12.1: cpu_example.py --n 5000000 --workers 2".
    pub fn command(&self) -> String {
        format!("CPython {}: {} {}", self.version, self.script, self.arguments.join(" "))
    }

    fn free_threaded(&self) -> bool {
        self.cpython.timeline.is_of_running_threads()
    }

    /// Both timelines and the table, for the terminal.
    pub(crate) fn text(&self, model: &str) -> String {
        let mut out = String::new();
        let held = if self.free_threaded() { "was running" } else { "held the GIL" };
        for (title, side) in [(model.to_string(), &self.model), (self.command(), &self.cpython)] {
            let _ = writeln!(out, "\n{title}, {}; who {held}:", side.witness_text());
            out.push_str(&side.timeline.render_text(
                &side.names,
                side.timeline.window(120_000),
                1_000,
            ));
        }
        out.push_str(&self.table());
        if let Some(events) = &self.model_events {
            let (c, e) = (self.model.schedule(), events.schedule());
            let _ = writeln!(
                out,
                "What the model's clocks missed: its exact events say {:.0} switches a second \
                 and holds of {:.2} / {:.2} ms (p50 / p90), its clocks {:.0} and {:.2} / {:.2}.",
                e.switches_per_second(),
                e.hold_ms(0.5),
                e.hold_ms(0.9),
                c.switches_per_second(),
                c.hold_ms(0.5),
                c.hold_ms(0.9)
            );
        }
        out.push_str(&self.resolution());
        out
    }

    /// What the witness cannot see, in a line.
    fn resolution(&self) -> String {
        let period_ms = 1000.0 / self.cpython.rate_hz().max(1e-9);
        let cores = crate::cli::cores();
        let mut out = String::new();
        let gap_ms = clock::GAP_NS as f64 / 1e6;
        let _ = if self.cpython.witness == Witness::Clock {
            let old = if self.version.starts_with("2.") {
                " CPython 2.7's old GIL changes hands every few microseconds, well under that, \
                 so both threads show as running at once; compare it by the share each ran."
            } else {
                ""
            };
            writeln!(
                out,
                "Both sides were observed alike, by their threads' own clocks, with no sampler: \
                 no gap shorter than {gap_ms} ms is seen, and a thread that waits for a core \
                 looks the same as one that waits for the GIL.{old}"
            )
        } else if self.free_threaded() {
            writeln!(
                out,
                "Sampling sees no run shorter than one sample ({period_ms:.2} ms here), and counts \
                 a thread that waits for a core as running. The sampler takes a core of its own on \
                 this {cores}-core machine."
            )
        } else if self.version.starts_with("2.") {
            writeln!(
                out,
                "Sampling sees no hold shorter than one sample ({period_ms:.2} ms here): CPython \
                 2.7's old GIL changes hands every few microseconds, so compare it by the share \
                 each thread held, not by its switches. The sampler takes a core of its own on this \
                 {cores}-core machine."
            )
        } else {
            writeln!(
                out,
                "Sampling sees no hold shorter than one sample ({period_ms:.2} ms here). The \
                 sampler takes a core of its own on this {cores}-core machine."
            )
        };
        out
    }

    fn table(&self) -> String {
        let (m, c) = (self.model.schedule(), self.cpython.schedule());
        let mut rows: Vec<(String, String, String)> = Vec::new();
        let ms = |s: &Schedule| format!("{:.2} s", s.seconds());
        let window = if self.free_threaded() {
            "window compared (two threads at once, first to last)"
        } else {
            "window compared (first wait to last)"
        };
        rows.push((window.into(), ms(&m), ms(&c)));
        if !self.free_threaded() {
            let f = |s: &Schedule| format!("{:.0}", s.switches_per_second());
            rows.push(("GIL switches a second".into(), f(&m), f(&c)));
            let hold = |s: &Schedule| format!("{:.2} / {:.2} ms", s.hold_ms(0.5), s.hold_ms(0.9));
            rows.push(("holds p50 / p90".into(), hold(&m), hold(&c)));
        }
        let verb = if self.free_threaded() { "running" } else { "held it" };
        // The threads that held it or waited for it in the window, in the order they started.
        let active = |s: &Schedule| -> Vec<(String, f64, f64)> {
            s.held
                .iter()
                .zip(&s.waited)
                .filter(|((_, held), waited)| *held + **waited >= IDLE)
                .map(|((name, held), waited)| (name.clone(), *held, *waited))
                .collect()
        };
        let (ma, ca) = (active(&m), active(&c));
        for i in 0..ma.len().max(ca.len()) {
            let cell = |a: &[(String, f64, f64)]| match a.get(i) {
                None => "-".to_string(),
                Some((n, held, _)) => format!("{n} {:.0} %", 100.0 * held),
            };
            rows.push((format!("thread {} {verb}", i + 1), cell(&ma), cell(&ca)));
            if !self.free_threaded() {
                let waited = |a: &[(String, f64, f64)]| {
                    a.get(i)
                        .map_or_else(|| "-".to_string(), |(_, _, w)| format!("{:.0} %", 100.0 * w))
                };
                rows.push(("    and waited for it".to_string(), waited(&ma), waited(&ca)));
            }
        }
        let pct = |x: f64| format!("{:.1} %", 100.0 * x);
        if !self.free_threaded() {
            rows.push(("nobody held it".into(), pct(m.nobody), pct(c.nobody)));
        }
        let two = if self.free_threaded() {
            "two threads running at once"
        } else {
            "two holders at once"
        };
        rows.push((two.into(), pct(m.overlap), pct(c.overlap)));
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let model_w = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0).max(5);
        let mut out =
            format!("\n  {:width$}  {:>model_w$}  CPython {}\n", "", "model", self.version);
        for (what, model, cpython) in rows {
            let _ = writeln!(out, "  {what:width$}  {model:>model_w$}  {cpython}");
        }
        out
    }

    /// `--json`'s `"beside_cpython"`.
    pub(crate) fn to_json(&self) -> Value {
        let side = |s: &Sampled| {
            let mut value = s.schedule().to_json();
            value["witness"] = json!(match s.witness {
                Witness::Events => "events",
                Witness::PySpy { .. } => "py-spy",
                Witness::RunState => "run state",
                Witness::Clock => "clock",
            });
            if s.witness != Witness::Events {
                value["samples"] = json!(s.samples);
                value["samples_per_second"] = json!(s.rate_hz());
            }
            if let Some(cores) = s.witness_cores {
                value["witness_cores"] = json!(cores);
            }
            if let Witness::PySpy { misses } = s.witness {
                value["unreadable_samples"] = json!(misses);
                value["samples_without_holder"] = json!(s.without_holder);
            }
            value
        };
        json!({
            "interpreter": self.interpreter,
            "version": self.version,
            "script": self.script,
            "arguments": self.arguments,
            "model": side(&self.model),
            "cpython": side(&self.cpython),
            "model_events": self.model_events.as_ref().map(side),
        })
    }

    /// Both timelines for the SVG, the model's first.
    pub(crate) fn pictures<'a>(&'a self, model: &str) -> Vec<Picture<'a>> {
        let how = if self.cpython.witness == Witness::Clock { "its clocks" } else { "sampled" };
        [(model.to_string(), &self.model), (format!("{} ({how})", self.command()), &self.cpython)]
            .into_iter()
            .map(|(title, side)| Picture {
                timeline: &side.timeline,
                names: &side.names,
                window: side.timeline.window(250_000),
                title,
            })
            .collect()
    }

    /// CPython's run as the trace's second process.
    pub(crate) fn process(&self) -> Process<'_> {
        Process {
            name: format!("{} (sampled)", self.command()),
            threads: &self.cpython.names,
            timeline: &self.cpython.timeline,
        }
    }
}
