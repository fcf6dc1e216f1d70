//! Rosters: from requirements to a weekly schedule people can work, proven by simulation.
//!
//! Round by round: the agents each channel needs per weekday and interval (`staff`'s analytic
//! guess, then raised where a simulation missed) are split by topic; a mixed-integer program
//! ([`mip`]) chooses the cheapest shifts, day patterns and break times within each group's
//! work rules ([`patterns`]) that give every (channel, topic) its agents — a cross-skilled
//! group split between channels interval by interval; the schedule ([`schedule`]) is simulated,
//! and intervals still missing their target are raised, until the goal holds or the rounds
//! run out.

pub mod files;
pub mod mip;
pub mod patterns;
pub mod schedule;

use mip::{GroupChoices, Need, Problem, Solution, SolveError, SolveOptions};
use schedule::ShiftRow;

use crate::duration::DAY;
use crate::metrics::RepResult;
use crate::model::Model;
use crate::staff::{self, Requirement};

/// How to roster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RosterOptions {
    /// Most simulation rounds after the first.
    pub rounds: u32,
    /// Share of intervals with traffic that must meet their target.
    pub goal: f64,
    /// The solver's limits, per round.
    pub solve: SolveOptions,
}

/// One round: the schedule solved and what its simulation achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// People scheduled.
    pub people: u32,
    /// Cost of a week's paid hours.
    pub cost: f64,
    /// Paid hours a week.
    pub hours: f64,
    /// Objective, the solver's lower bound and the relative gap.
    pub objective: f64,
    /// The solver's lower bound on the objective.
    pub bound: f64,
    /// Relative gap between the schedule and the bound.
    pub gap: f64,
    /// Whether the time limit ended the solve.
    pub timed_out: bool,
    /// Seconds solving.
    pub seconds: f64,
    /// Share of interval occurrences with traffic meeting their target in simulation.
    pub met_share: f64,
}

/// The roster after its rounds.
#[derive(Debug, Clone)]
pub struct Roster {
    /// Groups rostered (model indices).
    pub groups: Vec<usize>,
    /// The choices each had.
    pub choices: Vec<GroupChoices>,
    /// The requirements of the last round.
    pub reqs: Vec<Requirement>,
    /// What the intervals needed per (channel, topic) in the last round, that some allowed
    /// shift covers.
    pub needs: Vec<Need>,
    /// Needs of the last round that no allowed shift of a group taking them covers: the rules
    /// make them impossible.
    pub uncovered: Vec<Need>,
    /// The last round's solution.
    pub solution: Solution,
    /// Its schedule.
    pub rows: Vec<ShiftRow>,
    /// The scenario's model with this schedule.
    pub model: Model,
    /// Every round.
    pub rounds: Vec<Round>,
}

/// What stops a roster.
#[derive(Debug)]
pub enum RosterError<E> {
    /// The solver found no schedule.
    Solve(SolveError),
    /// The simulation failed.
    Simulate(E),
}

/// The tier-1 groups a roster schedules: those with work rules.
pub fn rostered_groups(model: &Model) -> Vec<usize> {
    (0..model.groups.len())
        .filter(|g| model.groups[*g].tier == 1 && model.groups[*g].rules.is_some())
        .collect()
}

/// Per (channel, topic) with agents' work, whether no rostered group takes it.
pub fn untaken(model: &Model) -> Vec<(usize, usize)> {
    let shares = staff::work_shares(model);
    let groups = rostered_groups(model);
    let mut out = Vec::new();
    for (c, row) in shares.iter().enumerate() {
        for (t, w) in row.iter().enumerate() {
            if *w > 0.0 && !groups.iter().any(|g| staff::takes(&model.groups[*g], c, t)) {
                out.push((c, t));
            }
        }
    }
    out
}

/// The choices of each rostered group of `model`, for `needs`.
pub fn choices(model: &Model, needs: &[Need]) -> Vec<GroupChoices> {
    let priced = model.groups.iter().any(|g| g.cost_per_hour > 0.0);
    rostered_groups(model)
        .into_iter()
        .filter_map(|gi| {
            let g = &model.groups[gi];
            let rules = g.rules.as_ref()?;
            Some(GroupChoices {
                group: gi,
                candidates: patterns::candidates(rules),
                patterns: patterns::day_patterns(rules.days_per_week, rules.days_off_together),
                // Unpriced groups cost an hour each, so the roster still saves hours.
                unit_cost: if priced && g.cost_per_hour > 0.0 {
                    g.cost_per_hour
                } else {
                    1.0
                },
                present: std::array::from_fn(|d| g.present_on(d)),
                max_people: rules.max_people,
                takes: needs
                    .iter()
                    .map(|n| {
                        staff::takes(g, n.channel, n.topics[0])
                            .then(|| g.proficiency[n.topics[0]].unwrap_or(1.0))
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Each requirement split by the topics' shares of its channel's work; topics the same
/// groups take at the same proficiency stay together.
pub fn needs(model: &Model, reqs: &[Requirement]) -> Vec<Need> {
    let shares = staff::work_shares(model);
    let per_day = (DAY / model.interval).round() as usize;
    let groups = rostered_groups(model);
    // Per channel, its topics in classes: (topics, share of the channel's work).
    let classes: Vec<Vec<(Vec<usize>, f64)>> = shares
        .iter()
        .enumerate()
        .map(|(c, row)| {
            let mut out: Vec<(Vec<Option<u64>>, Vec<usize>, f64)> = Vec::new();
            for (t, w) in row.iter().enumerate().filter(|(_, w)| **w > 0.0) {
                let sig: Vec<Option<u64>> = groups
                    .iter()
                    .map(|g| {
                        let g = &model.groups[*g];
                        staff::takes(g, c, t).then(|| g.proficiency[t].unwrap_or(1.0).to_bits())
                    })
                    .collect();
                match out.iter_mut().find(|x| x.0 == sig) {
                    Some(x) => {
                        x.1.push(t);
                        x.2 += w;
                    }
                    None => out.push((sig, vec![t], *w)),
                }
            }
            out.into_iter().map(|x| (x.1, x.2)).collect()
        })
        .collect();
    let mut out = Vec::new();
    for r in reqs.iter().filter(|r| r.required > 0) {
        for (topics, w) in &classes[r.channel] {
            out.push(Need {
                channel: r.channel,
                topics: topics.clone(),
                slot: (r.weekday % 7) * per_day + r.slot,
                agents: f64::from(r.required) * w,
            });
        }
    }
    out
}

/// `needs` split into those some allowed shift of a group taking them covers, and the rest.
pub fn coverable(model: &Model, needs: Vec<Need>) -> (Vec<Need>, Vec<Need>) {
    let slots = (7.0 * DAY / model.interval).round() as usize;
    // Per group, the intervals of the week its shifts can reach (every shift may fall on any
    // day: each day is in some weekly pattern).
    let reach: Vec<Vec<bool>> = model
        .groups
        .iter()
        .map(|g| {
            let mut r = vec![false; slots];
            for c in g.rules.iter().flat_map(patterns::candidates) {
                for d in 0..7 {
                    let from = d as f64 * DAY + c.start;
                    for (j, _) in patterns::overlap(from, c.length, model.interval) {
                        r[j] = true;
                    }
                }
            }
            r
        })
        .collect();
    needs.into_iter().partition(|n| {
        rostered_groups(model)
            .iter()
            .any(|g| reach[*g][n.slot] && staff::takes(&model.groups[*g], n.channel, n.topics[0]))
    })
}

/// Rosters `base`: solve, simulate with `simulate`, raise what missed, until `options.goal`
/// holds or the rounds run out. `progress` hears of each round as it starts.
pub fn roster<E>(
    base: &Model,
    options: &RosterOptions,
    simulate: &mut impl FnMut(&Model) -> Result<Vec<RepResult>, E>,
    progress: &mut impl FnMut(u32),
) -> Result<Roster, RosterError<E>> {
    let groups = rostered_groups(base);
    let mut reqs = staff::analytic(base);
    let mut rounds = Vec::new();
    let mut round = 0;
    loop {
        progress(round);
        let (needs, uncovered) = coverable(base, needs(base, &reqs));
        let choices = choices(base, &needs);
        let penalty =
            1000.0 * choices.iter().map(|c| c.unit_cost).fold(1.0, f64::max) * base.interval
                / 3600.0;
        let problem = Problem {
            interval: base.interval,
            groups: choices.clone(),
            needs: needs.clone(),
            penalty,
        };
        let solution = mip::solve(&problem, options.solve).map_err(RosterError::Solve)?;
        let rows = schedule::rows(&choices, &solution);
        let model = schedule::rostered_model(base, &groups, &rows);
        let e = staff::evaluate(&model, &simulate(&model).map_err(RosterError::Simulate)?);
        rounds.push(Round {
            people: solution.people.iter().flatten().flatten().sum(),
            cost: week_cost(base, &rows),
            hours: week_hours(&rows),
            objective: solution.objective,
            bound: solution.bound,
            gap: solution.gap,
            timed_out: solution.timed_out,
            seconds: solution.seconds,
            met_share: e.met_share,
        });
        if e.met_share >= options.goal || round >= options.rounds {
            return Ok(Roster {
                groups,
                choices,
                reqs,
                needs,
                uncovered,
                solution,
                rows,
                model,
                rounds,
            });
        }
        for (r, fails) in reqs.iter_mut().zip(&e.fails) {
            if *fails {
                r.required = staff::raise(r.required);
            }
        }
        round += 1;
    }
}

/// Cost of a week of `rows`: paid hours × each group's cost per hour.
pub fn week_cost(model: &Model, rows: &[ShiftRow]) -> f64 {
    rows.iter()
        .map(|r| r.paid_hours * f64::from(r.count) * model.groups[r.group].cost_per_hour)
        .sum()
}

/// Paid hours of a week of `rows`.
pub fn week_hours(rows: &[ShiftRow]) -> f64 {
    rows.iter().map(|r| r.paid_hours * f64::from(r.count)).sum()
}

/// Hours on site a week of `rows` (breaks included).
pub fn site_hours(rows: &[ShiftRow]) -> f64 {
    rows.iter()
        .map(|r| r.length / 3600.0 * f64::from(r.count))
        .sum()
}

/// Share of group `g`'s time on site that its breaks take, in `rows` (0 without rows).
pub fn break_share(rows: &[ShiftRow], g: usize) -> f64 {
    let (mut off, mut on) = (0.0, 0.0);
    for r in rows.iter().filter(|r| r.group == g) {
        let n = f64::from(r.count);
        off += n * r.breaks.iter().map(|b| b.length).sum::<f64>();
        on += n * r.length;
    }
    if on > 0.0 { off / on } else { 0.0 }
}
