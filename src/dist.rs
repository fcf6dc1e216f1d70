//! Probability distributions of durations (handle times, patience), given by mean and
//! coefficient of variation (CV = standard deviation ÷ mean), as planners describe them.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal};

/// A distribution of a duration in seconds, ready to sample.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Exponential with the given mean (seconds); CV 1.
    Exponential {
        /// Mean, seconds.
        mean: f64,
    },
    /// Lognormal with the given mean and CV.
    Lognormal {
        /// Mean, seconds.
        mean: f64,
        /// Coefficient of variation.
        cv: f64,
        /// Sampler for the underlying normal parameters.
        inner: LogNormal<f64>,
    },
    /// Gamma with the given mean and CV (shape 1/CV², scale mean·CV²).
    Gamma {
        /// Mean, seconds.
        mean: f64,
        /// Coefficient of variation.
        cv: f64,
        /// Sampler.
        inner: Gamma<f64>,
    },
    /// Always the same value, seconds.
    Fixed {
        /// The value, seconds.
        value: f64,
    },
    /// Measured: quantiles at equal steps of probability (the first at 0, the last at 1),
    /// linear in between — what a planner reads off an ACD export or `supportsim fit` writes
    /// when no family fits.
    Empirical {
        /// The quantiles, seconds, non-decreasing.
        points: std::sync::Arc<[f64]>,
        /// Mean, seconds (exact for the piecewise-linear quantile function).
        mean: f64,
        /// Coefficient of variation (exact, likewise).
        cv: f64,
    },
}

/// The family of a distribution, as named in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `"exponential"`
    Exponential,
    /// `"lognormal"`
    Lognormal,
    /// `"gamma"`
    Gamma,
    /// `"fixed"`
    Fixed,
}

impl Family {
    /// The names a scenario may use.
    pub const NAMES: [&'static str; 4] = ["exponential", "lognormal", "gamma", "fixed"];

    /// Looks a family up by its scenario name.
    pub fn from_name(name: &str) -> Option<Family> {
        match name {
            "exponential" => Some(Family::Exponential),
            "lognormal" => Some(Family::Lognormal),
            "gamma" => Some(Family::Gamma),
            "fixed" => Some(Family::Fixed),
            _ => None,
        }
    }
}

impl Dist {
    /// Builds a distribution from its family, mean (seconds, > 0) and CV (> 0; ignored for
    /// exponential and fixed). Returns `None` for parameters outside those ranges.
    pub fn new(family: Family, mean: f64, cv: f64) -> Option<Dist> {
        if !(mean.is_finite() && mean > 0.0) {
            return None;
        }
        match family {
            Family::Exponential => Some(Dist::Exponential { mean }),
            Family::Fixed => Some(Dist::Fixed { value: mean }),
            Family::Lognormal => {
                if !(cv.is_finite() && cv > 0.0) {
                    return None;
                }
                // If X is lognormal(μ, σ): E[X] = exp(μ + σ²/2), CV² = exp(σ²) − 1.
                let sigma2 = (1.0 + cv * cv).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                let inner = LogNormal::new(mu, sigma2.sqrt()).ok()?;
                Some(Dist::Lognormal { mean, cv, inner })
            }
            Family::Gamma => {
                if !(cv.is_finite() && cv > 0.0) {
                    return None;
                }
                let shape = 1.0 / (cv * cv);
                let inner = Gamma::new(shape, mean / shape).ok()?;
                Some(Dist::Gamma { mean, cv, inner })
            }
        }
    }

    /// An empirical distribution from quantiles at equal probability steps: at least two,
    /// finite, non-negative, non-decreasing, the last above zero. `None` otherwise.
    pub fn empirical(points: &[f64]) -> Option<Dist> {
        let ok = points.len() >= 2
            && points.iter().all(|x| x.is_finite() && *x >= 0.0)
            && points.windows(2).all(|w| w[0] <= w[1])
            && points.last().is_some_and(|x| *x > 0.0);
        if !ok {
            return None;
        }
        // Over each step the quantile runs linearly from a to b: E[X] adds (a + b) / 2 and
        // E[X²] adds (a² + ab + b²) / 3, each weighted by the step's probability.
        let steps = (points.len() - 1) as f64;
        let (mut m1, mut m2) = (0.0, 0.0);
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            m1 += (a + b) / 2.0;
            m2 += (a * a + a * b + b * b) / 3.0;
        }
        let (m1, m2) = (m1 / steps, m2 / steps);
        let cv = (m2 - m1 * m1).max(0.0).sqrt() / m1;
        Some(Dist::Empirical {
            points: points.into(),
            mean: m1,
            cv,
        })
    }

    /// Mean, seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential { mean }
            | Dist::Lognormal { mean, .. }
            | Dist::Gamma { mean, .. }
            | Dist::Empirical { mean, .. } => *mean,
            Dist::Fixed { value } => *value,
        }
    }

    /// Coefficient of variation.
    pub fn cv(&self) -> f64 {
        match self {
            Dist::Exponential { .. } => 1.0,
            Dist::Lognormal { cv, .. } | Dist::Gamma { cv, .. } | Dist::Empirical { cv, .. } => *cv,
            Dist::Fixed { .. } => 0.0,
        }
    }

    /// Draws one value, seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                e * mean
            }
            Dist::Lognormal { inner, .. } => inner.sample(rng),
            Dist::Gamma { inner, .. } => inner.sample(rng),
            Dist::Fixed { value } => *value,
            Dist::Empirical { points, .. } => {
                let u: f64 = rand_distr::StandardUniform.sample(rng);
                let x = u * (points.len() - 1) as f64;
                let i = (x as usize).min(points.len() - 2);
                let f = x - i as f64;
                points[i] + f * (points[i + 1] - points[i])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt() / m)
    }

    #[test]
    fn sample_moments_match_parameters() {
        for (fam, cv) in [
            (Family::Exponential, 1.0),
            (Family::Lognormal, 0.6),
            (Family::Gamma, 0.5),
        ] {
            let d = Dist::new(fam, 300.0, cv).expect("valid");
            let (m, c) = moments(&d, 400_000);
            // Standard error of the mean is 300·cv/√n ≈ 0.47·cv; 5 standard errors.
            assert!(
                (m - 300.0).abs() < 5.0 * 300.0 * cv / (400_000f64).sqrt(),
                "{fam:?} mean {m}"
            );
            assert!((c - cv).abs() < 0.02, "{fam:?} cv {c}");
        }
    }

    #[test]
    fn empirical_moments_are_exact_and_sampled() {
        // Two points are a uniform distribution: mean 5, CV (10/√12)/5.
        let u = Dist::empirical(&[0.0, 10.0]).expect("valid");
        assert!((u.mean() - 5.0).abs() < 1e-12);
        assert!((u.cv() - 10.0 / 12f64.sqrt() / 5.0).abs() < 1e-12);
        let d = Dist::empirical(&[2.0, 5.0, 9.0, 30.0, 30.0, 400.0]).expect("valid");
        let (m, cv) = moments(&d, 400_000);
        assert!((m / d.mean() - 1.0).abs() < 0.01, "{m} vs {}", d.mean());
        assert!((cv / d.cv() - 1.0).abs() < 0.02, "{cv} vs {}", d.cv());
        for bad in [
            &[5.0][..],
            &[3.0, 2.0],
            &[0.0, 0.0],
            &[-1.0, 2.0],
            &[1.0, f64::NAN],
        ] {
            assert!(Dist::empirical(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn invalid_parameters_are_refused() {
        assert!(Dist::new(Family::Exponential, 0.0, 1.0).is_none());
        assert!(Dist::new(Family::Lognormal, 10.0, 0.0).is_none());
        assert!(Dist::new(Family::Gamma, f64::NAN, 1.0).is_none());
    }
}
