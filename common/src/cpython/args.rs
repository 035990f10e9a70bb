//! What the `.py` is given: the run's sizes, its switch interval, and the modes that ran.

use serde_json::Value;

/// The `.py`'s arguments: the run's sizes (`n`, `workers` → `--n N --workers K`) and its switch
/// interval, so that both sides run the same work whatever the defaults.
pub(super) fn arguments(
    sizes: &[(&'static str, Value)],
    switch_interval: Option<f64>,
) -> Vec<String> {
    let mut args = Vec::new();
    for (key, value) in sizes {
        args.push(format!("--{}", key.replace('_', "-")));
        args.push(value.as_str().map_or_else(|| value.to_string(), str::to_string));
    }
    if let Some(ms) = switch_interval {
        args.extend(["--switch-interval".to_string(), ms.to_string()]);
    }
    args
}

/// The modes a `.py` can be asked for with `--modes`, for the programs whose `.py` takes it.
fn py_modes(program: &str) -> Option<&'static [&'static str]> {
    match program {
        "base" => Some(&["sequential", "threads"]),
        "mp" => Some(&["sequential", "processes", "interpreters"]),
        "as" => Some(&["sequential", "gather", "blocking", "spawn_blocking"]),
        _ => None,
    }
}

/// `--modes` for the `.py`: the modes the model ran that the `.py` has, when they are not all
/// of them; none of them is an error (`mp --modes rayon`: mp.py has no rayon).
pub fn modes_argument(program: &str, ran: &[&str]) -> Result<Vec<String>, String> {
    let Some(known) = py_modes(program) else {
        return Ok(Vec::new());
    };
    let chosen: Vec<&str> = known.iter().copied().filter(|mode| ran.contains(mode)).collect();
    match chosen.len() {
        0 => Err(format!(
            "--beside-cpython: the .py of '{program}' has none of the modes that ran ({}): \
             add one of {} to --modes",
            ran.join(","),
            known.join(",")
        )),
        n if n == known.len() => Ok(Vec::new()),
        _ => Ok(vec!["--modes".to_string(), chosen.join(",")]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_py_gets_the_runs_sizes_as_its_options() {
        let sizes = [("n", Value::from(5)), ("latency_ms", Value::from(0.2))];
        assert_eq!(
            arguments(&sizes, Some(2.0)),
            ["--n", "5", "--latency-ms", "0.2", "--switch-interval", "2"]
        );
    }

    #[test]
    fn the_py_runs_the_modes_the_model_ran() {
        assert_eq!(modes_argument("as", &["gather"]), Ok(vec!["--modes".into(), "gather".into()]));
        let all = ["sequential", "processes", "interpreters", "rayon"];
        assert_eq!(modes_argument("mp", &all), Ok(vec![]), "all of mp.py's: no --modes");
        assert!(modes_argument("mp", &["rayon"]).unwrap_err().contains("none of the modes"));
        assert_eq!(modes_argument("share", &["threads"]), Ok(vec![]));
    }
}
