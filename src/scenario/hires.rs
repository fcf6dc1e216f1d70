//! `[[hires]]`: classes of new agents joining a group on a given day, after their training.

use toml::de::DeValue;

use super::keys;
use super::reader::{Cx, Table, Value, span_of, type_name};
use crate::duration::DAY;
use crate::model::{Group, Hire};

/// A hiring class as the error messages show it.
const EXAMPLE: &str = "[[hires]]\ngroup = \"desk\"\nday = 30\nsize = 5\ntraining = \"6w\"";

/// Reads `[[hires]]` into the groups `groups` of a run of `days` days.
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>, groups: &[Group], days: u32) -> Vec<Hire> {
    let Some(v) = doc.get("hires") else {
        return Vec::new();
    };
    let DeValue::Array(list) = v.get_ref() else {
        cx.err(
            format!(
                "`hires` must be a list of [[hires]] tables, not {}",
                type_name(v.get_ref())
            ),
            span_of(v),
            format!("write each hiring class as its own table:\n{EXAMPLE}"),
        );
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter_map(|(i, item)| read_one(cx, item, i, groups, days))
        .collect()
}

/// The groups `[[hires]]` name, as written (whatever else is wrong with the classes).
pub(super) fn group_names(doc: &Table<'_>) -> Vec<String> {
    let Some(DeValue::Array(list)) = doc.get("hires").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|item| match item.get_ref() {
            DeValue::Table(t) => match t.get("group").map(|g| g.get_ref()) {
                Some(DeValue::String(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Whether a hiring class joins each of `groups` groups.
pub(super) fn hired_groups(hires: &[Hire], groups: usize) -> Vec<bool> {
    (0..groups)
        .map(|g| hires.iter().any(|h| h.group as usize == g))
        .collect()
}

/// Hiring class `i`.
fn read_one(cx: &mut Cx, item: &Value<'_>, i: usize, groups: &[Group], days: u32) -> Option<Hire> {
    let ctx = format!("hiring class {} in [[hires]]", i + 1);
    let DeValue::Table(t) = item.get_ref() else {
        cx.err(
            format!("{ctx} must be a table, not {}", type_name(item.get_ref())),
            span_of(item),
            format!("write e.g.\n{EXAMPLE}"),
        );
        return None;
    };
    cx.check_keys(t, keys::HIRE, &ctx);
    for key in ["group", "day", "size"] {
        if !t.contains_key(key) {
            cx.err(
                format!("{ctx} needs `{key}`"),
                span_of(item),
                format!("a hiring class says who, when and how many, e.g.\n{EXAMPLE}"),
            );
        }
    }
    let group = match cx.string(t, "group", &ctx, "\"desk\"") {
        None => None,
        Some((name, span)) => {
            let found = groups.iter().position(|g| g.name == name);
            if found.is_none() {
                let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                cx.err(
                    format!("{ctx} names group `{name}`, which is not defined"),
                    span,
                    format!("use one of: {}", names.join(", ")),
                );
            }
            found
        }
    };
    let day = cx.run_day(t, &ctx, days, ("is hired on", "class"));
    let size = cx.int(
        t,
        "size",
        &ctx,
        1,
        100_000,
        "the number of agents hired, at least 1",
    );
    let training = match cx.duration(t, "training", &ctx, "\"6w\"") {
        Some((d, span)) if d < 0.0 => {
            cx.err(
                format!("`training` of {ctx} is negative"),
                span,
                "write e.g. training = \"6w\"",
            );
            None
        }
        Some((d, _)) => Some((d / DAY).ceil() as u32),
        None if t.contains_key("training") => None,
        None => Some(0),
    };
    let shift = shift(cx, t, &ctx, group.map(|g| &groups[g]), item);
    let (Some(g), Some((day, _)), Some((size, _)), Some(training), Some(shift)) =
        (group, day, size, training, shift)
    else {
        return None;
    };
    let joins = day as u32 + training;
    if joins >= days {
        cx.warn(
            format!("{ctx} finishes its training on day {joins}, after the run's last day"),
            span_of(item),
            "its agents are hired (and may leave) but never work: simulate more days, or hire earlier",
        );
    }
    Some(Hire {
        group: g as u32,
        day: day as u32,
        size: size as u32,
        joins,
        shift,
    })
}

/// `shift`: which of the group's shifts the class works (1 for the first), needed when the
/// group has shifts and refused when it works around the clock. `None` on an error.
fn shift(
    cx: &mut Cx,
    t: &Table<'_>,
    ctx: &str,
    group: Option<&Group>,
    item: &Value<'_>,
) -> Option<Option<u32>> {
    let n = group.map_or(0, |g| g.shifts.len()) as i64;
    let read = cx.int(
        t,
        "shift",
        ctx,
        1,
        n.max(1),
        "shifts count from 1 in the group's list",
    );
    match (group, read) {
        (Some(g), None) if !g.shifts.is_empty() && !t.contains_key("shift") => {
            cx.err(
                format!(
                    "{ctx} joins `{}`, which works shifts: say which one",
                    g.name
                ),
                span_of(item),
                "add shift = 1 for the group's first shift, 2 for its second, …",
            );
            None
        }
        (Some(g), Some((_, span))) if g.shifts.is_empty() => {
            cx.err(
                format!(
                    "{ctx} names a shift, but `{}` works around the clock",
                    g.name
                ),
                span,
                "leave out `shift`: the class works around the clock like its group",
            );
            None
        }
        (_, Some((s, _))) => Some(Some(s as u32 - 1)),
        (_, None) if t.contains_key("shift") => None,
        (_, None) => Some(None),
    }
}
