//! The clock witness: when each thread ran, read by the thread itself, the same way in the model
//! and in CPython, at no sampler's cost.
//!
//! Every [`STRIDE`] iterations of a watched loop the thread reads a monotonic clock; a gap of more
//! than [`GAP_NS`] between two readings is a time the thread did not run: under a GIL it waited
//! for the GIL (or, on a busy machine, for a core). The `.py` does the same with
//! `common/clock_witness.py` (`--clock-witness`), and both sides' readings are turned into a
//! timeline by the same code here. A hand-off shorter than the gap is not seen: the old GIL's
//! (2.7), which changes hands every few microseconds, shows as both threads running.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Instant;

mod read;

pub(crate) use read::{Rules, from_json, sampled};

use super::Sampled;

/// Iterations between two readings of the clock (`clock_witness.STRIDE`).
pub const STRIDE: u64 = 64;

/// A gap longer than this between two readings is a time the thread did not run
/// (`clock_witness.GAP_NS`): 0.1 ms, a few dozen readings at CPython's pace.
pub const GAP_NS: u64 = 100_000;

/// The programs whose `.py` takes `--clock-witness` (and whose model's loops are `py.range`).
pub fn watches(program: &str) -> bool {
    program == "cpu_example"
}

/// Whether this process's watched loops read the clock (`--beside-cpython`).
static ON: AtomicBool = AtomicBool::new(false);
/// What the loops read, one segment a loop, kept until the comparison takes them.
static SEGMENTS: Mutex<Vec<Segment>> = Mutex::new(Vec::new());

/// Makes this process's watched loops ([`crate::gil::Range`]) read their clock.
pub fn enable() {
    ON.store(true, Relaxed);
}

/// One watched loop's readings.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Segment {
    pub thread: String,
    pub first_ns: u64,
    pub last_ns: u64,
    pub readings: u64,
    /// (the reading before, the reading after) for each gap over [`GAP_NS`].
    pub gaps_ns: Vec<(u64, u64)>,
}

fn now_ns() -> u64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = ORIGIN.get_or_init(Instant::now);
    u64::try_from(origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// The readings of one loop, made as it runs: [`crate::gil::Range`] holds one when the clock
/// witness is on, and its segment is kept when the loop ends.
#[derive(Debug)]
pub struct Stamps {
    /// The iteration at which the clock is read next.
    next: u64,
    segment: Segment,
}

impl Stamps {
    /// The first reading, if the witness is on.
    pub(crate) fn start() -> Option<Self> {
        if !ON.load(Relaxed) {
            return None;
        }
        let now = now_ns();
        let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
        let segment = Segment { thread, first_ns: now, last_ns: now, readings: 1, gaps_ns: vec![] };
        Some(Self { next: STRIDE, segment })
    }

    /// The loop is at iteration `i`: the clock is read every [`STRIDE`].
    #[inline(always)]
    pub(crate) fn at(&mut self, i: u64) {
        if i >= self.next {
            self.next = i + STRIDE;
            self.read();
        }
    }

    #[inline(never)]
    fn read(&mut self) {
        let now = now_ns();
        let segment = &mut self.segment;
        if now - segment.last_ns > GAP_NS {
            segment.gaps_ns.push((segment.last_ns, now));
        }
        segment.last_ns = now;
        segment.readings += 1;
    }
}

impl Drop for Stamps {
    /// The loop has ended: its last reading, and the segment kept.
    fn drop(&mut self) {
        self.read();
        let segment = std::mem::take(&mut self.segment);
        SEGMENTS.lock().unwrap_or_else(|p| p.into_inner()).push(segment);
    }
}

/// The model's side: what its watched loops read, as a timeline.
pub fn model(rules: Rules) -> Option<Sampled> {
    let segments = std::mem::take(&mut *SEGMENTS.lock().unwrap_or_else(|p| p.into_inner()));
    (!segments.is_empty()).then(|| sampled(&segments, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_reads_the_clock_every_stride_and_keeps_its_segment() {
        enable();
        let mut stamps = Stamps::start().expect("on");
        for i in 0..10 * STRIDE {
            stamps.at(i);
        }
        let readings = stamps.segment.readings;
        drop(stamps);
        assert_eq!(readings, 10, "one at the start, then every {STRIDE} iterations");
        let kept = SEGMENTS.lock().unwrap().iter().any(|s| s.readings == 11);
        assert!(kept, "the last reading taken and the segment kept when the loop ended");
    }
}
