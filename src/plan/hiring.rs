//! `plan --hire-for P`: the fewest hires, class by class, that keep every week's service-level
//! targets met in at least a share P of replications — searched by simulation, every candidate
//! on the same replications (common random numbers), so that a change of one class's size is
//! all that differs between two runs.
//!
//! The scenario's `[[hires]]` are the classes to size: their groups, dates, training and shifts
//! stay; their sizes are searched, from zero. Weeks are taken in order: the first week short of
//! P (for the channel that misses most often) grows the latest class serving that channel that
//! is on the floor that week — by doubling, then bisection, on runs that stop at the week's end
//! — until the week is met; then the next short week. A pruning pass then takes one hire from
//! each class (latest first) as long as every week stays met, so that at the end one hire fewer
//! in any class leaves some week short. Weeks no class can reach (before the first class joins
//! the floor, or a channel no hiring group serves) are reported, not chased.

use super::{columns, week_count};
use crate::model::Model;

/// Each replication's weeks: rows in the order of [`columns`], as [`super::weeks_of`] gives.
pub type RepWeeks = Vec<Vec<Vec<f64>>>;

/// How often each week met its targets, across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Met {
    /// Per week: share of replications in which every channel with a target met it (`None`:
    /// no target was offered anything that week, e.g. the warm-up).
    pub all: Vec<Option<f64>>,
    /// Per week and channel: share of replications meeting that channel's target.
    pub channel: Vec<Vec<Option<f64>>>,
    /// Per week: replications with a value in `all`.
    pub n: Vec<u32>,
}

/// The share of `xs` at 1, among the values that are not NaN.
fn share_met(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut n, mut met) = (0u32, 0u32);
    for x in xs.filter(|x| !x.is_nan()) {
        n += 1;
        met += u32::from(x >= 1.0);
    }
    (n > 0).then(|| f64::from(met) / f64::from(n))
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
            .map(|w| share_met(reps.iter().map(|r| value(r, w, all_k))))
            .collect();
        let n = (0..nw)
            .map(|w| reps.iter().filter(|r| !value(r, w, all_k).is_nan()).count() as u32)
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
                        share_met(hit)
                    })
                    .collect()
            })
            .collect();
        Met { all, channel, n }
    }

    /// Whether week `w`'s share is consistent with a true share of at least `p`: it is, or a
    /// one-sided exact binomial test does not reject it at the 5% level (so few replications
    /// meeting could well come from a share of `p`).
    pub fn consistent_with(&self, w: usize, p: f64) -> bool {
        let (Some(Some(share)), Some(&n)) = (self.all.get(w), self.n.get(w)) else {
            return true;
        };
        if *share >= p || n == 0 {
            return true;
        }
        let met = (share * f64::from(n)).round() as u64;
        match statrs::distribution::Binomial::new(p, u64::from(n)) {
            Ok(b) => statrs::distribution::DiscreteCDF::cdf(&b, met) >= 0.05,
            Err(_) => true,
        }
    }

    /// The first week, not in `skip`, met in fewer than a share `p` of replications.
    pub fn first_short(&self, p: f64, skip: &[usize]) -> Option<usize> {
        (0..self.all.len()).find(|w| !skip.contains(w) && self.all[*w].is_some_and(|x| x < p))
    }

    /// The channel met least often in week `w`, and whether it alone is short of `p` (else
    /// every channel meets its own target often enough but not all together).
    fn worst_channel(&self, w: usize, p: f64) -> Option<(usize, bool)> {
        let row = self.channel.get(w)?;
        row.iter()
            .enumerate()
            .filter_map(|(c, x)| x.map(|x| (c, x)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, x)| (c, x < p))
    }
}

impl Found {
    /// The weeks no hiring changes or could meet: before the first class joins the floor, and
    /// out of reach.
    pub fn unreachable(&self) -> Vec<usize> {
        let mut w: Vec<usize> = (0..self.before_reach).collect();
        w.extend(self.out_of_reach.iter().map(|o| o.week));
        w
    }
}

/// A week the search could not meet, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfReach {
    /// The week, from 0.
    pub week: usize,
    /// Why no hiring meets it.
    pub why: String,
}

/// What the search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The share of replications every week had to meet its targets in.
    pub probability: f64,
    /// Size of each class, in the scenario's order.
    pub sizes: Vec<u32>,
    /// For each class with agents: the first week short of the target with one hire fewer in
    /// it (on the search's replications).
    pub one_fewer: Vec<Option<usize>>,
    /// The weeks met with the sizes found, on the search's replications.
    pub met: Met,
    /// Weeks left short because no class can reach them.
    pub out_of_reach: Vec<OutOfReach>,
    /// Weeks before the first class joins the floor: no hiring changes them.
    pub before_reach: usize,
    /// Simulations run.
    pub runs: u32,
}

/// What growing a class must reach in a week.
#[derive(Clone, Copy)]
enum Goal {
    /// This channel's target, in the share of replications asked.
    Channel(usize),
    /// Every target together.
    Week,
}

/// The most agents the search adds to one class for one week before it calls the week out of
/// reach.
const MOST_PER_CLASS: u32 = 1_000;

/// The search: `run` simulates a model and returns its weeks per replication (the caller
/// decides replications, seed, threads and interruption; an error stops the search).
pub struct Search<'a, E> {
    /// The scenario, its classes as the template.
    pub base: &'a Model,
    /// The share of replications in which every week must meet its targets.
    pub probability: f64,
    /// Runs one simulation.
    pub run: &'a mut dyn FnMut(&Model) -> Result<RepWeeks, E>,
    /// Told what the search is doing, for progress.
    pub report: &'a mut dyn FnMut(&str),
}

impl<E> Search<'_, E> {
    fn met(&mut self, m: &Model, runs: &mut u32) -> Result<Met, E> {
        *runs += 1;
        let reps = (self.run)(m)?;
        Ok(Met::of(m, &reps))
    }

    /// The class to grow for channel `c` short in week `w`: the latest serving `c` on the floor
    /// all week (else the latest on the floor some day of it); the smallest among those joining
    /// the same day, so that shifts share the hires.
    fn class_for(m: &Model, c: usize, w: usize) -> Option<usize> {
        let (start, end) = ((w * 7) as u32, (w * 7 + 7) as u32);
        let serving = |k: &usize| {
            let h = &m.hires[*k];
            m.groups[h.group as usize].channels[c] && h.joins < end
        };
        let best = |whole: bool| {
            (0..m.hires.len())
                .filter(serving)
                .filter(|k| !whole || m.hires[*k].joins <= start)
                .max_by(|a, b| {
                    let (ha, hb) = (&m.hires[*a], &m.hires[*b]);
                    ha.joins
                        .cmp(&hb.joins)
                        .then(hb.size.cmp(&ha.size))
                        .then(b.cmp(a))
                })
        };
        best(true).or_else(|| best(false))
    }

    /// Runs the search.
    pub fn run(mut self) -> Result<Found, E> {
        let mut m = self.base.clone();
        m.hires.iter_mut().for_each(|h| h.size = 0);
        let p = self.probability;
        let mut runs = 0;
        let mut out_of_reach: Vec<OutOfReach> = Vec::new();
        let mut visits = vec![0u32; week_count(m.days)];
        loop {
            let skip: Vec<usize> = out_of_reach.iter().map(|o| o.week).collect();
            let met = self.met(&m, &mut runs)?;
            let Some(w) = met.first_short(p, &skip) else {
                break;
            };
            let Some((c, alone)) = met.worst_channel(w, p) else {
                out_of_reach.push(OutOfReach {
                    week: w,
                    why: "no channel with a target misses alone".into(),
                });
                continue;
            };
            visits[w] += 1;
            let channel = m.channels[c].name.clone();
            // A week can come back when another channel's hires change this one's (repeats
            // that switch channels), but not without end.
            let most = 2 * m.channels.len() as u32 + 2;
            let Some(k) = Self::class_for(&m, c, w).filter(|_| visits[w] <= most) else {
                let why = if visits[w] > most {
                    format!("{channel} stays short however its classes grow")
                } else {
                    format!("no hiring class serving {channel} is on the floor by then")
                };
                out_of_reach.push(OutOfReach { week: w, why });
                continue;
            };
            (self.report)(&format!(
                "week {}: {channel} met in {:.0}% of replications; sizing class {}",
                w + 1,
                met.channel[w][c].unwrap_or(0.0) * 100.0,
                k + 1
            ));
            // A channel short alone grows until it meets its own target; when each channel
            // meets its own but not all together, the worst grows until the week is met.
            let goal = if alone { Goal::Channel(c) } else { Goal::Week };
            match self.grow(&m, k, goal, w, &mut runs)? {
                Some(size) => m.hires[k].size = size,
                None => out_of_reach.push(OutOfReach {
                    week: w,
                    why: format!(
                        "{MOST_PER_CLASS} more agents in class {} do not meet {channel}",
                        k + 1
                    ),
                }),
            }
        }
        let skip: Vec<usize> = out_of_reach.iter().map(|o| o.week).collect();
        let one_fewer = self.prune(&mut m, &skip, &mut runs)?;
        let met = self.met(&m, &mut runs)?;
        let before_reach = m
            .hires
            .iter()
            .map(|h| h.joins as usize / 7)
            .min()
            .unwrap_or(0);
        Ok(Found {
            before_reach,
            probability: p,
            sizes: m.hires.iter().map(|h| h.size).collect(),
            one_fewer,
            met,
            out_of_reach,
            runs,
        })
    }

    /// The fewest agents in class `k` that meet `goal` in week `w` (on runs that end with that
    /// week): doubling, then bisection. `None` past [`MOST_PER_CLASS`] more.
    fn grow(
        &mut self,
        m: &Model,
        k: usize,
        goal: Goal,
        w: usize,
        runs: &mut u32,
    ) -> Result<Option<u32>, E> {
        let mut t = m.clone();
        t.days = t.days.min((w as u32 + 1) * 7);
        let p = self.probability;
        let mut meets = |size: u32, this: &mut Self| -> Result<bool, E> {
            t.hires[k].size = size;
            let met = this.met(&t, runs)?;
            let share = match goal {
                Goal::Channel(c) => met.channel[w][c],
                Goal::Week => met.all[w],
            };
            Ok(share.is_none_or(|x| x >= p))
        };
        let (mut lo, mut step) = (m.hires[k].size, 1);
        let mut hi = loop {
            if step > MOST_PER_CLASS {
                return Ok(None);
            }
            if meets(lo + step, self)? {
                break lo + step;
            }
            lo += step;
            step *= 2;
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if meets(mid, self)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(Some(hi))
    }

    /// Takes one hire at a time from each class, latest first, while every week (but `skip`)
    /// stays met; returns, per class, the first week short with one hire fewer.
    fn prune(
        &mut self,
        m: &mut Model,
        skip: &[usize],
        runs: &mut u32,
    ) -> Result<Vec<Option<usize>>, E> {
        let mut order: Vec<usize> = (0..m.hires.len()).collect();
        order.sort_by_key(|k| std::cmp::Reverse((m.hires[*k].joins, *k)));
        let mut one_fewer = vec![None; m.hires.len()];
        let p = self.probability;
        for k in order {
            while m.hires[k].size > 0 {
                m.hires[k].size -= 1;
                let met = self.met(m, runs)?;
                if let Some(w) = met.first_short(p, skip) {
                    m.hires[k].size += 1;
                    one_fewer[k] = Some(w);
                    break;
                }
                (self.report)(&format!("class {} can do with {}", k + 1, m.hires[k].size));
            }
        }
        Ok(one_fewer)
    }
}
