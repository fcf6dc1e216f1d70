//! The choices a desk made, read from its log: at each first response to a ticket created
//! new, the tickets of the same group then still waiting for theirs (those still waiting when
//! the log ends among them), found in one pass over the answers in time order, and sampled
//! when a log's picks met too many to keep.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use rand::SeedableRng;

use super::EventLog;
use crate::model::PICK_WAIT_FLOOR;

/// The choices: for each first response, the log of the waits (seconds, a minute at least)
/// of the tickets then waiting in the group, the one taken first.
pub(super) struct Choices {
    pub(super) log_waits: Vec<f64>,
    /// Where each choice's waits start in `log_waits` (one past the end last).
    pub(super) starts: Vec<usize>,
    /// Per choice with a known first responder: the person-day it was made on (numbered
    /// from 0) and its rank among the waiting, 0 the oldest to 1 the newest.
    pub(super) ranks: Vec<(u32, f64)>,
    /// Choices that took the newest waiting ticket, and the oldest ([`extreme`]).
    pub(super) newest: usize,
    pub(super) oldest: usize,
    /// Choices whose alternatives were sampled.
    pub(super) sampled: usize,
}

impl Choices {
    /// No choices yet.
    pub(super) fn new() -> Choices {
        Choices {
            log_waits: Vec::new(),
            starts: vec![0],
            ranks: Vec::new(),
            newest: 0,
            oldest: 0,
            sampled: 0,
        }
    }
}

/// The most alternatives the likelihood keeps over all choices (8 bytes each, held twice
/// while they are put in order: 64 MB): a log whose picks met more waiting tickets than that
/// has each pick's alternatives sampled down to an equal share, and never to fewer than
/// [`FEWEST_SAMPLED`].
const ALTERNATIVES: usize = 1 << 22;

/// The fewest alternatives a sampled pick keeps (512 bytes a pick at most, then).
const FEWEST_SAMPLED: usize = 32;

/// Whether a choice took the newest waiting ticket (every other waiting longer) and whether
/// the oldest (every other waiting less), from the log of the wait of the one taken and
/// those of the others. Waits under a minute count as a minute, so a pick among tickets
/// opened within a minute of each other is neither.
pub(super) fn extreme(taken: f64, others: &[f64]) -> (bool, bool) {
    (
        others.iter().all(|&x| x > taken),
        others.iter().all(|&x| x < taken),
    )
}

/// Every first response's choice, read per group (the group a ticket is in at its first
/// response) from the tickets created new that got one.
pub(super) fn choices(log: &EventLog) -> Choices {
    let usual = usual_groups(log);
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
        } else if t.first_response.is_none() {
            // Still waiting when the log ends: one of the others at every pick after it
            // opened, though never a pick itself. Left out, the sets lack the tickets the
            // desk passed over until the end, and a desk taking newer tickets likelier reads
            // as less so, the more of its backlog is never reached.
            let group = t.group.as_deref().or_else(|| {
                usual
                    .get(&(t.channel.as_deref(), t.category.as_deref()))
                    .copied()
            });
            by_group.entry(group.unwrap_or("")).or_default().push((
                t.opened,
                NaiveDateTime::MAX,
                None,
            ));
        }
    }
    let mut met = 0;
    for list in by_group.values_mut() {
        list.sort();
        each_answer(list, |k, open| {
            if list[k].1 != NaiveDateTime::MAX {
                met += open.len().saturating_sub(1);
            }
        });
    }
    let picks = by_group
        .values()
        .flatten()
        .filter(|p| p.1 != NaiveDateTime::MAX)
        .count();
    let most = if met <= ALTERNATIVES {
        usize::MAX
    } else {
        (ALTERNATIVES / picks.max(1)).max(FEWEST_SAMPLED)
    };
    let mut out = Choices::new();
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

/// Per channel and category, the group that gave most of their first responses (the first
/// by name of equals): the group a ticket still waiting at the end waited for when the log
/// names a group only once someone takes a ticket, as supportsim's own logs do.
fn usual_groups(log: &EventLog) -> BTreeMap<(Option<&str>, Option<&str>), &str> {
    type Kind<'a> = (Option<&'a str>, Option<&'a str>);
    let mut counts: BTreeMap<Kind, BTreeMap<&str, usize>> = BTreeMap::new();
    for t in &log.tickets {
        if let (Some(_), Some(g)) = (t.first_response, t.group.as_deref()) {
            let kind = (t.channel.as_deref(), t.category.as_deref());
            *counts.entry(kind).or_default().entry(g).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(kind, groups)| {
            let most = groups.values().copied().max()?;
            let group = groups.into_iter().find(|&(_, n)| n == most)?.0;
            Some((kind, group))
        })
        .collect()
}

/// A ticket answered for the first time: opened, answered (`NaiveDateTime::MAX` for one still
/// waiting when the log ends), and the person-day of the answer when the log names who gave
/// it.
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
        if answered == NaiveDateTime::MAX {
            return;
        }
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
    fn a_ticket_never_answered_waits_beside_every_later_pick() {
        let mapping = crate::tickets::EventMapping::parse(
            "date_format = \"iso\"\n[columns]\nticket = \"t\"\nstate = \"s\"\nupdated_at = \"u\"\nopened_at = \"o\"\ngroup = \"g\"\n[states]\nnew = [\"New\"]\nactive = [\"Active\"]\nresolved = [\"Resolved\"]\nclosed = [\"Closed\"]\n",
        )
        .expect("mapping");
        let log = "t,s,u,o,g\n\
            A,New,2016-03-01 08:00,2016-03-01 08:00,G\n\
            A,Active,2016-03-01 10:00,2016-03-01 08:00,G\n\
            B,New,2016-03-01 08:30,2016-03-01 08:30,\n\
            C,New,2016-03-01 09:00,2016-03-01 09:00,G\n\
            C,Active,2016-03-01 09:30,2016-03-01 09:00,G\n";
        let log = crate::tickets::read(log.as_bytes(), &mapping).expect("reads");
        let c = choices(&log);
        let ln = |minutes: f64| (minutes * 60.0).ln();
        // In the order of opening: A, taken at 10:00 after 120 minutes while B (never
        // answered, and without a group: G's, which answers tickets like it) had waited 90;
        // B, no pick; C, taken at 9:30 after 30 minutes while A had waited 90 and B 60.
        assert_eq!(c.starts, vec![0, 2, 5]);
        assert_eq!(
            c.log_waits,
            vec![ln(120.0), ln(90.0), ln(30.0), ln(90.0), ln(60.0)]
        );
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
}
