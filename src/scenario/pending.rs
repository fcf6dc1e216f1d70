//! `pending` on an async channel: whom a ticket waits on between two agent touches, each
//! state with its share and its own delay, e.g.
//!
//! ```toml
//! [channels.tickets.pending]
//! customer = { share = 0.6, delay = { dist = "gamma", mean = "2d", cv = 1.4 } }
//! desk = { share = 0.4, delay = { dist = "lognormal", mean = "30h", cv = 1.2 } }
//! ```
//!
//! It replaces the single `reply_delay`: a ticket's next wait is on the customer, on a third
//! party or on the desk with the given shares, and lasts as that state's delay says.

use toml::de::DeValue;

use super::reader::{Bounds, Cx, Table, round6, span_of, type_name};
use crate::model::{PendingWait, Waiting};

const EXAMPLE: &str =
    "customer = { share = 0.6, delay = { dist = \"gamma\", mean = \"2d\", cv = 1.4 } }";

/// The channel's `pending` states in the order [`Waiting::ALL`] lists them, or `None` when
/// it has none (or they are in error, reported to `cx`).
pub(super) fn read(cx: &mut Cx, ct: &Table<'_>, ctx: &str) -> Option<Vec<PendingWait>> {
    let v = ct.get("pending")?;
    let pctx = format!("`pending` of {ctx}");
    let DeValue::Table(t) = v.get_ref() else {
        cx.err(
            format!("{pctx} must be a table, not {}", type_name(v.get_ref())),
            span_of(v),
            format!(
                "write e.g. [{}.pending] with {EXAMPLE}",
                ctx.trim_matches('`')
            ),
        );
        return None;
    };
    let allowed: Vec<&str> = Waiting::ALL.iter().map(|w| w.key()).collect();
    cx.check_keys(t, &allowed, &pctx);
    let mut out = Vec::new();
    let mut sum = 0.0;
    let mut complete = true;
    for on in Waiting::ALL {
        let Some(entry) = t.get(on.key()) else {
            continue;
        };
        let ectx = format!("`{}` of {pctx}", on.key());
        let DeValue::Table(e) = entry.get_ref() else {
            cx.err(
                format!("{ectx} must be a table, not {}", type_name(entry.get_ref())),
                span_of(entry),
                format!("write e.g. {EXAMPLE}"),
            );
            complete = false;
            continue;
        };
        cx.check_keys(e, &["share", "delay"], &ectx);
        let share = cx.num(
            e,
            "share",
            &ectx,
            Bounds::new(0.0, true, 1.0),
            "the share of the waits between two touches spent in this state, above 0 and at most 1",
        );
        let delay = cx.dist(e, "delay", &ectx);
        if !e.contains_key("delay") {
            cx.err(
                format!("{ectx} needs `delay`"),
                span_of(entry),
                "say how long a ticket waits in this state, e.g. delay = { dist = \"lognormal\", mean = \"6h\", cv = 1.2 }",
            );
        }
        match (share, delay) {
            (Some((x, _)), Some(delay)) => {
                sum += x;
                out.push(PendingWait {
                    on,
                    cumulative: sum,
                    delay,
                });
            }
            _ => complete = false,
        }
    }
    if !complete {
        return None;
    }
    if out.is_empty() || (sum - 1.0).abs() > 1e-6 {
        cx.err(
            format!("the shares of {pctx} add up to {}, not 1", round6(sum)),
            span_of(v),
            format!(
                "they are the fractions of the waits between two touches spent on each of: {}",
                allowed.join(", ")
            ),
        );
        return None;
    }
    if let Some(last) = out.last_mut() {
        last.cumulative = 1.0;
    }
    Some(out)
}
