//! `ramp_up` of an agent group: how its new hires come up to speed — one curve for every skill,
//! `{ from, over }`, and per skill where a topic is learnt faster or slower, `skills = { NAME =
//! { from, over } }` (either key may be left to the group's).

use std::ops::Range;

use toml::de::DeValue;

use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::model::{RampUp, Topic};

const EXAMPLE: &str = "ramp_up = { from = 0.6, over = \"12w\" }";

/// The group's ramp and, per topic, its own where `skills` gives one (`None`: the group's).
pub(super) fn read(
    cx: &mut Cx,
    t: &Table<'_>,
    ctx: &str,
    topics: &[Topic],
    proficiency: &[Option<f64>],
) -> (Option<RampUp>, Vec<Option<RampUp>>) {
    let mut by_topic = vec![None; topics.len()];
    let Some(v) = t.get("ramp_up") else {
        return (None, by_topic);
    };
    let Some(r) = ramp_table(cx, v, &format!("`ramp_up` of {ctx}")) else {
        return (None, by_topic);
    };
    let rctx = format!("`ramp_up` of {ctx}");
    cx.check_keys(r, keys::RAMP_UP, &rctx);
    let group = curve(cx, r, &rctx, None, span_of(v));
    let Some(skills) = r.get("skills") else {
        return (group, by_topic);
    };
    let DeValue::Table(st) = skills.get_ref() else {
        cx.err(
            format!(
                "`skills` of {rctx} must be a table of topics, not {}",
                type_name(skills.get_ref())
            ),
            span_of(skills),
            "write e.g. skills = { technical = { from = 0.4, over = \"26w\" } }",
        );
        return (group, by_topic);
    };
    for (name, sv) in st.iter() {
        let sctx = format!("skill `{}` of {rctx}", name.get_ref());
        let Some(i) = topics
            .iter()
            .position(|x| x.name == name.get_ref().as_ref())
        else {
            let known: Vec<&str> = topics.iter().map(|x| x.name.as_str()).collect();
            cx.err(
                format!("{sctx}: no topic is called `{}`", name.get_ref()),
                name.span(),
                format!("the topics are {}", known.join(", ")),
            );
            continue;
        };
        if proficiency.get(i).copied().flatten().is_none() {
            cx.err(
                format!("{sctx}: the group does not work topic `{}`", name.get_ref()),
                name.span(),
                "give the group the skill, or remove this ramp",
            );
            continue;
        }
        let Some(s) = ramp_table(cx, sv, &sctx) else {
            continue;
        };
        cx.check_keys(s, keys::SKILL_RAMP, &sctx);
        by_topic[i] = curve(cx, s, &sctx, group, span_of(sv));
    }
    (group, by_topic)
}

fn ramp_table<'t, 'a>(cx: &mut Cx, v: &'t Value<'a>, ctx: &str) -> Option<&'t Table<'a>> {
    match v.get_ref() {
        DeValue::Table(r) => Some(r),
        other => {
            cx.err(
                format!("{ctx} must be a table, not {}", type_name(other)),
                span_of(v),
                format!("write e.g. {EXAMPLE}"),
            );
            None
        }
    }
}

/// `from` and `over` of `r`; with a `default` (the group's curve, for a skill) either may be
/// left out.
fn curve(
    cx: &mut Cx,
    r: &Table<'_>,
    rctx: &str,
    default: Option<RampUp>,
    span: Range<usize>,
) -> Option<RampUp> {
    let from = cx
        .num(
            r,
            "from",
            rctx,
            Bounds::new(0.0, true, 1.0),
            "a new hire's proficiency on the first day on the floor, above 0, e.g. 0.6",
        )
        .map(|x| x.0)
        .or(default.map(|d| d.from));
    let over = cx
        .duration(r, "over", rctx, "\"12w\"")
        .or(default.map(|d| (d.over, span.clone())));
    match (from, over) {
        (Some(from), Some((over, _))) if over > 0.0 => Some(RampUp { from, over }),
        (Some(_), Some((_, span))) => {
            cx.err(
                format!("`over` of {rctx} must be above 0"),
                span,
                format!("write e.g. {EXAMPLE}"),
            );
            None
        }
        _ => {
            if default.is_none() && (!r.contains_key("from") || !r.contains_key("over")) {
                cx.err(
                    format!("{rctx} needs `from` and `over`"),
                    span,
                    format!("write e.g. {EXAMPLE}"),
                );
            }
            None
        }
    }
}
