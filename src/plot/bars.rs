//! Bar charts: values per category, bars grouped by series.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{BarChart, PALETTE};

pub(super) fn draw_bars<DB: DrawingBackend>(
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
