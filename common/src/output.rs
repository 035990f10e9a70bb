//! Every line a program prints goes through here, so that a write that fails is handled once.
//!
//! * A closed pipe (`… | head -1`) ends the program quietly, with the status a shell reports
//!   for `cat` in the same place: 141 (128 + SIGPIPE).
//! * Any other failure (`> /dev/full`, a stdout that was closed with `>&-`) is one line on
//!   stderr and exit code 1: a result that could not be written is not a success.
//! * Writing to stderr never fails the program, and never panics: there is nowhere left to say so.
//!
//! Why not `println!`: it panics when the write fails, and Rust's standard output silently
//! drops everything written to a closed file descriptor. Here stdout is a duplicate of file
//! descriptor 1, written to directly: a closed descriptor cannot be duplicated, so it is an
//! error like any other, named.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The exit status after a broken pipe: what a shell reports for a program killed by SIGPIPE.
pub const BROKEN_PIPE_STATUS: i32 = 128 + 13;

static STDOUT: OnceLock<Result<Mutex<File>, String>> = OnceLock::new();

fn stdout() -> &'static Result<Mutex<File>, String> {
    STDOUT.get_or_init(|| {
        io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map(|fd| Mutex::new(File::from(fd)))
            .map_err(|error| error.to_string())
    })
}

/// Writes `text` to stdout at once, or ends the process as the module says: for a worker
/// process answering its parent on its stdout (and a fault injected on purpose), which has no
/// caller to return a failure to. A program's report is written by [`try_print`] instead, and
/// a failed write goes up to `main` as [`crate::error::Failure::Output`].
pub fn print(text: &str) {
    if let Err(error) = try_print(text) {
        fail(&error);
    }
}

/// Writes `text` to stdout at once; the error is what went wrong, for [`fail`].
pub fn try_print(text: &str) -> io::Result<()> {
    match stdout() {
        Ok(file) => {
            let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
            file.write_all(text.as_bytes())
        }
        Err(why) => Err(io::Error::other(format!("stdout is not open ({why})"))),
    }
}

/// How the program ends after a failed write to stdout, returned to `main`: quietly with 141
/// for a broken pipe, with one line and exit code 1 otherwise.
pub fn failed(error: &io::Error) -> std::process::ExitCode {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return std::process::ExitCode::from(BROKEN_PIPE_STATUS as u8);
    }
    error_line(&format!("could not write the output: {error}"));
    std::process::ExitCode::FAILURE
}

/// Ends the program at once after a failed write to stdout, as [`failed`] says: for the writes
/// that have no caller to return to (a worker process answering its parent, a fault injected
/// on purpose).
pub fn fail(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE_STATUS);
    }
    error_line(&format!("could not write the output: {error}"));
    std::process::exit(1)
}

/// Writes `error: {message}` as one line on stderr; a failure to do so is ignored.
pub fn error_line(message: &str) {
    let line = format!("{}{}\n", crate::tr!("error-prefix"), one_line(message));
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// The message on one line: line breaks and other control characters are shown escaped, so a
/// value given on the command line can never break the one-line promise.
pub fn one_line(message: &str) -> String {
    let mut line = String::with_capacity(message.len());
    for c in message.chars() {
        if c.is_control() {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line
}

/// `print!` that goes through [`print()`]: a worker process's answer to its parent.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::print(&format!($($arg)*)) };
}

/// `println!` that goes through [`print()`]: a worker process's answer to its parent.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::print("\n") };
    ($($arg:tt)*) => { $crate::output::print(&format!("{}\n", format_args!($($arg)*))) };
}

/// The file `path` names: itself, or, for a symbolic link, the file the link names (written
/// through, the link kept).
pub(crate) fn target_of(path: &Path) -> std::io::Result<PathBuf> {
    Ok(match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let link = std::fs::read_link(path)?;
            path.parent().map_or(link.clone(), |dir| dir.join(&link))
        }
        _ => path.to_path_buf(),
    })
}

/// Writes `text` to the file `path` names, whole or not at all: into a new file beside it, then
/// renamed over it, so that a full disk leaves the old file (or none), never a truncated one.
pub(crate) fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let target = target_of(path)?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let beside = target.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let written = std::fs::write(&beside, text).and_then(|()| std::fs::rename(&beside, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&beside);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(one_line("5\n6"), "5\\n6");
        assert_eq!(one_line("a\tb\r"), "a\\tb\\r");
        assert_eq!(one_line("plain, é"), "plain, é");
    }

    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("write_whole_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.json");
        std::fs::write(&path, "old").unwrap();
        write_whole(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let nowhere = dir.join("missing").join("t.json");
        assert!(write_whole(&nowhere, "x").is_err());
        let left: Vec<_> =
            std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, ["t.json"], "nothing left beside it");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
