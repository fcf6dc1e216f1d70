//! Forecasting demand from history: interval counts (or a contact log's arrivals) in, a
//! forecast per date and interval with predictive quantiles out, and its rolling-origin
//! evaluation on the history itself.
//!
//! The model, in layers (each documented where it lives):
//!
//! - [`daily`]: each open day's total on a log scale — level, optional damped trend and
//!   weekday seasonal by exponential smoothing; the residual is the day-to-day variation
//!   beyond Poisson, and the predictive variance grows with the horizon;
//! - [`yearly`]: a yearly seasonal (Fourier terms) when the history spans two years;
//! - [`calendar`]: holidays and special days given by the planner; outlying days found in the
//!   history are reported and left out of the fit;
//! - [`intraday`]: the weekday × interval profile (weighted towards recent weeks) and a
//!   correlated within-day rate process, so that interval counts vary beyond Poisson as much
//!   as the history shows, and the more so the longer the interval;
//! - [`predict`]: predictive quantiles by drawing the whole chain (day total, within-day path,
//!   Poisson counts) many times; [`evaluate`]: rolling origins.

pub mod calendar;
pub mod counts;
pub mod daily;
pub mod evaluate;
pub mod intraday;
pub mod predict;
mod simplex;
pub mod yearly;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use calendar::{Calendar, Special};
use counts::Counts;
use daily::{Daily, Step};
use intraday::{Profile, Within};
use yearly::Yearly;

/// Settings of a fit.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seed of every random draw (the within-day fit and the predictive draws).
    pub seed: u64,
    /// Predictive draws per date.
    pub draws: usize,
    /// A day whose one-step error is this many robust standard deviations away is an outlier.
    pub outlier_z: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 1,
            draws: 2000,
            outlier_z: 4.0,
        }
    }
}

/// A day of the history left out of the fit as outlying.
#[derive(Debug, Clone, Serialize)]
pub struct Outlier {
    /// The date.
    pub date: NaiveDate,
    /// Its total.
    pub actual: f64,
    /// What the model expected one step ahead.
    pub expected: f64,
    /// Robust z-score of the log error.
    pub z: f64,
}

/// A fitted demand model, ready to forecast the days after `end`.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// Last date of the history used.
    pub end: NaiveDate,
    /// First date of the history used.
    pub start: NaiveDate,
    /// Seconds per base interval (the history's).
    pub step: u32,
    /// Start of the first interval, seconds after midnight.
    pub first_slot: u32,
    /// Base intervals per day.
    pub slots: usize,
    /// Weekdays with data (Monday first); the others are closed.
    pub open: [bool; 7],
    /// The daily model.
    pub daily: Daily,
    /// The yearly seasonal, when fitted.
    pub yearly: Option<Yearly>,
    /// The intraday profile.
    pub profile: Profile,
    /// The within-day process.
    pub within: Within,
    /// Dispersion index given the day's total, by interval length in minutes: (history,
    /// model).
    pub dispersion: BTreeMap<u32, (f64, f64)>,
    /// Days left out as outlying.
    pub outliers: Vec<Outlier>,
    /// Open weekdays without data (missing days), not counting calendar closures.
    pub missing: Vec<NaiveDate>,
    /// Days with data used in the fit.
    pub days_used: usize,
}

fn weekday(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

/// Weeks of history the half-life of the profile is chosen on.
const PROFILE_WEEKS: i64 = 8;
/// The within-day process is fitted on at most this many recent days.
const WITHIN_DAYS: usize = 130;

/// Fits the model to `history` (with `calendar`'s special days).
pub fn fit(history: &Counts, calendar: &Calendar, opts: &Options) -> Result<Model, String> {
    let totals = history.totals();
    let (Some(start), Some(end)) = (
        totals.keys().next().copied(),
        totals.keys().next_back().copied(),
    ) else {
        return Err("the history holds no days".into());
    };
    let mut seen = [0usize; 7];
    for (d, t) in &totals {
        if *t > 0.0 && calendar.get(*d) != Some(Special::Closed) {
            seen[weekday(*d)] += 1;
        }
    }
    let open: [bool; 7] = std::array::from_fn(|w| seen[w] >= 2);
    let mut outliers: Vec<Outlier> = Vec::new();
    let mut missing = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut raw: Vec<(NaiveDate, f64)> = Vec::new();
    for date in start.iter_days().take_while(|d| *d <= end) {
        if !open[weekday(date)] {
            continue;
        }
        let special = calendar.get(date);
        let x = match (totals.get(&date), special) {
            (_, Some(Special::Closed)) => None,
            (None, _) => {
                missing.push(date);
                None
            }
            (Some(t), _) if *t <= 0.0 => None,
            (Some(t), Some(Special::Factor(f))) => Some((t / f).ln()),
            (Some(t), None) => Some(t.ln()),
        };
        if let Some(x) = x {
            raw.push((date, x));
        }
        steps.push(Step { date, x });
    }
    let yearly = yearly::fit(&raw, open);
    if let Some(y) = &yearly {
        for s in steps.iter_mut() {
            s.x = s.x.map(|x| x - y.at(s.date));
        }
    }
    // Fit, find outlying days by their robust z-score, leave them out and fit again.
    let mut daily = None;
    for _ in 0..4 {
        let d = daily::fit(&steps, open).ok_or_else(|| {
            format!(
                "the history has {} usable days from {start} to {end}; the daily model needs about three weeks",
                steps.iter().filter(|s| s.x.is_some()).count()
            )
        })?;
        let mut abs: Vec<f64> = d.residuals.iter().map(|r| r.1.abs()).collect();
        abs.sort_by(f64::total_cmp);
        let scale = 1.4826 * abs.get(abs.len() / 2).copied().unwrap_or(0.0);
        let mut found = false;
        for (date, e) in &d.residuals {
            let z = e / scale.max(1e-9);
            if z.abs() > opts.outlier_z
                && let Some(s) = steps.iter_mut().find(|s| s.date == *date)
                && let Some(x) = s.x.take()
            {
                let y = yearly.as_ref().map_or(0.0, |y| y.at(*date));
                outliers.push(Outlier {
                    date: *date,
                    actual: totals.get(date).copied().unwrap_or(0.0),
                    expected: (x + y - e).exp(),
                    z,
                });
                found = true;
            }
        }
        daily = Some(d);
        if !found {
            break;
        }
    }
    let daily = daily.ok_or("the daily model could not be fitted")?;
    outliers.sort_by_key(|o| o.date);
    let left_out = |d: &NaiveDate| {
        outliers.iter().any(|o| o.date == *d) || calendar.get(*d) == Some(Special::Closed)
    };
    let used: Vec<(NaiveDate, &[f64])> = history
        .days
        .iter()
        .filter(|(d, v)| !left_out(d) && open[weekday(**d)] && v.iter().sum::<f64>() > 0.0)
        .map(|(d, v)| (*d, v.as_slice()))
        .collect();
    let profile = intraday::profile(&used, history.slots, PROFILE_WEEKS)
        .ok_or("the history holds no day with contacts")?;
    let recent = &used[used.len().saturating_sub(WITHIN_DAYS)..];
    let (within, table) =
        intraday::fit_within(recent, opts.seed).ok_or("the history holds no day with contacts")?;
    let dispersion = table
        .into_iter()
        .map(|(k, v)| (k as u32 * history.step / 60, v))
        .collect();
    Ok(Model {
        end,
        start,
        step: history.step,
        first_slot: history.first_slot,
        slots: history.slots,
        open,
        daily,
        yearly,
        profile,
        within,
        dispersion,
        outliers,
        missing,
        days_used: used.len(),
    })
}

impl Model {
    /// Open-day steps from the end of the history to `date` (after it), or `None` when the
    /// weekday is closed.
    pub fn steps_to(&self, date: NaiveDate) -> Option<usize> {
        if date <= self.end || !self.open[weekday(date)] {
            return None;
        }
        Some(
            self.end
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= date)
                .filter(|d| self.open[weekday(*d)])
                .count(),
        )
    }
}

/// The dispersion index given the day's total at one interval length, in the history and in
/// counts drawn from the model.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DispersionCheck {
    /// Interval length in minutes.
    pub minutes: u32,
    /// In the history (the days the fit used).
    pub history: f64,
    /// In counts drawn from the model for the forecast's dates.
    pub simulated: f64,
}

impl Model {
    /// Sets the history's dispersion index at 5, 15, 30 and 60 minutes (those the history's
    /// interval divides) against that of counts drawn from the model for its first forecast
    /// weeks (`days` open days, `draws` each).
    pub fn dispersion_check(
        &self,
        history: &Counts,
        calendar: &Calendar,
        opts: &Options,
    ) -> Vec<DispersionCheck> {
        const DAYS: usize = 20;
        const DRAWS: usize = 50;
        let left_out = |d: &NaiveDate| {
            self.outliers.iter().any(|o| o.date == *d)
                || calendar.get(*d) == Some(Special::Closed)
                || !self.open[weekday(*d)]
        };
        let data: Vec<(NaiveDate, &[f64])> = history
            .days
            .range(self.start..=self.end)
            .filter(|(d, _)| !left_out(d))
            .map(|(d, v)| (*d, v.as_slice()))
            .collect();
        let dates: Vec<NaiveDate> = self
            .end
            .iter_days()
            .skip(1)
            .filter(|d| self.steps_to(*d).is_some() && calendar.get(*d) != Some(Special::Closed))
            .take(DAYS)
            .collect();
        let drawn: Vec<(NaiveDate, Vec<f64>)> = dates
            .iter()
            .flat_map(|d| {
                self.draw_day(*d, calendar, DRAWS, opts.seed ^ 0xD15)
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |v| (*d, v))
            })
            .collect();
        let drawn: Vec<(NaiveDate, &[f64])> =
            drawn.iter().map(|(d, v)| (*d, v.as_slice())).collect();
        [5u32, 15, 30, 60]
            .into_iter()
            .filter(|m| (m * 60).is_multiple_of(self.step))
            .filter_map(|m| {
                let k = (m * 60 / self.step) as usize;
                Some(DispersionCheck {
                    minutes: m,
                    history: intraday::dispersion(&data, k)?,
                    simulated: intraday::dispersion(&drawn, k)?,
                })
            })
            .collect()
    }
}
