//! Time charts: lines over the days of a run with their P10–P90 bands and targets.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{PALETTE, TimeChart, YUnit};
use crate::duration::{DAY, WEEKDAY_LABELS};

/// Picks the unit for durations up to `max` seconds: (divisor, name).
pub(super) fn duration_unit(max: f64) -> (f64, &'static str) {
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

pub(super) fn draw_time<DB: DrawingBackend>(
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
    let axis = c.x_axis.clone();
    let x_unit = axis.as_ref().map(|a| a.unit);
    let x_fmt = move |x: &f64| -> String {
        match x_unit {
            Some(YUnit::Duration) => crate::duration::format_duration(*x),
            Some(YUnit::Percent) => format!("{:.0}%", x * 100.0),
            Some(YUnit::Count) => crate::numbers::plain(*x),
            None => {
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
            }
        }
    };
    let labels = match &axis {
        Some(_) => c.x.len().clamp(2, 11),
        None if span <= 21.0 => (span.ceil() as usize + 1).min(22),
        None => 12,
    };
    let x_desc = match &axis {
        Some(a) => a.label.clone(),
        None if span <= 21.0 => "day of the run".to_string(),
        None => "days from the start".to_string(),
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
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
    draw_lines(&mut chart, c, div, (x0, x1))?;
    draw_marks(&mut chart, c, y_max, (x0, x1))?;
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

/// Each line with its band, then the targets, with their legend entries.
/// The chart's marks: a dashed vertical line from 0 to `y_max` at each, with its label at the
/// top.
fn draw_marks<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    c: &TimeChart,
    y_max: f64,
    (x0, x1): (f64, f64),
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let grey = RGBColor(90, 90, 90);
    for m in c.marks.iter().filter(|m| m.x >= x0 && m.x <= x1) {
        chart
            .draw_series(DashedLineSeries::new(
                [(m.x, 0.0), (m.x, y_max)],
                6,
                4,
                grey.stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                m.label.clone(),
                (m.x, y_max * 0.97),
                ("sans-serif", 12).into_font().color(&grey),
            )))
            .map_err(err)?;
    }
    Ok(())
}

fn draw_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    c: &TimeChart,
    div: f64,
    (x0, x1): (f64, f64),
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
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
    Ok(())
}
