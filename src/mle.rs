//! Maximum-likelihood fits of duration distributions to observations, some of them right-
//! censored (a served caller's wait is a lower bound on their patience), and the Kaplan–Meier
//! estimate of the survival curve.
//!
//! Each family is fitted in the parameters a scenario uses, (ln mean, ln CV), by Nelder–Mead
//! on the log-likelihood; standard errors come from the inverse of the observed information
//! (a numerical Hessian) — Lawless, *Statistical Models and Methods for Lifetime Data*, 2nd
//! ed. (2003), §2.4 and ch. 5. Families are compared by Akaike's information criterion.

use statrs::function::erf::erfc;
use statrs::function::gamma::{checked_gamma_ur, ln_gamma};

use crate::dist::Family;

/// Observations shorter than this are taken at this value (logs count whole seconds, and a
/// log-density has no value at zero).
pub const FLOOR: f64 = 0.5;

/// Fewest events for a two-parameter fit.
pub const MIN_FOR_SHAPE: usize = 10;

/// A fitted distribution with its uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub struct DistFit {
    /// Family chosen.
    pub family: Family,
    /// Mean, seconds.
    pub mean: f64,
    /// Standard error of the mean.
    pub mean_se: f64,
    /// Coefficient of variation (1 for exponential).
    pub cv: f64,
    /// Standard error of the CV (0 for exponential, where it is fixed).
    pub cv_se: f64,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's information criterion, 2k − 2 ln L.
    pub aic: f64,
    /// Largest gap between the fitted survival curve and the Kaplan–Meier (or, without
    /// censoring, the empirical) one: the Kolmogorov–Smirnov distance (with censoring, over
    /// the times at which at least 1% of the sample is still at risk).
    pub distance: f64,
    /// Observed values (events).
    pub events: usize,
    /// Censored values.
    pub censored: usize,
}

/// Log-likelihood pieces of one family at (mean, cv).
struct Model {
    family: Family,
    mean: f64,
    cv: f64,
}

impl Model {
    fn ln_survival(&self, x: f64) -> f64 {
        let (m, cv) = (self.mean, self.cv);
        match self.family {
            Family::Lognormal => {
                let s2 = (1.0 + cv * cv).ln();
                let mu = m.ln() - s2 / 2.0;
                ln_normal_tail((x.ln() - mu) / s2.sqrt())
            }
            Family::Gamma => {
                let k = 1.0 / (cv * cv);
                let theta = m * cv * cv;
                match checked_gamma_ur(k, x / theta) {
                    Ok(q) if q > 0.0 => q.ln(),
                    _ => f64::NEG_INFINITY,
                }
            }
            _ => -x / m,
        }
    }

    fn survival(&self, x: f64) -> f64 {
        self.ln_survival(x).exp()
    }
}

/// ln P(Z > z) for a standard normal Z, accurate far into the tail.
fn ln_normal_tail(z: f64) -> f64 {
    if z < 8.0 {
        (0.5 * erfc(z / std::f64::consts::SQRT_2)).ln()
    } else {
        // Mills ratio: P(Z > z) ≈ φ(z)/z · (1 − 1/z² + 3/z⁴).
        let z2 = z * z;
        -z2 / 2.0 - (z * (2.0 * std::f64::consts::PI).sqrt()).ln()
            + (1.0 - 1.0 / z2 + 3.0 / (z2 * z2)).ln()
    }
}

/// Observations prepared once for repeated log-likelihood evaluations.
struct Data<'a> {
    events: &'a [f64],
    censored: &'a [f64],
    sum: f64,
    sum_ln: f64,
    n: f64,
}

impl Data<'_> {
    fn log_likelihood(&self, family: Family, mean: f64, cv: f64) -> f64 {
        let m = Model { family, mean, cv };
        // Events enter through sufficient statistics where the density allows.
        let ev = match family {
            Family::Lognormal => {
                let s2 = (1.0 + cv * cv).ln();
                let mu = mean.ln() - s2 / 2.0;
                let ss: f64 = self.events.iter().map(|x| (x.ln() - mu).powi(2)).sum();
                -self.sum_ln
                    - self.n * 0.5 * (2.0 * std::f64::consts::PI * s2).ln()
                    - ss / (2.0 * s2)
            }
            Family::Gamma => {
                let k = 1.0 / (cv * cv);
                let theta = mean * cv * cv;
                (k - 1.0) * self.sum_ln - self.sum / theta - self.n * (ln_gamma(k) + k * theta.ln())
            }
            _ => -self.n * mean.ln() - self.sum / mean,
        };
        let ce: f64 = self.censored.iter().map(|&c| m.ln_survival(c)).sum();
        let ll = ev + ce;
        if ll.is_nan() { f64::NEG_INFINITY } else { ll }
    }
}

/// Nelder–Mead minimisation of `f` from `x0` with initial step `step` (Nelder and Mead, 1965,
/// with the standard coefficients 1, 2, ½, ½).
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64, iterations: usize) -> Vec<f64> {
    let n = x0.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=n)
        .map(|i| {
            let mut x = x0.to_vec();
            if i > 0 {
                x[i - 1] += step;
            }
            let fx = f(&x);
            (x, fx)
        })
        .collect();
    for _ in 0..iterations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let spread = simplex[n].1 - simplex[0].1;
        if spread.abs() < 1e-10 {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[n].0[j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = f(&xr);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = f(&xe);
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let xc = if fr < simplex[n].1 {
                along(-0.5)
            } else {
                along(0.5)
            };
            let fc = f(&xc);
            if fc < fr.min(simplex[n].1) {
                simplex[n] = (xc, fc);
            } else {
                let best = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    for (x, b) in p.0.iter_mut().zip(&best) {
                        *x = b + 0.5 * (*x - b);
                    }
                    p.1 = f(&p.0);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}

/// Inverse of the numerical Hessian of `f` (a negative log-likelihood) at `x`: the asymptotic
/// covariance of the estimates. `None` when it is not positive definite.
#[allow(clippy::needless_range_loop)] // a symmetric matrix filled by index pairs
fn covariance(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Option<Vec<Vec<f64>>> {
    let n = x.len();
    let h = 1e-3;
    let at = |d: &[(usize, f64)]| {
        let mut y = x.to_vec();
        for (i, v) in d {
            y[*i] += v;
        }
        f(&y)
    };
    let f0 = f(x);
    let mut hess = vec![vec![0.0; n]; n];
    for i in 0..n {
        hess[i][i] = (at(&[(i, h)]) - 2.0 * f0 + at(&[(i, -h)])) / (h * h);
        for j in 0..i {
            let v = (at(&[(i, h), (j, h)]) - at(&[(i, h), (j, -h)]) - at(&[(i, -h), (j, h)])
                + at(&[(i, -h), (j, -h)]))
                / (4.0 * h * h);
            hess[i][j] = v;
            hess[j][i] = v;
        }
    }
    match n {
        1 => (hess[0][0] > 0.0).then(|| vec![vec![1.0 / hess[0][0]]]),
        2 => {
            let det = hess[0][0] * hess[1][1] - hess[0][1] * hess[1][0];
            (det > 0.0 && hess[0][0] > 0.0).then(|| {
                vec![
                    vec![hess[1][1] / det, -hess[0][1] / det],
                    vec![-hess[1][0] / det, hess[0][0] / det],
                ]
            })
        }
        _ => None,
    }
}

/// One point of a Kaplan–Meier curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmPoint {
    /// Time, seconds.
    pub time: f64,
    /// Estimated survival just after `time`.
    pub survival: f64,
    /// Greenwood standard error.
    pub se: f64,
    /// At risk just before `time`.
    pub at_risk: usize,
}

/// Kaplan–Meier estimate from events and right-censored times (Kaplan and Meier, 1958), with
/// Greenwood's variance; at tied times events come before censorings.
pub fn kaplan_meier(events: &[f64], censored: &[f64]) -> Vec<KmPoint> {
    let mut all: Vec<(f64, bool)> = events
        .iter()
        .map(|&t| (t, true))
        .chain(censored.iter().map(|&t| (t, false)))
        .collect();
    // A total order (time, then events first): an in-place sort gives the same sequence.
    all.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = all.len();
    let (mut s, mut g) = (1.0, 0.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let t = all[i].0;
        let (mut d, mut c) = (0, 0);
        while i < all.len() && all[i].0 == t {
            if all[i].1 {
                d += 1
            } else {
                c += 1
            }
            i += 1;
        }
        if d > 0 {
            let n = at_risk as f64;
            s *= 1.0 - d as f64 / n;
            if at_risk > d {
                g += d as f64 / (n * (n - d as f64));
            }
            out.push(KmPoint {
                time: t,
                survival: s,
                se: s * g.sqrt(),
                at_risk,
            });
        }
        at_risk -= d + c;
    }
    out
}

/// Fits one family to `events` with `censored` right-censored values (both in seconds, each
/// floored at [`FLOOR`]). `None` without events.
pub fn fit(family: Family, events: &[f64], censored: &[f64]) -> Option<DistFit> {
    let ev: Vec<f64> = events.iter().map(|x| x.max(FLOOR)).collect();
    // A censoring time below the floor carries no information (survival is 1 there).
    let ce: Vec<f64> = censored.iter().copied().filter(|x| *x > FLOOR).collect();
    if ev.is_empty() {
        return None;
    }
    let data = Data {
        events: &ev,
        censored: &ce,
        sum: ev.iter().sum(),
        sum_ln: ev.iter().map(|x| x.ln()).sum(),
        n: ev.len() as f64,
    };
    // Start from the censored exponential estimate (total time ÷ events) and the events' CV.
    let total: f64 = data.sum + ce.iter().sum::<f64>();
    let m0 = total / data.n;
    let mean_ev = data.sum / data.n;
    let var_ev = ev.iter().map(|x| (x - mean_ev).powi(2)).sum::<f64>() / data.n;
    let cv0 = (var_ev.sqrt() / mean_ev).clamp(0.2, 5.0);
    let nll = |p: &[f64]| -> f64 {
        let mean = p[0].exp();
        let cv = p.get(1).map_or(1.0, |c| c.exp());
        // The CV range a scenario accepts.
        if !(mean.is_finite() && cv.is_finite() && mean > 0.0 && (0.01..=20.0).contains(&cv)) {
            return f64::INFINITY;
        }
        -data.log_likelihood(family, mean, cv)
    };
    let p = match family {
        Family::Exponential => vec![m0.ln()],
        _ => nelder_mead(&nll, &[m0.ln(), cv0.ln()], 0.3, 400),
    };
    let ll = -nll(&p);
    if !ll.is_finite() {
        return None;
    }
    let cov = covariance(&nll, &p);
    let mean = p[0].exp();
    let cv = p.get(1).map_or(1.0, |c| c.exp());
    let (mean_se, cv_se) = match &cov {
        Some(c) => (
            mean * c[0][0].max(0.0).sqrt(),
            if p.len() > 1 {
                cv * c[1][1].max(0.0).sqrt()
            } else {
                0.0
            },
        ),
        None => (f64::NAN, f64::NAN),
    };
    let model = Model { family, mean, cv };
    let km = kaplan_meier(&ev, &ce);
    // The gap is largest at a jump of the step curve: compare with both sides of each step.
    let mut before = 1.0;
    let mut distance: f64 = 0.0;
    // With censoring, the curve's far tail rests on a handful of people still at risk (it
    // drops to 0 if the last of them abandons): compare where at least 1% of the sample, and
    // at least 30 people, remain.
    let min_at_risk = if ce.is_empty() {
        0
    } else {
        ((ev.len() + ce.len()) / 100).max(30)
    };
    for pt in km.iter().take_while(|p| p.at_risk >= min_at_risk) {
        let sf = model.survival(pt.time);
        distance = distance
            .max((sf - pt.survival).abs())
            .max((sf - before).abs());
        before = pt.survival;
    }
    Some(DistFit {
        family,
        mean,
        mean_se,
        cv,
        cv_se,
        log_likelihood: ll,
        aic: 2.0 * p.len() as f64 - 2.0 * ll,
        distance,
        events: ev.len(),
        censored: ce.len(),
    })
}

/// Fits exponential, lognormal and gamma; returns every fit, the best (lowest AIC) first.
pub fn fit_best(events: &[f64], censored: &[f64]) -> Vec<DistFit> {
    // A shape needs data: with few events, or all equal, only the exponential is fitted.
    let distinct = events
        .iter()
        .any(|x| (x.max(FLOOR) - events[0].max(FLOOR)).abs() > 1e-9);
    let families: &[Family] = if events.len() >= MIN_FOR_SHAPE && distinct {
        &[Family::Lognormal, Family::Gamma, Family::Exponential]
    } else {
        &[Family::Exponential]
    };
    let mut fits: Vec<DistFit> = families
        .iter()
        .copied()
        .filter_map(|f| fit(f, events, censored))
        .collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    fits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::rng::{Stream, stream};

    fn sample(family: Family, mean: f64, cv: f64, n: usize) -> Vec<f64> {
        let d = Dist::new(family, mean, cv).unwrap_or(Dist::Fixed { value: 1.0 });
        let mut r = stream(7, 0, Stream::Days);
        (0..n).map(|_| d.sample(&mut r)).collect()
    }

    #[test]
    fn recovers_lognormal_and_gamma_within_their_errors() {
        for (family, mean, cv) in [(Family::Lognormal, 200.0, 1.1), (Family::Gamma, 300.0, 0.6)] {
            let x = sample(family, mean, cv, 20_000);
            let best = &fit_best(&x, &[])[0];
            assert_eq!(best.family, family);
            assert!((best.mean - mean).abs() < 4.0 * best.mean_se, "{best:?}");
            assert!((best.cv - cv).abs() < 4.0 * best.cv_se, "{best:?}");
            assert!(best.distance < 0.02);
        }
    }

    #[test]
    fn censored_exponential_is_total_time_over_events() {
        // Patience 120 s, observed only when shorter than a 60 s wait.
        let p = sample(Family::Exponential, 120.0, 1.0, 20_000);
        let (ev, ce): (Vec<f64>, Vec<f64>) = p.iter().partition(|&&x| x < 60.0);
        let ce: Vec<f64> = ce.iter().map(|_| 60.0).collect();
        let f = fit(Family::Exponential, &ev, &ce).unwrap_or_else(|| panic!("no fit"));
        let floored: f64 = ev.iter().map(|x| x.max(FLOOR)).sum();
        let expected = (floored + ce.iter().sum::<f64>()) / ev.len() as f64;
        assert!((f.mean - expected).abs() < 1e-6 * expected);
        assert!((f.mean - 120.0).abs() < 4.0 * f.mean_se);
        let km = kaplan_meier(&ev, &ce);
        let last = km.last().map_or(1.0, |p| p.survival);
        assert!((last - (-60.0f64 / 120.0).exp()).abs() < 4.0 * km.last().map_or(1.0, |p| p.se));
    }
}
