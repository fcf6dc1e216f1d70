//! Predictive distributions: the whole chain — the day's total (log-normal with the daily
//! model's horizon variance, times its calendar factor), a within-day path, Poisson counts per
//! base interval — drawn many times per date, from a random stream of its own (seed and
//! date), so a forecast is the same whatever the thread count. Quantiles are of the drawn
//! counts, summed to the requested interval; means are exact.

use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use super::calendar::{Calendar, Special};
use super::intraday::poisson;
use super::{Model, Options};
use crate::rng::Rng;

/// The quantile levels of a band.
pub const LEVELS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// A predictive distribution of a count: its mean and quantiles at [`LEVELS`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    /// Mean.
    pub mean: f64,
    /// Quantiles at [`LEVELS`].
    pub q: [f64; 7],
}

impl Band {
    /// A band from draws (sorted in place) and the exact mean.
    pub fn of(draws: &mut [f64], mean: f64) -> Band {
        draws.sort_by(f64::total_cmp);
        let n = draws.len();
        let q = LEVELS.map(|p| {
            if n == 0 {
                0.0
            } else {
                // The smallest draw with at least a share p at or below it (Hyndman & Fan
                // type 1), so that quantiles are counts.
                draws[((p * n as f64).ceil() as usize).clamp(1, n) - 1]
            }
        });
        Band { mean, q }
    }

    /// Whether `y` lies within the central band of `width` (0.5 or 0.9).
    pub fn covers(&self, y: f64, width: f64) -> bool {
        let (lo, hi) = if width >= 0.85 {
            (self.q[0], self.q[6])
        } else {
            (self.q[2], self.q[4])
        };
        (lo..=hi).contains(&y)
    }
}

/// One date's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct DayForecast {
    /// The date.
    pub date: NaiveDate,
    /// Closed (a weekday without data, or closed by the calendar).
    pub closed: bool,
    /// The calendar's factor on this date, if any.
    pub factor: Option<f64>,
    /// Open days ahead of the history's end (0 when closed).
    pub horizon: usize,
    /// Standard deviation of the day's log total (0 when closed).
    pub log_sd: f64,
    /// The day's total.
    pub total: Band,
    /// Per interval.
    pub intervals: Vec<Band>,
}

/// A forecast of consecutive dates on a grid of intervals.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// Seconds per interval.
    pub step: u32,
    /// Start of the first interval, seconds after midnight.
    pub first_slot: u32,
    /// Intervals per day.
    pub slots: usize,
    /// The dates.
    pub days: Vec<DayForecast>,
}

/// Mixes a seed and a date into the seed of that date's stream (SplitMix64 finalizer).
fn date_seed(seed: u64, date: NaiveDate) -> u64 {
    let mut z = seed ^ (date.num_days_from_ce() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Model {
    /// Log-scale mean and variance of `date`'s total and its calendar factor; `None` when the
    /// date is closed.
    fn day_total(&self, date: NaiveDate, calendar: &Calendar) -> Option<(f64, f64, Option<f64>)> {
        let h = self.steps_to(date)?;
        let factor = match calendar.get(date) {
            Some(Special::Closed) => return None,
            Some(Special::Factor(f)) => Some(f),
            None => None,
        };
        let w = date.weekday().num_days_from_monday() as usize;
        let (m, v) = self.daily.predict(h, w);
        let y = self.yearly.as_ref().map_or(0.0, |y| y.at(date));
        Some((m + y + factor.map_or(0.0, f64::ln), v, factor))
    }

    /// Draws `draws` days of base-interval counts for `date` (`None` when closed).
    pub fn draw_day(
        &self,
        date: NaiveDate,
        calendar: &Calendar,
        draws: usize,
        seed: u64,
    ) -> Option<Vec<Vec<f64>>> {
        let (m, v, _) = self.day_total(date, calendar)?;
        let p = &self.profile.shares[date.weekday().num_days_from_monday() as usize];
        let mut rng = Rng::seed_from_u64(date_seed(seed, date));
        let mut z = Vec::with_capacity(p.len());
        Some(
            (0..draws)
                .map(|_| {
                    let e: f64 = StandardNormal.sample(&mut rng);
                    let t = (m + v.sqrt() * e).exp();
                    self.within.path(&mut rng, p, &mut z);
                    p.iter()
                        .zip(&z)
                        .map(|(q, z)| poisson(&mut rng, t * q * z))
                        .collect()
                })
                .collect(),
        )
    }

    /// Forecasts the `days` dates after the history's end, on intervals of `step` seconds (a
    /// multiple of the history's).
    pub fn forecast(&self, calendar: &Calendar, days: u32, step: u32, opts: &Options) -> Forecast {
        let k = (step / self.step).max(1) as usize;
        let slots = self.slots.div_ceil(k);
        let dates: Vec<NaiveDate> = self.end.iter_days().skip(1).take(days as usize).collect();
        let out = dates
            .par_iter()
            .map(|date| self.forecast_day(*date, calendar, k, slots, opts))
            .collect();
        Forecast {
            step: self.step * k as u32,
            first_slot: self.first_slot,
            slots,
            days: out,
        }
    }

    fn forecast_day(
        &self,
        date: NaiveDate,
        calendar: &Calendar,
        k: usize,
        slots: usize,
        opts: &Options,
    ) -> DayForecast {
        let zero = Band {
            mean: 0.0,
            q: [0.0; 7],
        };
        let (Some((m, v, factor)), Some(draws)) = (
            self.day_total(date, calendar),
            self.draw_day(date, calendar, opts.draws, opts.seed),
        ) else {
            return DayForecast {
                date,
                closed: true,
                factor: None,
                horizon: 0,
                log_sd: 0.0,
                total: zero,
                intervals: vec![zero; slots],
            };
        };
        let mean_total = (m + v / 2.0).exp();
        let p = &self.profile.shares[date.weekday().num_days_from_monday() as usize];
        let mut totals: Vec<f64> = draws.iter().map(|d| d.iter().sum()).collect();
        let intervals = (0..slots)
            .map(|j| {
                let range = j * k..((j + 1) * k).min(p.len());
                let mut x: Vec<f64> = draws
                    .iter()
                    .map(|d| d[range.clone()].iter().sum())
                    .collect();
                Band::of(&mut x, mean_total * p[range].iter().sum::<f64>())
            })
            .collect();
        DayForecast {
            date,
            closed: false,
            factor,
            horizon: self.steps_to(date).unwrap_or(0),
            log_sd: v.sqrt(),
            total: Band::of(&mut totals, mean_total),
            intervals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_draws() {
        let mut d: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let b = Band::of(&mut d, 50.5);
        assert_eq!(b.q, [5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0]);
        assert!(b.covers(5.0, 0.9) && !b.covers(96.0, 0.9) && b.covers(25.0, 0.5));
    }
}
