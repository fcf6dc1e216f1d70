//! `[channels.NAME]`: each channel's kind, share, handle time, patience, answer target, queue,
//! chat concurrency, written-ticket touches, intraday profile and where repeat contacts return.

use std::ops::Range;

use super::calendar::{intraday, week_profile};
use super::keys;
use super::mixes::{self, MixRaw};
use super::reader::{Bounds, Cx, Table, Value, round6, span_of};
use super::volume::Volume;
use crate::diagnostic::Diagnostic;
use crate::dist::Dist;
use crate::duration::DAY;
use crate::model::{Channel, ChannelKind, Chase, PendingWait, PickOrder};

/// A channel as read, before names and shares are resolved.
pub(super) struct RawChannel {
    pub(super) name: String,
    pub(super) key_span: Range<usize>,
    pub(super) kind: Option<ChannelKind>,
    pub(super) share: Option<(f64, Range<usize>)>,
    pub(super) handle_time: Option<Dist>,
    pub(super) patience: Option<Dist>,
    pub(super) after_call: Option<Dist>,
    pub(super) touches: Option<(f64, Range<usize>)>,
    pub(super) reply_delay: Option<Dist>,
    pub(super) pending: Option<Vec<PendingWait>>,
    pub(super) follow_up_handle: Option<Dist>,
    pub(super) abandoned_work: Option<Dist>,
    pub(super) answer_within: Option<f64>,
    pub(super) target: Option<f64>,
    pub(super) queue_capacity: Option<u32>,
    pub(super) order: PickOrder,
    pub(super) concurrency: u32,
    pub(super) stretch: f64,
    pub(super) intraday: Option<Vec<f64>>,
    pub(super) wait_tolerance: Option<f64>,
    pub(super) repeat_raw: Option<MixRaw>,
    pub(super) chase_after: Option<Dist>,
    pub(super) chase_share: Option<f64>,
    pub(super) chase_raw: Option<MixRaw>,
}

/// The waits between touches: `touches` above 1 needs `reply_delay` or `pending` (not both);
/// either with no later touch to wait for changes nothing, and says so.
fn touch_waits(
    cx: &mut Cx,
    ct: &Table<'_>,
    ctx: &str,
    kind: Option<ChannelKind>,
    touches: Option<&(f64, Range<usize>)>,
) {
    let (reply, pending) = (ct.get("reply_delay"), ct.get("pending"));
    if let (Some(_), Some(p)) = (reply, pending) {
        cx.err(
            format!("{ctx} has both `reply_delay` and `pending`"),
            span_of(p),
            "`pending` gives each state its own delay and replaces `reply_delay`: keep one",
        );
    }
    match touches {
        Some((n, span)) if *n > 1.0 && reply.is_none() && pending.is_none() => cx.err(
            format!("{ctx} has touches = {n} but no `reply_delay` or `pending`"),
            span.clone(),
            "say how long customers take to reply between touches, e.g. reply_delay = { dist = \"lognormal\", mean = \"6h\", cv = 1.2 }",
        ),
        Some((n, _)) if *n > 1.0 => {}
        _ if kind == Some(ChannelKind::Async) => {
            if let Some(p) = pending {
                cx.warn(
                    format!("{ctx} has `pending` but one touch per ticket, so nothing ever waits between touches"),
                    span_of(p),
                    "set touches above 1 (e.g. touches = 1.6), or remove `pending`",
                );
            }
        }
        _ => {}
    }
}

/// Reads every `[channels.NAME]`, and returns them with the place of `[channels]`.
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>) -> (Vec<RawChannel>, Range<usize>) {
    let mut channels: Vec<RawChannel> = Vec::new();
    let Some(v) = doc.get("channels") else {
        cx.diags.push(
            Diagnostic::error("the scenario has no channels", Some(0..0)).help(
                "add a channel, e.g. [channels.phone] with kind = \"call\" and a handle_time",
            ),
        );
        return (channels, 0..0);
    };
    if let Some(t) = cx.table(v, "channels") {
        if t.is_empty() {
            cx.err(
                "[channels] has no channels",
                span_of(v),
                "add a channel, e.g. [channels.phone]",
            );
        }
        for (key, cv) in t.iter() {
            if let Some(c) = read_one(cx, key.get_ref(), key.span(), cv) {
                channels.push(c);
            }
        }
    }
    (channels, span_of(v))
}

/// One channel: its kind, share and the distributions of its contacts.
fn read_one(
    cx: &mut Cx,
    cname: &str,
    key_span: Range<usize>,
    cv: &Value<'_>,
) -> Option<RawChannel> {
    let ctx = format!("[channels.{cname}]");
    let ct = cx.table(cv, &format!("channels.{cname}"))?;
    cx.check_keys(ct, keys::CHANNEL, &ctx);
    let kind = kind(cx, ct, &ctx, &key_span);
    let share = cx.num(
        ct,
        "share",
        &ctx,
        Bounds::new(0.0, false, 1.0),
        "a share is a fraction between 0 and 1",
    );
    let handle_time = cx.dist(ct, "handle_time", &ctx);
    if !ct.contains_key("handle_time") {
        cx.err(
            format!("{ctx} needs `handle_time`"),
            key_span.clone(),
            "add e.g. handle_time = { dist = \"lognormal\", mean = \"6m\", cv = 0.8 }",
        );
    }
    let patience = cx.dist(ct, "patience", &ctx);
    let after_call = cx.dist(ct, "after_call_work", &ctx);
    let touches = cx.num(
        ct,
        "touches",
        &ctx,
        Bounds::new(1.0, false, 50.0),
        "touches is the mean number of agent answers a ticket needs, at least 1 (e.g. 1.8)",
    );
    let reply_delay = cx.dist(ct, "reply_delay", &ctx);
    let pending = super::pending::read(cx, ct, &ctx);
    let follow_up_handle = cx.dist(ct, "follow_up_handle_time", &ctx);
    let abandoned_work = cx.dist(ct, "abandoned_work", &ctx);
    if let (Some(k), Some(v)) = (kind, ct.get("abandoned_work")) {
        if k == ChannelKind::Call {
            cx.err(
                format!(
                    "`abandoned_work` applies to chat channels (and async ones whose customers chase), and {ctx} is a call"
                ),
                span_of(v),
                "an abandoned call is gone at once; remove it, or make the channel kind = \"chat\"",
            );
        } else if k == ChannelKind::Async && !ct.contains_key("chase_after") {
            cx.err(
                format!("{ctx} has `abandoned_work` but its customers never chase a ticket, so none is abandoned"),
                span_of(v),
                "abandoned_work on a written channel is the agent time on a ticket whose customer chased it elsewhere: add `chase_after` and `chase_channels`, or remove it",
            );
        }
    }
    for key in ["touches", "reply_delay", "pending", "follow_up_handle_time"] {
        if let (Some(k), Some(v)) = (kind, ct.get(key))
            && k != ChannelKind::Async
        {
            cx.err(
                format!("`{key}` applies to async channels only, and {ctx} is a {}", k.name()),
                span_of(v),
                "a call or chat ends when it is answered; remove it, or make the channel kind = \"async\"",
            );
        }
    }
    touch_waits(cx, ct, &ctx, kind, touches.as_ref());
    if let (Some(ChannelKind::Async), Some(pv)) = (kind, ct.get("patience")) {
        cx.err(
            format!("{ctx} is async: its contacts do not abandon, so `patience` has no meaning"),
            span_of(pv),
            "remove patience, or make the channel a \"call\" or \"chat\"",
        );
    }
    let mut raw = RawChannel {
        name: cname.to_string(),
        key_span,
        kind,
        share,
        handle_time,
        patience,
        after_call,
        touches,
        reply_delay,
        pending,
        follow_up_handle,
        abandoned_work,
        answer_within: None,
        target: None,
        queue_capacity: None,
        order: PickOrder::OldestFirst,
        concurrency: 1,
        stretch: 0.25,
        intraday: None,
        wait_tolerance: None,
        repeat_raw: None,
        chase_after: None,
        chase_share: None,
        chase_raw: None,
    };
    service(cx, ct, &ctx, &mut raw);
    mixes::read_chase(cx, ct, &ctx, &mut raw);
    Some(raw)
}

/// `queue_order`: "oldest_first" (the default), "newest_first" or "random" (with its
/// `newest_bias`).
fn queue_order(cx: &mut Cx, ct: &Table<'_>, ctx: &str) -> PickOrder {
    let bias = cx.num(
        ct,
        "newest_bias",
        ctx,
        Bounds::new(0.0, false, 20.0),
        "how much likelier newer contacts are taken, e.g. 0.5",
    );
    let order = cx.string(ct, "queue_order", ctx, "\"random\"");
    let picked = match order {
        None => PickOrder::OldestFirst,
        Some(("oldest_first", _)) => PickOrder::OldestFirst,
        Some(("newest_first", _)) => PickOrder::NewestFirst,
        Some(("random", _)) => {
            return PickOrder::Random {
                newest_bias: bias.map_or(0.0, |b| b.0),
            };
        }
        Some((other, span)) => {
            cx.err(
                format!("`queue_order` in {ctx} is `{other}`, which is not a queue order"),
                span,
                "use \"oldest_first\" (first come, first served), \"newest_first\" (the latest contact is taken first) or \"random\" (with a `newest_bias`)",
            );
            PickOrder::OldestFirst
        }
    };
    if let Some((b, span)) = bias {
        cx.err(
            format!("`newest_bias = {b}` in {ctx} needs `queue_order = \"random\"`: it weighs random picks"),
            span,
            "add queue_order = \"random\", or remove newest_bias",
        );
    }
    picked
}

/// `kind`: call, chat or async.
fn kind(cx: &mut Cx, ct: &Table<'_>, ctx: &str, key_span: &Range<usize>) -> Option<ChannelKind> {
    match cx.string(ct, "kind", ctx, "\"call\"") {
        Some((k, span)) => match k {
            "call" => Some(ChannelKind::Call),
            "chat" => Some(ChannelKind::Chat),
            "async" => Some(ChannelKind::Async),
            other => {
                cx.err(
                    format!("unknown channel kind `{other}` in {ctx}"),
                    span,
                    "use \"call\" (phone), \"chat\" (live chat) or \"async\" (email, web form)",
                );
                None
            }
        },
        None => {
            if !ct.contains_key("kind") {
                cx.err(
                    format!("{ctx} needs `kind`"),
                    key_span.clone(),
                    "add kind = \"call\", \"chat\" or \"async\"",
                );
            }
            None
        }
    }
}

/// A channel's service: answer target, queue capacity, chat concurrency, intraday profile,
/// tolerance of waiting and where repeat contacts come back.
fn service(cx: &mut Cx, ct: &Table<'_>, ctx: &str, raw: &mut RawChannel) {
    let kind = raw.kind;
    let ctx = ctx.to_string();
    let default_within = match kind {
        Some(ChannelKind::Async) => "\"24h\"",
        Some(ChannelKind::Chat) => "\"1m\"",
        _ => "\"20s\"",
    };
    let answer_within = cx
        .duration(ct, "answer_within", &ctx, default_within)
        .map(|x| x.0);
    let target = cx
        .num(
            ct,
            "service_level_target",
            &ctx,
            Bounds::new(0.0, true, 1.0),
            "a target is a share, e.g. 0.8 for 80%",
        )
        .map(|x| x.0);
    let queue_capacity = cx
        .int(
            ct,
            "queue_capacity",
            &ctx,
            0,
            10_000_000,
            "the number of waiting places; 0 means nobody can wait",
        )
        .map(|x| x.0 as u32);
    if let (Some(ChannelKind::Async), Some(qv)) = (kind, ct.get("queue_capacity")) {
        cx.err(
            format!("{ctx} is async: its backlog has no capacity limit"),
            span_of(qv),
            "remove queue_capacity",
        );
    }
    let order = queue_order(cx, ct, &ctx);
    let concurrency = cx.int(
        ct,
        "concurrency",
        &ctx,
        1,
        50,
        "concurrency is the number of chats an agent holds at once, at least 1",
    );
    if let (Some(k), Some((_, span))) = (kind, &concurrency)
        && k != ChannelKind::Chat
    {
        cx.err(
            format!(
                "`concurrency` applies to chat channels only, and {ctx} is a {}",
                k.name()
            ),
            span.clone(),
            "remove it, or make the channel kind = \"chat\"",
        );
    }
    let stretch = cx
        .num(
            ct,
            "concurrency_stretch",
            &ctx,
            Bounds::new(0.0, false, 10.0),
            "the extra handle time per additional chat, e.g. 0.25 for +25%",
        )
        .map_or(0.25, |x| x.0);
    let intraday = intraday(cx, ct, &ctx);
    let wait_tolerance = cx
        .duration(ct, "wait_tolerance", &ctx, "\"5m\"")
        .map(|x| x.0);
    let repeat_raw = mixes::read(
        cx,
        ct,
        "repeat_channels",
        &ctx,
        "{ phone = 0.5, email = 0.5 }",
    );
    raw.answer_within = answer_within;
    raw.target = target;
    raw.queue_capacity = queue_capacity;
    raw.order = order;
    raw.concurrency = concurrency.map_or(
        if kind == Some(ChannelKind::Chat) {
            3
        } else {
            1
        },
        |x| x.0 as u32,
    );
    raw.stretch = stretch;
    raw.intraday = intraday;
    raw.wait_tolerance = wait_tolerance;
    raw.repeat_raw = repeat_raw;
}

/// Each channel's share of all contacts: given for every channel or none (1 for a lone
/// channel). Also returns how many channels give one.
pub(super) fn shares(
    cx: &mut Cx,
    channels: &[RawChannel],
    channels_span: &Range<usize>,
) -> (Vec<f64>, usize) {
    let nch = channels.len();
    let mut channel_share = vec![0.0; nch];
    let shares_given = channels.iter().filter(|c| c.share.is_some()).count();
    if nch == 1 {
        channel_share[0] = channels[0].share.as_ref().map_or(1.0, |s| s.0);
    } else if shares_given > 0 {
        let mut sum = 0.0;
        for (i, c) in channels.iter().enumerate() {
            match &c.share {
                Some((s, _)) => {
                    channel_share[i] = *s;
                    sum += s;
                }
                None => cx.err(
                    format!(
                        "[channels.{}] needs `share` because the other channels have one",
                        c.name
                    ),
                    c.key_span.clone(),
                    "give every channel the share of contacts it receives; they add up to 1",
                ),
            }
        }
        if shares_given == nch && (sum - 1.0).abs() > 1e-6 {
            let parts: Vec<String> = channels
                .iter()
                .filter_map(|c| c.share.as_ref().map(|s| format!("{} {}", c.name, s.0)))
                .collect();
            let at = channels
                .iter()
                .find_map(|c| c.share.as_ref().map(|s| s.1.clone()))
                .unwrap_or_else(|| channels_span.clone());
            cx.err(
                format!(
                    "the channel shares add up to {} ({}), not 1",
                    round6(sum),
                    parts.join(" + ")
                ),
                at,
                "shares are fractions of all contacts: make them add up to 1",
            );
        }
    }
    (channel_share, shares_given)
}

/// The channels' names, to resolve references to them.
pub(super) struct Names(pub(super) Vec<String>);

impl Names {
    /// The index of channel `name`.
    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|c| c == name)
    }

    /// Reports `name`, written at `span` in `ctx`, as no channel, suggesting the closest one.
    pub(super) fn unknown(&self, cx: &mut Cx, name: &str, span: Range<usize>, ctx: &str) {
        let channel_names = &self.0;
        let best = channel_names
            .iter()
            .map(|a| (strsim::jaro_winkler(name, a), a))
            .max_by(|x, y| x.0.total_cmp(&y.0));
        let help = match best {
            Some((s, a)) if s > 0.7 => format!(
                "did you mean `{a}`? channels are: {}",
                channel_names.join(", ")
            ),
            _ => format!(
                "define it as [channels.{name}], or use one of: {}",
                channel_names.join(", ")
            ),
        };
        cx.err(
            format!("{ctx} names channel `{name}`, which is not defined"),
            span,
            help,
        );
    }
}

/// The model's channels with their places in the file, once everything is valid.
pub(super) fn build(
    channels: Vec<RawChannel>,
    channel_share: &[f64],
    repeat_mixes: &[Vec<f64>],
    mut chases: Vec<Option<Chase>>,
    volume: &Volume,
) -> Option<Vec<(Channel, Range<usize>)>> {
    let mut model_channels = Vec::with_capacity(channels.len());
    for (i, c) in channels.into_iter().enumerate() {
        let kind = c.kind?;
        let within = c.answer_within.unwrap_or(match kind {
            ChannelKind::Call => 20.0,
            ChannelKind::Chat => 60.0,
            ChannelKind::Async => DAY,
        });
        model_channels.push((
            Channel {
                name: c.name,
                kind,
                share: channel_share[i],
                handle_time: c.handle_time?,
                patience: c.patience,
                after_call: c.after_call,
                answer_within: within,
                service_level_target: c.target,
                queue_capacity: c.queue_capacity,
                order: c.order,
                concurrency: if kind == ChannelKind::Chat {
                    c.concurrency
                } else {
                    1
                },
                concurrency_stretch: c.stretch,
                intraday: match c.intraday {
                    Some(own) => week_profile(&Default::default(), &own),
                    None => week_profile(&volume.intraday_weekday, &volume.intraday_default),
                },
                wait_tolerance: c.wait_tolerance.unwrap_or(match kind {
                    ChannelKind::Call => 240.0,
                    ChannelKind::Chat => 300.0,
                    ChannelKind::Async => DAY,
                }),
                repeat_mix: repeat_mixes[i].clone(),
                touches: c.touches.map_or(1.0, |x| x.0),
                reply_delay: c.reply_delay,
                pending: c.pending.unwrap_or_default(),
                follow_up_handle: c.follow_up_handle,
                abandoned_work: c.abandoned_work,
                chase: chases[i].take(),
            },
            c.key_span,
        ));
    }
    Some(model_channels)
}
