//! Ctrl-C, as a terminal sends it: SIGINT to the whole process group, workers included.
//!
//! Every program installs one handler before any work starts ([`crate::cli::parse`]). What it
//! does depends on who can stop the run cleanly:
//!
//! * while a [`Graceful`] guard lives (the parent is waiting for its worker processes), the
//!   handler only raises a flag: the waiting code sees it within 50 ms, kills and reaps every
//!   worker, and the program exits with 130;
//! * otherwise (a computation in the parent, a worker, a tutorial scenario) there is nothing to
//!   clean up: one line on stderr and exit 130 at once. A worker's parent reads that exit code,
//!   or a death by SIGINT, as "interrupted", not as a failure of the worker.
//!
//! If the graceful path has not ended the program within a second, the handler does. Either way
//! no child is left running: a CPython run beside the model ([`kill_on_interrupt`]) is killed
//! first. SIGTERM and SIGHUP (`kill PID`, `timeout`, a closed terminal) are handled the same way.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Mutex, Once};
use std::time::Duration;

/// The exit status of an interrupted program: 128 + SIGINT, as a shell reports it.
pub const STATUS: u8 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static GRACEFUL: AtomicUsize = AtomicUsize::new(0);
/// Files to remove if Ctrl-C ends the program: its temporary files ([`remove_on_interrupt`]).
static LEFT_BEHIND: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Child processes to kill if Ctrl-C ends the program ([`kill_on_interrupt`]).
static CHILDREN: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Ctrl-C (or SIGTERM, SIGHUP) that ends the program kills the child `pid` first: a process
/// that would otherwise outlive it (CPython run beside the model, whose non-daemon threads go
/// on after its own KeyboardInterrupt). [`forget_child`] takes it back once it was waited for.
pub fn kill_on_interrupt(pid: u32) {
    CHILDREN.lock().unwrap_or_else(|p| p.into_inner()).push(pid);
}

/// The child `pid` was waited for: Ctrl-C has nothing more to do for it.
pub fn forget_child(pid: u32) {
    CHILDREN.lock().unwrap_or_else(|p| p.into_inner()).retain(|&c| c != pid);
}

/// Ctrl-C that ends the program removes `path` first: a temporary file whose own cleanup (a
/// `Drop`) would not run, since the handler exits at once. [`keep_on_interrupt`] takes it back.
pub fn remove_on_interrupt(path: &Path) {
    LEFT_BEHIND.lock().unwrap_or_else(|p| p.into_inner()).push(path.to_path_buf());
}

/// The program removed `path` itself: Ctrl-C has nothing more to do for it.
pub fn keep_on_interrupt(path: &Path) {
    LEFT_BEHIND.lock().unwrap_or_else(|p| p.into_inner()).retain(|p| p != path);
}

/// Installs the handler, once. If another handler is installed already (a test harness), Ctrl-C
/// keeps it.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, SeqCst);
            if GRACEFUL.load(SeqCst) > 0 {
                std::thread::sleep(Duration::from_secs(1));
            }
            for &pid in CHILDREN.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                if let Ok(pid) = i32::try_from(pid) {
                    let pid = nix::unistd::Pid::from_raw(pid);
                    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
                }
            }
            for path in LEFT_BEHIND.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                let _ = std::fs::remove_file(path);
                // SQLite's rollback journal beside a database, if a write was under way.
                let mut journal = path.clone().into_os_string();
                journal.push("-journal");
                let _ = std::fs::remove_file(journal);
            }
            crate::output::error_line(&crate::tr!("interrupted"));
            std::process::exit(i32::from(STATUS));
        });
    });
}

/// Whether Ctrl-C (SIGINT) was received.
pub fn interrupted() -> bool {
    INTERRUPTED.load(SeqCst)
}

/// While one lives, Ctrl-C only raises the flag: its owner checks [`interrupted`] and stops.
pub struct Graceful(());

impl Graceful {
    pub fn new() -> Self {
        GRACEFUL.fetch_add(1, SeqCst);
        Self(())
    }
}

impl Default for Graceful {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Graceful {
    fn drop(&mut self) {
        GRACEFUL.fetch_sub(1, SeqCst);
    }
}
