//! The calendar: intraday profiles (named shapes or weights), weekday names and per-weekday
//! profiles, and shifts — all resolved into piecewise-constant functions of the time of day
//! when the model is built.

use std::ops::Range;

use toml::de::DeValue;

use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::duration::{DAY, WEEKDAYS, hhmm, parse_time_of_day};
use crate::model::{Group, Shift};

/// Named intraday shapes, hourly weights from midnight.
fn named_intraday(name: &str) -> Option<Vec<f64>> {
    match name {
        "flat" => Some(vec![1.0; 24]),
        // Office hours 08:00–18:00 with the morning peak and after-lunch shoulder typical of
        // business-to-consumer support lines.
        "business-hours" => Some(vec![
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.6, 1.0, 1.2, 1.15, 0.9, 1.0, 1.1, 1.0, 0.85,
            0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        ]),
        // 07:00–22:00 with a quieter evening, typical of consumer retail and telecom.
        "extended-hours" => Some(vec![
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 0.8, 1.1, 1.2, 1.15, 1.0, 1.05, 1.1, 1.05,
            0.95, 0.85, 0.8, 0.75, 0.6, 0.4, 0.0, 0.0,
        ]),
        // Contacts around the clock, low at night and peaking mid-morning (email, web forms).
        "around-the-clock" => Some(vec![
            0.25, 0.2, 0.15, 0.15, 0.15, 0.2, 0.35, 0.6, 0.9, 1.1, 1.2, 1.2, 1.1, 1.1, 1.1, 1.05,
            1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.5, 0.35,
        ]),
        _ => None,
    }
}
const INTRADAY_NAMES: &str = "flat, business-hours, extended-hours, around-the-clock";

/// The `intraday` key of table `t`: a named shape or weights, normalised to sum to 1.
pub(super) fn intraday(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> Option<Vec<f64>> {
    intraday_value(cx, t.get("intraday")?, ctx)
}

/// An intraday profile value: a named shape or weights, normalised to sum to 1.
pub(super) fn intraday_value(cx: &mut Cx, v: &Value<'_>, ctx: &str) -> Option<Vec<f64>> {
    let weights = match v.get_ref() {
        DeValue::String(name) => match named_intraday(name) {
            Some(w) => w,
            None => {
                cx.err(
                    format!("unknown intraday shape `{name}` in {ctx}"),
                    span_of(v),
                    format!("use one of: {INTRADAY_NAMES}; or give weights, e.g. 24 numbers, one per hour"),
                );
                return None;
            }
        },
        DeValue::Array(items) => {
            let n = items.len();
            if n == 0 || 86_400 % n != 0 || n > 1440 {
                cx.err(
                    format!("`intraday` in {ctx} has {n} weights; they must split the day evenly"),
                    span_of(v),
                    "give 24 (hourly), 48 (half-hourly) or 96 (quarter-hourly) weights",
                );
                return None;
            }
            let mut w = Vec::with_capacity(n);
            for item in items.iter() {
                w.push(cx.num_value(
                    item,
                    "intraday",
                    ctx,
                    Bounds::new(0.0, false, f64::INFINITY),
                    "weights are relative volumes and cannot be negative",
                )?);
            }
            w
        }
        other => {
            cx.err(
                format!(
                    "`intraday` in {ctx} must be a shape name or a list of weights, not {}",
                    type_name(other)
                ),
                span_of(v),
                format!("write e.g. intraday = \"business-hours\" (shapes: {INTRADAY_NAMES})"),
            );
            return None;
        }
    };
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || !sum.is_finite() {
        cx.err(
            format!("the intraday weights in {ctx} are all zero"),
            span_of(v),
            "at least one interval of the day must receive contacts",
        );
        return None;
    }
    Some(weights.iter().map(|w| w / sum).collect())
}

/// The seven weekday profiles of a channel: each weekday's own profile or `default`, brought to
/// one common number of slots (every length divides the day, so a step profile is repeated
/// exactly at a finer slot length). Each day's weights keep summing to 1.
pub(super) fn week_profile(own: &[Option<Vec<f64>>; 7], default: &[f64]) -> [Vec<f64>; 7] {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let days: [&[f64]; 7] = std::array::from_fn(|i| own[i].as_deref().unwrap_or(default));
    // Lengths divide 86 400, so their least common multiple divides 86 400 too.
    let len = days
        .iter()
        .fold(1usize, |l, d| l / gcd(l, d.len().max(1)) * d.len().max(1));
    days.map(|d| {
        let n = d.len().max(1);
        let k = (len / n).max(1);
        d.iter()
            .flat_map(|w| std::iter::repeat_n(w / k as f64, k))
            .collect()
    })
}

/// A weekday's index (Monday 0) from its name, short (`mon`) or full (`monday`).
pub(super) fn weekday_index(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    let short = lower.get(..3)?;
    WEEKDAYS.iter().position(|d| *d == short).filter(|_| {
        // accept "mon", "monday"
        let full = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        lower.len() == 3 || full.contains(&lower.as_str())
    })
}

/// A shift of an agent group: the days it starts on, its start and end, and its agents
/// (`group_count` when the shift gives none).
pub(super) fn shift(
    cx: &mut Cx,
    v: &Value<'_>,
    ctx: &str,
    group_count: Option<u32>,
) -> Option<Shift> {
    let DeValue::Table(t) = v.get_ref() else {
        cx.err(
            format!("{ctx} must be a table, not {}", type_name(v.get_ref())),
            span_of(v),
            "write e.g. { days = \"weekdays\", start = \"08:00\", end = \"16:30\", count = 5 }",
        );
        return None;
    };
    cx.check_keys(t, keys::SHIFT, ctx);
    let days = shift_days(cx, t, ctx);
    let time = |cx: &mut Cx, key: &str| -> Option<(f64, Range<usize>)> {
        let (s, span) = cx.string(t, key, ctx, "\"08:00\"")?;
        match parse_time_of_day(s) {
            Ok(x) => Some((x, span)),
            Err(msg) => {
                cx.err(
                    format!("`{key}` of {ctx}: {msg}"),
                    span,
                    format!("e.g. {key} = \"08:00\""),
                );
                None
            }
        }
    };
    let start = time(cx, "start");
    let end = time(cx, "end");
    for key in ["start", "end"] {
        if !t.contains_key(key) {
            cx.err(
                format!("{ctx} needs `{key}`"),
                span_of(v),
                format!("add {key} = \"HH:MM\""),
            );
        }
    }
    let overnight = cx.boolean(t, "overnight", ctx, false, "write overnight = true");
    let count = cx.int(
        t,
        "count",
        ctx,
        0,
        1_000_000,
        "a shift's agents: 0 or more (0 keeps the shift but puts nobody on it)",
    );
    if let Some((0, span)) = &count {
        cx.warn(
            format!("{ctx} has count = 0: nobody works it"),
            span.clone(),
            "fine while sweeping shift counts; otherwise remove the shift",
        );
    }
    let count = count.map(|x| x.0 as u32);
    if count.is_none() && group_count.is_none() && !t.contains_key("count") {
        cx.err(
            format!("{ctx} needs `count`"),
            span_of(v),
            "give the number of agents on this shift, e.g. count = 5",
        );
    }
    let (start, _) = start?;
    let (mut end, end_span) = end?;
    if end <= start {
        if overnight {
            end += DAY;
        } else {
            cx.err(
                format!(
                    "{ctx} ends ({}) before it starts ({})",
                    hhmm(end),
                    hhmm(start)
                ),
                end_span,
                "fix the times, or add overnight = true for a shift that runs past midnight",
            );
            return None;
        }
    } else if overnight {
        cx.err(
            format!("{ctx} is marked overnight but ends the same day"),
            end_span,
            "remove overnight = true, or fix the end time",
        );
        return None;
    }
    let breaks = super::breaks::read(cx, t, ctx, start, end);
    Some(Shift {
        days,
        start,
        end,
        count: count.or(group_count)?,
        breaks,
    })
}

/// `days` of a shift: the weekdays it starts on (every day without it).
fn shift_days(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> [bool; 7] {
    let mut days = [false; 7];
    match t.get("days") {
        None => days = [true; 7],
        Some(dv) => match dv.get_ref() {
            DeValue::String(s) => match s.as_ref() {
                "weekdays" | "mon-fri" => days = [true, true, true, true, true, false, false],
                "weekends" | "weekend" | "sat-sun" => days = [false, false, false, false, false, true, true],
                "daily" | "every day" | "all" => days = [true; 7],
                other => match weekday_index(other) {
                    Some(i) => days[i] = true,
                    None => cx.err(
                        format!("`{other}` in {ctx} is not a set of days"),
                        span_of(dv),
                        "write \"weekdays\", \"weekends\", \"daily\", or a list such as [\"mon\", \"wed\"]",
                    ),
                },
            },
            DeValue::Array(list) => {
                for d in list.iter() {
                    if let Some(name) = cx.string_value(d, "days", ctx, "[\"mon\", \"tue\"]") {
                        match weekday_index(name) {
                            Some(i) => days[i] = true,
                            None => cx.err(format!("`{name}` is not a weekday"), span_of(d), "write mon, tue, wed, thu, fri, sat or sun"),
                        }
                    }
                }
            }
            other => cx.err(
                format!("`days` of {ctx} must be text or a list, not {}", type_name(other)),
                span_of(dv),
                "write \"weekdays\", \"weekends\", \"daily\", or a list such as [\"mon\", \"wed\"]",
            ),
        },
    }
    days
}

/// Mean number of agents of a group on the floor, over a week, after shrinkage and absence.
pub(super) fn mean_on_floor(g: &Group) -> f64 {
    let base = if g.shifts.is_empty() {
        f64::from(g.around_the_clock) * g.days_present(&[true; 7]) / 7.0
    } else {
        g.shifts
            .iter()
            .map(|s| f64::from(s.count) * (s.end - s.start) * g.days_present(&s.days) / (7.0 * DAY))
            .sum()
    };
    base * (1.0 - g.planned_shrinkage)
}
