//! What both samplers keep: one row per thread seen, its last state, and the timeline of the
//! changes. A thread gone from a sample has finished; at the end every row is released.

use std::collections::HashMap;

use crate::timeline::{Mark, Timeline};

pub(super) struct Rows {
    /// The sampler's key of each thread (py-spy's thread id, the kernel's tid) → its row.
    index: HashMap<u64, usize>,
    pub(super) names: Vec<String>,
    last: Vec<Mark>,
    /// The rows seen in the sample being read.
    seen: Vec<bool>,
    timeline: Timeline,
}

impl Rows {
    pub(super) fn new(timeline: Timeline) -> Self {
        Self {
            index: HashMap::new(),
            names: Vec::new(),
            last: Vec::new(),
            seen: Vec::new(),
            timeline,
        }
    }

    /// The row of thread `key`, seen in this sample, and whether it was first seen now (its name
    /// is then empty, for the caller to give).
    pub(super) fn row(&mut self, key: u64) -> (usize, bool) {
        let fresh = !self.index.contains_key(&key);
        let row = *self.index.entry(key).or_insert(self.names.len());
        if fresh {
            self.names.push(String::new());
            self.last.push(Mark::Released);
            self.seen.push(false);
        }
        self.seen[row] = true;
        (row, fresh)
    }

    /// Thread `row` is in state `mark` at `at_us`: recorded if it changed.
    pub(super) fn mark(&mut self, row: usize, at_us: u64, mark: Mark) {
        if self.last[row] != mark {
            self.timeline.push(row, at_us, mark);
            self.last[row] = mark;
        }
    }

    /// Ends the sample read at `at_us`: a thread it did not list has finished.
    pub(super) fn end_sample(&mut self, at_us: u64) {
        for row in 0..self.seen.len() {
            if !std::mem::take(&mut self.seen[row]) {
                self.mark(row, at_us, Mark::Released);
            }
        }
    }

    /// Every thread released at `at_us`, and each row's name made its own: two threads may bear
    /// one name (a stand-in, or a name a program gave twice), and the JSON keys them by name.
    pub(super) fn finish(mut self, at_us: u64) -> (Vec<String>, Timeline) {
        for row in 0..self.last.len() {
            self.mark(row, at_us, Mark::Released);
        }
        for row in 1..self.names.len() {
            let mut name = self.names[row].clone();
            let mut copy = 1;
            while self.names[..row].contains(&name) {
                copy += 1;
                name = format!("{} ({copy})", self.names[row]);
            }
            self.names[row] = name;
        }
        (self.names, self.timeline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_missing_from_a_sample_has_finished_and_names_stay_apart() {
        let mut rows = Rows::new(Timeline::new(true));
        for key in [7, 9] {
            let (row, fresh) = rows.row(key);
            assert!(fresh);
            rows.names[row] = "Thread-1".into();
            rows.mark(row, 0, Mark::Holding);
        }
        rows.end_sample(0);
        assert_eq!(rows.row(7), (0, false));
        rows.end_sample(1_000); // 9 is gone
        let (names, timeline) = rows.finish(2_000);
        assert_eq!(names, ["Thread-1", "Thread-1 (2)"]);
        let ends: Vec<(usize, u64)> = timeline
            .events()
            .iter()
            .filter(|e| e.mark == Mark::Released)
            .map(|e| (e.thread, e.at_us))
            .collect();
        assert_eq!(ends, [(1, 1_000), (0, 2_000)]);
    }
}
