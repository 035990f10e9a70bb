//! When each thread of a process was running, sampled from the kernel's own view of it: the
//! state letter of `/proc/PID/task/TID/stat` (`R`, running or about to). The witness for
//! free-threaded CPython 3.13t (py-spy cannot read it, and it has no GIL to hold), and for our
//! own 3.13t model: it needs no ptrace, and sees the same for CPython's process and for ours.
//!
//! Not the CPU time (`schedstat`): the kernel adds a running thread's time up only at its clock
//! tick (every 4 ms here, measured), so sampled every 0.67 ms a busy thread looks idle five
//! samples in six.

use std::collections::HashMap;
use std::fs;
use std::time::{Duration, Instant};

use super::{Sampled, Witness};
use crate::timeline::{Mark, Timeline};
use crate::timing::micros;

/// A sampler of one process's threads' run states.
pub(crate) struct RunState {
    pid: u32,
    /// A thread left out: the sampler's own, when it samples its own process.
    skip: Option<u64>,
    origin: Instant,
    rows: HashMap<u64, usize>,
    names: Vec<String>,
    /// Whether a row's name is still a stand-in (a Rust thread names itself once started).
    unnamed: Vec<bool>,
    last: Vec<Mark>,
    timeline: Timeline,
    samples: u64,
}

impl RunState {
    pub(crate) fn new(pid: u32, skip: Option<u64>, origin: Instant) -> Self {
        Self {
            pid,
            skip,
            origin,
            rows: HashMap::new(),
            names: Vec::new(),
            unnamed: Vec::new(),
            last: Vec::new(),
            timeline: Timeline::of_running_threads(),
            samples: 0,
        }
    }

    /// Reads every thread's state once: running (`R`) or not.
    pub(crate) fn sample(&mut self) {
        let Ok(tasks) = fs::read_dir(format!("/proc/{}/task", self.pid)) else {
            return;
        };
        let at = micros(self.origin.elapsed());
        let mut seen = vec![false; self.names.len()];
        for tid in tasks.flatten().filter_map(|e| e.file_name().to_str()?.parse::<u64>().ok()) {
            if Some(tid) == self.skip {
                continue;
            }
            let Some(running) = running(self.pid, tid) else {
                continue;
            };
            let row = self.row(tid);
            seen.resize(self.names.len(), false);
            seen[row] = true;
            let mark = if running { Mark::Holding } else { Mark::Released };
            if self.last[row] != mark {
                self.timeline.push(row, at, mark);
                self.last[row] = mark;
            }
        }
        for (row, seen) in seen.iter().enumerate() {
            if !seen && self.last[row] != Mark::Released {
                self.timeline.push(row, at, Mark::Released);
                self.last[row] = Mark::Released;
            }
        }
        self.samples += 1;
    }

    fn row(&mut self, tid: u64) -> usize {
        let row = match self.rows.get(&tid) {
            Some(&row) => row,
            None => {
                let row = self.names.len();
                self.rows.insert(tid, row);
                self.names.push(String::new());
                self.unnamed.push(true);
                self.last.push(Mark::Released);
                row
            }
        };
        if self.unnamed[row] {
            let (name, named) = thread_name(self.pid, tid, row);
            self.names[row] = name;
            self.unnamed[row] = !named;
        }
        row
    }

    pub(crate) fn finish(mut self, seconds: f64) -> Sampled {
        let at = micros(self.origin.elapsed());
        for (row, mark) in self.last.iter().enumerate() {
            if *mark != Mark::Released {
                self.timeline.push(row, at, Mark::Released);
            }
        }
        Sampled {
            names: self.names,
            timeline: self.timeline,
            samples: self.samples,
            seconds,
            without_holder: 0,
            witness: Witness::RunState,
        }
    }
}

/// Whether the thread is running (or runnable): the letter after its name in its `stat`.
fn running(pid: u32, tid: u64) -> Option<bool> {
    let text = fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat")).ok()?;
    let state = text.rsplit_once(')')?.1.split_whitespace().next()?;
    Some(state == "R")
}

/// A thread's name, and whether it is its own: the main thread is CPython's `MainThread`; a
/// thread named by its program (Rust's threads are) keeps its name; CPython's others, all named
/// after the executable, are `Thread-k` in the order they were seen, as `threading` numbers them.
fn thread_name(pid: u32, tid: u64, index: usize) -> (String, bool) {
    if u64::from(pid) == tid {
        return ("MainThread".to_string(), true);
    }
    let comm = |tid: u64| fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm"));
    match (comm(tid), comm(u64::from(pid))) {
        (Ok(name), Ok(main)) if name != main => (name.trim().to_string(), true),
        _ => (format!("Thread-{index}"), false),
    }
}

/// This thread's id in the kernel (`/proc/thread-self` names it), to leave the sampler out.
pub(crate) fn own_tid() -> Option<u64> {
    let link = fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// Samples this process's own threads, in a thread of its own, until [`OwnSampler::stop`]: the
/// model's side of a 3.13t comparison.
pub struct OwnSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<Sampled>,
}

impl OwnSampler {
    pub fn start(period: Duration) -> std::io::Result<Self> {
        use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let origin = Instant::now();
        let handle = std::thread::Builder::new().name("sampler".into()).spawn(move || {
            let mut sampler = RunState::new(std::process::id(), own_tid(), origin);
            while !flag.load(Relaxed) {
                sampler.sample();
                std::thread::sleep(period);
            }
            sampler.sample();
            sampler.finish(origin.elapsed().as_secs_f64())
        })?;
        Ok(Self { stop, handle })
    }

    pub fn stop(self) -> Option<Sampled> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().ok()
    }
}
