//! Rolling-origin evaluation (Tashman, "Out-of-sample tests of forecasting accuracy", IJF
//! 2000): at each origin the model is fitted on the history up to it and forecasts the days
//! after; the days the history holds are scored. Scores: how often the 50% and 90% bands hold
//! the actual count (per interval and per day), the bias, the MAPE, and the MASE (Hyndman &
//! Koehler, "Another look at measures of forecast accuracy", IJF 2006) — absolute errors
//! scaled by the in-sample error of the seasonal-naive forecast (the same weekday a week
//! before) — for the model and for the seasonal-naive forecast itself.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::calendar::{Calendar, Special};
use super::counts::Counts;
use super::predict::{Band, Forecast};
use super::{Options, fit};

/// Where the origins are and how far each forecasts.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Number of origins.
    pub origins: usize,
    /// Days between origins.
    pub every: u32,
    /// Days forecast from each origin.
    pub horizon: u32,
    /// Seconds per scored interval.
    pub step: u32,
}

/// One scored interval or day.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    /// The origin (last day of history used).
    pub origin: NaiveDate,
    /// The date forecast.
    pub date: NaiveDate,
    /// Interval start, seconds after midnight (`None` for the day's total).
    pub interval: Option<u32>,
    /// Calendar days ahead of the origin.
    pub days_ahead: u32,
    /// The actual count.
    pub actual: f64,
    /// The forecast.
    pub band: Band,
    /// The seasonal-naive forecast (same weekday a week before, as last seen at the origin).
    pub naive: Option<f64>,
    /// The seasonal-naive in-sample mean absolute error that scales this point.
    pub scale: f64,
}

/// Scores over a set of points.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    /// Points scored.
    pub points: usize,
    /// Share inside the 50% band.
    pub coverage_50: f64,
    /// Share inside the 90% band.
    pub coverage_90: f64,
    /// Σ(forecast − actual) / Σ actual.
    pub bias: f64,
    /// Mean absolute percentage error (points with an actual above zero).
    pub mape: f64,
    /// The seasonal-naive forecast's MAPE.
    pub naive_mape: f64,
    /// Mean absolute scaled error of the forecast's mean.
    pub mase: f64,
    /// The seasonal-naive forecast's MASE.
    pub naive_mase: f64,
}

impl Scores {
    /// Scores of `points`.
    pub fn of<'a>(points: impl Iterator<Item = &'a Scored>) -> Scores {
        let mut s = Scores::default();
        let (mut in50, mut in90, mut err, mut act) = (0.0, 0.0, 0.0, 0.0);
        let (mut ape, mut nape, mut napes) = (0.0, 0.0, 0usize);
        let (mut ase, mut nase, mut nn) = (0.0, 0.0, 0usize);
        for p in points {
            s.points += 1;
            in50 += f64::from(u8::from(p.band.covers(p.actual, 0.5)));
            in90 += f64::from(u8::from(p.band.covers(p.actual, 0.9)));
            err += p.band.mean - p.actual;
            act += p.actual;
            if let Some(n) = p.naive {
                if p.actual > 0.0 {
                    ape += (p.band.mean - p.actual).abs() / p.actual;
                    nape += (n - p.actual).abs() / p.actual;
                    napes += 1;
                }
                if p.scale > 0.0 {
                    ase += (p.band.mean - p.actual).abs() / p.scale;
                    nase += (n - p.actual).abs() / p.scale;
                    nn += 1;
                }
            }
        }
        let n = s.points.max(1) as f64;
        s.coverage_50 = in50 / n;
        s.coverage_90 = in90 / n;
        s.bias = if act > 0.0 { err / act } else { 0.0 };
        let napes = napes.max(1) as f64;
        s.mape = ape / napes;
        s.naive_mape = nape / napes;
        let nn = nn.max(1) as f64;
        s.mase = ase / nn;
        s.naive_mase = nase / nn;
        s
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The origins, earliest first.
    pub origins: Vec<NaiveDate>,
    /// Every scored interval.
    pub intervals: Vec<Scored>,
    /// Every scored day.
    pub days: Vec<Scored>,
}

/// The same weekday's counts a week or more before `date`, as known at `origin`.
fn naive_day(history: &Counts, origin: NaiveDate, date: NaiveDate) -> Option<&Vec<f64>> {
    let mut d = date - chrono::Days::new(7);
    while d > origin {
        d = d - chrono::Days::new(7);
    }
    (0..8).find_map(|i| history.days.get(&(d - chrono::Days::new(7 * i))))
}

/// In-sample MAE of the seasonal-naive forecast on `history` (per interval, per day).
fn naive_scale(history: &Counts) -> (f64, f64) {
    let (mut si, mut ni, mut sd, mut nd) = (0.0, 0usize, 0.0, 0usize);
    for (d, v) in &history.days {
        if let Some(w) = history.days.get(&(*d - chrono::Days::new(7))) {
            for (a, b) in v.iter().zip(w) {
                si += (a - b).abs();
                ni += 1;
            }
            sd += (v.iter().sum::<f64>() - w.iter().sum::<f64>()).abs();
            nd += 1;
        }
    }
    (si / ni.max(1) as f64, sd / nd.max(1) as f64)
}

/// One origin's scored intervals and days.
type OriginScores = (Vec<Scored>, Vec<Scored>);

/// Runs the evaluation: the last origin is `plan.every` days before the history's end.
pub fn evaluate(
    history: &Counts,
    calendar: &Calendar,
    plan: &Plan,
    opts: &Options,
) -> Result<Evaluation, String> {
    let history = history.coarsened(plan.step.max(history.step));
    let last = *history
        .days
        .keys()
        .next_back()
        .ok_or("the history holds no days")?;
    let origins: Vec<NaiveDate> = (1..=plan.origins as u64)
        .rev()
        .map(|i| last - chrono::Days::new(i * u64::from(plan.every)))
        .collect();
    let runs: Vec<Result<OriginScores, String>> = origins
        .par_iter()
        .map(|o| score_origin(&history, calendar, *o, plan, opts))
        .collect();
    let (mut intervals, mut days) = (Vec::new(), Vec::new());
    for r in runs {
        let (i, d) = r?;
        intervals.extend(i);
        days.extend(d);
    }
    Ok(Evaluation {
        origins,
        intervals,
        days,
    })
}

fn score_origin(
    history: &Counts,
    calendar: &Calendar,
    origin: NaiveDate,
    plan: &Plan,
    opts: &Options,
) -> Result<OriginScores, String> {
    let train = history.until(origin);
    let model = fit(&train, calendar, opts).map_err(|e| format!("origin {origin}: {e}"))?;
    let f: Forecast = model.forecast(calendar, plan.horizon, history.step, opts);
    let (scale_i, scale_d) = naive_scale(&train);
    let (mut ints, mut days) = (Vec::new(), Vec::new());
    for day in f.days.iter().filter(|d| !d.closed) {
        let Some(actual) = history.days.get(&day.date) else {
            continue;
        };
        if calendar.get(day.date) == Some(Special::Closed) {
            continue;
        }
        let naive = naive_day(&train, origin, day.date);
        let ahead = (day.date - origin).num_days() as u32;
        for (j, (y, band)) in actual.iter().zip(&day.intervals).enumerate() {
            ints.push(Scored {
                origin,
                date: day.date,
                interval: Some(f.first_slot + j as u32 * f.step),
                days_ahead: ahead,
                actual: *y,
                band: *band,
                naive: naive.map(|n| n[j]),
                scale: scale_i,
            });
        }
        days.push(Scored {
            origin,
            date: day.date,
            interval: None,
            days_ahead: ahead,
            actual: actual.iter().sum(),
            band: day.total,
            naive: naive.map(|n| n.iter().sum()),
            scale: scale_d,
        });
    }
    Ok((ints, days))
}
