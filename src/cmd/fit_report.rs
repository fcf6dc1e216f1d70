//! What `supportsim fit` tells about a log: the JSON report and the text listing, with every
//! row it skipped and why.

use std::path::Path;

use serde::Serialize;

use supportsim::contact_log::LogRead;
use supportsim::duration::WEEKDAYS;
use supportsim::fit::{self, Est, Fit};
use supportsim::mle::DistFit;
use supportsim::numbers::group_thousands;

#[derive(Serialize)]
struct DistReport {
    family: &'static str,
    mean_seconds: Est,
    cv: Est,
    log_likelihood: f64,
    aic: f64,
    ks_distance: f64,
    events: usize,
    censored: usize,
}

fn dist_report(d: &DistFit) -> DistReport {
    DistReport {
        family: match d.family {
            supportsim::dist::Family::Exponential => "exponential",
            supportsim::dist::Family::Lognormal => "lognormal",
            supportsim::dist::Family::Gamma => "gamma",
            supportsim::dist::Family::Fixed => "fixed",
        },
        mean_seconds: Est {
            value: d.mean,
            se: d.mean_se,
        },
        cv: Est {
            value: d.cv,
            se: d.cv_se,
        },
        log_likelihood: d.log_likelihood,
        aic: d.aic,
        ks_distance: d.distance,
        events: d.events,
        censored: d.censored,
    }
}

#[derive(Serialize)]
struct TopicReport {
    name: String,
    values: Vec<String>,
    priority: u32,
    offered: usize,
    share: Est,
    handle_time: Vec<DistReport>,
}

#[derive(Serialize)]
struct SkipReport {
    reason: &'static str,
    /// The outcome value or the column the reason names.
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    rows: u64,
    first_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_problem: Option<String>,
    description: String,
}

fn skip_reports(log: &LogRead) -> Vec<SkipReport> {
    log.skipped
        .iter()
        .map(|(k, s)| SkipReport {
            reason: k.code(),
            subject: k.subject().map(str::to_string),
            rows: s.rows,
            first_line: s.first_line,
            first_problem: s.first_problem.clone(),
            description: k.to_string(),
        })
        .collect()
}

#[derive(Serialize)]
struct FitReport {
    schema: &'static str,
    log: String,
    rows: u64,
    /// Every row not read as a contact, by reason; `rows` = `offered` + their sum.
    skipped: Vec<SkipReport>,
    days: u32,
    start_weekday: &'static str,
    offered: usize,
    answered: usize,
    abandoned: usize,
    per_day: Est,
    day_cv: Est,
    weekday: std::collections::BTreeMap<&'static str, Option<Est>>,
    interval_seconds: f64,
    /// Mean contacts per interval with standard errors, per weekday.
    profile: std::collections::BTreeMap<&'static str, Vec<Est>>,
    topics: Vec<TopicReport>,
    handle_time: Vec<DistReport>,
    patience: Vec<DistReport>,
    after_call_work: Vec<DistReport>,
    patience_by_priority: std::collections::BTreeMap<u32, Vec<DistReport>>,
    patience_kaplan_meier: Vec<(f64, f64, f64)>,
    agents_named: Option<usize>,
    agents_on_duty_mean: Option<f64>,
}

pub(super) fn report(fit: &Fit, log: &LogRead, path: &Path) -> impl Serialize + use<> {
    FitReport {
        schema: "supportsim.fit/2",
        log: path.display().to_string(),
        rows: log.rows,
        skipped: skip_reports(log),
        days: fit.days,
        start_weekday: WEEKDAYS[fit.start_weekday],
        offered: fit.offered,
        answered: fit.answered,
        abandoned: fit.abandoned,
        per_day: fit.per_day,
        day_cv: fit.day_cv,
        weekday: (0..7)
            .map(|w| (WEEKDAYS[w], fit.weekday[w].map(|x| x.0)))
            .collect(),
        interval_seconds: fit.interval,
        profile: (0..7)
            .map(|w| (WEEKDAYS[w], fit.profile[w].clone()))
            .collect(),
        topics: fit
            .topics
            .iter()
            .map(|t| TopicReport {
                name: t.name.clone(),
                values: t.values.clone(),
                priority: t.priority,
                offered: t.offered,
                share: t.share,
                handle_time: t.handle.iter().map(dist_report).collect(),
            })
            .collect(),
        handle_time: fit.handle.iter().map(dist_report).collect(),
        patience: fit.patience.iter().map(dist_report).collect(),
        after_call_work: fit.after_call.iter().map(dist_report).collect(),
        patience_by_priority: fit
            .patience_by_priority
            .iter()
            .map(|(p, f)| (*p, f.iter().map(dist_report).collect()))
            .collect(),
        patience_kaplan_meier: fit
            .patience_km
            .iter()
            .map(|p| (p.time, p.survival, p.se))
            .collect(),
        agents_named: fit.staffing.as_ref().map(|s| s.agents),
        agents_on_duty_mean: fit.staffing.as_ref().map(|s| {
            let all: Vec<f64> = s.on_duty.iter().flatten().copied().collect();
            all.iter().sum::<f64>() / all.len().max(1) as f64
        }),
    }
}

/// The fit in a few lines; `written` for async work, where patience and after-call work are
/// not fitted.
pub(super) fn summary_text(fit: &Fit, log: &LogRead, written: bool) -> String {
    let skipped: u64 = log.skipped.values().map(|s| s.rows).sum();
    let mut rows = vec![vec![
        "rows read".to_string(),
        format!(
            "{} ({} contacts offered to the queue, {} skipped)",
            group_thousands(log.rows as f64),
            group_thousands(fit.offered as f64),
            group_thousands(skipped as f64)
        ),
    ]];
    for (reason, s) in &log.skipped {
        rows.push(vec![
            format!("  skipped {}", group_thousands(s.rows as f64)),
            match &s.first_problem {
                Some(p) => format!("{reason}; first at {p}"),
                None => format!("{reason}; first at line {}", s.first_line),
            },
        ]);
    }
    rows.extend([
        vec![
            "contacts offered".to_string(),
            format!(
                "{} ({} answered, {} abandoned)",
                group_thousands(fit.offered as f64),
                group_thousands(fit.answered as f64),
                group_thousands(fit.abandoned as f64)
            ),
        ],
        vec![
            "days".to_string(),
            format!("{} from {}", fit.days, log.first_date),
        ],
        vec![
            "per day".to_string(),
            format!("{:.1} ± {:.1}", fit.per_day.value, fit.per_day.se),
        ],
        vec![
            "day-to-day CV".to_string(),
            if fit.day_cv.se.is_finite() {
                format!("{:.3} ± {:.3}", fit.day_cv.value, fit.day_cv.se)
            } else {
                "not measured: a weekday must be seen on two days or more".to_string()
            },
        ],
        vec!["handle time".to_string(), fit::dist_note(&fit.handle)],
        vec![
            "patience".to_string(),
            if written {
                "not fitted: written contacts do not abandon".to_string()
            } else {
                fit::dist_note(&fit.patience)
            },
        ],
        vec![
            "patience by priority".to_string(),
            if written {
                "not fitted".to_string()
            } else if fit.patience_by_priority.is_empty() {
                "one class".to_string()
            } else {
                fit.patience_by_priority
                    .iter()
                    .map(|(p, f)| format!("priority {p}: {}", fit::dist_note(f)))
                    .collect::<Vec<_>>()
                    .join(" | ")
            },
        ],
        vec![
            "after-call work".to_string(),
            if written {
                "not fitted: gaps between an agent's tickets are not wrap-up of a call".to_string()
            } else if fit.after_call.is_empty() {
                format!(
                    "none seen ({} gaps while callers waited, median {:.1}s)",
                    fit.after_call_gaps.1, fit.after_call_gaps.0
                )
            } else {
                fit::dist_note(&fit.after_call)
            },
        ],
    ]);
    for t in &fit.topics {
        rows.push(vec![
            format!("topic {} (priority {})", t.name, t.priority),
            format!(
                "share {:.4} ± {:.4}; {}",
                t.share.value,
                t.share.se,
                if t.handle.is_empty() {
                    "handle time: the channel's".to_string()
                } else {
                    fit::dist_note(&t.handle)
                }
            ),
        ]);
    }
    if let Some(s) = &fit.staffing {
        rows.push(vec![
            "agents".to_string(),
            format!("{} named; on duty reconstructed as a lower bound", s.agents),
        ]);
    }
    listing(rows)
}

/// A fit's summary as a listing: each row's name and value (its two cells), values wrapped
/// at 100 columns.
pub(super) fn listing(rows: Vec<Vec<String>>) -> String {
    let pairs: Vec<(String, String)> = rows
        .into_iter()
        .map(|mut r| {
            let v = r.pop().unwrap_or_default();
            (r.pop().unwrap_or_default(), v)
        })
        .collect();
    let mut out = String::new();
    supportsim::export::render_pairs(&mut out, ("fitted", "value"), &pairs, 100);
    out
}
