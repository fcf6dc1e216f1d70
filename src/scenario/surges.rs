//! `[[surges]]`: stretches of unusual demand on given days — an outage that triples one
//! topic's contacts, a campaign, a quiet holiday afternoon.

use toml::de::DeValue;

use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::duration::{DAY, parse_time_of_day};
use crate::model::{Surge, TopicId};

/// A surge as the error messages show it.
const EXAMPLE: &str =
    "[[surges]]\nname = \"outage\"\nday = 10\nstart = \"09:00\"\nduration = \"3h\"\nfactor = 3";

/// Reads `[[surges]]` of a run of `days` days.
pub(super) fn read(
    cx: &mut Cx,
    doc: &Table<'_>,
    channel_names: &[String],
    topic_names: &[String],
    days: u32,
) -> Vec<Surge> {
    let Some(v) = doc.get("surges") else {
        return Vec::new();
    };
    let example = EXAMPLE;
    let DeValue::Array(list) = v.get_ref() else {
        cx.err(
            format!(
                "`surges` must be a list of [[surges]] tables, not {}",
                type_name(v.get_ref())
            ),
            span_of(v),
            format!("write each surge as its own table:\n{example}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        if let Some(s) = read_one(cx, item, i, channel_names, topic_names, days) {
            out.push(s);
        }
    }
    out
}

/// Surge `i`.
fn read_one(
    cx: &mut Cx,
    item: &Value<'_>,
    i: usize,
    channel_names: &[String],
    topic_names: &[String],
    days: u32,
) -> Option<Surge> {
    let example = EXAMPLE;
    let ctx = format!("surge {} in [[surges]]", i + 1);
    let DeValue::Table(t) = item.get_ref() else {
        cx.err(
            format!("{ctx} must be a table, not {}", type_name(item.get_ref())),
            span_of(item),
            format!("write e.g.\n{example}"),
        );
        return None;
    };
    cx.check_keys(t, keys::SURGE, &ctx);
    let name = cx
        .string(t, "name", &ctx, "\"outage\"")
        .map_or_else(|| format!("surge {}", i + 1), |(s, _)| s.to_string());
    let ctx = format!("surge `{name}`");
    for key in ["day", "factor", "duration"] {
        if !t.contains_key(key) {
            cx.err(
                format!("{ctx} needs `{key}`"),
                span_of(item),
                format!("a surge says when and how much, e.g.\n{example}"),
            );
        }
    }
    let day = cx.run_day(t, &ctx, days, ("is on", "surge"));
    let start = start(cx, t, &ctx);
    let duration = cx.duration(t, "duration", &ctx, "\"3h\"").map(|(d, _)| d);
    let factor = cx.num(
        t,
        "factor",
        &ctx,
        Bounds::new(0.0, false, 1000.0),
        "factor multiplies the volume it concerns: 3 triples it, 0.5 halves it, 0 stops it",
    );
    if let Some((f, span)) = &factor
        && *f == 1.0
    {
        cx.warn(
            format!("{ctx} has factor 1 and changes nothing"),
            span.clone(),
            "use e.g. factor = 3 for an outage that triples contacts, or 0.5 for a quiet spell",
        );
    }
    let topic = match cx.string(t, "topic", &ctx, "\"billing\"") {
        None => Some(None),
        Some((s, span)) => match topic_names.iter().position(|n| n == s) {
            Some(ti) => Some(Some(TopicId(ti as u32))),
            None => {
                cx.err(
                    format!("{ctx} names topic `{s}`, which is not defined"),
                    span,
                    format!("use one of: {}", topic_names.join(", ")),
                );
                None
            }
        },
    };
    let channels = concerned(cx, t, &ctx, channel_names);
    if let (Some((d, _)), Some(start), Some(duration), Some((factor, _)), Some(topic)) =
        (day, start, duration, factor, topic)
    {
        let start = d as f64 * DAY + start;
        return Some(Surge {
            name,
            start,
            end: start + duration,
            factor,
            topic,
            channels,
        });
    }
    None
}

/// `start`: the time of day a surge starts (midnight without it).
fn start(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> Option<f64> {
    match cx.string(t, "start", ctx, "\"09:00\"") {
        None => Some(0.0),
        Some((s, span)) => match parse_time_of_day(s) {
            Ok(x) if x < DAY => Some(x),
            Ok(_) => {
                cx.err(
                    format!("`start` of {ctx} must be before 24:00"),
                    span,
                    "a surge starts at a time of day, e.g. start = \"09:00\"",
                );
                None
            }
            Err(msg) => {
                cx.err(
                    format!("`start` of {ctx}: {msg}"),
                    span,
                    "e.g. start = \"09:00\"",
                );
                None
            }
        },
    }
}

/// `channels`: the channels a surge concerns (every channel without it).
fn concerned(cx: &mut Cx, t: &Table<'_>, ctx: &str, channel_names: &[String]) -> Vec<bool> {
    let Some(cv) = t.get("channels") else {
        return vec![true; channel_names.len()];
    };
    let mut channels = vec![false; channel_names.len()];
    match cv.get_ref() {
        DeValue::Array(names) if !names.is_empty() => {
            for c in names.iter() {
                if let Some(n) = cx.string_value(c, "channels", ctx, "[\"phone\"]") {
                    match channel_names.iter().position(|x| x == n) {
                        Some(ci) => channels[ci] = true,
                        None => cx.err(
                            format!("{ctx} names channel `{n}`, which is not defined"),
                            span_of(c),
                            format!("use one of: {}", channel_names.join(", ")),
                        ),
                    }
                }
            }
        }
        other => cx.err(
            format!(
                "`channels` of {ctx} must be a non-empty list of channel names, not {}",
                type_name(other)
            ),
            span_of(cv),
            "write e.g. channels = [\"phone\"], or leave it out for every channel",
        ),
    }
    channels
}
