//! Which CPython runs beside the model, and which `.py`: found before any work, as
//! `.ci/measure` finds them (pyenv's, the free-threaded build, or `python3`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Plan, clock};
use crate::cli::{CommonArgs, WitnessChoice};
use crate::error::Failure;
use crate::gil::PythonVersion;

/// The CPython `--beside-cpython` asks for: the one given, else the one matching `--python`
/// (pyenv's, or the free-threaded build of `../shared/tools/build-python3.13t.sh`), else
/// `python3` if its GIL follows the same rules. None found, no `.py` for `program` ("base
/// devices"), or a switch interval the `.py` refuses: [`Failure::Usage`], before any work.
pub fn plan(args: &CommonArgs, program: &str) -> Result<Option<Plan>, Failure> {
    let Some(given) = args.beside_cpython.as_deref() else {
        if args.witness.is_some() {
            return Err(Failure::Usage(
                "--witness says how --beside-cpython observes both runs: add it".into(),
            ));
        }
        return Ok(None);
    };
    let version = args.gil_config().version;
    script(program, version == PythonVersion::V2_7).map_err(Failure::Usage)?;
    if let Some(ms) = args.switch_interval.filter(|&ms| ms > 1000.0) {
        return Err(Failure::Usage(format!(
            "--switch-interval {ms} with --beside-cpython: the .py takes at most 1000 ms"
        )));
    }
    let interpreter = if given.is_empty() {
        default_interpreter(version).ok_or_else(|| {
            Failure::Usage(format!(
                "--beside-cpython: no CPython {} found ({}): install it, or name one with \
                 --beside-cpython=PATH",
                version.as_str(),
                match version {
                    PythonVersion::V3_13t =>
                        "$PYTHON313T, ~/.local/python3.13t/bin/python3.13t; \
                                              ../shared/tools/build-python3.13t.sh builds it",
                    _ => "under pyenv, ~/.pyenv/versions",
                }
            ))
        })?
    } else {
        on_path(given).ok_or_else(|| {
            Failure::Usage(format!("--beside-cpython={given}: no such executable"))
        })?
    };
    let clock = match args.witness {
        Some(WitnessChoice::Clock) if !clock::watches(program) => {
            return Err(Failure::Usage(format!(
                "--witness clock: the .py of '{program}' reads no clock (cpu_example's does); \
                 use --witness sampler"
            )));
        }
        Some(choice) => choice == WitnessChoice::Clock,
        None => clock::watches(program),
    };
    Ok(Some(Plan {
        interpreter,
        free_threaded: !version.has_gil(),
        python2: version == PythonVersion::V2_7,
        clock,
    }))
}

fn default_interpreter(version: PythonVersion) -> Option<PathBuf> {
    if version == PythonVersion::V3_13t {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        return [
            std::env::var_os("PYTHON313T").map(PathBuf::from),
            Some(home.join(".local/python3.13t/bin/python3.13t")),
        ]
        .into_iter()
        .flatten()
        .find(|p| p.is_file());
    }
    pyenv(version.as_str()).or_else(|| on_path("python3").filter(|p| same_rules(version, p)))
}

/// Whether `python3` at `path` hands the GIL over where `version` does, so that it may stand in
/// for it: 3.10 and later (a check only at backward jumps and calls) for the 3.12 model, 3.2 to
/// 3.9 for the 3.9 model; never for 2.7's old GIL or 3.13t's none.
fn same_rules(version: PythonVersion, path: &Path) -> bool {
    let found = version_of(path);
    let minor =
        found.strip_prefix("3.").and_then(|rest| rest.split('.').next()?.parse::<u32>().ok());
    match (version, minor) {
        (PythonVersion::V3_12, Some(minor)) => (10..=13).contains(&minor),
        (PythonVersion::V3_9, Some(minor)) => (2..=9).contains(&minor),
        _ => false,
    }
}

/// The newest pyenv CPython `version.*` (`~/.pyenv/versions/3.12.1/bin/python`).
pub(super) fn pyenv(version: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pyenv")))?;
    let prefix = format!("{version}.");
    let mut found: Vec<(u64, PathBuf)> = std::fs::read_dir(root.join("versions"))
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let patch = name.strip_prefix(&prefix)?.parse::<u64>().ok()?;
            let python = entry.path().join("bin/python");
            python.is_file().then_some((patch, python))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, path)| path)
}

/// `name` as the shell would find it: a path, or an executable on `$PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return executable(Path::new(name)).then(|| PathBuf::from(name));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| executable(p))
}

/// A regular file someone may execute (`/etc/passwd` is not).
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The `.py` of `program` ("cpu_example", "base convoy"): `NAME/NAME.py`, or for a subcommand
/// `NAME/SUB.py` (`-` written `_`); under CPython 2 its Python 2 twin `NAME/NAME_py2.py` where the `.py` is
/// Python 3 only.
pub(super) fn script(program: &str, python2: bool) -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."));
    let (krate, file) = program.split_once(' ').unwrap_or((program, program));
    let file = file.replace('-', "_"); // mp add-sub: mp/add_sub.py
    let dir = root.join(krate);
    let twin = dir.join(format!("{file}_py2.py"));
    let path = if python2 && twin.is_file() { twin } else { dir.join(format!("{file}.py")) };
    if !path.is_file() {
        return Err(format!(
            "--beside-cpython: '{program}' has no .py twin to run ({} does not exist)",
            path.display()
        ));
    }
    if python2 && !path.ends_with("convoy.py") && !path.to_string_lossy().ends_with("_py2.py") {
        return Err(format!(
            "--beside-cpython: {} is Python 3 and has no Python 2 twin: choose --python 3.9 or later",
            path.display()
        ));
    }
    Ok(path)
}

/// `python --version`'s version ("3.13.5"), or the interpreter's file name.
pub(super) fn version_of(interpreter: &Path) -> String {
    Command::new(interpreter)
        .arg("-c")
        .arg("import sys; print(sys.version.split()[0])")
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        // A version is a short line: whatever else an impostor prints is not shown.
        .map(|text| text.lines().next().unwrap_or("").trim().chars().take(40).collect::<String>())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| interpreter.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_program_finds_its_py_and_python_2_its_twin() {
        assert!(script("cpu_example", false).unwrap().ends_with("cpu_example/cpu_example.py"));
        assert!(script("cpu_example", true).unwrap().ends_with("cpu_example/cpu_example_py2.py"));
        assert!(script("base convoy", true).unwrap().ends_with("base/convoy.py"));
        assert!(script("mp add-sub", false).unwrap().ends_with("mp/add_sub.py"));
        assert!(script("base devices", false).unwrap_err().contains("no .py twin"));
        assert!(script("share2", true).unwrap_err().contains("no Python 2 twin"));
    }
}
