//! Plots of measured sweeps, as SVG drawn by plotters: a curve per series, each point the median
//! of several runs with a bar from the lowest to the highest, so that a learner sees at a glance
//! where the model and CPython agree, and how far each run strays.
//!
//! `.ci/measure --sweep` measures, and hands each chart to the `plot` binary as JSON
//! ([`Chart::from_json`]); the binary draws it ([`Chart::write_svg`]). A series can ask for an
//! Amdahl fit ([`amdahl_serial_fraction`]): the serial fraction that best explains its speedups.
//! Feature `plot`, so that the programs themselves never carry plotters.
//!
//! Here: the chart and its series, their reading from JSON, and the Amdahl fit; the drawing as
//! SVG is in `svg.rs`.

use serde_json::Value;

mod svg;

/// One chart: its titles and its series.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Both axes logarithmic (the switch interval from 1 to 50 ms, and times proportional to it).
    pub log: bool,
    pub series: Vec<Series>,
}

/// How a series is drawn: the model solid, CPython dashed, guides (the ideal, a fit) dotted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    Solid,
    Dashed,
    Dotted,
}

/// A named curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// Index into the palette: the model and CPython of one version share a colour.
    pub color: usize,
    pub line: Line,
    pub points: Vec<Point>,
    /// Draw the Amdahl fit of this series' speedups on that many cores, named with its serial
    /// fraction.
    pub amdahl_cores: Option<f64>,
}

/// A measured point: the median of several runs, and their range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

/// Amdahl's law on `cores` cores: the speedup of `workers` workers when a fraction `serial` of
/// the work cannot run in parallel. Beyond the cores, more workers only share them.
pub fn amdahl_speedup(serial: f64, workers: f64, cores: f64) -> f64 {
    let parallel = workers.min(cores);
    1.0 / (serial + (1.0 - serial) / parallel)
}

/// The serial fraction `s` that best explains the speedups `(workers, speedup)` on `cores`
/// cores, by least squares on `1/speedup = s + (1 - s)/p` (p = min(workers, cores)), which is
/// linear in `s`. Clamped to 0..=1. `None` when no point has p > 1: one worker says nothing of
/// the serial fraction. A speedup that is not a positive number (0: nothing finished) says
/// nothing either, and is left out.
pub fn amdahl_serial_fraction(points: &[(f64, f64)], cores: f64) -> Option<f64> {
    let (mut ab, mut bb) = (0.0, 0.0);
    for &(workers, speedup) in points.iter().filter(|(_, s)| s.is_finite() && *s > 0.0) {
        let parallel = workers.min(cores);
        let (a, b) = (1.0 / speedup - 1.0 / parallel, 1.0 - 1.0 / parallel);
        ab += a * b;
        bb += b * b;
    }
    (bb > 0.0).then(|| (ab / bb).clamp(0.0, 1.0))
}

impl Chart {
    /// Reads a chart from its JSON: `{"title", "x_label", "y_label", "log": bool, "series":
    /// [{"name", "color": 0, "line": "solid" | "dashed" | "dotted", "points": [[x, median, low,
    /// high], ...], "amdahl_cores": 2}]}` (`log`, `color`, `line`, `amdahl_cores` optional).
    pub fn from_json(json: &Value) -> Result<Chart, String> {
        let text = |value: &Value, key: &str| {
            value[key].as_str().map(str::to_string).ok_or(format!("\"{key}\" is not a string"))
        };
        let series = json["series"].as_array().ok_or("\"series\" is not a list")?;
        let series = series
            .iter()
            .enumerate()
            .map(|(index, s)| {
                let line = match s["line"].as_str().unwrap_or("solid") {
                    "solid" => Line::Solid,
                    "dashed" => Line::Dashed,
                    "dotted" => Line::Dotted,
                    other => return Err(format!("unknown line \"{other}\"")),
                };
                let points = s["points"].as_array().ok_or("\"points\" is not a list")?;
                let points = points.iter().map(point).collect::<Result<_, _>>()?;
                Ok(Series {
                    name: text(s, "name")?,
                    color: s["color"].as_u64().map_or(index, |c| c as usize),
                    line,
                    points,
                    amdahl_cores: s["amdahl_cores"].as_f64(),
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Chart {
            title: text(json, "title")?,
            x_label: text(json, "x_label")?,
            y_label: text(json, "y_label")?,
            log: json["log"].as_bool().unwrap_or(false),
            series,
        })
    }
}

fn point(value: &Value) -> Result<Point, String> {
    let numbers: Vec<f64> =
        value.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    match numbers[..] {
        [x, median, low, high] if low <= median && median <= high => {
            Ok(Point { x, median, low, high })
        }
        _ => Err(format!("a point is [x, median, low, high] with low <= median <= high: {value}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_fit_gives_back_the_serial_fraction_that_made_the_speedups() {
        for serial in [0.0, 0.05, 0.3, 1.0] {
            let points: Vec<_> = (1..=8)
                .map(|w| (f64::from(w), amdahl_speedup(serial, f64::from(w), 4.0)))
                .collect();
            let fitted = amdahl_serial_fraction(&points, 4.0).unwrap();
            assert!((fitted - serial).abs() < 1e-12, "{fitted} for {serial}");
        }
        assert_eq!(amdahl_speedup(0.0, 8.0, 2.0), 2.0, "beyond the cores, no more speedup");
        assert_eq!(amdahl_serial_fraction(&[(1.0, 1.0)], 2.0), None, "one worker tells nothing");
        assert_eq!(amdahl_serial_fraction(&[(2.0, 3.0)], 2.0), Some(0.0), "superlinear: clamped");
        assert_eq!(amdahl_serial_fraction(&[(2.0, 0.0)], 2.0), None, "a speedup of 0: no fit");
    }

    #[test]
    fn a_chart_is_read_from_json_and_drawn_with_every_series_named() {
        let json = json!({
            "title": "threads / sequential", "x_label": "threads", "y_label": "ratio",
            "series": [
                {"name": "model 3.12", "color": 0, "points": [[1, 1.0, 1.0, 1.0], [2, 1.1, 1.0, 1.3]]},
                {"name": "CPython 3.12", "color": 0, "line": "dashed", "points": [[1, 1.0, 0.9, 1.1]]},
                {"name": "rayon", "line": "dotted", "amdahl_cores": 2, "points": [[1, 1, 1, 1], [2, 1.6, 1.6, 1.6]]}
            ]
        });
        let chart = Chart::from_json(&json).unwrap();
        assert_eq!(chart.series[1].line, Line::Dashed);
        assert_eq!(chart.series[2].color, 2, "the colour defaults to the series' place");
        let path = std::env::temp_dir().join(format!("plot-test-{}.svg", std::process::id()));
        let fits = chart.write_svg(&path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        for name in ["threads / sequential", "model 3.12", "CPython 3.12", "rayon"] {
            assert!(svg.contains(name), "{name} missing from the SVG");
        }
        // 1/1.6 = s + (1 - s)/2, so s = 0.25:
        assert_eq!(fits.len(), 1);
        assert!((fits[0].1 - 0.25).abs() < 1e-12, "{fits:?}");
        assert!(svg.contains("rayon; Amdahl: serial 0.25"));
    }

    #[test]
    fn a_bad_chart_is_a_message_naming_what_is_wrong() {
        let bad = |json: Value| Chart::from_json(&json).unwrap_err();
        assert!(bad(json!({"title": "t"})).contains("\"series\""));
        let no_label = json!({"title": "t", "x_label": "x", "series": []});
        assert!(bad(no_label).contains("\"y_label\""));
        let upside_down = json!({"title": "t", "x_label": "x", "y_label": "y",
                                 "series": [{"name": "a", "points": [[1, 2, 3, 1]]}]});
        assert!(bad(upside_down).contains("low <= median <= high"));
        let empty = Chart::from_json(&json!({"title": "t", "x_label": "x", "y_label": "y",
                                              "series": []}))
        .unwrap();
        assert!(
            empty
                .write_svg(std::path::Path::new("/nonexistent/x.svg"))
                .unwrap_err()
                .contains("nothing to plot")
        );
    }
}
