//! Long runs you can watch: one line on stderr saying what is running, how far the run has
//! come (which step of how many) and how long it has taken, redrawn as it goes (indicatif).
//!
//! Shown only when stderr is a terminal and the output is not `--json`, and only once the run
//! has lasted a second: a short run, a pipe, a file or a test sees nothing of it. The line is
//! cleared when the run ends, before the report is printed.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::CommonArgs;

/// How long a run goes before its progress line appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// The progress of one run; cleared when dropped.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A run of `program`, in steps (its modes, or the points of a sweep) counted by
    /// [`Progress::set_steps`].
    pub fn new(args: &CommonArgs, program: &str) -> Self {
        if args.json || !std::io::stderr().is_terminal() {
            return Self { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::hidden());
        let template = crate::tr!("progress-template");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(program.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        let shown = bar.clone();
        // If the thread cannot start, the run goes on without a progress line.
        let _ = std::thread::Builder::new().name("progress".into()).spawn(move || {
            std::thread::sleep(QUIET_FOR);
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        Self { bar: Some(bar) }
    }

    /// The run has `steps` steps.
    pub fn set_steps(&self, steps: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(steps.max(1));
        }
    }

    /// The next step starts: `what` is running now.
    pub fn step(&self, what: &str) {
        if let Some(bar) = &self.bar {
            // The step's number is part of the message, set in one call: a frame drawn between
            // two calls would show the new name beside the previous number.
            let step = bar.position() + 1;
            bar.set_position(step);
            let steps = bar.length().unwrap_or(step).max(step);
            bar.set_message(crate::tr!("progress-step", what = what, step = step, steps = steps));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
