//! `[volume]`: contacts a day, weekday weights, the intraday profile (one for every day or per
//! weekday), the random day factor and a monthly growth trend.

use std::ops::Range;

use toml::de::DeValue;

use super::calendar::{intraday, intraday_value};
use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::diagnostic::Diagnostic;
use crate::duration::WEEKDAYS;

/// The `[volume]` section as read.
pub(super) struct Volume {
    /// Contacts on a day of weight 1, with where it is written.
    pub(super) per_day: Option<(f64, Range<usize>)>,
    /// Monday first.
    pub(super) weekday: [f64; 7],
    /// The intraday profile of every weekday without its own.
    pub(super) intraday_default: Vec<f64>,
    /// Weekdays' own intraday profiles.
    pub(super) intraday_weekday: [Option<Vec<f64>>; 7],
    pub(super) day_cv: f64,
    pub(super) growth_per_month: f64,
    /// `forecast`: a forecast file, with where it is written.
    pub(super) forecast: Option<(String, Range<usize>)>,
}

/// Reads `[volume]`.
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>) -> Volume {
    let mut vol = Volume {
        per_day: None,
        weekday: [1.0; 7],
        intraday_default: vec![1.0 / 24.0; 24],
        intraday_weekday: Default::default(),
        day_cv: 0.0,
        growth_per_month: 0.0,
        forecast: None,
    };
    let Some(v) = doc.get("volume") else {
        cx.diags.push(
            Diagnostic::error("the scenario has no [volume] section", Some(0..0))
                .help("add [volume] with per_day = the mean number of contacts a day"),
        );
        return vol;
    };
    let Some(t) = cx.table(v, "volume") else {
        return vol;
    };
    let ctx = "[volume]";
    cx.check_keys(t, keys::VOLUME, ctx);
    if let Some((f, span)) = cx.string(t, "forecast", ctx, "\"forecast/forecast.csv\"") {
        vol.forecast = Some((f.to_string(), span));
        // The forecast gives volume, weekdays, profile, spread and trend: no other key of
        // [volume] may be set beside it (a key added to the section later included).
        for key in keys::VOLUME.iter().filter(|k| **k != "forecast") {
            if let Some(v) = t.get(*key) {
                cx.err(
                    format!("`{key}` is not used with a forecast"),
                    span_of(v),
                    "the forecast gives each date's volume, profile and spread: remove this key, or remove `forecast`",
                );
            }
        }
        return vol;
    }
    vol.per_day = cx.num(
        t,
        "per_day",
        ctx,
        Bounds::new(0.0, true, 1e9),
        "a scenario needs contacts: give the mean number a day, e.g. per_day = 1200",
    );
    let from_customers = doc
        .get("customers")
        .and_then(|c| c.get_ref().as_table())
        .is_some_and(|c| c.contains_key("contacts_per_month"));
    if from_customers {
        if let Some(pv) = t.get("per_day") {
            cx.err(
                "give either `per_day` in [volume] or `contacts_per_month` in [customers], not both",
                span_of(pv),
                "with a customer base, volume follows the customers: remove per_day",
            );
        }
    } else if vol.per_day.is_none() && !t.contains_key("per_day") {
        cx.err(
            "[volume] needs `per_day`",
            span_of(v),
            "add the mean number of contacts a day, e.g. per_day = 1200",
        );
    }
    if let Some(wv) = t.get("weekday")
        && let Some(w) = weekday_weights(cx, wv)
    {
        vol.weekday = w;
    }
    if let Some(w) = intraday(cx, t, ctx) {
        vol.intraday_default = w;
    }
    if let Some(wv) = t.get("weekday_intraday") {
        match wv.get_ref() {
            DeValue::Table(wt) => {
                let wctx = "`weekday_intraday` of [volume]";
                cx.check_keys(wt, &WEEKDAYS, wctx);
                for (i, d) in WEEKDAYS.iter().enumerate() {
                    if let Some(dv) = wt.get(*d) {
                        vol.intraday_weekday[i] =
                            intraday_value(cx, dv, &format!("`{d}` of {wctx}"));
                    }
                }
            }
            other => cx.err(
                format!(
                    "`weekday_intraday` in [volume] must be a table of profiles, not {}",
                    type_name(other)
                ),
                span_of(wv),
                "write e.g. weekday_intraday = { fri = \"business-hours\" }",
            ),
        }
    }
    if let Some((c, _)) = cx.num(
        t,
        "day_cv",
        ctx,
        Bounds::new(0.0, false, 5.0),
        "day_cv is the day-to-day variation of volume, e.g. 0.1 for ±10%",
    ) {
        vol.day_cv = c;
    }
    if let Some((g, _)) = cx.num(
        t,
        "growth_per_month",
        ctx,
        Bounds::new(-0.5, false, 1.0),
        "growth_per_month is a share per month, e.g. 0.02 for +2% a month or -0.01 for a 1% decline",
    ) {
        vol.growth_per_month = g;
    }
    vol
}

/// `weekday = { mon = 1.2, … }`: seven weights, not all zero.
fn weekday_weights(cx: &mut Cx, wv: &Value<'_>) -> Option<[f64; 7]> {
    match wv.get_ref() {
        DeValue::Table(wt) => {
            cx.check_keys(wt, &WEEKDAYS, "`weekday` of [volume]");
            let mut w = [0.0; 7];
            let mut all = true;
            let mut missing = Vec::new();
            for (i, d) in WEEKDAYS.iter().enumerate() {
                match cx.num(wt, d, "`weekday` of [volume]", Bounds::new(0.0, false, 1e6), "weekday weights are relative volumes and cannot be negative") {
                    Some((x, _)) => w[i] = x,
                    None if wt.contains_key(*d) => all = false,
                    None => missing.push(*d),
                }
            }
            if !missing.is_empty() {
                all = false;
                cx.err(
                    format!("`weekday` in [volume] has no weight for {}", missing.join(", ")),
                    span_of(wv),
                    "give all seven days, e.g. { mon = 1.2, tue = 1.1, wed = 1, thu = 1, fri = 0.9, sat = 0.5, sun = 0.3 }; 0 closes a day",
                );
            }
            let mean = w.iter().sum::<f64>() / 7.0;
            if all && mean > 0.0 {
                return Some(w);
            } else if all {
                cx.err("the weekday weights are all zero", span_of(wv), "at least one day must receive contacts");
            }
        }
        other => cx.err(
            format!("`weekday` in [volume] must be a table of weights, not {}", type_name(other)),
            span_of(wv),
            "write weekday = { mon = 1.2, tue = 1.1, wed = 1, thu = 1, fri = 0.9, sat = 0.5, sun = 0.3 }",
        ),
    }
    None
}
