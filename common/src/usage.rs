//! What a mode used, measured around it: wall time, the CPU time of this process's threads and of
//! the worker processes it waited for, and how busy the rest of the machine was meanwhile.
//!
//! Python's own lesson: `time.perf_counter()` (wall) beside `time.process_time()` (CPU). Two
//! threads that compute on two cores use 2 CPU seconds a second; under a GIL they use 1 between
//! them; threads that wait use almost none. The ratio, *cores used*, is what a conclusion may
//! rest on, rather than a speedup that another program on the machine can change.

use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

/// What one mode used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Wall-clock time, as `time.perf_counter()` around the call.
    pub wall: Duration,
    /// CPU time of this process's threads, all of them, those that ended included
    /// (`getrusage(RUSAGE_SELF)`, Python's `time.process_time()`).
    pub cpu: Duration,
    /// CPU time of the child processes that ended and were waited for during the mode
    /// (`getrusage(RUSAGE_CHILDREN)`, Python's `os.times()` children's fields).
    pub children: Duration,
    /// How long the machine's cores were busy in all, this process included (`/proc/stat`, in
    /// the kernel's ticks of 10 ms); `None` where it cannot be read.
    pub machine: Option<Duration>,
}

/// The counters at one instant, to subtract from later ones.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    at: Instant,
    cpu: Duration,
    children: Duration,
    machine: Option<Duration>,
}

impl Sample {
    /// The counters now.
    pub fn now() -> Self {
        Self {
            at: Instant::now(),
            cpu: rusage(UsageWho::RUSAGE_SELF),
            children: rusage(UsageWho::RUSAGE_CHILDREN),
            machine: machine_busy(),
        }
    }

    /// What was used from this sample to now.
    pub fn since(self) -> Measured {
        let now = Self::now();
        Measured {
            wall: now.at - self.at,
            cpu: now.cpu.saturating_sub(self.cpu),
            children: now.children.saturating_sub(self.children),
            machine: now.machine.zip(self.machine).map(|(a, b)| a.saturating_sub(b)),
        }
    }
}

/// Runs `f` and returns its result with what it used.
pub fn measured<R>(f: impl FnOnce() -> R) -> (R, Measured) {
    let start = Sample::now();
    let result = f();
    (result, start.since())
}

impl Measured {
    /// Wall time only, for a mode whose CPU time was not measured.
    pub fn wall_only(wall: Duration) -> Self {
        Self { wall, cpu: Duration::ZERO, children: Duration::ZERO, machine: None }
    }

    /// The wall time in seconds.
    pub fn as_secs_f64(&self) -> f64 {
        self.wall.as_secs_f64()
    }

    /// The CPU seconds the mode used: its threads', and its worker processes'.
    pub fn cpu_seconds(&self) -> f64 {
        (self.cpu + self.children).as_secs_f64()
    }

    /// How many cores the mode kept busy on average: CPU seconds / wall seconds.
    pub fn cores_used(&self) -> f64 {
        ratio(self.cpu_seconds(), self.as_secs_f64())
    }

    /// The same for this process's own threads alone, its children left out: what a sampler
    /// cost while the child it watched ran (and may have been reaped).
    pub fn own_cores(&self) -> f64 {
        ratio(self.cpu.as_secs_f64(), self.as_secs_f64())
    }

    /// How many cores the rest of the machine kept busy meanwhile, on average: the machine's
    /// busy time minus the mode's own, over the wall time (at least 0: the machine's counters
    /// are coarser than the process's). `None` for a mode shorter than [`MACHINE_WINDOW`], too
    /// short for the machine's 10 ms ticks to tell.
    pub fn other_cores(&self) -> Option<f64> {
        let machine = self.machine.filter(|_| self.wall >= MACHINE_WINDOW)?.as_secs_f64();
        Some(ratio(machine - self.cpu_seconds(), self.as_secs_f64()).max(0.0))
    }
}

fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// User plus system CPU time of `who`; zero if the kernel refuses (it does not for these two).
fn rusage(who: UsageWho) -> Duration {
    getrusage(who).map_or(Duration::ZERO, |usage| {
        let time = |t: nix::sys::time::TimeVal| {
            Duration::new(t.tv_sec().max(0) as u64, (t.tv_usec().max(0) as u32) * 1000)
        };
        time(usage.user_time()) + time(usage.system_time())
    })
}

/// The shortest mode whose machine-wide busy time is reported: 25 ticks of each core.
pub const MACHINE_WINDOW: Duration = Duration::from_millis(250);

/// The kernel's tick, in which `/proc/stat` counts: USER_HZ, 100 on Linux.
const TICK: Duration = Duration::from_millis(10);

/// How long all the machine's cores have been busy since boot: `/proc/stat`'s first line, every
/// field but idle and iowait (and guest time, already counted in user).
fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    busy_ticks(stat.lines().next()?).map(|ticks| TICK * u32::try_from(ticks).unwrap_or(u32::MAX))
}

/// The busy ticks of a `/proc/stat` "cpu" line: user nice system idle iowait irq softirq steal.
fn busy_ticks(line: &str) -> Option<u64> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let values: Vec<u64> = fields.take(8).map(str::parse).collect::<Result<_, _>>().ok()?;
    let [user, nice, system, _idle, _iowait, irq, softirq, steal] = values[..] else {
        return None;
    };
    Some(user + nice + system + irq + softirq + steal)
}

/// The load average over the last minute (`/proc/loadavg`): how many threads were running or
/// ready to run, on average.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

// What a real run uses is tested on whole programs, each its own process (RUSAGE_SELF counts
// every thread of the process, and the test harness runs tests on threads side by side):
// base/tests/cli.rs (waiting uses no CPU) and cpu_example/tests/cli.rs (the GIL's one core).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_ticks_leave_out_idle_and_iowait() {
        assert_eq!(busy_ticks("cpu  10 1 5 1000 7 2 3 4 0 0"), Some(25));
        assert_eq!(busy_ticks("cpu0 10 1 5 1000 7 2 3 4"), None);
        assert_eq!(busy_ticks("cpu 1 2"), None);
    }

    #[test]
    fn cores_used_and_the_rest_of_the_machine() {
        let second = Duration::from_secs(1);
        let measured =
            Measured { wall: second, cpu: second, children: second / 2, machine: Some(second * 2) };
        assert_eq!(measured.cores_used(), 1.5);
        assert_eq!(measured.own_cores(), 1.0, "its children left out");
        assert_eq!(measured.other_cores(), Some(0.5));
        let coarse = Measured { machine: Some(second), ..measured };
        assert_eq!(coarse.other_cores(), Some(0.0), "never below zero");
        assert_eq!(Measured::wall_only(second).other_cores(), None);
    }
}
