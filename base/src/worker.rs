//! The plumbing of `base devices`' worker processes, kept out of the teaching files: the hidden
//! options a parent gives a worker, the worker's side (sessions, one line each on the pipe to
//! the parent), and the parent's reading of those lines.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use common::cli;
use common::devices::run_session;
use common::gil;
use common::outln;
use common::process;
use common::resources::peak_memory_kb;

/// The options only the processes mode gives its workers: hidden from `--help`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Run as worker number INDEX of `devices`: what the parent starts, not for use by hand
    #[arg(long = "worker", hide = true, value_name = "INDEX")]
    pub index: Option<usize>,

    /// Worker: the devices to connect to (set by the parent)
    #[arg(long, hide = true, default_value = "")]
    connect: String,

    /// Worker: the devices' latency (set by the parent)
    #[arg(long, hide = true, default_value_t = 50)]
    latency_ms: u64,
}

/// The command line of worker `index`, to connect to `devices` answering after `latency_ms`.
pub fn command_line(index: usize, devices: &[SocketAddr], latency_ms: u64) -> Vec<String> {
    let devices: Vec<String> = devices.iter().map(ToString::to_string).collect();
    vec![
        "--worker".to_string(),
        index.to_string(),
        "--latency-ms".to_string(),
        latency_ms.to_string(),
        "--connect".to_string(),
        devices.join(","),
    ]
}

/// The worker side of the processes mode: check that a parent started us, then one session
/// after another, one line each, then the worker's peak memory.
pub fn main(args: &WorkerArgs, index: usize) -> ExitCode {
    if let Err(why) = process::become_worker() {
        return cli::runtime_error(&format!("--worker {index}: {why}"));
    }
    let latency = Duration::from_millis(args.latency_ms);
    for addr in args.connect.split(',').filter(|a| !a.is_empty()) {
        match addr.parse() {
            Ok(addr) => match gil::attach(|py| run_session(addr, latency, py)) {
                Ok(elapsed) => outln!("ok {}", elapsed.as_micros()),
                Err(reason) => outln!("error {reason}"),
            },
            Err(_) => outln!("error bad address {addr}"),
        }
    }
    outln!("peak_kb {}", peak_memory_kb());
    ExitCode::SUCCESS
}

/// What the workers sent: each session's time or error, and their peak memory added up (KiB).
pub fn read(outputs: &[String]) -> (Vec<Result<Duration, String>>, u64) {
    let mut results = Vec::new();
    let mut peak_kb = 0;
    for line in outputs.iter().flat_map(|output| output.lines()) {
        match line.split_once(' ') {
            Some(("ok", us)) => results.push(Ok(Duration::from_micros(us.parse().unwrap_or(0)))),
            Some(("error", reason)) => results.push(Err(reason.to_string())),
            Some(("peak_kb", kb)) => peak_kb += kb.parse::<u64>().unwrap_or(0),
            _ => results.push(Err(format!("worker sent {line:?}"))),
        }
    }
    (results, peak_kb)
}

/// The processes mode's timeout: a minute, and a latency per device.
pub fn timeout(devices: usize, latency_ms: u64) -> Duration {
    Duration::from_secs(60) + Duration::from_millis(latency_ms) * devices as u32
}
