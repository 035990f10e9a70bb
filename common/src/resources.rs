//! What the OS gives a program, read from Linux's `/proc`: its peak memory, its open-file limit.

/// Starts the kernel's count of this process's peak memory afresh (Linux `clear_refs`).
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory since the last reset, in KiB (`VmHWM`).
pub fn peak_memory_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The open-file limit (`ulimit -n`), if it can be read.
pub fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_has_some_memory_and_an_open_file_limit() {
        let big = vec![1u8; 64 << 20];
        std::hint::black_box(&big);
        assert!(peak_memory_kb() >= 64 << 10, "{} KiB", peak_memory_kb());
        assert!(open_file_limit().is_some_and(|limit| limit > 0));
    }
}
