//! How a simulated GIL is configured: which CPython to imitate, its switch interval, its pace,
//! and (for the model checks only) the deliberate flaws.

use std::time::Duration;

use super::pace::Pace;

/// Which CPython's thread switching to imitate (`--python`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PythonVersion {
    /// The old GIL: release and re-acquire every 100 ticks, no timed wait, no forced hand-off.
    #[value(name = "2.7")]
    V2_7,
    /// The new GIL; the eval breaker is checked between nearly every pair of bytecodes,
    /// so a thread can lose the GIL between the read and the write of `counter += 1`.
    #[value(name = "3.9")]
    V3_9,
    /// The new GIL; since 3.10 the eval breaker is checked only on backward jumps and calls,
    /// never inside `counter += 1`.
    #[value(name = "3.12")]
    V3_12,
    /// Free-threaded CPython (PEP 703): no GIL at all; threads run Python code in parallel.
    #[value(name = "3.13t")]
    V3_13t,
}

impl PythonVersion {
    /// The version as Python writes it: `"3.12"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_7 => "2.7",
            Self::V3_9 => "3.9",
            Self::V3_12 => "3.12",
            Self::V3_13t => "3.13t",
        }
    }

    /// Whether this interpreter has a GIL at all: every version but the free-threaded one.
    pub fn has_gil(self) -> bool {
        self != Self::V3_13t
    }
}

/// The model of the GIL a version runs, chosen once, when its [`super::Gil`] is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Model {
    /// CPython 2: a lock released and taken again every check interval (`old_gil.rs`).
    OldGil,
    /// CPython 3.2 and later: the timed wait, the drop request, the forced hand-off
    /// (`new_gil.rs`). Up to 3.9 the eval breaker is also checked between the bytecodes of one
    /// statement; since 3.10 only at backward jumps and calls.
    NewGil { checks_between_bytecodes: bool },
    /// CPython 3.13t: no GIL (`free_threaded.rs`).
    FreeThreaded,
}

impl Model {
    /// Whether a holder may hand the GIL over between the read and the write of `counter += 1`.
    pub(super) fn checks_between_bytecodes(self) -> bool {
        match self {
            Model::OldGil => true,
            Model::NewGil { checks_between_bytecodes } => checks_between_bytecodes,
            Model::FreeThreaded => false,
        }
    }
}

impl PythonVersion {
    /// The model this version runs.
    pub(super) fn model(self) -> Model {
        match self {
            Self::V2_7 => Model::OldGil,
            Self::V3_9 => Model::NewGil { checks_between_bytecodes: true },
            Self::V3_12 => Model::NewGil { checks_between_bytecodes: false },
            Self::V3_13t => Model::FreeThreaded,
        }
    }
}

/// CPython's default switch interval: `sys.getswitchinterval()` is 0.005.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// CPython 2's default check interval: `sys.getcheckinterval()` is 100 ticks.
pub const CHECK_INTERVAL_TICKS: i32 = 100;

/// How a [`Gil`](super::Gil) behaves.
#[derive(Clone, Debug)]
pub struct GilConfig {
    /// Whose switching to imitate.
    pub version: PythonVersion,
    /// How long a waiting thread waits before it asks the holder to drop the GIL.
    pub switch_interval: Duration,
    /// Record every take and drop with its time, to draw a timeline afterwards.
    pub record_timeline: bool,
    /// Whose speed the loops run at: CPython's (the programs' default) or Rust's.
    pub pace: Pace,
    /// The old GIL's check interval, in ticks (CPython 2's `sys.setcheckinterval`, 100 by
    /// default): how often its holder lets go and asks again.
    pub check_interval: i32,
    /// A deliberate bug, to show that the loom models catch it (model checking only).
    #[cfg(loom)]
    #[doc(hidden)]
    pub flaw: Option<Flaw>,
}

/// Deliberate bugs that the loom models must catch (`common/tests/loom.rs`): each breaks one rule
/// of a model, and is checked in that model's file.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// Taking does not wait while the GIL is locked: two holders (new GIL and old GIL).
    TakeWithoutWaiting,
    /// Releasing does not wake a sleeping waiter: a waiter of the old GIL sleeps forever.
    ForgetToWakeWaiter,
    /// `take_gil` does not signal `switch_cond`: the new GIL's forced dropper waits forever.
    ForgetToSignalSwitch,
}

impl Default for GilConfig {
    fn default() -> Self {
        Self {
            version: PythonVersion::V3_12,
            switch_interval: DEFAULT_SWITCH_INTERVAL,
            record_timeline: false,
            pace: Pace::Native,
            check_interval: CHECK_INTERVAL_TICKS,
            #[cfg(loom)]
            flaw: None,
        }
    }
}
