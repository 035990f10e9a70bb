//! What a run's measurements allow a conclusion to say about work spread over threads or
//! processes: that it ran on several cores at once, that it took turns on one, or that another
//! program took the cores it needed. Chosen from the cores the run used and the cores the rest
//! of the machine used ([`crate::usage`]), never from a speedup alone, which a busy machine
//! changes.

use crate::lang::num;
use crate::report::Run;

/// What `workers` CPU-bound workers did with the machine's cores, as measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Parallel {
    /// One worker, or one core: there was nothing to run at once.
    Alone,
    /// They kept about `used` cores busy, near what the workers could (`min(workers, cores)`).
    AtOnce { used: f64 },
    /// They kept about one core busy between them: they took turns.
    TookTurns { used: f64 },
    /// The rest of the machine kept `other` cores busy, and the workers got `used`.
    Crowded { used: f64, other: f64 },
    /// Something in between, with the machine otherwise idle.
    Partly { used: f64 },
    /// The run's CPU time was not measured.
    Unknown,
}

/// From how many cores of other work the machine counts as taking cores from the run.
pub const CROWDED: f64 = 0.5;

impl Parallel {
    /// What `run`, `workers` CPU-bound workers on `cores` cores, did with them.
    pub fn of(run: &Run, workers: u64, cores: u64) -> Self {
        let Some(used) = run.cores_used() else {
            return Parallel::Unknown;
        };
        Self::from_figures(used, run.other_cores(), workers, cores)
    }

    /// The same from the figures: `used` cores, `other` cores used by the rest of the machine.
    pub fn from_figures(used: f64, other: Option<f64>, workers: u64, cores: u64) -> Self {
        let could = workers.min(cores) as f64;
        if could <= 1.0 {
            return Parallel::Alone;
        }
        if used >= 0.75 * could {
            return Parallel::AtOnce { used };
        }
        match other {
            Some(other) if other >= CROWDED => Parallel::Crowded { used, other },
            _ if used <= 1.25 => Parallel::TookTurns { used },
            _ => Parallel::Partly { used },
        }
    }

    /// The figure quoted in a conclusion: "(they used 1.84 cores)".
    pub fn used(self) -> Option<f64> {
        match self {
            Parallel::AtOnce { used }
            | Parallel::TookTurns { used }
            | Parallel::Crowded { used, .. }
            | Parallel::Partly { used } => Some(used),
            Parallel::Alone | Parallel::Unknown => None,
        }
    }

    /// The clause a conclusion ends with when the machine was busy and the run could not show
    /// what it was meant to: "the rest of the machine kept 0.9 of the 2 cores busy, and the
    /// threads got 1.10".
    pub fn crowded_clause(self, who: &str, cores: u64) -> Option<String> {
        match self {
            Parallel::Crowded { used, other } => Some(crate::tr!(
                "crowded",
                other = num(other, 1),
                cores = cores,
                who = who,
                used = num(used, 2)
            )),
            _ => None,
        }
    }
}

impl Parallel {
    /// What `who` did, in a few words with the figure: "the threads ran on the 2 cores at once
    /// (1.93 cores busy)", "the threads took turns (1.01 cores busy)", or the crowded clause.
    pub fn said(self, who: &str, cores: u64) -> String {
        match self {
            Parallel::AtOnce { used } => {
                crate::tr!("said-at-once", who = who, cores = cores, used = num(used, 2))
            }
            Parallel::TookTurns { used } => {
                crate::tr!("said-turns", who = who, used = num(used, 2))
            }
            Parallel::Partly { used } => crate::tr!("said-partly", who = who, used = num(used, 2)),
            Parallel::Crowded { .. } => self.crowded_clause(who, cores).unwrap_or_default(),
            Parallel::Alone => crate::tr!("said-alone", who = who),
            Parallel::Unknown => crate::tr!("said-unknown", who = who),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict from the figures, case by case.
    #[test]
    fn each_verdict_from_its_figures() {
        let cases = [
            // (used, other, workers, cores, expected)
            (1.85, Some(0.05), 2, 2, Parallel::AtOnce { used: 1.85 }),
            (1.01, Some(0.02), 2, 2, Parallel::TookTurns { used: 1.01 }),
            (1.01, None, 2, 2, Parallel::TookTurns { used: 1.01 }),
            (1.10, Some(0.90), 2, 2, Parallel::Crowded { used: 1.10, other: 0.90 }),
            (1.55, Some(0.30), 2, 2, Parallel::AtOnce { used: 1.55 }),
            (1.40, Some(0.10), 2, 2, Parallel::Partly { used: 1.40 }),
            (1.90, Some(1.00), 2, 2, Parallel::AtOnce { used: 1.90 }),
            (0.99, Some(0.00), 1, 2, Parallel::Alone),
            (0.99, Some(0.00), 4, 1, Parallel::Alone),
            (3.10, Some(0.00), 4, 4, Parallel::AtOnce { used: 3.10 }),
            (2.00, Some(1.50), 4, 4, Parallel::Crowded { used: 2.00, other: 1.50 }),
        ];
        for (used, other, workers, cores, expected) in cases {
            assert_eq!(
                Parallel::from_figures(used, other, workers, cores),
                expected,
                "{used} cores used, {other:?} by others, {workers} workers, {cores} cores"
            );
        }
    }

    #[test]
    fn only_a_crowded_run_says_so() {
        let crowded = Parallel::Crowded { used: 1.1, other: 0.9 };
        let clause = crowded.crowded_clause("the threads", 2).unwrap();
        assert!(clause.contains("0.9 of the 2 cores"), "{clause}");
        assert!(clause.contains("the threads got 1.10"), "{clause}");
        assert_eq!(Parallel::TookTurns { used: 1.0 }.crowded_clause("x", 2), None);
        let turns = Parallel::TookTurns { used: 1.01 }.said("the threads", 2);
        assert_eq!(turns, "the threads took turns (1.01 cores busy)");
        assert!(Parallel::AtOnce { used: 1.9 }.said("they", 2).contains("at once"));
    }
}
