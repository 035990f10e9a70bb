//! The timeline in the terminal (`--timeline`): one row per thread, one glyph per column.

use std::fmt::Write as _;

use super::{Mark, Timeline, held_share, time_in};

/// The glyphs, from the most held to none: ≥ 3/4, ≥ 1/2, ≥ 1/4, less, only waited, released.
const BLOCKS: [char; 6] = ['█', '▓', '▒', '░', '·', ' '];
/// The same in ASCII, for a terminal whose locale is not UTF-8 (`LANG=C`).
const ASCII: [char; 6] = ['#', '+', '=', '-', '.', ' '];

/// The glyphs this terminal can show: ASCII where a locale variable is set and is not UTF-8.
fn glyphs() -> &'static [char; 6] {
    static ASCII_ONLY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ascii = *ASCII_ONLY.get_or_init(|| {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        locale.is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            !l.contains("utf-8") && !l.contains("utf8")
        })
    });
    if ascii { &ASCII } else { &BLOCKS }
}

impl Mark {
    pub(super) fn glyph(self) -> char {
        match self {
            Mark::Holding => glyphs()[0],
            Mark::Waiting => glyphs()[4],
            Mark::Released => glyphs()[5],
        }
    }
}

/// "≥", or ">=" in ASCII.
fn at_least() -> &'static str {
    if glyphs()[0] == '#' { ">=" } else { "≥" }
}

/// The most threads the terminal picture draws: 1024 rows help nobody.
pub const MAX_TEXT_ROWS: usize = 16;

impl Timeline {
    /// The terminal picture: one row per thread, one column per `us_per_column` microseconds,
    /// each column shaded by the share of it the thread held the GIL.
    pub fn render_text(&self, names: &[String], window: (u64, u64), us_per_column: u64) -> String {
        let (start, end) = window;
        let us_per_column = us_per_column.max(1);
        let columns = end.saturating_sub(start).div_ceil(us_per_column) as usize;
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        let mut hidden = 0;
        for (name, spans) in names.iter().zip(self.spans(names.len())) {
            let mut row = String::with_capacity(columns);
            for column in 0..columns as u64 {
                let from = start + column * us_per_column;
                let to = from + us_per_column;
                row.push(glyph(time_in(&spans, from, to), to - from));
            }
            // A thread that did nothing in the window (finished, not started) is left out.
            if row.chars().all(|c| c == Mark::Released.glyph()) {
                continue;
            }
            if out.lines().count() == MAX_TEXT_ROWS {
                hidden += 1;
                continue;
            }
            let _ = writeln!(out, "  {name:>width$} |{row}|");
        }
        if hidden > 0 {
            let _ = writeln!(out, "  {:>width$}  … and {hidden} more threads", "");
        }
        let _ = writeln!(
            out,
            "  {:>width$}  {} {} {} {} = {} for {} 3/4, {} 1/2, {} 1/4, less of the column; {} = only waited for it, blank = released; one column = {} ms, from {:.1} ms to {:.1} ms",
            "",
            glyphs()[0],
            glyphs()[1],
            glyphs()[2],
            glyphs()[3],
            if self.is_of_running_threads() { "ran" } else { "held the GIL" },
            at_least(),
            at_least(),
            at_least(),
            Mark::Waiting.glyph(),
            us_per_column as f64 / 1000.0,
            start as f64 / 1000.0,
            end as f64 / 1000.0,
        );
        out
    }
}

/// A column's glyph by the share of it the thread held the GIL: the old GIL changes hands every
/// few microseconds, and a column must never look empty of a holder while a thread ran.
fn glyph(time: [u64; 3], column: u64) -> char {
    match held_share(time, column) {
        h if h >= 0.75 => Mark::Holding.glyph(),
        h if h >= 0.5 => glyphs()[1],
        h if h >= 0.25 => glyphs()[2],
        h if h > 0.0 => glyphs()[3],
        _ if time[Mark::Waiting as usize] > 0 => Mark::Waiting.glyph(),
        _ => Mark::Released.glyph(),
    }
}
