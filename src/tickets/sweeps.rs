//! Sweeps: the days one person works through a group's oldest tickets, on a desk that mostly
//! answers what just came in. Each first response given while others of its group waited has
//! a rank among them (0 the oldest waiting, 1 the newest); a person's picks on one day are
//! grouped. A latent-class mixture of those person-days over the deciles of their ranks
//! (three classes: one at the oldest end, one spread, one at the newest end; each person-day's
//! picks drawn from its class's decile distribution, fitted by expectation–maximisation)
//! separates the days that swept from the rest; the share of picks in the class at the oldest
//! end is the share of the desk's picking done sweeping, which is what `sweep_days` gives a
//! simulated desk (each agent-day sweeps with that chance).

use serde::Serialize;

/// Deciles of rank.
const BINS: usize = 10;

/// Classes: the oldest end, spread, the newest end.
const CLASSES: usize = 3;

/// What the person-days' picks show of sweeping.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sweeps {
    /// The share of picks made on person-days of the class at the oldest end: the
    /// `sweep_days` a fitted desk gets.
    pub share: f64,
    /// Person-days with at least one pick.
    pub person_days: usize,
    /// Of those, the ones more likely than not in the class at the oldest end.
    pub swept_days: usize,
    /// The share of that class's picks that took a ticket in the oldest tenth of those
    /// waiting (near 1 for a desk that sweeps strictly oldest first).
    pub oldest_decile: f64,
}

/// The [`Sweeps`] of `picks` — (person-day, rank from 0 the oldest to 1 the newest) — or
/// `None` without a person-day of two picks or more (one pick a day cannot tell a sweep from
/// chance).
pub fn sweeps(picks: &[(u32, f64)]) -> Option<Sweeps> {
    let days = picks.iter().map(|p| p.0 as usize + 1).max()?;
    let mut counts = vec![[0u32; BINS]; days];
    for &(d, r) in picks {
        let bin = ((r.clamp(0.0, 1.0) * BINS as f64) as usize).min(BINS - 1);
        counts[d as usize][bin] += 1;
    }
    counts.retain(|c| c.iter().sum::<u32>() > 0);
    if counts.iter().all(|c| c.iter().sum::<u32>() < 2) {
        return None;
    }
    let (dists, resp) = mixture(&counts);
    // The class at the oldest end: the lowest mean rank.
    let mean = |f: &[f64; BINS]| (0..BINS).map(|b| f[b] * b as f64).sum::<f64>();
    let k = (0..CLASSES)
        .min_by(|&a, &b| mean(&dists[a]).total_cmp(&mean(&dists[b])))
        .unwrap_or(0);
    let n: Vec<f64> = counts
        .iter()
        .map(|c| f64::from(c.iter().sum::<u32>()))
        .collect();
    let swept: f64 = resp.iter().zip(&n).map(|(g, n)| g[k] * n).sum();
    Some(Sweeps {
        share: swept / n.iter().sum::<f64>(),
        person_days: counts.len(),
        swept_days: resp.iter().filter(|g| g[k] > 0.5).count(),
        oldest_decile: dists[k][0],
    })
}

type Dist = [f64; BINS];

/// Expectation–maximisation of the latent-class mixture of `counts` (per person-day, picks
/// per decile): the classes' decile distributions and each person-day's chances of being in
/// each class. Starts from a class falling away from the oldest decile,
/// a flat one and one rising to the newest, so the classes keep those places.
fn mixture(counts: &[[u32; BINS]]) -> ([Dist; CLASSES], Vec<[f64; CLASSES]>) {
    let mut dists: [Dist; CLASSES] = [
        std::array::from_fn(|b| 0.5f64.powi(b as i32)),
        [1.0; BINS],
        std::array::from_fn(|b| 0.5f64.powi((BINS - 1 - b) as i32)),
    ];
    for d in &mut dists {
        let s: f64 = d.iter().sum();
        d.iter_mut().for_each(|x| *x /= s);
    }
    let mut weights: [f64; CLASSES] = [0.05, 0.45, 0.5];
    let mut resp = vec![[0.0; CLASSES]; counts.len()];
    let mut last = f64::NEG_INFINITY;
    for _ in 0..2000 {
        let mut loglik = 0.0;
        for (c, g) in counts.iter().zip(resp.iter_mut()) {
            let mut l = [0.0; CLASSES];
            for k in 0..CLASSES {
                l[k] = weights[k].ln()
                    + (0..BINS)
                        .filter(|&b| c[b] > 0)
                        .map(|b| f64::from(c[b]) * dists[k][b].ln())
                        .sum::<f64>();
            }
            let top = l.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = l.iter().map(|x| (x - top).exp()).sum();
            loglik += top + s.ln();
            for k in 0..CLASSES {
                g[k] = (l[k] - top).exp() / s;
            }
        }
        for k in 0..CLASSES {
            weights[k] = (resp.iter().map(|g| g[k]).sum::<f64>() / counts.len() as f64).max(1e-12);
            let mut a = [1e-9; BINS];
            for (c, g) in counts.iter().zip(&resp) {
                for b in 0..BINS {
                    a[b] += g[k] * f64::from(c[b]);
                }
            }
            let s: f64 = a.iter().sum();
            dists[k] = a.map(|x| x / s);
        }
        if loglik - last < 1e-9 * loglik.abs().max(1.0) {
            break;
        }
        last = loglik;
    }
    (dists, resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_desk_answering_the_newest_with_a_few_sweeping_days_is_told_apart() {
        // 40 person-days of 10 picks at the newest end, 5 of 10 picks at the oldest.
        let mut picks = Vec::new();
        for d in 0..45u32 {
            for i in 0..10 {
                let r = if d < 5 {
                    0.01 * f64::from(i)
                } else {
                    1.0 - 0.01 * f64::from(i)
                };
                picks.push((d, r));
            }
        }
        let s = sweeps(&picks).expect("sweeps");
        assert!((s.share - 5.0 / 45.0).abs() < 1e-6, "{s:?}");
        assert_eq!((s.person_days, s.swept_days), (45, 5));
        assert!(s.oldest_decile > 0.99, "{s:?}");
    }

    #[test]
    fn single_picks_cannot_tell_a_sweep() {
        assert_eq!(sweeps(&[(0, 0.0), (1, 1.0)]), None);
        assert_eq!(sweeps(&[]), None);
    }
}
