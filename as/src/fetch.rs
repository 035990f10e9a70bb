//! `as fetch`: freeCodeCamp's asynchronous example 2 (see `fetch.py`): two independent fetches
//! from one company database, the employees and the active projects, one after the other
//! (≈ the sum of the two latencies), then at the same time (≈ the larger one).
//!
//! The database is a real SQLite file, created on the fly and removed at the end. SQLite's API
//! blocks, so each query runs on tokio's blocking pool (`spawn_blocking`, asyncio's `to_thread`):
//! the async task awaits it without blocking the runtime's one thread.

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::cli::limits;
use common::error::Failure;
use common::program::Program;
use common::report::{Report, Run};
use rusqlite::Connection;
use tokio::runtime::Runtime;

/// Options of `as fetch`.
#[derive(clap::Args)]
pub struct Args {
    /// Each query's simulated latency, in milliseconds (1 to 60000); the tutorial says 2 s
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_DELAY_MS))]
    pub latency_ms: u64,
}

fn create_database(path: &Path) -> rusqlite::Result<()> {
    let db = Connection::open(path)?;
    db.execute_batch(
        "CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);",
    )?;
    for i in 1..=50 {
        db.execute("INSERT INTO employees (name) VALUES (?1)", [format!("employee-{i}")])?;
    }
    for i in 1..=12 {
        db.execute(
            "INSERT INTO projects (name, active) VALUES (?1, ?2)",
            (format!("project-{i}"), i % 3 != 0),
        )?;
    }
    Ok(())
}

fn get_employees(path: &Path, latency: Duration) -> rusqlite::Result<Vec<String>> {
    let db = Connection::open(path)?; // connect to the database
    std::thread::sleep(latency); // the query's latency
    let mut query = db.prepare("SELECT name FROM employees ORDER BY id")?;
    query.query_map([], |row| row.get(0))?.collect()
}

fn get_active_projects(path: &Path, latency: Duration) -> rusqlite::Result<Vec<String>> {
    let db = Connection::open(path)?;
    std::thread::sleep(latency);
    let mut query = db.prepare("SELECT name FROM projects WHERE active ORDER BY id")?;
    query.query_map([], |row| row.get(0))?.collect()
}

type Fetched = Result<(Vec<String>, Vec<String>), String>;

/// Runs a blocking fetch on tokio's blocking pool and awaits it.
async fn in_thread(
    fetch: fn(&Path, Duration) -> rusqlite::Result<Vec<String>>,
    path: &Path,
    latency: Duration,
) -> Result<Vec<String>, String> {
    let path = path.to_path_buf();
    match tokio::task::spawn_blocking(move || fetch(&path, latency)).await {
        Ok(rows) => rows.map_err(|e| e.to_string()),
        Err(join) => Err(join.to_string()),
    }
}

async fn sequential(path: &Path, latency: Duration) -> Fetched {
    let employees = in_thread(get_employees, path, latency).await?;
    let projects = in_thread(get_active_projects, path, latency).await?;
    Ok((employees, projects))
}

async fn concurrently(path: &Path, latency: Duration) -> Fetched {
    let (employees, projects) = tokio::join!(
        in_thread(get_employees, path, latency),
        in_thread(get_active_projects, path, latency),
    );
    Ok((employees?, projects?))
}

/// Removes the database file however the run ends, Ctrl-C included.
struct TemporaryFile(PathBuf);

impl TemporaryFile {
    fn new(path: PathBuf) -> Self {
        common::interrupt::remove_on_interrupt(&path);
        Self(path)
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        common::interrupt::keep_on_interrupt(&self.0);
    }
}

/// `as fetch`: both modes, and a check that they fetched the same rows.
pub fn run(args: &Args, program: &Program, event_loop: &Runtime) -> Result<Report, Failure> {
    let latency = Duration::from_millis(args.latency_ms);
    let path = std::env::temp_dir().join(format!("as-fetch-{}.sqlite", std::process::id()));
    let file = TemporaryFile::new(path);
    let _ = std::fs::remove_file(&file.0);
    create_database(&file.0)
        .map_err(|e| Failure::Setup(format!("could not create the database: {e}")))?;

    program.steps(2);
    let (one_by_one, sequential_time) =
        program.mode("sequential", || event_loop.block_on(sequential(&file.0, latency)));
    let (together, concurrent_time) =
        program.mode("concurrent", || event_loop.block_on(concurrently(&file.0, latency)));
    let (employees, projects) = one_by_one.map_err(Failure::Io)?;
    if together.map_err(Failure::Io)? != (employees.clone(), projects.clone()) {
        return Err(Failure::WrongResult("the two modes fetched different rows".to_string()));
    }
    let mut report =
        Report::new("as fetch").speedup_over("sequential").size("latency_ms", args.latency_ms);
    for (mode, time) in [("sequential", sequential_time), ("concurrent", concurrent_time)] {
        report.push(
            Run::new(mode, time)
                .with("employees", employees.len())
                .with("projects", projects.len())
                .with("latencies", time.as_secs_f64() / latency.as_secs_f64()),
        );
    }
    report.conclude(format!(
        "Both modes fetched the same {} employees and {} active projects, in {}. One after the \
         other the two queries' latencies add up; awaited together, the run takes about one.",
        employees.len(),
        projects.len(),
        report.quote("latencies", "latencies")
    ));
    Ok(report)
}
