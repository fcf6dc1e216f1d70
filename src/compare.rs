//! Comparing plans on common random numbers: every scenario runs on the same seeds, so the
//! difference of a metric is measured replication by replication (paired), which removes the
//! noise the plans share. Reported next to the unpaired standard error to show the gain.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::duration::format_duration;
use crate::report::{Metric, Metrics, Stat, Summary};

/// Schema tag of `compare.json`.
pub const SCHEMA: &str = "supportsim.compare/1";

/// The difference of one metric between a scenario and the first one.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The scenario compared with the first (its name).
    pub scenario: String,
    /// `overall`, `kind` (`live`: calls and chats; `written`: written work), `channel`,
    /// `topic` or `agents`.
    pub scope: &'static str,
    /// Channel, topic or group name (empty for overall).
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// Mean of the paired differences (this − first) with its 95% interval.
    pub paired: Stat,
    /// Standard error the difference would have from independent runs.
    pub unpaired_std_err: Option<f64>,
}

impl Serialize for Difference {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(9))?;
        m.serialize_entry("scenario", &self.scenario)?;
        m.serialize_entry("scope", self.scope)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("metric", self.metric.name())?;
        m.serialize_entry("mean", &self.paired.mean)?;
        m.serialize_entry("ci_low", &self.paired.ci_low)?;
        m.serialize_entry("ci_high", &self.paired.ci_high)?;
        m.serialize_entry("std_err", &self.paired.std_err)?;
        m.serialize_entry("unpaired_std_err", &self.unpaired_std_err)?;
        m.end()
    }
}

/// The result of `supportsim compare`: `compare.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The seed every scenario ran on.
    pub seed: u64,
    /// Replications of each scenario.
    pub replications: u32,
    /// Each scenario's summary, the first being the base.
    pub scenarios: Vec<Summary>,
    /// Every metric of every later scenario against the first.
    pub differences: Vec<Difference>,
}

fn paired(a: &Metrics, b: &Metrics, key: Metric) -> Option<(Stat, Option<f64>)> {
    let (va, vb) = (a.values(key)?, b.values(key)?);
    let d: Vec<Option<f64>> = va
        .iter()
        .zip(vb)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some(y - x),
            _ => None,
        })
        .collect();
    let unpaired = match (a.get(key)?.std_err, b.get(key)?.std_err) {
        (Some(x), Some(y)) => Some((x * x + y * y).sqrt()),
        _ => None,
    };
    Some((Stat::of(&d), unpaired))
}

fn scoped(s: &Summary) -> Vec<(&'static str, &str, &Metrics)> {
    let mut out = vec![("overall", "", &s.overall)];
    if s.kinds.0.len() > 1 {
        out.extend(s.kinds.0.iter().map(|(n, m)| ("kind", n.as_str(), m)));
    }
    out.extend(s.channels.0.iter().map(|(n, m)| ("channel", n.as_str(), m)));
    out.extend(s.topics.0.iter().map(|(n, m)| ("topic", n.as_str(), m)));
    out.extend(s.agents.0.iter().map(|(n, m)| ("agents", n.as_str(), m)));
    out
}

/// Every metric both summaries have, as paired differences `other − base`.
pub fn differences(base: &Summary, other: &Summary) -> Vec<Difference> {
    let mut out = Vec::new();
    let theirs = scoped(other);
    for (scope, name, mb) in scoped(base) {
        let Some((_, _, mo)) = theirs.iter().find(|(s, n, _)| *s == scope && *n == name) else {
            continue;
        };
        for (key, _) in &mb.0 {
            if let Some((stat, unpaired)) = paired(mb, mo, *key) {
                out.push(Difference {
                    scenario: other.scenario.name.clone(),
                    scope,
                    name: name.to_string(),
                    metric: *key,
                    paired: stat,
                    unpaired_std_err: unpaired,
                });
            }
        }
    }
    out
}

/// Builds the comparison of `summaries` (the first is the base).
pub fn compare(summaries: Vec<Summary>) -> Comparison {
    let differences = summaries
        .iter()
        .skip(1)
        .flat_map(|s| differences(&summaries[0], s))
        .collect();
    Comparison {
        schema: SCHEMA,
        seed: summaries.first().map_or(0, |s| s.seed),
        replications: summaries.first().map_or(0, |s| s.replications),
        scenarios: summaries,
        differences,
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Share,
    Seconds,
    Count,
    /// A score in points (NPS).
    Points,
}

/// The metrics a comparison table shows, with how to print them.
const KEY_METRICS: [(Metric, &str, Kind); 16] = [
    (Metric::ServiceLevel, "service level", Kind::Share),
    (Metric::AsaSeconds, "ASA", Kind::Seconds),
    (Metric::AbandonRate, "abandoned", Kind::Share),
    (Metric::Occupancy, "occupancy", Kind::Share),
    (Metric::BacklogMean, "backlog", Kind::Count),
    (Metric::Csat, "CSAT", Kind::Share),
    (Metric::NpsExpected, "NPS", Kind::Points),
    (Metric::Contained, "contained", Kind::Count),
    (Metric::ChurnedCustomers, "customers lost", Kind::Count),
    (Metric::RevenueLost, "revenue lost", Kind::Count),
    (Metric::AgentCost, "agent cost", Kind::Count),
    (Metric::AutomationCost, "automation cost", Kind::Count),
    (Metric::NetCost, "net cost", Kind::Count),
    (Metric::Hired, "hired", Kind::Count),
    (Metric::Leavers, "leavers", Kind::Count),
    (Metric::AgentsEnd, "agents at the end", Kind::Count),
];

fn show(x: f64, k: Kind, signed: bool) -> String {
    let sign = if signed && x > 0.0 {
        "+"
    } else if x < 0.0 {
        "-"
    } else {
        ""
    };
    let a = x.abs();
    match k {
        Kind::Share => {
            if signed {
                format!("{sign}{:.1} pts", a * 100.0)
            } else {
                format!("{:.1}%", a * 100.0)
            }
        }
        Kind::Seconds => format!("{sign}{}", format_duration(a)),
        Kind::Count => format!(
            "{sign}{}",
            crate::numbers::group_thousands(if a >= 100.0 { a.round() } else { a })
        ),
        Kind::Points if signed => format!("{sign}{a:.1} pts"),
        Kind::Points => format!("{sign}{a:.1}"),
    }
}

/// The comparison as text: each key metric per scenario, and each later scenario's paired
/// difference to the first with its 95% interval.
pub fn render_text(c: &Comparison) -> String {
    let mut out = String::new();
    let Some(base) = c.scenarios.first() else {
        return out;
    };
    out.push_str(&format!(
        "{} scenarios on the same {} replications (seed {}): differences are paired, replication by replication, against {}.\n\n",
        c.scenarios.len(),
        c.replications,
        c.seed,
        base.scenario.name
    ));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (scope, name, m) in scoped(base) {
        if scope == "topic" {
            continue;
        }
        for (key, label, kind) in KEY_METRICS {
            let Some(mean) = m.get(key).and_then(|s| s.mean) else {
                continue;
            };
            if scope == "kind" && name == "written" && key == Metric::AbandonRate {
                continue;
            }
            if scope != "overall"
                && matches!(
                    key,
                    Metric::RevenueLost | Metric::ChurnedCustomers | Metric::NetCost
                )
            {
                continue;
            }
            let what = match crate::model::KindGroup::from_key(name).filter(|_| scope == "kind") {
                Some(k) => format!("{} {label}", k.label()),
                None if name.is_empty() => label.to_string(),
                None => format!("{name} {label}"),
            };
            let mut row = vec![what, show(mean, kind, false)];
            for other in c.scenarios.iter().skip(1) {
                let d = c.differences.iter().find(|d| {
                    d.scenario == other.scenario.name
                        && d.scope == scope
                        && d.name == name
                        && d.metric == key
                });
                row.push(match d.map(|d| d.paired) {
                    Some(Stat {
                        mean: Some(m),
                        ci_low: Some(lo),
                        ci_high: Some(hi),
                        ..
                    }) => format!(
                        "{} [{}, {}]",
                        show(m, kind, true),
                        show(lo, kind, true),
                        show(hi, kind, true)
                    ),
                    Some(Stat { mean: Some(m), .. }) => show(m, kind, true),
                    _ => "—".into(),
                });
            }
            rows.push(row);
        }
    }
    let mut header = vec!["metric".to_string(), base.scenario.name.clone()];
    header.extend(
        c.scenarios
            .iter()
            .skip(1)
            .map(|s| format!("{} − {}", s.scenario.name, base.scenario.name)),
    );
    let header: Vec<&str> = header.iter().map(|h| h.as_str()).collect();
    crate::export::render_table(&mut out, &header, &rows);
    out
}
