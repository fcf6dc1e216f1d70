//! `breaks` of a shift: when its agents leave the floor, at set times of day. An agent busy
//! when a break begins finishes the contact in hand first and still returns at the break's
//! planned end. A shift with breaks takes no random block of `planned_shrinkage`.

use toml::de::DeValue;

use super::keys;
use super::reader::{Cx, Table, span_of, type_name};
use crate::duration::{DAY, hhmm, parse_time_of_day};
use crate::model::Break;

/// Reads `breaks` of the shift `ctx` running from `start` to `end` (seconds after midnight of
/// its first day): each within the shift, none overlapping another, in time order.
pub(super) fn read(cx: &mut Cx, t: &Table<'_>, ctx: &str, start: f64, end: f64) -> Vec<Break> {
    let Some(v) = t.get("breaks") else {
        return Vec::new();
    };
    let example = "breaks = [{ start = \"12:00\", length = \"30m\" }]";
    let DeValue::Array(list) = v.get_ref() else {
        cx.err(
            format!(
                "`breaks` of {ctx} must be a list of breaks, not {}",
                type_name(v.get_ref())
            ),
            span_of(v),
            format!("write e.g. {example}"),
        );
        return Vec::new();
    };
    let mut out: Vec<(Break, std::ops::Range<usize>)> = Vec::new();
    for item in list.iter() {
        let what = format!("a break of {ctx}");
        let Some(b) = cx.table(item, &what) else {
            continue;
        };
        cx.check_keys(b, keys::BREAK, &what);
        let at = cx.string(b, "start", &what, "\"12:00\"");
        let length = cx.duration(b, "length", &what, "\"30m\"");
        for key in ["start", "length"] {
            if !b.contains_key(key) {
                cx.err(
                    format!("{what} needs `{key}`"),
                    span_of(item),
                    format!("write e.g. {example}"),
                );
            }
        }
        let (Some((at, span)), Some((length, length_span))) = (at, length) else {
            continue;
        };
        let mut from = match parse_time_of_day(at) {
            Ok(x) => x,
            Err(msg) => {
                cx.err(
                    format!("`start` of {what}: {msg}"),
                    span,
                    "e.g. start = \"12:00\"",
                );
                continue;
            }
        };
        // On a shift past midnight, a break before the shift's start is on the next day.
        if from < start {
            from += DAY;
        }
        if length <= 0.0 {
            cx.err(
                format!("{what} lasts no time"),
                length_span,
                "give its length, e.g. length = \"15m\"",
            );
            continue;
        }
        if from + length > end {
            cx.err(
                format!(
                    "{what} ({}–{}) is not within the shift ({}–{})",
                    hhmm(from % DAY),
                    hhmm((from + length) % DAY),
                    hhmm(start),
                    hhmm(end % DAY)
                ),
                span,
                "move the break into the shift, or shorten it",
            );
            continue;
        }
        out.push((
            Break {
                start: from - start,
                length,
            },
            span,
        ));
    }
    out.sort_by(|a, b| a.0.start.total_cmp(&b.0.start));
    for w in out.windows(2) {
        if w[1].0.start < w[0].0.start + w[0].0.length {
            cx.err(
                format!("two breaks of {ctx} overlap"),
                w[1].1.clone(),
                "give each break its own time: one ends before the next begins",
            );
        }
    }
    out.into_iter().map(|(b, _)| b).collect()
}
