//! A per-thread picture of who held the GIL when, in the terminal (`--timeline`) or as an SVG
//! (`--timeline-svg FILE`), after David Beazley's GIL visualisations.
//!
//! The GIL records an event each time a thread starts waiting, takes or drops the GIL, and only
//! on those slow paths (already under the GIL's mutex): the hot path, the eval-breaker check,
//! records nothing, so drawing the picture does not change what it shows.

use std::fmt::Write as _;

/// What a thread is doing from an event on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Holds the GIL: runs Python code.
    Holding,
    /// Wants the GIL and waits for it.
    Waiting,
    /// Does not hold the GIL and does not want it: sleeping, blocked on I/O, finished.
    Released,
}

impl Mark {
    fn glyph(self) -> char {
        match self {
            Mark::Holding => '█',
            Mark::Waiting => '·',
            Mark::Released => ' ',
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Mark::Holding => "#2e7d32",
            Mark::Waiting => "#f9a825",
            Mark::Released => "#eeeeee",
        }
    }
}

/// One change of state of one thread, in microseconds since the GIL was made.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub thread: usize,
    pub at_us: u64,
    pub mark: Mark,
}

/// At most this many events are kept (the old GIL, releasing every 100 ticks, makes millions).
const MAX_EVENTS: usize = 2_000_000;

/// The recorded events; empty when recording is off.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    record: bool,
    events: Vec<Event>,
}

/// A stretch of time during which a thread stayed in one state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub from_us: u64,
    pub to_us: u64,
    pub mark: Mark,
}

impl Timeline {
    pub fn new(record: bool) -> Self {
        Self {
            record,
            events: Vec::new(),
        }
    }

    /// Records one event, if recording is on and there is room.
    pub fn push(&mut self, thread: usize, at_us: u64, mark: Mark) {
        if self.record && self.events.len() < MAX_EVENTS {
            self.events.push(Event {
                thread,
                at_us,
                mark,
            });
        }
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Each thread's spans, from its first event to the last event of the whole timeline.
    pub fn spans(&self, threads: usize) -> Vec<Vec<Span>> {
        let end = self.events.last().map_or(0, |e| e.at_us);
        let mut rows: Vec<Vec<Span>> = vec![Vec::new(); threads];
        for event in &self.events {
            let Some(row) = rows.get_mut(event.thread) else {
                continue;
            };
            if let Some(last) = row.last_mut() {
                last.to_us = event.at_us;
            }
            row.push(Span {
                from_us: event.at_us,
                to_us: end,
                mark: event.mark,
            });
        }
        for row in &mut rows {
            row.retain(|span| span.to_us > span.from_us);
        }
        rows
    }

    /// The window worth drawing: from the first time a thread had to wait (the first contention;
    /// the start if nobody ever waited), `length_us` long, cut at the end of the recording.
    pub fn window(&self, length_us: u64) -> (u64, u64) {
        let start = self
            .events
            .iter()
            .find(|e| e.mark == Mark::Waiting)
            .or(self.events.first())
            .map_or(0, |e| e.at_us);
        let end = self.events.last().map_or(0, |e| e.at_us);
        (start, end.min(start.saturating_add(length_us)))
    }

    /// The terminal picture: one row per thread, one column per `us_per_column` microseconds,
    /// each column shaded by the share of it the thread held the GIL.
    pub fn render_text(&self, names: &[String], window: (u64, u64), us_per_column: u64) -> String {
        let (start, end) = window;
        let us_per_column = us_per_column.max(1);
        let columns = end.saturating_sub(start).div_ceil(us_per_column) as usize;
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
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
            let _ = writeln!(out, "  {name:>width$} |{row}|");
        }
        let _ = writeln!(
            out,
            "  {:>width$}  █ ▓ ▒ ░ = held the GIL for ≥ 3/4, ≥ 1/2, ≥ 1/4, less of the column; {} = only waited for it, blank = released; one column = {} ms, from {:.1} ms to {:.1} ms",
            "",
            Mark::Waiting.glyph(),
            us_per_column as f64 / 1000.0,
            start as f64 / 1000.0,
            end as f64 / 1000.0,
        );
        out
    }

    /// The same picture as an SVG document.
    pub fn render_svg(&self, names: &[String], window: (u64, u64), title: &str) -> String {
        let (start, end) = window;
        let length = end.saturating_sub(start).max(1) as f64;
        let (label_w, plot_w, row_h, top) = (110.0, 1000.0, 26.0, 40.0);
        let rows: Vec<(&String, Vec<Span>)> = names
            .iter()
            .zip(self.spans(names.len()))
            .filter(|(_, spans)| {
                spans
                    .iter()
                    .any(|s| s.mark != Mark::Released && s.to_us > start && s.from_us < end)
            })
            .collect();
        let height = top + row_h * rows.len() as f64 + 50.0;
        let x = |us: u64| label_w + (us.saturating_sub(start) as f64 / length) * plot_w;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" \
             font-family=\"monospace\" font-size=\"12\">\n\
             <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
             <text x=\"10\" y=\"20\" font-size=\"14\">{title}</text>\n",
            w = label_w + plot_w + 20.0,
            title = escape(title),
        );
        for (row, (name, spans)) in rows.iter().enumerate() {
            let y = top + row as f64 * row_h;
            let _ = writeln!(
                svg,
                "<text x=\"10\" y=\"{:.1}\">{}</text>",
                y + row_h * 0.65,
                escape(name)
            );
            // One bar per 2 pixels, as dark as the share of it the thread held the GIL (or
            // grey where it only waited): spans of a few microseconds stay visible, truthfully.
            let bins = (plot_w / 2.0) as u64;
            let bin_us = (end - start).div_ceil(bins).max(1);
            // Bars of one kind and shade that follow each other are drawn as one.
            let mut bars: Vec<(u64, u64, Mark, String)> = Vec::new();
            for bin in 0..bins {
                let (from, to) = (start + bin * bin_us, (start + (bin + 1) * bin_us).min(end));
                if from >= to {
                    break;
                }
                let time = time_in(spans, from, to);
                let held = held_share(time, to - from);
                let (mark, opacity) = if held > 0.0 {
                    (Mark::Holding, format!("{:.2}", held.max(0.2)))
                } else if time[Mark::Waiting as usize] > 0 {
                    (Mark::Waiting, "1.00".to_string())
                } else {
                    continue;
                };
                match bars.last_mut() {
                    Some(last) if last.1 == from && last.2 == mark && last.3 == opacity => {
                        last.1 = to;
                    }
                    _ => bars.push((from, to, mark, opacity)),
                }
            }
            for (from, to, mark, opacity) in bars {
                let (x0, x1) = (x(from), x(to));
                let _ = writeln!(
                    svg,
                    "<rect x=\"{x0:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"{opacity}\"/>",
                    y + 3.0,
                    x1 - x0,
                    row_h - 6.0,
                    mark.colour()
                );
            }
        }
        let axis_y = top + row_h * rows.len() as f64 + 15.0;
        let step = tick_step(end - start);
        let mut tick = start.div_ceil(step) * step;
        while tick <= end {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{axis_y:.1}\" text-anchor=\"middle\">{} ms</text>",
                x(tick),
                tick / 1000
            );
            tick += step;
        }
        let legend_y = axis_y + 20.0;
        for (i, (mark, label)) in [
            (Mark::Holding, "holds the GIL"),
            (Mark::Waiting, "waits for it"),
            (Mark::Released, "released (sleeping, I/O, done)"),
        ]
        .into_iter()
        .enumerate()
        {
            let lx = label_w + i as f64 * 250.0;
            let _ = writeln!(
                svg,
                "<rect x=\"{lx}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"{}\" stroke=\"#999\"/>\
                 <text x=\"{}\" y=\"{legend_y:.1}\">{label}</text>",
                legend_y - 9.0,
                mark.colour(),
                lx + 20.0
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// How long the thread spent holding, waiting and released between `from` and `to` (µs).
fn time_in(spans: &[Span], from: u64, to: u64) -> [u64; 3] {
    let mut time = [0u64; 3];
    for span in spans.iter().filter(|s| s.to_us > from && s.from_us < to) {
        let overlap = span.to_us.min(to) - span.from_us.max(from);
        time[span.mark as usize] += overlap;
    }
    time
}

/// The share of `length` µs, whose times are `time`, that the thread held the GIL.
fn held_share(time: [u64; 3], length: u64) -> f64 {
    time[Mark::Holding as usize] as f64 / length.max(1) as f64
}

/// A column's glyph by the share of it the thread held the GIL: the old GIL changes hands every
/// few microseconds, and a column must never look empty of a holder while a thread ran.
fn glyph(time: [u64; 3], column: u64) -> char {
    match held_share(time, column) {
        h if h >= 0.75 => Mark::Holding.glyph(),
        h if h >= 0.5 => '▓',
        h if h >= 0.25 => '▒',
        h if h > 0.0 => '░',
        _ if time[Mark::Waiting as usize] > 0 => Mark::Waiting.glyph(),
        _ => Mark::Released.glyph(),
    }
}

/// A round axis step giving about ten ticks over `length_us`.
fn tick_step(length_us: u64) -> u64 {
    let raw = (length_us / 10).max(1);
    let magnitude = 10u64.pow(raw.ilog10());
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(raw)
        .max(1000)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_threads_taking_turns() -> Timeline {
        let mut t = Timeline::new(true);
        t.push(0, 0, Mark::Holding);
        t.push(1, 1_000, Mark::Waiting);
        t.push(0, 5_000, Mark::Released);
        t.push(1, 5_000, Mark::Holding);
        t.push(0, 5_000, Mark::Waiting);
        t.push(1, 10_000, Mark::Released);
        t.push(0, 10_000, Mark::Holding);
        t.push(0, 15_000, Mark::Released);
        t
    }

    #[test]
    fn spans_follow_the_events() {
        let spans = two_threads_taking_turns().spans(2);
        assert_eq!(
            spans[1],
            vec![
                Span {
                    from_us: 1_000,
                    to_us: 5_000,
                    mark: Mark::Waiting
                },
                Span {
                    from_us: 5_000,
                    to_us: 10_000,
                    mark: Mark::Holding
                },
                Span {
                    from_us: 10_000,
                    to_us: 15_000,
                    mark: Mark::Released
                },
            ]
        );
    }

    #[test]
    fn text_shows_the_hand_offs() {
        let t = two_threads_taking_turns();
        let names = vec!["a".to_string(), "b".to_string()];
        let text = t.render_text(&names, t.window(100_000), 1_000);
        let rows: Vec<&str> = text.lines().collect();
        // The window opens at the first wait (1 ms): a holds until 5 ms, waits, holds 10-15 ms.
        assert_eq!(rows[0], "  a |████·····█████|");
        assert_eq!(rows[1], "  b |····█████     |");
    }

    #[test]
    fn svg_shades_each_bar_by_the_share_held() {
        let t = two_threads_taking_turns();
        let names = vec!["a".to_string(), "b".to_string()];
        let svg = t.render_svg(&names, t.window(100_000), "test");
        assert!(svg.starts_with("<svg"));
        // Whole bars held are fully opaque; the window is 14 ms, of which 14 held in all.
        assert!(
            svg.contains("fill=\"#2e7d32\" fill-opacity=\"1.00\""),
            "{svg}"
        );
    }

    /// The old GIL: two threads trading it every 2 µs. No column may look as if nobody held
    /// it: each thread held about half of each one.
    #[test]
    fn a_gil_that_changes_hands_every_few_microseconds_is_drawn_as_shared() {
        let mut t = Timeline::new(true);
        t.push(1, 0, Mark::Waiting);
        for step in 0..2_500u64 {
            let (holder, waiter) = if step % 2 == 0 { (0, 1) } else { (1, 0) };
            t.push(holder, step * 2, Mark::Holding);
            t.push(waiter, step * 2, Mark::Waiting);
        }
        t.push(0, 5_000, Mark::Released);
        t.push(1, 5_000, Mark::Released);
        let names = vec!["a".to_string(), "b".to_string()];
        let text = t.render_text(&names, (0, 5_000), 1_000);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows[0], "  a |▓▓▓▓▓|");
        assert_eq!(rows[1], "  b |▓▓▓▓▓|");
        let svg = t.render_svg(&names, (0, 5_000), "old GIL");
        // Every bar is a share held: none is grey (only waited), but for the legend's.
        assert_eq!(svg.matches("#f9a825").count(), 1, "{svg}");
        assert!(svg.contains("fill-opacity=\"0.60\""), "{svg}");
    }

    #[test]
    fn nothing_is_kept_when_not_recording() {
        let mut t = Timeline::new(false);
        t.push(0, 1, Mark::Holding);
        assert!(t.events().is_empty());
    }
}
