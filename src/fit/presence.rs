//! How much of a desk is there from day to day, read from what it did. A desk that never
//! catches up does on each date what the agents present that day could do, so the spread of
//! its daily actions — beyond the Poisson noise of counting them — is the spread of its
//! presence. The best usual days (the 90th percentile of the dates' actions over their
//! weekday's mean) are taken as the whole team there: the mean share present is then 1 ÷ that
//! percentile and its standard deviation the spread over it, which a scenario writes as
//! `absence` and `absence_sd` (a beta of absence rates, shared by the group each day). A
//! weekend crew is read the same way from its own dates (`weekend_absence`,
//! `weekend_absence_sd`): a few people, some weekends one at the desk, some a team catching up.

use serde::Serialize;

/// Fewer usual dates than this say too little about a spread.
pub const MIN_DATES: usize = 8;

/// The desk's presence from day to day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Presence {
    /// The dates read (usual dates of the weekdays that carry the desk, or the weekend's).
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

/// [`Presence`] from dates' actions over their weekday's mean, each with its Poisson relative
/// variance ([`crate::tickets::Activity::day_ratios`]); `None` with too few dates, no spread
/// beyond Poisson, or one no beta of absence rates can carry.
pub fn presence(r: &[(f64, f64)]) -> Option<Presence> {
    if r.len() < MIN_DATES {
        return None;
    }
    let (var, beyond) = spread(r);
    if beyond.is_nan() || beyond <= 0.0 {
        return None;
    }
    let n = r.len() as f64;
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

/// The sample variance of the ratios and the part of it beyond their Poisson noise.
fn spread(r: &[(f64, f64)]) -> (f64, f64) {
    let n = r.len() as f64;
    let mean = r.iter().map(|x| x.0).sum::<f64>() / n;
    let var = r.iter().map(|x| (x.0 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let poisson = r.iter().map(|x| x.1).sum::<f64>() / n;
    (var, var - poisson)
}

/// How much of their day-to-day spread groups share, from the desk's and theirs: each part is
/// a group's share of the desk's actions and its dates' ratios ([`presence`]'s input). With
/// the groups' spreads beyond Poisson v and shares w, the desk's is
/// Σ w² v + ρ Σ_{g≠h} w_g w_h √(v_g v_h) when every pair of groups correlates by ρ (Poisson
/// noise is each group's own), so ρ is read from the desk's spread; clamped to 0–1. `None`
/// when fewer than two groups spread, or the desk's spread cannot be read.
pub fn shared(desk: &[(f64, f64)], parts: &[(f64, &[(f64, f64)])]) -> Option<f64> {
    if desk.len() < MIN_DATES {
        return None;
    }
    let desk = spread(desk).1;
    let groups: Vec<(f64, f64)> = parts
        .iter()
        .filter(|(_, r)| r.len() >= MIN_DATES)
        .map(|(w, r)| (*w, spread(r).1))
        .filter(|(_, v)| *v > 0.0)
        .collect();
    let own: f64 = groups.iter().map(|(w, v)| w * w * v).sum();
    let total: f64 = groups
        .iter()
        .map(|(w, v)| w * v.sqrt())
        .sum::<f64>()
        .powi(2);
    let cross = total - own;
    (groups.len() >= 2 && cross > 0.0 && desk.is_finite())
        .then(|| ((desk - own) / cross).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(ratios: &[f64], mean: f64) -> Vec<(f64, f64)> {
        ratios.iter().map(|&r| (r, 1.0 / mean)).collect()
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

    #[test]
    fn groups_that_move_together_share_their_spread() {
        // Two equal halves of a desk with the same dates' ratios: the desk moves as they do.
        let r = activity(&[0.8, 0.9, 1.0, 1.1, 1.2, 0.8, 0.9, 1.0, 1.1, 1.2], 1000.0);
        let desk = activity(&[0.8, 0.9, 1.0, 1.1, 1.2, 0.8, 0.9, 1.0, 1.1, 1.2], 2000.0);
        let rho = shared(&desk, &[(0.5, &r), (0.5, &r)]).expect("two groups");
        // Desk beyond Poisson 0.02222 − 0.0005; each group's 0.02122; own part 0.5 × that.
        let v = 0.2 / 9.0 - 0.001;
        let expect: f64 = (0.2 / 9.0 - 0.0005 - 0.5 * v) / (0.5 * v);
        assert!((rho - expect.min(1.0)).abs() < 1e-12, "{rho}");
        // Halves moving against each other leave the desk flat: nothing shared.
        let other = activity(&[1.2, 1.1, 1.0, 0.9, 0.8, 1.2, 1.1, 1.0, 0.9, 0.8], 1000.0);
        let flat = activity(&[1.0; 10], 2000.0);
        assert_eq!(shared(&flat, &[(0.5, &r), (0.5, &other)]), Some(0.0));
        // One group alone shares with nobody.
        assert_eq!(shared(&desk, &[(1.0, &r)]), None);
    }
}
