//! Which thread holds a real CPython's GIL, read from outside by py-spy (as a library): each
//! sample reads every thread's state from the interpreter's own memory without pausing it
//! (`LockingStrategy::NonBlocking`), with `owns_gil` for the holder.
//!
//! A thread that does not hold the GIL is waiting for it, or has released it (I/O, a sleep, a
//! join): py-spy does not say which. The kernel does: `/proc/PID/task/TID/syscall` names the
//! system call a thread is blocked in. A thread in `futex` outside `threading.py` waits for the
//! GIL (CPython's condition variable, or 2.7's lock); a thread in `futex` inside `threading.py`
//! waits for a join or a `Lock`; any other call (`recvfrom`, `clock_nanosleep`, `poll`) has
//! released it; a thread on a CPU without the GIL is about to wait for it.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::process::Child;
use std::time::{Duration, Instant};

use py_spy::config::LockingStrategy;
use py_spy::{Config, PythonSpy, StackTrace};

use super::rows::Rows;
use super::{PERIOD, Plan, Sampled, Witness, running, version_of};
use crate::error::Failure;
use crate::timeline::{Mark, Timeline};
use crate::timing::micros;

/// x86-64 glibc's `offsetof(struct pthread, tid)`: CPython 3.11 and older keep only the pthread
/// handle (`threading.get_ident()`, the address of glibc's `struct pthread`), and py-spy finds
/// the kernel's thread id only with libunwind. Checked against 3.12's `native_thread_id`, which
/// py-spy reads, by this file's test; a value that is not one of the process's threads is not used.
const GLIBC_PTHREAD_TID_OFFSET: u64 = 0x2d0;

/// How long CPython may take to start before py-spy gives up attaching.
const ATTACH_WITHIN: Duration = Duration::from_secs(10);

/// `futex`'s number on x86-64, in `/proc/PID/task/TID/syscall`.
const SYS_FUTEX: &str = "202";

pub(crate) struct Spy {
    spy: PythonSpy,
    pid: u32,
    origin: Instant,
    rows: Rows,
    /// py-spy's thread id → the kernel's, once found.
    tids: HashMap<u64, Option<u64>>,
    samples: u64,
    misses: u64,
    without_holder: u64,
}

impl Spy {
    /// Attaches to CPython `pid`; the error is py-spy's.
    pub(crate) fn attach(pid: u32, origin: Instant) -> Result<Self, String> {
        let config = Config { blocking: LockingStrategy::NonBlocking, ..Config::default() };
        let pid_t = i32::try_from(pid).map_err(|_| format!("pid {pid} out of range"))?;
        let spy = PythonSpy::new(pid_t, &config).map_err(|e| format!("{e:#}"))?;
        Ok(Self {
            spy,
            pid,
            origin,
            rows: Rows::new(Timeline::new(true)),
            tids: HashMap::new(),
            samples: 0,
            misses: 0,
            without_holder: 0,
        })
    }

    /// The interpreter's version, as py-spy read it.
    pub(crate) fn version(&self) -> String {
        self.spy.version.to_string()
    }

    /// One sample: every thread's state now. A sample py-spy could not read (the interpreter
    /// changed its thread list under it) is counted and skipped.
    pub(crate) fn sample(&mut self) {
        let traces = match self.spy.get_stack_traces() {
            Ok(traces) => traces,
            Err(_) => {
                self.misses += 1;
                return;
            }
        };
        let at = micros(self.origin.elapsed());
        let mut holder = false;
        for trace in &traces {
            let (row, fresh) = self.rows.row(trace.thread_id);
            // py-spy looks names up now and then: a thread first seen unnamed gets its name. A
            // stand-in must not look like Python's own names ("Thread-3"): a thread py-spy never
            // named (one that ended between two look-ups) would pass for another.
            match &trace.thread_name {
                Some(name) => name.clone_into(&mut self.rows.names[row]),
                None if fresh => self.rows.names[row] = format!("unnamed thread {row}"),
                None => {}
            }
            let mark = self.state(trace);
            holder |= mark == Mark::Holding;
            self.rows.mark(row, at, mark);
        }
        self.rows.end_sample(at); // a thread gone from the list has finished
        self.samples += 1;
        self.without_holder += u64::from(!holder);
    }

    fn state(&mut self, trace: &StackTrace) -> Mark {
        if trace.owns_gil {
            return Mark::Holding;
        }
        let pid = self.pid;
        let tid = *self
            .tids
            .entry(trace.thread_id)
            .or_insert_with(|| trace.os_thread_id.or_else(|| tid_of(pid, trace.thread_id)));
        let Some(tid) = tid else {
            return Mark::Waiting;
        };
        let in_threading =
            trace.frames.first().is_some_and(|f| f.filename.ends_with("threading.py"));
        match syscall(pid, tid).as_deref() {
            Some("running") | None => Mark::Waiting,
            Some(SYS_FUTEX) if !in_threading => Mark::Waiting,
            Some(_) => Mark::Released,
        }
    }

    pub(crate) fn finish(self, seconds: f64) -> Sampled {
        let (names, timeline) = self.rows.finish(micros(self.origin.elapsed()));
        Sampled {
            names,
            timeline,
            samples: self.samples,
            seconds,
            without_holder: self.without_holder,
            witness: Witness::PySpy { misses: self.misses },
            witness_cores: None,
        }
    }
}

/// The first word of `/proc/PID/task/TID/syscall`: the number of the call the thread is
/// blocked in, or `running`.
fn syscall(pid: u32, tid: u64) -> Option<String> {
    let text = fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).ok()?;
    text.split_whitespace().next().map(str::to_string)
}

/// The kernel's id of the thread whose pthread handle is `handle`: read from glibc's
/// `struct pthread` in the process's memory, kept only if the process has such a thread.
pub(crate) fn tid_of(pid: u32, handle: u64) -> Option<u64> {
    let mut memory = fs::File::open(format!("/proc/{pid}/mem")).ok()?;
    memory.seek(SeekFrom::Start(handle.checked_add(GLIBC_PTHREAD_TID_OFFSET)?)).ok()?;
    let mut bytes = [0u8; 4];
    memory.read_exact(&mut bytes).ok()?;
    let tid = u64::try_from(i32::from_le_bytes(bytes)).ok()?;
    fs::metadata(format!("/proc/{pid}/task/{tid}")).is_ok().then_some(tid)
}

/// Samples the child's GIL with py-spy until it exits: (its version, its schedule).
pub(super) fn sample_gil(plan: &Plan, child: &mut Child) -> Result<(String, Sampled), Failure> {
    let origin = Instant::now();
    let mut spy = loop {
        match Spy::attach(child.id(), origin) {
            Ok(spy) => break spy,
            Err(error) if denied(&error) => {
                let _ = child.kill();
                // Yama's switch exists only on kernels built with it: named only there.
                let yama = fs::metadata("/proc/sys/kernel/yama/ptrace_scope").is_ok();
                return Err(Failure::Setup(format!(
                    "py-spy may not read CPython's memory (ptrace: {error}): run as root{}",
                    if yama {
                        ", or allow it with 'sudo sysctl kernel.yama.ptrace_scope=0'"
                    } else {
                        ""
                    }
                )));
            }
            Err(error) => {
                if !running(child)? {
                    // Finished (or failed) before it could be read: the caller says which.
                    return Ok((version_of(&plan.interpreter), spy_less()));
                }
                if origin.elapsed() > ATTACH_WITHIN {
                    let _ = child.kill();
                    return Err(Failure::Setup(format!("py-spy could not read CPython: {error}")));
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    };
    let started = Instant::now();
    while running(child)? {
        let tick = Instant::now();
        spy.sample();
        if let Some(rest) = PERIOD.checked_sub(tick.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    let version = spy.version();
    Ok((version, spy.finish(started.elapsed().as_secs_f64())))
}

/// A run that ended before py-spy could read it: no samples.
fn spy_less() -> Sampled {
    Sampled {
        names: Vec::new(),
        timeline: Timeline::new(true),
        samples: 0,
        seconds: 0.0,
        without_holder: 0,
        witness: Witness::PySpy { misses: 0 },
        witness_cores: None,
    }
}

fn denied(error: &str) -> bool {
    ["Permission denied", "Operation not permitted", "EPERM", "EACCES"]
        .iter()
        .any(|needle| error.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The offset read from glibc's `struct pthread` gives, for every thread of a CPython 3.12,
    /// the id py-spy reads from 3.12's own `native_thread_id`.
    #[test]
    fn the_pthread_offset_finds_the_kernels_thread_id() {
        let Some(python) = super::super::find::pyenv("3.12") else {
            crate::skips::skip("the_pthread_offset_finds_the_kernels_thread_id", "no CPython 3.12");
            return;
        };
        let script = "import threading, time\n\
                      t = threading.Thread(target=time.sleep, args=(3,)); t.start()\n\
                      time.sleep(3)";
        let mut child = std::process::Command::new(python).args(["-c", script]).spawn().unwrap();
        let origin = Instant::now();
        let (mut compared, mut refused) = (0, None);
        while compared < 2 && origin.elapsed() < ATTACH_WITHIN {
            std::thread::sleep(Duration::from_millis(50));
            let mut spy = match Spy::attach(child.id(), origin) {
                Ok(spy) => spy,
                Err(error) => {
                    refused = denied(&error).then_some(error);
                    continue;
                }
            };
            let Ok(traces) = spy.spy.get_stack_traces() else {
                continue;
            };
            if traces.len() < 2 {
                continue;
            }
            for trace in traces {
                let Some(tid) = trace.os_thread_id else {
                    continue;
                };
                assert_eq!(tid_of(child.id(), trace.thread_id), Some(tid), "{trace:?}");
                compared += 1;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        if let (0, Some(error)) = (compared, &refused) {
            let why = format!("ptrace refused: {error}");
            crate::skips::skip("the_pthread_offset_finds_the_kernels_thread_id", &why);
            return;
        }
        assert!(compared >= 2, "compared {compared} threads");
    }
}
