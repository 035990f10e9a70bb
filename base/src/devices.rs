//! `base devices`: the Russian chapter on connecting to network devices over Telnet/SSH: one
//! session to each of N simulated devices (TCP on 127.0.0.1, `common::devices`), sequentially,
//! one thread per device, with a pool of worker processes, and with async tasks, for a sweep of
//! N. Each session connects, reads the prompt, sends `show version`, reads the answer.
//!
//! Threads scale to hundreds of sessions, the chapter says, processes to tens: a process costs
//! memory and a start, so a pool of them works through the devices a few at a time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::cli::{self, CommonArgs, limits};
use common::devices::{Behaviour, Lab, run_session, run_session_async};
use common::gil;
use common::latency::Latencies;
use common::process::{self, Failure};
use common::progress::Progress;
use common::report::{self, Report, Run};
use common::threads::run_in_threads;
use serde_json::json;

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

/// What one mode got from its sessions.
struct Outcome {
    latencies: Latencies,
    errors: Vec<String>,
    /// Peak resident memory of everything the mode ran (worker processes included), in KiB.
    peak_kb: u64,
}

impl Outcome {
    /// `peak_kb` is read after the sessions ran (arguments are evaluated in order).
    fn from_sessions(results: Vec<Result<Duration, String>>, peak_kb: u64) -> Self {
        let mut outcome = Outcome {
            latencies: Latencies::new(),
            errors: Vec::new(),
            peak_kb,
        };
        for result in results {
            match result {
                Ok(elapsed) => outcome.latencies.record(elapsed),
                Err(reason) => outcome.errors.push(reason),
            }
        }
        outcome
    }
}

fn sequential(addrs: &[SocketAddr], latency: Duration) -> Vec<Result<Duration, String>> {
    gil::attach(|py| {
        addrs
            .iter()
            .map(|&addr| py.detach(|| run_session(addr, latency)))
            .collect()
    })
}

fn threads(
    addrs: &[SocketAddr],
    latency: Duration,
) -> Result<Vec<Result<Duration, String>>, String> {
    run_in_threads(addrs.len() as u64, |index| {
        // Socket calls release the GIL while they wait, as in CPython.
        gil::attach(|py| py.detach(|| run_session(addrs[index], latency)))
    })
    .map_err(|e| format!("could not start a thread: {e}"))
}

fn with_async(
    addrs: &[SocketAddr],
    latency: Duration,
) -> Result<Vec<Result<Duration, String>>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start tokio: {e}"))?;
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for &addr in addrs {
            tasks.spawn(run_session_async(addr, latency));
        }
        Ok(tasks.join_all().await)
    })
}

/// A pool of worker processes, each working through its share of the devices one by one.
fn processes(addrs: &[SocketAddr], latency_ms: u64, pool: u64) -> Result<Outcome, Failure> {
    let pool = pool.min(addrs.len() as u64) as usize;
    let command_lines = (0..pool).map(|index| {
        let share: Vec<String> = addrs
            .iter()
            .skip(index)
            .step_by(pool)
            .map(|a| a.to_string())
            .collect();
        vec![
            "--worker".to_string(),
            index.to_string(),
            "--latency-ms".to_string(),
            latency_ms.to_string(),
            "--connect".to_string(),
            share.join(","),
        ]
    });
    let timeout = Duration::from_secs(60) + Duration::from_millis(latency_ms) * addrs.len() as u32;
    let (outputs, _pids) = process::run_all(command_lines, timeout)?;
    let mut results = Vec::new();
    let mut peak_kb = peak_memory_kb();
    for output in outputs {
        for line in output.lines() {
            match line.split_once(' ') {
                Some(("ok", us)) => {
                    results.push(Ok(Duration::from_micros(us.parse().unwrap_or(0))))
                }
                Some(("error", reason)) => results.push(Err(reason.to_string())),
                Some(("peak_kb", kb)) => peak_kb += kb.parse::<u64>().unwrap_or(0),
                _ => results.push(Err(format!("worker sent {line:?}"))),
            }
        }
    }
    Ok(Outcome::from_sessions(results, peak_kb))
}

/// The options only the processes mode gives its workers: hidden from `--help`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Run as worker number INDEX of `devices`: what the parent starts, not for use by hand
    #[arg(long, hide = true, value_name = "INDEX")]
    pub worker: Option<usize>,

    /// Worker: the devices to connect to (set by the parent)
    #[arg(long, hide = true, default_value = "")]
    connect: String,

    /// Worker: the devices' latency (set by the parent)
    #[arg(long, hide = true, default_value_t = 50)]
    latency_ms: u64,
}

/// The worker side of the processes mode: check that a parent started us, then one session
/// after another, one line each.
pub fn worker_main(args: &WorkerArgs, index: usize) -> std::process::ExitCode {
    if let Err(why) = process::become_worker() {
        return cli::runtime_error(&format!("--worker {index}: {why}"));
    }
    let latency = Duration::from_millis(args.latency_ms);
    for addr in args.connect.split(',').filter(|a| !a.is_empty()) {
        match addr.parse() {
            Ok(addr) => match gil::attach(|py| py.detach(|| run_session(addr, latency))) {
                Ok(elapsed) => common::outln!("ok {}", elapsed.as_micros()),
                Err(reason) => common::outln!("error {reason}"),
            },
            Err(_) => common::outln!("error bad address {addr}"),
        }
    }
    common::outln!("peak_kb {}", peak_memory_kb());
    std::process::ExitCode::SUCCESS
}

/// Starts the kernel's count of this process's peak memory afresh (Linux `clear_refs`).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory since the last reset, in KiB (`VmHWM`).
fn peak_memory_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The open-file limit (`ulimit -n`), if it can be read.
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// `base devices`: the sweep, one row per (sessions, mode).
pub fn run(args: &Args, common: &CommonArgs) -> report::Outcome {
    let largest = args.sessions.iter().copied().max().unwrap_or(1);
    if args.port != 0 && u64::from(args.port) + largest - 1 > 65_535 {
        cli::usage_error(&format!(
            "--port {} with --sessions up to {largest}: the devices' ports would run past 65535 \
             (choose a lower --port, fewer --sessions, or --port 0)",
            args.port
        ));
    }
    // Each session holds a socket at each end, and each device a listener.
    let needed = 3 * largest + 64;
    if let Some(limit) = open_file_limit().filter(|&limit| limit < needed) {
        return Err(Failure::Run(format!(
            "{largest} sessions need about {needed} open files, but the limit is {limit} (raise it with ulimit -n)"
        )));
    }
    let latency = Duration::from_millis(args.latency_ms);
    let mut behaviours = args.misbehave.clone();
    behaviours.resize(
        largest.max(behaviours.len() as u64) as usize,
        Behaviour::Normal,
    );
    let lab = Lab::start(&behaviours, latency, args.port).map_err(|e| {
        Failure::Run(if e.kind() == std::io::ErrorKind::AddrInUse {
            format!("cannot start the devices: {e} (already in use: choose another --port, or 0)")
        } else {
            format!("cannot start the devices: {e}")
        })
    })?;

    let all = [
        Mode::Sequential,
        Mode::Threads,
        Mode::Processes,
        Mode::Async,
    ];
    // Each mode of each sweep point: (sessions, mode), and whether sequential was skipped.
    let mut plan = Vec::new();
    let mut skipped = Vec::new();
    for &sessions in &args.sessions {
        for mode in cli::chosen(&all, &args.modes) {
            if mode == Mode::Sequential
                && args.modes.is_empty()
                && latency * sessions as u32 > Duration::from_secs(10)
            {
                skipped.push(sessions);
            } else {
                plan.push((sessions, mode));
            }
        }
    }
    // A session takes about one latency: one after the other they add up, a pool of processes
    // works through them `pool` at a time, threads and tasks all at once.
    let estimate = plan
        .iter()
        .map(|&(sessions, mode)| match mode {
            Mode::Sequential => latency.saturating_mul(sessions as u32),
            Mode::Processes => latency.saturating_mul(sessions.div_ceil(args.pool) as u32),
            Mode::Threads | Mode::Async => latency,
        })
        .sum();
    cli::within_an_hour(estimate, "--sessions x --latency-ms");
    let progress = Progress::new(common, "base devices", plan.len() as u64);
    let mut report = Report::new("base devices")
        .size("sessions", args.sessions.clone())
        .size("latency_ms", args.latency_ms)
        .size("pool", args.pool);
    for (sessions, mode) in plan {
        let addrs = &lab.addrs[..sessions as usize];
        progress.step(&format!("{} sessions, {}", sessions, mode.name()));
        reset_peak_memory();
        let start = Instant::now();
        let outcome = match mode {
            Mode::Sequential => {
                Outcome::from_sessions(sequential(addrs, latency), peak_memory_kb())
            }
            Mode::Threads => Outcome::from_sessions(
                threads(addrs, latency).map_err(Failure::Run)?,
                peak_memory_kb(),
            ),
            Mode::Processes => processes(addrs, args.latency_ms, args.pool)?,
            Mode::Async => Outcome::from_sessions(
                with_async(addrs, latency).map_err(Failure::Run)?,
                peak_memory_kb(),
            ),
        };
        let elapsed = start.elapsed();
        let summary = outcome.latencies.summary();
        let name = mode.name();
        let mut reasons = outcome.errors.clone();
        reasons.sort();
        reasons.dedup();
        report.push(
            Run::new(name, elapsed)
                .with("sessions", sessions)
                .with("answered", summary.count)
                .with("sessions_per_s", sessions as f64 / elapsed.as_secs_f64())
                .with("peak_rss_mb", outcome.peak_kb as f64 / 1024.0)
                .with("p50_ms", summary.p50_ms)
                .with("p99_ms", summary.p99_ms)
                .with("errors", outcome.errors.len())
                .with("error_reasons", json!(reasons)),
        );
    }
    let at_largest: Vec<String> = report
        .runs
        .iter()
        .filter(|r| r.field("sessions") == Some(&largest.into()))
        .map(|r| format!("{} {:.2} s", r.mode, r.seconds))
        .collect();
    let mut conclusion = format!(
        "At {largest} sessions: {}. Threads and async tasks wait for all the devices at once, so \
         the run takes a few latencies whatever the count; one by one it takes a latency per \
         device; a pool of {} processes works through them {} at a time, each process costing its \
         own memory and start.",
        at_largest.join(", "),
        args.pool,
        args.pool
    );
    if !skipped.is_empty() {
        conclusion += &format!(
            " Sequential was skipped at {skipped:?} sessions: it would take sessions x latency \
             (pass --modes sequential to run it anyway)."
        );
    }
    for run in report
        .runs
        .iter()
        .filter(|r| r.field("errors") != Some(&0.into()))
    {
        conclusion += &format!(
            "\n{} with {} sessions: errors {}",
            run.mode,
            run.field("sessions")
                .map_or_else(String::new, |v| v.to_string()),
            run.field("error_reasons")
                .map_or_else(String::new, |v| v.to_string())
        );
    }
    Ok((report, conclusion))
}
