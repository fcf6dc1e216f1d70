//! The charts of a run, built from the report's time series: what a manager looks at first.

use crate::duration::DAY;
use crate::model::{ChannelKind, Model};
use crate::plot::{BarChart, Chart, Line, Target, TimeChart, YUnit};
use crate::report::Metric;
use crate::report::{Band, DayRow, FRT_BUCKETS, GroupIntervalRow, IntervalRow};

/// A chart with the file stem it is saved under.
#[derive(Debug, Clone)]
pub struct NamedChart {
    /// File stem, e.g. `service-level`.
    pub name: String,
    /// The chart.
    pub chart: Chart,
}

/// Most points a time chart draws; longer series are averaged into buckets.
const MAX_POINTS: usize = 1000;

/// Averages consecutive points into buckets of `k` (means of means and of band edges).
fn bucket(x: &[f64], bands: &[Band], k: usize) -> (Vec<f64>, Vec<Band>) {
    if k <= 1 {
        return (x.to_vec(), bands.to_vec());
    }
    let avg = |v: Vec<f64>| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let xs = x.chunks(k).map(|c| c[0]).collect();
    let bs = bands
        .chunks(k)
        .map(|c| Band {
            mean: avg(c.iter().filter_map(|b| b.mean).collect()),
            p10: avg(c.iter().filter_map(|b| b.p10).collect()),
            p90: avg(c.iter().filter_map(|b| b.p90).collect()),
        })
        .collect();
    (xs, bs)
}

fn line(label: &str, bands: &[Band], color: usize, with_band: bool) -> Line {
    Line {
        label: label.to_string(),
        values: bands.iter().map(|b| b.mean).collect(),
        band: with_band.then(|| {
            (
                bands.iter().map(|b| b.p10).collect(),
                bands.iter().map(|b| b.p90).collect(),
            )
        }),
        color,
        dashed: false,
    }
}

fn interval_words(model: &Model) -> &'static str {
    match model.interval as u32 {
        900 => "per 15 minutes",
        1800 => "per half hour",
        _ => "per hour",
    }
}

/// How many intervals make one point of a time chart, and the words for it: over more than
/// three weeks hourly detail is noise on a chart, so it shows days.
fn resolution(model: &Model) -> (usize, &'static str) {
    let ni = model.stat_intervals();
    let per_day = (DAY / model.interval).round() as usize;
    let k = if f64::from(model.days - model.warmup_days) > 21.0 {
        per_day.max(ni.div_ceil(MAX_POINTS))
    } else {
        ni.div_ceil(MAX_POINTS).max(1)
    };
    (
        k,
        if k >= per_day {
            "per day"
        } else {
            interval_words(model)
        },
    )
}

/// A channel's metric over time, bucketed by `k`; intervals without traffic left empty when
/// `only_traffic`.
fn channel_series(
    rows: &[IntervalRow],
    name: &str,
    metric: Metric,
    only_traffic: bool,
    k: usize,
) -> (Vec<f64>, Vec<Band>) {
    let mine: Vec<&IntervalRow> = rows.iter().filter(|r| r.channel == name).collect();
    let x: Vec<f64> = mine.iter().map(|r| r.start / DAY).collect();
    let b: Vec<Band> = mine
        .iter()
        .map(|r| {
            let traffic = r
                .get(Metric::Offered)
                .and_then(|o| o.mean)
                .is_some_and(|o| o >= 1.0);
            match r.get(metric) {
                Some(b) if traffic || !only_traffic => *b,
                _ => Band::of(&[]),
            }
        })
        .collect();
    bucket(&x, &b, k)
}

/// A group's occupancy over time, bucketed by `k`; empty where nobody is on the floor.
fn occupancy_series(groups: &[GroupIntervalRow], name: &str, k: usize) -> (Vec<f64>, Vec<Band>) {
    let mine: Vec<&GroupIntervalRow> = groups.iter().filter(|r| r.group == name).collect();
    let x: Vec<f64> = mine.iter().map(|r| r.start / DAY).collect();
    let b: Vec<Band> = mine
        .iter()
        .map(|r| {
            let on_floor = r.get(Metric::AvailableAgents).and_then(|b| b.mean);
            match r.get(Metric::Occupancy) {
                Some(occupancy) if on_floor.is_some_and(|a| a > 0.01) => *occupancy,
                _ => Band::of(&[]),
            }
        })
        .collect();
    bucket(&x, &b, k)
}

/// How a run's time charts are drawn: points per bucket, the words for them, day 0's weekday.
struct Scale<'m> {
    model: &'m Model,
    k: usize,
    per: &'static str,
    sw: usize,
}

/// Every chart of a run.
pub fn charts(
    model: &Model,
    rows: &[IntervalRow],
    groups: &[GroupIntervalRow],
    days: &[DayRow],
    frt_distribution: &[(String, Vec<f64>)],
) -> Vec<NamedChart> {
    let (k, per) = resolution(model);
    let c = Scale {
        model,
        k,
        per,
        sw: model.demand.start_weekday,
    };
    let mut out = Vec::new();
    wait_charts(&c, rows, &mut out);
    service_level_chart(&c, rows, &mut out);
    backlog_charts(&c, rows, &mut out);
    occupancy_chart(&c, groups, &mut out);
    daily_charts(&c, days, &mut out);
    distribution_chart(frt_distribution, &mut out);
    out
}

/// The wait to first answer of each channel: median and 90th percentile against the target.
fn wait_charts(c: &Scale<'_>, rows: &[IntervalRow], out: &mut Vec<NamedChart>) {
    let (k, per, sw) = (c.k, c.per, c.sw);
    // Wait to first answer, per channel.
    for (ci, ch) in c.model.channels.iter().enumerate() {
        let (x, p50) = channel_series(rows, &ch.name, Metric::FrtP50Seconds, false, k);
        let (_, p90) = channel_series(rows, &ch.name, Metric::FrtP90Seconds, false, k);
        let mut median = line("median wait", &p50, ci, false);
        median.band = None;
        let mut tail = line(
            "90% answered within (P10–P90 across runs shaded)",
            &p90,
            ci,
            true,
        );
        tail.dashed = true;
        out.push(NamedChart {
            name: format!("frt-{}", slug(&ch.name)),
            chart: Chart::Time(TimeChart {
                title: format!("{}: wait to first answer, contacts answered {per}", ch.name),
                y_label: "wait".into(),
                unit: YUnit::Duration,
                x,
                lines: vec![median, tail],
                targets: vec![Target {
                    label: format!(
                        "answer target {}{}",
                        crate::duration::format_duration(ch.answer_within),
                        if crate::report::topic_targets(c.model, ci) {
                            " (topics with their own: theirs)"
                        } else {
                            ""
                        }
                    ),
                    value: ch.answer_within,
                    color: 5,
                }],
                start_weekday: sw,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
    }
}

/// Service level per channel against its target.
fn service_level_chart(c: &Scale<'_>, rows: &[IntervalRow], out: &mut Vec<NamedChart>) {
    let (k, per, sw) = (c.k, c.per, c.sw);
    // Service level per channel.
    let mut lines = Vec::new();
    let mut targets = Vec::new();
    let mut x_sl = Vec::new();
    for (ci, ch) in c.model.channels.iter().enumerate() {
        let (x, b) = channel_series(rows, &ch.name, Metric::ServiceLevel, true, k);
        x_sl = x;
        lines.push(line(
            &format!(
                "{} (within {})",
                ch.name,
                if crate::report::topic_targets(c.model, ci) {
                    "topic targets".to_string()
                } else {
                    crate::duration::format_duration(ch.answer_within)
                }
            ),
            &b,
            ci,
            true,
        ));
        if let Some(t) = ch.service_level_target {
            targets.push(Target {
                label: format!("{} target {:.0}%", ch.name, t * 100.0),
                value: t,
                color: ci,
            });
        }
    }
    out.push(NamedChart {
        name: "service-level".into(),
        chart: Chart::Time(TimeChart {
            title: format!("Service level {per} (P10–P90 across runs shaded)"),
            y_label: "answered within target".into(),
            unit: YUnit::Percent,
            x: x_sl,
            lines,
            targets,
            start_weekday: sw,
            marks: Vec::new(),
            x_axis: None,
        }),
    });
}

/// The backlog of written channels and the age of their oldest ticket.
fn backlog_charts(c: &Scale<'_>, rows: &[IntervalRow], out: &mut Vec<NamedChart>) {
    let (k, sw) = (c.k, c.sw);
    // Backlog of written channels.
    let written: Vec<(usize, &crate::model::Channel)> = c
        .model
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ChannelKind::Async)
        .collect();
    if !written.is_empty() {
        let mut backlog = Vec::new();
        let mut age = Vec::new();
        let mut xs = Vec::new();
        for (ci, ch) in &written {
            let (x, b) = channel_series(rows, &ch.name, Metric::Backlog, false, k);
            let (_, a) = channel_series(rows, &ch.name, Metric::OldestWaitSeconds, false, k);
            xs = x;
            backlog.push(line(&ch.name, &b, *ci, true));
            age.push(line(&ch.name, &a, *ci, true));
        }
        out.push(NamedChart {
            name: "backlog".into(),
            chart: Chart::Time(TimeChart {
                title: "Open tickets waiting for a first reply, at the end of each interval".into(),
                y_label: "tickets waiting".into(),
                unit: YUnit::Count,
                x: xs.clone(),
                lines: backlog,
                targets: vec![],
                start_weekday: sw,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
        out.push(NamedChart {
            name: "backlog-age".into(),
            chart: Chart::Time(TimeChart {
                title: "Age of the oldest unanswered ticket".into(),
                y_label: "oldest wait".into(),
                unit: YUnit::Duration,
                x: xs,
                lines: age,
                targets: vec![],
                start_weekday: sw,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
    }
}

/// Occupancy per agent group.
fn occupancy_chart(c: &Scale<'_>, groups: &[GroupIntervalRow], out: &mut Vec<NamedChart>) {
    let (k, per, sw) = (c.k, c.per, c.sw);
    // Occupancy per agent group.
    let mut occ = Vec::new();
    let mut xo = Vec::new();
    for (gi, g) in c.model.groups.iter().enumerate() {
        let (x, b) = occupancy_series(groups, &g.name, k);
        xo = x;
        occ.push(line(&g.name, &b, gi, true));
    }
    out.push(NamedChart {
        name: "occupancy".into(),
        chart: Chart::Time(TimeChart {
            title: format!("Occupancy of agents on the floor, {per}"),
            y_label: "time busy on contacts".into(),
            unit: YUnit::Percent,
            x: xo,
            lines: occ,
            targets: vec![Target {
                label: "90%: no slack left".into(),
                value: 0.9,
                color: 6,
            }],
            start_weekday: sw,
            marks: Vec::new(),
            x_axis: None,
        }),
    });
}

/// Satisfaction and customers, per day.
fn daily_charts(c: &Scale<'_>, days: &[DayRow], out: &mut Vec<NamedChart>) {
    let sw = c.sw;
    // Satisfaction and customers, per day.
    let xd: Vec<f64> = days.iter().map(|d| f64::from(d.day)).collect();
    if days.iter().any(|d| d.csat.mean.is_some()) {
        let b: Vec<Band> = days.iter().map(|d| d.csat).collect();
        out.push(NamedChart {
            name: "csat".into(),
            chart: Chart::Time(TimeChart {
                title: "Customer satisfaction (CSAT) per day, from surveys".into(),
                y_label: "satisfied".into(),
                unit: YUnit::Percent,
                x: xd.clone(),
                lines: vec![line("CSAT (P10–P90 across runs shaded)", &b, 0, true)],
                targets: vec![],
                start_weekday: sw,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
    }
    if c.model.customers.is_some() {
        let b: Vec<Band> = days.iter().map(|d| d.active_customers).collect();
        out.push(NamedChart {
            name: "customers".into(),
            chart: Chart::Time(TimeChart {
                title: "Active customers at the end of each day".into(),
                y_label: "customers".into(),
                unit: YUnit::Count,
                x: xd,
                lines: vec![line("active customers (P10–P90 shaded)", &b, 2, true)],
                targets: vec![],
                start_weekday: sw,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
    }
}

/// The distribution of the wait to first answer, over the buckets some channel uses.
fn distribution_chart(frt_distribution: &[(String, Vec<f64>)], out: &mut Vec<NamedChart>) {
    // Distribution of the wait to first answer.
    let used: Vec<usize> = (0..FRT_BUCKETS.len())
        .filter(|i| {
            frt_distribution
                .iter()
                .any(|(_, v)| v.get(*i).is_some_and(|x| *x > 0.0005))
        })
        .collect();
    if !used.is_empty() {
        let (lo, hi) = (used[0], used[used.len() - 1]);
        out.push(NamedChart {
            name: "frt-distribution".into(),
            chart: Chart::Bars(BarChart {
                title: "How long answered contacts waited for a first answer".into(),
                y_label: "share of answered contacts".into(),
                categories: FRT_BUCKETS[lo..=hi]
                    .iter()
                    .map(|b| b.1.to_string())
                    .collect(),
                groups: frt_distribution
                    .iter()
                    .map(|(n, v)| (n.clone(), v[lo..=hi].to_vec()))
                    .collect(),
            }),
        });
    }
}

/// A file-name-safe version of a scenario name.
pub fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "channel".into() } else { s }
}

/// Overlay charts of several runs of the same operation (for `compare`): service level per
/// channel, and occupancy per agent group, one line per scenario, for the channels and groups
/// every scenario has.
pub fn overlays(
    models: &[Model],
    labels: &[String],
    runs: &[(Vec<IntervalRow>, Vec<GroupIntervalRow>)],
) -> Vec<NamedChart> {
    let mut out = Vec::new();
    let Some(first) = models.first() else {
        return out;
    };
    let (k, per) = resolution(first);
    for ch in &first.channels {
        if !models
            .iter()
            .all(|m| m.channels.iter().any(|c| c.name == ch.name))
        {
            continue;
        }
        let mut lines = Vec::new();
        let mut xs = Vec::new();
        for (si, (rows, _)) in runs.iter().enumerate() {
            let (x, b) = channel_series(rows, &ch.name, Metric::ServiceLevel, true, k);
            xs = x;
            lines.push(line(&labels[si], &b, si, true));
        }
        out.push(NamedChart {
            name: format!("compare-service-level-{}", slug(&ch.name)),
            chart: Chart::Time(TimeChart {
                title: format!(
                    "{}: service level {per}, by scenario (P10–P90 shaded)",
                    ch.name
                ),
                y_label: "answered within target".into(),
                unit: YUnit::Percent,
                x: xs,
                lines,
                targets: ch
                    .service_level_target
                    .map(|t| Target {
                        label: format!("target {:.0}%", t * 100.0),
                        value: t,
                        color: 6,
                    })
                    .into_iter()
                    .collect(),
                start_weekday: first.demand.start_weekday,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
    }
    for g in &first.groups {
        if !models
            .iter()
            .all(|m| m.groups.iter().any(|x| x.name == g.name))
        {
            continue;
        }
        let mut lines = Vec::new();
        let mut xs = Vec::new();
        for (si, (_, groups)) in runs.iter().enumerate() {
            let (x, b) = occupancy_series(groups, &g.name, k);
            xs = x;
            lines.push(line(&labels[si], &b, si, true));
        }
        out.push(NamedChart {
            name: format!("compare-occupancy-{}", slug(&g.name)),
            chart: Chart::Time(TimeChart {
                title: format!("{}: occupancy {per}, by scenario", g.name),
                y_label: "time busy on contacts".into(),
                unit: YUnit::Percent,
                x: xs,
                lines,
                targets: vec![],
                start_weekday: first.demand.start_weekday,
                marks: Vec::new(),
                x_axis: None,
            }),
        });
    }
    out
}
