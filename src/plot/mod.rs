//! Charts of a run, drawn with plotters: SVG for reports (text stays text, no font needed to
//! view it) and PNG on request. Text is laid out with an embedded font (DejaVu Sans), so charts
//! render the same on a machine without any system fonts.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

mod bars;
mod heat;
mod time;

use bars::draw_bars;
use heat::draw_heat;
use time::draw_time;

/// The embedded font.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

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
    /// For charts over something else than time (a swept value): what the x axis shows and
    /// in which unit; `None` for days from 00:00 of day 0.
    pub x_axis: Option<XAxis>,
    /// Moments marked with a dashed vertical line and a label (e.g. hiring classes joining).
    pub marks: Vec<Mark>,
}

/// A vertical mark on a time chart.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Where, in the chart's x.
    pub x: f64,
    /// What happened there, written beside the line.
    pub label: String,
}

/// An x axis of values other than time.
#[derive(Debug, Clone)]
pub struct XAxis {
    /// What the axis shows, in words.
    pub label: String,
    /// How its values read (durations in seconds, shares, plain numbers).
    pub unit: YUnit,
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
            marks: Vec::new(),
            x_axis: None,
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
        assert_eq!(super::time::duration_unit(45.0).1, "seconds");
        assert_eq!(super::time::duration_unit(1800.0).1, "minutes");
        assert_eq!(super::time::duration_unit(20_000.0).1, "hours");
        assert_eq!(super::time::duration_unit(400_000.0).1, "days");
    }
}
