//! The timeline as an SVG picture (`--timeline-svg FILE`): one bar per 2 pixels, as dark as the
//! share of it the thread held the GIL.

use std::fmt::Write as _;

use super::{Mark, Span, Timeline, held_share, time_in};

impl Mark {
    fn colour(self) -> &'static str {
        match self {
            Mark::Holding => "#2e7d32",
            Mark::Waiting => "#f9a825",
            Mark::Released => "#eeeeee",
        }
    }
}

/// The most threads the picture draws, one row each.
pub const MAX_SVG_ROWS: usize = 64;

impl Timeline {
    /// The same picture as an SVG document.
    pub fn render_svg(&self, names: &[String], window: (u64, u64), title: &str) -> String {
        let (start, end) = window;
        let length = end.saturating_sub(start).max(1) as f64;
        let (label_w, plot_w, row_h, top) = (110.0, 1000.0, 26.0, 40.0);
        let rows: Vec<(&String, Vec<Span>)> = names
            .iter()
            .zip(self.spans(names.len()))
            .filter(|(_, spans)| {
                spans.iter().any(|s| s.mark != Mark::Released && s.to_us > start && s.from_us < end)
            })
            .take(MAX_SVG_ROWS)
            .collect();
        let height = top + row_h * rows.len() as f64 + 50.0;
        let x = |us: u64| label_w + (us.saturating_sub(start) as f64 / length) * plot_w;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" \
             font-family=\"monospace\" font-size=\"12\">\n\
             <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
             <text x=\"10\" y=\"20\" font-size=\"14\">{title}</text>\n",
            w = label_w + plot_w + 20.0,
            title = escape(title),
        );
        for (row, (name, spans)) in rows.iter().enumerate() {
            let y = top + row as f64 * row_h;
            let _ = writeln!(
                svg,
                "<text x=\"10\" y=\"{:.1}\">{}</text>",
                y + row_h * 0.65,
                escape(name)
            );
            // One bar per 2 pixels, as dark as the share of it the thread held the GIL (or
            // grey where it only waited): spans of a few microseconds stay visible, truthfully.
            let bins = (plot_w / 2.0) as u64;
            let bin_us = (end - start).div_ceil(bins).max(1);
            // Bars of one kind and shade that follow each other are drawn as one.
            let mut bars: Vec<(u64, u64, Mark, String)> = Vec::new();
            for bin in 0..bins {
                let (from, to) = (start + bin * bin_us, (start + (bin + 1) * bin_us).min(end));
                if from >= to {
                    break;
                }
                let time = time_in(spans, from, to);
                let held = held_share(time, to - from);
                let (mark, opacity) = if held > 0.0 {
                    (Mark::Holding, format!("{:.2}", held.max(0.2)))
                } else if time[Mark::Waiting as usize] > 0 {
                    (Mark::Waiting, "1.00".to_string())
                } else {
                    continue;
                };
                match bars.last_mut() {
                    Some(last) if last.1 == from && last.2 == mark && last.3 == opacity => {
                        last.1 = to;
                    }
                    _ => bars.push((from, to, mark, opacity)),
                }
            }
            for (from, to, mark, opacity) in bars {
                let (x0, x1) = (x(from), x(to));
                let _ = writeln!(
                    svg,
                    "<rect x=\"{x0:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"{opacity}\"/>",
                    y + 3.0,
                    x1 - x0,
                    row_h - 6.0,
                    mark.colour()
                );
            }
        }
        let axis_y = top + row_h * rows.len() as f64 + 15.0;
        let step = tick_step(end - start);
        let mut tick = start.div_ceil(step) * step;
        while tick <= end {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{axis_y:.1}\" text-anchor=\"middle\">{} ms</text>",
                x(tick),
                tick / 1000
            );
            tick += step;
        }
        let legend_y = axis_y + 20.0;
        for (i, (mark, label)) in [
            (Mark::Holding, "holds the GIL"),
            (Mark::Waiting, "waits for it"),
            (Mark::Released, "released (sleeping, I/O, done)"),
        ]
        .into_iter()
        .enumerate()
        {
            let lx = label_w + i as f64 * 250.0;
            let _ = writeln!(
                svg,
                "<rect x=\"{lx}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"{}\" stroke=\"#999\"/>\
                 <text x=\"{}\" y=\"{legend_y:.1}\">{label}</text>",
                legend_y - 9.0,
                mark.colour(),
                lx + 20.0
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// A round axis step giving about ten ticks over `length_us`.
fn tick_step(length_us: u64) -> u64 {
    let raw = (length_us / 10).max(1);
    let magnitude = 10u64.pow(raw.ilog10());
    [1, 2, 5, 10].into_iter().map(|m| m * magnitude).find(|&s| s >= raw).unwrap_or(raw).max(1000)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
