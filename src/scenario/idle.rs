//! Keys a scenario gives that change nothing in the model it describes, warned at the key
//! rather than passed over in silence: repeats and their costs where every answer resolves its
//! issue, retries where nobody can abandon or find the line busy, escalation without a
//! resolution chance, a bot's ratings without a bot, a priority with one topic.

use std::ops::Range;

use toml::de::DeValue;

use super::reader::{Cx, Table};
use crate::model::{ChannelKind, Model};

/// The table under `key` of `t`, if it is one.
fn sub<'t, 'a>(t: &'t Table<'a>, key: &str) -> Option<&'t Table<'a>> {
    match t.get(key)?.get_ref() {
        DeValue::Table(x) => Some(x),
        _ => None,
    }
}

/// Where key `key` of `t` is written, if it is.
fn at(t: Option<&Table<'_>>, key: &str) -> Option<Range<usize>> {
    t?.iter()
        .find(|(k, _)| *k.get_ref() == key)
        .map(|(k, _)| k.span())
}

/// The `[[topics]]` tables, in order.
fn topic_tables<'t, 'a>(doc: &'t Table<'a>) -> Vec<&'t Table<'a>> {
    match doc.get("topics").map(|v| v.get_ref()) {
        Some(DeValue::Array(a)) => a
            .iter()
            .filter_map(|v| match v.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What can happen in model `m`, as far as the keys below depend on it.
struct Happens {
    /// An answer can leave an issue unresolved (a topic has `fcr`, or a bot falsely contains).
    unresolved: bool,
    /// A customer can abandon or find the line busy.
    unserved: bool,
    /// A customer can chase a ticket on another channel.
    chased: bool,
}

/// Whether an answer to topic `t` on channel `c` can leave its issue unresolved: the topic has
/// a resolution chance (`fcr`), or a bot in front of the channel falsely contains it.
pub(super) fn leaves_unresolved(m: &Model, t: usize, c: usize) -> bool {
    let topic = &m.topics[t];
    topic.fcr.is_some()
        || m.automation
            .as_ref()
            .is_some_and(|a| a.channels[c] && a.false_containment > 0.0 && topic.containment > 0.0)
}

/// Whether a customer of channel `c` can hang up while waiting: a call or chat channel whose
/// callers (or some topic's) have a patience.
fn abandons(m: &Model, c: usize) -> bool {
    m.channels[c].kind != ChannelKind::Async
        && (m.channels[c].patience.is_some() || m.topics.iter().any(|t| t.patience.is_some()))
}

impl Happens {
    fn of(m: &Model) -> Happens {
        let (nt, nc) = (m.topics.len(), m.channels.len());
        Happens {
            unresolved: (0..nt).any(|t| (0..nc).any(|c| leaves_unresolved(m, t, c))),
            unserved: (0..nc).any(|c| m.channels[c].queue_capacity.is_some() || abandons(m, c)),
            chased: m.channels.iter().any(|c| c.chase.is_some()),
        }
    }
}

/// Warns of `[automation]` keys (table `t`) that change nothing for bot `a`: what a bot that
/// contains nothing would get wrong, and the patience of callers where none abandon.
fn bot(
    idle: &mut impl FnMut(Option<&Table<'_>>, &str, &str, &str, &str),
    t: Option<&Table<'_>>,
    a: &crate::model::Automation,
    m: &Model,
) {
    if m.topics.iter().all(|x| x.containment <= 0.0) {
        let why = "the bot contains nothing (`containment` is 0 for every topic)";
        let help = "give the bot a `containment`, or remove it";
        idle(t, "false_containment", "[automation]", why, help);
        idle(t, "ramp", "[automation]", why, help);
    }
    if !(0..m.channels.len()).any(|c| a.channels[c] && abandons(m, c)) {
        let why = "nobody the bot passes on can abandon (no channel it fronts has `patience`)";
        let help = "remove it, or give the channel a `patience`";
        idle(t, "escalation_patience_factor", "[automation]", why, help);
    }
}

/// Warns of each key of `doc` that changes nothing in model `m`.
pub(super) fn warn(cx: &mut Cx, doc: &Table<'_>, m: &Model) {
    let happens = Happens::of(m);
    let (resolution, csat) = (sub(doc, "resolution"), sub(doc, "csat"));
    let customers = sub(doc, "customers");
    let mut idle = |t: Option<&Table<'_>>, key: &str, section: &str, why: &str, help: &str| {
        if let Some(span) = at(t, key) {
            cx.warn(
                format!("`{key}` in {section} changes nothing: {why}"),
                span,
                help,
            );
        }
    };
    if !happens.unresolved {
        let why = "every answered contact resolves its issue (no topic has `fcr`, and no bot falsely contains)";
        let help =
            "give topics an `fcr`, the chance that an answer resolves the issue, or remove it";
        idle(resolution, "repeat_share", "[resolution]", why, help);
        idle(resolution, "repeat_delay", "[resolution]", why, help);
        idle(csat, "unresolved_factor", "[csat]", why, help);
        idle(customers, "churn_if_unresolved", "[customers]", why, help);
        for (name, v) in sub(doc, "channels").into_iter().flat_map(|c| c.iter()) {
            if let DeValue::Table(ct) = v.get_ref() {
                let section = format!("[channels.{}]", name.get_ref());
                idle(Some(ct), "repeat_channels", &section, why, help);
            }
        }
    }
    if !happens.unserved {
        let why = "nobody abandons or finds the line busy (no call or chat channel has `patience` or `queue_capacity`)";
        let help = "give call and chat channels a `patience`, or remove it";
        idle(resolution, "retry_share", "[resolution]", why, help);
        idle(resolution, "retry_delay", "[resolution]", why, help);
        idle(customers, "churn_if_abandoned", "[customers]", why, help);
    }
    if !happens.unresolved && !happens.unserved && !happens.chased {
        let why = "nobody contacts about an issue a second time (no topic has `fcr`, nobody abandons, nobody chases)";
        idle(csat, "repeat_factor", "[csat]", why, "remove it");
    }
    if let Some(a) = &m.automation {
        bot(&mut idle, sub(doc, "automation"), a, m);
    } else {
        let why = "no bot answers first (the scenario has no [automation])";
        idle(
            csat,
            "bot_contained",
            "[csat]",
            why,
            "remove it, or add an [automation] bot",
        );
        idle(
            csat,
            "failed_bot_factor",
            "[csat]",
            why,
            "remove it, or add an [automation] bot",
        );
    }
    if !m.channels.iter().any(|c| c.kind == ChannelKind::Async) {
        let why = "no channel is written (async), so no ticket is left unanswered";
        idle(
            customers,
            "churn_if_ignored",
            "[customers]",
            why,
            "remove it",
        );
    }
    let tables = topic_tables(doc);
    if tables.len() == m.topics.len() {
        for (t, topic) in tables.iter().zip(&m.topics) {
            let section = format!("topic `{}`", topic.name);
            if topic.fcr.is_none() && topic.escalation > 0.0 {
                let why = "without `fcr` every answer resolves the issue, and only unresolved contacts escalate";
                idle(
                    Some(t),
                    "escalation",
                    &section,
                    why,
                    "give the topic an `fcr`, or remove it",
                );
            }
            if m.topics.len() == 1 {
                let why = "it orders topics against each other, and this is the only one";
                idle(
                    Some(t),
                    "priority",
                    &section,
                    why,
                    "remove it, or add the topics it should come before or after",
                );
            }
        }
    }
}
