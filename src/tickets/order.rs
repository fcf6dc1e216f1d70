//! How a desk picks its next ticket, read from the order of its first responses: at each
//! first response to a ticket created new, the tickets of the same group then still waiting
//! for theirs are the ones the agent could have taken. The model of `queue_order = "random"`
//! takes each with a chance in proportion to its wait (a minute at least) to the power −β
//! (`newest_bias`); β is read by maximum likelihood over every such choice (a conditional
//! logit of the log of the wait: concave in β, so Newton's method finds it), its standard
//! error from the curvature.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::EventLog;
use super::sweeps::{Sweeps, sweeps};
use crate::model::PICK_WAIT_FLOOR;

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
}

/// The choices: for each first response, the log of the waits (seconds, a minute at least)
/// of the tickets then waiting in the group, the one taken first.
struct Choices {
    log_waits: Vec<f64>,
    /// Where each choice's waits start in `log_waits` (one past the end last).
    starts: Vec<usize>,
    /// Per choice with a known first responder: the person-day it was made on (numbered
    /// from 0) and its rank among the waiting, 0 the oldest to 1 the newest.
    ranks: Vec<(u32, f64)>,
}

/// The desk's [`PickBias`], or `None` without two tickets of a group ever waiting together.
pub fn newest_bias(log: &EventLog) -> Option<PickBias> {
    let choices = choices(log);
    let picks = choices.starts.len().checked_sub(1).filter(|&n| n > 0)?;
    let (newest, oldest) = extremes(&choices);
    let (bias, se) = estimate(&choices);
    Some(PickBias {
        bias,
        se,
        picks,
        newest_share: newest as f64 / picks as f64,
        oldest_share: oldest as f64 / picks as f64,
        sweeps: sweeps(&choices.ranks),
    })
}

/// How many choices took the newest waiting ticket (every other waiting longer) and how many
/// the oldest (every other waiting less). Waits under a minute count as a minute, so a pick
/// among tickets opened within a minute of each other is neither.
fn extremes(choices: &Choices) -> (usize, usize) {
    let (mut newest, mut oldest) = (0, 0);
    for k in 0..choices.starts.len().saturating_sub(1) {
        let w = &choices.log_waits[choices.starts[k]..choices.starts[k + 1]];
        newest += usize::from(w[1..].iter().all(|&x| x > w[0]));
        oldest += usize::from(w[1..].iter().all(|&x| x < w[0]));
    }
    (newest, oldest)
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

/// Every first response's choice, read per group (the group a ticket is in at its first
/// response) from the tickets created new that got one.
fn choices(log: &EventLog) -> Choices {
    type Pick = (NaiveDateTime, NaiveDateTime, Option<u32>);
    let mut by_group: BTreeMap<&str, Vec<Pick>> = BTreeMap::new();
    let mut person_days: BTreeMap<(&str, chrono::NaiveDate), u32> = BTreeMap::new();
    for t in log.tickets.iter().filter(|t| !t.opened_in_work) {
        if let Some(f) = t.first_response.filter(|&f| f > t.opened) {
            let day = t.first_responder.as_deref().map(|who| {
                let next = person_days.len() as u32;
                *person_days.entry((who, f.date())).or_insert(next)
            });
            by_group
                .entry(t.group.as_deref().unwrap_or(""))
                .or_default()
                .push((t.opened, f, day));
        }
    }
    let mut out = Choices {
        log_waits: Vec::new(),
        starts: vec![0],
        ranks: Vec::new(),
    };
    let log_wait = |from: NaiveDateTime, to: NaiveDateTime| {
        ((to - from).num_milliseconds() as f64 / 1000.0)
            .max(PICK_WAIT_FLOOR)
            .ln()
    };
    for list in by_group.values_mut() {
        list.sort();
        let others = waiting_at_each_answer(list);
        for (k, &(opened, answered, day)) in list.iter().enumerate() {
            let first = out.log_waits.len();
            out.log_waits.push(log_wait(opened, answered));
            for &j in &others.members[others.starts[k]..others.starts[k + 1]] {
                out.log_waits.push(log_wait(list[j as usize].0, answered));
            }
            if out.log_waits.len() - first < 2 {
                out.log_waits.truncate(first);
            } else {
                out.starts.push(out.log_waits.len());
                if let Some(d) = day {
                    out.ranks.push((d, rank(&out.log_waits[first..])));
                }
            }
        }
    }
    out
}

/// For each ticket of `list` (sorted by opening): the others opened before it was answered
/// and still waiting then, in the list's order.
struct Waiting {
    /// Indices into the list, choice after choice.
    members: Vec<u32>,
    /// Where each ticket's others start in `members` (one past the end last).
    starts: Vec<usize>,
}

/// [`Waiting`] for a group's tickets, found by going through the answers in time order with
/// the set of tickets open at each: linear in the lengths of the queues met, where looking
/// through every earlier ticket at each answer grew with the square of the log.
fn waiting_at_each_answer(list: &[(NaiveDateTime, NaiveDateTime, Option<u32>)]) -> Waiting {
    let mut by_answer: Vec<usize> = (0..list.len()).collect();
    by_answer.sort_by_key(|&k| list[k].1);
    let mut open = BTreeSet::new();
    let (mut next_open, mut next_close) = (0, 0);
    // Each ticket's others, in the order of the answers; then laid out in the list's order.
    let mut found: Vec<(usize, usize)> = vec![(0, 0); list.len()];
    let mut buffer: Vec<u32> = Vec::new();
    for &k in &by_answer {
        let (opened, answered, _) = list[k];
        while next_open < list.len() && list[next_open].0 < answered {
            open.insert(next_open);
            next_open += 1;
        }
        while list[by_answer[next_close]].1 < answered {
            open.remove(&by_answer[next_close]);
            next_close += 1;
        }
        let from = buffer.len();
        buffer.extend(
            open.iter()
                .filter(|&&j| (list[j].0, list[j].1) != (opened, answered))
                .map(|&j| j as u32),
        );
        found[k] = (from, buffer.len());
    }
    let mut waiting = Waiting {
        members: Vec::with_capacity(buffer.len()),
        starts: vec![0],
    };
    for &(from, to) in &found {
        waiting.members.extend_from_slice(&buffer[from..to]);
        waiting.starts.push(waiting.members.len());
    }
    waiting
}

/// The rank of the ticket taken (the first of `log_waits`) among the waiting: the share of
/// the others that had waited longer (ties half), so 0 for the oldest and 1 for the newest.
fn rank(log_waits: &[f64]) -> f64 {
    let w = log_waits[0];
    let others = &log_waits[1..];
    let older: f64 = others
        .iter()
        .map(|&x| {
            if x > w {
                1.0
            } else if x == w {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    older / others.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(sets: &[(&[f64], usize)]) -> Choices {
        let mut c = Choices {
            log_waits: Vec::new(),
            starts: vec![0],
            ranks: Vec::new(),
        };
        for (waits, taken) in sets {
            c.log_waits.push(waits[*taken].ln());
            for (i, w) in waits.iter().enumerate() {
                if i != *taken {
                    c.log_waits.push(w.ln());
                }
            }
            c.starts.push(c.log_waits.len());
        }
        c
    }

    #[test]
    fn the_tickets_waiting_at_each_answer_are_those_open_then() {
        // Tickets opened and answered on a coarse grid of minutes, so that openings, answers
        // and both together tie often; checked against the definition, ticket by ticket.
        let at = |m: i64| {
            chrono::NaiveDate::from_ymd_opt(2016, 3, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("date")
                + chrono::Duration::minutes(m)
        };
        let mut x: u64 = 7;
        let mut draw = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((x >> 33) % n) as i64
        };
        let mut list: Vec<_> = (0..400)
            .map(|_| {
                let opened = draw(300);
                (at(opened), at(opened + 1 + draw(60)), None)
            })
            .collect();
        list.sort();
        let waiting = waiting_at_each_answer(&list);
        for (k, &(opened, answered, _)) in list.iter().enumerate() {
            let expected: Vec<u32> = (0..list.len())
                .filter(|&j| {
                    let (o, f, _) = list[j];
                    o < answered && f >= answered && (o, f) != (opened, answered)
                })
                .map(|j| j as u32)
                .collect();
            let got = &waiting.members[waiting.starts[k]..waiting.starts[k + 1]];
            assert_eq!(got, expected.as_slice(), "ticket {k}");
        }
        assert!(waiting.members.len() > 4 * list.len(), "queues are met");
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
        assert_eq!(extremes(&c), (1, 2));
    }

    #[test]
    fn a_desk_always_taking_the_newest_reads_as_the_largest_bias() {
        let c = of(&[(&[60.0, 600.0, 6000.0], 0), (&[120.0, 7200.0], 0)]);
        assert_eq!(estimate(&c), (MAX_BIAS, None));
        let c = of(&[(&[60.0, 600.0, 6000.0], 2), (&[120.0, 7200.0], 1)]);
        assert_eq!(estimate(&c), (-MAX_BIAS, None));
    }
}
