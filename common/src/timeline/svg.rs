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

/// One picture of an SVG document: a timeline, its threads, the window drawn and a title.
pub struct Picture<'a> {
    pub timeline: &'a Timeline,
    pub names: &'a [String],
    pub window: (u64, u64),
    pub title: String,
}

/// Several pictures, one above the other, in one SVG document (the model beside CPython).
pub fn render_svgs(pictures: &[Picture<'_>]) -> String {
    let mut body = String::new();
    let (mut width, mut height) = (0.0f64, 0.0);
    for picture in pictures {
        let (w, h) = picture.timeline.draw_svg(&mut body, picture, height);
        width = width.max(w);
        height += h;
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"monospace\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}

impl Timeline {
    /// The same picture as an SVG document.
    pub fn render_svg(&self, names: &[String], window: (u64, u64), title: &str) -> String {
        render_svgs(&[Picture { timeline: self, names, window, title: title.to_string() }])
    }

    /// Draws one picture into `svg`, `y0` pixels down; returns its width and height.
    fn draw_svg(&self, svg: &mut String, picture: &Picture<'_>, y0: f64) -> (f64, f64) {
        let (names, title) = (picture.names, &picture.title);
        let (start, end) = picture.window;
        let length = end.saturating_sub(start).max(1) as f64;
        // Room for the longest name, at about 7.2 pixels a character of 12-pixel monospace.
        let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let label_w = (longest as f64 * 7.2 + 20.0).max(110.0);
        let (plot_w, row_h, top) = (1000.0, 26.0, y0 + 40.0);
        let rows: Vec<(&String, Vec<Span>)> = names
            .iter()
            .zip(self.spans(names.len()))
            .filter(|(_, spans)| {
                spans.iter().any(|s| s.mark != Mark::Released && s.to_us > start && s.from_us < end)
            })
            .take(MAX_SVG_ROWS)
            .collect();
        let height = 40.0 + row_h * rows.len() as f64 + 50.0;
        let x = |us: u64| label_w + (us.saturating_sub(start) as f64 / length) * plot_w;
        let _ = writeln!(
            svg,
            "<text x=\"10\" y=\"{:.1}\" font-size=\"14\">{}</text>",
            y0 + 20.0,
            escape(title)
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
        let marks = [Mark::Holding, Mark::Waiting, Mark::Released];
        for (i, (mark, label)) in marks.into_iter().zip(self.words()).enumerate() {
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
        (label_w + plot_w + 20.0, height)
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
