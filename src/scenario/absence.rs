//! A group's absence in `[[agents]]`: its mean and day-to-day spread on weekdays and at
//! weekends, how much of that spread it shares with the other groups, and its attrition —
//! and warnings where one of these keys cannot change anything.

use toml::de::DeValue;

use super::reader::{Bounds, Cx, Table, Value, span_of};
use crate::model::{Group, Shift};

/// How the group's agents are away: for a day (on weekdays and at weekends), and for good.
pub(super) struct Away {
    /// `absence` and `absence_sd`.
    pub(super) weekday: (f64, f64),
    /// `weekend_absence` and `weekend_absence_sd`, each the weekday one when not given.
    pub(super) weekend: (f64, f64),
    /// `absence_shared` and `weekend_absence_shared` (the weekday one when not given).
    pub(super) shared: (f64, f64),
    pub(super) attrition: f64,
}

/// `absence`, `absence_sd`, their weekend pair and `attrition`.
pub(super) fn away(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> Away {
    let weekday = absence_pair(cx, t, ctx, ["absence", "absence_sd"], (0.0, 0.0));
    let weekend = absence_pair(
        cx,
        t,
        ctx,
        ["weekend_absence", "weekend_absence_sd"],
        weekday,
    );
    let shared = (
        absence_share(cx, t, ctx, "absence_shared", 0.0, weekday.1),
        absence_share(cx, t, ctx, "weekend_absence_shared", 0.0, weekend.1),
    );
    // The weekend shares as the weekdays do unless it says otherwise.
    let shared = if t.contains_key("weekend_absence_shared") {
        shared
    } else {
        (shared.0, shared.0)
    };
    let attrition = cx
        .num(
            t,
            "attrition",
            ctx,
            Bounds::new(0.0, false, 0.95),
            "the share of the group's agents who leave in a month, e.g. 0.025 for 2.5%",
        )
        .map_or(0.0, |x| x.0);
    Away {
        weekday,
        weekend,
        shared,
        attrition,
    }
}

/// `absence_shared` (or its weekend twin, `key`): `default` when not given; a warning when
/// there is no day-to-day spread (`sd`) to share, which leaves it without effect.
fn absence_share(cx: &mut Cx, t: &Table<'_>, ctx: &str, key: &str, default: f64, sd: f64) -> f64 {
    let Some((s, span)) = cx.num(
        t,
        key,
        ctx,
        Bounds::new(0.0, false, 1.0),
        "how much of the group's day-to-day absence spread it shares with the other groups, e.g. 0.8",
    ) else {
        return default;
    };
    if s > 0.0 && sd <= 0.0 {
        let spread = if key.starts_with("weekend") {
            "weekend_absence_sd"
        } else {
            "absence_sd"
        };
        cx.warn(
            format!("`{key} = {s}` of {ctx} has no effect: the group's absence does not vary from day to day (no `{spread}`), so there is nothing to share"),
            span,
            format!("give the group an `{spread}`, or leave `{key}` out"),
        );
    }
    s
}

/// A mean absence and its day-to-day spread (`keys`), each `default` when not given: the
/// spread of a beta distribution around the mean, which must leave it room (a beta of mean a
/// has a standard deviation below √(a(1 − a))).
fn absence_pair(
    cx: &mut Cx,
    t: &Table<'_>,
    ctx: &str,
    keys: [&str; 2],
    default: (f64, f64),
) -> (f64, f64) {
    let [mean_key, sd_key] = keys;
    let mean = cx.num(
        t,
        mean_key,
        ctx,
        Bounds::new(0.0, false, 0.95),
        "the chance an agent is absent on a scheduled day, e.g. 0.05",
    );
    let sd = cx.num(
        t,
        sd_key,
        ctx,
        Bounds::new(0.0, false, 0.5),
        "the standard deviation of a day's absence rate, e.g. 0.03 around an absence of 0.05",
    );
    let a = mean.as_ref().map_or(default.0, |x| x.0);
    let s = sd.as_ref().map_or(default.1, |x| x.0);
    if s > 0.0 && s * s >= a * (1.0 - a) {
        // The key to blame: the spread when given, else the mean that leaves it no room.
        let (span, said) = match (sd, mean) {
            (Some((_, span)), _) => (span, format!("`{sd_key} = {s}`")),
            (None, Some((_, span))) => {
                (span, format!("`{sd_key}` (by default {s}, the weekday's)"))
            }
            (None, None) => return (a, 0.0),
        };
        cx.err(
            format!(
                "{said} of {ctx} is too wide for `{mean_key} = {a}`: a day's absence rate is a share with that mean, whose standard deviation is below √({mean_key} × (1 − {mean_key})) = {:.3}",
                (a * (1.0 - a)).sqrt()
            ),
            span,
            format!("give a smaller `{sd_key}`, or a larger mean `{mean_key}` ({sd_key} needs it above 0)"),
        );
        return (a, 0.0);
    }
    (a, s)
}

/// Warns of each weekend absence key of a group none of whose shifts starts on a Saturday or
/// Sunday: the weekend's absence is drawn for the shifts starting that day, so it changes
/// nothing.
pub(super) fn weekend_unused(cx: &mut Cx, t: &Table<'_>, shifts: &[Shift], ctx: &str) {
    if shifts.is_empty() || shifts.iter().any(|s| s.days[5] || s.days[6]) {
        return;
    }
    for key in [
        "weekend_absence",
        "weekend_absence_sd",
        "weekend_absence_shared",
    ] {
        if let Some(v) = t.get(key) {
            cx.warn(
                format!("`{key}` of {ctx} has no effect: none of the group's shifts starts on a Saturday or Sunday"),
                span_of(v),
                format!("leave `{key}` out, or give the group a shift on the weekend days it works"),
            );
        }
    }
}

/// Warns of a group's `absence_shared` (or `weekend_absence_shared`) when no other group
/// shares its days on those days of the week: each group's own days are drawn from its own
/// beta whatever it shares, so sharing only ties groups together and with nobody else to tie
/// to it changes nothing. `items` are the `[[agents]]` tables `groups` were read from.
pub(super) fn shared_alone(cx: &mut Cx, items: &[Value<'_>], groups: &[Group]) {
    if items.len() != groups.len() {
        return; // a group failed to load: its errors come first
    }
    let shares = |weekend: bool| -> Vec<bool> {
        let day = if weekend { 5 } else { 0 };
        groups
            .iter()
            .map(|g| g.shared_on(day) > 0.0 && g.absence_on(day).1 > 0.0 && works(g, weekend))
            .collect()
    };
    let (weekday, weekend) = (shares(false), shares(true));
    let effect = |s: &[bool], gi: usize| s[gi] && s.iter().filter(|&&x| x).count() > 1;
    for (gi, item) in items.iter().enumerate() {
        let DeValue::Table(t) = item.get_ref() else {
            continue;
        };
        let (on_weekdays, on_weekends) = (effect(&weekday, gi), effect(&weekend, gi));
        let own_weekend = t.get("weekend_absence_shared");
        let mut idle = Vec::new();
        if let Some(v) = t.get("absence_shared") {
            if own_weekend.is_none() {
                if (weekday[gi] || weekend[gi]) && !on_weekdays && !on_weekends {
                    idle.push(("on any day", "absence_shared", v));
                }
            } else if weekday[gi] && !on_weekdays {
                idle.push(("on weekdays", "absence_shared", v));
            }
        }
        if let Some(v) = own_weekend
            && weekend[gi]
            && !on_weekends
        {
            idle.push(("at weekends", "weekend_absence_shared", v));
        }
        for (days, key, v) in idle {
            cx.warn(
                format!(
                    "`{key}` of agent group `{}` has no effect: no other group shares its day-to-day absence {days}, and a group's own days are drawn from its own spread whatever it shares",
                    groups[gi].name
                ),
                span_of(v),
                format!("give the groups that are absent together the same `{key}`, or leave it out"),
            );
        }
    }
}

/// Whether group `g` works on weekend days (`weekend`) or on weekdays: around the clock, or
/// with a shift starting on one of them.
fn works(g: &Group, weekend: bool) -> bool {
    let days = if weekend { 5..7 } else { 0..5 };
    g.shifts.is_empty()
        || g.shifts
            .iter()
            .any(|s| s.days[days.clone()].iter().any(|&d| d))
}
