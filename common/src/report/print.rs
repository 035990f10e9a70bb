//! How a report is printed: the JSON object with `--json`, else a header, the table, what the
//! GIL did, the conclusion and the timeline, if asked for.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::{Report, profile};
use crate::cli::CommonArgs;
use crate::error::Failure;
use crate::gil::{Gil, Pace, PythonVersion};
use crate::lang::{self, Lang, num};
use crate::timeline::{MAX_TRACE_EVENTS, Process, Timeline, render_svgs, write_trace};
use crate::{gil, output, tr};

/// Prints the report: the JSON object with `--json`, else a header, the table, what the GIL did
/// (with `--features gil`), the conclusion, and the timeline if asked for. The files are written
/// first: a timeline or trace that cannot be written is a run-time failure, with nothing on
/// stdout. The text is written in one go; a write that fails is returned too
/// ([`Failure::Output`]).
pub(crate) fn print(report: &Report, args: &CommonArgs) -> Result<(), Failure> {
    let drawing = Drawing::of(report, args);
    let written = match &drawing {
        Some(drawing) => write_files(report, args, drawing).map_err(Failure::Io)?,
        None => Vec::new(),
    };
    let mut text = String::new();
    if args.json {
        let _ = writeln!(text, "{}", report.to_json());
    } else {
        text.push_str(&report.transcript);
        let _ = writeln!(text, "{}", header(report));
        text.push_str(&report.table());
        if let Some(busy) = report.busy_machine() {
            let _ = writeln!(text, "{busy}");
        }
        if let Some(gil) = gil::global().filter(|g| g.config().version.has_gil()) {
            let s = gil.stats();
            let line = tr!(
                "gil-line",
                switches = s.switches,
                requests = s.drop_requests,
                p50 = num(s.wait_p50_ms, 3),
                p99 = num(s.wait_p99_ms, 3),
                max = num(s.wait_max_ms, 3)
            );
            let _ = writeln!(text, "{line}");
        }
        let _ = writeln!(text, "{}", report.conclusion);
        if let Some(drawing) = &drawing {
            text.push_str(&drawn(report, args, drawing));
        }
        for line in written {
            let _ = writeln!(text, "{line}");
        }
    }
    Ok(output::try_print(&text)?)
}

/// What is drawn of the model's run: its title, and its schedule (the one kept beside CPython's,
/// else the GIL's own, copied only here).
struct Drawing<'a> {
    title: String,
    names: Cow<'a, [String]>,
    timeline: Cow<'a, Timeline>,
}

impl<'a> Drawing<'a> {
    fn of(report: &'a Report, args: &CommonArgs) -> Option<Self> {
        let drawn = args.timeline || args.timeline_svg.is_some() || args.trace.is_some();
        let gil = gil::global().filter(|_| drawn || report.beside.is_some())?;
        let config = gil.config();
        let title = format!(
            "{} under the simulated GIL of CPython {} ({})",
            report.program,
            config.version.as_str(),
            interval(gil)
        );
        let (names, timeline) = match &report.beside {
            Some(beside) => {
                (Cow::Borrowed(&beside.model.names[..]), Cow::Borrowed(&beside.model.timeline))
            }
            None => {
                let (names, timeline) = gil.timeline();
                (Cow::Owned(names), Cow::Owned(timeline))
            }
        };
        Some(Self { title, names, timeline })
    }
}

/// The timeline in the terminal (`--timeline`), or both schedules beside CPython's.
fn drawn(report: &Report, args: &CommonArgs, drawing: &Drawing) -> String {
    let (names, timeline) = (&drawing.names[..], &*drawing.timeline);
    if let Some(beside) = &report.beside {
        beside.text(&drawing.title)
    } else if !args.timeline {
        String::new()
    } else if timeline.contest(names.len()).is_some() {
        "\nWho held the GIL (the first 120 ms after two threads first competed):\n".to_string()
            + &timeline.render_text(names, timeline.window(120_000), 1_000)
    } else {
        // Nobody ever waited for another: the whole run, in at most 120 columns.
        let whole = timeline.contended(names.len());
        let column = (whole.1.saturating_sub(whole.0) / 120).max(1_000);
        "\nWho held the GIL (the whole run: no thread ever waited for another):\n".to_string()
            + &timeline.render_text(names, whole, column)
    }
}

/// Writes `--timeline-svg` and `--trace`, each whole or not at all; the lines that say so.
fn write_files(
    report: &Report,
    args: &CommonArgs,
    drawing: &Drawing,
) -> Result<Vec<String>, String> {
    let (names, timeline, title) = (&drawing.names[..], &*drawing.timeline, &drawing.title);
    let mut said = Vec::new();
    if let Some(path) = &args.timeline_svg {
        let svg = match &report.beside {
            Some(beside) => render_svgs(&beside.pictures(title)),
            None => timeline.render_svg(names, timeline.window(250_000), title),
        };
        said.push(write(path, &svg, "the timeline")?);
    }
    if let Some(path) = &args.trace {
        let mut processes = vec![Process { name: title.clone(), threads: names, timeline }];
        processes.extend(report.beside.as_ref().map(|beside| beside.process()));
        let (trace, cut) = write_trace(&processes);
        said.push(write(path, &trace, "the trace")?);
        if cut {
            said.push(format!(
                "(the trace stops at {MAX_TRACE_EVENTS} events: shorten the run to see it all)"
            ));
        }
    }
    Ok(said)
}

/// Writes `text` to `path`, whole or not at all; the line that says so.
fn write(path: &std::path::Path, text: &str, what: &str) -> Result<String, String> {
    crate::output::write_whole(path, text)
        .map_err(|error| format!("could not write {what} to {}: {error}", path.display()))?;
    Ok(format!("{what} written to {}", path.display()))
}

fn header(report: &Report) -> String {
    let sizes: Vec<String> = report
        .sizes
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect();
    let gil = match gil::global() {
        Some(gil) if !gil.config().version.has_gil() => {
            tr!("header-free-threaded", pace = pace(gil))
        }
        Some(gil) => tr!(
            "header-gil",
            version = gil.config().version.as_str(),
            interval = interval(gil),
            pace = pace(gil)
        ),
        None => tr!("header-no-gil", natively = tr!(report.natively)),
    };
    let busy = match crate::load::busy_cores() {
        0 => String::new(),
        n => tr!("header-busy", n = n),
    };
    tr!(
        "header",
        program = report.program,
        sizes = sizes.join(", "),
        profile = profile(),
        gil = gil,
        cores = crate::cli::cores(),
        busy = busy
    )
}

/// The GIL's knob: CPython 2.7's check interval in ticks (it has no switch interval), else the
/// switch interval.
fn interval(gil: &Gil) -> String {
    let config = gil.config();
    match config.version {
        PythonVersion::V2_7 => tr!("interval-check", ticks = config.check_interval),
        _ => {
            let ms = (config.switch_interval.as_secs_f64() * 1000.0).to_string();
            let ms = if lang::current() == Lang::Fr { ms.replace('.', ",") } else { ms };
            tr!("interval-switch", ms = ms)
        }
    }
}

/// Whose speed the loops ran at, for the header.
fn pace(gil: &Gil) -> String {
    match gil.config().pace {
        Pace::Cpython => tr!("pace-cpython"),
        Pace::Native => tr!("pace-native"),
    }
}
