//! `rules` of an agent group: the shifts `supportsim roster` may give its people — lengths,
//! start times, breaks with their windows, days a week, days off together, paid hours a week
//! and the most people. A simulation runs the shifts as written; only a roster reads these.

use std::ops::Range;

use toml::de::DeValue;

use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::duration::{DAY, format_duration, parse_time_of_day};
use crate::model::{BreakRule, WorkRules};

const EXAMPLE: &str = "rules = { shift_lengths = [\"8h30m\"], starts = { from = \"07:00\", to = \"13:30\", step = \"30m\" } }";

/// Reads `rules` of the group `ctx`, when given.
pub(super) fn read(cx: &mut Cx, group: &Table<'_>, ctx: &str) -> Option<WorkRules> {
    let v = group.get("rules")?;
    let what = format!("`rules` of {ctx}");
    let t = cx.table(v, &what)?;
    cx.check_keys(t, keys::RULES, &what);
    let lengths = lengths(cx, t, v, &what);
    let starts = starts(cx, t, v, &what);
    let breaks = breaks(cx, t, &what);
    let days_per_week = cx
        .int(
            t,
            "days_per_week",
            &what,
            1,
            7,
            "people work at least one day a week",
        )
        .map_or(5, |x| x.0 as u32);
    let days_off_together = cx.boolean(
        t,
        "days_off_together",
        &what,
        true,
        "write days_off_together = true (days off in a row) or false",
    );
    let week_hours = week_hours(cx, t, &what);
    let max_people = cx
        .int(
            t,
            "max_people",
            &what,
            1,
            1_000_000,
            "a group needs at least one person",
        )
        .map(|x| x.0 as u32);
    let (lengths, starts) = (lengths?, starts?);
    let rules = WorkRules {
        lengths,
        starts,
        breaks,
        days_per_week,
        days_off_together,
        week_hours,
        max_people,
    };
    let fits = rules.lengths.iter().any(|l| {
        let h = rules.paid_hours(*l) * f64::from(days_per_week);
        h >= week_hours.0 - 1e-9 && h <= week_hours.1 + 1e-9
    });
    if !fits {
        cx.err(
            format!(
                "no shift length of {what} gives between {} and {} paid hours in {days_per_week} days",
                week_hours.0, week_hours.1
            ),
            span_of(v),
            "allow another shift length or days_per_week, or widen week_hours",
        );
        return None;
    }
    Some(rules)
}

/// `shift_lengths`: durations on site, breaks included.
fn lengths(cx: &mut Cx, t: &Table<'_>, v: &Value<'_>, what: &str) -> Option<Vec<f64>> {
    let Some(lv) = t.get("shift_lengths") else {
        cx.err(
            format!("{what} needs `shift_lengths`"),
            span_of(v),
            format!("write e.g. {EXAMPLE}"),
        );
        return None;
    };
    let DeValue::Array(list) = lv.get_ref() else {
        cx.err(
            format!(
                "`shift_lengths` in {what} must be a list of durations, not {}",
                type_name(lv.get_ref())
            ),
            span_of(lv),
            "write e.g. shift_lengths = [\"8h30m\", \"4h\"]",
        );
        return None;
    };
    let mut out = Vec::new();
    for item in list.iter() {
        let Some(d) = cx.duration_value(item, "shift_lengths", what, "\"8h30m\"") else {
            continue;
        };
        if !(3600.0..=16.0 * 3600.0).contains(&d) {
            cx.err(
                format!(
                    "a shift length of {what} must be between 1h and 16h, not {}",
                    format_duration(d)
                ),
                span_of(item),
                "give the time on site, breaks included, e.g. \"8h30m\"",
            );
            continue;
        }
        out.push(d);
    }
    if out.is_empty() && !list.is_empty() {
        return None;
    }
    if list.is_empty() {
        cx.err(
            format!("`shift_lengths` in {what} is empty"),
            span_of(lv),
            "list at least one length, e.g. [\"8h30m\"]",
        );
        return None;
    }
    Some(out)
}

/// A time of day `key` of table `t`.
fn time_of_day(cx: &mut Cx, t: &Table<'_>, key: &str, what: &str) -> Option<f64> {
    let (s, span) = cx.string(t, key, what, "\"07:00\"")?;
    match parse_time_of_day(s) {
        Ok(x) if x < DAY => Some(x),
        Ok(_) => {
            cx.err(
                format!("`{key}` of {what} must be before midnight"),
                span,
                "e.g. \"23:30\"",
            );
            None
        }
        Err(msg) => {
            cx.err(format!("`{key}` of {what}: {msg}"), span, "e.g. \"07:00\"");
            None
        }
    }
}

/// `starts = { from, to, step }`.
fn starts(cx: &mut Cx, t: &Table<'_>, v: &Value<'_>, what: &str) -> Option<(f64, f64, f64)> {
    let Some(sv) = t.get("starts") else {
        cx.err(
            format!("{what} needs `starts`, the window of start times"),
            span_of(v),
            "write e.g. starts = { from = \"07:00\", to = \"13:30\", step = \"30m\" }",
        );
        return None;
    };
    let swhat = format!("`starts` of {what}");
    let s = cx.table(sv, &swhat)?;
    cx.check_keys(s, keys::RULE_STARTS, &swhat);
    let from = time_of_day(cx, s, "from", &swhat);
    let to = time_of_day(cx, s, "to", &swhat);
    let step = cx
        .duration(s, "step", &swhat, "\"30m\"")
        .map_or(1800.0, |x| x.0);
    let (from, to) = (from?, to?);
    if to < from {
        cx.err(
            format!("{swhat}: `to` is before `from`"),
            span_of(sv),
            "give the earliest start as `from` and the latest as `to`",
        );
        return None;
    }
    if step < 300.0 {
        cx.err(
            format!("`step` of {swhat} must be at least 5m"),
            span_of(sv),
            "e.g. step = \"15m\" or \"30m\"",
        );
        return None;
    }
    Some((from, to, step))
}

/// `week_hours = { min, max }`: paid hours a week. Default 0 to 40.
fn week_hours(cx: &mut Cx, t: &Table<'_>, what: &str) -> (f64, f64) {
    let Some(wv) = t.get("week_hours") else {
        return (0.0, 40.0);
    };
    let wwhat = format!("`week_hours` of {what}");
    let Some(w) = cx.table(wv, &wwhat) else {
        return (0.0, 40.0);
    };
    cx.check_keys(w, keys::RULE_WEEK_HOURS, &wwhat);
    let b = Bounds::new(0.0, false, 168.0);
    let min = cx.num(w, "min", &wwhat, b, "hours a week, e.g. 20");
    let max = cx.num(w, "max", &wwhat, b, "hours a week, e.g. 40");
    let (lo, hi) = (min.map_or(0.0, |x| x.0), max.map_or(40.0, |x| x.0));
    if lo > hi {
        cx.err(
            format!("{wwhat}: `min` is above `max`"),
            span_of(wv),
            "e.g. week_hours = { min = 30, max = 40 }",
        );
    }
    (lo, hi)
}

/// `breaks`: each `{ kind, length, window = [earliest start, latest end] }`, times after the
/// shift's start; windows in order, not overlapping.
fn breaks(cx: &mut Cx, t: &Table<'_>, what: &str) -> Vec<BreakRule> {
    let Some(bv) = t.get("breaks") else {
        return Vec::new();
    };
    let example = "breaks = [{ kind = \"meal\", length = \"30m\", window = [\"3h30m\", \"5h\"] }]";
    let DeValue::Array(list) = bv.get_ref() else {
        cx.err(
            format!(
                "`breaks` of {what} must be a list, not {}",
                type_name(bv.get_ref())
            ),
            span_of(bv),
            format!("write e.g. {example}"),
        );
        return Vec::new();
    };
    let mut out: Vec<(BreakRule, Range<usize>)> = Vec::new();
    for item in list.iter() {
        let bwhat = format!("a break of {what}");
        let Some(b) = cx.table(item, &bwhat) else {
            continue;
        };
        cx.check_keys(b, keys::RULE_BREAK, &bwhat);
        let (paid, meal) = match cx.string(b, "kind", &bwhat, "\"paid\"") {
            None | Some(("paid", _)) => (true, false),
            Some(("unpaid", _)) => (false, false),
            Some(("meal", _)) => (false, true),
            Some((other, span)) => {
                cx.err(
                    format!("unknown break kind `{other}` in {bwhat}"),
                    span,
                    "use \"paid\", \"unpaid\" or \"meal\" (an unpaid meal break)",
                );
                (true, false)
            }
        };
        let length = cx.duration(b, "length", &bwhat, "\"15m\"");
        let window = window(cx, b, item, &bwhat);
        let (Some((length, _)), Some(window)) = (length, window) else {
            if !b.contains_key("length") {
                cx.err(
                    format!("{bwhat} needs `length`"),
                    span_of(item),
                    format!("write e.g. {example}"),
                );
            }
            continue;
        };
        if window.0 + length > window.1 {
            cx.err(
                format!(
                    "{bwhat} ({}) does not fit in its window",
                    format_duration(length)
                ),
                span_of(item),
                "widen the window or shorten the break",
            );
            continue;
        }
        let rule = BreakRule {
            length,
            paid,
            meal,
            window,
        };
        out.push((rule, span_of(item)));
    }
    for w in out.windows(2) {
        if w[1].0.window.0 < w[0].0.window.1 {
            cx.err(
                format!("the windows of two breaks of {what} overlap or are out of order"),
                w[1].1.clone(),
                "list breaks in time order, each window starting after the previous one ends",
            );
        }
    }
    out.into_iter().map(|x| x.0).collect()
}

/// `window = ["1h30m", "3h"]`: earliest start and latest end after the shift's start.
fn window(cx: &mut Cx, b: &Table<'_>, item: &Value<'_>, what: &str) -> Option<(f64, f64)> {
    let help = "write window = [\"1h30m\", \"3h\"]: the earliest start and latest end, after the shift's start";
    let Some(wv) = b.get("window") else {
        cx.err(format!("{what} needs `window`"), span_of(item), help);
        return None;
    };
    match wv.get_ref() {
        DeValue::Array(pair) if pair.len() == 2 => {
            let lo = cx.duration_value(&pair[0], "window", what, "\"1h30m\"")?;
            let hi = cx.duration_value(&pair[1], "window", what, "\"3h\"")?;
            Some((lo, hi))
        }
        _ => {
            cx.err(
                format!("`window` of {what} must be a pair of durations"),
                span_of(wv),
                help,
            );
            None
        }
    }
}
