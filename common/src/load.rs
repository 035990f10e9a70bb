//! Load as a variable (`--busy-cores N`): N other programs, each a shell spinning on a core, for
//! the whole run, so that a comparison can be made on a machine that is not idle, as a learner's
//! laptop rarely is. They end with the run, and on Ctrl-C.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use crate::error::Failure;

/// How many cores the spinners keep busy now.
static BUSY: AtomicU32 = AtomicU32::new(0);

/// The cores another program keeps busy during this run (`--busy-cores`), 0 if none.
pub fn busy_cores() -> u32 {
    BUSY.load(Relaxed)
}

/// The spinning programs; dropped, they are killed and waited for.
pub struct Busy(Vec<Child>);

impl Busy {
    /// Starts `cores` shells, each spinning (`while :; do :; done`).
    pub fn start(cores: u32) -> Result<Self, Failure> {
        let mut busy = Self(Vec::new());
        for _ in 0..cores {
            let child = Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| Failure::Setup(format!("--busy-cores: could not start sh: {e}")))?;
            crate::interrupt::kill_on_interrupt(child.id());
            busy.0.push(child);
        }
        BUSY.store(cores, Relaxed);
        Ok(busy)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
            crate::interrupt::forget_child(child.id());
        }
        BUSY.store(0, Relaxed);
    }
}
