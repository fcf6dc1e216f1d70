//! Time series across replications: per interval and channel, per interval and agent group,
//! per day, with the mean and the P10–P90 band; and the distribution of first-response times.

use super::Metric;
use super::figures::ratio;
use crate::metrics::{RepResult, Staffing};
use crate::model::Model;

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
pub const INTERVAL_METRICS: [Metric; 15] = [
    Metric::Offered,
    Metric::Handled,
    Metric::Abandoned,
    Metric::Blocked,
    Metric::ServiceLevel,
    Metric::AsaSeconds,
    Metric::AbandonRate,
    Metric::Backlog,
    Metric::OldestWaitSeconds,
    Metric::Contained,
    Metric::Repeats,
    Metric::Csat,
    Metric::ActiveCustomers,
    Metric::FrtP50Seconds,
    Metric::FrtP90Seconds,
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
pub const GROUP_INTERVAL_METRICS: [Metric; 3] = [
    Metric::ScheduledAgents,
    Metric::AvailableAgents,
    Metric::Occupancy,
];

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
    /// The band of `metric` (one of [`INTERVAL_METRICS`]).
    pub fn get(&self, metric: Metric) -> Option<&Band> {
        INTERVAL_METRICS
            .iter()
            .position(|m| *m == metric)
            .and_then(|i| self.values.get(i))
    }
}

impl GroupIntervalRow {
    /// The band of `metric` (one of [`GROUP_INTERVAL_METRICS`]).
    pub fn get(&self, metric: Metric) -> Option<&Band> {
        GROUP_INTERVAL_METRICS
            .iter()
            .position(|m| *m == metric)
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
