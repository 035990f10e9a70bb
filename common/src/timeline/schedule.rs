//! What a timeline says about the schedule, in numbers that can be compared between the model's
//! exact events and a real CPython's samples: hand-offs a second, how long each hold lasted, the
//! share of the time each thread held the GIL, nobody did, or two threads ran at once.

use serde_json::{Value, json};

use super::{Mark, Timeline, time_in};

/// The schedule's figures over one window.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// The window, in microseconds: `from_us` to `to_us`.
    pub from_us: u64,
    pub to_us: u64,
    /// Hand-offs: a hold that begins in the window by another thread than the last holder.
    pub switches: u64,
    /// Holds that began and ended inside the window, in microseconds, sorted.
    pub holds_us: Vec<u64>,
    /// Each thread's share of the window spent holding, by row (name, share).
    pub held: Vec<(String, f64)>,
    /// Each thread's share of the window spent waiting for the GIL, by row.
    pub waited: Vec<f64>,
    /// The share of the window during which no thread held it.
    pub nobody: f64,
    /// The share of the window during which two threads or more held it (or, with no GIL, ran).
    pub overlap: f64,
}

impl Schedule {
    pub fn seconds(&self) -> f64 {
        (self.to_us - self.from_us) as f64 / 1e6
    }

    pub fn switches_per_second(&self) -> f64 {
        self.switches as f64 / self.seconds().max(1e-9)
    }

    /// The `q` quantile of the holds, in milliseconds (0 if none ended in the window).
    pub fn hold_ms(&self, q: f64) -> f64 {
        if self.holds_us.is_empty() {
            return 0.0;
        }
        let index = ((self.holds_us.len() - 1) as f64 * q).round() as usize;
        self.holds_us[index] as f64 / 1000.0
    }

    pub fn to_json(&self) -> Value {
        let held: serde_json::Map<String, Value> =
            self.held.iter().map(|(name, share)| (name.clone(), json!(share))).collect();
        let waited: serde_json::Map<String, Value> = self
            .held
            .iter()
            .zip(&self.waited)
            .map(|((name, _), w)| (name.clone(), json!(w)))
            .collect();
        json!({
            "window_ms": [self.from_us as f64 / 1000.0, self.to_us as f64 / 1000.0],
            "switches": self.switches,
            "switches_per_second": self.switches_per_second(),
            "holds": self.holds_us.len(),
            "hold_ms": {"p50": self.hold_ms(0.5), "p90": self.hold_ms(0.9)},
            "held": held,
            "waited": waited,
            "nobody_held": self.nobody,
            "two_at_once": self.overlap,
        })
    }
}

impl Timeline {
    /// The window where threads competed: from the first wait while another thread held the
    /// GIL to the end of the last one; the whole recording if nobody ever waited so (no GIL, or
    /// one thread). A wait with no holder (a hand-off seen half-way by a sampler) is no contest.
    pub fn contended(&self, threads: usize) -> (u64, u64) {
        self.contest(threads).unwrap_or_else(|| {
            let first = self.events.first().map_or(0, |e| e.at_us);
            (first, self.events.last().map_or(first, |e| e.at_us))
        })
    }

    /// The window where threads competed, as [`Timeline::contended`], or `None` if they never
    /// did (no thread ever waited while another held the GIL, and none ran beside another).
    pub fn contest(&self, threads: usize) -> Option<(u64, u64)> {
        let rows = self.spans(threads);
        let mut holds: Vec<(u64, u64, usize)> = Vec::new();
        let mut waits: Vec<(u64, u64, usize)> = Vec::new();
        for (thread, row) in rows.iter().enumerate() {
            for span in row {
                let list = match span.mark {
                    Mark::Holding => &mut holds,
                    Mark::Waiting => &mut waits,
                    Mark::Released => continue,
                };
                list.push((span.from_us, span.to_us, thread));
            }
        }
        holds.sort_unstable();
        waits.sort_unstable();
        // Whether another thread held it during the wait: holds never overlap under a GIL, so
        // the holds that end after the wait begins are the only candidates, in order.
        let contested = |&&(from, to, waiter): &&(u64, u64, usize)| {
            let first = holds.partition_point(|&(_, end, _)| end <= from);
            holds[first..].iter().take_while(|h| h.0 < to).any(|h| h.2 != waiter)
        };
        let first = waits.iter().find(contested).map(|w| w.0);
        let last = waits.iter().rev().find(contested).map(|w| w.1);
        match (first, last) {
            (Some(from), Some(to)) => Some((from, to)),
            // No GIL: from the first time two threads ran at once to the last.
            _ => overlaps(&holds),
        }
    }

    /// The schedule's figures between `window.0` and `window.1` (µs), for threads `names`.
    pub fn schedule(&self, names: &[String], window: (u64, u64)) -> Schedule {
        let (from, to) = window;
        let rows = self.spans(names.len());
        let length = to.saturating_sub(from).max(1);
        let mut holds: Vec<(u64, u64, usize)> = Vec::new();
        for (thread, row) in rows.iter().enumerate() {
            holds.extend(
                row.iter()
                    .filter(|s| s.mark == Mark::Holding && s.to_us > from && s.from_us < to)
                    .map(|s| (s.from_us, s.to_us, thread)),
            );
        }
        holds.sort_unstable();
        let mut switches = 0;
        let mut last: Option<usize> = None;
        for &(start, _, thread) in &holds {
            if start >= from && last.is_some_and(|l| l != thread) {
                switches += 1;
            }
            last = Some(thread);
        }
        let mut holds_us: Vec<u64> = holds
            .iter()
            .filter(|&&(start, end, _)| start >= from && end <= to)
            .map(|&(start, end, _)| end - start)
            .collect();
        holds_us.sort_unstable();
        let times: Vec<[u64; 3]> = rows.iter().map(|row| time_in(row, from, to)).collect();
        let share = |time: &[u64; 3], mark: Mark| time[mark as usize] as f64 / length as f64;
        let held =
            names.iter().zip(&times).map(|(n, t)| (n.clone(), share(t, Mark::Holding))).collect();
        let waited = times.iter().map(|t| share(t, Mark::Waiting)).collect();
        let (one, two) = covered(&holds, from, to);
        Schedule {
            from_us: from,
            to_us: to,
            switches,
            holds_us,
            held,
            waited,
            nobody: 1.0 - one as f64 / length as f64,
            overlap: two as f64 / length as f64,
        }
    }
}

/// From the first moment two of `holds` (sorted) went on at once to the last, if ever.
fn overlaps(holds: &[(u64, u64, usize)]) -> Option<(u64, u64)> {
    let (mut first, mut last) = (None, None);
    let mut longest: Option<(u64, usize)> = None; // the hold that reaches furthest so far
    for &(start, end, thread) in holds {
        if let Some((reach, owner)) = longest
            && start < reach
            && owner != thread
        {
            first.get_or_insert(start);
            last = Some(last.unwrap_or(0).max(end.min(reach)));
        }
        if longest.is_none_or(|(reach, _)| end > reach) {
            longest = Some((end, thread));
        }
    }
    first.zip(last)
}

/// How long, between `from` and `to`, at least one and at least two of `holds` were going on.
fn covered(holds: &[(u64, u64, usize)], from: u64, to: u64) -> (u64, u64) {
    let mut edges: Vec<(u64, i32)> = Vec::with_capacity(holds.len() * 2);
    for &(start, end, _) in holds {
        edges.push((start.clamp(from, to), 1));
        edges.push((end.clamp(from, to), -1));
    }
    edges.sort_unstable();
    let (mut one, mut two, mut depth, mut at) = (0, 0, 0, from);
    for (time, step) in edges {
        if depth >= 1 {
            one += time - at;
        }
        if depth >= 2 {
            two += time - at;
        }
        depth += step;
        at = time;
    }
    (one, two)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|i| format!("t{i}")).collect()
    }

    /// Two threads trading the GIL every 5 ms for 100 ms, with a 1 ms gap nobody held at each
    /// hand-off: every figure is known in advance.
    #[test]
    fn a_regular_schedule_gives_its_exact_figures() {
        let mut t = Timeline::new(true);
        t.push(1, 0, Mark::Waiting);
        for turn in 0..20u64 {
            let (holder, other) = if turn % 2 == 0 { (0, 1) } else { (1, 0) };
            t.push(holder, turn * 5_000, Mark::Holding);
            t.push(holder, turn * 5_000 + 4_000, Mark::Waiting);
            t.push(other, turn * 5_000, Mark::Waiting);
        }
        t.push(0, 100_000, Mark::Released);
        t.push(1, 100_000, Mark::Released);
        let s = t.schedule(&names(2), t.contended(2));
        assert_eq!((s.from_us, s.to_us), (0, 100_000));
        assert_eq!(s.switches, 19);
        assert_eq!(s.holds_us, vec![4_000; 20]);
        assert_eq!(s.hold_ms(0.5), 4.0);
        assert_eq!(s.held, vec![("t0".into(), 0.4), ("t1".into(), 0.4)]);
        // Each waits through the other's 5 ms turn and the 1 ms gap after its own hold.
        assert_eq!(s.waited, vec![0.6, 0.6]);
        assert!((s.nobody - 0.2).abs() < 1e-12, "{}", s.nobody);
        assert_eq!(s.overlap, 0.0);
        assert!((s.switches_per_second() - 190.0).abs() < 1e-9);
    }

    #[test]
    fn two_threads_running_at_once_are_counted_as_overlap() {
        let mut t = Timeline::new(true);
        t.push(0, 0, Mark::Holding);
        t.push(1, 2_000, Mark::Holding);
        t.push(0, 6_000, Mark::Released);
        t.push(1, 10_000, Mark::Released);
        assert_eq!(t.contended(2), (2_000, 6_000));
        let s = t.schedule(&names(2), (0, 10_000));
        assert!((s.overlap - 0.4).abs() < 1e-12);
        assert_eq!(s.nobody, 0.0);
        // Thread 1's hold began while 0 held: a hand-off to 1, then none.
        assert_eq!(s.switches, 1);
    }

    #[test]
    fn holds_cut_by_the_window_are_not_measured() {
        let mut t = Timeline::new(true);
        t.push(0, 0, Mark::Holding);
        t.push(0, 3_000, Mark::Released);
        t.push(0, 4_000, Mark::Holding);
        t.push(0, 9_000, Mark::Released);
        let s = t.schedule(&names(1), (1_000, 10_000));
        assert_eq!(s.holds_us, vec![5_000]);
        assert_eq!(s.switches, 0);
    }
}
