//! `plan --hire-for P`: the fewest hires, class by class, that keep every week's service-level
//! targets met in at least a share P of replications — searched by simulation, every candidate
//! on the same replications (common random numbers), so that a change of one class's size is
//! all that differs between two runs.
//!
//! The scenario's `[[hires]]` are the classes to size: their groups, dates, training and shifts
//! stay; their sizes are searched, from zero. Weeks are taken in order. The first week short of
//! P is mended by one class: each class that could (per group serving the short channel and
//! shift, the latest on the floor that week) is sized by doubling, then bisection, on runs that
//! stop once the week's service levels are decided (the week's end and the longest answer
//! target after it), and the one needing the fewest hires grows. A channel short alone must
//! meet its own target; a week where each channel meets its own but not all together must be
//! met as a whole. A class whose size stops moving the week is passed over. Then the next short
//! week. A pruning pass then takes one hire from each class (latest first) as long as every
//! week stays met, so that at the end one hire fewer in any class leaves some week short. Weeks
//! no class can reach (before the first class joins the floor, or that no class's size moves)
//! are reported, not chased.

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

    /// The weeks, but `skip`, whose shares are too low to come from a true share of `p`: a
    /// one-sided exact binomial test of each week (the chance of so few replications meeting if
    /// the week's true share were `p`), with Holm's step-down correction for the weeks tested
    /// together (Holm 1979), so that a plan meeting `p` in every week has all its weeks called
    /// short with a chance of at most 5%. Without it, forty weeks tested at 5% each would call
    /// two of a sound plan's weeks short on average.
    pub fn short_beyond_chance(&self, p: f64, skip: &[usize]) -> Vec<usize> {
        use statrs::distribution::{Binomial, DiscreteCDF};
        let tested: Vec<usize> = (0..self.all.len())
            .filter(|w| !skip.contains(w) && self.all[*w].is_some() && self.n[*w] > 0)
            .collect();
        let mut chance: Vec<(f64, usize)> = tested
            .iter()
            .filter_map(|&w| {
                let share = self.all[w]?;
                let n = self.n[w];
                let met = (share * f64::from(n)).round() as u64;
                let b = Binomial::new(p, u64::from(n)).ok()?;
                (share < p).then(|| (b.cdf(met), w))
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

    /// The first week, not in `skip`, met in fewer than a share `p` of replications.
    pub fn first_short(&self, p: f64, skip: &[usize]) -> Option<usize> {
        (0..self.all.len()).find(|w| !skip.contains(w) && self.all[*w].is_some_and(|x| x < p))
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

/// The days a run must last for week `w`'s service levels to be what the whole run gives: to
/// the week's end and then the longest answer target of a channel with a service-level target.
/// A contact still waiting at a run's end and younger than its target is undecided and left
/// out of the service level; one that arrived late in the week and is answered late only after
/// the week's end would make a run that stops there meet too often.
pub fn decided_by(m: &Model, w: usize) -> u32 {
    let longest = (0..m.channels.len())
        .filter(|c| m.channels[*c].service_level_target.is_some())
        .flat_map(|c| (0..m.topics.len()).map(move |t| (c, t)))
        .map(|(c, t)| m.answer_target(c, t))
        .fold(0.0, f64::max);
    let end = (w as u32 + 1) * 7;
    let after = (longest / crate::duration::DAY)
        .ceil()
        .min(f64::from(m.days)) as u32;
    m.days.min(end.saturating_add(after))
}

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

    /// The classes that could mend channel `c` in week `w`: for each group serving `c` and
    /// shift (a class of a weekday shift cannot mend a short weekend), the latest class on the
    /// floor all week, else the latest on the floor some day of it.
    fn classes_for(m: &Model, c: usize, w: usize) -> Vec<usize> {
        let (start, end) = ((w * 7) as u32, (w * 7 + 7) as u32);
        let serving = |k: &usize| {
            let h = &m.hires[*k];
            m.groups[h.group as usize].channels[c] && h.joins < end
        };
        let mut found: Vec<usize> = Vec::new();
        // Rank: on the floor all week first, then the latest to join, then the first listed.
        let rank = |k: usize| (m.hires[k].joins <= start, m.hires[k].joins);
        for k in (0..m.hires.len()).filter(serving) {
            let h = &m.hires[k];
            let same = found.iter().position(|j| {
                let o = &m.hires[*j];
                (o.group, o.shift) == (h.group, h.shift)
            });
            match same {
                Some(i) if rank(k) > rank(found[i]) => found[i] = k,
                Some(_) => {}
                None => found.push(k),
            }
        }
        found.sort_by_key(|k| std::cmp::Reverse((rank(*k), std::cmp::Reverse(*k))));
        found
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
            visits[w] += 1;
            // A week can come back when another channel's hires change this one's (repeats
            // that switch channels), but not without end.
            if visits[w] > 2 * m.channels.len() as u32 + 2 {
                out_of_reach.push(OutOfReach {
                    week: w,
                    why: "it stays short however its classes grow".into(),
                });
                continue;
            }
            if let Err(why) = self.mend(&mut m, &met, w, &mut runs)? {
                out_of_reach.push(OutOfReach { week: w, why });
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

    /// Grows one class so that week `w` (short in `met`) is met: a channel short alone grows
    /// a class serving it until it meets its own target; when each channel meets its own but
    /// not all together, the worst channel's class grows until the week is met, and if its size
    /// stops moving the week, the next channel's. `Err` says why no class can.
    fn mend(
        &mut self,
        m: &mut Model,
        met: &Met,
        w: usize,
        runs: &mut u32,
    ) -> Result<Result<(), String>, E> {
        let p = self.probability;
        let mut order: Vec<(usize, f64)> = met.channel[w]
            .iter()
            .enumerate()
            .filter_map(|(c, x)| x.map(|x| (c, x)))
            .collect();
        order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let alone = order.first().is_some_and(|(_, x)| *x < p);
        let tries: Vec<(usize, Goal)> = if alone {
            vec![(order[0].0, Goal::Channel(order[0].0))]
        } else {
            order.iter().map(|(c, _)| (*c, Goal::Week)).collect()
        };
        // Every class that could mend the week is sized; the one needing the fewest hires
        // grows (a later candidate is sized only up to that many).
        let mut best: Option<(u32, usize, u32)> = None;
        let mut tried = Vec::new();
        for (c, goal) in tries {
            let channel = m.channels[c].name.clone();
            let classes = Self::classes_for(m, c, w);
            if classes.is_empty() {
                tried.push(format!(
                    "no hiring class serving {channel} is on the floor by then"
                ));
            }
            for k in classes {
                let most = best.map_or(MOST_PER_CLASS, |b| b.0 - 1);
                if most == 0 {
                    break;
                }
                (self.report)(&format!(
                    "week {}: {channel} met in {:.0}% of replications, all targets in {:.0}%; sizing class {}",
                    w + 1,
                    met.channel[w][c].unwrap_or(0.0) * 100.0,
                    met.all[w].unwrap_or(0.0) * 100.0,
                    k + 1
                ));
                match self.grow(m, k, goal, w, most, runs)? {
                    Some(size) => best = Some((size - m.hires[k].size, k, size)),
                    None if best.is_none() => tried.push(format!(
                        "more agents in class {} stop moving {}",
                        k + 1,
                        match goal {
                            Goal::Channel(_) => format!("{channel}'s service level"),
                            Goal::Week => "the week's".into(),
                        }
                    )),
                    None => {}
                }
            }
        }
        if let Some((_, k, size)) = best {
            m.hires[k].size = size;
            return Ok(Ok(()));
        }
        if tried.is_empty() {
            tried.push("no channel with a target was offered contacts".into());
        }
        Ok(Err(tried.join("; ")))
    }

    /// The fewest agents in class `k` that meet `goal` in week `w` (on runs that end when the
    /// week's service levels are decided, [`decided_by`]): doubling, then bisection. `None` when
    /// the class's size stops moving the goal, or past `most` more.
    fn grow(
        &mut self,
        m: &Model,
        k: usize,
        goal: Goal,
        w: usize,
        most: u32,
        runs: &mut u32,
    ) -> Result<Option<u32>, E> {
        let mut t = m.clone();
        t.days = decided_by(m, w);
        let p = self.probability;
        // The goal's share with `size` agents in the class (1 where nothing was offered).
        let mut share = |size: u32, this: &mut Self| -> Result<f64, E> {
            t.hires[k].size = size;
            let met = this.met(&t, runs)?;
            let x = match goal {
                Goal::Channel(c) => met.channel[w][c],
                Goal::Week => met.all[w],
            };
            Ok(x.unwrap_or(1.0))
        };
        let base = m.hires[k].size;
        let (mut lo, mut step) = (base, 1);
        let (mut last, mut flat) = (f64::NEG_INFINITY, 0);
        let mut hi = loop {
            let size = (lo + step).min(base + most);
            let x = share(size, self)?;
            if x >= p {
                break size;
            }
            if size == base + most {
                return Ok(None);
            }
            // Twice as many agents again and again without a replication more meeting: what
            // keeps the week short is not this class's size (days before it joins or off its
            // shift, another channel's misses).
            flat = if x > last { 0 } else { flat + 1 };
            if flat >= 2 && step >= 8 {
                return Ok(None);
            }
            last = x;
            lo = size;
            step *= 2;
        };
        let mut meets =
            |size: u32, this: &mut Self| -> Result<bool, E> { Ok(share(size, this)? >= p) };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Shares of 40 replications meeting, per week.
    fn met(counts: &[u32]) -> Met {
        Met {
            all: counts.iter().map(|k| Some(f64::from(*k) / 40.0)).collect(),
            channel: vec![Vec::new(); counts.len()],
            n: vec![40; counts.len()],
        }
    }

    /// 31 of 40 is short of 90% alone (P = 0.015), not among 40 weeks (Holm's bound for the
    /// smallest is 0.05/40); 28 of 40 is (P = 0.0004) either way.
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

    /// In the bundled year's week 14, email can be mended by its weekday class of day 30 or its
    /// weekend class of day 0 (the day-60 classes join the floor on day 102, after the week);
    /// phone by the day-30 classes of shifts 1, 2 and 4 and the day-0 one of shift 3. In week
    /// 11 the day-30 classes join mid-week: those on the floor all week come first, and shift
    /// 4's, which has no earlier class, last.
    #[test]
    fn each_shift_offers_its_latest_class_on_the_floor() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/growing-year.toml");
        let m = crate::scenario::load(&path).expect("loads").model;
        type S = Search<'static, ()>;
        assert_eq!(S::classes_for(&m, 1, 13), vec![8, 4]);
        assert_eq!(S::classes_for(&m, 0, 13), vec![5, 6, 7, 2]);
        assert_eq!(S::classes_for(&m, 0, 10), vec![0, 1, 2, 7]);
    }

    /// Week `w`'s rows of each replication of `m` run for `days`.
    fn week(m: &Model, days: u32, w: usize) -> Vec<Vec<f64>> {
        let mut t = m.clone();
        t.days = days;
        let reps = super::super::simulate(&t, None, &|| {}).expect("runs");
        reps.into_iter().map(|r| r[w].clone()).collect()
    }

    /// A run that stops where [`decided_by`] says gives week `w` exactly the figures of a longer
    /// run (the engine does not look ahead); one that stops at the week's end does not, for
    /// emails answered within a day.
    #[test]
    fn a_week_is_decided_a_target_after_its_end() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/growing-year.toml");
        let mut m = crate::scenario::load(&path).expect("loads").model;
        m.replications = 8;
        let w = 13;
        assert_eq!(decided_by(&m, w), 99, "14 weeks and the email's day");
        let longer = week(&m, 112, w);
        let bits = |rows: &[Vec<f64>]| -> Vec<Vec<u64>> {
            rows.iter()
                .map(|r| r.iter().map(|x| x.to_bits()).collect())
                .collect()
        };
        assert_eq!(bits(&week(&m, decided_by(&m, w), w)), bits(&longer));
        assert_ne!(bits(&week(&m, 98, w)), bits(&longer));
    }
}
