//! A lesson's series: per period (a week for runs of four weeks or more, a day for shorter
//! ones, the reporting interval for a single day), each replication's value, then their mean
//! and P10–P90 band across replications — the wait to a first answer of each kind group, the
//! backlog of written work, CSAT, and the active customers.

use serde::Serialize;

use crate::duration::DAY;
use crate::metrics::RepResult;
use crate::model::{KindGroup, Model};
use crate::report::Band;

/// The length of a lesson's periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Seven days.
    Week,
    /// One day.
    Day,
    /// The scenario's reporting interval.
    Interval,
}

/// The period a lesson on `model` draws its series by.
pub fn period_of(model: &Model) -> Period {
    match model.days - model.warmup_days {
        d if d >= 28 => Period::Week,
        d if d >= 2 => Period::Day,
        _ => Period::Interval,
    }
}

impl Period {
    /// Reporting intervals in one period.
    pub fn intervals(self, model: &Model) -> usize {
        let per_day = ((DAY / model.interval).round() as usize).max(1);
        match self {
            Period::Week => 7 * per_day,
            Period::Day => per_day,
            Period::Interval => 1,
        }
    }

    /// Periods in the statistics window (the last may be short).
    pub fn count(self, model: &Model) -> usize {
        model.stat_intervals().div_ceil(self.intervals(model))
    }

    /// Length of a period, seconds.
    pub fn seconds(self, model: &Model) -> f64 {
        self.intervals(model) as f64 * model.interval
    }
}

/// One series: mean, P10 and P90 per period, rounded to four significant digits (they are
/// drawn, not read as figures); `null` where no replication defines it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Line {
    /// Mean across replications.
    pub mean: Vec<Option<f64>>,
    /// 10th percentile.
    pub p10: Vec<Option<f64>>,
    /// 90th percentile.
    pub p90: Vec<Option<f64>>,
}

/// The series of one point, keyed `written.backlog`, `live.wait_seconds`, `csat`,
/// `active_customers`.
pub type SeriesSet = std::collections::BTreeMap<String, Line>;

/// The series [`series`] draws for `model`, with their words and units.
pub fn series_keys(model: &Model) -> Vec<(String, String, super::Unit)> {
    let mut out = Vec::new();
    for k in model.kind_groups() {
        let p = k.key();
        if k != KindGroup::Written {
            // Calls and chats wait minutes: no backlog is left at a period's end.
            out.push((
                format!("{p}.wait_seconds"),
                format!("Mean wait to a first answer, {}", k.label()),
                super::Unit::Seconds,
            ));
            continue;
        }
        out.push((
            format!("{p}.backlog"),
            format!("Waiting at the end of the period, {}", k.label()),
            super::Unit::Count,
        ));
        out.push((
            format!("{p}.wait_seconds"),
            format!("Mean wait to a first answer, {}", k.label()),
            super::Unit::Seconds,
        ));
    }
    out.push(("csat".into(), "CSAT".into(), super::Unit::Share));
    if model.customers.is_some() {
        out.push((
            "active_customers".into(),
            "Active customers".into(),
            super::Unit::Count,
        ));
    }
    out
}

/// The series of replications `reps` of `model` (run with their time series kept).
pub fn series(model: &Model, reps: &[RepResult]) -> SeriesSet {
    let period = period_of(model);
    let len = period.intervals(model);
    let periods = period.count(model);
    let kinds = model.kind_groups();
    let mut out = SeriesSet::new();
    for k in &kinds {
        let of_kind: Vec<usize> = (0..model.channels.len())
            .filter(|&c| model.channels[c].kind.group() == *k)
            .collect();
        let backlog = |r: &RepResult, p: usize| {
            let end = ((p + 1) * len).min(r.channel_intervals.len());
            let row = r.channel_intervals.get(end.checked_sub(1)?)?;
            Some(of_kind.iter().map(|&c| f64::from(row[c].queue_end)).sum())
        };
        // Undefined while any contact of the period still waited at the end of the run: the
        // mean of those answered would leave out the longest waits, and look better for it.
        let wait = |r: &RepResult, p: usize| {
            let (mut w, mut n, mut open) = (0.0, 0u64, 0u64);
            for row in intervals(r, p, len) {
                for &c in &of_kind {
                    w += row[c].tally.wait_answered;
                    n += row[c].tally.answered;
                    open += row[c].tally.open_late;
                }
            }
            (n > 0 && open == 0).then(|| w / n as f64)
        };
        if *k == KindGroup::Written {
            out.insert(
                format!("{}.backlog", k.key()),
                line(reps, periods, &backlog),
            );
        }
        out.insert(
            format!("{}.wait_seconds", k.key()),
            decided(reps, periods, &wait),
        );
    }
    let csat = |r: &RepResult, p: usize| {
        let (mut s, mut n) = (0u64, 0u64);
        for row in intervals(r, p, len) {
            for c in row {
                s += c.tally.satisfied;
                n += c.tally.surveys;
            }
        }
        (n > 0).then(|| s as f64 / n as f64)
    };
    out.insert("csat".into(), line(reps, periods, &csat));
    if model.customers.is_some() {
        let active = |r: &RepResult, p: usize| {
            let end = ((p + 1) * len).min(r.active_customers.len());
            r.active_customers.get(end.checked_sub(1)?).copied()
        };
        out.insert("active_customers".into(), line(reps, periods, &active));
    }
    out
}

/// The intervals of period `p` a replication has.
fn intervals(r: &RepResult, p: usize, len: usize) -> &[Vec<crate::metrics::ChannelInterval>] {
    let n = r.channel_intervals.len();
    &r.channel_intervals[(p * len).min(n)..((p + 1) * len).min(n)]
}

/// The mean and band of `value` per period across replications.
fn line(
    reps: &[RepResult],
    periods: usize,
    value: &dyn Fn(&RepResult, usize) -> Option<f64>,
) -> Line {
    banded(periods, &|p| reps.iter().map(|r| value(r, p)).collect())
}

/// The rounded bands of the replications' values of each period.
fn banded(periods: usize, values: &dyn Fn(usize) -> Vec<Option<f64>>) -> Line {
    let mut out = Line::default();
    for p in 0..periods {
        let b = Band::of(&values(p));
        out.mean.push(b.mean.map(round4));
        out.p10.push(b.p10.map(round4));
        out.p90.push(b.p90.map(round4));
    }
    out
}

/// [`line`], undefined in a period where any replication leaves the value undefined (keeping
/// the others would keep the replications that served better).
fn decided(
    reps: &[RepResult],
    periods: usize,
    value: &dyn Fn(&RepResult, usize) -> Option<f64>,
) -> Line {
    banded(periods, &|p| {
        let all: Option<Vec<Option<f64>>> = reps.iter().map(|r| value(r, p).map(Some)).collect();
        all.unwrap_or_default()
    })
}

/// `x` to four significant digits.
fn round4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits() {
        assert_eq!(round4(123_456.0), 123_500.0);
        assert_eq!(round4(0.012_345_6), 0.012_35);
        assert_eq!(round4(-7.0), -7.0);
        assert_eq!(round4(0.0), 0.0);
    }
}
