//! Who carries a channel's requirement: the agents a channel needs on the floor are shared
//! among the scenario's own tier-1 groups, so that a staffed plan keeps their skills,
//! proficiencies, costs, shrinkage and absence instead of inventing new teams.
//!
//! Each (channel, topic) workload that reaches agents goes to the groups that may take it
//! (they work the channel and have the topic's skill), in proportion to their headcount today:
//! the plan keeps the mix of groups the planner has. A group slower at a topic (proficiency
//! below 1) needs more of its agents for the same work. A group's agents on the floor are then
//! grossed up for its planned shrinkage and absence into agents scheduled.

use super::{Requirement, reaching};
use crate::duration::DAY;
use crate::model::{ChannelId, Group, Model, TopicId};

/// Per group and channel, the agents of the group on the floor per agent the channel needs
/// (0 for tier-2 groups and for channels the group does not take).
pub fn shares(model: &Model) -> Vec<Vec<f64>> {
    let (ng, nc) = (model.groups.len(), model.channels.len());
    let mut out = vec![vec![0.0; nc]; ng];
    for (c, row) in (0..nc).map(|c| (c, reaching(model, c))) {
        let Some(reach) = row else { continue };
        let work = |t: usize| reach[t] * model.mean_work(ChannelId(c as u32), TopicId(t as u32));
        let total: f64 = (0..model.topics.len()).map(work).sum();
        if total <= 0.0 {
            continue;
        }
        for t in 0..model.topics.len() {
            let takers: Vec<usize> = (0..ng).filter(|g| takes(&model.groups[*g], c, t)).collect();
            let weight = |g: usize| f64::from(model.groups[g].headcount().max(1));
            let all: f64 = takers.iter().map(|g| weight(*g)).sum();
            for &g in &takers {
                let proficiency = model.groups[g].proficiency[t].unwrap_or(1.0);
                out[g][c] += work(t) / total * weight(g) / all / proficiency;
            }
        }
    }
    out
}

/// Per channel and topic, the share of the channel's agent work (time, after deflection and
/// the bot) that the topic brings, `[channel][topic]`; all 0 for a channel no work reaches.
pub fn work_shares(model: &Model) -> Vec<Vec<f64>> {
    (0..model.channels.len())
        .map(|c| {
            let nt = model.topics.len();
            let Some(reach) = reaching(model, c) else {
                return vec![0.0; nt];
            };
            let work: Vec<f64> = (0..nt)
                .map(|t| reach[t] * model.mean_work(ChannelId(c as u32), TopicId(t as u32)))
                .collect();
            let total: f64 = work.iter().sum();
            work.iter()
                .map(|w| if total > 0.0 { w / total } else { 0.0 })
                .collect()
        })
        .collect()
}

/// Whether tier-1 group `g` takes topic `t` on channel `c`.
pub fn takes(g: &Group, c: usize, t: usize) -> bool {
    g.tier == 1 && g.channels[c] && g.proficiency[t].is_some()
}

/// Channels with agents' work that no tier-1 group takes.
pub fn orphans(model: &Model) -> Vec<usize> {
    (0..model.channels.len())
        .filter(|c| {
            reaching(model, *c).is_some_and(|r| {
                r.iter()
                    .enumerate()
                    .any(|(t, w)| *w > 0.0 && !model.groups.iter().any(|g| takes(g, *c, t)))
            })
        })
        .collect()
}

/// Scheduled agents per agent on the floor on `weekday` (0 = Monday): 1 / ((1 − planned
/// shrinkage)(1 − that day's absence)).
pub fn gross_up(g: &Group, weekday: usize) -> f64 {
    1.0 / ((1.0 - g.planned_shrinkage) * g.present_on(weekday))
}

/// Each group's agents scheduled, `[group][weekday][slot]`: its share of every channel's
/// requirement on the floor, grossed up for its shrinkage and absence (rounded up).
pub fn group_profiles(model: &Model, reqs: &[Requirement]) -> Vec<Vec<Vec<u32>>> {
    let per_day = (DAY / model.interval).round() as usize;
    let shares = shares(model);
    let mut floor = vec![vec![vec![0.0f64; per_day]; 7]; model.groups.len()];
    for r in reqs {
        for (g, share) in shares.iter().enumerate() {
            floor[g][r.weekday % 7][r.slot] += f64::from(r.required) * share[r.channel];
        }
    }
    floor
        .iter()
        .zip(&model.groups)
        .map(|(week, g)| {
            week.iter()
                .enumerate()
                .map(|(weekday, day)| {
                    let k = gross_up(g, weekday);
                    day.iter()
                        .map(|n| (n * k - 1e-9).ceil().max(0.0) as u32)
                        .collect()
                })
                .collect()
        })
        .collect()
}
