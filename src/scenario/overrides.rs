//! Keys the model never reads because something more specific sets the same thing everywhere:
//! a group's `count` when every shift gives its own, `[automation] containment` when every
//! topic gives its own, `[knowledge_base] deflection` likewise. Each is a warning, so that an
//! edit of such a key is never silently ignored.

use toml::de::DeValue;

use super::reader::{Cx, Table, span_of};

/// Warns about every key overridden everywhere it could apply.
pub(super) fn check(cx: &mut Cx, doc: &Table<'_>) {
    if let Some(list) = doc.get("agents").and_then(|v| v.get_ref().as_array()) {
        for g in list {
            let DeValue::Table(t) = g.get_ref() else {
                continue;
            };
            let name = t
                .get("name")
                .and_then(|n| n.get_ref().as_str())
                .unwrap_or("?");
            if let (Some(count), Some(shifts)) = (t.get("count"), every_shift_counts(t)) {
                cx.warn(
                    format!(
                        "`count` of agent group `{name}` is overridden by the counts of all its {shifts} shifts, so it changes nothing"
                    ),
                    span_of(count),
                    format!(
                        "remove it, or set the shifts' counts (e.g. agents.{name}.shifts.0.count in a sweep)"
                    ),
                );
            }
        }
    }
    for (section, key) in [
        ("automation", "containment"),
        ("knowledge_base", "deflection"),
    ] {
        let topic_key = if key == "deflection" {
            "kb_deflection"
        } else {
            key
        };
        let Some(v) = doc
            .get(section)
            .and_then(|s| s.get_ref().as_table())
            .and_then(|t| t.get(key))
        else {
            continue;
        };
        if let Some(n) = every_topic_has(doc, topic_key) {
            cx.warn(
                format!(
                    "`{section}.{key}` is overridden by the `{topic_key}` of all {n} topics, so it changes nothing"
                ),
                span_of(v),
                format!(
                    "remove it, or change the topics' own `{topic_key}` (topics.NAME.{topic_key} in a sweep)"
                ),
            );
        }
    }
}

/// The number of shifts of a group when there are some and every one gives its own count.
fn every_shift_counts(group: &Table<'_>) -> Option<usize> {
    let list = group.get("shifts")?.get_ref().as_array()?;
    let all = !list.is_empty()
        && list.iter().all(|s| {
            s.get_ref()
                .as_table()
                .is_some_and(|t| t.contains_key("count"))
        });
    all.then_some(list.len())
}

/// The number of topics when there are some and every one sets `key`.
fn every_topic_has(doc: &Table<'_>, key: &str) -> Option<usize> {
    let list = doc.get("topics")?.get_ref().as_array()?;
    let all = !list.is_empty()
        && list
            .iter()
            .all(|s| s.get_ref().as_table().is_some_and(|t| t.contains_key(key)));
    all.then_some(list.len())
}
