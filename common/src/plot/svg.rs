//! The drawing of a chart as SVG by plotters: the curves, their error bars and Amdahl fits, and
//! the legend below the plot.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::{Chart, Line, amdahl_serial_fraction, amdahl_speedup};

impl Line {
    /// Its dashes and the gaps between them, in pixels; `None` for a solid line.
    fn dashes(self) -> Option<(u32, u32)> {
        match self {
            Line::Solid => None,
            Line::Dashed => Some((8, 5)),
            Line::Dotted => Some((2, 4)),
        }
    }
}

impl Chart {
    /// Draws the chart into an SVG file, its legend below the plot in two columns; the Amdahl
    /// fits it drew, as `(series, serial fraction)`.
    pub fn write_svg(&self, path: &std::path::Path) -> Result<Vec<(String, f64)>, String> {
        let points = || self.series.iter().flat_map(|s| &s.points);
        if points().next().is_none() {
            return Err("nothing to plot: every series is empty".into());
        }
        let legend_rows = self.series.len().div_ceil(2) as u32;
        let (width, plot_height) = (900, 480);
        let failed = |e: &dyn std::fmt::Display| format!("cannot draw {}: {e}", path.display());
        // Drawn into memory, then written whole: plotters' own file backend writes when it is
        // dropped and says nothing of a failed write (`/dev/full`).
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(failed(&"not a regular file"));
        }
        let mut svg = String::new();
        let fits = self.draw_into(&mut svg, width, plot_height, legend_rows, failed)?;
        crate::output::write_whole(path, &svg).map_err(|e| failed(&e))?;
        Ok(fits)
    }

    /// The chart as SVG text, into `svg`; the Amdahl fits drawn.
    fn draw_into(
        &self,
        svg: &mut String,
        width: u32,
        plot_height: u32,
        legend_rows: u32,
        failed: impl Fn(&dyn std::fmt::Display) -> String,
    ) -> Result<Vec<(String, f64)>, String> {
        let points = || self.series.iter().flat_map(|s| &s.points);
        let (x_min, x_max) = bounds(points().map(|p| p.x));
        let (y_min, y_max) = bounds(points().flat_map(|p| [p.low, p.high]));
        let root =
            SVGBackend::with_string(svg, (width, plot_height + 16 + LEGEND_ROW * legend_rows))
                .into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let (plot, legend) = root.split_vertically(plot_height);
        let fits = if self.log {
            let x = (x_min * 0.9..x_max * 1.1).log_scale();
            let y = (y_min.max(1e-9) * 0.8..y_max * 1.25).log_scale();
            self.draw(&plot, x, y)
        } else {
            let pad = (x_max - x_min) * 0.05;
            self.draw(&plot, x_min - pad..x_max + pad, y_min.min(0.0)..y_max * 1.1)
        };
        let fits = fits.map_err(|e| failed(&e))?;
        self.draw_legend(&legend, &fits, width).map_err(|e| failed(&e))?;
        root.present().map_err(|e| failed(&e))?;
        Ok(fits)
    }

    fn draw<X, Y>(
        &self,
        area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        x: X,
        y: Y,
    ) -> Result<Vec<(String, f64)>, DrawingAreaErrorKind<std::io::Error>>
    where
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(x, y)?;
        // Whole numbers along x (threads, workers, milliseconds) are labelled as they are.
        let xs: Vec<f64> = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.x)).collect();
        let whole = xs.iter().all(|x| x.fract() == 0.0);
        let distinct = xs.iter().map(|x| x.to_bits()).collect::<std::collections::BTreeSet<_>>();
        chart
            .configure_mesh()
            .x_labels(if whole { distinct.len().max(2) } else { 10 })
            .x_label_formatter(&|x| format!("{x}"))
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let mut fits = Vec::new();
        for series in &self.series {
            let color = PALETTE[series.color % PALETTE.len()];
            let style = color.stroke_width(2);
            let line: Vec<(f64, f64)> = series.points.iter().map(|p| (p.x, p.median)).collect();
            match series.line.dashes() {
                None => chart.draw_series(LineSeries::new(line, style))?,
                Some((dash, gap)) => {
                    chart.draw_series(DashedLineSeries::new(line, dash, gap, style))?
                }
            };
            let bars = series.points.iter().filter(|p| p.high > p.low);
            chart.draw_series(
                bars.map(|p| ErrorBar::new_vertical(p.x, p.low, p.median, p.high, color, 8)),
            )?;
            let marks = series.points.iter().map(|p| Circle::new((p.x, p.median), 3, color));
            chart.draw_series(marks.map(|c| c.into_dyn()))?;
            if let Some(cores) = series.amdahl_cores {
                let speedups: Vec<_> = series.points.iter().map(|p| (p.x, p.median)).collect();
                if let Some(serial) = amdahl_serial_fraction(&speedups, cores) {
                    let xs = series.points.iter().map(|p| p.x);
                    let curve: Vec<_> = xs.map(|w| (w, amdahl_speedup(serial, w, cores))).collect();
                    chart.draw_series(DashedLineSeries::new(curve, 2, 3, color.stroke_width(1)))?;
                    fits.push((series.name.clone(), serial));
                }
            }
        }
        Ok(fits)
    }

    /// One entry a series, in two columns: a sample of its line and its name, with the serial
    /// fraction of its Amdahl fit (the thin dotted curve of its colour) when it has one.
    fn draw_legend(
        &self,
        area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        fits: &[(String, f64)],
        width: u32,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let rows = self.series.len().div_ceil(2);
        let column_width = width as i32 / 2;
        for (index, series) in self.series.iter().enumerate() {
            let x = 60 + column_width * (index / rows) as i32;
            let y = (LEGEND_ROW as i32) * (index % rows) as i32 + LEGEND_ROW as i32 / 2;
            let style = PALETTE[series.color % PALETTE.len()].stroke_width(2);
            const SAMPLE: i32 = 24;
            let (dash, gap) =
                series.line.dashes().map_or((SAMPLE, 0), |(d, g)| (d as i32, g as i32));
            for start in (0..SAMPLE).step_by((dash + gap) as usize) {
                let end = (start + dash).min(SAMPLE);
                area.draw(&PathElement::new([(x + start, y), (x + end, y)], style))?;
            }
            let name = match fits.iter().find(|(name, _)| *name == series.name) {
                Some((_, serial)) => format!("{}; Amdahl: serial {serial:.2}", series.name),
                None => series.name.clone(),
            };
            let font = ("sans-serif", 13).into_font().color(&BLACK);
            area.draw(&Text::new(name, (x + SAMPLE + 8, y - 7), font))?;
        }
        Ok(())
    }
}

/// The height of a legend entry, in pixels.
const LEGEND_ROW: u32 = 20;

/// Colour-blind-safe colours (Okabe and Ito's), one per version or mode, and a grey for guides
/// (the ideal, one or two intervals).
const PALETTE: [RGBColor; 9] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
    RGBColor(140, 140, 140),
];

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) =
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
    if high > low { (low, high) } else { (low - 1.0, high + 1.0) }
}
