//! How much of a desk is there from day to day, read from what it did. A desk that never
//! catches up does on each date what the agents present that day could do, so the spread of
//! its daily actions — beyond the Poisson noise of counting them — is the spread of its
//! presence. The best usual days (the 90th percentile of the dates' actions over their
//! weekday's mean) are taken as the whole team there: the mean share present is then 1 ÷ that
//! percentile and its standard deviation the spread over it, which a scenario writes as
//! `absence` and `absence_sd` (a beta of absence rates, shared by the group each day).

use serde::Serialize;

use crate::tickets::Activity;

/// Fewer usual dates than this say too little about a spread.
pub const MIN_DATES: usize = 8;

/// The desk's presence from day to day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Presence {
    /// Usual dates of the weekdays that carry the desk.
    pub dates: usize,
    /// Coefficient of variation of their actions over their weekday's mean.
    pub cv: f64,
    /// The part of it beyond Poisson noise.
    pub cv_beyond_poisson: f64,
    /// Mean absence: 1 − 1 ÷ the 90th percentile of the ratios.
    pub absence: f64,
    /// Standard deviation of a day's absence rate.
    pub absence_sd: f64,
}

/// [`Presence`] from a desk's activity; `None` with too few dates, no spread beyond Poisson,
/// or one no beta of absence rates can carry.
pub fn presence(activity: &Activity) -> Option<Presence> {
    let r = &activity.day_ratios;
    if r.len() < MIN_DATES {
        return None;
    }
    let n = r.len() as f64;
    let mean = r.iter().map(|x| x.0).sum::<f64>() / n;
    let var = r.iter().map(|x| (x.0 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let poisson = r.iter().map(|x| x.1).sum::<f64>() / n;
    let beyond = var - poisson;
    if beyond.is_nan() || beyond <= 0.0 {
        return None;
    }
    let mut sorted: Vec<f64> = r.iter().map(|x| x.0).collect();
    sorted.sort_by(f64::total_cmp);
    let q90 = sorted[((0.9 * (n - 1.0)).round() as usize).min(sorted.len() - 1)];
    let absence = 1.0 - 1.0 / q90;
    let absence_sd = beyond.sqrt() / q90;
    (absence > 0.0 && absence <= 0.95 && absence_sd * absence_sd < absence * (1.0 - absence)).then(
        || Presence {
            dates: r.len(),
            cv: var.sqrt(),
            cv_beyond_poisson: beyond.sqrt(),
            absence,
            absence_sd,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(ratios: &[f64], mean: f64) -> Activity {
        Activity {
            day_ratios: ratios.iter().map(|&r| (r, 1.0 / mean)).collect(),
            ..Activity::default()
        }
    }

    #[test]
    fn the_spread_beyond_poisson_is_the_spread_of_presence() {
        // Ten dates of a desk doing 1,000 actions on average, 0.8 to 1.2 of it.
        let r = [0.8, 0.9, 1.0, 1.1, 1.2, 0.8, 0.9, 1.0, 1.1, 1.2];
        let p = presence(&activity(&r, 1000.0)).expect("a spread");
        // Sample variance 0.02222; Poisson 0.001; 90th percentile (of 10, the 9th) 1.2.
        let beyond = (0.2 / 9.0 - 0.001_f64).sqrt();
        assert!((p.cv_beyond_poisson - beyond).abs() < 1e-12);
        assert!((p.absence - (1.0 - 1.0 / 1.2)).abs() < 1e-12);
        assert!((p.absence_sd - beyond / 1.2).abs() < 1e-12);
        // A spread no larger than counting noise says nothing of presence.
        assert_eq!(presence(&activity(&r, 40.0)), None);
        // Nor do a handful of dates.
        assert_eq!(presence(&activity(&r[..7], 1000.0)), None);
    }
}
