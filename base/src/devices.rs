//! `base devices`: the Russian chapter on connecting to network devices over Telnet/SSH: one
//! session to each of N simulated devices (TCP on 127.0.0.1, `common::devices`), sequentially,
//! one thread per device, with a pool of worker processes, and with async tasks, for a sweep of
//! N. Each session connects, reads the prompt, sends `show version`, reads the answer.
//!
//! Threads scale to hundreds of sessions, the chapter says, processes to tens: a process costs
//! memory and a start, so a pool of them works through the devices a few at a time.

use std::net::SocketAddr;
use std::time::Duration;

use common::cli::{self, limits};
use common::devices::{Behaviour, Lab, run_session, run_session_async};
use common::error::Failure;
use common::gil;
use common::latency::Latencies;
use common::process;
use common::program::Program;
use common::report::{Report, Run};
use common::resources::{open_file_limit, peak_memory_kb, reset_peak_memory};
use common::threads::python_threads;
use common::usage::Measured;
use serde_json::json;

use crate::worker;

/// Options of `base devices`.
#[derive(clap::Args)]
pub struct Args {
    /// Sessions to open, one per device, as a comma-separated sweep (each 1 to 5000)
    #[arg(long, value_delimiter = ',', default_value = "10,100,1000", value_parser = clap::value_parser!(u64).range(1..=limits::MAX_SESSIONS))]
    pub sessions: Vec<u64>,

    /// How long a device takes to answer a command, in milliseconds (0 to 60000)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=limits::MAX_DELAY_MS))]
    pub latency_ms: u64,

    /// Worker processes in the processes mode's pool (1 to 64)
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_PROCESSES))]
    pub pool: u64,

    /// Which modes to run, comma-separated [default: all four; sequential only up to 10 s]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MODES")]
    pub modes: Vec<Mode>,

    /// Make one device misbehave per kind listed: refuse, reset, garbage, silent (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub misbehave: Vec<Behaviour>,

    /// The first device's port; the others follow (0: any free ports)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Sequential,
    Threads,
    Processes,
    Async,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Threads => "threads",
            Mode::Processes => "processes",
            Mode::Async => "async",
        }
    }
}

/// Each session's time, or why it failed.
type Sessions = Vec<Result<Duration, String>>;

fn sequential(addrs: &[SocketAddr], latency: Duration) -> Sessions {
    gil::attach(|py| {
        let session = |&addr| run_session(addr, latency, py); // each socket call releases the GIL
        addrs.iter().map(session).collect()
    })
}

fn threads(addrs: &[SocketAddr], latency: Duration) -> Result<Sessions, Failure> {
    python_threads(addrs.len() as u64, |index, py| {
        run_session(addrs[index], latency, py) // each socket call releases the GIL
    })
}

fn with_async(addrs: &[SocketAddr], latency: Duration) -> Result<Sessions, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Setup(format!("could not start tokio: {e}")))?;
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for &addr in addrs {
            tasks.spawn(run_session_async(addr, latency));
        }
        Ok(tasks.join_all().await)
    })
}

/// A pool of worker processes, each working through its share of the devices one by one;
/// returns the sessions and the workers' peak memory, in KiB.
fn processes(addrs: &[SocketAddr], latency_ms: u64, pool: u64) -> Result<(Sessions, u64), Failure> {
    let pool = pool.min(addrs.len() as u64) as usize;
    let command_lines = (0..pool).map(|index| {
        let share: Vec<SocketAddr> = addrs.iter().skip(index).step_by(pool).copied().collect();
        worker::command_line(index, &share, latency_ms)
    });
    let (outputs, _pids) =
        process::run_all(command_lines, worker::timeout(addrs.len(), latency_ms))?;
    Ok(worker::read(&outputs))
}

/// `base devices`: the sweep, one row per (sessions, mode).
pub fn run(args: &Args, program: &Program) -> Result<Report, Failure> {
    let largest = args.sessions.iter().copied().max().unwrap_or(1);
    let latency = Duration::from_millis(args.latency_ms);
    let (plan, skipped) = plan(args, latency);
    program.limit_time(estimate(&plan, latency, args.pool), "--sessions x --latency-ms")?;
    check(args, largest)?;
    let mut behaviours = args.misbehave.clone();
    behaviours.resize(largest.max(behaviours.len() as u64) as usize, Behaviour::Normal);
    let lab = Lab::start(&behaviours, latency, args.port).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (already in use: choose another --port, or 0)"
        } else {
            ""
        };
        Failure::Setup(format!("cannot start the devices: {e}{hint}"))
    })?;

    program.steps(plan.len());
    let mut report = Report::new("base devices")
        .size("sessions", args.sessions.clone())
        .size("latency_ms", args.latency_ms)
        .size("pool", args.pool);
    for (sessions, mode) in plan {
        let addrs = &lab.addrs[..sessions as usize];
        reset_peak_memory();
        let what = format!("{} sessions, {}", sessions, mode.name());
        let ((results, peak_kb), seconds) = program.try_mode(&what, || match mode {
            Mode::Sequential => Ok((sequential(addrs, latency), peak_memory_kb())),
            Mode::Threads => Ok((threads(addrs, latency)?, peak_memory_kb())),
            Mode::Processes => processes(addrs, args.latency_ms, args.pool)
                .map(|(results, workers_kb)| (results, workers_kb + peak_memory_kb())),
            Mode::Async => Ok((with_async(addrs, latency)?, peak_memory_kb())),
        })?;
        report.push(row(mode, sessions, seconds, &results, peak_kb));
    }
    report.conclude(conclusion(&report, largest, args.pool, &skipped));
    Ok(report)
}

/// Refuses, before any device starts, more misbehaving kinds than sessions and ports past 65535
/// (exit 2), and more sessions than the open-file limit allows (exit 1).
fn check(args: &Args, largest: u64) -> Result<(), Failure> {
    let smallest = args.sessions.iter().copied().min().unwrap_or(1);
    if args.misbehave.len() as u64 > smallest {
        return Err(Failure::Usage(format!(
            "--misbehave lists {} kinds, but the sweep's smallest point has {smallest} sessions: \
             each kind needs a device of its own (fewer kinds, or more --sessions)",
            args.misbehave.len()
        )));
    }
    if args.port != 0 && u64::from(args.port) + largest - 1 > 65_535 {
        return Err(Failure::Usage(format!(
            "--port {} with --sessions up to {largest}: the devices' ports would run past 65535 \
             (choose a lower --port, fewer --sessions, or --port 0)",
            args.port
        )));
    }
    // Each session holds a socket at each end, and each device a listener.
    let needed = 3 * largest + 64;
    match open_file_limit().filter(|&limit| limit < needed) {
        Some(limit) => Err(Failure::Setup(format!(
            "{largest} sessions need about {needed} open files, but the limit is {limit} (raise it \
             with ulimit -n)"
        ))),
        None => Ok(()),
    }
}

/// Each mode of each sweep point, and the points where sequential is skipped (over 10 s, unless
/// asked for by name).
fn plan(args: &Args, latency: Duration) -> (Vec<(u64, Mode)>, Vec<u64>) {
    let all = [Mode::Sequential, Mode::Threads, Mode::Processes, Mode::Async];
    let (mut plan, mut skipped) = (Vec::new(), Vec::new());
    for &sessions in &args.sessions {
        for mode in cli::chosen(&all, &args.modes) {
            let too_long = latency * sessions as u32 > Duration::from_secs(10);
            if mode == Mode::Sequential && args.modes.is_empty() && too_long {
                skipped.push(sessions);
            } else {
                plan.push((sessions, mode));
            }
        }
    }
    (plan, skipped)
}

/// A session takes about one latency: one after the other they add up, a pool of processes
/// works through them `pool` at a time, threads and tasks all at once.
fn estimate(plan: &[(u64, Mode)], latency: Duration, pool: u64) -> Duration {
    let one = |&(sessions, mode): &(u64, Mode)| match mode {
        Mode::Sequential => latency.saturating_mul(sessions as u32),
        Mode::Processes => latency.saturating_mul(sessions.div_ceil(pool) as u32),
        Mode::Threads | Mode::Async => latency,
    };
    plan.iter().map(one).sum()
}

/// One row of the table: the sessions answered a second, their latencies, the errors and the
/// mode's peak memory.
fn row(mode: Mode, sessions: u64, seconds: Measured, results: &Sessions, peak_kb: u64) -> Run {
    let mut latencies = Latencies::new();
    let mut errors: Vec<&String> = Vec::new();
    for result in results {
        match result {
            Ok(elapsed) => latencies.record(*elapsed),
            Err(reason) => errors.push(reason),
        }
    }
    let summary = latencies.summary();
    // With no session answered there is no latency to show: null, not 0.
    let answered_ms = |ms: f64| if summary.count > 0 { json!(ms) } else { json!(null) };
    let mut reasons = errors.clone();
    reasons.sort();
    reasons.dedup();
    Run::new(mode.name(), seconds)
        .with("sessions", sessions)
        .with("answered", summary.count)
        .with("sessions_per_s", summary.count as f64 / seconds.as_secs_f64())
        .with("peak_rss_mb", peak_kb as f64 / 1024.0)
        .with("p50_ms", answered_ms(summary.p50_ms))
        .with("p99_ms", answered_ms(summary.p99_ms))
        .with("errors", errors.len())
        .with("error_reasons", json!(reasons))
}

/// What the sweep showed, at its largest point, and every error met.
fn conclusion(report: &Report, largest: u64, pool: u64, skipped: &[u64]) -> String {
    let at_largest: Vec<String> = report
        .runs
        .iter()
        .filter(|r| r.field("sessions") == Some(&largest.into()))
        .map(|r| format!("{} {:.2} s", r.mode, r.seconds))
        .collect();
    let mut conclusion = format!(
        "At {largest} sessions: {}. Threads and async tasks wait for all the devices at once, so \
         the run takes a few latencies whatever the count; one by one it takes a latency per \
         device; a pool of {pool} processes works through them {pool} at a time, each process \
         costing its own memory and start.",
        at_largest.join(", "),
    );
    if !skipped.is_empty() {
        conclusion += &format!(
            " Sequential was skipped at {skipped:?} sessions: it would take sessions x latency \
             (pass --modes sequential to run it anyway)."
        );
    }
    for run in report.runs.iter().filter(|r| r.field("errors") != Some(&0.into())) {
        let field = |key| run.field(key).map_or_else(String::new, |v| v.to_string());
        conclusion += &format!(
            "\n{} with {} sessions: errors {}",
            run.mode,
            field("sessions"),
            field("error_reasons")
        );
    }
    conclusion
}
