//! When each thread of a process was running, sampled from the kernel's own view of it: the
//! state letter of `/proc/PID/task/TID/stat` (`R`, running or about to). The witness for
//! free-threaded CPython 3.13t (py-spy cannot read it, and it has no GIL to hold), and for our
//! own 3.13t model: it needs no ptrace, and sees the same for CPython's process and for ours.
//!
//! Not the CPU time (`schedstat`): the kernel adds a running thread's time up only at its clock
//! tick (every 4 ms here, measured), so sampled every 0.67 ms a busy thread looks idle five
//! samples in six.

use std::fs;
use std::time::{Duration, Instant};

use super::rows::Rows;
use super::{Sampled, Witness};
use crate::timeline::{Mark, Timeline};
use crate::timing::micros;

/// A sampler of one process's threads' run states.
pub(crate) struct RunState {
    pid: u32,
    /// A thread left out: the sampler's own, when it samples its own process.
    skip: Option<u64>,
    origin: Instant,
    rows: Rows,
    /// The rows whose name is still a stand-in (a Rust thread names itself once started).
    unnamed: Vec<bool>,
    samples: u64,
}

impl RunState {
    pub(crate) fn new(pid: u32, skip: Option<u64>, origin: Instant) -> Self {
        Self {
            pid,
            skip,
            origin,
            rows: Rows::new(Timeline::of_running_threads()),
            unnamed: Vec::new(),
            samples: 0,
        }
    }

    /// Reads every thread's state once: running (`R`) or not.
    pub(crate) fn sample(&mut self) {
        let Ok(tasks) = fs::read_dir(format!("/proc/{}/task", self.pid)) else {
            return;
        };
        let at = micros(self.origin.elapsed());
        for tid in tasks.flatten().filter_map(|e| e.file_name().to_str()?.parse::<u64>().ok()) {
            if Some(tid) == self.skip {
                continue;
            }
            let Some(running) = running(self.pid, tid) else {
                continue;
            };
            let (row, fresh) = self.rows.row(tid);
            if fresh {
                self.unnamed.push(true);
            }
            if self.unnamed[row] {
                let (name, named) = thread_name(self.pid, tid, row);
                self.rows.names[row] = name;
                self.unnamed[row] = !named;
            }
            self.rows.mark(row, at, if running { Mark::Holding } else { Mark::Released });
        }
        self.rows.end_sample(at);
        self.samples += 1;
    }

    pub(crate) fn finish(self, seconds: f64) -> Sampled {
        let (names, timeline) = self.rows.finish(micros(self.origin.elapsed()));
        Sampled {
            names,
            timeline,
            samples: self.samples,
            seconds,
            without_holder: 0,
            witness: Witness::RunState,
            witness_cores: None,
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
