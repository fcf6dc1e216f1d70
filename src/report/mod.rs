//! Across replications: every metric as mean, standard error and 95% Student-t confidence
//! interval, gathered in one serialisable [`Summary`] (schema `supportsim.summary/1`), plus
//! per-interval time series with P10–P90 bands.

mod figures;
mod kinds;
mod metric;
mod series;
mod store;
mod warnings;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

pub use metric::Metric;
pub use series::{
    Band, DayRow, FRT_BUCKETS, GROUP_INTERVAL_METRICS, GroupIntervalRow, INTERVAL_METRICS,
    IntervalRow, daily, frt_distribution, intervals,
};
pub use store::{CompactSeries, SeriesStore};
pub use warnings::warnings;

use crate::metrics::{FrtSummary, RepResult, Staffing, Tally};
use crate::model::{KindGroup, MONTH_DAYS, Model};
use figures::{contact_metrics, group_cost, money_metrics, ratio, staffing_metrics};

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

    /// The interval kept within `[lo, hi]`, the values the metric can take: a service level
    /// of 0.986 ± 0.018 reads [0.968, 1], never up to 1.004; a count never goes below 0.
    pub fn within(mut self, lo: f64, hi: f64) -> Stat {
        self.ci_low = self.ci_low.map(|x| x.max(lo));
        self.ci_high = self.ci_high.map(|x| x.min(hi));
        self
    }

    /// Whether the interval is mean ± half-width (not cut at a bound).
    pub fn is_symmetric(&self) -> bool {
        match (self.mean, self.ci_low, self.ci_high) {
            (Some(m), Some(lo), Some(hi)) => ((m - lo) - (hi - m)).abs() <= 1e-9 * (1.0 + m.abs()),
            _ => true,
        }
    }
}

/// Metrics in a fixed order, serialised as a JSON object keyed by their names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics(
    /// The metrics across replications.
    pub Vec<(Metric, Stat)>,
    /// Each metric's value per replication (same order), for paired comparisons.
    pub Vec<Vec<Option<f64>>>,
);

impl Metrics {
    /// The metric `metric`, if this set has it.
    pub fn get(&self, metric: Metric) -> Option<&Stat> {
        self.0.iter().find(|(k, _)| *k == metric).map(|(_, s)| s)
    }

    /// The metric called `name` (as in `summary.json`), if this set has it.
    pub fn named(&self, name: &str) -> Option<&Stat> {
        self.get(Metric::from_name(name)?)
    }

    /// The per-replication values of `metric`.
    pub fn values(&self, metric: Metric) -> Option<&[Option<f64>]> {
        let i = self.0.iter().position(|(k, _)| *k == metric)?;
        self.1.get(i).map(|v| v.as_slice())
    }

    /// Drops the metrics that would blend calls and chats with written work.
    pub(crate) fn drop_blends(&mut self) {
        let keep: Vec<bool> = self.0.iter().map(|(k, _)| !k.blends_kinds()).collect();
        let mut i = keep.iter();
        self.0.retain(|_| *i.next().unwrap_or(&true));
        let mut i = keep.iter();
        self.1.retain(|_| *i.next().unwrap_or(&true));
    }

    pub(crate) fn push(&mut self, metric: Metric, values: Vec<Option<f64>>) {
        // Every metric is a count, a duration, money or a share: none is below 0.
        let hi = if metric.is_share() {
            1.0
        } else {
            f64::INFINITY
        };
        let stat = Stat::of(&values).within(0.0, hi);
        self.0.push((metric, stat));
        self.1.push(values);
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k.name(), v)?;
        }
        map.end()
    }
}

/// Named entries in scenario order, serialised as a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T> Named<T> {
    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

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
    /// Some of the channel's topics have their own answer target (`answer_within` on the
    /// topic): its service level counts each contact against its topic's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub topic_targets: bool,
}

/// Whether some topic that comes by channel `c` has its own answer target.
pub fn topic_targets(model: &Model, c: usize) -> bool {
    model
        .topics
        .iter()
        .any(|t| t.answer_within.is_some() && t.channel_mix.get(c).is_some_and(|x| *x > 0.0))
}

impl ChannelSettings {
    /// The threshold as a table says it: the channel's, or "topic targets".
    pub fn within_label(&self) -> String {
        if self.topic_targets {
            "topic targets".to_string()
        } else {
            crate::duration::format_duration(self.answer_within_seconds)
        }
    }
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
    /// All channels together: counts, agent time, satisfaction and money; the figures that
    /// would blend calls and chats with written work (service level, waits, abandonment) only
    /// when every channel is of one kind group.
    pub overall: Metrics,
    /// Per kind group (`live`: calls and chats; `written`: async channels), the contact figures
    /// of its channels together.
    pub kinds: Named<Metrics>,
    /// Per kind group, each topic's figures on its channels (only when the scenario mixes kinds).
    #[serde(skip_serializing_if = "Named::is_empty")]
    pub topics_by_kind: Named<Named<Metrics>>,
    /// Kind and answer target of each channel.
    pub channel_settings: Named<ChannelSettings>,
}

impl Summary {
    /// The metrics of a channel, topic, agent group or kind group (`live`, `written`) called
    /// `name`, looked for in that order.
    pub fn scope(&self, name: &str) -> Option<&Metrics> {
        self.channels
            .get(name)
            .or_else(|| self.topics.get(name))
            .or_else(|| self.agents.get(name))
            .or_else(|| self.kinds.get(name))
    }

    /// A metric by the name `sweep --metric` takes: `key` (overall) or `name.key` (a channel,
    /// topic, agent group or kind group).
    pub fn metric(&self, spec: &str) -> Option<&Stat> {
        match spec.rsplit_once('.') {
            None => self.overall.named(spec),
            Some((name, key)) => self.scope(name)?.named(key),
        }
    }

    /// The topic rows to show: each topic's, or, when the scenario mixes calls or chats with
    /// written work, each topic's per kind group (with its group).
    pub fn topic_rows(&self) -> Vec<(&str, Option<KindGroup>, &Metrics)> {
        if self.topics_by_kind.is_empty() {
            return self
                .topics
                .0
                .iter()
                .map(|(n, m)| (n.as_str(), None, m))
                .collect();
        }
        self.topics_by_kind
            .0
            .iter()
            .flat_map(|(k, list)| {
                let k = KindGroup::from_key(k);
                list.0.iter().map(move |(n, m)| (n.as_str(), k, m))
            })
            .collect()
    }
}

/// Builds the summary of replications `reps` (in replication order) of `model`.
pub fn summarize(model: &Model, file: &str, reps: &[RepResult]) -> Summary {
    let stat_days = f64::from(model.days - model.warmup_days);
    let (channels, settings) = channel_metrics(model, reps, stat_days);
    let (topics, topics_by_kind) = kinds::topic_metrics(model, reps, stat_days);
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
        topics,
        agents: Named(group_metrics(model, reps)),
        overall: overall_metrics(model, reps, stat_days),
        kinds: kinds::kind_metrics(model, reps, stat_days),
        topics_by_kind,
        channel_settings: Named(settings),
    }
}

/// Each channel's settings, by name.
type ChannelSettingsList = Vec<(String, ChannelSettings)>;

/// Each channel's metrics (contacts, backlog, bot cost) and settings.
fn channel_metrics(
    model: &Model,
    reps: &[RepResult],
    stat_days: f64,
) -> (Vec<(String, Metrics)>, ChannelSettingsList) {
    let mut channels = Vec::new();
    let mut settings = Vec::new();
    let per_conversation = model
        .automation
        .as_ref()
        .map_or(0.0, |a| a.cost_per_conversation);
    for (c, ch) in model.channels.iter().enumerate() {
        let mut m = Metrics::default();
        let tallies: Vec<&Tally> = reps.iter().map(|r| &r.channels[c]).collect();
        let frt: Vec<&FrtSummary> = reps.iter().map(|r| &r.channel_frt[c]).collect();
        contact_metrics(&mut m, &tallies, &frt, stat_days, &model.csat);
        m.push(
            Metric::OpenAtEnd,
            reps.iter().map(|r| Some(r.open_end[c] as f64)).collect(),
        );
        let ni = model.stat_intervals() as f64;
        m.push(
            Metric::BacklogMean,
            reps.iter().map(|r| ratio(r.queue_sum[c], ni)).collect(),
        );
        m.push(
            Metric::BacklogMax,
            reps.iter()
                .map(|r| Some(f64::from(r.queue_max[c])))
                .collect(),
        );
        m.push(
            Metric::OldestWaitMaxSeconds,
            reps.iter().map(|r| Some(r.oldest_max[c])).collect(),
        );
        channels.push((ch.name.clone(), m));
        settings.push((
            ch.name.clone(),
            ChannelSettings {
                kind: ch.kind.name(),
                answer_within_seconds: ch.answer_within,
                service_level_target: ch.service_level_target,
                topic_targets: topic_targets(model, c),
            },
        ));
    }
    for (c, (_, m)) in channels.iter_mut().enumerate() {
        m.push(
            Metric::AutomationCost,
            reps.iter()
                .map(|r| Some(per_conversation * r.channels[c].bot_conversations as f64))
                .collect(),
        );
    }
    (channels, settings)
}

/// Each agent group's metrics: headcount, agent time, handled contacts, waits, cost.
fn group_metrics(model: &Model, reps: &[RepResult]) -> Vec<(String, Metrics)> {
    let mut agents = Vec::new();
    for (g, group) in model.groups.iter().enumerate() {
        let mut m = Metrics::default();
        m.push(
            Metric::Agents,
            vec![Some(f64::from(group.headcount())); reps.len()],
        );
        let hires: Vec<&crate::model::Hire> = model
            .hires
            .iter()
            .filter(|h| h.group as usize == g)
            .collect();
        if !hires.is_empty() {
            let hired: u32 = hires
                .iter()
                .filter(|h| h.day >= model.warmup_days)
                .map(|h| h.size)
                .sum();
            m.push(Metric::Hired, vec![Some(f64::from(hired)); reps.len()]);
            m.push(
                Metric::TrainingHours,
                reps.iter()
                    .map(|r| Some(r.groups[g].training / 3600.0))
                    .collect(),
            );
        }
        if group.attrition > 0.0 || !hires.is_empty() {
            let per_rep = |f: fn(&RepResult) -> &Vec<u64>| -> Vec<Option<f64>> {
                reps.iter().map(|r| Some(f(r)[g] as f64)).collect()
            };
            m.push(Metric::Leavers, per_rep(|r| &r.leavers));
            m.push(Metric::AgentsEnd, per_rep(|r| &r.agents_end));
        }
        let s: Vec<Staffing> = reps.iter().map(|r| r.groups[g].clone()).collect();
        let handled: Vec<f64> = reps
            .iter()
            .map(|r| r.group_tally[g].answered as f64)
            .collect();
        staffing_metrics(&mut m, &s, &handled);
        m.push(
            Metric::AsaSeconds,
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
            Metric::AhtSeconds,
            reps.iter()
                .map(|r| ratio(r.group_tally[g].handle, r.group_tally[g].answered as f64))
                .collect(),
        );
        m.push(
            Metric::AgentCost,
            reps.iter()
                .map(|r| Some(group_cost(group, &r.groups[g])))
                .collect(),
        );
        agents.push((group.name.clone(), m));
    }
    agents
}

/// The whole operation: every channel's contacts together, agent time, customers and money.
fn overall_metrics(model: &Model, reps: &[RepResult], stat_days: f64) -> Metrics {
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
    let mut overall = Metrics::default();
    let totals: Vec<Tally> = reps
        .iter()
        .map(|r| {
            let mut t = Tally::default();
            r.channels.iter().for_each(|c| t.add(c));
            t
        })
        .collect();
    contact_metrics(
        &mut overall,
        &totals.iter().collect::<Vec<_>>(),
        &kinds::overall_frt(model, reps),
        stat_days,
        &model.csat,
    );
    if model.mixes_kinds() {
        overall.drop_blends();
    }
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
        Metric::Occupancy,
        staff.iter().map(|x| ratio(x.busy, x.available)).collect(),
    );
    overall.push(
        Metric::ScheduledHours,
        staff.iter().map(|x| Some(x.scheduled / 3600.0)).collect(),
    );
    money_metrics(&mut overall, reps, &totals, &agent_cost, &automation_cost);
    overall
}
