//! The weekly schedule as a mixed-integer program, solved by HiGHS.
//!
//! Variables: people per group, shift and weekly day pattern (integer); per group, shift, day
//! and break, people taking the break at each allowed offset (as many as work that shift that
//! day — the implicit break placement of Bechtold & Jacobs, Management Science 36(11), 1990;
//! continuous, then rounded to whole people by largest remainder: breaks cost nothing, so the
//! cost and its bound are those of the integer program); per interval, the agents of each group given to each (channel, topic) it
//! takes (continuous: how a cross-skilled group is split between channels interval by
//! interval); and per (channel, topic, interval) the agents short (continuous, penalised).
//!
//! Constraints: a group gives no more agents in an interval than it has on the floor (on
//! shift, not on break, not absent); each (channel, topic, interval) gets its requirement in
//! agents at full speed (a group slower at the topic counts for its proficiency) or the
//! shortfall; at most `max_people` per group. Objective: paid hours × cost per hour, plus the
//! shortfall at a penalty far above any hour's cost.

use std::time::Instant;

use highs::{HighsModelStatus, RowProblem, Sense};

use super::patterns::{Candidate, overlap};
use crate::duration::DAY;

/// What one group may be given.
#[derive(Debug, Clone)]
pub struct GroupChoices {
    /// Index of the group in the model.
    pub group: usize,
    /// Its shifts.
    pub candidates: Vec<Candidate>,
    /// Its weekly day patterns (bit d = weekday d).
    pub patterns: Vec<u8>,
    /// Cost of a paid hour in the objective.
    pub unit_cost: f64,
    /// Share of its scheduled people present on each weekday, Monday first (1 − absence).
    pub present: [f64; 7],
    /// Most people.
    pub max_people: Option<u32>,
    /// Per need (same order as [`Problem::needs`]): its proficiency when it takes it.
    pub takes: Vec<Option<f64>>,
}

/// Agents needed on the floor for one channel's topics in one interval of the week (topics
/// that the same groups take at the same proficiency are one need).
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// Channel index.
    pub channel: usize,
    /// Topic indices, in order; the first stands for all (same takers, same proficiency).
    pub topics: Vec<usize>,
    /// Interval of the week, Monday 00:00 = 0.
    pub slot: usize,
    /// Agents at full speed.
    pub agents: f64,
}

/// The program's inputs.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Interval length, seconds.
    pub interval: f64,
    /// The groups to roster.
    pub groups: Vec<GroupChoices>,
    /// What the intervals need.
    pub needs: Vec<Need>,
    /// Cost of one agent-interval short.
    pub penalty: f64,
}

/// How to solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Stop after this many seconds with the best schedule found.
    pub time_limit: f64,
    /// Stop when the schedule is proven within this relative gap of the best possible.
    pub gap: f64,
}

/// A solved program.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// People per group, candidate and pattern: `[group][candidate][pattern]`.
    pub people: Vec<Vec<Vec<u32>>>,
    /// People per group, candidate, weekday and break taking it at each offset:
    /// `[group][candidate][weekday][break][offset]`.
    pub breaks: Vec<Vec<Vec<Vec<Vec<u32>>>>>,
    /// Agents given per group and need: `[group][need]`.
    pub given: Vec<Vec<f64>>,
    /// Agents short per need.
    pub short: Vec<f64>,
    /// Objective of the schedule (cost plus penalties).
    pub objective: f64,
    /// The solver's lower bound on the objective.
    pub bound: f64,
    /// Relative gap between the two.
    pub gap: f64,
    /// Whether the time limit stopped the search before the gap was reached.
    pub timed_out: bool,
    /// Seconds the solve took.
    pub seconds: f64,
}

/// Why no schedule came out.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveError(pub String);

/// Column indices of one group's variables.
struct Cols {
    x: Vec<Vec<highs::Col>>,
    b: Vec<Vec<Vec<Vec<highs::Col>>>>,
    a: Vec<Option<highs::Col>>,
}

/// Builds and solves the program.
pub fn solve(p: &Problem, o: SolveOptions) -> Result<Solution, SolveError> {
    let started = Instant::now();
    let mut pb = RowProblem::default();
    let slots = (7.0 * DAY / p.interval).round() as usize;
    let mut cols = Vec::new();
    for g in &p.groups {
        cols.push(group_columns(&mut pb, g));
    }
    let u: Vec<highs::Col> = p
        .needs
        .iter()
        .map(|_| pb.add_column(p.penalty, 0.0..))
        .collect();
    // What each interval needs, and who may give it.
    for (n, need) in p.needs.iter().enumerate() {
        let mut row = vec![(u[n], 1.0)];
        for (g, c) in p.groups.iter().zip(&cols) {
            if let (Some(prof), Some(a)) = (g.takes[n], c.a[n]) {
                row.push((a, prof));
            }
        }
        pb.add_row(need.agents.., row);
    }
    for (g, c) in p.groups.iter().zip(&cols) {
        group_rows(&mut pb, p, g, c, slots);
    }
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    if std::env::var_os("SUPPORTSIM_SOLVER_LOG").is_some() {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", true);
    }
    model.set_option("time_limit", o.time_limit);
    model.set_option("mip_rel_gap", o.gap);
    // Every schedule costs a whole number of the tours' common step: a schedule within one
    // step of the bound is the cheapest (unless agents are short, which costs in fractions).
    if let Some(step) = cost_step(p) {
        model.set_option("mip_abs_gap", step * 0.999);
    }
    model.set_option("random_seed", 0);
    model.set_option("mip_heuristic_effort", 0.3);
    let solved = model.solve();
    let status = solved.status();
    let timed_out = status == HighsModelStatus::ReachedTimeLimit;
    if status != HighsModelStatus::Optimal && !timed_out {
        return Err(SolveError(format!("the solver stopped: {status:?}")));
    }
    let sol = solved.get_solution();
    let v = sol.columns();
    if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
        return Err(SolveError(
            "the time limit passed before any schedule was found; allow more time".into(),
        ));
    }
    let int = |c: highs::Col| v[c.index()].round().max(0.0) as u32;
    let people: Vec<Vec<Vec<u32>>> = cols
        .iter()
        .map(|c| {
            c.x.iter()
                .map(|r| r.iter().map(|x| int(*x)).collect())
                .collect()
        })
        .collect();
    let people: Vec<Vec<Vec<u32>>> = people;
    let breaks = cols
        .iter()
        .zip(&p.groups)
        .zip(&people)
        .map(|((c, g), ppl)| {
            c.b.iter()
                .enumerate()
                .map(|(ci, days)| {
                    days.iter()
                        .enumerate()
                        .map(|(d, per_break)| {
                            let n: u32 = g
                                .patterns
                                .iter()
                                .zip(&ppl[ci])
                                .filter(|(pat, _)| **pat & (1 << d) != 0)
                                .map(|(_, k)| *k)
                                .sum();
                            per_break
                                .iter()
                                .map(|offs| {
                                    let x: Vec<f64> = offs.iter().map(|c| v[c.index()]).collect();
                                    largest_remainder(&x, n)
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let given = cols
        .iter()
        .map(|c| {
            c.a.iter()
                .map(|a| a.map_or(0.0, |a| v[a.index()]))
                .collect()
        })
        .collect();
    let objective = solved.objective_value();
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .unwrap_or(objective);
    Ok(Solution {
        people,
        breaks,
        given,
        short: u.iter().map(|c| v[c.index()].max(0.0)).collect(),
        objective,
        bound,
        gap: solved.mip_gap().clamp(0.0, 1.0),
        timed_out,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Whole people per offset from the solver's shares `x`, adding up to `n`: each offset gets
/// the whole part of its share (scaled to `n`), and the largest remainders the rest.
fn largest_remainder(x: &[f64], n: u32) -> Vec<u32> {
    let total: f64 = x.iter().map(|v| v.max(0.0)).sum();
    if x.is_empty() || n == 0 {
        return vec![0; x.len()];
    }
    let scaled: Vec<f64> = if total > 1e-9 {
        x.iter()
            .map(|v| v.max(0.0) * f64::from(n) / total)
            .collect()
    } else {
        let mut e = vec![0.0; x.len()];
        e[0] = f64::from(n);
        e
    };
    let mut out: Vec<u32> = scaled.iter().map(|v| (v + 1e-9).floor() as u32).collect();
    let mut left = n.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|a, b| {
        let ra = scaled[*a] - f64::from(out[*a]);
        let rb = scaled[*b] - f64::from(out[*b]);
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

/// The greatest common step of the tours' costs (to the cent), when there is one.
fn cost_step(p: &Problem) -> Option<f64> {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let mut g = 0u64;
    for grp in &p.groups {
        for c in &grp.candidates {
            for pat in &grp.patterns {
                let cost = grp.unit_cost * c.paid_hours * f64::from(pat.count_ones());
                let cents = (cost * 100.0).round();
                if (cost * 100.0 - cents).abs() > 1e-6 || cents <= 0.0 {
                    return None;
                }
                g = gcd(g, cents as u64);
            }
        }
    }
    (g > 0).then(|| g as f64 / 100.0)
}

/// One group's columns: people per shift and pattern, break placements, agents given.
fn group_columns(pb: &mut RowProblem, g: &GroupChoices) -> Cols {
    let x = g
        .candidates
        .iter()
        .map(|cand| {
            g.patterns
                .iter()
                .map(|pat| {
                    let cost = g.unit_cost * cand.paid_hours * f64::from(pat.count_ones());
                    pb.add_integer_column(cost, 0.0..)
                })
                .collect()
        })
        .collect();
    let b = g
        .candidates
        .iter()
        .map(|cand| {
            (0..7)
                .map(|_| {
                    cand.breaks
                        .iter()
                        .map(|br| {
                            br.offsets
                                .iter()
                                .map(|_| pb.add_column(0.0, 0.0..))
                                .collect()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let a = g
        .takes
        .iter()
        .map(|t| t.map(|_| pb.add_column(0.0, 0.0..)))
        .collect();
    Cols { x, b, a }
}

/// One group's rows: breaks placed for everyone on shift, agents given within those on the
/// floor, and its most people.
fn group_rows(pb: &mut RowProblem, p: &Problem, g: &GroupChoices, c: &Cols, slots: usize) {
    let mut floor: Vec<Vec<(highs::Col, f64)>> = vec![Vec::new(); slots];
    for (ci, cand) in g.candidates.iter().enumerate() {
        for d in 0..7 {
            let on_day: Vec<highs::Col> = g
                .patterns
                .iter()
                .zip(&c.x[ci])
                .filter(|(pat, _)| **pat & (1 << d) != 0)
                .map(|(_, x)| *x)
                .collect();
            let start = d as f64 * DAY + cand.start;
            for (j, f) in overlap(start, cand.length, p.interval) {
                floor[j].extend(on_day.iter().map(|x| (*x, -g.present[d] * f)));
            }
            for (k, br) in cand.breaks.iter().enumerate() {
                let mut link: Vec<(highs::Col, f64)> = on_day.iter().map(|x| (*x, -1.0)).collect();
                for (oi, off) in br.offsets.iter().enumerate() {
                    let col = c.b[ci][d][k][oi];
                    link.push((col, 1.0));
                    for (j, f) in overlap(start + off, br.length, p.interval) {
                        floor[j].push((col, g.present[d] * f));
                    }
                }
                pb.add_row(0.0..=0.0, link);
            }
        }
    }
    for (n, need) in p.needs.iter().enumerate() {
        if let Some(a) = c.a[n] {
            floor[need.slot].push((a, 1.0));
        }
    }
    // Only intervals where the group may give agents constrain it.
    let mut gives = vec![false; slots];
    for (n, need) in p.needs.iter().enumerate() {
        gives[need.slot] |= c.a[n].is_some();
    }
    for (row, gives) in floor.into_iter().zip(gives) {
        if gives {
            pb.add_row(..=0.0, row);
        }
    }
    if let Some(max) = g.max_people {
        let all: Vec<(highs::Col, f64)> = c.x.iter().flatten().map(|x| (*x, 1.0)).collect();
        pb.add_row(..=f64::from(max), all);
    }
}
