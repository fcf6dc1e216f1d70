//! `[resolution]` and `[csat]`: what customers do after an unresolved, abandoned or blocked
//! contact (repeats and retries), and the satisfaction model's parameters (see
//! [`crate::experience`] for the model and the grounds of its defaults).

use super::keys;
use super::reader::{Bounds, Cx, Table};
use crate::dist::{Dist, Family};
use crate::duration::DAY;
use crate::experience::WaitCsat;
use crate::model::Resolution;

/// `[resolution]`: repeats of unresolved contacts and retries after abandoning.
pub(super) fn resolution(cx: &mut Cx, doc: &Table<'_>) -> Resolution {
    let mut r = Resolution {
        repeat_share: 1.0,
        repeat_delay: Dist::new(Family::Lognormal, DAY, 1.0).unwrap_or(Dist::Fixed { value: DAY }),
        retry_share: 0.0,
        retry_delay: Dist::Exponential { mean: 900.0 },
        max_attempts: 4,
    };
    let Some(v) = doc.get("resolution") else {
        return r;
    };
    let Some(t) = cx.table(v, "resolution") else {
        return r;
    };
    let ctx = "[resolution]";
    cx.check_keys(t, keys::RESOLUTION, ctx);
    if let Some((x, _)) = cx.num(
        t,
        "repeat_share",
        ctx,
        Bounds::new(0.0, false, 1.0),
        "the share of unresolved customers who come back, e.g. 0.8",
    ) {
        r.repeat_share = x;
    }
    if let Some(d) = cx.dist(t, "repeat_delay", ctx) {
        r.repeat_delay = d;
    }
    if let Some((x, _)) = cx.num(
        t,
        "retry_share",
        ctx,
        Bounds::new(0.0, false, 1.0),
        "the share of abandoned or blocked customers who try again, e.g. 0.5",
    ) {
        r.retry_share = x;
    }
    if let Some(d) = cx.dist(t, "retry_delay", ctx) {
        r.retry_delay = d;
    }
    if let Some((x, _)) = cx.int(
        t,
        "max_attempts",
        ctx,
        1,
        20,
        "the most contacts about one issue, first included, e.g. 4",
    ) {
        r.max_attempts = x as u32;
    }
    r
}

/// `[csat]`: the satisfaction model's parameters.
pub(super) fn csat(cx: &mut Cx, doc: &Table<'_>) -> WaitCsat {
    let mut m = WaitCsat::default();
    let Some(v) = doc.get("csat") else { return m };
    let Some(t) = cx.table(v, "csat") else {
        return m;
    };
    let ctx = "[csat]";
    cx.check_keys(t, keys::CSAT, ctx);
    let unit = |cx: &mut Cx, key: &str, slot: &mut f64| {
        if let Some((x, _)) = cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1.0),
            "a probability or factor between 0 and 1",
        ) {
            *slot = x;
        }
    };
    unit(cx, "base", &mut m.base);
    unit(cx, "floor", &mut m.floor);
    unit(cx, "unresolved_factor", &mut m.unresolved_factor);
    unit(cx, "failed_bot_factor", &mut m.failed_bot_factor);
    unit(cx, "repeat_factor", &mut m.repeat_factor);
    unit(cx, "bot_contained", &mut m.bot_contained);
    unit(cx, "survey_response", &mut m.survey_response);
    unit(cx, "promoters_if_satisfied", &mut m.promoters_if_satisfied);
    unit(
        cx,
        "detractors_if_dissatisfied",
        &mut m.detractors_if_dissatisfied,
    );
    if let Some((x, _)) = cx.num(
        t,
        "steepness",
        ctx,
        Bounds::new(0.0, true, 50.0),
        "how sharply satisfaction drops around the tolerance, e.g. 3",
    ) {
        m.steepness = x;
    }
    m
}
