//! The command-line options every program shares, and how every program fails on bad input:
//! one line on stderr naming the bad value, exit code 2 (usage) or 1 (runtime), never a panic.
//!
//! The shared options are `global`: they may be written before or after a subcommand's name
//! (`mp --json count` and `mp count --json` are the same). A program's own options, which mean
//! nothing to its subcommands, are refused when written before one, never silently ignored.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::error::Failure;
use crate::gil::{GilConfig, Pace, PythonVersion};
use crate::output;

/// Options shared by every program: `#[command(flatten)]` them into its own `Cli`, once, at the
/// top; its subcommands see them too.
#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Print exactly one JSON object on stdout instead of the table
    #[arg(long, global = true)]
    pub json: bool,

    /// The language of the header, the table, the conclusion and the run's errors: en or fr
    /// [default: fr if LC_ALL, LC_MESSAGES or LANG starts with fr, else en]; --json and --help
    /// stay the same in every language
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::lang::Lang>,

    /// CPython's `sys.setswitchinterval`, in milliseconds: how long a thread waits for the GIL
    /// before asking the holder to drop it; at least 0.001 (1 µs), at most 10000 (needs --features
    /// gil) [default: 5]
    #[arg(long, global = true, value_name = "MS", value_parser = parse_switch_interval)]
    pub switch_interval: Option<f64>,

    /// Which CPython's thread switching to imitate: 2.7 (old GIL), 3.9, 3.12 (new GIL) or 3.13t
    /// (free-threaded: no GIL) (needs --features gil) [default: 3.12]
    #[arg(long, global = true, value_enum, value_name = "VERSION")]
    pub python: Option<PythonVersion>,

    /// Whose speed the loops run at: cpython (each iteration takes what it takes the imitated
    /// CPython on this machine, so a switch interval spans as many iterations as in CPython) or
    /// native (Rust's own, about a nanosecond) (needs --features gil) [default: cpython]
    #[arg(long, global = true, value_enum, value_name = "PACE")]
    pub pace: Option<Pace>,

    /// After the run, draw who held the GIL when, one row per thread (needs --features gil)
    #[arg(long, global = true)]
    pub timeline: bool,

    /// Write the same timeline as an SVG picture to FILE (needs --features gil)
    #[arg(long, global = true, value_name = "FILE")]
    pub timeline_svg: Option<PathBuf>,

    /// After the run, run the program's own .py with the same sizes under a real CPython, observe
    /// both runs (see --witness) and show them one above the other. Without =PYTHON, the CPython matching --python (pyenv's;
    /// for 3.13t ~/.local/python3.13t) (needs --features gil)
    #[arg(long, global = true, value_name = "PYTHON", num_args = 0..=1, require_equals = true,
          default_missing_value = "")]
    pub beside_cpython: Option<String>,

    /// How --beside-cpython observes both runs: clock (each thread of both reads its own clock
    /// as its loop runs: both alike, no sampler; cpu_example) or sampler (py-spy reads CPython's
    /// GIL from outside, beside the model's exact events) [default: clock where the .py has it]
    #[arg(long, global = true, value_enum, value_name = "HOW")]
    pub witness: Option<WitnessChoice>,

    /// Keep N cores busy with another program (a shell spinning) for the whole run, both sides
    /// of --beside-cpython included: a machine that is not idle
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub busy_cores: Option<u32>,

    /// Write who held the GIL when as a trace to FILE (Chrome's JSON trace format: open it in
    /// ui.perfetto.dev or chrome://tracing); with --beside-cpython, CPython's run too (needs
    /// --features gil)
    #[arg(long, global = true, value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// Internal: the pace's calibration, handed by a parent to its worker processes (see
    /// `gil::pace::use_units_per_ns`)
    #[arg(long, global = true, hide = true, value_name = "UNITS", value_parser = parse_units_per_ns)]
    pub spin_units_per_ns: Option<f64>,
}

/// How `--beside-cpython` observes both runs (`--witness`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WitnessChoice {
    /// Each thread's own clock, on both sides.
    Clock,
    /// py-spy beside the model's exact events (on 3.13t, the kernel's run states, both sides).
    Sampler,
}

impl CommonArgs {
    /// The simulated GIL's configuration these options ask for.
    pub fn gil_config(&self) -> GilConfig {
        let mut config = GilConfig::default();
        config.version = self.python.unwrap_or(config.version);
        config.pace = self.pace.unwrap_or(Pace::Cpython);
        if let Some(ms) = self.switch_interval {
            config.switch_interval = Duration::from_secs_f64(ms / 1000.0);
        }
        config.record_timeline = self.timeline
            || self.timeline_svg.is_some()
            || self.trace.is_some()
            || self.beside_cpython.is_some();
        config
    }
}

/// Parses the command line; bad input is [`Failure::Usage`] (one line, exit code 2), and
/// `--help` and `--version` are [`Failure::Help`] (their text on stdout, exit code 0), for
/// `main` to end with. Also installs the Ctrl-C handler ([`crate::interrupt`]), before any work
/// starts.
pub fn parse<T: Parser>() -> Result<T, Failure> {
    crate::interrupt::install();
    if let Some(message) = not_utf8(std::env::args_os().skip(1)) {
        return Err(Failure::Usage(message));
    }
    let command = T::command();
    let matches = match command.clone().try_get_matches() {
        Ok(matches) => matches,
        Err(error) if !error.use_stderr() => return Err(Failure::Help(error.render().to_string())),
        Err(error) => return Err(usage(&error)),
    };
    refuse_options_of_another_command(&command, &matches)?;
    T::from_arg_matches(&matches).map_err(|error| usage(&error))
}

/// A clap error as bad input.
fn usage(error: &clap::Error) -> Failure {
    Failure::Usage(format!("{} (see --help)", clap_message(error)))
}

/// A program's own options (`mp --n`) mean nothing to its subcommands (`mp count` has its own
/// `--n`): written before a subcommand's name they are refused, not silently ignored. The shared
/// options are `global`, and work on either side.
fn refuse_options_of_another_command(
    command: &clap::Command,
    matches: &clap::ArgMatches,
) -> Result<(), Failure> {
    let Some((subcommand, _)) = matches.subcommand() else {
        return Ok(());
    };
    let program = command.get_name();
    for arg in command.get_arguments().filter(|arg| !arg.is_global_set()) {
        let id = arg.get_id().as_str();
        if matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            let flag = arg.get_long().map_or_else(|| id.to_string(), |long| format!("--{long}"));
            return Err(Failure::Usage(format!(
                "'{flag}' is an option of '{program}' itself, not of '{program} {subcommand}': \
                 write it after '{subcommand}' if '{program} {subcommand} --help' lists it"
            )));
        }
    }
    Ok(())
}

/// Clap's message without its "error: " prefix, its usage and its tips, on one line.
fn clap_message(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut body = rendered.as_str();
    for end in ["\n\nUsage:", "\n\nFor more information", "\n\n  tip:"] {
        body = body.split(end).next().unwrap_or(body);
    }
    let body = body.trim_end().strip_prefix("error: ").unwrap_or(body);
    // clap puts the possible values on a line of their own: one line, as every error (a newline
    // in the user's own value stays escaped, by `one_line`).
    output::one_line(&body.replace("\n  [possible values:", " [possible values:"))
}

/// The first argument that is not valid UTF-8, with the flag it is the value of, as a message.
fn not_utf8(args: impl Iterator<Item = OsString>) -> Option<String> {
    let mut previous: Option<String> = None;
    for arg in args {
        match arg.to_str() {
            Some(text) => previous = Some(text.to_owned()),
            None => {
                let flag = match &previous {
                    Some(flag) if flag.starts_with('-') => format!(" for '{flag}'"),
                    _ => String::new(),
                };
                return Some(format!("invalid value {arg:?}{flag}: not valid UTF-8 (see --help)"));
            }
        }
    }
    None
}

/// Something failed at run time: one line on stderr, exit code 1.
pub fn runtime_error(message: &str) -> ExitCode {
    output::error_line(message);
    ExitCode::FAILURE
}

/// A handed-down calibration: positive, and at most 100 spin units a nanosecond (this machine
/// does about one; 10^30 would make an iteration last for ever, past the hour's limit).
fn parse_units_per_ns(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(units) if units.is_finite() && units > 0.0 && units <= 100.0 => Ok(units),
        _ => Err(format!("'{value}' is not a number of spin units a nanosecond from 0 to 100")),
    }
}

fn parse_switch_interval(value: &str) -> Result<f64, String> {
    let ms: f64 =
        value.parse().map_err(|_| format!("'{value}' is not a number of milliseconds"))?;
    if ms.is_finite() && (0.001..=10_000.0).contains(&ms) {
        Ok(ms)
    } else {
        Err(format!(
            "{value} ms is not a switch interval: it must be at least 0.001 (1 µs: \
             CPython counts the interval in whole microseconds) and at most 10000"
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
    /// No allowed run takes longer than this on 2 cores.
    pub const MAX_RUN: std::time::Duration = std::time::Duration::from_secs(3600);
}

/// The modes to run, in the program's order: those `asked` for with `--modes`, or all of them.
pub fn chosen<M: Copy + PartialEq>(all: &[M], asked: &[M]) -> Vec<M> {
    all.iter().copied().filter(|mode| asked.is_empty() || asked.contains(mode)).collect()
}

/// Refuses sizes whose run would take longer than [`limits::MAX_RUN`], before any work: `flags`
/// names the options that multiply, `estimate` is how long the run would take.
pub fn within_an_hour(estimate: Duration, flags: &str) -> Result<(), Failure> {
    if estimate > limits::MAX_RUN {
        return Err(Failure::Usage(format!(
            "{flags}: this run would take about {:.1} hours; the limit is one hour on 2 cores \
             (choose smaller sizes)",
            estimate.as_secs_f64() / 3600.0
        )));
    }
    Ok(())
}

/// The number of CPU cores, the default worker count of the CPU-bound programs.
pub fn cores() -> u64 {
    num_cpus::get() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    #[test]
    fn a_value_that_is_not_utf8_is_named_with_its_flag() {
        let args = ["--n".into(), OsString::from_vec(vec![0xff, 0xfe])];
        let message = not_utf8(args.into_iter()).unwrap();
        assert_eq!(message, "invalid value \"\\xFF\\xFE\" for '--n': not valid UTF-8 (see --help)");
        assert_eq!(not_utf8(["--n".into(), "5".into()].into_iter()), None);
    }

    #[test]
    fn switch_interval_must_be_positive() {
        assert_eq!(parse_switch_interval("5"), Ok(5.0));
        assert_eq!(parse_switch_interval("0.5"), Ok(0.5));
        assert_eq!(parse_switch_interval("0.001"), Ok(0.001));
        for bad in ["0", "-1", "nan", "inf", "abc", "10001", "5e-324", "0.0009"] {
            assert!(parse_switch_interval(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn a_handed_down_calibration_must_be_a_positive_number() {
        assert_eq!(parse_units_per_ns("0.97"), Ok(0.97));
        for bad in ["0", "-1", "nan", "inf", "abc", "", "1e30", "100.5"] {
            assert!(parse_units_per_ns(bad).is_err(), "{bad} accepted");
        }
    }
}
