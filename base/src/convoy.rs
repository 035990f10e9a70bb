//! `base convoy`: the convoy effect (David Beazley, bpo-7946). One thread does many short
//! network round trips, first alone, then beside a CPU-bound thread.
//!
//! Under the GIL, each round trip releases it while it waits for the answer; the CPU-bound thread
//! takes it and keeps it. When the answer is back, microseconds later, the I/O thread must wait a
//! whole switch interval (5 ms) before its drop request makes the CPU thread let go: every round
//! trip now takes milliseconds. `sendall` releases it too, on its own, and the I/O thread may wait
//! a second interval to take it back before `recv`: whether it does is a race between the send
//! and the CPU thread's wake-up (see the README). Natively, with no GIL, the two threads don't
//! interfere.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use common::devices::{Behaviour, Lab, Session};
use common::error::Failure;
use common::gil::{self, Python, PythonVersion};
use common::latency::Latencies;
use common::program::Program;
use common::report::{Report, Run};
use common::workload::count;

/// Options of `base convoy`.
#[derive(clap::Args)]
pub struct Args {
    /// Round trips the I/O thread makes, in each mode (1 to 100000)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub round_trips: u64,

    /// How long the device takes to answer, in milliseconds (0 to 1000), like a LAN: long
    /// enough that the CPU thread takes the GIL during every wait, as in Beazley's measurements
    #[arg(long, default_value_t = 0.2, value_parser = parse_latency)]
    pub latency_ms: f64,
}

fn parse_latency(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(ms) if (0.0..=1000.0).contains(&ms) => Ok(ms),
        _ => Err(format!("{value} is not a latency from 0 to 1000 ms")),
    }
}

/// The I/O-bound thread: `round_trips` commands to a device that answers after its latency.
fn io_thread(session: &mut Session, round_trips: u64, py: Python<'_>) -> Result<Latencies, String> {
    let mut latencies = Latencies::new();
    for i in 0..round_trips {
        let start = Instant::now();
        py.detach(|| session.send(&format!("ping {i}")))?; // sendall() releases the GIL,
        py.detach(|| session.receive())?; // then recv() on its own: it is taken back between
        latencies.record(start.elapsed()); // ...and the thread needs it back to go on
    }
    Ok(latencies)
}

/// The CPU-bound thread: counts until told to stop, with its loop's check points.
fn cpu_thread(stop: &AtomicBool, py: Python<'_>) {
    while !stop.load(Relaxed) {
        std::hint::black_box(count(10_000, py));
    }
}

/// `base convoy`: the I/O thread alone, then beside a CPU-bound thread.
pub fn run(args: &Args, program: &Program) -> Result<Report, Failure> {
    let latency = Duration::from_secs_f64(args.latency_ms / 1000.0);
    // Alone, a round trip takes a latency; beside the CPU thread, under a GIL, it may also wait
    // a switch interval for the GIL after each of its two calls.
    let interval = match gil::global().filter(|_| gil::under_gil()) {
        Some(gil) => gil.config().switch_interval,
        None => Duration::ZERO,
    };
    let estimate = (latency * 2 + interval * 2).saturating_mul(args.round_trips as u32);
    program.limit_time(estimate, "--round-trips x (--latency-ms, --switch-interval)")?;
    let lab = Lab::start(&[Behaviour::Normal], latency, 0)
        .map_err(|e| Failure::Setup(format!("cannot start the device: {e}")))?;
    let mut session = Session::open(lab.addrs[0], latency).map_err(Failure::Io)?;

    program.steps(2);
    let (alone, alone_time) = program.try_mode("the I/O thread alone", || {
        gil::attach(|py| io_thread(&mut session, args.round_trips, py)).map_err(Failure::Io)
    })?;
    let stop = AtomicBool::new(false);
    let (beside, beside_time) =
        program.try_mode("the I/O thread beside a CPU-bound thread", || {
            thread::scope(|s| {
                s.spawn(|| gil::attach(|py| cpu_thread(&stop, py)));
                let result = gil::attach(|py| io_thread(&mut session, args.round_trips, py));
                stop.store(true, Relaxed);
                result
            })
            .map_err(Failure::Io)
        })?;

    let mut report = Report::new("base convoy")
        .size("round_trips", args.round_trips)
        .size("latency_ms", args.latency_ms);
    for (mode, latencies, time) in
        [("alone", &alone, alone_time), ("beside_cpu_thread", &beside, beside_time)]
    {
        let summary = latencies.summary();
        report.push(
            Run::new(mode, time)
                .with("round_trips", summary.count)
                .with("p50_ms", summary.p50_ms)
                .with("p99_ms", summary.p99_ms)
                .with("max_ms", summary.max_ms),
        );
    }
    report.conclude(conclusion(alone.summary().p50_ms, beside.summary().p50_ms));
    Ok(report)
}

/// What the two medians show, said from what was measured: a convoy only where one formed.
fn conclusion(alone_p50: f64, beside_p50: f64) -> String {
    let ratio = beside_p50 / alone_p50.max(0.001);
    let medians = format!(
        "Beside a CPU-bound thread, a round trip's median is {beside_p50:.3} ms, {ratio:.1}x the \
         {alone_p50:.3} ms it takes alone"
    );
    let version = gil::global().map(|gil| gil.config().version);
    match version {
        Some(PythonVersion::V2_7) => format!(
            "{medians}: CPython 2's old GIL has no switch interval and no drop request; its holder \
             lets go every 100 ticks, a few microseconds, so the I/O thread gets it back at once: \
             no convoy."
        ),
        Some(v) if v.has_gil() && ratio >= 2.0 => format!(
            "{medians}: while the device answers, the CPU thread takes the GIL, and the I/O thread \
             waits for it until its drop request, a switch interval later, makes the CPU thread \
             let go (the convoy effect)."
        ),
        Some(v) if v.has_gil() => format!(
            "{medians}: no convoy this time; the I/O thread got the GIL back without waiting a \
             switch interval (a busy machine, or a latency too short for the CPU thread to take it)."
        ),
        Some(_) => format!(
            "{medians}: with no GIL the two threads run side by side, as on free-threaded CPython \
             3.13t: no convoy without a GIL."
        ),
        None => format!(
            "{medians}: with no GIL the two threads run side by side (build with --features gil \
             for the convoy)."
        ),
    }
}
