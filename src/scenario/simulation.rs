//! `[simulation]`: the run's name, horizon, warm-up, reporting interval, replications, seed
//! and the weekday of day 0.

use std::ops::Range;

use toml::de::DeValue;

use super::calendar::weekday_index;
use super::keys;
use super::reader::{Cx, Table, Value, span_of};
use crate::diagnostic::Diagnostic;
use crate::duration::{DAY, parse_duration};

/// The `[simulation]` section as read.
pub(super) struct Simulation {
    pub(super) name: String,
    /// Days simulated, with where they are written; `None` when missing or wrong.
    pub(super) days: Option<(i64, Range<usize>)>,
    pub(super) warmup_days: u32,
    /// Seconds.
    pub(super) interval: f64,
    pub(super) replications: u32,
    pub(super) seed: u64,
    /// Monday 0.
    pub(super) start_weekday: usize,
    /// The date of day 0, with where it is written.
    pub(super) start_date: Option<(chrono::NaiveDate, Range<usize>)>,
}

/// Reads `[simulation]`; `default_name` names the scenario when the section does not.
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>, default_name: &str) -> Simulation {
    let mut sim = Simulation {
        name: default_name.to_string(),
        days: None,
        warmup_days: 0,
        interval: 1800.0,
        replications: 10,
        seed: 1,
        start_weekday: 0,
        start_date: None,
    };
    let Some(v) = doc.get("simulation") else {
        cx.diags.push(
            Diagnostic::error("the scenario has no [simulation] section", Some(0..0))
                .help("add [simulation] with at least days = 7"),
        );
        return sim;
    };
    let Some(t) = cx.table(v, "simulation") else {
        return sim;
    };
    let ctx = "[simulation]";
    cx.check_keys(t, keys::SIMULATION, ctx);
    if let Some((n, _)) = cx.string(t, "name", ctx, "\"my support desk\"") {
        sim.name = n.to_string();
    }
    sim.days = horizon(cx, v, t, ctx);
    if let Some((w, span)) = cx.int(
        t,
        "warmup_days",
        ctx,
        0,
        36_600,
        "warm-up days cannot be negative; 0 starts statistics at once",
    ) {
        if let Some((d, _)) = sim.days
            && w >= d
        {
            cx.err(
                format!("`warmup_days` ({w}) must be fewer than `days` ({d})"),
                span,
                "statistics are collected after the warm-up; leave at least one day",
            );
        }
        sim.warmup_days = w as u32;
    }
    if let Some((i, span)) = cx.duration(t, "interval", ctx, "\"30m\"") {
        if [900.0, 1800.0, 3600.0].contains(&i) {
            sim.interval = i;
        } else {
            cx.err(
                "`interval` must be 15, 30 or 60 minutes",
                span,
                "write interval = \"15m\", \"30m\" or \"1h\"",
            );
        }
    }
    if let Some((r, _)) = cx.int(
        t,
        "replications",
        ctx,
        1,
        100_000,
        "run at least one replication; 10 or more give useful intervals",
    ) {
        sim.replications = r as u32;
    }
    if let Some((s, _)) = cx.int(
        t,
        "seed",
        ctx,
        0,
        i64::MAX,
        "the seed is any whole number from 0 up",
    ) {
        sim.seed = s as u64;
    }
    if let Some((wd, span)) = cx.string(t, "start_weekday", ctx, "\"mon\"") {
        match weekday_index(wd) {
            Some(i) => sim.start_weekday = i,
            None => cx.err(
                format!("`{wd}` is not a weekday"),
                span,
                "write one of mon, tue, wed, thu, fri, sat, sun",
            ),
        }
    }
    start_date(cx, t, ctx, &mut sim);
    sim
}

/// `start_date = "2003-10-27"`: the date of day 0, which sets its weekday.
fn start_date(cx: &mut Cx, t: &Table<'_>, ctx: &str, sim: &mut Simulation) {
    let Some((text, span)) = cx.string(t, "start_date", ctx, "\"2024-03-04\"") else {
        return;
    };
    let Ok(date) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") else {
        cx.err(
            format!("`{text}` is not a date"),
            span,
            "write the date of the first day as YYYY-MM-DD, e.g. start_date = \"2024-03-04\"",
        );
        return;
    };
    let weekday = chrono::Datelike::weekday(&date).num_days_from_monday() as usize;
    if t.contains_key("start_weekday") && weekday != sim.start_weekday {
        cx.err(
            format!(
                "start_date {date} is a {}, but start_weekday says {}",
                crate::duration::WEEKDAYS[weekday],
                crate::duration::WEEKDAYS[sim.start_weekday]
            ),
            span.clone(),
            "remove start_weekday: the date sets the weekday",
        );
    }
    sim.start_weekday = weekday;
    sim.start_date = Some((date, span));
}

/// `days`: whole days, at least one.
fn horizon(cx: &mut Cx, v: &Value<'_>, t: &Table<'_>, ctx: &str) -> Option<(i64, Range<usize>)> {
    // A horizon written as a duration: say plainly that runs are whole days.
    let sub_day = t.get("days").and_then(|d| match d.get_ref() {
        DeValue::String(text) => parse_duration(text)
            .ok()
            .filter(|x| *x < DAY)
            .map(|_| (text.to_string(), span_of(d))),
        _ => None,
    });
    if let Some((text, span)) = &sub_day {
        cx.err(
            format!("`days` in [simulation] is \"{text}\": a run covers whole days"),
            span.clone(),
            "simulate one day (days = 1) and read the figures of the interval you want; intervals can be 15m",
        );
    }
    let days = if sub_day.is_some() {
        None
    } else {
        cx.int(
            t,
            "days",
            ctx,
            1,
            36_600,
            "simulate at least one day, e.g. days = 7",
        )
    };
    if days.is_none() && !t.contains_key("days") {
        cx.err(
            "[simulation] needs `days`",
            span_of(v),
            "add e.g. days = 7 to simulate a week",
        );
    }
    days
}
