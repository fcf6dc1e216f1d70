//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network) with the
//! scenario's assumptions, headline figures with their confidence intervals, tables, charts and
//! plain-language warnings, to mail to a director or open on a laptop offline.

use std::fmt::Write as _;

use crate::duration::format_duration;
use crate::model::{ChannelKind, Model};
use crate::report::Metric;
use crate::report::{Metrics, Stat, Summary};

/// A chart ready for the page.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem of the chart.
    pub name: String,
    /// Caption.
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Fmt {
    Count,
    Percent,
    Duration,
    Money,
}

fn value(x: f64, f: Fmt) -> String {
    match f {
        Fmt::Count => {
            if x.abs() >= 100.0 {
                thousands(x.round())
            } else {
                format!("{x:.1}")
            }
        }
        Fmt::Percent => format!("{:.1}%", x * 100.0),
        Fmt::Duration => format_duration(x),
        Fmt::Money => thousands(x.round()),
    }
}

fn thousands(x: f64) -> String {
    crate::export::group_thousands(x.round())
}

/// "12.3% (11.9–12.7%)" or "—".
fn stat_text(s: Option<&Stat>, f: Fmt) -> String {
    let Some(s) = s else { return "—".into() };
    match (s.mean, s.ci_low, s.ci_high) {
        (Some(m), Some(lo), Some(hi)) => format!(
            "{} <span class=\"ci\">({}–{})</span>",
            escape(&value(m, f)),
            escape(&value(lo, f)),
            escape(&value(hi, f))
        ),
        (Some(m), _, _) => escape(&value(m, f)),
        _ => "—".into(),
    }
}

fn metric(m: &Metrics, key: Metric, f: Fmt) -> String {
    stat_text(m.get(key), f)
}

const CSS: &str = r#"
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #e2e4e8;border-radius:6px;padding:10px 14px;min-width:190px;flex:1}
.card .k{font-size:13px;color:#555}.card .v{font-size:22px;font-weight:bold;margin-top:2px}
.ci{color:#777;font-weight:normal;font-size:12px;white-space:nowrap}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}
th,td{border:1px solid #e2e4e8;padding:6px 8px;text-align:right}th{background:#eef0f3}
td:first-child,th:first-child{text-align:left}
.warn{background:#fff6e5;border:1px solid #f0c36d;border-radius:6px;padding:10px 16px}
.warn li{margin:4px 0}.ok{background:#eef8f1;border:1px solid #9fd3ae;border-radius:6px;padding:10px 16px}
figure{background:#fff;border:1px solid #e2e4e8;border-radius:6px;margin:0 0 18px;padding:8px}
figure svg{width:100%;height:auto;display:block}figcaption{font-size:13px;color:#555;padding:4px}
.note{font-size:13px;color:#555}
"#;

/// Renders the report page.
pub fn render(model: &Model, summary: &Summary, warnings: &[String], figures: &[Figure]) -> String {
    let mut h = String::new();
    let o = &summary.overall;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — supportsim report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(&summary.scenario.name)
    );
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"sub\">{} · {} replications × {} days ({} warm-up day{} left out of the statistics) · seed {} · supportsim {}</p>\n",
        escape(&summary.scenario.name),
        escape(&summary.scenario.file),
        summary.replications,
        summary.days,
        summary.warmup_days,
        if summary.warmup_days == 1 { "" } else { "s" },
        summary.seed,
        env!("CARGO_PKG_VERSION")
    );
    h.push_str("<p class=\"note\">Figures are means across replications; the brackets give the 95% confidence interval of the mean.</p>\n");

    // Headline figures.
    h.push_str("<h2>Headline figures</h2>\n<div class=\"cards\">\n");
    let mut cards: Vec<(&str, String)> = vec![
        (
            "Contacts offered per day",
            metric(o, Metric::OfferedPerDay, Fmt::Count),
        ),
        (
            "Service level (each channel's target time)",
            metric(o, Metric::ServiceLevel, Fmt::Percent),
        ),
        (
            "Average speed of answer",
            metric(o, Metric::AsaSeconds, Fmt::Duration),
        ),
        ("Abandoned", metric(o, Metric::AbandonRate, Fmt::Percent)),
        (
            "Agent occupancy",
            metric(o, Metric::Occupancy, Fmt::Percent),
        ),
        ("CSAT (surveys)", metric(o, Metric::Csat, Fmt::Percent)),
    ];
    if model.topics.iter().any(|t| t.fcr.is_some()) {
        cards.push((
            "First-contact resolution",
            metric(o, Metric::Fcr, Fmt::Percent),
        ));
        cards.push((
            "Repeat contacts",
            metric(o, Metric::RepeatRate, Fmt::Percent),
        ));
    }
    if model.automation.is_some() {
        cards.push((
            "Contained by the bot",
            metric(o, Metric::Contained, Fmt::Count),
        ));
    }
    if model.customers.is_some() {
        cards.push((
            "Customers lost over service",
            metric(o, Metric::ChurnedCustomers, Fmt::Count),
        ));
        cards.push(("Revenue lost", metric(o, Metric::RevenueLost, Fmt::Money)));
    }
    if o.get(Metric::TotalCost)
        .and_then(|s| s.mean)
        .is_some_and(|x| x > 0.0)
    {
        cards.push(("Agent cost", metric(o, Metric::AgentCost, Fmt::Money)));
        cards.push((
            "Automation cost",
            metric(o, Metric::AutomationCost, Fmt::Money),
        ));
    }
    for (k, v) in cards {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{v}</div></div>",
            escape(k)
        );
    }
    h.push_str("</div>\n");

    // Warnings.
    h.push_str("<h2>What needs attention</h2>\n");
    if warnings.is_empty() {
        h.push_str("<div class=\"ok\">No warnings: every channel meets its target in most intervals, no backlog grows and no group is above 90% occupancy.</div>\n");
    } else {
        h.push_str("<ul class=\"warn\">\n");
        for w in warnings {
            let _ = writeln!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul>\n");
    }

    // Channels.
    h.push_str("<h2>Channels</h2>\n<table>\n<tr><th>channel</th><th>offered / day</th><th>service level</th><th>ASA</th><th>90% answered within</th><th>abandoned</th><th>blocked</th><th>CSAT</th></tr>\n");
    for (name, m) in &summary.channels.0 {
        let settings = summary.channel_settings.get(name);
        let within = settings.map_or(String::new(), |s| {
            format!(" in {}", format_duration(s.answer_within_seconds))
        });
        let _ = writeln!(
            h,
            "<tr><td>{} ({})</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            settings.map_or("", |s| s.kind),
            metric(m, Metric::OfferedPerDay, Fmt::Count),
            metric(m, Metric::ServiceLevel, Fmt::Percent),
            escape(&within),
            metric(m, Metric::AsaSeconds, Fmt::Duration),
            metric(m, Metric::FrtP90Seconds, Fmt::Duration),
            metric(m, Metric::AbandonRate, Fmt::Percent),
            metric(m, Metric::BlockedRate, Fmt::Percent),
            metric(m, Metric::Csat, Fmt::Percent),
        );
    }
    h.push_str("</table>\n");

    // Agent groups.
    h.push_str("<h2>Agent groups</h2>\n<table>\n<tr><th>group</th><th>agents</th><th>handled</th><th>occupancy</th><th>average handle time</th><th>shrinkage</th><th>cost</th></tr>\n");
    for (name, m) in &summary.agents.0 {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            metric(m, Metric::Agents, Fmt::Count),
            metric(m, Metric::Handled, Fmt::Count),
            metric(m, Metric::Occupancy, Fmt::Percent),
            metric(m, Metric::AhtSeconds, Fmt::Duration),
            metric(m, Metric::Shrinkage, Fmt::Percent),
            metric(m, Metric::AgentCost, Fmt::Money),
        );
    }
    h.push_str("</table>\n");

    // Charts.
    h.push_str("<h2>Charts</h2>\n");
    for f in figures {
        let _ = writeln!(
            h,
            "<figure id=\"chart-{}\" class=\"chart\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
            escape(&f.name),
            f.svg.trim(),
            escape(&f.title)
        );
    }

    // Assumptions.
    h.push_str("<h2>Assumptions</h2>\n<table>\n<tr><th>channel</th><th>kind</th><th>share</th><th>handle time</th><th>patience</th><th>answer target</th></tr>\n");
    for ch in &model.channels {
        let dist =
            |d: &crate::dist::Dist| format!("mean {}, CV {:.2}", format_duration(d.mean()), d.cv());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.0}%</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            escape(&ch.name),
            ch.kind.name(),
            ch.share * 100.0,
            escape(&dist(&ch.handle_time)),
            escape(&ch.patience.as_ref().map_or_else(
                || if ch.kind == ChannelKind::Async {
                    "—".to_string()
                } else {
                    "never abandon".to_string()
                },
                dist
            )),
            escape(&format_duration(ch.answer_within)),
            ch.service_level_target
                .map_or(String::new(), |t| format!(" for {:.0}%", t * 100.0))
        );
    }
    h.push_str("</table>\n<table style=\"margin-top:12px\">\n<tr><th>topic</th><th>share</th><th>priority</th><th>skill</th><th>handle-time factor</th><th>FCR</th><th>bot containment</th></tr>\n");
    for t in &model.topics {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{:.0}%</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.name),
            t.share * 100.0,
            t.priority,
            escape(&t.skill),
            t.handle_time_factor,
            t.fcr
                .map_or("—".to_string(), |f| format!("{:.0}%", f * 100.0)),
            if model.automation.is_some() {
                format!("{:.0}%", t.containment * 100.0)
            } else {
                "—".into()
            }
        );
    }
    h.push_str("</table>\n<table style=\"margin-top:12px\">\n<tr><th>agent group</th><th>agents</th><th>channels</th><th>shifts</th><th>planned shrinkage</th><th>absence</th><th>cost per hour</th></tr>\n");
    for g in &model.groups {
        let channels: Vec<&str> = model
            .channels
            .iter()
            .zip(&g.channels)
            .filter(|(_, on)| **on)
            .map(|(c, _)| c.name.as_str())
            .collect();
        let shifts = if g.shifts.is_empty() {
            "around the clock".to_string()
        } else {
            g.shifts
                .iter()
                .map(|s| {
                    let days: String = ["M", "T", "W", "T", "F", "S", "S"]
                        .iter()
                        .zip(s.days)
                        .map(|(d, on)| if on { *d } else { "·" })
                        .collect();
                    format!(
                        "{} × {} {}–{}",
                        s.count,
                        days,
                        crate::duration::hhmm_next_day(s.start),
                        crate::duration::hhmm_next_day(s.end)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0}%</td><td>{:.0}%</td><td>{}</td></tr>",
            escape(&g.name),
            g.headcount(),
            escape(&channels.join(", ")),
            escape(&shifts),
            g.planned_shrinkage * 100.0,
            g.absence * 100.0,
            g.cost_per_hour
        );
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">Volume: {} contacts on an ordinary weekday (weight 1); weekday weights Mon–Sun {}; day-to-day variation {:.0}%.</p>",
        thousands(model.demand.per_day.round()),
        model
            .demand
            .weekday
            .iter()
            .map(|w| format!("{w:.2}"))
            .collect::<Vec<_>>()
            .join(" "),
        model.demand.day_cv * 100.0
    );
    h.push_str("<p class=\"note\">Generated by supportsim: a discrete-event simulation of the scenario above; definitions of every figure are in the project's README.</p>\n</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
