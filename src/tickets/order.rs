//! How a desk picks its next ticket, read from the order of its first responses: at each
//! first response to a ticket created new, the tickets of the same group then still waiting
//! for theirs are the ones the agent could have taken. The model of `queue_order = "random"`
//! takes each with a chance in proportion to its wait (a minute at least) to the power −β
//! (`newest_bias`); β is read by maximum likelihood over every such choice (a conditional
//! logit of the log of the wait: concave in β, so Newton's method finds it), its standard
//! error from the curvature.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;

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
    /// Picks made among more waiting tickets than the likelihood takes (a log too large for
    /// every pick to keep every ticket then waiting): their alternatives are a uniform sample,
    /// which keeps the estimate consistent (McFadden 1978) and widens its error a little. The
    /// shares and the sweeps always count every ticket waiting.
    pub sampled: usize,
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
    /// Choices that took the newest waiting ticket, and the oldest ([`extreme`]).
    newest: usize,
    oldest: usize,
    /// Choices whose alternatives were sampled.
    sampled: usize,
}

/// The most alternatives the likelihood keeps over all choices (8 bytes each, held twice
/// while they are put in order: 64 MB): a log whose picks met more waiting tickets than that
/// has each pick's alternatives sampled down to an equal share, and never to fewer than
/// [`FEWEST_SAMPLED`].
const ALTERNATIVES: usize = 1 << 22;

/// The fewest alternatives a sampled pick keeps (512 bytes a pick at most, then).
const FEWEST_SAMPLED: usize = 32;

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

/// Whether a choice took the newest waiting ticket (every other waiting longer) and whether
/// the oldest (every other waiting less), from the log of the wait of the one taken and
/// those of the others. Waits under a minute count as a minute, so a pick among tickets
/// opened within a minute of each other is neither.
fn extreme(taken: f64, others: &[f64]) -> (bool, bool) {
    (
        others.iter().all(|&x| x > taken),
        others.iter().all(|&x| x < taken),
    )
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
    let mut met = 0;
    for list in by_group.values_mut() {
        list.sort();
        each_answer(list, |_, open| met += open.len().saturating_sub(1));
    }
    let picks: usize = by_group.values().map(Vec::len).sum();
    let most = if met <= ALTERNATIVES {
        usize::MAX
    } else {
        (ALTERNATIVES / picks.max(1)).max(FEWEST_SAMPLED)
    };
    let mut out = Choices {
        log_waits: Vec::new(),
        starts: vec![0],
        ranks: Vec::new(),
        newest: 0,
        oldest: 0,
        sampled: 0,
    };
    for (g, list) in by_group.values().enumerate() {
        let waiting = waiting_at_each_answer(list, most, g as u64);
        for (k, &(_, _, day)) in list.iter().enumerate() {
            let Some(seen) = &waiting.seen[k] else {
                continue;
            };
            out.log_waits
                .extend_from_slice(&waiting.log_waits[seen.waits.clone()]);
            out.starts.push(out.log_waits.len());
            out.newest += usize::from(seen.newest);
            out.oldest += usize::from(seen.oldest);
            out.sampled += usize::from(seen.sampled);
            if let Some(d) = day {
                out.ranks.push((d, seen.rank));
            }
        }
    }
    out
}

/// A ticket answered for the first time: opened, answered, and the person-day of the answer
/// when the log names who gave it.
type Pick = (NaiveDateTime, NaiveDateTime, Option<u32>);

/// The log of a wait from `from` to `to` (seconds, a minute at least).
fn log_wait(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    ((to - from).num_milliseconds() as f64 / 1000.0)
        .max(PICK_WAIT_FLOOR)
        .ln()
}

/// What one pick met: its alternatives for the likelihood and what every ticket then waiting
/// says about it.
struct Seen {
    /// Where its log-waits are in [`Waiting::log_waits`]: the one taken first, then the
    /// others (all of them, or a sample), in the order of their opening.
    waits: std::ops::Range<usize>,
    /// Its rank among all the others ([`rank`]).
    rank: f64,
    /// It took the newest, the oldest ([`extreme`]).
    newest: bool,
    oldest: bool,
    /// The others were more than the pick may keep, and were sampled.
    sampled: bool,
}

/// For each ticket of a group's `list` (sorted by opening): what its pick met, `None` when no
/// other ticket waited.
struct Waiting {
    log_waits: Vec<f64>,
    seen: Vec<Option<Seen>>,
}

/// [`Waiting`] for a group's tickets, found by going through the answers in time order with
/// the set of tickets open at each: linear in the lengths of the queues met, where looking
/// through every earlier ticket at each answer grew with the square of the log. A pick that met
/// more than `most` others keeps a uniform sample of `most` of them (drawn from a stream of
/// the group's number `g`, so the same log reads the same).
fn waiting_at_each_answer(list: &[Pick], most: usize, g: u64) -> Waiting {
    let mut rng = crate::rng::Rng::seed_from_u64(g);
    let mut out = Waiting {
        log_waits: Vec::new(),
        seen: (0..list.len()).map(|_| None).collect(),
    };
    let mut others: Vec<f64> = Vec::new();
    each_answer(list, |k, open| {
        let (opened, answered, _) = list[k];
        others.clear();
        others.extend(
            open.iter()
                .filter(|&&j| (list[j].0, list[j].1) != (opened, answered))
                .map(|&j| log_wait(list[j].0, answered)),
        );
        if others.is_empty() {
            return;
        }
        let taken = log_wait(opened, answered);
        let (newest, oldest) = extreme(taken, &others);
        let from = out.log_waits.len();
        out.log_waits.push(taken);
        out.log_waits.extend_from_slice(&others);
        let rank = rank(&out.log_waits[from..]);
        let sampled = others.len() > most;
        if sampled {
            let mut keep = rand::seq::index::sample(&mut rng, others.len(), most).into_vec();
            keep.sort_unstable();
            out.log_waits.truncate(from + 1);
            out.log_waits.extend(keep.iter().map(|&i| others[i]));
        }
        out.seen[k] = Some(Seen {
            waits: from..out.log_waits.len(),
            rank,
            newest,
            oldest,
            sampled,
        });
    });
    out
}

/// Calls `f` with each ticket of a group's `list` (sorted by opening) and the tickets open
/// when it was answered (opened before, answered then or later: it and any twin among them),
/// the answers taken in time order.
fn each_answer(list: &[Pick], mut f: impl FnMut(usize, &BTreeSet<usize>)) {
    let mut by_answer: Vec<usize> = (0..list.len()).collect();
    by_answer.sort_by_key(|&k| list[k].1);
    let mut open = BTreeSet::new();
    let (mut next_open, mut next_close) = (0, 0);
    for &k in &by_answer {
        let answered = list[k].1;
        while next_open < list.len() && list[next_open].0 < answered {
            open.insert(next_open);
            next_open += 1;
        }
        while list[by_answer[next_close]].1 < answered {
            open.remove(&by_answer[next_close]);
            next_close += 1;
        }
        f(k, &open);
    }
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
    use rand::RngExt as _;

    fn of(sets: &[(&[f64], usize)]) -> Choices {
        let mut c = Choices {
            log_waits: Vec::new(),
            starts: vec![0],
            ranks: Vec::new(),
            newest: 0,
            oldest: 0,
            sampled: 0,
        };
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

    /// 400 tickets opened and answered on a coarse grid of minutes, so that openings, answers
    /// and both together tie often.
    fn tied_tickets() -> Vec<Pick> {
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
        list
    }

    /// The log-waits of the tickets waiting when ticket `k` of `list` was answered, by the
    /// definition: opened before, answered at or after, not the ticket itself (or its twin).
    fn others_by_definition(list: &[Pick], k: usize) -> Vec<f64> {
        let (opened, answered, _) = list[k];
        list.iter()
            .filter(|&&(o, f, _)| o < answered && f >= answered && (o, f) != (opened, answered))
            .map(|&(o, _, _)| log_wait(o, answered))
            .collect()
    }

    #[test]
    fn the_tickets_waiting_at_each_answer_are_those_open_then() {
        // Checked against the definition, ticket by ticket, in the order of opening.
        let list = tied_tickets();
        let waiting = waiting_at_each_answer(&list, usize::MAX, 0);
        for (k, &(opened, answered, _)) in list.iter().enumerate() {
            let expected = others_by_definition(&list, k);
            match &waiting.seen[k] {
                None => assert!(expected.is_empty(), "ticket {k}"),
                Some(seen) => {
                    let w = &waiting.log_waits[seen.waits.clone()];
                    assert_eq!(w[0], log_wait(opened, answered));
                    assert_eq!(&w[1..], expected.as_slice(), "ticket {k}");
                    assert!(!seen.sampled);
                }
            }
        }
        assert!(waiting.log_waits.len() > 5 * list.len(), "queues are met");
    }

    #[test]
    fn a_pick_among_more_than_it_keeps_samples_them_and_ranks_among_all() {
        let list = tied_tickets();
        let all = waiting_at_each_answer(&list, usize::MAX, 0);
        let sampled = waiting_at_each_answer(&list, 5, 0);
        let mut n = 0;
        for k in 0..list.len() {
            let (Some(a), Some(s)) = (&all.seen[k], &sampled.seen[k]) else {
                assert!(all.seen[k].is_none() && sampled.seen[k].is_none());
                continue;
            };
            let (full, kept) = (
                &all.log_waits[a.waits.clone()],
                &sampled.log_waits[s.waits.clone()],
            );
            assert_eq!(
                kept.len(),
                full.len().min(6),
                "the taken and at most five others"
            );
            assert_eq!(kept[0], full[0]);
            // A subsequence of the others, in their order.
            let mut rest = full[1..].iter();
            assert!(kept[1..].iter().all(|x| rest.any(|y| y == x)), "ticket {k}");
            assert_eq!(s.sampled, full.len() > 6);
            assert_eq!((s.rank, s.newest, s.oldest), (a.rank, a.newest, a.oldest));
            n += usize::from(s.sampled);
        }
        assert!(n > 100, "{n} picks sampled");
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
