//! Yearly seasonality, fitted only when the history spans two years or more (a shorter one
//! cannot tell a season from a level change). The log daily totals are regressed on a linear
//! trend, the open weekdays and three Fourier pairs of the day of the year (the harmonic
//! regression of Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
//! §7.4 and §12.1); the Fourier part is the yearly seasonal, taken out before the daily model
//! and put back in its forecasts.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Days of history needed before a yearly seasonal is fitted.
pub const MIN_SPAN_DAYS: i64 = 730;
/// Fourier pairs.
const PAIRS: usize = 3;

/// The fitted yearly seasonal: log-scale coefficients of sin and cos pairs.
#[derive(Debug, Clone, Serialize)]
pub struct Yearly {
    /// (sin, cos) coefficient of each harmonic.
    pub pairs: Vec<(f64, f64)>,
}

fn angle(d: NaiveDate) -> f64 {
    2.0 * std::f64::consts::PI * f64::from(d.ordinal0()) / 365.25
}

impl Yearly {
    /// The seasonal (log scale) on `date`.
    pub fn at(&self, date: NaiveDate) -> f64 {
        let a = angle(date);
        self.pairs
            .iter()
            .enumerate()
            .map(|(k, (s, c))| {
                let m = (k + 1) as f64 * a;
                s * m.sin() + c * m.cos()
            })
            .sum()
    }

    /// Its largest swing, as a share above and below the mean (e.g. 0.12 for ±12%).
    pub fn amplitude(&self) -> f64 {
        let d0 = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or_default();
        let v: Vec<f64> = d0.iter_days().take(365).map(|d| self.at(d)).collect();
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        (hi - lo) / 2.0
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting (`None` if singular).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..n {
            let f = a[r][col] / a[col][col];
            let (upper, lower) = a.split_at_mut(r);
            for (x, p) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *x -= f * p;
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// Fits the yearly seasonal to (date, log total) when they span [`MIN_SPAN_DAYS`].
pub fn fit(days: &[(NaiveDate, f64)], open: [bool; 7]) -> Option<Yearly> {
    let (first, last) = (days.first()?.0, days.last()?.0);
    if (last - first).num_days() < MIN_SPAN_DAYS {
        return None;
    }
    let weekdays: Vec<usize> = (0..7).filter(|w| open[*w]).skip(1).collect();
    let row = |d: NaiveDate| -> Vec<f64> {
        let mut r = vec![1.0, (d - first).num_days() as f64 / 365.25];
        let w = d.weekday().num_days_from_monday() as usize;
        r.extend(weekdays.iter().map(|o| f64::from(u8::from(*o == w))));
        let a = angle(d);
        for k in 1..=PAIRS {
            let m = k as f64 * a;
            r.push(m.sin());
            r.push(m.cos());
        }
        r
    };
    let p = row(first).len();
    let mut xtx = vec![vec![0.0; p]; p];
    let mut xty = vec![0.0; p];
    for (d, y) in days {
        let r = row(*d);
        for i in 0..p {
            xty[i] += r[i] * y;
            for j in 0..p {
                xtx[i][j] += r[i] * r[j];
            }
        }
    }
    let beta = solve(xtx, xty)?;
    let f = &beta[p - 2 * PAIRS..];
    Some(Yearly {
        pairs: (0..PAIRS).map(|k| (f[2 * k], f[2 * k + 1])).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_yearly_wave() {
        let start = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
        let days: Vec<(NaiveDate, f64)> = start
            .iter_days()
            .take(3 * 365)
            .map(|d| {
                (
                    d,
                    8.0 + 0.2 * angle(d).cos() + 0.001 * (d - start).num_days() as f64 / 7.0,
                )
            })
            .collect();
        let y = fit(&days, [true; 7]).expect("fits");
        assert!((y.pairs[0].1 - 0.2).abs() < 0.01, "{:?}", y.pairs);
        assert!((y.amplitude() - 0.2).abs() < 0.01);
        assert!(
            fit(&days[..600], [true; 7]).is_none(),
            "under two years: none"
        );
    }
}
