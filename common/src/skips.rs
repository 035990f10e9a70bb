//! A test that cannot run its checks here says so: it is never a silent pass.

/// Says that `test` skipped its checks, and why (no CPython, no ptrace, no second user): one
/// "SKIPPED test: why" line on stdout, and the same appended to the file `$SKIPPED_LOG` names,
/// for CI's summary to count (a skip is never a silent pass).
pub fn skip(test: &str, why: &str) {
    let line = format!("SKIPPED {test}: {why}");
    println!("{line}");
    if let Some(path) = std::env::var_os("SKIPPED_LOG") {
        use std::io::Write as _;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
        if let Ok(mut file) = file {
            let _ = writeln!(file, "{line}");
        }
    }
}
