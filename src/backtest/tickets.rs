//! Backtests of written work: from a date on, a service desk's own tickets are replayed through
//! a scenario's service model — the tickets opened then at their real times, and the tickets
//! still open at the start as a backlog carried in (those never answered wait for a first
//! response from their real opening; those answered come back for their next touch, at once
//! or, when they waited on someone, when the log shows the wait ending). The backlog is never
//! reset: each replication runs every scored day in one go. Each day's first responses, their
//! times, resolutions, resolution times and the backlog at the day's end are set against the
//! spread of the simulations.

use std::sync::atomic::AtomicBool;

use chrono::{Datelike, NaiveDateTime};
use rayon::prelude::*;
use serde::Serialize;

use super::daily::Daily;
use super::held::Holds;
use super::quantile;
use crate::duration::DAY;
use crate::engine::Stopped;
use crate::fit::{self, TopicFit};
use crate::model::{ChannelId, ChannelKind, Model, TopicId, TraceArrival};
use crate::tickets::{EventLog, Lifecycle};

/// The figures compared, per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketMetric {
    /// First responses made that day.
    FirstResponses,
    /// Median time from opening to first response, of the first responses made that day.
    FrtP50,
    /// Its 90th percentile.
    FrtP90,
    /// Tickets resolved that day.
    Resolutions,
    /// Median time from opening to resolution, of the tickets resolved that day.
    ResolutionP50,
    /// Its 90th percentile.
    ResolutionP90,
    /// Tickets open at the day's end.
    Backlog,
}

impl TicketMetric {
    /// Every metric, in report order.
    pub const ALL: [TicketMetric; 7] = [
        Self::FirstResponses,
        Self::FrtP50,
        Self::FrtP90,
        Self::Resolutions,
        Self::ResolutionP50,
        Self::ResolutionP90,
        Self::Backlog,
    ];

    /// Its key, as in CSV and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Self::FirstResponses => "first_responses",
            Self::FrtP50 => "frt_p50",
            Self::FrtP90 => "frt_p90",
            Self::Resolutions => "resolutions",
            Self::ResolutionP50 => "resolution_p50",
            Self::ResolutionP90 => "resolution_p90",
            Self::Backlog => "backlog",
        }
    }

    /// Its name in words.
    pub fn words(self) -> &'static str {
        match self {
            Self::FirstResponses => "first responses",
            Self::FrtP50 => "first response time, median",
            Self::FrtP90 => "first response time, P90",
            Self::Resolutions => "resolutions",
            Self::ResolutionP50 => "resolution time, median",
            Self::ResolutionP90 => "resolution time, P90",
            Self::Backlog => "backlog at day end",
        }
    }

    /// Whether it is a duration (seconds) rather than a count.
    pub fn is_time(self) -> bool {
        !matches!(
            self,
            Self::FirstResponses | Self::Resolutions | Self::Backlog
        )
    }
}

/// Choices of a backtest of written work.
#[derive(Debug, Clone)]
pub struct TicketBacktestOptions {
    /// The first scored moment (a midnight); what precedes it is history.
    pub from: NaiveDateTime,
    /// Days scored.
    pub days: u32,
    /// Simulations.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
    /// What the replayed tickets' topics are read from: as the scenario was fitted.
    pub queues: crate::tickets::Queues,
    /// Scored days (0 = `from`) on which the desk was closed: no agent works.
    pub closed: Vec<u32>,
}

/// One day's figure: what happened against the simulations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigure {
    /// Day, from 0.
    pub day: u32,
    /// Its date.
    pub date: String,
    /// The metric.
    pub metric: TicketMetric,
    /// What happened.
    pub actual: f64,
    /// Mean of the simulations.
    pub mean: f64,
    /// Their 5th percentile.
    pub p05: f64,
    /// Their 95th percentile.
    pub p95: f64,
}

impl DayFigure {
    /// The interval score of the day's central 90% band: its width plus 2 ÷ 0.1 times the
    /// distance of the actual outside it.
    pub fn interval_score(&self) -> f64 {
        let outside = (self.p05 - self.actual).max(0.0) + (self.actual - self.p95).max(0.0);
        (self.p95 - self.p05) + 20.0 * outside
    }

    /// Whether the actual figure lies in the simulations' 90% band.
    pub fn inside(&self) -> bool {
        self.actual >= self.p05 - 1e-9 && self.actual <= self.p95 + 1e-9
    }
}

/// How well one metric matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketScore {
    /// The metric.
    pub metric: TicketMetric,
    /// Days compared.
    pub days: usize,
    /// Share of days inside the 90% band.
    pub coverage: f64,
    /// Mean of (simulated mean − actual): seconds or tickets.
    pub bias: f64,
    /// Mean absolute percentage error of the simulated mean (over days with a non-zero actual).
    pub mape: Option<f64>,
    /// Mean interval score of the days' 90% bands (Gneiting & Raftery 2007): the band's width
    /// plus 20 times any distance the actual fell outside it — lower is better, and unlike
    /// coverage it does not reward a wider band (seconds or tickets).
    pub interval_score: f64,
}

/// A backtest of written work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketBacktest {
    /// Tickets open at the start, carried in.
    pub open_at_start: usize,
    /// Of them, waiting on someone with no end in the log before the horizon, or held on the
    /// desk with no end drawn before it (they stay open).
    pub open_and_waiting: usize,
    /// Of them, held on the desk after their first response past a sitting.
    pub held_at_start: usize,
    /// Tickets opened in the scored days, replayed.
    pub replayed: usize,
    /// Tickets carried in or replayed whose topic (category, or group) the scenario does not
    /// have: replayed as its first topic.
    pub unmatched_topic: usize,
    /// Days scored.
    pub days: u32,
    /// Weekday of the first scored day (0 = Monday).
    pub start_weekday: usize,
    /// Simulations.
    pub replications: u32,
    /// Every day's figures.
    pub figures: Vec<DayFigure>,
    /// Scores per metric.
    pub scores: Vec<TicketScore>,
}

/// Seconds from `from` to `t`.
fn since(from: NaiveDateTime, t: NaiveDateTime) -> f64 {
    (t - from).num_seconds() as f64
}

/// A day's figures from first-response and resolution times and the backlog at its end; a
/// percentile is `None` on a day without any.
fn day_values(frt: &mut [f64], res: &mut [f64], backlog: f64) -> [Option<f64>; 7] {
    frt.sort_by(f64::total_cmp);
    res.sort_by(f64::total_cmp);
    let q = |x: &[f64], p: f64| (!x.is_empty()).then(|| quantile(x, p));
    [
        Some(frt.len() as f64),
        q(frt, 0.5),
        q(frt, 0.9),
        Some(res.len() as f64),
        q(res, 0.5),
        q(res, 0.9),
        Some(backlog),
    ]
}

/// The backlog carried in and the tickets replayed, as a trace of `model`'s topics; the count
/// of carried tickets waiting with no return in the horizon, and the tickets opened by each
/// day's end (cumulative, from the carried backlog).
struct Replay {
    trace: Vec<TraceArrival>,
    /// Tickets carried in or replayed whose topic the scenario does not have.
    unmatched: usize,
    open_at_start: usize,
    waiting: usize,
    held: usize,
    replayed: usize,
    opened_by_day_end: Vec<f64>,
    /// First responses and resolutions given where a replayed ticket was created (on the
    /// phone, say: its first update already past the new states), per day: the same in every
    /// simulation.
    given_frt: Vec<Vec<f64>>,
    given_res: Vec<Vec<f64>>,
}

fn replay(
    log: &EventLog,
    model: &Model,
    topics: &[TopicFit],
    opts: &TicketBacktestOptions,
) -> Replay {
    let ranks = crate::tickets::priority_ranks(log);
    let topic_of = |t: &Lifecycle| -> Option<u32> {
        let rank = crate::tickets::rank_of(&ranks, t);
        // A ticket handed to another group before the start waits in that group's queue.
        let name = opts.queues.value_at(t, opts.from);
        fit::topic_of(topics, rank, name)
            .and_then(|i| model.topics.iter().position(|m| m.name == topics[i].name))
            .map(|i| i as u32)
    };
    // A ticket of no topic the scenario has is replayed as its first topic, and counted.
    let topic = |t: &Lifecycle| TopicId(topic_of(t).unwrap_or(0));
    let horizon = f64::from(opts.days) * DAY;
    let mut holds = Holds::of(&log.as_of(opts.from));
    let (from, mut r) = (
        opts.from,
        Replay {
            trace: Vec::new(),
            unmatched: 0,
            open_at_start: 0,
            waiting: 0,
            held: 0,
            replayed: 0,
            opened_by_day_end: vec![0.0; opts.days as usize],
            given_frt: vec![Vec::new(); opts.days as usize],
            given_res: vec![Vec::new(); opts.days as usize],
        },
    );
    r.unmatched = log
        .tickets
        .iter()
        .filter(|t| t.resolved.is_none_or(|x| x >= from) && since(from, t.opened) < horizon)
        .filter(|t| topic_of(t).is_none())
        .count();
    let arrival = |time: f64, t: &Lifecycle, touch: u16| TraceArrival {
        time,
        channel: ChannelId(0),
        topic: topic(t),
        age: since(t.opened, from).max(0.0),
        touch,
    };
    for t in &log.tickets {
        let open_at_start = t.opened < from && t.resolved.is_none_or(|x| x >= from);
        if open_at_start {
            r.open_at_start += 1;
            if t.first_response.is_none_or(|x| x >= from) {
                r.trace.push(arrival(0.0, t, 0));
                continue;
            }
            // Answered: waiting on someone at the start (back when the wait ends), held on
            // the desk past a sitting (back when such holds end), or in the agents' hands
            // (back at once).
            let waiting = t
                .pending
                .iter()
                .find(|p| p.start < from && p.end.is_none_or(|e| e >= from));
            match waiting.map(|p| p.end.map(|e| since(from, e))) {
                None => match Holds::age(t, from, log.handoffs).map(|age| holds.remaining(age)) {
                    None => r.trace.push(arrival(0.0, t, 1)),
                    Some(back) => {
                        r.held += 1;
                        match back.filter(|b| *b < horizon) {
                            Some(b) => r.trace.push(arrival(b, t, 1)),
                            None => r.waiting += 1,
                        }
                    }
                },
                Some(Some(back)) if back < horizon => r.trace.push(arrival(back, t, 1)),
                Some(_) => r.waiting += 1,
            }
        } else if t.opened >= from {
            let at = since(from, t.opened);
            if at < horizon {
                r.replayed += 1;
                let d = (at / DAY) as usize;
                for x in &mut r.opened_by_day_end[d..] {
                    *x += 1.0;
                }
                if !t.opened_in_work {
                    r.trace.push(TraceArrival {
                        age: 0.0,
                        ..arrival(at, t, 0)
                    });
                    continue;
                }
                // Created in work: answered (or resolved) where it was created; what remains
                // comes to the desk for its next touch.
                let fr = t.first_response.unwrap_or(t.opened);
                let day = |x: f64| (x < horizon).then(|| (x / DAY) as usize);
                if let Some(d) = day(since(from, fr)) {
                    r.given_frt[d].push(since(t.opened, fr));
                }
                if t.opened_resolved {
                    let x = t.resolved.unwrap_or(fr);
                    if let Some(d) = day(since(from, x)) {
                        r.given_res[d].push(since(t.opened, x));
                    }
                    continue;
                }
                r.trace.push(TraceArrival {
                    age: since(t.opened, fr),
                    ..arrival(since(from, fr), t, 1)
                });
            }
        }
    }
    for x in &mut r.opened_by_day_end {
        *x += r.open_at_start as f64;
    }
    // In time order; the backlog carried in at the start oldest first, as a queue serves it.
    r.trace
        .sort_by(|a, b| a.time.total_cmp(&b.time).then(b.age.total_cmp(&a.age)));
    r
}

/// What happened on each scored day, by metric (in [`TicketMetric::ALL`] order).
fn actuals(log: &EventLog, opts: &TicketBacktestOptions) -> Vec<[Option<f64>; 7]> {
    let n = opts.days as usize;
    let (mut frt, mut res) = (vec![Vec::new(); n], vec![Vec::new(); n]);
    let mut resolved_by_end = vec![0.0; n];
    let mut opened_by_end = vec![0.0; n];
    let day_of = |t: NaiveDateTime| {
        let s = since(opts.from, t);
        (s >= 0.0 && s < f64::from(opts.days) * DAY).then(|| (s / DAY) as usize)
    };
    for t in &log.tickets {
        if let Some(f) = t.first_response
            && let Some(d) = day_of(f)
        {
            frt[d].push(since(t.opened, f));
        }
        if let Some(x) = t.resolved
            && let Some(d) = day_of(x)
        {
            res[d].push(since(t.opened, x));
        }
        for d in 0..n {
            let end = opts.from + chrono::Days::new(d as u64 + 1);
            opened_by_end[d] += f64::from(u8::from(t.opened < end));
            resolved_by_end[d] += f64::from(u8::from(t.resolved.is_some_and(|x| x < end)));
        }
    }
    (0..n)
        .map(|d| {
            day_values(
                &mut frt[d],
                &mut res[d],
                opened_by_end[d] - resolved_by_end[d],
            )
        })
        .collect()
}

/// Replays `log` from `opts.from` through `model` (its first channel, an async one; topics
/// matched by the fitted `topics`): every replication runs all the scored days with the
/// backlog carried in. `progress` is called once per finished replication.
pub fn ticket_backtest(
    log: &EventLog,
    model: &Model,
    topics: &[TopicFit],
    opts: &TicketBacktestOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn() + Sync),
) -> Result<TicketBacktest, Stopped> {
    let replay = replay(log, model, topics, opts);
    let mut m = model.clone();
    m.days = opts.days;
    m.warmup_days = 0;
    m.replications = opts.replications;
    m.seed = opts.seed;
    m.demand.start_weekday = opts.from.weekday().num_days_from_monday() as usize;
    m.customers = None;
    m.trace = Some(replay.trace.clone().into());
    m.closed_days.clone_from(&opts.closed);
    let model_async: Vec<bool> = m
        .channels
        .iter()
        .map(|c| c.kind == ChannelKind::Async)
        .collect();
    let n = opts.days as usize;
    let sims: Vec<Vec<[Option<f64>; 7]>> = (0..opts.replications)
        .into_par_iter()
        .map(|rep| {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Stopped::Cancelled);
            }
            let mut sink = Daily {
                model_async: model_async.clone(),
                stamped_end: log.stamped == crate::tickets::Stamped::End,
                frt: vec![Vec::new(); n],
                res: vec![Vec::new(); n],
            };
            let options = crate::RunOptions {
                cancel: Some(cancel),
                series: false,
                sink: Some(&mut sink),
                keep: None,
            };
            crate::engine::simulate(&m, rep, options)?;
            progress();
            let mut resolved = 0.0;
            Ok((0..n)
                .map(|d| {
                    sink.frt[d].extend(&replay.given_frt[d]);
                    sink.res[d].extend(&replay.given_res[d]);
                    resolved += sink.res[d].len() as f64;
                    let backlog = replay.opened_by_day_end[d] - resolved;
                    day_values(&mut sink.frt[d], &mut sink.res[d], backlog)
                })
                .collect())
        })
        .collect::<Result<_, _>>()?;
    let actual = actuals(log, opts);
    let figures = figures(&actual, &sims, opts);
    Ok(TicketBacktest {
        open_at_start: replay.open_at_start,
        open_and_waiting: replay.waiting,
        held_at_start: replay.held,
        replayed: replay.replayed,
        unmatched_topic: replay.unmatched,
        days: opts.days,
        start_weekday: m.demand.start_weekday,
        replications: opts.replications,
        scores: scores(&figures),
        figures,
    })
}

/// Each day's figures against the simulations' band (a day and metric is compared when it has
/// an actual figure and at least half the simulations have one).
fn figures(
    actual: &[[Option<f64>; 7]],
    sims: &[Vec<[Option<f64>; 7]>],
    opts: &TicketBacktestOptions,
) -> Vec<DayFigure> {
    let mut out = Vec::new();
    for (d, day) in actual.iter().enumerate() {
        let date = (opts.from + chrono::Days::new(d as u64)).date();
        for (k, metric) in TicketMetric::ALL.iter().enumerate() {
            let Some(a) = day[k] else { continue };
            let mut v: Vec<f64> = sims.iter().filter_map(|s| s[d][k]).collect();
            if v.len() * 2 < sims.len() || v.is_empty() {
                continue;
            }
            v.sort_by(f64::total_cmp);
            out.push(DayFigure {
                day: d as u32,
                date: date.format("%Y-%m-%d").to_string(),
                metric: *metric,
                actual: a,
                mean: v.iter().sum::<f64>() / v.len() as f64,
                p05: quantile(&v, 0.05),
                p95: quantile(&v, 0.95),
            });
        }
    }
    out
}

fn scores(figures: &[DayFigure]) -> Vec<TicketScore> {
    TicketMetric::ALL
        .iter()
        .filter_map(|&k| {
            let fs: Vec<&DayFigure> = figures.iter().filter(|f| f.metric == k).collect();
            if fs.is_empty() {
                return None;
            }
            let n = fs.len() as f64;
            let nonzero: Vec<&&DayFigure> = fs.iter().filter(|f| f.actual.abs() > 0.0).collect();
            Some(TicketScore {
                metric: k,
                days: fs.len(),
                coverage: fs.iter().filter(|f| f.inside()).count() as f64 / n,
                bias: fs.iter().map(|f| f.mean - f.actual).sum::<f64>() / n,
                mape: (!nonzero.is_empty()).then(|| {
                    nonzero
                        .iter()
                        .map(|f| ((f.mean - f.actual) / f.actual).abs())
                        .sum::<f64>()
                        / nonzero.len() as f64
                }),
                interval_score: fs.iter().map(|f| f.interval_score()).sum::<f64>() / n,
            })
        })
        .collect()
}

/// One chart per metric: each day's actual figure against the simulations' 90% band.
pub fn ticket_charts(b: &TicketBacktest) -> Vec<(String, crate::plot::Chart)> {
    use crate::plot::{Chart, TimeChart, YUnit};
    let n = b.days as usize;
    TicketMetric::ALL
        .iter()
        .map(|&k| {
            let (mut actual, mut mean, mut lo, mut hi) =
                (vec![None; n], vec![None; n], vec![None; n], vec![None; n]);
            for f in b.figures.iter().filter(|f| f.metric == k) {
                let i = f.day as usize;
                (actual[i], mean[i], lo[i], hi[i]) =
                    (Some(f.actual), Some(f.mean), Some(f.p05), Some(f.p95));
            }
            let score = b
                .scores
                .iter()
                .find(|s| s.metric == k)
                .map_or(String::new(), |s| {
                    format!(" — {:.0}% of days inside the band", 100.0 * s.coverage)
                });
            let chart = Chart::Time(TimeChart {
                title: format!(
                    "Backtest of written work: {}, actual against the simulated 90% band{score}",
                    k.words()
                ),
                y_label: k.words().to_string(),
                unit: if k.is_time() {
                    YUnit::Duration
                } else {
                    YUnit::Count
                },
                x: (0..n).map(|i| i as f64 + 0.5).collect(),
                lines: super::band_lines(mean, lo, hi, actual),
                targets: Vec::new(),
                start_weekday: b.start_weekday,
                marks: Vec::new(),
                x_axis: None,
            });
            (format!("backtest-{}", k.key().replace('_', "-")), chart)
        })
        .collect()
}

/// Every day's figures as CSV.
pub fn ticket_csv(b: &TicketBacktest) -> std::io::Result<Vec<u8>> {
    let mut rows = vec![
        [
            "date", "metric", "actual", "sim_mean", "sim_p05", "sim_p95", "inside",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(b.figures.iter().map(|f| {
        vec![
            f.date.clone(),
            f.metric.key().to_string(),
            f.actual.to_string(),
            f.mean.to_string(),
            f.p05.to_string(),
            f.p95.to_string(),
            f.inside().to_string(),
        ]
    }));
    crate::export::csv_bytes(&rows)
}
