//! Time series across replications: per interval and channel, per interval and agent group,
//! per day, with the mean and the P10–P90 band; and the distribution of first-response times.

use super::Metric;
use super::figures::ratio;
use crate::metrics::RepResult;
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
    let values: Vec<Vec<f64>> = reps.iter().map(|r| compact(model, r)).collect();
    let slices: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
    let ni = reps
        .iter()
        .map(|r| series_intervals(model, r))
        .min()
        .unwrap_or(0);
    let mut rows = Vec::new();
    let mut grows = Vec::new();
    rows_of(model, 0, ni, &slices, &mut rows, &mut grows);
    (rows, grows)
}

/// Values one interval holds per replication: [`INTERVAL_METRICS`] for each channel, then
/// [`GROUP_INTERVAL_METRICS`] for each group.
pub(super) fn stride(model: &Model) -> usize {
    model.channels.len() * INTERVAL_METRICS.len()
        + model.groups.len() * GROUP_INTERVAL_METRICS.len()
}

/// Intervals of a replication's series in the statistics window.
pub(super) fn series_intervals(model: &Model, r: &RepResult) -> usize {
    r.channel_intervals.len().min(model.stat_intervals())
}

/// A replication's series as the report uses them: per interval, the values of
/// [`stride`] (NaN where undefined), then per day its CSAT (see [`daily`]).
pub(super) fn compact(model: &Model, r: &RepResult) -> Vec<f64> {
    let ni = series_intervals(model, r);
    let len = model.interval;
    let undefined = |x: Option<f64>| x.unwrap_or(f64::NAN);
    let mut v = Vec::with_capacity(ni * stride(model) + ni.div_ceil(per_day(model)));
    for i in 0..ni {
        let active = undefined(r.active_customers.get(i).copied());
        for x in &r.channel_intervals[i] {
            let t = &x.tally;
            v.extend([
                t.offered() as f64,
                t.answered as f64,
                t.abandoned as f64,
                t.blocked as f64,
                undefined(ratio(t.within as f64, t.offered() as f64)),
                undefined(ratio(t.wait_answered, t.answered as f64)),
                undefined(ratio(t.abandoned as f64, t.offered() as f64)),
                f64::from(x.queue_end),
                x.oldest_end,
                t.contained as f64,
                t.repeats as f64,
                undefined(ratio(t.satisfied as f64, t.surveys as f64)),
                active,
                x.frt_p50,
                x.frt_p90,
            ]);
        }
        for s in &r.group_intervals[i] {
            v.extend([
                s.scheduled / len,
                s.available / len,
                undefined(ratio(s.busy, s.available)),
            ]);
        }
    }
    let mut start = 0;
    while start < ni {
        let end = (start + per_day(model)).min(ni);
        let (mut sat, mut surveys) = (0u64, 0u64);
        for row in &r.channel_intervals[start..end] {
            for c in row {
                sat += c.tally.satisfied;
                surveys += c.tally.surveys;
            }
        }
        v.push(undefined(ratio(sat as f64, surveys as f64)));
        start = end;
    }
    v
}

fn per_day(model: &Model) -> usize {
    ((crate::duration::DAY / model.interval).round() as usize).max(1)
}

/// The band of one value across replications (non-finite values are undefined).
fn band(reps: &[&[f64]], at: usize) -> Band {
    Band::of(&reps.iter().map(|v| Some(v[at])).collect::<Vec<_>>())
}

/// Appends the rows of intervals `first..first + n`, given each replication's values of those
/// intervals (from interval `first` on, [`stride`] values each).
pub(super) fn rows_of(
    model: &Model,
    first: usize,
    n: usize,
    reps: &[&[f64]],
    rows: &mut Vec<IntervalRow>,
    grows: &mut Vec<GroupIntervalRow>,
) {
    let stride = stride(model);
    let channels = model.channels.len() * INTERVAL_METRICS.len();
    for k in 0..n {
        let start = model.warmup_end() + (first + k) as f64 * model.interval;
        let at = k * stride;
        for (c, ch) in model.channels.iter().enumerate() {
            let base = at + c * INTERVAL_METRICS.len();
            rows.push(IntervalRow {
                start,
                channel: ch.name.clone(),
                values: (0..INTERVAL_METRICS.len())
                    .map(|m| band(reps, base + m))
                    .collect(),
            });
        }
        for (g, group) in model.groups.iter().enumerate() {
            let base = at + channels + g * GROUP_INTERVAL_METRICS.len();
            grows.push(GroupIntervalRow {
                start,
                group: group.name.clone(),
                values: (0..GROUP_INTERVAL_METRICS.len())
                    .map(|m| band(reps, base + m))
                    .collect(),
            });
        }
    }
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
    let values: Vec<Vec<f64>> = reps.iter().map(|r| compact(model, r)).collect();
    let slices: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
    let ni = reps
        .iter()
        .map(|r| series_intervals(model, r))
        .min()
        .unwrap_or(0);
    let days: Vec<&[f64]> = slices
        .iter()
        .zip(reps)
        .map(|(v, r)| &v[series_intervals(model, r) * stride(model)..])
        .collect();
    days_of(model, ni, &days, &|d, end| {
        Some(slices[d][(end - 1) * stride(model) + ACTIVE])
    })
}

/// Index of active customers among a channel's [`INTERVAL_METRICS`] values.
pub(super) const ACTIVE: usize = 12;

/// The day rows of `ni` intervals, given each replication's per-day CSAT values and, for
/// replication `d` and interval end `end`, its active customers then.
pub(super) fn days_of(
    model: &Model,
    ni: usize,
    csat: &[&[f64]],
    active: &dyn Fn(usize, usize) -> Option<f64>,
) -> Vec<DayRow> {
    let per_day = per_day(model);
    let mut out = Vec::new();
    let (mut start, mut day) = (0, 0);
    while start < ni {
        let end = (start + per_day).min(ni);
        out.push(DayRow {
            day: model.warmup_days + (start / per_day) as u32,
            csat: band(csat, day),
            active_customers: Band::of(
                &(0..csat.len()).map(|d| active(d, end)).collect::<Vec<_>>(),
            ),
        });
        start = end;
        day += 1;
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
