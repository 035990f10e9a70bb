//! The command-line options every program shares, and how every program fails on bad input:
//! one line on stderr naming the bad value, exit code 2 (usage) or 1 (runtime), never a panic.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::gil::{self, GilConfig, PythonVersion};

/// Options shared by every program: `#[command(flatten)]` them into its own `Cli`.
#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Print exactly one JSON object on stdout instead of the table
    #[arg(long)]
    pub json: bool,

    /// CPython's `sys.setswitchinterval`, in milliseconds: how long a thread waits for the GIL
    /// before asking the holder to drop it; more than 0, at most 10000 (needs --features gil)
    /// [default: 5]
    #[arg(long, value_name = "MS", value_parser = parse_switch_interval)]
    pub switch_interval: Option<f64>,

    /// Which CPython's thread switching to imitate: 2.7 (old GIL), 3.9, 3.12 (new GIL) or 3.13t
    /// (free-threaded: no GIL) (needs --features gil) [default: 3.12]
    #[arg(long, value_enum, value_name = "VERSION")]
    pub python: Option<PythonVersion>,

    /// After the run, draw who held the GIL when, one row per thread (needs --features gil)
    #[arg(long)]
    pub timeline: bool,

    /// Write the same timeline as an SVG picture to FILE (needs --features gil)
    #[arg(long, value_name = "FILE")]
    pub timeline_svg: Option<PathBuf>,
}

impl CommonArgs {
    /// The simulated GIL's configuration these options ask for.
    pub fn gil_config(&self) -> GilConfig {
        let mut config = GilConfig::default();
        config.version = self.python.unwrap_or(config.version);
        if let Some(ms) = self.switch_interval {
            config.switch_interval = Duration::from_secs_f64(ms / 1000.0);
        }
        config.record_timeline = self.timeline || self.timeline_svg.is_some();
        config
    }

    /// Refuses GIL options in a build that has no GIL, then installs the process's GIL.
    pub fn install_gil(&self, program: &str) {
        if !gil::ENABLED {
            let used = [
                (self.switch_interval.is_some(), "--switch-interval"),
                (self.python.is_some(), "--python"),
                (self.timeline, "--timeline"),
                (self.timeline_svg.is_some(), "--timeline-svg"),
            ];
            if let Some((_, flag)) = used.iter().find(|(used, _)| *used) {
                usage_error(&format!(
                    "{flag} needs the simulated GIL: cargo run -p {program} --features gil -- {flag} ..."
                ));
            }
        }
        let timeline = self.timeline || self.timeline_svg.is_some();
        if self.python.is_some_and(|v| !v.has_gil()) && timeline {
            usage_error(
                "--timeline and --timeline-svg draw who held the GIL, and --python 3.13t \
                 (free-threaded) has none: choose another --python",
            );
        }
        gil::install(self.gil_config());
    }
}

/// Parses the command line; on bad input prints one line and exits with code 2.
/// `--help` and `--version` print as usual and exit with 0.
pub fn parse<T: Parser>() -> T {
    match T::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => error.exit(),
        Err(error) => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or("error: bad arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            usage_error(&format!("{first} (see --help)"));
        }
    }
}

/// Bad input: one line on stderr, exit code 2, like clap's own errors.
pub fn usage_error(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}

/// Something failed at run time: one line on stderr, exit code 1.
pub fn runtime_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn parse_switch_interval(value: &str) -> Result<f64, String> {
    let ms: f64 = value
        .parse()
        .map_err(|_| format!("'{value}' is not a number of milliseconds"))?;
    if ms.is_finite() && ms > 0.0 && ms <= 10_000.0 {
        Ok(ms)
    } else {
        Err(format!(
            "{value} ms is not a switch interval: it must be more than 0 and at most 10000 \
             (CPython's sys.setswitchinterval refuses 0 and negative values too)"
        ))
    }
}

/// The limits that keep every program within a 2-core, 24 GiB machine; `--help` states them.
pub mod limits {
    /// Threads one program may start (`--workers` for threads).
    pub const MAX_THREADS: u64 = 1024;
    /// Worker processes `mp` may start.
    pub const MAX_PROCESSES: u64 = 64;
    /// The largest `--n`: 10^10 squares take about half a minute per worker in a release build.
    pub const MAX_N: u64 = 10_000_000_000;
    /// Increments per thread in `share`/`share2`.
    pub const MAX_INCREMENTS: u64 = 1_000_000_000;
    /// Tasks in `base` (one thread each).
    pub const MAX_THREAD_TASKS: u64 = 10_000;
    /// Tasks in `as` (cheap async tasks).
    pub const MAX_ASYNC_TASKS: u64 = 1_000_000;
    /// Sessions to simulated network devices in one sweep point.
    pub const MAX_SESSIONS: u64 = 5_000;
    /// The longest simulated wait, in milliseconds.
    pub const MAX_DELAY_MS: u64 = 60_000;
}

/// The number of CPU cores, the default worker count of the CPU-bound programs.
pub fn cores() -> u64 {
    num_cpus::get() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_interval_must_be_positive() {
        assert_eq!(parse_switch_interval("5"), Ok(5.0));
        assert_eq!(parse_switch_interval("0.5"), Ok(0.5));
        for bad in ["0", "-1", "nan", "inf", "abc", "10001"] {
            assert!(parse_switch_interval(bad).is_err(), "{bad} accepted");
        }
    }
}
