//! The reader's pages cannot drift from the code they show: every Rust or Python block in the
//! guide (`README.md`), the lesson pages (`NAME/README.md`) and the engine's document
//! (`common/README.md`) is an excerpt of a real file, named on the line before it:
//!
//! ````text
//! <!-- excerpt: src/main.rs -->
//! ```rust
//! fn task(delay: Duration, py: Python<'_>) {
//! ```
//! ````
//!
//! The block's lines must appear in that file, in order and one after the other; a line that is
//! only `// …` or `# …` stands for lines left out, and each piece between two of them must
//! appear, in order. A doctest may be quoted without its `//! ` prefix. A block that quotes no
//! file says so on the line before it: `<!-- sketch: why -->`. Every relative link of a page must name a file or folder that exists.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace's root: `common`'s parent.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("common is in the workspace").into()
}

/// Every reader's page: the guide, and each crate's README.md, in English and in French
/// (README.fr.md).
fn pages() -> Vec<PathBuf> {
    let root = root();
    let mut pages = vec![root.join("README.md"), root.join("README.fr.md")];
    for entry in fs::read_dir(&root).expect("the workspace can be read") {
        let folder = entry.expect("a folder entry").path();
        for page in [folder.join("README.md"), folder.join("README.fr.md")] {
            if page.is_file() {
                pages.push(page);
            }
        }
    }
    pages.sort();
    pages
}

/// A fenced block of a page: its language, the excerpt marker before it (if any), its lines.
struct Block {
    line: usize,
    language: String,
    source: Option<String>,
    /// Marked `<!-- sketch: why -->`: code that shows std's calls, quoting no file.
    sketch: bool,
    lines: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    let mut previous = "";
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(block) = open.as_mut() {
            if trimmed.starts_with("```") && trimmed.trim() == "```" {
                blocks.push(open.take().expect("a block is open"));
            } else {
                block.lines.push(line.trim_end().to_string());
            }
        } else if let Some(language) = trimmed.strip_prefix("```") {
            let source = previous
                .trim()
                .strip_prefix("<!-- excerpt:")
                .and_then(|rest| rest.strip_suffix("-->"))
                .map(|path| path.trim().to_string());
            open = Some(Block {
                line: number + 1,
                language: language.trim().to_string(),
                source,
                sketch: previous.trim().starts_with("<!-- sketch:"),
                lines: Vec::new(),
            });
        }
        previous = line;
    }
    assert!(open.is_none(), "a code block is never closed");
    blocks
}

/// Whether `pieces` (runs of lines) appear in `file`, in order, each run contiguous.
fn appears_in(pieces: &[Vec<String>], file: &str) -> Result<(), String> {
    let lines: Vec<&str> = file.lines().map(str::trim_end).collect();
    let mut from = 0;
    for piece in pieces.iter().filter(|p| !p.is_empty()) {
        let found = (from..lines.len().saturating_sub(piece.len() - 1))
            .find(|&at| piece.iter().enumerate().all(|(k, l)| lines[at + k] == l));
        match found {
            Some(at) => from = at + piece.len(),
            None => return Err(format!("not found in order: {:?}", piece[0])),
        }
    }
    Ok(())
}

fn is_elision(line: &str) -> bool {
    matches!(line.trim(), "// …" | "# …")
}

#[test]
fn every_excerpt_is_in_the_file_it_quotes() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("a page can be read");
        let dir = page.parent().expect("a page is in a folder");
        for block in blocks(&text) {
            let at = format!("{}:{}", page.display(), block.line);
            if !matches!(block.language.as_str(), "rust" | "python") {
                continue;
            }
            let Some(source) = &block.source else {
                if !block.sketch {
                    problems.push(format!("{at}: a {} block names no file", block.language));
                }
                continue;
            };
            let Ok(file) = fs::read_to_string(dir.join(source)) else {
                problems.push(format!("{at}: {source} cannot be read"));
                continue;
            };
            let pieces: Vec<Vec<String>> =
                block.lines.split(|line| is_elision(line)).map(<[String]>::to_vec).collect();
            // A doctest is quoted as the code it is, without its `//! ` prefix.
            let doc: String = file
                .lines()
                .map(|line| line.trim_start().strip_prefix("//!").unwrap_or(line))
                .map(|line| line.strip_prefix(' ').unwrap_or(line))
                .flat_map(|line| [line, "\n"])
                .collect();
            if let Err(why) = appears_in(&pieces, &file).or_else(|_| appears_in(&pieces, &doc)) {
                problems.push(format!("{at}: {source}: {why}"));
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 12, "only {checked} excerpts: the lesson pages are missing");
}

#[test]
fn every_relative_link_names_a_file_that_exists() {
    let mut problems = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("a page can be read");
        let dir = page.parent().expect("a page is in a folder");
        for target in text.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
            let path = target.split('#').next().unwrap_or("");
            if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                continue;
            }
            if !dir.join(path).exists() {
                problems.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(problems.is_empty(), "links to nothing:\n{}", problems.join("\n"));
}

#[test]
fn the_checker_finds_pieces_in_order_and_refuses_the_rest() {
    let file = "a\nb\nc\nd\n";
    let piece = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(appears_in(&[piece(&["b", "c"])], file).is_ok());
    assert!(appears_in(&[piece(&["a"]), piece(&["d"])], file).is_ok());
    assert!(appears_in(&[piece(&["a", "c"])], file).is_err(), "not contiguous");
    assert!(appears_in(&[piece(&["d"]), piece(&["a"])], file).is_err(), "not in order");
    let page = "<!-- excerpt: x.rs -->\n```rust\nfn f() {}\n```\n```text\nout\n```\n";
    let found = blocks(page);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].source.as_deref(), Some("x.rs"));
    assert_eq!(found[0].lines, ["fn f() {}"]);
    assert_eq!(found[1].source, None);
}
