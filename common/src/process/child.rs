//! The worker's side: a process the parent started, that must stop when the parent goes.

use std::io::{self, BufRead, BufReader};
use std::process::Command;
use std::time::Duration;

use super::PARENT_ENV;
use crate::output;

/// In a worker: checks that a parent started it, and stops the worker when that parent dies.
/// Returns an error, for the user, when the worker was started by hand.
pub fn become_worker() -> Result<(), String> {
    let parent = std::env::var(PARENT_ENV).ok().and_then(|p| p.parse::<u32>().ok());
    if parent != Some(std::os::unix::process::parent_id()) {
        return Err("this is a worker process: the parent program starts it, with a pipe to \
                    read its result; run the program without --worker"
            .to_string());
    }
    // A panic reaches the parent as one line on stderr, which it quotes, not as a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or("(no message)");
        output::error_line(&format!("worker panicked: {message}"));
    }));
    // The parent holds our stdin open and never writes: end of file means it is gone.
    std::thread::Builder::new()
        .name("lifeline".into())
        .spawn(|| {
            let mut lifeline = BufReader::new(io::stdin());
            let mut line = String::new();
            let _ = lifeline.read_line(&mut line);
            std::process::exit(1);
        })
        .map_err(|e| format!("could not watch the parent: {e}"))?;
    // If the thread cannot start, a SIGSEGV sent with kill goes unseen, as before.
    let _ = std::thread::Builder::new().name("fault-watch".into()).spawn(die_of_swallowed_faults);
    Ok(())
}

/// Rust's runtime catches SIGSEGV and SIGBUS to report stack overflows. One that is not a stack
/// overflow (`kill -SEGV`) it swallows: it puts back the default action and returns, and the
/// program runs on, though it was sent a fatal signal. The parent must see a worker killed by a
/// signal, so: watch which signals this process catches (`SigCgt` in /proc/self/status), and
/// when the runtime has let go of one, raise it again, now with its default action: death.
fn die_of_swallowed_faults() {
    const FAULTS: [(u32, &str); 2] = [(11, "-SEGV"), (7, "-BUS")];
    let caught = || -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let mask = status.lines().find_map(|l| l.strip_prefix("SigCgt:"))?;
        u64::from_str_radix(mask.trim(), 16).ok()
    };
    let Some(at_start) = caught() else { return };
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let Some(now) = caught() else { return };
        for (signal, name) in FAULTS {
            let bit = 1 << (signal - 1);
            if at_start & bit != 0 && now & bit == 0 {
                let me = std::process::id().to_string();
                let _ = Command::new("kill").args([name, &me]).status();
            }
        }
    }
}
