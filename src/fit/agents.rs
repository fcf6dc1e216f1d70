//! Agents on duty and their after-call work, reconstructed from a log's own contacts: an agent
//! is on duty from a contact's start to the end of the last one that follows closely, and the
//! gaps between contacts while callers waited are after-call work.

use std::collections::BTreeMap;

use super::{Fit, Staffing};
use crate::contact_log::{Fate, LogRead};
use crate::duration::DAY;

/// Gaps between the end of an agent's contact and the start of their next one, when callers
/// were waiting at the end of the first (so the agent could have taken one at once) and the
/// gap is shorter than `max_gap`. In a queue that never leaves an agent idle while callers
/// wait, these gaps are the agent's after-call work and other short unavailability. A gap in
/// which the agent handled a contact of another channel (`other`) is work there, not a gap.
pub fn busy_gaps(log: &LogRead, max_gap: f64) -> Vec<f64> {
    let (contacts, other) = (&log.contacts, &log.other_work);
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for c in contacts {
        let arrival = f64::from(c.day) * DAY + c.time_of_day();
        if c.waited() > 0.0 {
            starts.push(arrival);
            ends.push(arrival + c.waited());
        }
        if let (Fate::Answered, Some(a), Some(h)) = (c.fate, log.agent_name(c), c.handled()) {
            let s = arrival + c.waited();
            by_agent.entry(a).or_default().push((s, s + h));
        }
    }
    starts.sort_by(f64::total_cmp);
    ends.sort_by(f64::total_cmp);
    // Callers waiting at t: waits begun at or before t and not yet over.
    let waiting = |t: f64| {
        let begun = starts.partition_point(|&x| x <= t);
        let over = ends.partition_point(|&x| x <= t);
        begun > over
    };
    let mut gaps = Vec::new();
    for (agent, spans) in by_agent.iter_mut() {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut elsewhere: Vec<(f64, f64)> = other.get(*agent).cloned().unwrap_or_default();
        elsewhere.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Whether the agent worked elsewhere at some time in (a, b).
        let busy_elsewhere = |a: f64, b: f64| {
            let i = elsewhere.partition_point(|x| x.0 < b);
            elsewhere[..i].iter().rev().take(64).any(|x| x.1 > a)
        };
        for w in spans.windows(2) {
            let gap = w[1].0 - w[0].1;
            if (0.0..=max_gap).contains(&gap)
                && waiting(w[0].1 + 1.0)
                && !busy_elsewhere(w[0].1, w[1].0)
            {
                gaps.push(gap);
            }
        }
    }
    gaps
}

/// Agents on duty per (day, slot of `slot` seconds): each agent is on duty from the start of a
/// service to the end of the last one that follows with gaps shorter than `gap`; time-weighted.
/// Time an agent spent on another channel's contacts (`other`) keeps them on duty but not
/// available here, so it is taken out.
pub fn staffing(log: &LogRead, days: u32, slot: f64, gap: f64) -> Staffing {
    let (contacts, other) = (&log.contacts, &log.other_work);
    let per_day = ((DAY / slot).round() as usize).max(1);
    let total = days as usize * per_day;
    let mut on = vec![0.0; total + per_day];
    let mut busy = vec![0.0; total + per_day];
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for c in contacts {
        if let (Fate::Answered, Some(a), Some(h)) = (c.fate, log.agent_name(c), c.handled()) {
            let start = f64::from(c.day) * DAY + c.time_of_day() + c.waited();
            by_agent.entry(a).or_default().push((start, start + h));
        }
    }
    let horizon = (total + per_day) as f64 * slot;
    let add = |v: &mut Vec<f64>, a: f64, b: f64| {
        let (a, b) = (a.clamp(0.0, horizon), b.clamp(0.0, horizon));
        let mut t = a;
        while t < b {
            let i = ((t / slot) as usize).min(v.len() - 1);
            let end = ((i + 1) as f64 * slot).min(b);
            v[i] += end - t;
            t = end;
        }
    };
    let mut elsewhere = vec![0.0; total + per_day];
    for (agent, spans) in by_agent.iter_mut() {
        // This channel's contacts count as busy here; the agent's other work keeps them on
        // duty and is taken out of what they had for this channel.
        let mut all: Vec<(f64, f64, bool)> = spans.iter().map(|&(s, e)| (s, e, true)).collect();
        if let Some(o) = other.get(*agent) {
            all.extend(o.iter().map(|&(s, e)| (s, e, false)));
        }
        all.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut cur: Option<(f64, f64)> = None;
        for &(s, e, here) in all.iter() {
            if here {
                add(&mut busy, s, e);
            } else {
                add(&mut elsewhere, s, e);
            }
            cur = match cur {
                Some((cs, ce)) if s - ce <= gap => Some((cs, ce.max(e))),
                Some((cs, ce)) => {
                    add(&mut on, cs, ce);
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        if let Some((cs, ce)) = cur {
            add(&mut on, cs, ce);
        }
    }
    let split = |v: Vec<f64>| -> Vec<Vec<f64>> {
        v.chunks(per_day)
            .take(days as usize)
            .map(|d| d.to_vec())
            .collect()
    };
    Staffing {
        slot,
        on_duty: split(
            on.iter()
                .zip(&elsewhere)
                .map(|(x, o)| (x - o).max(0.0) / slot)
                .collect(),
        ),
        busy: split(busy),
        agents: by_agent.len(),
    }
}

/// Mean agents on duty per weekday and slot of the fit's interval, over the days of each
/// weekday, rounded to whole agents.
pub fn weekday_staffing(fit: &Fit, s: &Staffing) -> [Vec<u32>; 7] {
    let per_slot = ((DAY / fit.interval).round() as usize).max(1);
    let k = ((fit.interval / s.slot).round() as usize).max(1);
    std::array::from_fn(|w| {
        let ds: Vec<usize> = (0..fit.days as usize)
            .filter(|d| (fit.start_weekday + d) % 7 == w)
            .collect();
        (0..per_slot)
            .map(|i| {
                if ds.is_empty() {
                    return 0;
                }
                let total: f64 = ds
                    .iter()
                    .map(|&d| {
                        s.on_duty[d][i * k..((i + 1) * k).min(s.on_duty[d].len())]
                            .iter()
                            .sum::<f64>()
                            / k as f64
                    })
                    .sum();
                (total / ds.len() as f64).round() as u32
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact_log::LoggedContact;

    #[test]
    fn staffing_bridges_short_gaps_only() {
        let c = |time: f32, handle: f32| LoggedContact {
            day: 0,
            weekday: 0,
            time,
            fate: Fate::Answered,
            wait: 0.0,
            handle: Some(handle),
            topic: 0,
            priority: 1,
            agent: Some(0),
        };
        // 08:00–08:10 and 08:20–08:30 (one stretch), then 12:00–12:05 alone.
        let log = LogRead {
            contacts: vec![c(28_800.0, 600.0), c(30_000.0, 600.0), c(43_200.0, 300.0)],
            topics: vec!["all".into()],
            agents: vec!["ann".into()],
            ..LogRead::default()
        };
        let s = staffing(&log, 1, 300.0, 1800.0);
        let on: f64 = s.on_duty[0].iter().sum::<f64>() * 300.0;
        assert!((on - (1800.0 + 300.0)).abs() < 1e-6);
        let busy: f64 = s.busy[0].iter().sum();
        assert!((busy - 1500.0).abs() < 1e-6);
    }
}
