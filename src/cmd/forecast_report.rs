//! What `supportsim forecast` prints and writes: the model's summary and the daily forecast as
//! a table or JSON, `forecast.csv`, `forecast-days.csv` and charts; for `--evaluate`, the
//! scores table, `evaluation.csv`, `evaluation-days.csv` and a coverage chart.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use supportsim::duration::{WEEKDAY_LABELS, hhmm};
use supportsim::export::{number, render_table};
use supportsim::forecast::evaluate::{Evaluation, Plan, Scored, Scores};
use supportsim::forecast::predict::{Band, Forecast, LEVELS};
use supportsim::forecast::{DispersionCheck, Model, yearly};
use supportsim::numbers::group_thousands;
use supportsim::plot::{self, Chart, Line, Series, Target, TimeChart, XAxis, YUnit};

use super::{Failure, csv_bytes};

/// Column names of the quantiles.
const QUANTILE_HEADER: [&str; 7] = ["p05", "p10", "p25", "p50", "p75", "p90", "p95"];

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn weekday_label(d: NaiveDate) -> &'static str {
    WEEKDAY_LABELS[d.weekday().num_days_from_monday() as usize]
}

fn half_life(m: &Model) -> String {
    m.profile
        .half_life_weeks
        .map_or("every week alike".into(), |h| {
            format!("half-life {h} weeks")
        })
}

fn yearly_text(m: &Model) -> String {
    match &m.yearly {
        Some(y) => format!("fitted, ±{}", pct(y.amplitude())),
        None => format!(
            "not fitted: the history spans {} days; it needs {}",
            (m.end - m.start).num_days() + 1,
            yearly::MIN_SPAN_DAYS
        ),
    }
}

/// The model in words: one (name, value) per part.
fn model_rows(m: &Model, checks: &[DispersionCheck]) -> Vec<(String, String)> {
    let d = &m.daily;
    let mut rows = vec![
        (
            "history".into(),
            format!(
                "{} to {}: {} days used, {} missing, {} outlying",
                m.start,
                m.end,
                m.days_used,
                m.missing.len(),
                m.outliers.len()
            ),
        ),
        (
            "daily level".into(),
            format!(
                "{}; alpha {:.3}, weekday gamma {:.3}{}",
                if d.trend { "damped trend" } else { "no trend" },
                d.params.alpha,
                d.params.gamma,
                if d.trend {
                    format!(", beta {:.3}, phi {:.2}", d.params.beta, d.params.phi)
                } else {
                    String::new()
                }
            ),
        ),
        (
            "day-to-day variation".into(),
            format!("{} (one day ahead, beyond Poisson)", pct(d.sigma)),
        ),
        ("yearly seasonality".into(), yearly_text(m)),
        ("intraday profile".into(), half_life(m)),
        (
            "within-day process".into(),
            format!(
                "sd {:.3}, correlation {:.3} per {} min",
                m.within.sigma,
                m.within.rho,
                m.step / 60
            ),
        ),
    ];
    if !checks.is_empty() {
        rows.push((
            "dispersion index".into(),
            checks
                .iter()
                .map(|c| {
                    format!(
                        "{} min {:.2} (model {:.2})",
                        c.minutes, c.history, c.simulated
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    for o in &m.outliers {
        rows.push((
            format!("outlying {} {}", weekday_label(o.date), o.date),
            format!(
                "{} contacts, expected {} (z {:.1}); left out of the fit",
                group_thousands(o.actual),
                group_thousands(o.expected),
                o.z
            ),
        ));
    }
    rows
}

/// The table `forecast` prints.
pub fn forecast_table(name: &str, m: &Model, f: &Forecast, checks: &[DispersionCheck]) -> String {
    let mut out = format!("forecast from {name}\n\n");
    for (k, v) in model_rows(m, checks) {
        let _ = writeln!(out, "{k:<24}{v}");
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = f
        .days
        .iter()
        .map(|d| {
            let mut r = vec![d.date.to_string(), weekday_label(d.date).to_string()];
            if d.closed {
                r.extend(["closed".into(), String::new(), String::new(), String::new()]);
            } else {
                r.push(group_thousands(d.total.mean));
                r.extend([0, 3, 6].map(|i| group_thousands(d.total.q[i])));
            }
            r
        })
        .collect();
    render_table(
        &mut out,
        &["date", "day", "mean", "p05", "p50", "p95"],
        &rows,
    );
    out
}

fn band_fields(b: &Band) -> Vec<String> {
    let mut v = vec![number(Some(b.mean))];
    v.extend(b.q.iter().map(|q| number(Some(*q))));
    v
}

/// forecast.csv, forecast-days.csv and the charts.
pub fn forecast_files(
    history: &supportsim::forecast::counts::Counts,
    m: &Model,
    f: &Forecast,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut rows = vec![{
        let mut h = vec!["date".to_string(), "interval_start".into(), "mean".into()];
        h.extend(QUANTILE_HEADER.map(String::from));
        h
    }];
    let mut days = vec![{
        let mut h = vec![
            "date".to_string(),
            "weekday".into(),
            "closed".into(),
            "factor".into(),
            "mean".into(),
        ];
        h.extend(QUANTILE_HEADER.map(String::from));
        h.extend(["log_sd", "within_sd", "within_rho", "within_step_seconds"].map(String::from));
        h
    }];
    for d in &f.days {
        for (j, b) in d.intervals.iter().enumerate() {
            let mut r = vec![
                d.date.to_string(),
                hhmm(f64::from(f.first_slot + j as u32 * f.step)),
            ];
            r.extend(band_fields(b));
            rows.push(r);
        }
        let mut r = vec![
            d.date.to_string(),
            weekday_label(d.date).to_string(),
            d.closed.to_string(),
            number(d.factor),
        ];
        r.extend(band_fields(&d.total));
        r.extend([
            number(Some(d.log_sd)),
            number(Some(m.within.sigma)),
            number(Some(m.within.rho)),
            m.step.to_string(),
        ]);
        days.push(r);
    }
    let charts = [
        ("forecast-days.svg", days_chart(history, m, f)),
        ("forecast-week.svg", week_chart(history, m, f)),
    ];
    let mut files = vec![
        ("forecast.csv".to_string(), csv_bytes(&rows)?),
        ("forecast-days.csv".to_string(), csv_bytes(&days)?),
    ];
    for (n, c) in charts {
        let svg = plot::svg(&c).map_err(|e| Failure::from(anyhow::anyhow!(e)))?;
        files.push((n.to_string(), svg.into_bytes()));
    }
    Ok(files)
}

/// Daily totals: the last eight weeks of history, then the forecast with its bands.
fn days_chart(history: &supportsim::forecast::counts::Counts, m: &Model, f: &Forecast) -> Chart {
    let first = m.end - chrono::Days::new(55);
    let last = f.days.last().map_or(m.end, |d| d.date);
    let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let by_date = |d: &NaiveDate| f.days.iter().find(|x| x.date == *d && !x.closed);
    let actual: Vec<Option<f64>> = dates
        .iter()
        .map(|d| history.days.get(d).map(|v| v.iter().sum()))
        .collect();
    let pick = |i: usize| -> Vec<Option<f64>> {
        dates
            .iter()
            .map(|d| by_date(d).map(|x| x.total.q[i]))
            .collect()
    };
    let mean: Vec<Option<f64>> = dates
        .iter()
        .map(|d| by_date(d).map(|x| x.total.mean))
        .collect();
    Chart::Time(TimeChart {
        title: "Contacts per day: history and forecast (50% and 90% bands)".into(),
        y_label: "contacts per day".into(),
        unit: YUnit::Count,
        x: (0..dates.len()).map(|i| i as f64).collect(),
        lines: vec![
            line("actual", actual, None, 6, false),
            line(
                "forecast, 90% band",
                mean.clone(),
                Some((pick(0), pick(6))),
                0,
                false,
            ),
            line("50% band", mean, Some((pick(2), pick(4))), 0, true),
        ],
        targets: vec![],
        start_weekday: first.weekday().num_days_from_monday() as usize,
        marks: Vec::new(),
        x_axis: None,
    })
}

/// Per interval: the last week of history, then the first week of the forecast.
fn week_chart(history: &supportsim::forecast::counts::Counts, m: &Model, f: &Forecast) -> Chart {
    let first = m.end - chrono::Days::new(6);
    let coarse = history.coarsened(f.step);
    let (mut x, mut actual, mut mean, mut lo, mut hi) = (vec![], vec![], vec![], vec![], vec![]);
    for (i, date) in first.iter_days().take(14).enumerate() {
        let fd = f.days.iter().find(|d| d.date == date && !d.closed);
        for j in 0..f.slots {
            x.push(i as f64 + f64::from(f.first_slot + j as u32 * f.step) / 86_400.0);
            actual.push(coarse.days.get(&date).map(|v| v[j]));
            mean.push(fd.map(|d| d.intervals[j].mean));
            lo.push(fd.map(|d| d.intervals[j].q[0]));
            hi.push(fd.map(|d| d.intervals[j].q[6]));
        }
        // A break between days.
        x.push(i as f64 + 0.999);
        for v in [&mut actual, &mut mean, &mut lo, &mut hi] {
            v.push(None);
        }
    }
    Chart::Time(TimeChart {
        title: format!(
            "Contacts per {} minutes: last week and forecast (90% band)",
            f.step / 60
        ),
        y_label: format!("contacts per {} min", f.step / 60),
        unit: YUnit::Count,
        x,
        lines: vec![
            line("actual", actual, None, 6, false),
            line("forecast, 90% band", mean, Some((lo, hi)), 0, false),
        ],
        targets: vec![],
        start_weekday: first.weekday().num_days_from_monday() as usize,
        marks: Vec::new(),
        x_axis: None,
    })
}

/// A line of a time chart.
fn line(
    label: &str,
    values: Vec<Option<f64>>,
    band: Option<(Series, Series)>,
    color: usize,
    dashed: bool,
) -> Line {
    Line {
        label: label.into(),
        values,
        band,
        color,
        dashed,
    }
}

fn band_json(b: &Band) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    o.insert("mean".into(), json!(b.mean));
    for (l, q) in LEVELS.iter().zip(b.q) {
        o.insert(format!("p{:02}", (l * 100.0).round() as u32), json!(q));
    }
    serde_json::Value::Object(o)
}

/// `forecast --json`.
pub fn forecast_json(
    name: &str,
    m: &Model,
    f: &Forecast,
    checks: &[DispersionCheck],
) -> serde_json::Value {
    json!({
        "schema": "supportsim.forecast/1",
        "history": name,
        "model": {
            "start": m.start, "end": m.end, "days_used": m.days_used,
            "missing": m.missing, "outliers": m.outliers, "open_weekdays": m.open,
            "daily": m.daily, "yearly": m.yearly, "profile_half_life_weeks": m.profile.half_life_weeks,
            "within_day": m.within, "within_day_fit": m.dispersion, "dispersion": checks,
        },
        "interval_minutes": f.step / 60,
        "days": f.days.iter().map(|d| json!({
            "date": d.date, "closed": d.closed, "factor": d.factor, "total": band_json(&d.total),
            "intervals": d.intervals.iter().enumerate().map(|(j, b)| {
                let mut v = band_json(b);
                v["start"] = json!(hhmm(f64::from(f.first_slot + j as u32 * f.step)));
                v
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn scores_rows(ev: &Evaluation) -> Vec<(&'static str, Scores)> {
    vec![
        ("intervals", Scores::of(ev.intervals.iter())),
        ("days", Scores::of(ev.days.iter())),
    ]
}

/// The table `forecast --evaluate` prints.
pub fn evaluation_table(name: &str, plan: &Plan, ev: &Evaluation) -> String {
    let mut out = format!(
        "rolling-origin evaluation of {name}: {} origins every {} days, {} to {}, each forecasting {} days; {}-minute intervals\n\n",
        ev.origins.len(),
        plan.every,
        ev.origins
            .first()
            .map_or(String::new(), ToString::to_string),
        ev.origins.last().map_or(String::new(), ToString::to_string),
        plan.horizon,
        plan.step / 60
    );
    let rows: Vec<Vec<String>> = scores_rows(ev)
        .into_iter()
        .map(|(k, s)| {
            vec![
                k.to_string(),
                group_thousands(s.points as f64),
                pct(s.coverage_50),
                pct(s.coverage_90),
                format!("{:+.1}%", 100.0 * s.bias),
                pct(s.mape),
                pct(s.naive_mape),
                format!("{:.3}", s.mase),
                format!("{:.3}", s.naive_mase),
            ]
        })
        .collect();
    render_table(
        &mut out,
        &[
            "scored",
            "points",
            "in 50% band",
            "in 90% band",
            "bias",
            "MAPE",
            "naive MAPE",
            "MASE",
            "naive MASE",
        ],
        &rows,
    );
    out.push_str("\nnaive: the same weekday a week before (seasonal naive); MASE scales errors by its in-sample error.\n");
    out
}

fn scored_rows(points: &[Scored]) -> Vec<Vec<String>> {
    let mut rows = vec![{
        let mut h = vec![
            "origin".to_string(),
            "date".into(),
            "interval_start".into(),
            "days_ahead".into(),
            "actual".into(),
            "mean".into(),
        ];
        h.extend(QUANTILE_HEADER.map(String::from));
        h.push("naive".into());
        h
    }];
    for p in points {
        let mut r = vec![
            p.origin.to_string(),
            p.date.to_string(),
            p.interval.map_or(String::new(), |s| hhmm(f64::from(s))),
            p.days_ahead.to_string(),
            number(Some(p.actual)),
        ];
        r.extend(band_fields(&p.band));
        r.push(number(p.naive));
        rows.push(r);
    }
    rows
}

/// Coverage by days ahead.
fn coverage_chart(ev: &Evaluation) -> Chart {
    let max = ev.days.iter().map(|d| d.days_ahead).max().unwrap_or(1);
    let ahead: Vec<u32> = (1..=max).collect();
    let cov = |pts: &[Scored], w: f64| -> Vec<Option<f64>> {
        ahead
            .iter()
            .map(|a| {
                let s: Vec<&Scored> = pts.iter().filter(|p| p.days_ahead == *a).collect();
                (!s.is_empty()).then(|| {
                    s.iter().filter(|p| p.band.covers(p.actual, w)).count() as f64 / s.len() as f64
                })
            })
            .collect()
    };
    Chart::Time(TimeChart {
        title: "Out-of-sample coverage of the forecast bands, by days ahead".into(),
        y_label: "actuals inside the band".into(),
        unit: YUnit::Percent,
        x: ahead.iter().map(|a| f64::from(*a)).collect(),
        lines: vec![
            line(
                "90% band, intervals",
                cov(&ev.intervals, 0.9),
                None,
                0,
                false,
            ),
            line("90% band, days", cov(&ev.days, 0.9), None, 0, true),
            line(
                "50% band, intervals",
                cov(&ev.intervals, 0.5),
                None,
                1,
                false,
            ),
            line("50% band, days", cov(&ev.days, 0.5), None, 1, true),
        ],
        targets: vec![
            Target {
                label: "90%".into(),
                value: 0.9,
                color: 0,
            },
            Target {
                label: "50%".into(),
                value: 0.5,
                color: 1,
            },
        ],
        start_weekday: 0,
        marks: Vec::new(),
        x_axis: Some(XAxis {
            label: "days ahead of the origin".into(),
            unit: YUnit::Count,
        }),
    })
}

/// evaluation.csv (every interval), evaluation-days.csv, evaluation-summary.csv and the chart.
pub fn evaluation_files(ev: &Evaluation) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut summary = vec![vec![
        "scored".to_string(),
        "points".into(),
        "coverage_50".into(),
        "coverage_90".into(),
        "bias".into(),
        "mape".into(),
        "naive_mape".into(),
        "mase".into(),
        "naive_mase".into(),
    ]];
    for (k, s) in scores_rows(ev) {
        summary.push(vec![
            k.to_string(),
            s.points.to_string(),
            number(Some(s.coverage_50)),
            number(Some(s.coverage_90)),
            number(Some(s.bias)),
            number(Some(s.mape)),
            number(Some(s.naive_mape)),
            number(Some(s.mase)),
            number(Some(s.naive_mase)),
        ]);
    }
    let svg = plot::svg(&coverage_chart(ev)).map_err(|e| Failure::from(anyhow::anyhow!(e)))?;
    Ok(vec![
        (
            "evaluation.csv".into(),
            csv_bytes(&scored_rows(&ev.intervals))?,
        ),
        (
            "evaluation-days.csv".into(),
            csv_bytes(&scored_rows(&ev.days))?,
        ),
        ("evaluation-summary.csv".into(), csv_bytes(&summary)?),
        ("evaluation.svg".into(), svg.into_bytes()),
    ])
}

/// `forecast --evaluate --json`.
pub fn evaluation_json(name: &str, plan: &Plan, ev: &Evaluation) -> serde_json::Value {
    let scores: serde_json::Map<String, serde_json::Value> = scores_rows(ev)
        .into_iter()
        .map(|(k, s)| (k.to_string(), json!(s)))
        .collect();
    json!({
        "schema": "supportsim.forecast-evaluation/1",
        "history": name,
        "origins": ev.origins,
        "every_days": plan.every,
        "horizon_days": plan.horizon,
        "interval_minutes": plan.step / 60,
        "scores": scores,
    })
}
