//! Across replications: every metric as mean, standard error and 95% Student-t confidence
//! interval, gathered in one serialisable [`Summary`] (schema `supportsim.summary/1`), plus
//! per-interval time series with P10–P90 bands.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::metrics::{FrtSummary, RepResult, Staffing, Tally};
use crate::model::{MONTH_DAYS, Model};

/// Schema tag of `summary.json`.
pub const SCHEMA: &str = "supportsim.summary/1";

/// A metric across replications. Fields are `None` (JSON `null`) when undefined, e.g. the ASA
/// of a channel that answered nothing, or the standard error of a single replication.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Stat {
    /// Mean over replications where the metric is defined.
    pub mean: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: Option<f64>,
    /// Standard error of the mean.
    pub std_err: Option<f64>,
}

impl Stat {
    /// Mean, standard error and Student-t 95% interval of the defined values.
    ///
    /// The interval is mean ± t(0.975, n−1) · s/√n with s the sample standard deviation
    /// (e.g. Law, *Simulation Modeling and Analysis*, 5th ed., §9.4.1, replication/deletion).
    pub fn of(values: &[Option<f64>]) -> Stat {
        let xs: Vec<f64> = values
            .iter()
            .flatten()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        match crate::stats::mean_se(&xs) {
            None => Stat {
                mean: None,
                ci_low: None,
                ci_high: None,
                std_err: None,
            },
            Some(m) => {
                let half = m
                    .std_err
                    .map(|se| crate::stats::t_quantile_975(m.n - 1) * se);
                Stat {
                    mean: Some(m.mean),
                    ci_low: half.map(|h| m.mean - h),
                    ci_high: half.map(|h| m.mean + h),
                    std_err: m.std_err,
                }
            }
        }
    }

    /// Half-width of the confidence interval.
    pub fn half_width(&self) -> Option<f64> {
        Some((self.ci_high? - self.ci_low?) / 2.0)
    }
}

/// Named metrics in a fixed order, serialised as a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics(
    /// The metrics across replications.
    pub Vec<(&'static str, Stat)>,
    /// Each metric's value per replication (same order), for paired comparisons.
    pub Vec<Vec<Option<f64>>>,
);

impl Metrics {
    /// The metric called `key`.
    pub fn get(&self, key: &str) -> Option<&Stat> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
    }

    /// The per-replication values of the metric called `key`.
    pub fn values(&self, key: &str) -> Option<&[Option<f64>]> {
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        self.1.get(i).map(|v| v.as_slice())
    }

    fn push(&mut self, key: &'static str, values: Vec<Option<f64>>) {
        self.0.push((key, Stat::of(&values)));
        self.1.push(values);
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Named entries in scenario order, serialised as a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T> Named<T> {
    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Which scenario a summary is of.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScenarioRef {
    /// Scenario name.
    pub name: String,
    /// File as given on the command line.
    pub file: String,
}

/// A channel's settings that the figures refer to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChannelSettings {
    /// `call`, `chat` or `async`.
    pub kind: &'static str,
    /// Service-level threshold, seconds.
    pub answer_within_seconds: f64,
    /// Service-level target, if the scenario gives one.
    pub service_level_target: Option<f64>,
}

/// The results of a run: `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Scenario name and file.
    pub scenario: ScenarioRef,
    /// Base seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// Days simulated.
    pub days: u32,
    /// Warm-up days excluded from statistics.
    pub warmup_days: u32,
    /// Reporting interval, minutes.
    pub interval_minutes: u32,
    /// Per channel, in scenario order.
    pub channels: Named<Metrics>,
    /// Per topic.
    pub topics: Named<Metrics>,
    /// Per agent group.
    pub agents: Named<Metrics>,
    /// All channels together.
    pub overall: Metrics,
    /// Kind and answer target of each channel.
    pub channel_settings: Named<ChannelSettings>,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// Metrics of a set of contacts, per replication, appended to `out`.
fn contact_metrics(out: &mut Metrics, tallies: &[&Tally], frt: &[&FrtSummary], stat_days: f64) {
    let col = |f: &dyn Fn(&Tally) -> Option<f64>| -> Vec<Option<f64>> {
        tallies.iter().map(|t| f(t)).collect()
    };
    out.push("offered", col(&|t| Some(t.offered() as f64)));
    out.push(
        "offered_per_day",
        col(&|t| Some(t.offered() as f64 / stat_days)),
    );
    out.push("handled", col(&|t| Some(t.answered as f64)));
    out.push("abandoned", col(&|t| Some(t.abandoned as f64)));
    out.push("blocked", col(&|t| Some(t.blocked as f64)));
    out.push(
        "service_level",
        col(&|t| ratio(t.within as f64, t.offered() as f64)),
    );
    out.push(
        "asa_seconds",
        col(&|t| ratio(t.wait_answered, t.answered as f64)),
    );
    out.push(
        "mean_wait_seconds",
        col(&|t| ratio(t.wait_answered + t.wait_abandoned, t.offered() as f64)),
    );
    out.push(
        "p_wait",
        col(&|t| ratio(t.delayed as f64, t.offered() as f64)),
    );
    out.push(
        "abandon_rate",
        col(&|t| ratio(t.abandoned as f64, t.offered() as f64)),
    );
    out.push(
        "blocked_rate",
        col(&|t| ratio(t.blocked as f64, t.arrived as f64)),
    );
    out.push("aht_seconds", col(&|t| ratio(t.handle, t.answered as f64)));
    // FRT of answered contacts: the wait to the first answer (for async, the first touch).
    out.push(
        "frt_mean_seconds",
        col(&|t| ratio(t.wait_answered, t.answered as f64)),
    );
    out.push("frt_p50_seconds", frt.iter().map(|h| h.p50).collect());
    out.push("frt_p90_seconds", frt.iter().map(|h| h.p90).collect());
    out.push("frt_p95_seconds", frt.iter().map(|h| h.p95).collect());
    experience_metrics(out, tallies);
}

/// Automation, resolution and satisfaction metrics of a set of contacts.
fn experience_metrics(out: &mut Metrics, tallies: &[&Tally]) {
    let col = |f: &dyn Fn(&Tally) -> Option<f64>| -> Vec<Option<f64>> {
        tallies.iter().map(|t| f(t)).collect()
    };
    out.push("deflected", col(&|t| Some(t.deflected as f64)));
    out.push(
        "bot_conversations",
        col(&|t| Some(t.bot_conversations as f64)),
    );
    out.push("contained", col(&|t| Some(t.contained as f64)));
    out.push(
        "containment_rate",
        col(&|t| ratio(t.contained as f64, t.bot_conversations as f64)),
    );
    out.push(
        "falsely_contained",
        col(&|t| Some(t.falsely_contained as f64)),
    );
    out.push("escalated_by_bot", col(&|t| Some(t.escalated as f64)));
    out.push("transferred_to_tier2", col(&|t| Some(t.transferred as f64)));
    out.push("repeats", col(&|t| Some(t.repeats as f64)));
    out.push(
        "repeat_rate",
        col(&|t| ratio(t.repeats as f64, t.arrived as f64)),
    );
    out.push(
        "fcr",
        col(&|t| ratio(t.resolved_first as f64, t.answered_first as f64)),
    );
    out.push("resolved", col(&|t| Some(t.resolved as f64)));
    out.push(
        "resolution_time_seconds",
        col(&|t| ratio(t.resolution_time, t.resolved as f64)),
    );
    out.push("surveys", col(&|t| Some(t.surveys as f64)));
    out.push(
        "csat",
        col(&|t| ratio(t.satisfied as f64, t.surveys as f64)),
    );
    out.push(
        "csat_expected",
        col(&|t| ratio(t.p_satisfied, t.served as f64)),
    );
}

fn staffing_metrics(out: &mut Metrics, s: &[Staffing], handled: &[f64]) {
    out.push("handled", handled.iter().map(|h| Some(*h)).collect());
    out.push(
        "occupancy",
        s.iter().map(|x| ratio(x.busy, x.available)).collect(),
    );
    out.push(
        "scheduled_hours",
        s.iter().map(|x| Some(x.scheduled / 3600.0)).collect(),
    );
    out.push(
        "available_hours",
        s.iter().map(|x| Some(x.available / 3600.0)).collect(),
    );
    out.push(
        "busy_hours",
        s.iter().map(|x| Some(x.busy / 3600.0)).collect(),
    );
    out.push(
        "shrinkage",
        s.iter()
            .map(|x| ratio(x.scheduled - x.available.min(x.scheduled), x.scheduled))
            .collect(),
    );
}

/// Builds the summary of replications `reps` (in replication order) of `model`.
pub fn summarize(model: &Model, file: &str, reps: &[RepResult]) -> Summary {
    let stat_days = f64::from(model.days - model.warmup_days);
    let mut channels = Vec::new();
    let mut settings = Vec::new();
    for (c, ch) in model.channels.iter().enumerate() {
        let mut m = Metrics::default();
        let tallies: Vec<&Tally> = reps.iter().map(|r| &r.channels[c]).collect();
        let frt: Vec<&FrtSummary> = reps.iter().map(|r| &r.channel_frt[c]).collect();
        contact_metrics(&mut m, &tallies, &frt, stat_days);
        m.push(
            "open_at_end",
            reps.iter().map(|r| Some(r.open_end[c] as f64)).collect(),
        );
        let ni = model.stat_intervals() as f64;
        m.push(
            "backlog_mean",
            reps.iter().map(|r| ratio(r.queue_sum[c], ni)).collect(),
        );
        m.push(
            "backlog_max",
            reps.iter()
                .map(|r| Some(f64::from(r.queue_max[c])))
                .collect(),
        );
        m.push(
            "oldest_wait_max_seconds",
            reps.iter().map(|r| Some(r.oldest_max[c])).collect(),
        );
        channels.push((ch.name.clone(), m));
        settings.push((
            ch.name.clone(),
            ChannelSettings {
                kind: ch.kind.name(),
                answer_within_seconds: ch.answer_within,
                service_level_target: ch.service_level_target,
            },
        ));
    }
    let mut topics = Vec::new();
    for (t, topic) in model.topics.iter().enumerate() {
        let mut m = Metrics::default();
        let tallies: Vec<&Tally> = reps.iter().map(|r| &r.topics[t]).collect();
        let frt: Vec<&FrtSummary> = reps.iter().map(|r| &r.topic_frt[t]).collect();
        contact_metrics(&mut m, &tallies, &frt, stat_days);
        topics.push((topic.name.clone(), m));
    }
    let months = stat_days / MONTH_DAYS;
    let agent_cost: Vec<f64> = reps
        .iter()
        .map(|r| {
            model
                .groups
                .iter()
                .zip(&r.groups)
                .map(|(g, s)| group_cost(g, s))
                .sum()
        })
        .collect();
    let fixed_automation = model.automation.as_ref().map_or(0.0, |a| a.monthly_cost)
        + model
            .knowledge_base
            .as_ref()
            .map_or(0.0, |k| k.monthly_cost);
    let per_conversation = model
        .automation
        .as_ref()
        .map_or(0.0, |a| a.cost_per_conversation);
    let automation_cost: Vec<f64> = reps
        .iter()
        .map(|r| {
            let conversations: u64 = r.channels.iter().map(|c| c.bot_conversations).sum();
            fixed_automation * months + per_conversation * conversations as f64
        })
        .collect();
    for (c, (_, m)) in channels.iter_mut().enumerate() {
        m.push(
            "automation_cost",
            reps.iter()
                .map(|r| Some(per_conversation * r.channels[c].bot_conversations as f64))
                .collect(),
        );
    }
    let mut agents = Vec::new();
    for (g, group) in model.groups.iter().enumerate() {
        let mut m = Metrics::default();
        m.push(
            "agents",
            vec![Some(f64::from(group.headcount())); reps.len()],
        );
        let s: Vec<Staffing> = reps.iter().map(|r| r.groups[g].clone()).collect();
        let handled: Vec<f64> = reps
            .iter()
            .map(|r| r.group_tally[g].answered as f64)
            .collect();
        staffing_metrics(&mut m, &s, &handled);
        m.push(
            "asa_seconds",
            reps.iter()
                .map(|r| {
                    ratio(
                        r.group_tally[g].wait_answered,
                        r.group_tally[g].answered as f64,
                    )
                })
                .collect(),
        );
        m.push(
            "aht_seconds",
            reps.iter()
                .map(|r| ratio(r.group_tally[g].handle, r.group_tally[g].answered as f64))
                .collect(),
        );
        m.push(
            "agent_cost",
            reps.iter()
                .map(|r| Some(group_cost(group, &r.groups[g])))
                .collect(),
        );
        agents.push((group.name.clone(), m));
    }
    let mut overall = Metrics::default();
    let totals: Vec<Tally> = reps
        .iter()
        .map(|r| {
            let mut t = Tally::default();
            r.channels.iter().for_each(|c| t.add(c));
            t
        })
        .collect();
    let hists: Vec<&FrtSummary> = reps.iter().map(|r| &r.overall_frt).collect();
    contact_metrics(
        &mut overall,
        &totals.iter().collect::<Vec<_>>(),
        &hists,
        stat_days,
    );
    let staff: Vec<Staffing> = reps
        .iter()
        .map(|r| {
            let mut s = Staffing::default();
            for g in &r.groups {
                s.available += g.available;
                s.busy += g.busy;
                s.scheduled += g.scheduled;
            }
            s
        })
        .collect();
    overall.push(
        "occupancy",
        staff.iter().map(|x| ratio(x.busy, x.available)).collect(),
    );
    overall.push(
        "scheduled_hours",
        staff.iter().map(|x| Some(x.scheduled / 3600.0)).collect(),
    );
    money_metrics(&mut overall, reps, &totals, &agent_cost, &automation_cost);
    Summary {
        schema: SCHEMA,
        scenario: ScenarioRef {
            name: model.name.clone(),
            file: file.to_string(),
        },
        seed: model.seed,
        replications: reps.len() as u32,
        days: model.days,
        warmup_days: model.warmup_days,
        interval_minutes: (model.interval / 60.0).round() as u32,
        channels: Named(channels),
        topics: Named(topics),
        agents: Named(agents),
        overall,
        channel_settings: Named(settings),
    }
}

/// What a group costs: its hourly cost times scheduled hours, or busy hours when it is billed
/// by handle time.
fn group_cost(g: &crate::model::Group, s: &Staffing) -> f64 {
    let seconds = if g.billed_by_handle_time {
        s.busy
    } else {
        s.scheduled
    };
    g.cost_per_hour * seconds / 3600.0
}

/// Customers, churn and money, overall.
fn money_metrics(
    out: &mut Metrics,
    reps: &[RepResult],
    totals: &[Tally],
    agent_cost: &[f64],
    automation_cost: &[f64],
) {
    let customers = |f: &dyn Fn(&crate::metrics::CustomerStats) -> f64| -> Vec<Option<f64>> {
        reps.iter().map(|r| r.customers.as_ref().map(f)).collect()
    };
    out.push("active_customers_start", customers(&|c| c.active_start));
    out.push("active_customers_end", customers(&|c| c.active_end));
    out.push("churned_customers", customers(&|c| c.churned as f64));
    out.push(
        "churned_baseline",
        customers(&|c| c.churned_baseline as f64),
    );
    out.push("acquired_customers", customers(&|c| c.acquired as f64));
    out.push("revenue_lost", customers(&|c| c.revenue_lost));
    out.push("lifetime_value_lost", customers(&|c| c.lifetime_value_lost));
    out.push("agent_cost", agent_cost.iter().map(|x| Some(*x)).collect());
    out.push(
        "automation_cost",
        automation_cost.iter().map(|x| Some(*x)).collect(),
    );
    let total: Vec<f64> = agent_cost
        .iter()
        .zip(automation_cost)
        .map(|(a, b)| a + b)
        .collect();
    out.push("total_cost", total.iter().map(|x| Some(*x)).collect());
    // Contacts served: answered by an agent or contained by the bot.
    out.push(
        "cost_per_contact",
        total
            .iter()
            .zip(totals)
            .map(|(c, t)| ratio(*c, (t.answered + t.contained) as f64))
            .collect(),
    );
    out.push(
        "cost_per_resolved",
        total
            .iter()
            .zip(totals)
            .map(|(c, t)| ratio(*c, t.resolved as f64))
            .collect(),
    );
    let lost = |r: &RepResult| r.customers.as_ref().map_or(0.0, |c| c.revenue_lost);
    out.push(
        "net_cost",
        total
            .iter()
            .zip(reps)
            .map(|(c, r)| Some(c + lost(r)))
            .collect(),
    );
}

/// Mean, P10 and P90 of one value across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Mean.
    pub mean: Option<f64>,
    /// 10th percentile.
    pub p10: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

impl Band {
    /// The band of the defined values.
    pub fn of(values: &[Option<f64>]) -> Band {
        let mut xs: Vec<f64> = values
            .iter()
            .flatten()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        if xs.is_empty() {
            return Band {
                mean: None,
                p10: None,
                p90: None,
            };
        }
        xs.sort_by(f64::total_cmp);
        let q = |p: f64| {
            // Linear interpolation between order statistics (Hyndman & Fan 1996, type 7).
            let h = (xs.len() - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(xs.len() - 1);
            xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
        };
        Band {
            mean: Some(xs.iter().sum::<f64>() / xs.len() as f64),
            p10: Some(q(0.1)),
            p90: Some(q(0.9)),
        }
    }
}

/// One row of `intervals.csv`: one interval of one channel.
#[derive(Debug, Clone)]
pub struct IntervalRow {
    /// Interval start, seconds from 00:00 of day 0.
    pub start: f64,
    /// Channel name.
    pub channel: String,
    /// Values in the order of [`INTERVAL_METRICS`].
    pub values: Vec<Band>,
}

/// Metrics of `intervals.csv`, in column order.
pub const INTERVAL_METRICS: [&str; 15] = [
    "offered",
    "handled",
    "abandoned",
    "blocked",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "backlog",
    "oldest_wait_seconds",
    "contained",
    "repeats",
    "csat",
    "active_customers",
    "frt_p50_seconds",
    "frt_p90_seconds",
];

/// One row of `agents_intervals.csv`: one interval of one agent group.
#[derive(Debug, Clone)]
pub struct GroupIntervalRow {
    /// Interval start, seconds from 00:00 of day 0.
    pub start: f64,
    /// Group name.
    pub group: String,
    /// Agents on the floor (mean over the interval), then occupancy.
    pub values: Vec<Band>,
}

/// Metrics of `agents_intervals.csv`, in column order.
pub const GROUP_INTERVAL_METRICS: [&str; 3] = ["scheduled_agents", "available_agents", "occupancy"];

/// Per-interval series of every channel and agent group, across replications.
pub fn intervals(model: &Model, reps: &[RepResult]) -> (Vec<IntervalRow>, Vec<GroupIntervalRow>) {
    // Runs made without time series have none to give.
    let ni = reps
        .iter()
        .map(|r| r.channel_intervals.len())
        .min()
        .unwrap_or(0)
        .min(model.stat_intervals());
    let len = model.interval;
    let mut rows = Vec::new();
    let mut grows = Vec::new();
    for i in 0..ni {
        let start = model.warmup_end() + i as f64 * len;
        for (c, ch) in model.channels.iter().enumerate() {
            let cell = |f: &dyn Fn(&crate::metrics::ChannelInterval) -> Option<f64>| {
                Band::of(
                    &reps
                        .iter()
                        .map(|r| f(&r.channel_intervals[i][c]))
                        .collect::<Vec<_>>(),
                )
            };
            let values = vec![
                cell(&|x| Some(x.tally.offered() as f64)),
                cell(&|x| Some(x.tally.answered as f64)),
                cell(&|x| Some(x.tally.abandoned as f64)),
                cell(&|x| Some(x.tally.blocked as f64)),
                cell(&|x| ratio(x.tally.within as f64, x.tally.offered() as f64)),
                cell(&|x| ratio(x.tally.wait_answered, x.tally.answered as f64)),
                cell(&|x| ratio(x.tally.abandoned as f64, x.tally.offered() as f64)),
                cell(&|x| Some(f64::from(x.queue_end))),
                cell(&|x| Some(x.oldest_end)),
                cell(&|x| Some(x.tally.contained as f64)),
                cell(&|x| Some(x.tally.repeats as f64)),
                cell(&|x| ratio(x.tally.satisfied as f64, x.tally.surveys as f64)),
                Band::of(
                    &reps
                        .iter()
                        .map(|r| r.active_customers.get(i).copied())
                        .collect::<Vec<_>>(),
                ),
                cell(&|x| Some(x.frt_p50).filter(|v| v.is_finite())),
                cell(&|x| Some(x.frt_p90).filter(|v| v.is_finite())),
            ];
            rows.push(IntervalRow {
                start,
                channel: ch.name.clone(),
                values,
            });
        }
        for (g, group) in model.groups.iter().enumerate() {
            let cell = |f: &dyn Fn(&Staffing) -> Option<f64>| {
                Band::of(
                    &reps
                        .iter()
                        .map(|r| f(&r.group_intervals[i][g]))
                        .collect::<Vec<_>>(),
                )
            };
            grows.push(GroupIntervalRow {
                start,
                group: group.name.clone(),
                values: vec![
                    cell(&|s| Some(s.scheduled / len)),
                    cell(&|s| Some(s.available / len)),
                    cell(&|s| ratio(s.busy, s.available)),
                ],
            });
        }
    }
    (rows, grows)
}

impl IntervalRow {
    /// The band of metric `name` (one of [`INTERVAL_METRICS`]).
    pub fn get(&self, name: &str) -> Option<&Band> {
        INTERVAL_METRICS
            .iter()
            .position(|m| *m == name)
            .and_then(|i| self.values.get(i))
    }
}

/// One day of the whole operation, across replications.
#[derive(Debug, Clone)]
pub struct DayRow {
    /// Day index from day 0.
    pub day: u32,
    /// Satisfied ÷ survey answers that day, all channels.
    pub csat: Band,
    /// Active customers at the end of the day (when modelled).
    pub active_customers: Band,
}

/// Daily CSAT and customer base: interval figures are too noisy for surveys.
pub fn daily(model: &Model, reps: &[RepResult]) -> Vec<DayRow> {
    let per_day = (crate::duration::DAY / model.interval).round() as usize;
    let ni = reps
        .iter()
        .map(|r| r.channel_intervals.len())
        .min()
        .unwrap_or(0)
        .min(model.stat_intervals());
    let mut out = Vec::new();
    let mut start = 0;
    while start < ni {
        let end = (start + per_day).min(ni);
        let csat: Vec<Option<f64>> = reps
            .iter()
            .map(|r| {
                let (mut sat, mut surveys) = (0u64, 0u64);
                for row in &r.channel_intervals[start..end] {
                    for c in row {
                        sat += c.tally.satisfied;
                        surveys += c.tally.surveys;
                    }
                }
                ratio(sat as f64, surveys as f64)
            })
            .collect();
        let active: Vec<Option<f64>> = reps
            .iter()
            .map(|r| r.active_customers.get(end - 1).copied())
            .collect();
        out.push(DayRow {
            day: model.warmup_days + (start / per_day) as u32,
            csat: Band::of(&csat),
            active_customers: Band::of(&active),
        });
        start = end;
    }
    out
}

/// Upper edges of the FRT distribution's buckets, seconds (the last is open-ended); the finite
/// ones are [`crate::metrics::FRT_EDGES`], which each replication counts.
pub const FRT_BUCKETS: [(f64, &str); 13] = [
    (0.0, "at once"),
    (10.0, "≤ 10 s"),
    (20.0, "≤ 20 s"),
    (30.0, "≤ 30 s"),
    (60.0, "≤ 1 min"),
    (120.0, "≤ 2 min"),
    (300.0, "≤ 5 min"),
    (900.0, "≤ 15 min"),
    (3600.0, "≤ 1 h"),
    (4.0 * 3600.0, "≤ 4 h"),
    (8.0 * 3600.0, "≤ 8 h"),
    (86_400.0, "≤ 1 day"),
    (f64::INFINITY, "> 1 day"),
];

/// Share of answered contacts per FRT bucket and channel, over all replications together.
pub fn frt_distribution(model: &Model, reps: &[RepResult]) -> Vec<(String, Vec<f64>)> {
    model
        .channels
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            // Counts add across replications: the same shares as one merged histogram.
            let count: u64 = reps.iter().map(|r| r.channel_frt[c].count).sum();
            let mut prev = 0.0;
            let shares = FRT_BUCKETS
                .iter()
                .enumerate()
                .map(|(k, (edge, _))| {
                    let at = if count == 0 {
                        0.0
                    } else if edge.is_finite() {
                        let n: u64 = reps.iter().map(|r| r.channel_frt[c].at_most[k]).sum();
                        n as f64 / count as f64
                    } else {
                        1.0
                    };
                    let share = (at - prev).max(0.0);
                    prev = at;
                    share
                })
                .collect();
            (ch.name.clone(), shares)
        })
        .collect()
}

/// Plain-language warnings about a run, for managers: what is wrong, where and when.
pub fn warnings(
    model: &Model,
    summary: &Summary,
    rows: &[IntervalRow],
    groups: &[GroupIntervalRow],
) -> Vec<String> {
    const WEEKDAY_NAMES: [&str; 7] = [
        "Mondays",
        "Tuesdays",
        "Wednesdays",
        "Thursdays",
        "Fridays",
        "Saturdays",
        "Sundays",
    ];
    let mut out = Vec::new();
    let week = 7.0 * crate::duration::DAY;
    for ch in &model.channels {
        let mine: Vec<&IntervalRow> = rows.iter().filter(|r| r.channel == ch.name).collect();
        // Backlog week by week (async channels, and any queue that carries over).
        let mut weekly: Vec<(f64, f64)> = Vec::new();
        for r in &mine {
            let w = ((r.start - model.warmup_end()) / week).floor() as usize;
            if weekly.len() <= w {
                weekly.resize(w + 1, (0.0, 0.0));
            }
            if let Some(b) = r.get("backlog").and_then(|b| b.mean) {
                weekly[w].0 += b;
                weekly[w].1 += 1.0;
            }
        }
        let means: Vec<f64> = weekly
            .iter()
            .filter(|w| w.1 > 0.0)
            .map(|w| w.0 / w.1)
            .collect();
        if ch.kind == crate::model::ChannelKind::Async && means.len() >= 3 {
            let rising = means.windows(2).filter(|p| p[1] > p[0] * 1.02).count();
            let last = means[means.len() - 1];
            if rising * 4 >= (means.len() - 1) * 3 && last > 1.5 * means[0].max(1.0) {
                out.push(format!(
                    "{} backlog grows every week (from {:.0} to {:.0} waiting on average): not enough capacity for this channel.",
                    ch.name, means[0], last
                ));
            }
        }
        // Service level against target, in intervals with traffic.
        if let Some(target) = ch.service_level_target {
            let with_traffic: Vec<f64> = mine
                .iter()
                .filter(|r| {
                    r.get("offered")
                        .and_then(|b| b.mean)
                        .is_some_and(|x| x >= 1.0)
                })
                .filter_map(|r| r.get("service_level").and_then(|b| b.mean))
                .collect();
            if !with_traffic.is_empty() {
                let met = with_traffic.iter().filter(|x| **x >= target).count() as f64
                    / with_traffic.len() as f64;
                if met < 0.8 {
                    out.push(format!(
                        "{} meets its {:.0}% service-level target in only {:.0}% of intervals with traffic.",
                        ch.name,
                        target * 100.0,
                        met * 100.0
                    ));
                }
            }
        }
        if let Some(ab) = summary
            .channels
            .get(&ch.name)
            .and_then(|m| m.get("abandon_rate"))
            .and_then(|s| s.mean)
            && ab > 0.1
        {
            out.push(format!(
                "{:.0}% of {} contacts abandon before an answer.",
                ab * 100.0,
                ch.name
            ));
        }
    }
    for g in &model.groups {
        let mut by_day = [(0.0, 0.0); 7];
        for r in groups.iter().filter(|r| r.group == g.name) {
            let (Some(occ), Some(avail)) = (r.values[2].mean, r.values[1].mean) else {
                continue;
            };
            if avail <= 0.0 {
                continue;
            }
            let day = (r.start / crate::duration::DAY).floor() as usize;
            let wd = (model.demand.start_weekday + day) % 7;
            by_day[wd].0 += occ * avail;
            by_day[wd].1 += avail;
        }
        let busy: Vec<&str> = by_day
            .iter()
            .enumerate()
            .filter(|(_, (o, a))| *a > 0.0 && o / a > 0.9)
            .map(|(d, _)| WEEKDAY_NAMES[d])
            .collect();
        if !busy.is_empty() {
            out.push(format!(
                "Occupancy above 90% for {} on {}: agents have no slack for peaks, breaks or coaching.",
                g.name,
                busy.join(", ")
            ));
        }
    }
    let open: f64 = summary
        .channels
        .0
        .iter()
        .filter_map(|(_, m)| m.get("open_at_end").and_then(|s| s.mean))
        .sum();
    if open >= 1.0 {
        out.push(format!(
            "{open:.0} contacts are still waiting when the simulation ends."
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frt_buckets_are_the_counted_edges() {
        for (k, edge) in crate::metrics::FRT_EDGES.iter().enumerate() {
            assert_eq!(FRT_BUCKETS[k].0, *edge);
        }
        assert!(FRT_BUCKETS[FRT_BUCKETS.len() - 1].0.is_infinite());
    }
}
