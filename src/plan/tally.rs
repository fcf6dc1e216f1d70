//! How often a plan's weeks met their service-level targets across replications, and when
//! that is enough: [`needed`] (how many of n replications a plan sized on them must meet) and
//! [`Met::short_beyond_chance`] (weeks a fresh set of replications shows short beyond chance).

use super::columns;
use crate::model::Model;

/// Each replication's weeks: rows in the order of [`columns`], as [`super::weeks_of`] gives.
pub type RepWeeks = Vec<Vec<Vec<f64>>>;

/// How many replications met a target, of those with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Replications that met it.
    pub met: u32,
    /// Replications with a value (at least one).
    pub n: u32,
}

impl Tally {
    /// The share that met.
    pub fn share(self) -> f64 {
        f64::from(self.met) / f64::from(self.n)
    }

    /// Whether a plan sized on these replications meets a share `p` of all replications, on
    /// average: at least [`needed`]`(p, n)` of them met.
    pub fn holds(self, p: f64) -> bool {
        self.met >= needed(p, self.n)
    }
}

/// How many of `n` replications a plan sized on them must meet for a fresh replication to meet
/// it with probability `p` on average: the least `k` with `k / (n + 1) ≥ p` (more than `n` when
/// `n` replications cannot show `p`). The fewest agents with which `k` of `n` replications meet
/// a week is the `k`-th smallest of the agents each replication needs, and the share of all
/// replications that meet with it is, on average, `k / (n + 1)`: the coverage of an order
/// statistic follows a Beta(k, n + 1 − k) distribution (Wilks 1941, "Determination of sample
/// sizes for setting tolerance limits", Ann. Math. Statist. 12; David & Nagaraja, *Order
/// Statistics*, 3rd ed., 2003, §2.2). So 18 of 20 replications (90%) would size a plan for
/// 18/21 = 86% of fresh ones; 19 of 20 are needed for 90%, 37 of 40.
pub fn needed(p: f64, n: u32) -> u32 {
    let k = (p * f64::from(n + 1) - 1e-9).ceil();
    k.clamp(0.0, f64::from(u32::MAX)) as u32
}

/// The count of `xs` at 1, among the values that are not NaN.
fn tally(xs: impl Iterator<Item = f64>) -> Option<Tally> {
    let (mut n, mut met) = (0u32, 0u32);
    for x in xs.filter(|x| !x.is_nan()) {
        n += 1;
        met += u32::from(x >= 1.0);
    }
    (n > 0).then_some(Tally { met, n })
}

/// How often each week met its targets, across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Met {
    /// Per week: replications in which every channel with a target met it (`None`: no target
    /// was offered anything that week, e.g. the warm-up).
    pub all: Vec<Option<Tally>>,
    /// Per week and channel: replications meeting that channel's target.
    pub channel: Vec<Vec<Option<Tally>>>,
}

impl Met {
    /// The shares of `reps` (weeks of `m`).
    pub fn of(m: &Model, reps: &RepWeeks) -> Met {
        let cols = columns(m);
        let at = |name: &str| cols.iter().position(|c| c.name == name);
        let nw = reps.iter().map(Vec::len).min().unwrap_or(0);
        let value = |r: &Vec<Vec<f64>>, w: usize, k: Option<usize>| {
            k.and_then(|k| r.get(w)?.get(k).copied())
                .unwrap_or(f64::NAN)
        };
        let all_k = at("targets_met");
        let all = (0..nw)
            .map(|w| tally(reps.iter().map(|r| value(r, w, all_k))))
            .collect();
        let channel = (0..nw)
            .map(|w| {
                m.channels
                    .iter()
                    .map(|ch| {
                        let target = ch.service_level_target?;
                        let k = at(&format!("{}.service_level", ch.name));
                        let hit = reps.iter().map(|r| {
                            let sl = value(r, w, k);
                            if sl.is_nan() {
                                f64::NAN
                            } else {
                                f64::from(u8::from(sl >= target))
                            }
                        });
                        tally(hit)
                    })
                    .collect()
            })
            .collect();
        Met { all, channel }
    }

    /// The weeks, but `skip`, whose shares are too low to come from a true share of `p`: a
    /// one-sided exact binomial test of each week (the chance of so few replications meeting if
    /// the week's true share were `p`), with Holm's step-down correction for the weeks tested
    /// together (Holm 1979), so that a plan meeting `p` in every week has all its weeks called
    /// short with a chance of at most 5%. Without it, forty weeks tested at 5% each would call
    /// two of a sound plan's weeks short on average.
    pub fn short_beyond_chance(&self, p: f64, skip: &[usize]) -> Vec<usize> {
        use statrs::distribution::{Binomial, DiscreteCDF};
        let tested: Vec<usize> = (0..self.all.len())
            .filter(|w| !skip.contains(w) && self.all[*w].is_some())
            .collect();
        let mut chance: Vec<(f64, usize)> = tested
            .iter()
            .filter_map(|&w| {
                let t = self.all[w]?;
                let b = Binomial::new(p, u64::from(t.n)).ok()?;
                (t.share() < p).then(|| (b.cdf(u64::from(t.met)), w))
            })
            .collect();
        chance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut short: Vec<usize> = chance
            .iter()
            .enumerate()
            .take_while(|(j, (x, _))| *x < 0.05 / (tested.len() - j) as f64)
            .map(|(_, (_, w))| *w)
            .collect();
        short.sort_unstable();
        short
    }

    /// The first week, not in `skip`, that does not hold a share `p` ([`Tally::holds`]).
    pub fn first_short(&self, p: f64, skip: &[usize]) -> Option<usize> {
        (0..self.all.len()).find(|w| !skip.contains(w) && self.all[*w].is_some_and(|t| !t.holds(p)))
    }

    /// Per week, the share of replications meeting every target.
    pub fn shares(&self) -> Vec<Option<f64>> {
        self.all.iter().map(|t| t.map(Tally::share)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts of 40 replications meeting, per week.
    fn met(counts: &[u32]) -> Met {
        Met {
            all: counts
                .iter()
                .map(|k| Some(Tally { met: *k, n: 40 }))
                .collect(),
            channel: vec![Vec::new(); counts.len()],
        }
    }

    /// 31 of 40 is short of 90% alone (P = 0.015), not among 40 weeks (Holm's bound for the
    /// smallest is 0.05/40); 28 of 40 is (P = 0.0004) either way.
    /// Wilks's rule: k of n with k / (n + 1) ≥ p.
    #[test]
    fn replications_needed_cover_the_share_on_average() {
        assert_eq!(needed(0.9, 20), 19);
        assert_eq!(needed(0.9, 40), 37);
        assert_eq!(needed(0.9, 9), 9);
        assert_eq!(
            needed(0.9, 8),
            9,
            "more than 8: 8 replications cannot show 0.9"
        );
        assert_eq!(needed(0.8, 100), 81);
        assert_eq!(needed(0.5, 1), 1);
        let t = Tally { met: 36, n: 40 };
        assert!(!t.holds(0.9) && Tally { met: 37, n: 40 }.holds(0.9));
    }

    #[test]
    fn short_beyond_chance_corrects_for_the_weeks_tested() {
        assert_eq!(met(&[31]).short_beyond_chance(0.9, &[]), vec![0]);
        let mut weeks = vec![36; 40];
        weeks[7] = 31;
        assert!(met(&weeks).short_beyond_chance(0.9, &[]).is_empty());
        weeks[9] = 28;
        assert_eq!(met(&weeks).short_beyond_chance(0.9, &[]), vec![9]);
        assert!(met(&weeks).short_beyond_chance(0.9, &[9]).is_empty());
        assert!(met(&[33]).short_beyond_chance(0.9, &[]).is_empty());
    }
}
