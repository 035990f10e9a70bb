//! asyncio's event loop, as tokio builds it (`asyncio.run` makes it in `as.py`): what `main.rs`
//! runs each mode on.

use common::cli;
use common::error::Failure;
use tokio::runtime::Runtime;

/// The event loop, tokio's current-thread runtime: one thread, as asyncio's; and the blocking
/// pool of `spawn_blocking`, as big as asyncio's default executor.
pub fn event_loop() -> Result<Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .max_blocking_threads(blocking_threads())
        .thread_stack_size(BLOCKING_STACK)
        .build()
        .map_err(|error| Failure::Setup(format!("could not start tokio: {error}")))
}

/// The threads of `asyncio.to_thread`'s default `ThreadPoolExecutor`: min(32, cores + 4).
pub fn blocking_threads() -> usize {
    32.min(cli::cores() as usize + 4)
}

/// The stack of each thread of the blocking pool: enough to sleep or run a query, not 2 MiB.
const BLOCKING_STACK: usize = 256 * 1024;
