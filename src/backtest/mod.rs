//! Backtests: replay a log's own arrivals and reconstructed staffing through a scenario's
//! service model, day by day and many times, and set what really happened against the spread
//! of what the simulation says could have happened.

mod daily;
mod held;
mod tickets;

pub use tickets::{
    DayFigure, TicketBacktest, TicketBacktestOptions, TicketMetric, TicketScore, ticket_backtest,
    ticket_charts, ticket_csv,
};

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::contact_log::{Fate, LogRead};
use crate::duration::WEEKDAYS;
use crate::fit::{self, Staffing, TopicFit};
use crate::metrics::RepResult;
use crate::model::{ChannelId, Model, Shift, TopicId, TraceArrival};
use crate::report::Metric;

/// The metrics compared.
pub const METRICS: [Metric; 4] = [
    Metric::AsaSeconds,
    Metric::ServiceLevel,
    Metric::AbandonRate,
    Metric::Occupancy,
];

/// Choices of a backtest.
#[derive(Debug, Clone)]
pub struct BacktestOptions {
    /// Simulations of each day.
    pub replications: u32,
    /// Base seed (each day gets its own).
    pub seed: u64,
    /// Service-level threshold, seconds.
    pub answer_within: f64,
    /// Slot of the replayed staffing, seconds.
    pub staffing_slot: f64,
}

/// One compared figure: an hour of a day, or a whole day (`hour` = `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// Day, from 0.
    pub day: u32,
    /// Hour of the day, or `None` for the whole day.
    pub hour: Option<u32>,
    /// Metric key.
    pub metric: Metric,
    /// What happened.
    pub actual: f64,
    /// Contacts behind the actual figure (offered, or answered for ASA; agent-hours for
    /// occupancy).
    pub weight: f64,
    /// Mean over the simulations.
    pub mean: f64,
    /// 5th percentile of the simulations.
    pub p05: f64,
    /// 95th percentile of the simulations.
    pub p95: f64,
}

impl Cell {
    /// Whether the actual figure lies in the simulations' 90% band.
    pub fn inside(&self) -> bool {
        self.actual >= self.p05 - 1e-12 && self.actual <= self.p95 + 1e-12
    }
}

/// How well the simulation matched, for one metric at one level (hours or days).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Metric key.
    pub metric: Metric,
    /// "hour" or "day".
    pub level: &'static str,
    /// Figures compared.
    pub cells: usize,
    /// Share of actual figures inside the 90% band.
    pub coverage: f64,
    /// Mean of (simulated mean − actual), in the metric's unit.
    pub bias: f64,
    /// Mean of |simulated mean − actual| ÷ actual over figures with a non-zero actual (`None`
    /// when every actual is zero).
    pub mape: Option<f64>,
}

/// A backtest's result.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// Every compared figure.
    pub cells: Vec<Cell>,
    /// Scores per metric and level.
    pub scores: Vec<Score>,
    /// Days replayed.
    pub days: u32,
    /// Weekday of day 0.
    pub start_weekday: usize,
    /// Contacts replayed.
    pub contacts: usize,
    /// Simulations of each day.
    pub replications: u32,
    /// Actual figures that cannot be right (an occupancy above 100%: agents busier than the
    /// agents on duty the log shows), flagged and left out of the scores: (day, hour or
    /// `None` for the whole day, value).
    pub flagged: Vec<(u32, Option<u32>, f64)>,
    /// Contacts of a topic the model does not have (a `--scenario` fitted elsewhere), replayed
    /// as its largest topic of the same priority, or its first.
    pub unmatched_topic: usize,
}

#[derive(Default, Clone, Copy)]
struct Actual {
    offered: f64,
    answered: f64,
    abandoned: f64,
    within: f64,
    wait: f64,
    busy: f64,
    on_duty: f64,
}

impl Actual {
    fn metric(&self, k: Metric) -> Option<(f64, f64)> {
        match k {
            Metric::AsaSeconds => {
                (self.answered > 0.0).then(|| (self.wait / self.answered, self.answered))
            }
            Metric::ServiceLevel => {
                (self.offered > 0.0).then(|| (self.within / self.offered, self.offered))
            }
            Metric::AbandonRate => {
                (self.offered > 0.0).then(|| (self.abandoned / self.offered, self.offered))
            }
            _ => (self.on_duty > 0.0).then(|| (self.busy / self.on_duty, self.on_duty / 3600.0)),
        }
    }
}

/// Linear-interpolated quantile of sorted values (type 7 of Hyndman and Fan, 1996).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The agents of one day as shifts: the reconstructed on-duty count per slot, rounded and
/// stacked.
fn day_shifts(staffing: &Staffing, day: usize, slot_len: f64) -> Vec<Shift> {
    let k = ((slot_len / staffing.slot).round() as usize).max(1);
    let row = &staffing.on_duty[day];
    let profile: Vec<u32> = row
        .chunks(k)
        .map(|c| (c.iter().sum::<f64>() / c.len() as f64).round() as u32)
        .collect();
    let len = staffing.slot * k as f64;
    crate::staff::stack(&profile)
        .into_iter()
        .map(|((a, b), count)| Shift {
            days: [true; 7],
            start: a as f64 * len,
            end: b as f64 * len,
            count,
            breaks: Vec::new(),
        })
        .collect()
}

/// The actual figures of every day and hour of `log`, each day's arrivals as a trace of
/// `base`'s topics, and how many of them are of a topic `base` does not have.
fn actuals(
    log: &LogRead,
    base: &Model,
    topics: &[TopicFit],
    staffing: &Staffing,
    opts: &BacktestOptions,
) -> (Vec<Vec<Actual>>, Vec<Vec<TraceArrival>>, usize) {
    let days = log.contacts.iter().map(|c| c.day + 1).max().unwrap_or(0);
    let hours = 24usize;
    // Which model topic each logged contact is: by the fitted topic's name, else the model's
    // largest topic of the same priority, else the first.
    let mut unmatched = 0;
    let mut topic_index = |c: &crate::contact_log::LoggedContact| -> u32 {
        let by_name = fit::topic_of(topics, c.priority, log.topic_name(c))
            .and_then(|t| base.topics.iter().position(|m| m.name == topics[t].name));
        if let Some(i) = by_name {
            return i as u32;
        }
        unmatched += 1;
        base.topics
            .iter()
            .enumerate()
            .filter(|(_, m)| m.priority == c.priority)
            .max_by(|a, b| a.1.share.total_cmp(&b.1.share))
            .map_or(0, |(i, _)| i as u32)
    };
    let mut actual = vec![vec![Actual::default(); hours]; days as usize];
    let mut traces: Vec<Vec<TraceArrival>> = vec![Vec::new(); days as usize];
    for c in &log.contacts {
        let h = ((c.time_of_day() / 3600.0) as usize).min(hours - 1);
        let a = &mut actual[c.day as usize][h];
        a.offered += 1.0;
        match c.fate {
            Fate::Answered => {
                a.answered += 1.0;
                a.wait += c.waited();
                a.within += f64::from(u8::from(c.waited() <= opts.answer_within));
            }
            Fate::Abandoned => a.abandoned += 1.0,
        }
        traces[c.day as usize].push(TraceArrival {
            time: c.time_of_day(),
            channel: ChannelId(0),
            topic: TopicId(topic_index(c)),
            age: 0.0,
            touch: 0,
        });
    }
    let per_hour = (3600.0 / staffing.slot).round() as usize;
    for (d, row) in actual.iter_mut().enumerate() {
        for (h, a) in row.iter_mut().enumerate() {
            let r = h * per_hour..(h + 1) * per_hour;
            a.on_duty = staffing.on_duty[d][r.clone()].iter().sum::<f64>() * staffing.slot;
            a.busy = staffing.busy[d][r].iter().sum();
        }
    }
    (actual, traces, unmatched)
}

/// Day `d` of the log as a model: `base` with the day's arrivals replayed, its agents on duty
/// as shifts of the first group, and a seed of its own.
fn day_model(
    base: &Model,
    log: &LogRead,
    staffing: &Staffing,
    opts: &BacktestOptions,
    d: usize,
    mut trace: Vec<TraceArrival>,
) -> Model {
    trace.sort_by(|a, b| a.time.total_cmp(&b.time));
    let mut m = base.clone();
    m.days = 1;
    m.warmup_days = 0;
    m.interval = 3600.0;
    m.replications = opts.replications;
    m.seed = opts
        .seed
        .wrapping_add((d as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    m.demand.start_weekday = (log.start_weekday + d) % 7;
    m.demand.weekday = [1.0; 7];
    m.customers = None;
    m.trace = Some(trace.into());
    if let Some(ch) = m.channels.first_mut() {
        ch.answer_within = opts.answer_within;
    }
    if let Some(g) = m.groups.first_mut() {
        g.shifts = day_shifts(staffing, d, opts.staffing_slot);
        g.around_the_clock = 0;
        g.planned_shrinkage = 0.0;
        g.absence = 0.0;
        g.absence_sd = 0.0;
        g.weekend_absence = 0.0;
        g.weekend_absence_sd = 0.0;
        if g.shifts.is_empty() {
            // No agent seen all day: a group with nobody on shift.
            g.shifts.push(Shift {
                days: [true; 7],
                start: 0.0,
                end: 1.0,
                count: 0,
                breaks: Vec::new(),
            });
        }
    }
    m.groups.truncate(1);
    m
}

/// Metric `k` in each replication, in hour `h` (or the whole day), sorted.
fn simulated(reps: &[RepResult], k: Metric, h: Option<usize>) -> Vec<f64> {
    // Agent-seconds of handle time per hour (attributed to the hour of arrival) or day.
    let talk = |r: &RepResult, h: Option<usize>| -> f64 {
        match h {
            Some(h) => r
                .channel_intervals
                .get(h)
                .map_or(0.0, |row| row[0].tally.handle),
            None => r.channels[0].handle,
        }
    };
    let mut v: Vec<f64> = reps
        .iter()
        .filter_map(|r| {
            let (t, st) = match h {
                Some(h) => (
                    &r.channel_intervals.get(h)?[0].tally,
                    &r.group_intervals.get(h)?[0],
                ),
                None => (&r.channels[0], &r.groups[0]),
            };
            let offered = (t.answered + t.abandoned + t.blocked) as f64;
            match k {
                Metric::AsaSeconds => (t.answered > 0).then(|| t.wait_answered / t.answered as f64),
                Metric::ServiceLevel => (offered > 0.0).then(|| t.within as f64 / offered),
                Metric::AbandonRate => (offered > 0.0).then(|| t.abandoned as f64 / offered),
                // Talk time only, as the log has it (after-call work is not in it).
                _ => (st.available > 0.0).then(|| talk(r, h) / st.available),
            }
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The cells of day `d`: each hour's and the whole day's actual figures against the
/// simulated band.
fn day_cells(
    reps: &[RepResult],
    d: usize,
    hours: &[Actual],
    cells: &mut Vec<Cell>,
    flagged: &mut Vec<(u32, Option<u32>, f64)>,
) {
    let mut push = |k: Metric, h: Option<usize>, a: &Actual| {
        let Some((value, weight)) = a.metric(k) else {
            return;
        };
        if k == Metric::Occupancy && value > 1.0 + 1e-9 {
            flagged.push((d as u32, h.map(|h| h as u32), value));
            return;
        }
        let v = simulated(reps, k, h);
        // A band needs most simulations to have the figure at all.
        if v.len() * 2 < reps.len() {
            return;
        }
        cells.push(Cell {
            day: d as u32,
            hour: h.map(|h| h as u32),
            metric: k,
            actual: value,
            weight,
            mean: v.iter().sum::<f64>() / v.len() as f64,
            p05: quantile(&v, 0.05),
            p95: quantile(&v, 0.95),
        });
    };
    let mut whole = Actual::default();
    for (h, a) in hours.iter().enumerate() {
        for k in METRICS {
            push(k, Some(h), a);
        }
        whole.offered += a.offered;
        whole.answered += a.answered;
        whole.abandoned += a.abandoned;
        whole.within += a.within;
        whole.wait += a.wait;
        whole.busy += a.busy;
        whole.on_duty += a.on_duty;
    }
    for k in METRICS {
        push(k, None, &whole);
    }
}

/// Coverage, bias and MAPE of every metric, per hour and per day.
fn scores(cells: &[Cell]) -> Vec<Score> {
    let mut scores = Vec::new();
    for level in ["hour", "day"] {
        for k in METRICS {
            let cs: Vec<&Cell> = cells
                .iter()
                .filter(|c| c.metric == k && (c.hour.is_some() == (level == "hour")))
                .collect();
            if cs.is_empty() {
                continue;
            }
            let n = cs.len() as f64;
            let nonzero: Vec<&&Cell> = cs.iter().filter(|c| c.actual.abs() > 0.0).collect();
            scores.push(Score {
                metric: k,
                level,
                cells: cs.len(),
                coverage: cs.iter().filter(|c| c.inside()).count() as f64 / n,
                bias: cs.iter().map(|c| c.mean - c.actual).sum::<f64>() / n,
                mape: (!nonzero.is_empty()).then(|| {
                    nonzero
                        .iter()
                        .map(|c| ((c.mean - c.actual) / c.actual).abs())
                        .sum::<f64>()
                        / nonzero.len() as f64
                }),
            });
        }
    }
    scores
}

/// Replays `log` through `base` (its channel 0, topics and first agent group), with the
/// log's arrivals and the agents on duty reconstructed by [`fit::staffing`]. `topics` are the
/// fitted topics that name each logged contact's topic in `base`. Fails when cancelled or
/// overloaded.
pub fn backtest(
    log: &LogRead,
    base: &Model,
    topics: &[TopicFit],
    staffing: &Staffing,
    opts: &BacktestOptions,
    cancel: &AtomicBool,
) -> Result<Backtest, crate::engine::Stopped> {
    let (actual, traces, unmatched_topic) = actuals(log, base, topics, staffing, opts);
    let (mut cells, mut flagged) = (Vec::new(), Vec::new());
    for (d, trace) in traces.into_iter().enumerate() {
        let m = day_model(base, log, staffing, opts, d, trace);
        let options = crate::RunOptions {
            cancel: Some(cancel),
            series: true,
            sink: None,
            keep: None,
        };
        let reps = crate::run_replications(&m, &|| {}, options)?;
        day_cells(&reps, d, &actual[d], &mut cells, &mut flagged);
    }
    Ok(Backtest {
        scores: scores(&cells),
        cells,
        days: actual.len() as u32,
        start_weekday: log.start_weekday,
        contacts: log.contacts.len(),
        replications: opts.replications,
        flagged,
        unmatched_topic,
    })
}

/// A backtest chart's lines: the simulated mean with its P5–P95 band, and the actual figure.
fn band_lines(
    mean: crate::plot::Series,
    lo: crate::plot::Series,
    hi: crate::plot::Series,
    actual: crate::plot::Series,
) -> Vec<crate::plot::Line> {
    use crate::plot::Line;
    vec![
        Line {
            label: "simulated mean, P5–P95".into(),
            values: mean,
            band: Some((lo, hi)),
            color: 0,
            dashed: false,
        },
        Line {
            label: "actual".into(),
            values: actual,
            band: None,
            color: 1,
            dashed: false,
        },
    ]
}

/// One chart per metric: the actual figure per hour against the simulations' 90% band.
pub fn charts(b: &Backtest) -> Vec<(String, crate::plot::Chart)> {
    use crate::plot::{Chart, TimeChart, YUnit};
    let mut out = Vec::new();
    for (level, per_day) in [("hour", 24usize), ("day", 1usize)] {
        for k in METRICS {
            let n = b.days as usize * per_day;
            let mut actual = vec![None; n];
            let mut mean = vec![None; n];
            let mut lo = vec![None; n];
            let mut hi = vec![None; n];
            for c in b.cells.iter().filter(|c| c.metric == k) {
                let i = match (level, c.hour) {
                    ("hour", Some(h)) => c.day as usize * 24 + h as usize,
                    ("day", None) => c.day as usize,
                    _ => continue,
                };
                actual[i] = Some(c.actual);
                mean[i] = Some(c.mean);
                lo[i] = Some(c.p05);
                hi[i] = Some(c.p95);
            }
            let x: Vec<f64> = (0..n)
                .map(|i| {
                    if per_day == 24 {
                        (i as f64 + 0.5) / 24.0
                    } else {
                        i as f64 + 0.5
                    }
                })
                .collect();
            let (unit, words) = match k {
                Metric::AsaSeconds => (YUnit::Duration, "average speed of answer"),
                Metric::ServiceLevel => (YUnit::Percent, "service level"),
                Metric::AbandonRate => (YUnit::Percent, "abandonment"),
                _ => (YUnit::Percent, "occupancy"),
            };
            let score = b
                .scores
                .iter()
                .find(|s| s.metric == k && s.level == level)
                .map_or(String::new(), |s| {
                    format!(" — {:.0}% inside the band", 100.0 * s.coverage)
                });
            out.push((
                format!("backtest-{}-{}", level, k.name().replace('_', "-")),
                Chart::Time(TimeChart {
                    title: format!("Backtest per {level}: {words}, actual against the simulated 90% band{score}"),
                    y_label: words.to_string(),
                    unit,
                    x,
                    lines: band_lines(mean, lo, hi, actual),
                    targets: Vec::new(),
                    start_weekday: b.start_weekday,
                    marks: Vec::new(),
                    x_axis: None,
                }),
            ));
        }
    }
    out
}

/// The cells as CSV.
pub fn csv(b: &Backtest) -> std::io::Result<Vec<u8>> {
    let header = [
        "day", "weekday", "hour", "metric", "actual", "weight", "sim_mean", "sim_p05", "sim_p95",
        "inside",
    ]
    .map(String::from)
    .to_vec();
    let rows = b.cells.iter().map(|c| {
        vec![
            (c.day + 1).to_string(),
            WEEKDAYS[(b.start_weekday + c.day as usize) % 7].to_string(),
            c.hour.map_or("all".to_string(), |h| format!("{h:02}")),
            c.metric.to_string(),
            c.actual.to_string(),
            c.weight.to_string(),
            c.mean.to_string(),
            c.p05.to_string(),
            c.p95.to_string(),
            c.inside().to_string(),
        ]
    });
    crate::export::csv_bytes(std::iter::once(header).chain(rows))
}
