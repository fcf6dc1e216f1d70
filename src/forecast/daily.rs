//! The daily level: each open day's total on a log scale, as an exponential-smoothing state
//! space model with a weekday seasonal and an optional damped trend — ETS(A,N,A) or
//! ETS(A,Ad,A) in the taxonomy of Hyndman, Koehler, Ord & Snyder, *Forecasting with
//! Exponential Smoothing* (Springer 2008). Its parameters minimise the in-sample error over
//! the next two weeks rather than the next day only; the trend is kept
//! when it lowers that error by more than its extra parameters cost (Akaike's final prediction
//! error). The predictive variance at each horizon is measured on the history's own errors at
//! that horizon, so the bands widen as much as the level has actually drifted.
//!
//! The series steps through open days only (the weekdays the history has data on). A day
//! without an observation (missing, closed by the calendar, or outlying) advances the level
//! and trend without an update. On the log scale a multiplicative calendar factor is a shift,
//! and the residual variance is the day-to-day variation beyond Poisson.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One open day of the series: its date and, when observed, its log total less the log of its
/// calendar factor and yearly seasonal.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The date.
    pub date: NaiveDate,
    /// The observation, when there is one.
    pub x: Option<f64>,
}

/// Smoothing parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing (0 without a trend).
    pub beta: f64,
    /// Weekday seasonal smoothing.
    pub gamma: f64,
    /// Trend damping (0 without a trend).
    pub phi: f64,
}

/// The fitted daily model.
#[derive(Debug, Clone, Serialize)]
pub struct Daily {
    /// Smoothing parameters.
    pub params: Params,
    /// Whether the damped trend was chosen.
    pub trend: bool,
    /// Standard deviation of the one-step error on the log scale (≈ the day-to-day coefficient
    /// of variation).
    pub sigma: f64,
    /// Variance of the log error one open day ahead, and its growth per further day:
    /// v(h) = v₁ + c·(h − 1), measured on the history's in-sample errors at each horizon
    /// (empirical prediction intervals, Williams & Goodman, JASA 1971) rather than taken from
    /// the model's own formula, which over-states how fast a level that partly reverts drifts.
    pub growth: (f64, f64),
    /// The measured mean squared log errors: (horizon in open days, value, errors behind it).
    pub measured: Vec<(usize, f64, usize)>,
    /// Observations used.
    pub observations: usize,
    /// Final level (log scale).
    pub level: f64,
    /// Final trend (log scale per open day).
    pub slope: f64,
    /// Final weekday seasonal (log scale), Monday first; 0 for closed weekdays.
    pub seasonal: [f64; 7],
    /// Open days from the last observation to the end of the history.
    #[serde(skip)]
    pub unobserved_tail: usize,
    /// One-step residuals by date (observed days after the first week).
    #[serde(skip)]
    pub residuals: Vec<(NaiveDate, f64)>,
    /// Open weekdays.
    #[serde(skip)]
    pub open: [bool; 7],
}

/// The state after running the filter.
struct Run {
    sse: f64,
    n: usize,
    /// Squared errors summed per horizon (index h − 1) and their counts.
    msteps: Vec<(f64, usize)>,
    level: f64,
    slope: f64,
    seasonal: [f64; 7],
    residuals: Vec<(NaiveDate, f64)>,
    tail: usize,
}

fn weekday(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

/// Initial level and weekday seasonal from the first four weeks observed.
fn initial(steps: &[Step]) -> (f64, [f64; 7]) {
    let Some(first) = steps.iter().find(|s| s.x.is_some()) else {
        return (0.0, [0.0; 7]);
    };
    let end = first.date + chrono::Days::new(28);
    let mut sum = [0.0; 7];
    let mut n = [0usize; 7];
    for s in steps.iter().filter(|s| s.date < end) {
        if let Some(x) = s.x {
            sum[weekday(s.date)] += x;
            n[weekday(s.date)] += 1;
        }
    }
    let means: Vec<f64> = (0..7)
        .filter(|&w| n[w] > 0)
        .map(|w| sum[w] / n[w] as f64)
        .collect();
    let level = means.iter().sum::<f64>() / means.len().max(1) as f64;
    let mut seasonal = [0.0; 7];
    for w in 0..7 {
        if n[w] > 0 {
            seasonal[w] = sum[w] / n[w] as f64 - level;
        }
    }
    (level, seasonal)
}

/// Runs the filter; with `horizons` > 1, also forecasts from every observed day after the
/// first week up to `horizons` open days ahead and sums the squared errors per horizon.
fn filter(steps: &[Step], p: Params, trend: bool, horizons: usize) -> Run {
    let (mut level, mut seasonal) = initial(steps);
    let mut slope = 0.0;
    let burn_in = steps.first().map(|s| s.date + chrono::Days::new(7));
    let (mut sse, mut n, mut tail) = (0.0, 0, 0);
    let mut msteps = vec![(0.0, 0usize); horizons];
    let mut residuals = Vec::new();
    let phi = if trend { p.phi } else { 0.0 };
    for (t, s) in steps.iter().enumerate() {
        let w = weekday(s.date);
        let pred = level + phi * slope + seasonal[w];
        match s.x {
            Some(x) => {
                let e = x - pred;
                level += phi * slope + p.alpha * e;
                slope = phi * slope + p.beta * e;
                seasonal[w] += p.gamma * e;
                if burn_in.is_some_and(|b| s.date >= b) {
                    sse += e * e;
                    n += 1;
                    residuals.push((s.date, e));
                    // From this state, step t + j is j steps ahead (j = 1 is `e` above,
                    // counted when that step is reached).
                    let mut damped = phi;
                    let mut power = phi;
                    for j in 2..=horizons {
                        power *= phi;
                        damped += power;
                        let Some(ahead) = steps.get(t + j) else { break };
                        if let Some(y) = ahead.x {
                            let f = level + damped * slope + seasonal[weekday(ahead.date)];
                            msteps[j - 1].0 += (y - f) * (y - f);
                            msteps[j - 1].1 += 1;
                        }
                    }
                }
                tail = 0;
            }
            None => {
                level += phi * slope;
                slope *= phi;
                tail += 1;
            }
        }
    }
    if let Some(m) = msteps.first_mut() {
        *m = (sse, n);
    }
    Run {
        sse,
        n,
        msteps,
        level,
        slope,
        seasonal,
        residuals,
        tail,
    }
}

/// Mean over horizons 1..=`FIT_HORIZONS` of the mean squared error at each (the trace of
/// the multi-step error, "TMSE": Kourentzes, Trapero & Barrow, "Optimising forecasting
/// models for inventory planning", IJPE 2020). Fitting on it, rather than on one-step errors
/// alone, keeps the level from chasing each day's noise and so from over-stating how far it
/// drifts.
fn tmse(run: &Run) -> f64 {
    let v: Vec<f64> = run
        .msteps
        .iter()
        .filter(|m| m.1 > 0)
        .map(|m| m.0 / m.1 as f64)
        .collect();
    if v.is_empty() {
        f64::INFINITY
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Open days over which the multi-step error is fitted (two weeks of five days).
const FIT_HORIZONS: usize = 10;
/// Fewest in-sample errors at a horizon for its variance to be measured.
const MIN_ERRORS: usize = 30;

fn params(v: &[f64], trend: bool) -> Params {
    if trend {
        Params {
            alpha: v[0],
            gamma: v[1],
            beta: v[2] * v[0],
            phi: v[3],
        }
    } else {
        Params {
            alpha: v[0],
            gamma: v[1],
            beta: 0.0,
            phi: 0.0,
        }
    }
}

/// Fits one form of the model on the multi-step error; returns it with that error inflated by
/// Akaike's final prediction error factor (n + k)/(n − k), which weighs the trend's extra
/// parameters.
fn fit_form(steps: &[Step], trend: bool, open: [bool; 7]) -> Option<(Daily, f64)> {
    let objective = |v: &[f64]| {
        let p = params(v, trend);
        // The seasonal smoothing stays below 1 − α (Hyndman et al. 2008, §10.2).
        if p.gamma > 1.0 - p.alpha {
            return f64::INFINITY;
        }
        tmse(&filter(steps, p, trend, FIT_HORIZONS))
    };
    let (start, lo, hi): (Vec<f64>, Vec<f64>, Vec<f64>) = if trend {
        (
            vec![0.2, 0.05, 0.1, 0.9],
            vec![1e-4, 0.0, 0.0, 0.8],
            vec![0.95, 0.5, 1.0, 0.98],
        )
    } else {
        (vec![0.2, 0.05], vec![1e-4, 0.0], vec![0.95, 0.5])
    };
    let best = super::simplex::minimize(&objective, &start, &lo, &hi);
    let p = params(&best, trend);
    let observed = steps.iter().filter(|s| s.x.is_some()).count();
    let run = filter(
        steps,
        p,
        trend,
        (observed / 3).clamp(FIT_HORIZONS, MAX_MEASURED),
    );
    let seasons = open.iter().filter(|o| **o).count();
    // Parameters and initial states: level, open weekdays' seasonals less one, and a trend.
    let k = best.len() + 1 + seasons.saturating_sub(1) + usize::from(trend);
    let n = run.n;
    if n <= k + 2 {
        return None;
    }
    let sigma = (run.sse / (n - k) as f64).sqrt();
    let fpe = tmse(&Run {
        msteps: run.msteps[..FIT_HORIZONS.min(run.msteps.len())].to_vec(),
        residuals: Vec::new(),
        ..run
    }) * (n + k) as f64
        / (n - k) as f64;
    let measured: Vec<(usize, f64, usize)> = run
        .msteps
        .iter()
        .enumerate()
        .filter(|(_, m)| m.1 >= MIN_ERRORS)
        .map(|(h, m)| (h + 1, m.0 / m.1 as f64, m.1))
        .collect();
    let growth = growth(&measured, sigma * sigma);
    let mut seasonal = run.seasonal;
    for (w, s) in seasonal.iter_mut().enumerate() {
        if !open[w] {
            *s = 0.0;
        }
    }
    Some((
        Daily {
            params: p,
            trend,
            sigma,
            growth,
            measured,
            observations: n,
            level: run.level,
            slope: if trend { run.slope } else { 0.0 },
            seasonal,
            unobserved_tail: run.tail,
            residuals: run.residuals,
            open,
        },
        fpe,
    ))
}

/// Most horizons (open days) whose in-sample error is measured.
const MAX_MEASURED: usize = 130;

/// The variance of the log error as a line in the horizon, v(h) = v₁ + c·(h − 1), c ≥ 0,
/// fitted by least squares (weighted by the errors behind each point) to the measured mean
/// squared errors; `v1` alone when there is nothing to fit.
fn growth(measured: &[(usize, f64, usize)], v1: f64) -> (f64, f64) {
    let w: f64 = measured.iter().map(|m| m.2 as f64).sum();
    if measured.len() < 3 || w <= 0.0 {
        return (v1, 0.0);
    }
    let mh = measured
        .iter()
        .map(|m| m.2 as f64 * (m.0 as f64 - 1.0))
        .sum::<f64>()
        / w;
    let mv = measured.iter().map(|m| m.2 as f64 * m.1).sum::<f64>() / w;
    let sxy: f64 = measured
        .iter()
        .map(|m| m.2 as f64 * (m.0 as f64 - 1.0 - mh) * (m.1 - mv))
        .sum();
    let sxx: f64 = measured
        .iter()
        .map(|m| m.2 as f64 * (m.0 as f64 - 1.0 - mh).powi(2))
        .sum();
    let c = if sxx > 0.0 { (sxy / sxx).max(0.0) } else { 0.0 };
    let a = (mv - c * mh).max(0.25 * v1);
    (a, c)
}

/// Fits the daily model with and without a damped trend and keeps the one with the lower
/// penalized multi-step error. `None` when there are too few observations (about two weeks
/// are needed).
pub fn fit(steps: &[Step], open: [bool; 7]) -> Option<Daily> {
    let flat = fit_form(steps, false, open);
    let trended = fit_form(steps, true, open);
    match (flat, trended) {
        (Some(a), Some(b)) => Some(if b.1 < a.1 { b.0 } else { a.0 }),
        (Some(a), None) => Some(a.0),
        (None, b) => b.map(|b| b.0),
    }
}

impl Daily {
    /// Mean and variance (log scale) of the open day `h` steps after the history's end (h ≥ 1),
    /// falling on weekday `w`. The variance is the one measured on the history's own errors
    /// at that horizon (a line in the horizon, see [`Daily::growth`]), counted from the last
    /// observed day, so a missing tail widens the band as well.
    pub fn predict(&self, h: usize, w: usize) -> (f64, f64) {
        let phi = if self.trend { self.params.phi } else { 0.0 };
        let damped: f64 = (1..=h).map(|i| phi.powi(i as i32)).sum();
        let mean = self.level + damped * self.slope + self.seasonal[w];
        let steps = (h + self.unobserved_tail) as f64;
        (mean, self.growth.0 + self.growth.1 * (steps - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    /// A local level with weekday effects, simulated, is fitted back: σ within its sampling
    /// error, the weekday pattern recovered.
    #[test]
    fn recovers_a_simulated_local_level() {
        let mut rng = crate::rng::Rng::seed_from_u64(7);
        let noise = Normal::new(0.0, 0.05).expect("sd");
        let drift = Normal::new(0.0, 0.01).expect("sd");
        let week = [0.15, 0.05, 0.0, -0.02, 0.03, 0.0, 0.0];
        let mut level = 10.0;
        let mut steps = Vec::new();
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
        for i in 0..700u64 {
            let date = start + chrono::Days::new(i);
            let w = weekday(date);
            if w >= 5 {
                continue;
            }
            level += drift.sample(&mut rng);
            steps.push(Step {
                date,
                x: Some(level + week[w] + noise.sample(&mut rng)),
            });
        }
        let open = [true, true, true, true, true, false, false];
        let d = fit(&steps, open).expect("fits");
        let n = d.observations as f64;
        // One-step error sd of a local level + noise: σ² = σ_e²·(1 + q/α-ish) ≥ 0.05; its own
        // sampling error is about σ/√(2n).
        assert!(
            d.sigma > 0.05 - 3.0 * 0.05 / (2.0 * n).sqrt(),
            "{}",
            d.sigma
        );
        assert!(d.sigma < 0.065, "{}", d.sigma);
        let mon_minus_wed = d.seasonal[0] - d.seasonal[2];
        assert!((mon_minus_wed - 0.15).abs() < 0.04, "{mon_minus_wed}");
        let (_, v1) = d.predict(1, 0);
        let (_, v20) = d.predict(20, 0);
        assert!(v20 > v1, "the band widens with the horizon");
    }
}
