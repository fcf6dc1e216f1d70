//! `[automation]` and `[knowledge_base]`: a bot answering first on some channels, with its
//! containment (rolled out over time), false containment, cost and the handicap of the
//! conversations it passes on; a knowledge base that answers would-be contacts.

use toml::de::DeValue;

use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::dist::{Dist, Family};
use crate::duration::DAY;
use crate::model::{Automation, KnowledgeBase, Ramp};

/// `[automation]`: the bot and the default containment of topics.
pub(super) fn read(
    cx: &mut Cx,
    doc: &Table<'_>,
    channel_names: &[String],
) -> Option<(Automation, f64)> {
    let v = doc.get("automation")?;
    let t = cx.table(v, "automation")?;
    let ctx = "[automation]";
    cx.check_keys(t, keys::AUTOMATION, ctx);
    let chans = bot_channels(cx, v, t, channel_names);
    let unit = |cx: &mut Cx, key: &str, why: &str| {
        cx.num(t, key, ctx, Bounds::new(0.0, false, 1.0), why)
            .map(|x| x.0)
    };
    let containment = unit(
        cx,
        "containment",
        "containment is the share of conversations the bot resolves, e.g. 0.3",
    )
    .unwrap_or(0.0);
    let false_containment = unit(
        cx,
        "false_containment",
        "the share of contained conversations that were not really resolved, e.g. 0.1",
    )
    .unwrap_or(0.0);
    let factor = |cx: &mut Cx, key: &str, why: &str| {
        cx.num(t, key, ctx, Bounds::new(0.0, true, 100.0), why)
            .map(|x| x.0)
    };
    let handle_time_factor = factor(
        cx,
        "escalation_handle_time_factor",
        "1 keeps the channel's handle time; 1.2 makes escalations 20% longer",
    )
    .unwrap_or(1.0);
    let patience_factor = factor(
        cx,
        "escalation_patience_factor",
        "1 keeps the channel's patience; 0.7 makes escalated customers 30% less patient",
    )
    .unwrap_or(1.0);
    let money = |cx: &mut Cx, key: &str| {
        cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1e12),
            "a cost cannot be negative",
        )
        .map(|x| x.0)
    };
    let cost_per_conversation = money(cx, "cost_per_conversation").unwrap_or(0.0);
    let monthly_cost = money(cx, "monthly_cost").unwrap_or(0.0);
    let bot_time = cx
        .dist(t, "bot_time", ctx)
        .or_else(|| Dist::new(Family::Exponential, 90.0, 1.0));
    let ramp = t.get("ramp").and_then(|rv| ramp(cx, rv));
    Some((
        Automation {
            channels: chans,
            bot_time: bot_time?,
            false_containment,
            handle_time_factor,
            patience_factor,
            cost_per_conversation,
            monthly_cost,
            ramp,
        },
        containment,
    ))
}

/// `channels`: the channels the bot answers first.
fn bot_channels(cx: &mut Cx, v: &Value<'_>, t: &Table<'_>, channel_names: &[String]) -> Vec<bool> {
    let ctx = "[automation]";
    let mut chans = vec![false; channel_names.len()];
    match t.get("channels") {
        None => cx.err(
            "[automation] needs `channels`",
            span_of(v),
            "list the channels the bot answers first, e.g. channels = [\"chat\"]",
        ),
        Some(cv) => match cv.get_ref() {
            DeValue::Array(list) => {
                for c in list.iter() {
                    if let Some(name) = cx.string_value(c, "channels", ctx, "[\"chat\"]") {
                        match channel_names.iter().position(|n| n == name) {
                            Some(i) => chans[i] = true,
                            None => cx.err(
                                format!(
                                    "[automation] names channel `{name}`, which is not defined"
                                ),
                                span_of(c),
                                format!("use one of: {}", channel_names.join(", ")),
                            ),
                        }
                    }
                }
            }
            other => cx.err(
                format!(
                    "`channels` of [automation] must be a list of channel names, not {}",
                    type_name(other)
                ),
                span_of(cv),
                "write e.g. channels = [\"chat\"]",
            ),
        },
    }
    chans
}

/// `ramp = { start_day, end_day, from }`: containment rising linearly between two days.
fn ramp(cx: &mut Cx, rv: &Value<'_>) -> Option<Ramp> {
    match rv.get_ref() {
        DeValue::Table(rt) => {
            let rctx = "`ramp` of [automation]";
            cx.check_keys(rt, keys::RAMP, rctx);
            let start = cx.num(
                rt,
                "start_day",
                rctx,
                Bounds::new(0.0, false, 36_600.0),
                "the day the rollout starts, e.g. 0",
            );
            let end = cx.num(
                rt,
                "end_day",
                rctx,
                Bounds::new(0.0, false, 36_600.0),
                "the day containment reaches its full level, e.g. 90",
            );
            let from = cx
                .num(
                    rt,
                    "from",
                    rctx,
                    Bounds::new(0.0, false, 1.0),
                    "the share of full containment at the start, e.g. 0",
                )
                .map_or(0.0, |x| x.0);
            match (start, end) {
                (Some((s, _)), Some((e, espan))) => {
                    if e <= s {
                        cx.err(
                            "the ramp must end after it starts",
                            espan,
                            "give an end_day later than start_day",
                        );
                        None
                    } else {
                        Some(Ramp {
                            start: s * DAY,
                            end: e * DAY,
                            from,
                        })
                    }
                }
                _ => {
                    if !rt.contains_key("start_day") || !rt.contains_key("end_day") {
                        cx.err(
                            format!("{rctx} needs `start_day` and `end_day`"),
                            span_of(rv),
                            "write e.g. ramp = { start_day = 0, end_day = 90, from = 0 }",
                        );
                    }
                    None
                }
            }
        }
        other => {
            cx.err(
                format!(
                    "`ramp` of [automation] must be a table, not {}",
                    type_name(other)
                ),
                span_of(rv),
                "write e.g. ramp = { start_day = 0, end_day = 90, from = 0 }",
            );
            None
        }
    }
}

/// `[knowledge_base]`: its cost and the default deflection of topics.
pub(super) fn knowledge_base(cx: &mut Cx, doc: &Table<'_>) -> Option<(KnowledgeBase, f64)> {
    let v = doc.get("knowledge_base")?;
    let t = cx.table(v, "knowledge_base")?;
    let ctx = "[knowledge_base]";
    cx.check_keys(t, keys::KNOWLEDGE_BASE, ctx);
    let deflection = cx
        .num(
            t,
            "deflection",
            ctx,
            Bounds::new(0.0, false, 1.0),
            "the share of would-be contacts the knowledge base answers, e.g. 0.05",
        )
        .map_or(0.0, |x| x.0);
    let monthly_cost = cx
        .num(
            t,
            "monthly_cost",
            ctx,
            Bounds::new(0.0, false, 1e12),
            "a cost cannot be negative",
        )
        .map_or(0.0, |x| x.0);
    Some((KnowledgeBase { monthly_cost }, deflection))
}
