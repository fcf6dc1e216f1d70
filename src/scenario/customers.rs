//! `[customers]`: a customer base that drives volume (contacts per customer per month), grows
//! by acquisitions, and loses customers to bad experiences and for other reasons.

use super::keys;
use super::reader::{Bounds, Cx, Table, span_of};
use crate::model::Customers;

/// `[customers]`: the customer base, with contacts per customer per month if given.
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>) -> Option<(Customers, Option<f64>)> {
    let v = doc.get("customers")?;
    let t = cx.table(v, "customers")?;
    let ctx = "[customers]";
    cx.check_keys(t, keys::CUSTOMERS, ctx);
    let active = cx.num(
        t,
        "active",
        ctx,
        Bounds::new(0.0, true, 1e10),
        "the number of active customers at the start, e.g. 50000",
    );
    if active.is_none() && !t.contains_key("active") {
        cx.err(
            "[customers] needs `active`",
            span_of(v),
            "give the number of active customers at the start, e.g. active = 50000",
        );
    }
    let cpm = cx
        .num(
            t,
            "contacts_per_month",
            ctx,
            Bounds::new(0.0, true, 1000.0),
            "contacts per customer per month, e.g. 0.1",
        )
        .map(|x| x.0);
    let pos = |cx: &mut Cx, key: &str, default: f64| {
        cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1e12),
            "cannot be negative",
        )
        .map_or(default, |x| x.0)
    };
    let acquisitions_per_month = pos(cx, "acquisitions_per_month", 0.0);
    let revenue_per_month = pos(cx, "revenue_per_month", 0.0);
    let lifetime_months = pos(cx, "lifetime_months", 24.0);
    let prob = |cx: &mut Cx, key: &str, default: f64| {
        cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1.0),
            "a probability between 0 and 1",
        )
        .map_or(default, |x| x.0)
    };
    let baseline = prob(cx, "baseline_churn_per_month", 0.0);
    let d = crate::experience::BadExperienceChurn::default();
    let churn = crate::experience::BadExperienceChurn {
        if_dissatisfied: prob(cx, "churn_if_dissatisfied", d.if_dissatisfied),
        if_unresolved: prob(cx, "churn_if_unresolved", d.if_unresolved),
        if_abandoned: prob(cx, "churn_if_abandoned", d.if_abandoned),
        if_ignored: prob(cx, "churn_if_ignored", d.if_ignored),
    };
    Some((
        Customers {
            active: active?.0,
            acquisitions_per_month,
            revenue_per_month,
            lifetime_months,
            baseline_churn_per_month: baseline,
            churn,
        },
        cpm,
    ))
}
