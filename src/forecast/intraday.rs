//! Within the day: the weekday × interval profile (each weekday's share of the day per
//! interval, weighted towards recent weeks so that it may evolve) and the variation around it.
//!
//! Real counts vary more than Poisson given the day's total, and the more so the longer the
//! interval (the excess is correlated across intervals). The model is a doubly stochastic
//! Poisson process (Brown et al., "Statistical analysis of a telephone call center", JASA 2005;
//! Weinberg, Brown & Stroud, JASA 2007; Ibrahim, Ye, L'Ecuyer & Shen, "Modeling and forecasting
//! call center arrivals: a literature survey", IJF 2016): given the day's expected total `T`,
//! interval `i` has rate `T · p_i · Z_i / Σ_j p_j Z_j` with `log Z` a stationary Gaussian AR(1)
//! across intervals (standard deviation `sigma`, lag-one correlation `rho` per base
//! interval). `Z` only moves the day's contacts between intervals; the day's total varies
//! through the daily model.
//!
//! The two parameters are fitted by simulated moments: the dispersion index given the day's
//! total (see [`dispersion`]) at several interval lengths, measured on the history, is matched
//! by counts simulated on the same days, on common random numbers.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand_distr::{Distribution, Poisson, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use crate::rng::Rng;

/// The half-lives (weeks) a profile may use: the one that best predicts each of the last
/// weeks of the history from the weeks before it is kept. `None` weighs every week alike.
pub const HALF_LIVES: [Option<f64>; 5] = [Some(2.0), Some(4.0), Some(8.0), Some(16.0), None];

/// A weekday × interval profile: shares of the day per interval, Monday first.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// Shares per weekday (each sums to 1; empty for closed weekdays).
    pub shares: Vec<Vec<f64>>,
    /// Half-life of the weights, in weeks (`None`: all weeks alike).
    pub half_life_weeks: Option<f64>,
}

fn weekday(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

/// The weighted profile from `days` (date, counts) as seen at `at`.
fn weighted(
    days: &[(NaiveDate, &[f64])],
    at: NaiveDate,
    half_life: Option<f64>,
    slots: usize,
) -> Vec<Vec<f64>> {
    let mut sums = vec![vec![0.0; slots]; 7];
    let mut pooled = vec![0.0; slots];
    let mut weight = [0.0; 7];
    for (d, v) in days {
        let total: f64 = v.iter().sum();
        if total <= 0.0 || *d >= at {
            continue;
        }
        let age = (at - *d).num_days() as f64 / 7.0;
        let w = half_life.map_or(1.0, |h| 0.5f64.powf(age / h));
        let wd = weekday(*d);
        for (i, x) in v.iter().enumerate() {
            sums[wd][i] += w * x / total;
            pooled[i] += w * x / total;
        }
        weight[wd] += w;
    }
    let pooled_total: f64 = pooled.iter().sum();
    (0..7)
        .map(|wd| {
            if weight[wd] <= 0.0 {
                return Vec::new();
            }
            // A weekday seen in fewer than two weeks' weight leans on all days' profile.
            let lean = (2.0 - weight[wd]).max(0.0);
            let mut p: Vec<f64> = (0..slots)
                .map(|i| sums[wd][i] + lean * pooled[i] / pooled_total.max(1e-300))
                .collect();
            let s: f64 = p.iter().sum::<f64>().max(1e-300);
            p.iter_mut().for_each(|x| *x /= s);
            p
        })
        .collect()
}

/// The profile at the end of `days`, with the half-life that best predicted the last
/// `weeks` weeks one week ahead (multinomial log-likelihood of each day's counts).
pub fn profile(days: &[(NaiveDate, &[f64])], slots: usize, weeks: i64) -> Option<Profile> {
    let last = days.last()?.0;
    let from = last - chrono::Days::new(7 * weeks as u64);
    let scored: Vec<&(NaiveDate, &[f64])> = days.iter().filter(|d| d.0 > from).collect();
    let score = |h: Option<f64>| -> f64 {
        let mut ll = 0.0;
        for (d, v) in &scored {
            // Profile as known a week before the day.
            let origin = *d - chrono::Days::new((d.weekday().num_days_from_monday() + 1) as u64);
            let p = weighted(days, origin, h, slots);
            let p = &p[weekday(*d)];
            if p.is_empty() {
                continue;
            }
            for (x, q) in v.iter().zip(p) {
                ll += x * q.max(1e-9).ln();
            }
        }
        ll
    };
    let best = HALF_LIVES
        .iter()
        .map(|h| (*h, score(*h)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(h, _)| h)
        .unwrap_or(None);
    let at = last + chrono::Days::new(1);
    Some(Profile {
        shares: weighted(days, at, best, slots),
        half_life_weeks: best,
    })
}

/// The within-day rate process.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Within {
    /// Standard deviation of `log Z`.
    pub sigma: f64,
    /// Lag-one correlation of `log Z` per base interval.
    pub rho: f64,
}

impl Within {
    /// A path of `Z / Σ p Z` over the day's intervals, written into `out`.
    pub fn path(&self, rng: &mut Rng, p: &[f64], out: &mut Vec<f64>) {
        out.clear();
        if self.sigma <= 0.0 {
            out.extend(std::iter::repeat_n(1.0, p.len()));
            return;
        }
        let innov = (1.0 - self.rho * self.rho).sqrt();
        let mut u: f64 = StandardNormal.sample(rng);
        let mut norm = 0.0;
        for q in p {
            let z = (self.sigma * u).exp();
            norm += q * z;
            out.push(z);
            let e: f64 = StandardNormal.sample(rng);
            u = self.rho * u + innov * e;
        }
        let norm = norm.max(1e-300);
        out.iter_mut().for_each(|z| *z /= norm);
    }
}

/// Draws a Poisson count of mean `m` (0 for a mean of 0).
pub fn poisson(rng: &mut Rng, m: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    Poisson::new(m).map_or(m.round(), |d| d.sample(rng))
}

/// Dispersion index given the day's total, for intervals of `k` base intervals: the mean over
/// the day × interval cells of (count − expected)² / expected, where expected is the day's
/// total times its weekday's share of that interval (averaged over the same days). 1 for
/// Poisson counts; more when counts vary beyond it.
pub fn dispersion(days: &[(NaiveDate, &[f64])], k: usize) -> Option<f64> {
    let slots = days.first()?.1.len();
    let cells = slots / k.max(1);
    if cells == 0 {
        return None;
    }
    let mut prof = vec![vec![0.0; cells]; 7];
    let mut totals: Vec<f64> = Vec::with_capacity(days.len());
    for (d, v) in days {
        let t: f64 = v[..cells * k].iter().sum();
        totals.push(t);
        if t > 0.0 {
            for (j, p) in prof[weekday(*d)].iter_mut().enumerate() {
                *p += v[j * k..j * k + k].iter().sum::<f64>() / t;
            }
        }
    }
    let (mut num, mut n) = (0.0, 0usize);
    for ((d, v), t) in days.iter().zip(&totals) {
        let p = &prof[weekday(*d)];
        let s: f64 = p.iter().sum();
        if *t <= 0.0 || s <= 0.0 {
            continue;
        }
        for (j, q) in p.iter().enumerate() {
            let e = t * q / s;
            if e > 0.0 {
                let y: f64 = v[j * k..j * k + k].iter().sum();
                num += (y - e) * (y - e) / e;
                n += 1;
            }
        }
    }
    (n > 0).then(|| num / n as f64)
}

/// Interval lengths (in base intervals) at which the dispersion is matched: 1, 2, 4, 8, 16,
/// up to a quarter of the day.
pub fn lengths(slots: usize) -> Vec<usize> {
    let mut v = vec![1];
    while v.last().is_some_and(|k| k * 2 * 4 <= slots) {
        v.push(v.last().copied().unwrap_or(1) * 2);
    }
    v
}

/// Counts simulated on the given days (their totals kept as expected totals, their weekday's
/// share from `shares`) with the process `w`, from the same random numbers for every `w`.
#[cfg(test)]
fn simulate(
    days: &[(NaiveDate, &[f64])],
    shares: &[Vec<f64>],
    w: Within,
    seed: u64,
) -> Vec<(NaiveDate, Vec<f64>)> {
    let mut rng = Rng::seed_from_u64(seed);
    let mut z = Vec::new();
    days.iter()
        .map(|(d, v)| {
            let t: f64 = v.iter().sum();
            let p = &shares[weekday(*d)];
            w.path(&mut rng, p, &mut z);
            (
                *d,
                p.iter()
                    .zip(&z)
                    .map(|(q, z)| poisson(&mut rng, t * q * z))
                    .collect(),
            )
        })
        .collect()
}

/// `n` standard normal draws by Box–Muller, two per pair of uniforms.
fn innovations(n: usize, seed: u64) -> Vec<f64> {
    use rand::RngExt;
    let mut rng = Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n + 1);
    while out.len() < n {
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random();
        let r = (-2.0 * u1.ln()).sqrt();
        let a = 2.0 * std::f64::consts::PI * u2;
        out.push(r * a.cos());
        out.push(r * a.sin());
    }
    out
}

/// The rates `T · p_i · Z_i / Σ p Z` of the given days under `w`, from `noise`.
fn rates(
    days: &[(NaiveDate, &[f64])],
    shares: &[Vec<f64>],
    w: Within,
    noise: &[f64],
) -> Vec<(NaiveDate, Vec<f64>)> {
    let innov = (1.0 - w.rho * w.rho).sqrt();
    days.iter()
        .enumerate()
        .map(|(n, (d, v))| {
            let t: f64 = v.iter().sum();
            let p = &shares[weekday(*d)];
            let e = &noise[n * p.len()..(n + 1) * p.len()];
            let mut u = e.first().copied().unwrap_or(0.0);
            let mut z: Vec<f64> = Vec::with_capacity(p.len());
            for (i, _) in p.iter().enumerate() {
                if i > 0 {
                    u = w.rho * u + innov * e[i];
                }
                z.push((w.sigma * u).exp());
            }
            let norm: f64 = p
                .iter()
                .zip(&z)
                .map(|(q, z)| q * z)
                .sum::<f64>()
                .max(1e-300);
            (
                *d,
                p.iter().zip(&z).map(|(q, z)| t * q * z / norm).collect(),
            )
        })
        .collect()
}

fn borrowed(v: &[(NaiveDate, Vec<f64>)]) -> Vec<(NaiveDate, &[f64])> {
    v.iter().map(|(d, x)| (*d, x.as_slice())).collect()
}

/// The dispersion index by interval length (base intervals): (history, model).
pub type Matched = BTreeMap<usize, (f64, f64)>;

/// Simulated copies of the history averaged in the fit: the index of one copy varies by
/// about 5% at an hour (the process is strongly correlated), of eight by under 2%.
const REPLICAS: usize = 8;

/// Fits the within-day process to `days` by simulated moments: the excess dispersion
/// (index − 1) at [`lengths`] matched on a log scale over a grid of `sigma` and `rho`, then
/// refined. Returns it with the measured and the fitted indices.
pub fn fit_within(days: &[(NaiveDate, &[f64])], seed: u64) -> Option<(Within, Matched)> {
    let slots = days.first()?.1.len();
    let mut shares = vec![vec![0.0; slots]; 7];
    for (d, v) in days {
        let t: f64 = v.iter().sum();
        if t > 0.0 {
            for (s, x) in shares[weekday(*d)].iter_mut().zip(v.iter()) {
                *s += x / t;
            }
        }
    }
    for s in shares.iter_mut() {
        let t: f64 = s.iter().sum();
        if t > 0.0 {
            s.iter_mut().for_each(|x| *x /= t);
        }
    }
    let ks = lengths(slots);
    let measured: Vec<f64> = ks
        .iter()
        .map(|k| dispersion(days, *k).unwrap_or(1.0))
        .collect();
    // Poisson counts alone give (1 − 1/cells)(1 − weekdays/days) by this estimator (the
    // day's total and the profile come from the same counts); the rate process adds to it.
    let weekdays = {
        let mut w: Vec<usize> = days.iter().map(|d| weekday(d.0)).collect();
        w.sort_unstable();
        w.dedup();
        w.len() as f64
    };
    let base: Vec<f64> = ks
        .iter()
        .map(|k| (1.0 - 1.0 / (slots / k) as f64) * (1.0 - weekdays / days.len() as f64))
        .collect();
    let excess = |x: f64, b: f64| (x - b).max(1e-4).ln();
    // Counts are drawn as rate + √rate × a standard normal (the index depends on the counts'
    // first two moments, which this shares with Poisson) from Gaussian numbers drawn once
    // (Box–Muller on a fixed count of uniforms): the same numbers for every candidate, so
    // the loss is smooth in the parameters, as a Poisson sampler by rejection would not be.
    let cells = days.len() * slots;
    let noise = innovations(2 * REPLICAS * cells, seed);
    let loss = |w: Within| -> (f64, Vec<f64>) {
        // Each copy on its own thread; summed in order, so the result is the same on any.
        let per_copy: Vec<Vec<f64>> = (0..REPLICAS)
            .into_par_iter()
            .map(|r| {
                let (path_noise, count_noise) =
                    noise[2 * r * cells..2 * (r + 1) * cells].split_at(cells);
                let mut counts = rates(days, &shares, w, path_noise);
                for ((_, v), e) in counts.iter_mut().zip(count_noise.chunks(slots)) {
                    for (y, e) in v.iter_mut().zip(e) {
                        *y += y.sqrt() * e;
                    }
                }
                let counts = borrowed(&counts);
                ks.iter()
                    .map(|k| dispersion(&counts, *k).unwrap_or(0.0))
                    .collect()
            })
            .collect();
        let got: Vec<f64> = (0..ks.len())
            .map(|i| per_copy.iter().map(|c| c[i]).sum::<f64>() / REPLICAS as f64)
            .collect();
        let l = got
            .iter()
            .zip(&measured)
            .zip(&base)
            .map(|((g, m), b)| (excess(*g, *b) - excess(*m, *b)).powi(2))
            .sum();
        (l, got)
    };
    let rhos = [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995];
    let sigmas: Vec<f64> = (0..=16).map(|i| 0.02 * 1.25f64.powi(i)).collect();
    let mut best = (
        f64::INFINITY,
        Within {
            sigma: 0.0,
            rho: 0.0,
        },
    );
    if measured.iter().zip(&base).all(|(m, b)| *m <= b + 0.02) {
        best.1 = Within {
            sigma: 0.0,
            rho: 0.0,
        };
    } else {
        for &rho in &rhos {
            for &sigma in &sigmas {
                let w = Within { sigma, rho };
                let (l, _) = loss(w);
                if l < best.0 {
                    best = (l, w);
                }
            }
        }
        // Refine from the grid's best point, on scales where the parameters are unbounded.
        let to = |v: &[f64]| Within {
            sigma: v[0].exp(),
            rho: v[1].tanh(),
        };
        let start = [best.1.sigma.ln(), best.1.rho.min(0.995).atanh()];
        let v = super::simplex::minimize(
            &|v| loss(to(v)).0,
            &start,
            &[(1e-3f64).ln(), 0.0],
            &[0.0, 3.8],
        );
        if loss(to(&v)).0 < best.0 {
            best.1 = to(&v);
        }
    }
    let (_, got) = loss(best.1);
    let table = ks
        .iter()
        .zip(measured.iter().zip(got))
        .map(|(k, (m, g))| (*k, (*m, g)))
        .collect();
    Some((best.1, table))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days_of(sim: &[(NaiveDate, Vec<f64>)]) -> Vec<(NaiveDate, &[f64])> {
        borrowed(sim)
    }

    /// Poisson counts have a dispersion index of 1 at every length; a correlated rate process
    /// raises it more at longer intervals. Counts simulated with a known process are fitted back.
    #[test]
    fn fits_back_a_known_within_day_process() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
        let slots = 96;
        let shape: Vec<f64> = (0..slots)
            .map(|i| 1.0 + (std::f64::consts::PI * i as f64 / slots as f64).sin())
            .collect();
        let s: f64 = shape.iter().sum();
        let shares: Vec<Vec<f64>> = (0..7)
            .map(|_| shape.iter().map(|x| x / s).collect())
            .collect();
        let blank: Vec<(NaiveDate, Vec<f64>)> = (0..150u64)
            .map(|i| {
                (
                    start + chrono::Days::new(i),
                    vec![20_000.0 / slots as f64; slots],
                )
            })
            .collect();
        let blank_ref = days_of(&blank);
        let poisson = simulate(
            &blank_ref,
            &shares,
            Within {
                sigma: 0.0,
                rho: 0.0,
            },
            1,
        );
        // Given the day's total the counts are multinomial, and the profile is estimated from
        // the same days: E = (1 − 1/cells)(1 − 1/days per weekday). Tolerance: three standard
        // errors of a mean of (cells × days) terms of variance about 2.
        for k in [1, 4, 16] {
            let d = dispersion(&days_of(&poisson), k).expect("index");
            let cells = (slots / k) as f64;
            let expected = (1.0 - 1.0 / cells) * (1.0 - 7.0 / 150.0);
            let tol = 3.0 * (2.0 / (cells * 150.0)).sqrt();
            assert!(
                (d - expected).abs() < tol,
                "Poisson at {k}: {d} against {expected}"
            );
        }
        // Round trip: sixteen histories drawn from a known process are fitted back; the mean of
        // the estimates lies within three standard errors (their spread / √16) of the truth.
        let truth = Within {
            sigma: 0.08,
            rho: 0.9,
        };
        let sim = simulate(&blank_ref, &shares, truth, 2);
        let d1 = dispersion(&days_of(&sim), 1).expect("index");
        let d16 = dispersion(&days_of(&sim), 16).expect("index");
        assert!(d16 > 2.0 * d1, "{d1} {d16}");
        let fits: Vec<Within> = (10..26)
            .map(|seed| {
                let sim = simulate(&blank_ref, &shares, truth, seed);
                // Each fit on random numbers of its own: the simulated moments' own noise is
                // part of the estimate's error.
                fit_within(&days_of(&sim), seed + 1000).expect("fits").0
            })
            .collect();
        for (name, get, want) in [
            (
                "sigma",
                (|w: &Within| w.sigma) as fn(&Within) -> f64,
                truth.sigma,
            ),
            ("rho", |w: &Within| w.rho, truth.rho),
        ] {
            let x: Vec<f64> = fits.iter().map(get).collect();
            let m = crate::stats::mean_se(&x).expect("sixteen fits");
            let se = m.std_err.expect("sixteen fits");
            assert!(
                (m.mean - want).abs() < 3.0 * se,
                "{name}: {} ± {se} against {want}",
                m.mean
            );
            assert!(se < 0.05 * want, "{name} is pinned down: se {se}");
        }
    }
}
