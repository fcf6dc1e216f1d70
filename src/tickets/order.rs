//! How a desk picks its next ticket, read from the order of its first responses: at each
//! first response to a ticket created new, the tickets of the same group then still waiting
//! for theirs are the ones the agent could have taken. The model of `queue_order = "random"`
//! takes each with a chance in proportion to its wait (a minute at least) to the power −β
//! (`newest_bias`); β is read by maximum likelihood over every such choice (a conditional
//! logit of the log of the wait: concave in β, so Newton's method finds it), its standard
//! error from the curvature.

use serde::Serialize;

use super::EventLog;
use super::choices::{Choices, choices};
use super::sweeps::{Sweeps, sweeps};

/// The largest bias read either way: a desk whose every pick took the newest waiting ticket
/// reads as `MAX_BIAS` (newest first), one whose every pick took the oldest as −`MAX_BIAS`.
pub const MAX_BIAS: f64 = 20.0;

/// How much likelier the desk took its newer waiting tickets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PickBias {
    /// The maximum-likelihood `newest_bias` (negative: older tickets taken first), or
    /// ±[`MAX_BIAS`] when the likelihood keeps growing that way.
    pub bias: f64,
    /// Its standard error; `None` at ±[`MAX_BIAS`].
    pub se: Option<f64>,
    /// First responses with at least one other ticket of the group waiting.
    pub picks: usize,
    /// Of those, the share that took the newest waiting ticket.
    pub newest_share: f64,
    /// Of those, the share that took the oldest waiting ticket (a desk working newest first
    /// that now and then sweeps its oldest shows both).
    pub oldest_share: f64,
    /// The days single people swept the oldest, when the log names who gave each first
    /// response (its mapping's `agent`).
    pub sweeps: Option<Sweeps>,
    /// Picks made among more waiting tickets than the likelihood takes (a log too large for
    /// every pick to keep every ticket then waiting): their alternatives are a uniform sample,
    /// which keeps the estimate consistent (McFadden 1978) and widens its error a little. The
    /// shares and the sweeps always count every ticket waiting.
    pub sampled: usize,
}

/// The desk's [`PickBias`], or `None` without two tickets of a group ever waiting together.
pub fn newest_bias(log: &EventLog) -> Option<PickBias> {
    let choices = choices(log);
    let picks = choices.starts.len().checked_sub(1).filter(|&n| n > 0)?;
    let (bias, se) = estimate(&choices);
    Some(PickBias {
        bias,
        se,
        picks,
        newest_share: choices.newest as f64 / picks as f64,
        oldest_share: choices.oldest as f64 / picks as f64,
        sweeps: sweeps(&choices.ranks),
        sampled: choices.sampled,
    })
}

/// The maximum-likelihood bias of `choices` and its standard error (Newton's method from 0,
/// steps of at most 2), or ±[`MAX_BIAS`] and no error when the likelihood grows without end.
fn estimate(choices: &Choices) -> (f64, Option<f64>) {
    let mut bias = 0.0;
    let mut se = None;
    for _ in 0..100 {
        let (slope, curve) = derivatives(choices, bias);
        if curve <= 0.0 {
            // Every choice had waits alike: nothing tells the orders apart.
            break;
        }
        let step = (slope / curve).clamp(-2.0, 2.0);
        if (bias + step).abs() >= MAX_BIAS {
            bias = MAX_BIAS.copysign(step);
            se = None;
            break;
        }
        bias += step;
        se = Some(curve.sqrt().recip());
        if step.abs() < 1e-9 {
            break;
        }
    }
    match se {
        // So flat that the whole range lies within an error: it grows that way without end
        // (the weights of the others vanish before the slope does).
        Some(s) if s > MAX_BIAS => (MAX_BIAS.copysign(bias), None),
        _ => (bias, se),
    }
}

/// The log-likelihood's slope and minus its curvature in β: Σ (E[log wait] − log wait of the
/// one taken) and Σ Var[log wait], under the weights wait^−β of each choice.
fn derivatives(c: &Choices, bias: f64) -> (f64, f64) {
    let (mut slope, mut curve) = (0.0, 0.0);
    for k in 0..c.starts.len() - 1 {
        let w = &c.log_waits[c.starts[k]..c.starts[k + 1]];
        // Weights relative to the largest, for a sum that cannot overflow.
        let top = w
            .iter()
            .map(|&x| -bias * x)
            .fold(f64::NEG_INFINITY, f64::max);
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for &x in w {
            let e = (-bias * x - top).exp();
            s0 += e;
            s1 += e * x;
            s2 += e * x * x;
        }
        let mean = s1 / s0;
        slope += mean - w[0];
        curve += (s2 / s0 - mean * mean).max(0.0);
    }
    (slope, curve)
}

#[cfg(test)]
mod tests {
    use super::super::choices::extreme;
    use super::*;
    use rand::{RngExt as _, SeedableRng as _};

    fn of(sets: &[(&[f64], usize)]) -> Choices {
        let mut c = Choices::new();
        for (waits, taken) in sets {
            let from = c.log_waits.len();
            c.log_waits.push(waits[*taken].ln());
            for (i, w) in waits.iter().enumerate() {
                if i != *taken {
                    c.log_waits.push(w.ln());
                }
            }
            let (newest, oldest) = extreme(c.log_waits[from], &c.log_waits[from + 1..]);
            c.newest += usize::from(newest);
            c.oldest += usize::from(oldest);
            c.starts.push(c.log_waits.len());
        }
        c
    }

    #[test]
    fn sampled_alternatives_estimate_the_bias_without_a_shift() {
        // Picks by the model itself: 2,000 choices among 120 waiting tickets whose waits are
        // spread from a minute to a day, each taken with weight wait^−0.4. Estimated from all
        // alternatives and from the taken one with 10 others drawn uniformly (McFadden 1978:
        // uniform sampling of alternatives leaves the conditional logit consistent), both
        // come within four standard errors of 0.4; the sample's error is the wider.
        let mut rng = crate::rng::Rng::seed_from_u64(11);
        let (beta, n, keep) = (0.4, 120, 10);
        let mut full: Vec<(Vec<f64>, usize)> = Vec::new();
        for _ in 0..2000 {
            let waits: Vec<f64> = (0..n)
                .map(|_| 60.0 * 1440f64.powf(rng.random::<f64>()))
                .collect();
            let weights: Vec<f64> = waits.iter().map(|w| w.powf(-beta)).collect();
            let mut u = rng.random::<f64>() * weights.iter().sum::<f64>();
            let taken = weights
                .iter()
                .position(|&w| {
                    u -= w;
                    u < 0.0
                })
                .unwrap_or(n - 1);
            full.push((waits, taken));
        }
        let sampled: Vec<(Vec<f64>, usize)> = full
            .iter()
            .map(|(waits, taken)| {
                let others: Vec<usize> = (0..n).filter(|i| i != taken).collect();
                let mut kept = vec![waits[*taken]];
                for i in rand::seq::index::sample(&mut rng, others.len(), keep) {
                    kept.push(waits[others[i]]);
                }
                (kept, 0)
            })
            .collect();
        let as_sets = |v: &[(Vec<f64>, usize)]| -> Choices {
            let sets: Vec<(&[f64], usize)> = v.iter().map(|(w, t)| (w.as_slice(), *t)).collect();
            of(&sets)
        };
        let (b_full, se_full) = estimate(&as_sets(&full));
        let (b_kept, se_kept) = estimate(&as_sets(&sampled));
        let (se_full, se_kept) = (se_full.expect("se"), se_kept.expect("se"));
        assert!(
            (b_full - beta).abs() < 4.0 * se_full,
            "{b_full} ± {se_full}"
        );
        assert!(
            (b_kept - beta).abs() < 4.0 * se_kept,
            "{b_kept} ± {se_kept}"
        );
        assert!(se_kept > se_full, "{se_kept} vs {se_full}");
    }

    #[test]
    fn the_slope_vanishes_where_picks_match_their_expectation() {
        // Two waiting, of 1 and e² minutes' worth: at β = 0 each is taken half the time, so
        // one pick of each gives a zero slope and a curvature of 2 × Var = 2 × 1.
        let c = of(&[
            (&[60.0, 60.0 * 7.389_056], 0),
            (&[60.0, 60.0 * 7.389_056], 1),
        ]);
        let (slope, curve) = derivatives(&c, 0.0);
        assert!(slope.abs() < 1e-6, "{slope}");
        assert!((curve - 2.0).abs() < 1e-4, "{curve}");
        let (bias, se) = estimate(&c);
        assert!(
            bias.abs() < 1e-9 && se.is_some_and(|s| s > 0.0),
            "{bias} {se:?}"
        );
    }

    #[test]
    fn picks_of_the_newest_and_the_oldest_are_counted_apart() {
        // The newest taken, the oldest taken twice, one in the middle, and a tie at the
        // one-minute floor (both waits under a minute), which is neither.
        let c = of(&[
            (&[60.0, 600.0, 6000.0], 0),
            (&[60.0, 600.0, 6000.0], 2),
            (&[120.0, 7200.0], 1),
            (&[60.0, 600.0, 6000.0], 1),
            (&[60.0, 60.0], 0),
        ]);
        assert_eq!((c.newest, c.oldest), (1, 2));
    }

    #[test]
    fn a_desk_always_taking_the_newest_reads_as_the_largest_bias() {
        let c = of(&[(&[60.0, 600.0, 6000.0], 0), (&[120.0, 7200.0], 0)]);
        assert_eq!(estimate(&c), (MAX_BIAS, None));
        let c = of(&[(&[60.0, 600.0, 6000.0], 2), (&[120.0, 7200.0], 1)]);
        assert_eq!(estimate(&c), (-MAX_BIAS, None));
    }
}
