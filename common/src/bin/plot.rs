//! `plot CHART.json OUT.svg`: draws one chart of `.ci/measure --sweep` as SVG (`common::plot`),
//! and prints the serial fraction of every Amdahl fit it drew, one `series<TAB>fraction` a line.
//! Built with feature `plot`: `cargo run -p common --features plot --bin plot -- IN OUT`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::plot::Chart;

/// Draws a chart of measured sweeps (JSON, as `.ci/measure --sweep` writes it) as SVG.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The chart: {"title", "x_label", "y_label", "log", "series": [{"name", "points", ...}]}
    chart: PathBuf,
    /// Where to write the SVG
    svg: PathBuf,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            let _ = error.print(); // --help, --version
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // Bad input: one line, exit 2, as in every program of the workspace.
            let text = error.to_string();
            let first = text.lines().next().unwrap_or("bad arguments");
            eprintln!("error: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let drawn = std::fs::read_to_string(&cli.chart)
        .map_err(|e| format!("cannot read {}: {e}", cli.chart.display()))
        .and_then(|text| {
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", cli.chart.display()))
        })
        .and_then(|json| Chart::from_json(&json))
        .and_then(|chart| chart.write_svg(&cli.svg));
    match drawn {
        Ok(fits) => {
            let mut out = std::io::stdout().lock();
            let written = fits
                .iter()
                .try_for_each(|(series, serial)| writeln!(out, "{series}\t{serial:.4}"))
                .and_then(|()| out.flush());
            match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write the fits to stdout: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
