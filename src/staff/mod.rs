//! Staffing requirements: agents needed per weekday × interval of the day for each channel to
//! meet its answer target. An analytic first guess per interval (Erlang A or C for calls, the
//! same on chat slots for chat, workload within the answer window for written channels) is
//! then corrected by simulation, where transients between intervals, abandonment and
//! agents finishing contacts past their interval make the formulas miss.
//!
//! `plan` holds the rounds of simulation (for the scenario's groups, or one shared team);
//! `groups` turns a profile of agents per interval into shifts, as a model's agent groups and as
//! the scenario file a planner keeps.

mod groups;
mod plan;
mod shifts;
mod split;

pub use groups::{
    blended_file, blended_model, group_hours, short_pieces, staffed_file, staffed_model, team_hours,
};
pub use plan::{Evaluation, Plan, PlanOptions, Team, blend, evaluate, plan, raise};
pub use shifts::{ShiftLimits, lengthen, split_long, stack};
pub use split::{gross_up, orphans, takes, work_shares};

use crate::duration::DAY;
use crate::model::{ChannelId, ChannelKind, Model, TopicId};
use crate::queueing;

/// One requirement: a channel at a weekday and interval of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// Channel index.
    pub channel: usize,
    /// Weekday, 0 = Monday.
    pub weekday: usize,
    /// Interval of the day, from 0.
    pub slot: usize,
    /// Contacts expected in the interval.
    pub offered: f64,
    /// Mean handle time, seconds.
    pub aht: f64,
    /// The analytic first guess, agents on the floor.
    pub analytic: u32,
    /// After simulation, agents on the floor.
    pub required: u32,
}

/// The service-level target a channel is staffed for (its own, or 80%).
pub fn target(model: &Model, c: usize) -> f64 {
    model.channels[c].service_level_target.unwrap_or(0.8)
}

/// Arrival rate per second of channel `c` in the interval `[t0, t0 + len)` of weekday `wd`,
/// averaged over the intraday slots it covers.
fn rate(model: &Model, c: usize, wd: usize, t0: f64, len: f64) -> f64 {
    let ch = &model.channels[c];
    let profile = &ch.intraday[wd];
    let n = profile.len();
    let slot_len = DAY / n as f64;
    let mut total = 0.0;
    let steps = 8;
    for k in 0..steps {
        let t = t0 + (k as f64 + 0.5) * len / steps as f64;
        let i = ((t / slot_len) as usize).min(n - 1);
        total += model.demand.per_day * ch.share * profile[i] / slot_len;
    }
    total / steps as f64 * model.demand.weekday[wd] * to_agents(model, c)
}

/// Per topic, the share of channel `c`'s would-be contacts that are of that topic and reach
/// an agent: neither answered by the knowledge base nor resolved by the bot (at full rollout:
/// a plan is for the steady state). `None` when no topic comes by this channel.
fn reaching(model: &Model, c: usize) -> Option<Vec<f64>> {
    let bot = model.automation.as_ref().is_some_and(|a| a.channels[c]);
    let mix: Vec<f64> = model
        .topics
        .iter()
        .map(|t| t.share * t.channel_mix[c])
        .collect();
    let total: f64 = mix.iter().sum();
    (total > 0.0).then(|| {
        model
            .topics
            .iter()
            .zip(&mix)
            .map(|(t, w)| {
                let contained = if bot { t.containment } else { 0.0 };
                w / total * (1.0 - t.kb_deflection) * (1.0 - contained)
            })
            .collect()
    })
}

/// The share of channel `c`'s would-be contacts that reach an agent. A bot that contains
/// everything leaves nothing for agents.
fn to_agents(model: &Model, c: usize) -> f64 {
    reaching(model, c).map_or(1.0, |r| r.iter().sum())
}

/// Mean agent time per contact of channel `c` (all touches of a ticket) over the topics that
/// reach agents, seconds. Behind a bot, agents see only what it passed on: the harder part,
/// by its factor.
fn aht(model: &Model, c: usize) -> f64 {
    let factor = model
        .automation
        .as_ref()
        .filter(|a| a.channels[c])
        .map_or(1.0, |a| a.handle_time_factor);
    let work = |ti: usize| model.mean_work(ChannelId(c as u32), TopicId(ti as u32));
    let mean = match reaching(model, c) {
        Some(r) if r.iter().sum::<f64>() > 0.0 => {
            let total: f64 = r.iter().sum();
            r.iter()
                .enumerate()
                .map(|(ti, w)| w / total * work(ti))
                .sum()
        }
        _ => model.channels[c].handle_time.mean(),
    };
    factor * mean
}

/// Fewest servers meeting `target` within `within` for `lambda` per second of `s` seconds.
fn servers(lambda: f64, s: f64, within: f64, target: f64, patience: Option<f64>) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let a = lambda * s;
    let mut n = (a.floor() as u32).max(1);
    loop {
        let sl = match patience {
            Some(p) => queueing::erlang_a(lambda, s, n, p, within).service_level,
            None if f64::from(n) > a => queueing::mmc(lambda, s, n, within).service_level,
            None => 0.0,
        };
        if sl >= target || n > 100_000 {
            return n;
        }
        n += 1;
    }
}

/// The analytic first guess for every channel, weekday and interval of the day.
pub fn analytic(model: &Model) -> Vec<Requirement> {
    let len = model.interval;
    let per_day = (DAY / len).round() as usize;
    let mut out = Vec::new();
    for (c, ch) in model.channels.iter().enumerate() {
        let s = aht(model, c);
        for wd in 0..7 {
            for slot in 0..per_day {
                let t0 = slot as f64 * len;
                let lambda = rate(model, c, wd, t0, len);
                let patience = ch.patience.as_ref().map(|p| p.mean());
                let n = match ch.kind {
                    ChannelKind::Call => {
                        servers(lambda, s, ch.answer_within, target(model, c), patience)
                    }
                    ChannelKind::Chat => {
                        // Chats share an agent's attention: size chat slots, with handle time
                        // stretched as at half the concurrency, then divide by the concurrency.
                        let k = f64::from(ch.concurrency.max(1));
                        let stretched = s * (1.0 + ch.concurrency_stretch * (k - 1.0) / 2.0);
                        let slots = servers(
                            lambda,
                            stretched,
                            ch.answer_within,
                            target(model, c),
                            patience,
                        );
                        (f64::from(slots) / k).ceil() as u32
                    }
                    ChannelKind::Async => {
                        // The work arriving over the answer window must be done within it.
                        let window = ch.answer_within.max(len);
                        let steps = (window / len).ceil() as usize;
                        let mut work = 0.0;
                        for k in 0..steps {
                            let t = t0 + k as f64 * len;
                            let day_shift = (t / DAY).floor() as usize;
                            let wd2 = (wd + day_shift) % 7;
                            work += rate(model, c, wd2, t - day_shift as f64 * DAY, len) * len * s;
                        }
                        (work / (steps as f64 * len)).ceil() as u32
                    }
                };
                out.push(Requirement {
                    channel: c,
                    weekday: wd,
                    slot,
                    offered: lambda * len,
                    aht: s,
                    analytic: n,
                    required: n,
                });
            }
        }
    }
    out
}

/// Full-time equivalents of the dedicated plan: the agent-hours a week its groups are
/// scheduled (each grossed up for its own shrinkage and absence) ÷ the hours of a full-time
/// week.
pub fn fte(model: &Model, reqs: &[Requirement], week_hours: f64, limits: ShiftLimits) -> f64 {
    let hours: f64 = group_hours(model, reqs, limits).iter().map(|g| g.1).sum();
    hours / week_hours
}

/// Full-time equivalents of a shared team of `team[wd][slot]` agents on the floor, scheduled
/// in shifts of at least `limits` with the groups' shrinkage and absence.
pub fn team_fte(model: &Model, team: &[Vec<u32>], week_hours: f64, limits: ShiftLimits) -> f64 {
    team_hours(model, team, limits) / week_hours
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_erlang_c_needs_the_erlang_c_answer() {
        let loaded = crate::scenario::parse(
            "t.toml",
            "[simulation]\ndays = 7\ninterval = \"1h\"\n[volume]\nper_day = 3600\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"exponential\", mean = \"4m\" }\nanswer_within = \"20s\"\nservice_level_target = 0.8\n[[agents]]\nname = \"a\"\ncount = 12\nchannels = [\"phone\"]\n",
            "t",
        )
        .expect("valid");
        let reqs = analytic(&loaded.model);
        assert_eq!(reqs.len(), 7 * 24);
        // 150 calls an hour of 4 minutes, 80/20: Erlang C gives 14 agents (SL 0.80 at 13 is below).
        let n = reqs[0].analytic;
        assert!(queueing::mmc(150.0 / 3600.0, 240.0, n, 20.0).service_level >= 0.8);
        assert!(queueing::mmc(150.0 / 3600.0, 240.0, n - 1, 20.0).service_level < 0.8);
        assert!(reqs.iter().all(|r| r.analytic == n));
    }
}
