//! Charts of a run, drawn with plotters: SVG for reports (text stays text, no font needed to
//! view it) and PNG on request. Text is laid out with an embedded font (DejaVu Sans), so charts
//! render the same on a machine without any system fonts.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::duration::{DAY, WEEKDAY_LABELS};

/// The embedded font.
static FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Errors of drawing a chart.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The embedded font could not be read (a build problem, not a user one).
    #[error("the embedded chart font is invalid")]
    Font,
    /// plotters failed while drawing.
    #[error("drawing the chart `{chart}` failed: {reason}")]
    Draw {
        /// Chart title.
        chart: String,
        /// What plotters said.
        reason: String,
    },
    /// Encoding the PNG failed.
    #[error("encoding the PNG of `{chart}` failed: {reason}")]
    Png {
        /// Chart title.
        chart: String,
        /// What the encoder said.
        reason: String,
    },
}

fn register_font() -> Result<(), PlotError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, FONT).is_ok()
    });
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// Colours that stay apart for colour-blind readers (Okabe & Ito, "Color universal design", 2008).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
];

/// How the y values of a chart read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum YUnit {
    /// Plain numbers.
    Count,
    /// Shares shown as percentages (values in 0–1).
    Percent,
    /// Seconds, shown in seconds, minutes, hours or days as fits the range.
    Duration,
}

/// Values along a time axis; `None` where there is no value (the line breaks).
pub type Series = Vec<Option<f64>>;

/// One line of a time chart, with an optional band around it.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// Values per point (`None`: no value, the line breaks).
    pub values: Vec<Option<f64>>,
    /// Lower and upper band per point (e.g. P10 and P90 across replications).
    pub band: Option<(Series, Series)>,
    /// Palette index.
    pub color: usize,
    /// Draw dashed (e.g. a second statistic of the same series).
    pub dashed: bool,
}

/// A horizontal reference line (a target).
#[derive(Debug, Clone)]
pub struct Target {
    /// Legend label.
    pub label: String,
    /// Value.
    pub value: f64,
    /// Palette index.
    pub color: usize,
}

/// A chart over time.
#[derive(Debug, Clone)]
pub struct TimeChart {
    /// Title.
    pub title: String,
    /// What the y axis shows, in words.
    pub y_label: String,
    /// Unit of the y values.
    pub unit: YUnit,
    /// x of each point, days from 00:00 of day 0.
    pub x: Vec<f64>,
    /// Lines.
    pub lines: Vec<Line>,
    /// Reference lines.
    pub targets: Vec<Target>,
    /// Weekday of day 0 (0 = Monday), for axis labels.
    pub start_weekday: usize,
    /// For charts over something else than time: the x axis label (x values are then plain
    /// numbers, not days).
    pub x_label: Option<String>,
}

/// A bar chart over categories, with bars grouped by series.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// What the y axis shows, in words.
    pub y_label: String,
    /// Category labels along x.
    pub categories: Vec<String>,
    /// (legend label, value per category), values as shares 0–1.
    pub groups: Vec<(String, Vec<f64>)>,
}

/// A grid of values, e.g. agents needed per weekday and interval of the day.
#[derive(Debug, Clone)]
pub struct HeatChart {
    /// Title.
    pub title: String,
    /// Column labels (x), e.g. times of day.
    pub columns: Vec<String>,
    /// Row labels (y), e.g. weekdays.
    pub rows: Vec<String>,
    /// Values per row, then column.
    pub values: Vec<Vec<f64>>,
}

/// Any chart.
#[derive(Debug, Clone)]
pub enum Chart {
    /// Over time.
    Time(TimeChart),
    /// Bars.
    Bars(BarChart),
    /// A heatmap.
    Heat(HeatChart),
}

impl Chart {
    /// The chart's title.
    pub fn title(&self) -> &str {
        match self {
            Chart::Time(c) => &c.title,
            Chart::Bars(c) => &c.title,
            Chart::Heat(c) => &c.title,
        }
    }
}

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (960, 420);

/// Draws a chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, PlotError> {
    register_font()?;
    let mut out = String::new();
    {
        render(
            &SVGBackend::with_string(&mut out, SIZE).into_drawing_area(),
            chart,
        )?;
    }
    Ok(out)
}

/// Draws a chart as a PNG image.
pub fn png(chart: &Chart) -> Result<Vec<u8>, PlotError> {
    register_font()?;
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        render(
            &BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area(),
            chart,
        )?;
    }
    let mut out = Vec::new();
    let png_err = |e: png::EncodingError| PlotError::Png {
        chart: chart.title().to_string(),
        reason: e.to_string(),
    };
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(png_err)?;
        writer.write_image_data(&rgb).map_err(png_err)?;
    }
    Ok(out)
}

/// Draws `chart` on any backend and flushes it, naming the chart in any error.
fn render<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), PlotError> {
    let fail = |reason: String| PlotError::Draw {
        chart: chart.title().to_string(),
        reason,
    };
    draw(root, chart).map_err(fail)?;
    root.present().map_err(|e| fail(e.to_string()))
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    match chart {
        Chart::Time(c) => draw_time(root, c),
        Chart::Bars(c) => draw_bars(root, c),
        Chart::Heat(c) => draw_heat(root, c),
    }
}

fn draw_heat<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &HeatChart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (nx, ny) = (c.columns.len().max(1), c.rows.len().max(1));
    let max = c
        .values
        .iter()
        .flatten()
        .fold(0.0f64, |a, b| a.max(*b))
        .max(1e-9);
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..nx as f64, -0.5..ny as f64 - 0.5)
        .map_err(err)?;
    let cols = c.columns.clone();
    let rows = c.rows.clone();
    let step = nx.div_ceil(12).max(1);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(nx + 1)
        .y_labels(ny)
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            if (x - x.floor()).abs() < 1e-9 && i.is_multiple_of(step) {
                cols.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 0.01 && i >= 0.0 && (i as usize) < ny {
                rows.get(ny - 1 - i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    let blue = PALETTE[0];
    for (ri, row) in c.values.iter().enumerate() {
        let y = (ny - 1 - ri) as f64;
        for (ci, v) in row.iter().enumerate() {
            let t = (v / max).clamp(0.0, 1.0);
            let mix =
                |w: u8, b: u8| (f64::from(w) + (f64::from(b) - f64::from(w)) * t).round() as u8;
            let color = RGBColor(mix(255, blue.0), mix(255, blue.1), mix(255, blue.2));
            let x = ci as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y - 0.5), (x + 1.0, y + 0.5)],
                    color.filled(),
                )))
                .map_err(err)?;
            if *v > 0.0 && nx <= 48 {
                let ink = if t > 0.55 { WHITE } else { BLACK };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{v:.0}"),
                        (x + 0.5, y),
                        ("sans-serif", 10)
                            .into_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Picks the unit for durations up to `max` seconds: (divisor, name).
fn duration_unit(max: f64) -> (f64, &'static str) {
    if max <= 180.0 {
        (1.0, "seconds")
    } else if max <= 3.0 * 3600.0 {
        (60.0, "minutes")
    } else if max <= 3.0 * DAY {
        (3600.0, "hours")
    } else {
        (DAY, "days")
    }
}

fn draw_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &TimeChart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let x0 = c.x.first().copied().unwrap_or(0.0);
    let x1 = c.x.last().copied().unwrap_or(1.0).max(x0 + 1e-6);
    let all = c
        .lines
        .iter()
        .flat_map(|l| {
            l.values
                .iter()
                .chain(l.band.iter().flat_map(|b| b.1.iter()))
                .flatten()
                .copied()
        })
        .chain(c.targets.iter().map(|t| t.value))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let (div, unit_name) = match c.unit {
        YUnit::Duration => duration_unit(all),
        YUnit::Percent => (0.01, "%"),
        YUnit::Count => (1.0, ""),
    };
    // Headroom above the data for the legend, which sits top left (top right for shares,
    // which are drawn on a fixed 0–100% scale with their legend at the bottom left).
    let y_max = match c.unit {
        YUnit::Percent => 100.0,
        _ => (all / div * 1.35).max(1.0),
    };
    let y_desc = match c.unit {
        YUnit::Duration => format!("{} ({unit_name})", c.y_label),
        YUnit::Percent => format!("{} (%)", c.y_label),
        YUnit::Count => c.y_label.clone(),
    };
    let span = x1 - x0;
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, 0.0..y_max)
        .map_err(err)?;
    let start_wd = c.start_weekday;
    let x_fmt = move |x: &f64| -> String {
        let day = x.floor().max(0.0) as usize;
        if span <= 21.0 {
            let hour = ((x - x.floor()) * 24.0).round() as u32;
            if hour == 0 || hour == 24 {
                format!("{} {}", WEEKDAY_LABELS[(start_wd + day) % 7], day)
            } else {
                format!("{hour:02}:00")
            }
        } else {
            format!("day {day}")
        }
    };
    let labels = if span <= 21.0 {
        (span.ceil() as usize + 1).min(22)
    } else {
        12
    };
    chart
        .configure_mesh()
        .x_desc(if span <= 21.0 {
            "day of the run"
        } else {
            "days from the start"
        })
        .y_desc(y_desc)
        .x_labels(labels)
        .y_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|y| {
            if *y >= 100.0 || y.fract().abs() < 1e-9 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        })
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    for line in &c.lines {
        let color = PALETTE[line.color % PALETTE.len()];
        if let Some((lo, hi)) = &line.band {
            for run in runs(&c.x, lo, hi) {
                let mut pts: Vec<(f64, f64)> = run.iter().map(|(x, l, _)| (*x, l / div)).collect();
                pts.extend(run.iter().rev().map(|(x, _, h)| (*x, h / div)));
                chart
                    .draw_series(std::iter::once(Polygon::new(pts, color.mix(0.18).filled())))
                    .map_err(err)?;
            }
        }
        let style = ShapeStyle::from(&color).stroke_width(2);
        let mut first = true;
        for run in runs(&c.x, &line.values, &line.values) {
            let pts: Vec<(f64, f64)> = run.iter().map(|(x, v, _)| (*x, v / div)).collect();
            let anno = if line.dashed {
                chart
                    .draw_series(DashedLineSeries::new(pts, 6, 4, style))
                    .map_err(err)?
            } else {
                chart
                    .draw_series(LineSeries::new(pts, style))
                    .map_err(err)?
            };
            if first {
                anno.label(line.label.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
                first = false;
            }
        }
    }
    for t in &c.targets {
        let color = PALETTE[t.color % PALETTE.len()];
        let style = ShapeStyle::from(&color.mix(0.9)).stroke_width(1);
        let y = t.value / div;
        chart
            .draw_series(DashedLineSeries::new(vec![(x0, y), (x1, y)], 3, 5, style))
            .map_err(err)?
            .label(t.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    chart
        .configure_series_labels()
        .position(if c.unit == YUnit::Percent {
            SeriesLabelPosition::LowerLeft
        } else {
            SeriesLabelPosition::UpperLeft
        })
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Consecutive points where both `a` and `b` have values: (x, a, b) runs.
fn runs(x: &[f64], a: &[Option<f64>], b: &[Option<f64>]) -> Vec<Vec<(f64, f64, f64)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for ((x, a), b) in x.iter().zip(a).zip(b) {
        match (a, b) {
            (Some(a), Some(b)) if a.is_finite() && b.is_finite() => cur.push((*x, *a, *b)),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &BarChart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let n = c.categories.len().max(1);
    let top = c
        .groups
        .iter()
        .flat_map(|g| g.1.iter())
        .fold(0.0f64, |a, b| a.max(*b))
        .max(0.01);
    let y_max = (top * 100.0 * 1.1).min(100.0);
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..y_max)
        .map_err(err)?;
    let cats = c.categories.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                cats.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_desc(format!("{} (%)", c.y_label))
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    let k = c.groups.len().max(1) as f64;
    let width = 0.8 / k;
    for (gi, (label, values)) in c.groups.iter().enumerate() {
        let color = PALETTE[gi % PALETTE.len()];
        let rects = values.iter().enumerate().map(move |(i, v)| {
            let x = i as f64 - 0.4 + gi as f64 * width;
            Rectangle::new([(x, 0.0), (x + width * 0.92, v * 100.0)], color.filled())
        });
        chart
            .draw_series(rects)
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Chart {
        Chart::Time(TimeChart {
            title: "Service level per hour".into(),
            y_label: "answered within target".into(),
            unit: YUnit::Percent,
            x: (0..48).map(|i| f64::from(i) / 24.0).collect(),
            lines: vec![Line {
                label: "phone".into(),
                values: (0..48)
                    .map(|i| Some(0.5 + f64::from(i % 10) / 40.0))
                    .collect(),
                band: Some((vec![Some(0.4); 48], vec![Some(0.9); 48])),
                color: 0,
                dashed: false,
            }],
            targets: vec![Target {
                label: "target 80%".into(),
                value: 0.8,
                color: 5,
            }],
            start_weekday: 0,
            x_label: None,
        })
    }

    /// The text elements of an SVG, trimmed.
    pub(crate) fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split("</text>").next()?.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn svg_has_title_axes_series_and_legend() {
        let s = svg(&sample()).expect("draws");
        assert!(s.starts_with("<svg"));
        let texts = texts(&s);
        for t in [
            "Service level per hour",
            "answered within target (%)",
            "day of the run",
            "phone",
            "target 80%",
            "Mon 0",
            "Tue 1",
            "100",
        ] {
            assert!(texts.iter().any(|x| x == t), "{t} in {texts:?}");
        }
        assert!(s.contains("<polyline") && s.contains("<polygon"));
    }

    #[test]
    fn png_renders_text_without_system_fonts() {
        let bytes = png(&sample()).expect("draws");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("valid PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf).expect("frame");
        // Dark pixels in the caption strip (top 30 px, no data drawn there) can only be text.
        let (w, _) = SIZE;
        let dark = buf[..(w * 30 * 3) as usize]
            .chunks(3)
            .filter(|p| p.iter().all(|c| *c < 100))
            .count();
        assert!(dark > 100, "the title is drawn ({dark} dark pixels)");
    }

    #[test]
    fn duration_units_follow_the_range() {
        assert_eq!(duration_unit(45.0).1, "seconds");
        assert_eq!(duration_unit(1800.0).1, "minutes");
        assert_eq!(duration_unit(20_000.0).1, "hours");
        assert_eq!(duration_unit(400_000.0).1, "days");
    }
}
