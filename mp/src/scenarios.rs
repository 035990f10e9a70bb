//! The tutorials' other scenarios, `mp`'s subcommands, each in its own file: which one runs,
//! and which worker a worker process runs for them. Kept out of `main.rs`, which is mp.py's.

use common::error::Failure;
use common::program::Program;
use common::report::Report;

use crate::args::Scenario;
use crate::worker::Task;
use crate::{add_sub, count, start_cost};

/// Runs the subcommand the user asked for.
pub fn run(scenario: &Scenario, program: &Program) -> Result<Report, Failure> {
    match scenario {
        Scenario::AddSub(args) => add_sub::run(args, program),
        Scenario::Count(args) => count::run(args, program),
        Scenario::StartCost(args) => start_cost::run(args, program),
    }
}

/// In a worker process started by a subcommand: its task. (mp.py's own worker, the sum of
/// squares, is `main.rs`'s `worker`.)
pub fn worker(task: Task) {
    match task {
        Task::CountUp { n } => count::worker(count::count_up, n),
        Task::CountDown { n } => count::worker(count::count_down, n),
        Task::Add { unit_ms, epoch_us } => add_sub::worker(add_sub::add, unit_ms, epoch_us),
        Task::Sub { unit_ms, epoch_us } => add_sub::worker(add_sub::sub, unit_ms, epoch_us),
        Task::Nothing => start_cost::worker(),
        Task::SumOfSquares { .. } => unreachable!("main.rs runs mp.py's own worker"),
    }
}
