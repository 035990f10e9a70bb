//! The lesson's compile error, checked on stable: `src/lib.rs`'s `compile_fail,E0499` doctest
//! checks its error code on nightly only (on stable any compile error passes), so this test
//! compiles the same lines with rustc and reads the code it gives.

use std::process::Command;

/// The lines of the `compile_fail,E0499` block of `src/lib.rs`, without their `//! `.
fn the_literal_translation() -> String {
    let lib = include_str!("../src/lib.rs");
    let mut lines = lib.lines().map(|line| line.strip_prefix("//!").unwrap_or(line));
    lines.by_ref().find(|line| line.trim() == "```compile_fail,E0499").expect("the block");
    let body: Vec<&str> = lines.take_while(|line| line.trim() != "```").collect();
    body.iter().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_literal_translation_of_share_py_is_refused_with_e0499() {
    let dir = std::env::temp_dir().join(format!("share-compile-fail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("literal.rs");
    std::fs::write(&source, format!("fn main() {{\n{}\n}}\n", the_literal_translation())).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc)
        .args(["--edition", "2021", "--error-format", "short", "--emit", "metadata", "--out-dir"])
        .arg(&dir)
        .arg(&source)
        .output()
        .expect("rustc runs where cargo test does");
    std::fs::remove_dir_all(&dir).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it compiled: {stderr}");
    let codes: Vec<&str> =
        stderr.lines().filter_map(|line| line.split("error[").nth(1)?.split(']').next()).collect();
    assert_eq!(codes, ["E0499"], "{stderr}");
}
