//! Estimates from independent observations: the mean, its standard error and the Student t
//! quantile of a 95% interval. Every figure that carries a standard error gets it from here.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// A sample mean and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanSe {
    /// The mean.
    pub mean: f64,
    /// s / √n with s the sample standard deviation; `None` for a single observation.
    pub std_err: Option<f64>,
    /// How many observations.
    pub n: usize,
}

/// The mean of `xs` and its standard error s/√n (s with n − 1 in the denominator); `None`
/// when `xs` is empty.
pub fn mean_se(xs: &[f64]) -> Option<MeanSe> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let std_err = (n > 1).then(|| {
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (var / n as f64).sqrt()
    });
    Some(MeanSe { mean, std_err, n })
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: a 95% interval is the mean
/// ± this × the standard error.
pub fn t_quantile_975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(1.959_963_984_540_054)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_standard_error_of_a_small_sample() {
        let m = mean_se(&[1.0, 2.0, 3.0, 4.0]).expect("four values");
        assert_eq!(m.mean, 2.5);
        // s² = 5/3, s.e. = sqrt(5/12).
        assert!((m.std_err.expect("n > 1") - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
        assert_eq!(mean_se(&[7.0]).map(|m| m.std_err), Some(None));
        assert!(mean_se(&[]).is_none());
        // t(0.975, 9) = 2.262 (any table).
        assert!((t_quantile_975(9) - 2.262_157).abs() < 1e-6);
    }
}
