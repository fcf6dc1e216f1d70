//! `[[topics]]`: contact reasons with their share, priority, skill, handle time, patience,
//! channel mix, first-contact resolution, bot containment, deflection and escalation.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::de::DeValue;

use super::channels::Names;
use super::keys;
use super::reader::{Bounds, Cx, Table, Value, round6, span_of, type_name};
use crate::model::Topic;

/// The topics as read, with their places in the file (empty for the implicit single topic) and
/// whether each has its own channel mix.
pub(super) struct Topics {
    pub(super) topics: Vec<Topic>,
    pub(super) spans: Vec<Range<usize>>,
    pub(super) have_mix: Vec<bool>,
}

/// What the topics read so far add up to.
struct Seen {
    share_sum: f64,
    all_shares: bool,
    seen: BTreeSet<String>,
}

/// Reads `[[topics]]`; without it, one topic takes every contact in the channels' shares.
/// Containment and deflection not given are NaN, filled in from `[automation]` and
/// `[knowledge_base]` later.
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>, channel_share: &[f64], names: &Names) -> Topics {
    let mut out = Topics {
        topics: Vec::new(),
        spans: Vec::new(),
        have_mix: Vec::new(),
    };
    let Some(v) = doc.get("topics") else {
        out.topics.push(single(channel_share));
        out.spans.push(0..0);
        out.have_mix.push(false);
        return out;
    };
    match v.get_ref() {
        DeValue::Array(items) if items.len() > usize::from(u16::MAX) => cx.err(
            format!("{} topics: at most {} are supported", items.len(), u16::MAX),
            span_of(v),
            "pool the small contact reasons into fewer topics",
        ),
        DeValue::Array(items) if !items.is_empty() => {
            let n = items.len();
            let mut acc = Seen {
                share_sum: 0.0,
                all_shares: true,
                seen: BTreeSet::new(),
            };
            for (i, item) in items.iter().enumerate() {
                if let Some((topic, has_mix)) =
                    read_one(cx, item, i, n, channel_share, names, &mut acc)
                {
                    out.topics.push(topic);
                    out.spans.push(span_of(item));
                    out.have_mix.push(has_mix);
                }
            }
            super::reassign::read(cx, items, &mut out.topics);
            let (all_shares, share_sum) = (acc.all_shares, acc.share_sum);
            if all_shares && (share_sum - 1.0).abs() > 1e-6 {
                cx.err(
                    format!("the topic shares add up to {}, not 1", round6(share_sum)),
                    span_of(v),
                    "shares are fractions of all contacts: make them add up to 1",
                );
            }
        }
        DeValue::Array(_) => cx.err(
            "`topics` is empty",
            span_of(v),
            "remove it for a single topic, or add [[topics]] entries",
        ),
        other => cx.err(
            format!(
                "`topics` must be a list of [[topics]] entries, not {}",
                type_name(other)
            ),
            span_of(v),
            "write each topic as a [[topics]] section with name and share",
        ),
    }
    out
}

/// The one topic of a scenario without `[[topics]]`.
fn single(channel_share: &[f64]) -> Topic {
    Topic {
        name: "all".into(),
        share: 1.0,
        priority: 1,
        skill: "all".into(),
        handle_time_factor: 1.0,
        handle_time: None,
        patience: None,
        answer_within: None,
        resolve_within: None,
        channel_mix: channel_share.to_vec(),
        fcr: None,
        containment: f64::NAN,
        kb_deflection: f64::NAN,
        escalation: 0.0,
        reassign: None,
    }
}

/// Topic `i` of `n`, and whether it has its own channel mix.
fn read_one(
    cx: &mut Cx,
    item: &Value<'_>,
    i: usize,
    n: usize,
    channel_share: &[f64],
    names: &Names,
    acc: &mut Seen,
) -> Option<(Topic, bool)> {
    let nch = channel_share.len();
    let ctx0 = format!("topic {}", i + 1);
    let t = cx.table(item, "[[topics]]")?;
    let tname = cx
        .string(t, "name", &ctx0, "\"billing\"")
        .map(|x| x.0.to_string());
    let ctx = tname
        .as_ref()
        .map_or(ctx0.clone(), |n| format!("topic `{n}`"));
    cx.check_keys(t, keys::TOPIC, &ctx);
    if tname.is_none() && !t.contains_key("name") {
        cx.err(
            format!("{ctx0} needs a `name`"),
            span_of(item),
            "add name = \"billing\" (the contact reason)",
        );
    }
    if let Some(n) = &tname
        && !acc.seen.insert(n.clone())
    {
        cx.err(
            format!("topic `{n}` is defined twice"),
            span_of(item),
            "give each topic its own name",
        );
    }
    let share = cx.num(
        t,
        "share",
        &ctx,
        Bounds::new(0.0, false, 1.0),
        "a share is a fraction of all contacts, between 0 and 1",
    );
    match &share {
        Some((s, _)) => acc.share_sum += s,
        None => {
            if !t.contains_key("share") && n > 1 {
                cx.err(
                    format!("{ctx} needs `share`"),
                    span_of(item),
                    "give the fraction of contacts about this topic, e.g. share = 0.25",
                );
            }
            acc.all_shares = false;
        }
    }
    let priority = cx
        .int(
            t,
            "priority",
            &ctx,
            1,
            1000,
            "priority 1 is the most urgent; 2, 3… come after",
        )
        .map_or(1, |x| x.0 as u32);
    let skill = cx
        .string(t, "skill", &ctx, "\"billing\"")
        .map(|x| x.0.to_string());
    let factor = cx
        .num(
            t,
            "handle_time_factor",
            &ctx,
            Bounds::new(0.0, true, 100.0),
            "1 is the channel's handle time; 1.5 is half as long again",
        )
        .map_or(1.0, |x| x.0);
    let topic_handle = cx.dist(t, "handle_time", &ctx);
    let topic_patience = cx.dist(t, "patience", &ctx);
    // A duration is always longer than zero.
    let answer_within = cx.duration(t, "answer_within", &ctx, "\"4h\"").map(|x| x.0);
    let resolve_within = cx
        .duration(t, "resolve_within", &ctx, "\"3d\"")
        .map(|x| x.0);
    if let (Some(a), Some(_)) = (t.get("handle_time_factor"), &topic_handle) {
        cx.err(
            format!("{ctx} has both `handle_time` and `handle_time_factor`"),
            span_of(a),
            "give the topic's own handle_time, or a factor on the channel's, not both",
        );
    }
    let own_mix = t
        .get("channels")
        .and_then(|mv| channel_mix(cx, mv, &ctx, names, nch));
    let has_mix = own_mix.is_some();
    let mix = own_mix.unwrap_or_else(|| channel_share.to_vec());
    let (fcr, containment, kb_deflection, escalation) = outcomes(cx, t, &ctx);
    let name = tname.unwrap_or_else(|| format!("topic{}", i + 1));
    let topic = Topic {
        skill: skill.unwrap_or_else(|| name.clone()),
        name,
        share: share.map_or(if n == 1 { 1.0 } else { 0.0 }, |s| s.0),
        priority,
        handle_time_factor: factor,
        handle_time: topic_handle,
        patience: topic_patience,
        answer_within,
        resolve_within,
        channel_mix: mix,
        fcr,
        containment,
        kb_deflection,
        escalation,
        reassign: None,
    };
    Some((topic, has_mix))
}

/// What happens to the topic's contacts, each a share from 0 to 1: first-contact resolution,
/// bot containment and knowledge-base deflection (NaN when not given: they are filled from
/// `[automation]` and `[knowledge_base]`), and escalation to tier 2.
fn outcomes(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> (Option<f64>, f64, f64, f64) {
    let unit = |cx: &mut Cx, key: &str, why: &str| {
        cx.num(t, key, ctx, Bounds::new(0.0, false, 1.0), why)
            .map(|x| x.0)
    };
    let fcr = unit(
        cx,
        "fcr",
        "first-contact resolution is a probability, e.g. fcr = 0.75",
    );
    // NaN marks "not given": filled from [automation] / [knowledge_base] below.
    let containment = unit(
        cx,
        "containment",
        "containment is the share the bot resolves, e.g. 0.3",
    )
    .unwrap_or(f64::NAN);
    let kb_deflection = unit(
        cx,
        "kb_deflection",
        "the share the knowledge base answers, e.g. 0.05",
    )
    .unwrap_or(f64::NAN);
    let escalation = unit(
        cx,
        "escalation",
        "the share of unresolved contacts sent to tier 2, e.g. 0.3",
    )
    .unwrap_or(0.0);
    (fcr, containment, kb_deflection, escalation)
}

/// A topic's own `channels = { phone = 0.7, email = 0.3 }`, summing to 1.
fn channel_mix(
    cx: &mut Cx,
    mv: &Value<'_>,
    ctx: &str,
    names: &Names,
    nch: usize,
) -> Option<Vec<f64>> {
    match mv.get_ref() {
        DeValue::Table(mt) => {
            let mut mix = vec![0.0; nch];
            let mut sum = 0.0;
            for (ck, cval) in mt.iter() {
                let cn: &str = ck.get_ref();
                let x = cx.num_value(
                    cval,
                    cn,
                    &format!("`channels` of {ctx}"),
                    Bounds::new(0.0, false, 1.0),
                    "a share is a fraction between 0 and 1",
                );
                match names.index(cn) {
                    Some(ci) => {
                        if let Some(x) = x {
                            mix[ci] = x;
                            sum += x;
                        }
                    }
                    None => names.unknown(cx, cn, ck.span(), &format!("`channels` of {ctx}")),
                }
            }
            if (sum - 1.0).abs() > 1e-6 && !mt.is_empty() {
                cx.err(
                    format!("the channel shares of {ctx} add up to {}, not 1", round6(sum)),
                    span_of(mv),
                    "they are the fractions of this topic's contacts on each channel: make them add up to 1",
                );
            }
            Some(mix)
        }
        other => {
            cx.err(
                format!(
                    "`channels` of {ctx} must be a table of shares, not {}",
                    type_name(other)
                ),
                span_of(mv),
                "write e.g. channels = { phone = 0.7, email = 0.3 }",
            );
            None
        }
    }
}

/// Without channel shares, a topic without its own mix has no channel to go to.
pub(super) fn check_split(
    cx: &mut Cx,
    topics: &Topics,
    nch: usize,
    shares_given: usize,
    channels_span: &Range<usize>,
) {
    let (topic_spans, topics_have_mix) = (&topics.spans, &topics.have_mix);
    if nch > 1 && shares_given == 0 {
        for (i, has) in topics_have_mix.iter().enumerate() {
            if !has {
                cx.err(
                    format!("with {nch} channels, say how contacts split between them"),
                    if topic_spans[i].is_empty() { channels_span.clone() } else { topic_spans[i].clone() },
                    "give each channel a share (e.g. share = 0.6), or each topic its own channels = { … }",
                );
                break;
            }
        }
    }
}
