//! Checks across sections once each is read — every contact has a group to serve it, an
//! escalating topic has a tier 2, every group has agents — and warnings on a valid model whose
//! queues would grow without bound.

use std::ops::Range;

use super::calendar::mean_on_floor;
use super::reader::{Cx, Table};
use super::topics::Topics;
use crate::model::{Channel, ChannelId, ChannelKind, Group, Hire, Model};

/// Every (topic, channel) that receives contacts has a tier-1 group to serve it; escalating
/// topics have a tier-2 group on each of their channels; every group has agents, and not more
/// in all than a run holds.
pub(super) fn coverage(
    cx: &mut Cx,
    topics: &Topics,
    model_channels: &[(Channel, Range<usize>)],
    groups: &[Group],
    group_spans: &[Range<usize>],
    hires: &[Hire],
) {
    size(cx, groups, hires, group_spans);
    let hired = &super::hires::hired_groups(hires, groups.len());
    let topic_spans = &topics.spans;
    let topics = &topics.topics;
    // Coverage: every (topic, channel) that receives contacts has a group to serve it.
    for (ti, topic) in topics.iter().enumerate() {
        for (ci, (ch, cspan)) in model_channels.iter().enumerate() {
            if topic.channel_mix[ci] * topic.share <= 0.0 {
                continue;
            }
            let served = groups
                .iter()
                .any(|g| g.tier == 1 && g.channels[ci] && g.proficiency[ti].is_some());
            if !served {
                let span = if topic_spans[ti].is_empty() {
                    cspan.clone()
                } else {
                    topic_spans[ti].clone()
                };
                let what = if topics.len() == 1 {
                    format!("channel `{}`", ch.name)
                } else {
                    format!("topic `{}` on channel `{}`", topic.name, ch.name)
                };
                cx.err(
                    format!("no agent group can serve {what}"),
                    span,
                    format!("add `{}` to the channels of a group that has skill `{}`, or give this channel a share of 0", ch.name, topic.skill),
                );
            }
        }
    }
    let has_tier2 = groups.iter().any(|g| g.tier == 2);
    for (ti, topic) in topics.iter().enumerate() {
        if topic.escalation <= 0.0 {
            continue;
        }
        let span = if topic_spans[ti].is_empty() {
            0..0
        } else {
            topic_spans[ti].clone()
        };
        if !has_tier2 {
            cx.err(
                format!(
                    "topic `{}` escalates to tier 2, but no agent group has tier = 2",
                    topic.name
                ),
                span,
                "add tier = 2 to the group that takes escalations, or remove `escalation`",
            );
            continue;
        }
        for (ci, (ch, _)) in model_channels.iter().enumerate() {
            if topic.channel_mix[ci] * topic.share > 0.0
                && !groups
                    .iter()
                    .any(|g| g.tier == 2 && g.channels[ci] && g.proficiency[ti].is_some())
            {
                cx.err(
                    format!("topic `{}` escalates to tier 2, but no tier-2 group serves it on channel `{}`", topic.name, ch.name),
                    span.clone(),
                    format!("add `{}` and skill `{}` to a tier-2 group", ch.name, topic.skill),
                );
            }
        }
    }
    for (gi, g) in groups.iter().enumerate() {
        if g.tier == 2 && !topics.iter().any(|t| t.escalation > 0.0) {
            cx.warn(
                format!("agent group `{}` is tier 2 but no topic escalates: it will receive no contacts", g.name),
                group_spans[gi].clone(),
                "give topics an escalation share, e.g. escalation = 0.3",
            );
        }
        let is_hired = hired.get(gi).copied().unwrap_or(false);
        if g.ramp_up.is_some() && !is_hired {
            cx.warn(
                format!("`ramp_up` of agent group `{}` changes nothing: no [[hires]] join the group", g.name),
                group_spans[gi].clone(),
                "the ramp applies to a group's new hires: add a [[hires]] class for it, or remove `ramp_up`",
            );
        }
        if g.headcount() == 0 && g.shifts.is_empty() && !is_hired {
            cx.err(
                format!(
                    "agent group `{}` has no agents, and no [[hires]] join it",
                    g.name
                ),
                group_spans[gi].clone(),
                "give it count = 1 or more, or hire into it",
            );
        }
    }
}

/// More agents than a run holds ([`crate::engine::MAX_AGENTS`]), told at the largest group.
fn size(cx: &mut Cx, groups: &[Group], hires: &[Hire], group_spans: &[Range<usize>]) {
    let all = crate::model::agents_in_all(groups, hires);
    if all <= crate::engine::MAX_AGENTS {
        return;
    }
    let n = |x: u64| crate::numbers::group_thousands(x as f64);
    let largest = (0..groups.len()).max_by_key(|&g| (groups[g].agent_records(), usize::MAX - g));
    cx.err(
        format!(
            "the scenario has {} agents in all (every place in every shift row and hiring class), more than the {} a run holds",
            n(all),
            n(crate::engine::MAX_AGENTS)
        ),
        largest.and_then(|g| group_spans.get(g).cloned()).unwrap_or(0..0),
        "simulate a smaller operation: one site, or one channel, at a time",
    );
}

/// Checks that need the whole model: contacts sent where nobody serves them are refused; keys
/// of `doc` that change nothing, and queues that grow without bound, are warned of.
pub(super) fn whole_model(cx: &mut Cx, doc: &Table<'_>, m: &Model, spans: &[Range<usize>]) {
    unserved_returns(cx, m, spans);
    super::idle::warn(cx, doc, m);
    load_warnings(cx, m, spans);
}

/// Warnings on a model that is otherwise valid: queues that grow without bound.
fn load_warnings(cx: &mut Cx, m: &Model, spans: &[Range<usize>]) {
    for gap in crate::gaps::gaps(m) {
        if let Some(ci) = m.channels.iter().position(|c| c.name == gap.channel) {
            cx.warn(
                format!(
                    "channel `{}` has customers when nobody who works it is on shift: {}",
                    gap.channel,
                    gap.describe()
                ),
                spans[ci].clone(),
                "add a shift covering these hours, or give the channel no volume then (its intraday profile or weekday weight)",
            );
        }
    }
    for (ci, ch) in m.channels.iter().enumerate() {
        // Callers who abandon, customers who chase a ticket elsewhere, or who find a full
        // queue, keep it bounded.
        if ch.patience.is_some() || ch.chase.is_some() || ch.queue_capacity.is_some() {
            continue;
        }
        let load = m.offered_erlangs(ChannelId(ci as u32));
        if load <= 0.0 {
            continue;
        }
        // Mean agents on the floor over a week among groups that work this channel.
        let capacity: f64 = m
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.channels[ci])
            .map(|(gi, g)| {
                (mean_on_floor(g) + hires_on_floor(m, gi)) * f64::from(g.concurrency.max(1))
                    / f64::from(ch.concurrency.max(1))
            })
            .sum();
        if load >= capacity {
            let what = match ch.kind {
                ChannelKind::Async => "the backlog grows without bound",
                _ => "the queue grows without bound",
            };
            let help = match ch.kind {
                ChannelKind::Async => "add agents or hours to this channel".to_string(),
                _ => {
                    "add agents, or give the channel a patience so callers can abandon".to_string()
                }
            };
            cx.warn(
                format!(
                    "channel `{}` brings {:.1} agents' worth of work but has at most {:.1} agents on average, and nobody abandons: {what}",
                    ch.name, load, capacity
                ),
                spans[ci].clone(),
                help,
            );
        }
    }
}

/// Mean agents of group `gi`'s hiring classes on the floor over the run (those who leave
/// counted as staying: the most the classes can add).
fn hires_on_floor(m: &Model, gi: usize) -> f64 {
    let g = &m.groups[gi];
    m.hires
        .iter()
        .filter(|h| h.group as usize == gi)
        .map(|h| {
            let each = match h.shift.and_then(|s| g.shifts.get(s as usize)) {
                Some(s) => {
                    (s.end - s.start) * g.days_present(&s.days) / (7.0 * crate::duration::DAY)
                }
                None => g.days_present(&[true; 7]) / 7.0,
            };
            let share = f64::from(m.days.saturating_sub(h.joins)) / f64::from(m.days.max(1));
            f64::from(h.size) * each * share * (1.0 - g.planned_shrinkage)
        })
        .sum()
}

/// Channels a topic's customers reach, and how: the channels it arrives on, then those its
/// repeat contacts come back on (`repeat_channels`, when an answer can leave the issue
/// unresolved and customers come back) and its chases go to, as far as they lead. Each entry is
/// (channel, the channel it came from, by a chase) for the channels reached on the way.
fn reached(m: &Model, ti: usize) -> Vec<(usize, usize, bool)> {
    let topic = &m.topics[ti];
    let res = &m.resolution;
    let comes_back = res.repeat_share > 0.0 && res.max_attempts > 1;
    let mut seen: Vec<bool> = topic.channel_mix.iter().map(|&x| x > 0.0).collect();
    let mut todo: Vec<usize> = (0..seen.len()).filter(|&c| seen[c]).collect();
    let mut found = Vec::new();
    while let Some(c) = todo.pop() {
        let ch = &m.channels[c];
        let repeats = comes_back && super::idle::leaves_unresolved(m, ti, c);
        let chase_cdf = ch.chase.as_ref().map_or(&[][..], |x| &x.cdf[..]);
        let edges = (0..seen.len()).filter_map(|cj| {
            let chased = cj < chase_cdf.len()
                && chase_cdf[cj] - if cj == 0 { 0.0 } else { chase_cdf[cj - 1] } > 0.0;
            let repeated = repeats && ch.repeat_mix[cj] > 0.0;
            (chased || repeated).then_some((cj, !repeated))
        });
        for (cj, by_chase) in edges.collect::<Vec<_>>() {
            if !seen[cj] {
                seen[cj] = true;
                todo.push(cj);
                found.push((cj, c, by_chase));
            }
        }
    }
    found
}

/// Repeat contacts and chases that reach a channel where no group serves their topic (or no
/// tier-2 group takes its escalations) would wait there unseen to the end of the run: refused
/// at the channel they come from.
fn unserved_returns(cx: &mut Cx, m: &Model, spans: &[Range<usize>]) {
    for (ti, topic) in m.topics.iter().enumerate() {
        if topic.share <= 0.0 {
            continue;
        }
        for (cj, from, by_chase) in reached(m, ti) {
            let serves = |tier: u8| {
                m.groups
                    .iter()
                    .any(|g| g.tier == tier && g.channels[cj] && g.proficiency[ti].is_some())
            };
            let (to, name) = (&m.channels[cj].name, &m.channels[from].name);
            let (what, key) = if by_chase {
                ("chases", "chase_channels")
            } else {
                ("repeat contacts", "repeat_channels")
            };
            let (whom, skill) = (&topic.name, &topic.skill);
            let missing = if !serves(1) {
                Some(format!("no agent group can serve topic `{whom}`"))
            } else if topic.escalation > 0.0 && !serves(2) {
                Some(format!(
                    "no tier-2 group takes topic `{whom}`'s escalations"
                ))
            } else {
                None
            };
            if let Some(missing) = missing {
                cx.err(
                    format!("{what} about topic `{whom}` from channel `{name}` come to `{to}`, where {missing}: they would wait unseen to the end of the run"),
                    spans[from].clone(),
                    format!("add `{to}` to the channels of a group with skill `{skill}`, or send them elsewhere (`{key}` of `{name}`)"),
                );
            }
        }
    }
}
