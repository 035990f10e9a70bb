//! A per-thread picture of who held the GIL when, in the terminal (`--timeline`) or as an SVG
//! (`--timeline-svg FILE`), after David Beazley's GIL visualisations.
//!
//! The GIL records an event each time a thread starts waiting, takes or drops the GIL, and only
//! on those slow paths (already under the GIL's mutex): the hot path, the eval-breaker check,
//! records nothing, so drawing the picture does not change what it shows.

mod schedule;
mod svg;
pub use svg::{Picture, render_svgs};
mod text;
mod trace;

pub use schedule::Schedule;
pub use trace::{MAX_TRACE_EVENTS, Process, write_trace};

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
    /// Drop requests: (the waiter that asked, when), in microseconds.
    drop_requests: Vec<(usize, u64)>,
    /// No GIL: a "hold" is a thread running (free-threading, sampled from the kernel).
    running: bool,
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
        Self { record, events: Vec::new(), drop_requests: Vec::new(), running: false }
    }

    /// A timeline of when threads ran, with no GIL: drawn and traced in those words.
    pub fn of_running_threads() -> Self {
        Self { running: true, ..Self::new(true) }
    }

    /// Whether this timeline says when threads ran rather than who held a GIL.
    pub fn is_of_running_threads(&self) -> bool {
        self.running
    }

    /// What a hold is, what a wait is, what the rest is, in this timeline's words.
    pub(crate) fn words(&self) -> [&'static str; 3] {
        if self.running {
            ["runs", "waits", "not running (sleeping, I/O, done)"]
        } else {
            ["holds the GIL", "waits for the GIL", "released (I/O, sleep, join, done)"]
        }
    }

    /// Records one event, if recording is on and there is room.
    pub fn push(&mut self, thread: usize, at_us: u64, mark: Mark) {
        if self.record && self.events.len() < MAX_EVENTS {
            self.events.push(Event { thread, at_us, mark });
        }
    }

    /// Records that `thread`, having waited one interval, asked the holder to drop the GIL.
    pub fn push_drop_request(&mut self, thread: usize, at_us: u64) {
        if self.record && self.drop_requests.len() < MAX_EVENTS {
            self.drop_requests.push((thread, at_us));
        }
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The drop requests recorded: (who asked, when), in microseconds.
    pub fn drop_requests(&self) -> &[(usize, u64)] {
        &self.drop_requests
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
            row.push(Span { from_us: event.at_us, to_us: end, mark: event.mark });
        }
        for row in &mut rows {
            row.retain(|span| span.to_us > span.from_us);
        }
        rows
    }

    /// The window worth drawing: from the first time a thread had to wait for another (the
    /// first contention; the start if nobody ever waited), `length_us` long, cut at the end of
    /// the recording.
    pub fn window(&self, length_us: u64) -> (u64, u64) {
        let threads = self.events.iter().map(|e| e.thread + 1).max().unwrap_or(0);
        let start = self.contended(threads).0;
        let end = self.events.last().map_or(0, |e| e.at_us);
        (start, end.min(start.saturating_add(length_us)))
    }
}

/// How long the thread spent holding, waiting and released between `from` and `to` (µs).
pub(super) fn time_in(spans: &[Span], from: u64, to: u64) -> [u64; 3] {
    let mut time = [0u64; 3];
    for span in spans.iter().filter(|s| s.to_us > from && s.from_us < to) {
        let overlap = span.to_us.min(to) - span.from_us.max(from);
        time[span.mark as usize] += overlap;
    }
    time
}

/// The share of `length` µs, whose times are `time`, that the thread held the GIL.
pub(super) fn held_share(time: [u64; 3], length: u64) -> f64 {
    time[Mark::Holding as usize] as f64 / length.max(1) as f64
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
                Span { from_us: 1_000, to_us: 5_000, mark: Mark::Waiting },
                Span { from_us: 5_000, to_us: 10_000, mark: Mark::Holding },
                Span { from_us: 10_000, to_us: 15_000, mark: Mark::Released },
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
        // In this process's locale's glyphs: blocks, or ASCII under LANG=C.
        let shown = |row: &str| {
            row.replace('█', &Mark::Holding.glyph().to_string())
                .replace('·', &Mark::Waiting.glyph().to_string())
        };
        assert_eq!(rows[0], shown("  a |████·····█████|"));
        assert_eq!(rows[1], shown("  b |····█████     |"));
    }

    #[test]
    fn svg_shades_each_bar_by_the_share_held() {
        let t = two_threads_taking_turns();
        let names = vec!["a".to_string(), "b".to_string()];
        let svg = t.render_svg(&names, t.window(100_000), "test");
        assert!(svg.starts_with("<svg"));
        // Whole bars held are fully opaque; the window is 14 ms, of which 14 held in all.
        assert!(svg.contains("fill=\"#2e7d32\" fill-opacity=\"1.00\""), "{svg}");
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

    /// 1024 threads, each holding the GIL in turn: at most 16 rows in the terminal, a line for
    /// the rest, and 64 rows in the SVG.
    #[test]
    fn a_thousand_threads_are_drawn_in_a_few_rows() {
        let mut t = Timeline::new(true);
        for thread in 0..1024u64 {
            t.push(thread as usize, thread * 10, Mark::Holding);
            t.push(thread as usize, thread * 10 + 10, Mark::Released);
        }
        let names: Vec<String> = (0..1024).map(|i| format!("Thread-{i}")).collect();
        let text = t.render_text(&names, (0, 10_240), 10);
        assert_eq!(text.lines().filter(|l| l.contains(" |")).count(), text::MAX_TEXT_ROWS);
        assert!(text.contains("… and 1008 more threads"), "{text}");
        let svg = t.render_svg(&names, (0, 10_240), "many");
        assert_eq!(svg.matches("<text x=\"10\" y=").count() - 1, svg::MAX_SVG_ROWS, "rows + title");
    }

    #[test]
    fn nothing_is_kept_when_not_recording() {
        let mut t = Timeline::new(false);
        t.push(0, 1, Mark::Holding);
        assert!(t.events().is_empty());
    }
}
