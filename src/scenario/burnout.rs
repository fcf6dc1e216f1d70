//! `burnout` of an agent group: how sustained overload raises its absence and attrition.

use toml::de::DeValue;

use super::keys;
use super::reader::{Bounds, Cx, Table, span_of, type_name};
use crate::duration::DAY;
use crate::model::Burnout;

/// The key as the error messages show it.
const EXAMPLE: &str =
    "burnout = { threshold = 0.85, over = \"2w\", absence = 0.05, attrition = 1.0 }";

/// `burnout` of the group `ctx`: `false` turns it off, `true` or a table (its keys over the
/// defaults) on; without the key it is on with the defaults for a group with `attrition` (a
/// workforce that changes over the run) and off otherwise.
pub(super) fn read(cx: &mut Cx, t: &Table<'_>, ctx: &str, attrition: f64) -> Option<Burnout> {
    let Some(v) = t.get("burnout") else {
        return (attrition > 0.0).then_some(Burnout::DEFAULT);
    };
    let r = match v.get_ref() {
        DeValue::Boolean(on) => return on.then_some(Burnout::DEFAULT),
        DeValue::Table(r) => r,
        other => {
            cx.err(
                format!(
                    "`burnout` of {ctx} must be true, false or a table, not {}",
                    type_name(other)
                ),
                span_of(v),
                format!("write `burnout = false` to turn it off, or e.g. {EXAMPLE}"),
            );
            return None;
        }
    };
    let bctx = format!("`burnout` of {ctx}");
    cx.check_keys(r, keys::BURNOUT, &bctx);
    let mut b = Burnout::DEFAULT;
    if let Some((x, _)) = cx.num(
        r,
        "threshold",
        &bctx,
        Bounds::new(0.0, true, 0.99),
        "the occupancy above which the strain starts, e.g. 0.85",
    ) {
        b.threshold = x;
    }
    if let Some((d, span)) = cx.duration(r, "over", &bctx, "\"2w\"") {
        let days = (d / DAY).ceil();
        if days > 366.0 {
            cx.err(
                format!("`over` of {bctx} must be a year or less"),
                span,
                "the days whose occupancy counts, e.g. over = \"2w\"",
            );
        } else {
            b.window = days.max(1.0) as u32;
        }
    }
    if let Some((x, _)) = cx.num(
        r,
        "absence",
        &bctx,
        Bounds::new(0.0, false, 0.5),
        "the absence added at full occupancy, e.g. 0.05",
    ) {
        b.absence = x;
    }
    if let Some((x, span)) = cx.num(
        r,
        "attrition",
        &bctx,
        Bounds::new(0.0, false, 10.0),
        "the rise of the attrition rate at full occupancy, e.g. 1.0 to double it",
    ) {
        b.attrition = x;
        if attrition <= 0.0 && x > 0.0 {
            cx.warn(
                format!(
                    "`attrition` of {bctx} changes nothing: the group has no attrition to raise"
                ),
                span,
                "give the group an `attrition`, or leave this key out",
            );
        }
    }
    Some(b)
}
