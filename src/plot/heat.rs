//! Heatmaps: a value per row and column, e.g. agents needed per weekday and interval.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{HeatChart, PALETTE};

pub(super) fn draw_heat<DB: DrawingBackend>(
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
