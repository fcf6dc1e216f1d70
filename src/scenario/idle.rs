//! Keys a scenario gives that change nothing in the model it describes, warned at the key
//! rather than passed over in silence: repeats where every answer resolves its issue, retries
//! where nobody can abandon or find the line busy, a priority with one topic.

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
fn at(t: &Table<'_>, key: &str) -> Option<Range<usize>> {
    t.iter()
        .find(|(k, _)| *k.get_ref() == key)
        .map(|(k, _)| k.span())
}

/// Warns of each key of `doc` that changes nothing in model `m`.
pub(super) fn warn(cx: &mut Cx, doc: &Table<'_>, m: &Model) {
    let resolution = sub(doc, "resolution");
    let false_containment = m
        .automation
        .as_ref()
        .is_some_and(|a| a.false_containment > 0.0)
        && m.topics.iter().any(|t| t.containment > 0.0);
    if !false_containment && m.topics.iter().all(|t| t.fcr.is_none()) {
        let why = "every answered contact resolves its issue (no topic has `fcr`, and no bot falsely contains)";
        let help =
            "give topics an `fcr`, the chance that an answer resolves the issue, or remove it";
        for key in ["repeat_share", "repeat_delay"] {
            if let Some(span) = resolution.and_then(|r| at(r, key)) {
                cx.warn(
                    format!("`{key}` in [resolution] changes nothing: {why}"),
                    span,
                    help,
                );
            }
        }
        for (name, v) in sub(doc, "channels").into_iter().flat_map(|c| c.iter()) {
            if let DeValue::Table(ct) = v.get_ref()
                && let Some(span) = at(ct, "repeat_channels")
            {
                let name = name.get_ref();
                cx.warn(
                    format!("`repeat_channels` of [channels.{name}] changes nothing: {why}"),
                    span,
                    help,
                );
            }
        }
    }
    let live = |c: &crate::model::Channel| c.kind != ChannelKind::Async;
    let unserved = m.channels.iter().any(|c| c.queue_capacity.is_some())
        || m.channels.iter().any(|c| live(c) && c.patience.is_some())
        || (m.channels.iter().any(live) && m.topics.iter().any(|t| t.patience.is_some()));
    if !unserved {
        for key in ["retry_share", "retry_delay"] {
            if let Some(span) = resolution.and_then(|r| at(r, key)) {
                cx.warn(
                    format!("`{key}` in [resolution] changes nothing: nobody abandons or finds the line busy (no call or chat channel has `patience` or `queue_capacity`)"),
                    span,
                    "give call and chat channels a `patience`, or remove it",
                );
            }
        }
    }
    if m.topics.len() == 1
        && let Some(DeValue::Array(topics)) = doc.get("topics").map(|v| v.get_ref())
        && let Some(DeValue::Table(t)) = topics.first().map(|v| v.get_ref())
        && let Some(span) = at(t, "priority")
    {
        cx.warn(
            "`priority` of the only topic changes nothing: it orders topics against each other",
            span,
            "remove it, or add the topics it should come before or after",
        );
    }
}
