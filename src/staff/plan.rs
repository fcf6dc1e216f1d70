//! Requirements corrected by simulation, round by round: the plan is simulated, every weekday
//! and interval that misses its channel's target gets more agents, until the share of intervals
//! meeting their target reaches the goal or the rounds run out. For a shared team the rounds
//! also trim intervals that meet every target, keeping the smallest team that reaches the goal.

use super::{Requirement, ShiftLimits, analytic, blended_model, staffed_model, target};
use crate::duration::DAY;
use crate::metrics::RepResult;
use crate::model::Model;
use crate::report;
use crate::report::Metric;

/// How far to correct a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanOptions {
    /// Most simulation rounds after the analytic guess.
    pub rounds: u32,
    /// Share of intervals with traffic that must meet their target.
    pub goal: f64,
    /// Shortest and longest shift.
    pub limits: ShiftLimits,
}

/// The dedicated plan: each channel's requirement, carried by the scenario's groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Agents needed per channel, weekday and interval, after the rounds.
    pub reqs: Vec<Requirement>,
    /// Each requirement's simulated service level in the last round (mean over the
    /// occurrences of its weekday and interval with traffic).
    pub simulated_sl: Vec<Option<f64>>,
    /// Share of interval occurrences with traffic that met their target in the last round.
    pub met_share: f64,
    /// Simulation rounds after the first simulation of the analytic guess.
    pub rounds: u32,
}

/// A shared team: agents per weekday and interval, every one working every channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Agents on the floor, [weekday][interval of the day].
    pub agents: Vec<Vec<u32>>,
    /// Share of interval occurrences with traffic that met their target.
    pub met_share: f64,
}

/// What a simulated plan achieves: per (channel, weekday, interval) requirement whether any
/// occurrence with traffic missed its target and the mean simulated service level, and the
/// share of interval occurrences with traffic meeting their target.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Per requirement: whether an occurrence with traffic missed the target.
    pub fails: Vec<bool>,
    /// Per requirement: the mean simulated service level over its occurrences with traffic.
    pub sl: Vec<Option<f64>>,
    /// Share of interval occurrences with traffic that met their target.
    pub met_share: f64,
}

/// Intervals of the day.
fn per_day(model: &Model) -> usize {
    (DAY / model.interval).round() as usize
}

/// The index of a requirement, as [`analytic`] orders them.
fn key(model: &Model, c: usize, wd: usize, slot: usize) -> usize {
    (c * 7 + wd) * per_day(model) + slot
}

/// Scores the replications `reps` of plan `m` interval by interval against each channel's
/// target (an interval with traffic is one with at least one contact offered on average).
pub fn evaluate(m: &Model, reps: &[RepResult]) -> Evaluation {
    let per_day = per_day(m);
    let keys = m.channels.len() * 7 * per_day;
    let (rows, _) = report::intervals(m, reps);
    let mut fails = vec![false; keys];
    let mut sl_sum = vec![(0.0, 0.0); keys];
    let (mut with_traffic, mut met) = (0usize, 0usize);
    for r in &rows {
        let Some(c) = m.channels.iter().position(|ch| ch.name == r.channel) else {
            continue;
        };
        let traffic = r
            .get(Metric::Offered)
            .and_then(|b| b.mean)
            .is_some_and(|x| x >= 1.0);
        let Some(sl) = r.get(Metric::ServiceLevel).and_then(|b| b.mean) else {
            continue;
        };
        if !traffic {
            continue;
        }
        let day = (r.start / DAY).floor() as usize;
        let wd = (m.demand.start_weekday + day) % 7;
        let slot = ((r.start - day as f64 * DAY) / m.interval).round() as usize % per_day;
        let k = key(m, c, wd, slot);
        with_traffic += 1;
        sl_sum[k].0 += sl;
        sl_sum[k].1 += 1.0;
        if sl >= target(m, c) {
            met += 1;
        } else {
            fails[k] = true;
        }
    }
    Evaluation {
        fails,
        sl: sl_sum
            .iter()
            .map(|(s, n)| (*n > 0.0).then(|| s / n))
            .collect(),
        met_share: if with_traffic > 0 {
            met as f64 / with_traffic as f64
        } else {
            1.0
        },
    }
}

/// One more agent in ten (at least one): larger shortfalls in larger teams.
pub fn raise(n: u32) -> u32 {
    n + (f64::from(n) * 0.1).ceil().max(1.0) as u32
}

/// Plans each channel of `base` (carried by the scenario's groups): the analytic guess, then rounds of `simulate` (which
/// runs a model's replications) raising every requirement that misses its target.
pub fn plan<E>(
    base: &Model,
    options: &PlanOptions,
    simulate: &mut impl FnMut(&Model) -> Result<Vec<RepResult>, E>,
) -> Result<Plan, E> {
    let mut reqs = analytic(base);
    let mut simulated_sl = vec![None; reqs.len()];
    let mut met_share = 0.0;
    let mut rounds = 0;
    for round in 0..=options.rounds {
        let m = staffed_model(base, &reqs, options.limits);
        let e = evaluate(&m, &simulate(&m)?);
        simulated_sl = e.sl;
        met_share = e.met_share;
        rounds = round;
        if met_share >= options.goal || round == options.rounds {
            break;
        }
        for (r, fails) in reqs.iter_mut().zip(&e.fails) {
            if *fails {
                r.required = raise(r.required);
            }
        }
    }
    Ok(Plan {
        reqs,
        simulated_sl,
        met_share,
        rounds,
    })
}

/// Plans one cross-trained team shared by every channel of `base`: it starts from the
/// dedicated plan's total in each interval (`reqs`) and, round by round, raises every interval
/// where a channel misses its target and trims one in twenty agents from those that never
/// missed. Returns the smallest team (in agent-hours) that reached the goal, or `None` if none
/// did.
pub fn blend<E>(
    base: &Model,
    reqs: &[Requirement],
    options: &PlanOptions,
    simulate: &mut impl FnMut(&Model) -> Result<Vec<RepResult>, E>,
) -> Result<Option<Team>, E> {
    let per_day = per_day(base);
    let nc = base.channels.len();
    let mut team: Vec<Vec<u32>> = (0..7)
        .map(|wd| {
            (0..per_day)
                .map(|slot| (0..nc).map(|c| reqs[key(base, c, wd, slot)].required).sum())
                .collect()
        })
        .collect();
    let mut locked = vec![vec![false; per_day]; 7];
    let mut best: Option<Team> = None;
    let hours = |t: &[Vec<u32>]| t.iter().flatten().map(|&n| u64::from(n)).sum::<u64>();
    for _ in 0..=options.rounds {
        let m = blended_model(base, &team, options.limits);
        let e = evaluate(&m, &simulate(&m)?);
        if e.met_share >= options.goal
            && best
                .as_ref()
                .is_none_or(|b| hours(&team) <= hours(&b.agents))
        {
            best = Some(Team {
                agents: team.clone(),
                met_share: e.met_share,
            });
        }
        let mut changed = false;
        for wd in 0..7 {
            for slot in 0..per_day {
                let failed = (0..nc).any(|c| e.fails[key(base, c, wd, slot)]);
                let n = &mut team[wd][slot];
                if failed {
                    *n = raise(*n);
                    locked[wd][slot] = true;
                    changed = true;
                } else if !locked[wd][slot] && *n > 0 {
                    *n -= (f64::from(*n) * 0.05).ceil().max(1.0) as u32;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_raise_the_intervals_that_miss_until_the_goal_holds() {
        let text = "[simulation]\ndays = 3\ninterval = \"1h\"\nreplications = 4\n[volume]\nper_day = 2400\nintraday = \"business-hours\"\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"exponential\", mean = \"4m\" }\nanswer_within = \"20s\"\nservice_level_target = 0.8\n[[agents]]\nname = \"a\"\ncount = 1\nchannels = [\"phone\"]\n";
        let base = crate::scenario::parse("t.toml", text, "t")
            .expect("valid")
            .model;
        let options = PlanOptions {
            limits: ShiftLimits::default(),
            rounds: 6,
            goal: 0.95,
        };
        let mut simulated = 0;
        let mut simulate = |m: &Model| -> Result<Vec<RepResult>, crate::engine::Stopped> {
            simulated += 1;
            crate::run_replications(m, &|| {}, Default::default())
        };
        let p = plan(&base, &options, &mut simulate).expect("runs");
        assert_eq!(simulated, p.rounds as usize + 1);
        assert!(p.met_share >= 0.95 || p.rounds == 6, "{}", p.met_share);
        // Nothing is ever taken away from the analytic guess, and open hours need agents.
        for (r, first) in p.reqs.iter().zip(analytic(&base)) {
            assert!(r.required >= first.required);
            assert_eq!(r.required > 0, r.offered > 0.0);
        }
    }
}
