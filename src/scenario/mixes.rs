//! Where a channel's customers go next: `repeat_channels` (repeat contacts about an unresolved
//! issue) and `chase_after` with `chase_channels` and `chase_share` (the customer of an
//! unanswered written ticket chasing it on another channel).

use std::ops::Range;

use toml::de::DeValue;

use super::channels::{Names, RawChannel};
use super::reader::{Bounds, Cx, Table, round6, span_of, type_name};
use crate::model::{ChannelKind, Chase};

/// A channel mix before channel names are resolved: (name, span, share) and the table's span.
pub(super) type MixRaw = (Vec<(String, Range<usize>, Option<f64>)>, Range<usize>);

/// The table of shares under `key` of channel table `ct`, if given (`example` is one, for the
/// message when it is not a table).
pub(super) fn read(
    cx: &mut Cx,
    ct: &Table<'_>,
    key: &str,
    ctx: &str,
    example: &str,
) -> Option<MixRaw> {
    let rv = ct.get(key)?;
    match rv.get_ref() {
        DeValue::Table(rt) => Some((
            rt.iter()
                .map(|(k, v)| {
                    let x = cx.num_value(
                        v,
                        k.get_ref(),
                        &format!("`{key}` of {ctx}"),
                        Bounds::new(0.0, false, 1.0),
                        "a share is a fraction between 0 and 1",
                    );
                    (k.get_ref().to_string(), k.span(), x)
                })
                .collect::<Vec<_>>(),
            span_of(rv),
        )),
        other => {
            cx.err(
                format!(
                    "`{key}` of {ctx} must be a table of shares, not {}",
                    type_name(other)
                ),
                span_of(rv),
                format!("write e.g. {key} = {example}"),
            );
            None
        }
    }
}

/// The shares of `raw` by channel index; reports unknown names and a sum other than 1 (`what`
/// names the mix in the message, `meaning` says what its shares are).
fn resolve(
    cx: &mut Cx,
    raw: &MixRaw,
    names: &Names,
    key: &str,
    channel: &str,
    (what, meaning): (&str, &str),
) -> Vec<f64> {
    let (entries, span) = raw;
    let mut mix = vec![0.0; names.0.len()];
    let mut sum = 0.0;
    let mut all_known = true;
    for (name, nspan, x) in entries {
        match names.index(name) {
            Some(j) => {
                if let Some(x) = x {
                    mix[j] = *x;
                    sum += x;
                }
            }
            None => {
                all_known = false;
                names.unknown(
                    cx,
                    name,
                    nspan.clone(),
                    &format!("`{key}` of [channels.{channel}]"),
                );
            }
        }
    }
    // A share under an unknown name is already reported; its sum would only repeat that.
    if all_known && (sum - 1.0).abs() > 1e-6 {
        cx.err(
            format!(
                "the {what} of [channels.{channel}] add up to {}, not 1",
                round6(sum)
            ),
            span.clone(),
            format!("they are the fractions of {meaning} on each channel: make them add up to 1"),
        );
    }
    mix
}

/// Where each channel's repeat contacts come back, now that every channel is known.
pub(super) fn repeat_mixes(cx: &mut Cx, channels: &[RawChannel], names: &Names) -> Vec<Vec<f64>> {
    let what = ("repeat channels", "repeat contacts coming back");
    channels
        .iter()
        .enumerate()
        .map(|(ci, c)| match &c.repeat_raw {
            None => {
                let mut mix = vec![0.0; channels.len()];
                mix[ci] = 1.0;
                mix
            }
            Some(raw) => resolve(cx, raw, names, "repeat_channels", &c.name, what),
        })
        .collect()
}

/// Reads `chase_after`, `chase_channels` and `chase_share` of channel table `ct` (async channels
/// only; the first two both or neither, the share only with them) into `raw`.
pub(super) fn read_chase(cx: &mut Cx, ct: &Table<'_>, ctx: &str, raw: &mut RawChannel) {
    raw.chase_after = cx.dist(ct, "chase_after", ctx);
    raw.chase_raw = read(cx, ct, "chase_channels", ctx, "{ phone = 1 }");
    raw.chase_share = cx
        .num(
            ct,
            "chase_share",
            ctx,
            Bounds::new(0.0, true, 1.0),
            "the share of customers who chase an unanswered ticket at all, above 0 (to have nobody chase, remove the chase keys), e.g. 0.6",
        )
        .map(|x| x.0);
    let (after, to) = (ct.get("chase_after"), ct.get("chase_channels"));
    let share = ct.get("chase_share");
    if let Some(k) = raw.kind
        && k != ChannelKind::Async
    {
        for (key, v) in [
            ("chase_after", after),
            ("chase_channels", to),
            ("chase_share", share),
        ] {
            if let Some(v) = v {
                cx.err(
                    format!("`{key}` applies to async channels only, and {ctx} is a {}", k.name()),
                    span_of(v),
                    "callers and chatters give up after `patience` and may try again (`retry_share` in [resolution]); remove it, or make the channel kind = \"async\"",
                );
            }
        }
        return;
    }
    match (after, to) {
        (Some(v), None) => cx.err(
            format!("{ctx} has `chase_after` but no `chase_channels`"),
            span_of(v),
            "say where customers chase an unanswered ticket, e.g. chase_channels = { phone = 1 }",
        ),
        (None, Some(v)) => cx.err(
            format!("{ctx} has `chase_channels` but no `chase_after`"),
            span_of(v),
            "say how long customers wait for a first answer before chasing, e.g. chase_after = { dist = \"exponential\", mean = \"2d\" }; or remove chase_channels",
        ),
        _ => {}
    }
    if let (None, Some(v)) = (after, share) {
        cx.err(
            format!("{ctx} has `chase_share` but no `chase_after`"),
            span_of(v),
            "chase_share is the share of customers who chase, after `chase_after`, on `chase_channels`: add those, or remove chase_share",
        );
    }
}

/// Each channel's chase, now that every channel is known: `None` where the channel has none.
pub(super) fn chases(cx: &mut Cx, channels: &[RawChannel], names: &Names) -> Vec<Option<Chase>> {
    let what = ("chase channels", "chases going");
    channels
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let raw = c.chase_raw.as_ref()?;
            let mix = resolve(cx, raw, names, "chase_channels", &c.name, what);
            if mix[ci] > 0.0 {
                let at = raw
                    .0
                    .iter()
                    .find(|e| e.0 == c.name)
                    .map_or_else(|| raw.1.clone(), |e| e.1.clone());
                cx.err(
                    format!(
                        "a chase of [channels.{}] on the same channel (a reminder about the ticket) is not yet supported",
                        c.name
                    ),
                    at,
                    "send chases to another channel, e.g. a call or chat channel; a reminder would need to join the waiting ticket",
                );
            }
            let cdf = mix
                .iter()
                .scan(0.0, |acc, x| {
                    *acc += x;
                    Some(*acc)
                })
                .collect();
            Some(Chase {
                share: c.chase_share.unwrap_or(1.0),
                after: c.chase_after.clone()?,
                cdf,
            })
        })
        .collect()
}
