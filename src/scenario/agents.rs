//! `[[agents]]`: agent groups with their channels, skills and proficiencies, chat concurrency,
//! shifts (or around the clock), shrinkage and absence, tier and cost.

use std::collections::BTreeSet;

use toml::de::DeValue;

use super::calendar::shift;
use super::channels::{Names, RawChannel};
use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::diagnostic::Diagnostic;
use crate::model::{ChannelKind, Group, Shift, Topic};

/// What a group's channels and skills are resolved against.
pub(super) struct Refs<'a> {
    pub(super) channels: &'a [RawChannel],
    pub(super) names: &'a Names,
    pub(super) topics: &'a [Topic],
    pub(super) skill_names: &'a BTreeSet<String>,
}

/// Reads `[[agents]]`: the groups with their places in the file.
pub(super) fn read(
    cx: &mut Cx,
    doc: &Table<'_>,
    r: &Refs<'_>,
) -> (Vec<Group>, Vec<std::ops::Range<usize>>) {
    let mut groups = Vec::new();
    let mut spans = Vec::new();
    let Some(v) = doc.get("agents") else {
        cx.diags.push(
            Diagnostic::error("the scenario has no agents", Some(0..0))
                .help("add an [[agents]] group with name, count and channels"),
        );
        return (groups, spans);
    };
    match v.get_ref() {
        DeValue::Array(items) if !items.is_empty() => {
            let mut seen = BTreeSet::new();
            let hired = super::hires::group_names(doc);
            for (i, item) in items.iter().enumerate() {
                if let Some(g) = read_one(cx, item, i, r, &mut seen, &hired) {
                    groups.push(g);
                    spans.push(span_of(item));
                }
            }
            super::absence::shared_alone(cx, items, &groups);
        }
        DeValue::Array(_) => cx.err(
            "`agents` is empty",
            span_of(v),
            "add at least one [[agents]] group",
        ),
        other => cx.err(
            format!(
                "`agents` must be a list of [[agents]] groups, not {}",
                type_name(other)
            ),
            span_of(v),
            "write each group as an [[agents]] section with name, count and channels",
        ),
    }
    (groups, spans)
}

/// Group `i`.
fn read_one(
    cx: &mut Cx,
    item: &Value<'_>,
    i: usize,
    r: &Refs<'_>,
    seen: &mut BTreeSet<String>,
    hired: &[String],
) -> Option<Group> {
    let ctx0 = format!("agent group {}", i + 1);
    let t = cx.table(item, "[[agents]]")?;
    let gname = cx
        .string(t, "name", &ctx0, "\"tier1\"")
        .map(|x| x.0.to_string());
    let ctx = gname
        .as_ref()
        .map_or(ctx0.clone(), |n| format!("agent group `{n}`"));
    cx.check_keys(t, keys::AGENT_GROUP, &ctx);
    if gname.is_none() && !t.contains_key("name") {
        cx.err(
            format!("{ctx0} needs a `name`"),
            span_of(item),
            "add name = \"tier1\"",
        );
    }
    if let Some(n) = &gname
        && !seen.insert(n.clone())
    {
        cx.err(
            format!("agent group `{n}` is defined twice"),
            span_of(item),
            "give each group its own name",
        );
    }
    // A new team that only hiring classes fill may start empty.
    let filled = gname.as_ref().is_some_and(|n| hired.contains(n));
    let count = cx.int(
        t,
        "count",
        &ctx,
        i64::from(!filled),
        1_000_000,
        "a group needs agents: give at least 1, or remove the group",
    );
    let chans = works(cx, t, item, &ctx, r);
    let channel_rank = channel_order(cx, t, &ctx, r, &chans);
    let prof = skills(cx, t, &ctx, r);
    let concurrency = cx
        .int(
            t,
            "concurrency",
            &ctx,
            1,
            50,
            "concurrency is the number of chats an agent holds at once, at least 1",
        )
        .map(|x| x.0 as u32);
    let chat_conc = r
        .channels
        .iter()
        .zip(&chans)
        .filter(|(c, on)| **on && c.kind == Some(ChannelKind::Chat))
        .map(|(c, _)| c.concurrency)
        .max();
    let planned_read = cx.num(
        t,
        "planned_shrinkage",
        &ctx,
        Bounds::new(0.0, false, 0.95),
        "the share of scheduled time off the phones, e.g. 0.15 for 15%",
    );
    let planned = planned_read.as_ref().map_or(0.0, |x| x.0);
    let away = super::absence::away(cx, t, &ctx);
    let attrition = away.attrition;
    let tier = cx
        .int(
            t,
            "tier",
            &ctx,
            1,
            2,
            "tier 1 takes new contacts; tier 2 takes what tier 1 escalates",
        )
        .map_or(1, |x| x.0 as u8);
    let (cost_per_hour, billed_by_handle_time) = cost(cx, t, &ctx);
    let shifts = shifts(cx, t, item, &ctx, count.as_ref().map(|c| c.0 as u32));
    shrinkage_beside_breaks(cx, planned_read, &shifts, &ctx);
    super::absence::weekend_unused(cx, t, &shifts, &ctx);
    let rules = super::rules::read(cx, t, &ctx);
    let (ramp_up, ramp_by_topic) = super::ramp::read(cx, t, &ctx, r.topics, &prof);
    let sweep_days = sweep_days(cx, t, &ctx, r, &chans);
    Some(Group {
        name: gname.unwrap_or_else(|| format!("group{}", i + 1)),
        channels: chans,
        channel_rank,
        proficiency: prof,
        concurrency: concurrency.or(chat_conc).unwrap_or(1),
        around_the_clock: if t.contains_key("shifts") {
            0
        } else {
            count.map_or(0, |c| c.0 as u32)
        },
        shifts,
        planned_shrinkage: planned,
        absence: away.weekday.0,
        absence_sd: away.weekday.1,
        weekend_absence: away.weekend.0,
        weekend_absence_sd: away.weekend.1,
        absence_shared: away.shared.0,
        weekend_absence_shared: away.shared.1,
        sweep_days,
        attrition,
        ramp_up,
        ramp_by_topic,
        burnout: super::burnout::read(cx, t, &ctx, attrition),
        tier,
        cost_per_hour,
        billed_by_handle_time,
        rules,
    })
}

/// `sweep_days`: the share of an agent's working days taken oldest first; a warning when every
/// channel the group works is taken oldest first anyway.
fn sweep_days(cx: &mut Cx, t: &Table<'_>, ctx: &str, r: &Refs<'_>, works: &[bool]) -> f64 {
    let Some((share, span)) = cx.num(
        t,
        "sweep_days",
        ctx,
        Bounds::new(0.0, false, 1.0),
        "the share of an agent's working days spent taking tickets oldest first, e.g. 0.03",
    ) else {
        return 0.0;
    };
    let reordered = r
        .channels
        .iter()
        .zip(works)
        .any(|(c, on)| *on && c.order != crate::model::PickOrder::OldestFirst);
    if share > 0.0 && !reordered {
        cx.warn(
            format!("`sweep_days` of {ctx} has no effect: every channel the group works is taken oldest first already"),
            span,
            "leave `sweep_days` out, or give a channel the group works `queue_order = \"newest_first\"` or \"random\"",
        );
    }
    share
}

/// Warns when a group's `planned_shrinkage` meets shifts with breaks at set times, which take
/// no random block of it.
fn shrinkage_beside_breaks(
    cx: &mut Cx,
    planned: Option<(f64, std::ops::Range<usize>)>,
    shifts: &[Shift],
    ctx: &str,
) {
    if let Some((p, span)) = planned.filter(|p| p.0 > 0.0) {
        let with_breaks = shifts.iter().filter(|s| !s.breaks.is_empty()).count();
        if with_breaks > 0 {
            let (what, fix) = if with_breaks == shifts.len() {
                (
                    "has no effect: every shift of the group has breaks at set times",
                    "remove it: the breaks are the shifts' time off the floor",
                )
            } else {
                (
                    "applies only to the group's shifts without breaks",
                    "give every shift its breaks, or none",
                )
            };
            cx.warn(
                format!("`planned_shrinkage = {p}` of {ctx} {what}"),
                span,
                fix,
            );
        }
    }
}

/// `cost_per_hour` and `cost_basis`: what an agent-hour costs, and whether the group is paid
/// for hours on shift (`false`) or hours busy on contacts (`true`).
fn cost(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> (f64, bool) {
    let cost_per_hour = cx
        .num(
            t,
            "cost_per_hour",
            ctx,
            Bounds::new(0.0, false, 1e6),
            "the cost of an agent-hour on shift, e.g. 32",
        )
        .map_or(0.0, |x| x.0);
    let billed_by_handle_time = match cx.string(t, "cost_basis", ctx, "\"scheduled\"") {
        None | Some(("scheduled", _)) => false,
        Some(("handled", _)) => true,
        Some((other, span)) => {
            cx.err(
                format!("unknown cost basis `{other}` in {ctx}"),
                span,
                "use \"scheduled\" (paid for every hour on shift) or \"handled\" (paid for time on contacts, as outsourcers often bill)",
            );
            false
        }
    };
    (cost_per_hour, billed_by_handle_time)
}

/// `channels`: the channels the group works.
fn works(cx: &mut Cx, t: &Table<'_>, item: &Value<'_>, ctx: &str, r: &Refs<'_>) -> Vec<bool> {
    let mut chans = vec![false; r.names.0.len()];
    match t.get("channels") {
        None => cx.err(
            format!("{ctx} needs `channels`"),
            span_of(item),
            format!(
                "list the channels it works, e.g. channels = [\"{}\"]",
                r.names.0.first().map_or("phone", |s| s.as_str())
            ),
        ),
        Some(cv) => match cv.get_ref() {
            DeValue::Array(list) => {
                if list.is_empty() {
                    cx.err(
                        format!("{ctx} works no channel"),
                        span_of(cv),
                        "list at least one channel",
                    );
                }
                for c in list.iter() {
                    if let Some(cn) = cx.string_value(c, "channels", ctx, "[\"phone\"]") {
                        match r.names.index(cn) {
                            Some(ci) => chans[ci] = true,
                            None => r.names.unknown(cx, cn, span_of(c), ctx),
                        }
                    }
                }
            }
            other => cx.err(
                format!(
                    "`channels` of {ctx} must be a list of channel names, not {}",
                    type_name(other)
                ),
                span_of(cv),
                "write e.g. channels = [\"phone\", \"email\"]",
            ),
        },
    }
    chans
}

/// `channel_order`: the rank of each channel (0 first) for an agent who frees up; channels the
/// group works but does not list come after the listed ones. All 0 without it.
fn channel_order(cx: &mut Cx, t: &Table<'_>, ctx: &str, r: &Refs<'_>, works: &[bool]) -> Vec<u32> {
    let mut rank = vec![0u32; works.len()];
    let Some(v) = t.get("channel_order") else {
        return rank;
    };
    let DeValue::Array(list) = v.get_ref() else {
        cx.err(
            format!(
                "`channel_order` of {ctx} must be a list of channel names, not {}",
                type_name(v.get_ref())
            ),
            span_of(v),
            "write e.g. channel_order = [\"phone\", \"chat\"]: phone first",
        );
        return rank;
    };
    let mut listed: Vec<usize> = Vec::new();
    for c in list.iter() {
        let Some(name) = cx.string_value(c, "channel_order", ctx, "[\"phone\", \"chat\"]") else {
            continue;
        };
        match r.names.index(name) {
            None => r.names.unknown(cx, name, span_of(c), ctx),
            Some(ci) if !works[ci] => cx.err(
                format!(
                    "`channel_order` of {ctx} lists `{name}`, a channel the group does not work"
                ),
                span_of(c),
                format!("add \"{name}\" to its `channels`, or remove it from `channel_order`"),
            ),
            Some(ci) if listed.contains(&ci) => cx.err(
                format!("`channel_order` of {ctx} lists `{name}` twice"),
                span_of(c),
                "list each channel once, the one to serve first at the front",
            ),
            Some(ci) => listed.push(ci),
        }
    }
    if works.iter().filter(|w| **w).count() < 2 {
        cx.warn(
            format!("`channel_order` of {ctx} has no effect: the group works one channel"),
            span_of(v),
            "remove it, or add the channels it should order to `channels`",
        );
    }
    let last = listed.len() as u32;
    for (ci, r) in rank.iter_mut().enumerate() {
        *r = listed
            .iter()
            .position(|x| *x == ci)
            .map_or(last, |p| p as u32);
    }
    rank
}

/// `skills`: proficiency per topic (every topic at 1 without it; none without the skill).
fn skills(cx: &mut Cx, t: &Table<'_>, ctx: &str, r: &Refs<'_>) -> Vec<Option<f64>> {
    let mut prof: Vec<Option<f64>> = vec![Some(1.0); r.topics.len()];
    if let Some(sv) = t.get("skills") {
        match sv.get_ref() {
            DeValue::Table(st) => {
                prof = vec![None; r.topics.len()];
                for (sk, sval) in st.iter() {
                    let sn: &str = sk.get_ref();
                    let p = cx.num_value(
                        sval,
                        sn,
                        &format!("`skills` of {ctx}"),
                        Bounds::new(0.0, true, 2.0),
                        "proficiency 1 is fully trained; 0.5 takes twice as long",
                    );
                    if !r.skill_names.contains(sn) {
                        let best = r
                            .skill_names
                            .iter()
                            .map(|a| (strsim::jaro_winkler(sn, a), a))
                            .max_by(|x, y| x.0.total_cmp(&y.0));
                        let names: Vec<&str> = r.skill_names.iter().map(|s| s.as_str()).collect();
                        let help = match best {
                            Some((s, a)) if s > 0.7 => format!(
                                "did you mean `{a}`? skills used by topics are: {}",
                                names.join(", ")
                            ),
                            _ => format!("skills used by topics are: {}", names.join(", ")),
                        };
                        cx.err(
                            format!("{ctx} has skill `{sn}`, which no topic needs"),
                            sk.span(),
                            help,
                        );
                    }
                    for (ti, topic) in r.topics.iter().enumerate() {
                        if topic.skill == sn {
                            prof[ti] = p;
                        }
                    }
                }
            }
            other => cx.err(
                format!(
                    "`skills` of {ctx} must be a table of proficiencies, not {}",
                    type_name(other)
                ),
                span_of(sv),
                "write e.g. skills = { billing = 1.0, technical = 0.7 }",
            ),
        }
    }
    prof
}

/// `shifts`: the group's shift patterns (`count` agents each unless a shift says otherwise).
fn shifts(
    cx: &mut Cx,
    t: &Table<'_>,
    item: &Value<'_>,
    ctx: &str,
    count: Option<u32>,
) -> Vec<Shift> {
    let mut shifts = Vec::new();
    if let Some(sv) = t.get("shifts") {
        match sv.get_ref() {
        DeValue::Array(list) if !list.is_empty() => {
            for (si, s) in list.iter().enumerate() {
                let sctx = format!("shift {} of {ctx}", si + 1);
                if let Some(shift) = shift(cx, s, &sctx, count) {
                    shifts.push(shift);
                }
            }
        }
        DeValue::Array(_) => cx.err(format!("`shifts` of {ctx} is empty"), span_of(sv), "remove it for agents working around the clock, or add shifts"),
        other => cx.err(
            format!("`shifts` of {ctx} must be a list of shifts, not {}", type_name(other)),
            span_of(sv),
            "write e.g. shifts = [{ days = \"weekdays\", start = \"08:00\", end = \"16:30\", count = 5 }]",
        ),
    }
    } else if count.is_none() && !t.contains_key("count") {
        cx.err(
            format!("{ctx} needs `count`"),
            span_of(item),
            "give the number of agents, e.g. count = 10",
        );
    }
    shifts
}
