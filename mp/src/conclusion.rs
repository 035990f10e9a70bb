//! What the numbers of an `mp` run show (new: mp.py prints one fixed line), kept beside
//! `main.rs` so that it reads like mp.py.

use common::cli;
use common::gil;
use common::report::Report;

/// One sentence a mode on what the numbers of this run show.
pub fn conclusion(report: &Report, workers: u64) -> String {
    if report.runs.first().is_none_or(|r| r.mode != "sequential") {
        return "Every mode gave the exact total (add sequential to --modes to compare times)."
            .to_string();
    }
    let ran = |mode: &str| report.runs.iter().any(|r| r.mode == mode);
    let speedup = |mode: &str| ran(mode).then(|| report.speedup(mode, "sequential"));
    let own_gil = if gil::under_gil() { " and its own GIL" } else { "" };
    let mut sentences = Vec::new();
    match speedup("processes") {
        Some(x) if x < 1.0 => sentences.push(format!(
            "{workers} processes were slower than sequential ({x:.2}x): at this --n, starting \
             them cost more than the work they shared."
        )),
        Some(x) => sentences.push(format!(
            "{workers} processes were {x:.2}x as fast as sequential: each has its own \
             memory{own_gil}, so they ran on the {} cores at once, paying for their start.",
            cli::cores()
        )),
        None => {}
    }
    if let Some(x) = speedup("interpreters") {
        sentences.push(if gil::under_gil() {
            format!(
                "{workers} interpreters, one GIL each, were {x:.2}x as fast, in one process and \
                 with no process to start."
            )
        } else {
            format!("{workers} interpreters were {x:.2}x as fast: with no GIL, plain threads.")
        });
    }
    if let Some(x) = speedup("rayon") {
        sentences.push(format!(
            "rayon ({x:.2}x) needs no processes: Rust threads have no GIL to escape."
        ));
    }
    if sentences.is_empty() {
        sentences.push("Only sequential ran: nothing to compare it with.".to_string());
    }
    sentences.join(" ")
}
