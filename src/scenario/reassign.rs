//! `reassign` on a topic: tickets handed to another group's queue after their first touch,
//! e.g. `reassign = { share = 0.3, to = { network = 0.7, hardware = 0.3 } }` — read once every
//! topic's name is known, and checked once the groups are.

use std::ops::Range;

use toml::de::DeValue;

use super::reader::{Bounds, Cx, Value, round6, span_of, type_name};
use super::topics::Topics;
use crate::model::{Channel, ChannelKind, Group, Reassign, Topic};

/// Reads each topic's `reassign` (the items are the `[[topics]]` entries, in the order of
/// `topics`).
pub(super) fn read(cx: &mut Cx, items: &[Value<'_>], topics: &mut [Topic]) {
    if items.len() != topics.len() {
        return;
    }
    let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    for (i, item) in items.iter().enumerate() {
        let DeValue::Table(t) = item.get_ref() else {
            continue;
        };
        let Some(v) = t.get("reassign") else {
            continue;
        };
        let ctx = format!("`reassign` of topic `{}`", names[i]);
        topics[i].reassign = one(cx, v, &ctx, &names, i);
    }
}

fn one(cx: &mut Cx, v: &Value<'_>, ctx: &str, names: &[String], own: usize) -> Option<Reassign> {
    let DeValue::Table(t) = v.get_ref() else {
        cx.err(
            format!("{ctx} must be a table, not {}", type_name(v.get_ref())),
            span_of(v),
            "write e.g. reassign = { share = 0.3, to = { network = 1.0 } }",
        );
        return None;
    };
    cx.check_keys(t, &["share", "to"], ctx);
    let share = cx.num(
        t,
        "share",
        ctx,
        Bounds::new(0.0, false, 1.0),
        "the share of the topic's tickets handed to another group after their first touch",
    );
    let Some(to) = t.get("to") else {
        cx.err(
            format!("{ctx} needs `to`"),
            span_of(v),
            "name the topics whose queues take the tickets, e.g. to = { network = 1.0 }",
        );
        return None;
    };
    let DeValue::Table(mix) = to.get_ref() else {
        cx.err(
            format!(
                "`to` in {ctx} must be a table of shares, not {}",
                type_name(to.get_ref())
            ),
            span_of(to),
            "write e.g. to = { network = 0.7, hardware = 0.3 }",
        );
        return None;
    };
    let mut cumulative = Vec::new();
    let mut sum = 0.0;
    for (k, x) in mix.iter() {
        let name: &str = k.get_ref();
        let Some(x) = cx.num_value(
            x,
            name,
            &format!("`to` of {ctx}"),
            Bounds::new(0.0, true, 1.0),
            "a share of the reassigned tickets, above 0 and at most 1",
        ) else {
            continue;
        };
        match names.iter().position(|n| n == name) {
            Some(j) if j == own => cx.err(
                format!("{ctx} hands tickets to their own topic"),
                k.span(),
                "name another topic: a hand-off goes to another group's queue",
            ),
            Some(j) => {
                sum += x;
                cumulative.push((j, sum));
            }
            None => cx.err(
                format!("{ctx} names topic `{name}`, which the scenario does not define"),
                k.span(),
                format!("the topics are: {}", names.join(", ")),
            ),
        }
    }
    if mix.is_empty() || (sum - 1.0).abs() > 1e-6 {
        cx.err(
            format!(
                "the shares of `to` in {ctx} add up to {}, not 1",
                round6(sum)
            ),
            span_of(to),
            "they are the fractions of the reassigned tickets each topic's queue takes",
        );
        return None;
    }
    if let Some(last) = cumulative.last_mut() {
        last.1 = 1.0;
    }
    Some(Reassign {
        share: share?.0,
        to: cumulative,
    })
}

/// A topic's hand-offs need an async channel it comes by, and on each such channel a tier-1
/// group for every receiving topic.
pub(super) fn check(
    cx: &mut Cx,
    topics: &Topics,
    channels: &[(Channel, Range<usize>)],
    groups: &[Group],
) {
    for (ti, topic) in topics.topics.iter().enumerate() {
        let Some(r) = topic.reassign.as_ref().filter(|r| r.share > 0.0) else {
            continue;
        };
        let span = topics.spans[ti].clone();
        let written: Vec<usize> = (0..channels.len())
            .filter(|&ci| channels[ci].0.kind == ChannelKind::Async && topic.channel_mix[ci] > 0.0)
            .collect();
        if written.is_empty() {
            cx.warn(
                format!(
                    "topic `{}` has `reassign`, but comes by no async channel: only tickets are reassigned, so it is ignored",
                    topic.name
                ),
                span.clone(),
                "give the topic an async channel (email, web form), or remove `reassign`",
            );
            continue;
        }
        for &(to, _) in &r.to {
            for &ci in &written {
                let served = groups
                    .iter()
                    .any(|g| g.tier == 1 && g.channels[ci] && g.proficiency[to].is_some());
                if !served {
                    cx.err(
                        format!(
                            "topic `{}` hands tickets to topic `{}`, which no tier-1 group serves on channel `{}`",
                            topic.name, topics.topics[to].name, channels[ci].0.name
                        ),
                        span.clone(),
                        format!(
                            "add `{}` to the channels of a group with skill `{}`",
                            channels[ci].0.name, topics.topics[to].skill
                        ),
                    );
                }
            }
        }
    }
}
