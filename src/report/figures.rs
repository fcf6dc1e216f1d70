//! The figures of one set of contacts or agents, per replication: what `summary.json` holds for
//! a channel, a topic, an agent group and the whole operation.

use super::{Metric, Metrics};
use crate::experience::WaitCsat;
use crate::metrics::{FrtSummary, RepResult, Staffing, Tally};

/// `num ÷ den`, undefined when `den` is not positive.
pub(super) fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// Metrics of a set of contacts, per replication, appended to `out`.
pub(super) fn contact_metrics(
    out: &mut Metrics,
    tallies: &[&Tally],
    frt: &[&FrtSummary],
    stat_days: f64,
    csat: &WaitCsat,
) {
    let col = |f: &dyn Fn(&Tally) -> Option<f64>| -> Vec<Option<f64>> {
        tallies.iter().map(|t| f(t)).collect()
    };
    out.push(Metric::Offered, col(&|t| Some(t.offered() as f64)));
    out.push(
        Metric::OfferedPerDay,
        col(&|t| Some(t.offered() as f64 / stat_days)),
    );
    out.push(Metric::Handled, col(&|t| Some(t.answered as f64)));
    out.push(Metric::Abandoned, col(&|t| Some(t.abandoned as f64)));
    out.push(Metric::Blocked, col(&|t| Some(t.blocked as f64)));
    out.push(Metric::OpenPastTarget, col(&|t| Some(t.open_late as f64)));
    out.push(
        Metric::ServiceLevel,
        col(&|t| ratio(t.within as f64, t.offered() as f64)),
    );
    out.push(
        Metric::AsaSeconds,
        col(&|t| ratio(t.wait_answered, t.answered as f64)),
    );
    out.push(
        Metric::MeanWaitSeconds,
        col(&|t| {
            // Every contact with a wait: the open ones count with their waits so far.
            let waited = t.offered() - t.open_late + t.open;
            ratio(
                t.wait_answered + t.wait_abandoned + t.wait_open,
                waited as f64,
            )
        }),
    );
    out.push(
        Metric::PWait,
        col(&|t| ratio(t.delayed as f64, t.offered() as f64)),
    );
    out.push(
        Metric::AbandonRate,
        col(&|t| ratio(t.abandoned as f64, t.offered() as f64)),
    );
    out.push(
        Metric::BlockedRate,
        col(&|t| ratio(t.blocked as f64, t.arrived as f64)),
    );
    out.push(
        Metric::AhtSeconds,
        col(&|t| ratio(t.handle, t.answered as f64)),
    );
    // FRT: the wait to the first answer (for async, the first touch).
    // Contacts still open at the end count with their waits so far (censored): a backlog
    // that grows can only raise it.
    out.push(
        Metric::FrtMeanSeconds,
        col(&|t| ratio(t.wait_answered + t.wait_open, (t.answered + t.open) as f64)),
    );
    out.push(Metric::FrtP50Seconds, frt.iter().map(|h| h.p50).collect());
    out.push(Metric::FrtP90Seconds, frt.iter().map(|h| h.p90).collect());
    out.push(Metric::FrtP95Seconds, frt.iter().map(|h| h.p95).collect());
    experience_metrics(out, tallies, csat);
    // A quantile not reached in one replication is not left out of the mean (that would keep
    // the quicker replications only): the figure is then absent altogether.
    let res = |q: fn(&FrtSummary) -> Option<f64>| -> Vec<Option<f64>> {
        let values: Vec<Option<f64>> = frt.iter().map(|h| q(h)).collect();
        if values.iter().any(Option::is_none) {
            vec![None; values.len()]
        } else {
            values
        }
    };
    out.push(Metric::ResolutionP50Seconds, res(|h| h.resolution_p50));
    out.push(Metric::ResolutionP90Seconds, res(|h| h.resolution_p90));
}

/// Automation, resolution and satisfaction metrics of a set of contacts.
fn experience_metrics(out: &mut Metrics, tallies: &[&Tally], csat: &WaitCsat) {
    let col = |f: &dyn Fn(&Tally) -> Option<f64>| -> Vec<Option<f64>> {
        tallies.iter().map(|t| f(t)).collect()
    };
    out.push(Metric::Deflected, col(&|t| Some(t.deflected as f64)));
    out.push(
        Metric::BotConversations,
        col(&|t| Some(t.bot_conversations as f64)),
    );
    out.push(Metric::Contained, col(&|t| Some(t.contained as f64)));
    out.push(
        Metric::ContainmentRate,
        col(&|t| ratio(t.contained as f64, t.bot_conversations as f64)),
    );
    out.push(
        Metric::FalselyContained,
        col(&|t| Some(t.falsely_contained as f64)),
    );
    out.push(Metric::EscalatedByBot, col(&|t| Some(t.escalated as f64)));
    out.push(
        Metric::TransferredToTier2,
        col(&|t| Some(t.transferred as f64)),
    );
    out.push(Metric::Repeats, col(&|t| Some(t.repeats as f64)));
    out.push(
        Metric::RepeatRate,
        col(&|t| ratio(t.repeats as f64, t.arrived as f64)),
    );
    out.push(
        Metric::Fcr,
        col(&|t| ratio(t.resolved_first as f64, t.answered_first as f64)),
    );
    out.push(Metric::Resolved, col(&|t| Some(t.resolved as f64)));
    out.push(
        Metric::ResolutionTimeSeconds,
        col(&|t| ratio(t.resolution_time, (t.resolved + t.open_issues) as f64)),
    );
    // Only where a topic has a resolution target: without one there is nothing to meet.
    if tallies.iter().any(|t| t.resolve_targeted > 0) {
        out.push(
            Metric::ResolvedWithinTarget,
            col(&|t| ratio(t.resolved_within as f64, t.resolve_targeted as f64)),
        );
    }
    out.push(Metric::Surveys, col(&|t| Some(t.surveys as f64)));
    out.push(
        Metric::Csat,
        col(&|t| ratio(t.satisfied as f64, t.surveys as f64)),
    );
    out.push(
        Metric::CsatExpected,
        col(&|t| ratio(t.p_satisfied, t.served as f64)),
    );
    out.push(Metric::Nps, col(&|t| t.nps()));
    out.push(Metric::NpsExpected, col(&|t| t.nps_expected(csat)));
    // Effort per resolved issue: a worse service (more retries, fewer resolutions) can only
    // raise it, unlike a mean over the resolved issues alone.
    out.push(
        Metric::ContactsPerResolution,
        col(&|t| ratio(t.arrived as f64, t.resolved as f64)),
    );
    out.push(
        Metric::SwitchesPerResolution,
        col(&|t| ratio(t.switches as f64, t.resolved as f64)),
    );
}

pub(super) fn staffing_metrics(out: &mut Metrics, s: &[Staffing], handled: &[f64]) {
    out.push(Metric::Handled, handled.iter().map(|h| Some(*h)).collect());
    out.push(
        Metric::Occupancy,
        s.iter().map(|x| ratio(x.busy, x.available)).collect(),
    );
    out.push(
        Metric::ScheduledHours,
        s.iter().map(|x| Some(x.scheduled / 3600.0)).collect(),
    );
    out.push(
        Metric::AvailableHours,
        s.iter().map(|x| Some(x.available / 3600.0)).collect(),
    );
    out.push(
        Metric::BusyHours,
        s.iter().map(|x| Some(x.busy / 3600.0)).collect(),
    );
    out.push(
        Metric::Shrinkage,
        s.iter()
            .map(|x| ratio(x.scheduled - x.available.min(x.scheduled), x.scheduled))
            .collect(),
    );
}

/// What a group costs: its hourly cost times scheduled hours and hours paid in training, or
/// busy hours when it is billed by handle time.
pub(super) fn group_cost(g: &crate::model::Group, s: &Staffing) -> f64 {
    let seconds = if g.billed_by_handle_time {
        s.busy
    } else {
        s.scheduled + s.training
    };
    g.cost_per_hour * seconds / 3600.0
}

/// Customers, churn and money, overall.
pub(super) fn money_metrics(
    out: &mut Metrics,
    reps: &[RepResult],
    totals: &[Tally],
    agent_cost: &[f64],
    automation_cost: &[f64],
) {
    let customers = |f: &dyn Fn(&crate::metrics::CustomerStats) -> f64| -> Vec<Option<f64>> {
        reps.iter().map(|r| r.customers.as_ref().map(f)).collect()
    };
    out.push(Metric::ActiveCustomersStart, customers(&|c| c.active_start));
    out.push(Metric::ActiveCustomersEnd, customers(&|c| c.active_end));
    out.push(Metric::ChurnedCustomers, customers(&|c| c.churned as f64));
    out.push(
        Metric::ChurnedBaseline,
        customers(&|c| c.churned_baseline as f64),
    );
    out.push(Metric::AcquiredCustomers, customers(&|c| c.acquired as f64));
    out.push(Metric::RevenueLost, customers(&|c| c.revenue_lost));
    out.push(
        Metric::LifetimeValueLost,
        customers(&|c| c.lifetime_value_lost),
    );
    out.push(
        Metric::AgentCost,
        agent_cost.iter().map(|x| Some(*x)).collect(),
    );
    out.push(
        Metric::AutomationCost,
        automation_cost.iter().map(|x| Some(*x)).collect(),
    );
    let total: Vec<f64> = agent_cost
        .iter()
        .zip(automation_cost)
        .map(|(a, b)| a + b)
        .collect();
    out.push(Metric::TotalCost, total.iter().map(|x| Some(*x)).collect());
    // Contacts served: answered by an agent or contained by the bot.
    out.push(
        Metric::CostPerContact,
        total
            .iter()
            .zip(totals)
            .map(|(c, t)| ratio(*c, (t.answered + t.contained) as f64))
            .collect(),
    );
    out.push(
        Metric::CostPerResolved,
        total
            .iter()
            .zip(totals)
            .map(|(c, t)| ratio(*c, t.resolved as f64))
            .collect(),
    );
    let lost = |r: &RepResult| r.customers.as_ref().map_or(0.0, |c| c.revenue_lost);
    out.push(
        Metric::NetCost,
        total
            .iter()
            .zip(reps)
            .map(|(c, r)| Some(c + lost(r)))
            .collect(),
    );
}
