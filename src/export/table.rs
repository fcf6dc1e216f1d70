//! The summary as text tables for a terminal, and the number formats they use.

use crate::duration::format_duration;
use crate::report::{Metrics, Stat, Summary};

enum Unit {
    Count,
    Percent,
    Seconds,
    /// Two decimals: prices per unit.
    Money,
}

fn fmt_value(x: f64, unit: &Unit) -> String {
    match unit {
        Unit::Count => group_thousands(x),
        Unit::Percent => format!("{:.1}%", x * 100.0),
        Unit::Seconds => format_duration(x),
        Unit::Money => format!("{x:.2}"),
    }
}

fn fmt_half(x: f64, unit: &Unit) -> String {
    match unit {
        Unit::Count => group_thousands(x),
        Unit::Percent => format!("{:.1}", x * 100.0),
        Unit::Seconds => format_duration(x),
        Unit::Money => format!("{x:.2}"),
    }
}

/// A number with thousands separators ("12,345"); small fractions keep one decimal.
pub fn group_thousands(x: f64) -> String {
    if x.abs() < 100.0 && x.fract().abs() > 1e-9 {
        return format!("{x:.1}");
    }
    let n = x.round() as i64;
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn cell(m: &Metrics, key: &str, unit: Unit) -> String {
    cell_stat(m.get(key), &unit)
}

fn cell_stat(s: Option<&Stat>, unit: &Unit) -> String {
    let Some(s) = s else { return "—".into() };
    match (s.mean, s.half_width()) {
        (Some(m), Some(h)) => format!("{} ± {}", fmt_value(m, unit), fmt_half(h, unit)),
        (Some(m), None) => fmt_value(m, unit),
        _ => "—".into(),
    }
}

/// Appends an aligned text table: the first column left-aligned, the others right-aligned.
pub fn render_table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if i == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header.to_vec()));
    for r in rows {
        out.push_str(&line(r.iter().map(|s| s.as_str()).collect()));
    }
}

/// Renders the summary as text tables for a terminal.
pub fn render_table_text(s: &Summary) -> String {
    let mut out = String::new();
    let stat_days = f64::from(s.days - s.warmup_days);
    out.push_str(&format!(
        "{} — {} replication{} × {} day{} ({} warm-up), seed {}\n",
        s.scenario.name,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        s.days,
        if s.days == 1 { "" } else { "s" },
        s.warmup_days,
        s.seed
    ));
    out.push_str("Means across replications ± half-width of the 95% confidence interval.\n\n");

    let rows: Vec<Vec<String>> = s
        .channels
        .0
        .iter()
        .zip(&s.channel_settings.0)
        .map(|((name, m), (_, c))| {
            let sl = format!(
                "{} (in {})",
                cell(m, "service_level", Unit::Percent),
                format_duration(c.answer_within_seconds)
            );
            let mut row = vec![
                format!("{name} ({})", c.kind),
                cell(m, "offered_per_day", Unit::Count),
                sl,
                cell(m, "asa_seconds", Unit::Seconds),
                cell(m, "frt_p90_seconds", Unit::Seconds),
                cell(m, "abandon_rate", Unit::Percent),
                cell(m, "blocked_rate", Unit::Percent),
            ];
            row.push(if c.kind == "async" {
                cell(m, "backlog_mean", Unit::Count)
            } else {
                "".into()
            });
            row
        })
        .collect();
    render_table(
        &mut out,
        &[
            "channel",
            "offered/day",
            "service level",
            "ASA",
            "FRT P90",
            "abandoned",
            "blocked",
            "backlog",
        ],
        &rows,
    );
    out.push('\n');

    if s.topics.0.len() > 1 {
        let rows: Vec<Vec<String>> = s
            .topics
            .0
            .iter()
            .map(|(name, m)| {
                vec![
                    name.clone(),
                    cell(m, "offered_per_day", Unit::Count),
                    cell(m, "service_level", Unit::Percent),
                    cell(m, "asa_seconds", Unit::Seconds),
                    cell(m, "frt_p90_seconds", Unit::Seconds),
                    cell(m, "abandon_rate", Unit::Percent),
                ]
            })
            .collect();
        render_table(
            &mut out,
            &[
                "topic",
                "offered/day",
                "service level",
                "ASA",
                "FRT P90",
                "abandoned",
            ],
            &rows,
        );
        out.push('\n');
    }

    let rows: Vec<Vec<String>> = s
        .agents
        .0
        .iter()
        .map(|(name, m)| {
            let per_day = m.get("handled").map(|h| Stat {
                mean: h.mean.map(|x| x / stat_days),
                ci_low: h.ci_low.map(|x| x / stat_days),
                ci_high: h.ci_high.map(|x| x / stat_days),
                std_err: h.std_err.map(|x| x / stat_days),
            });
            vec![
                name.clone(),
                cell(m, "agents", Unit::Count),
                cell_stat(per_day.as_ref(), &Unit::Count),
                cell(m, "occupancy", Unit::Percent),
                cell(m, "aht_seconds", Unit::Seconds),
                cell(m, "shrinkage", Unit::Percent),
            ]
        })
        .collect();
    render_table(
        &mut out,
        &[
            "agents",
            "headcount",
            "handled/day",
            "occupancy",
            "AHT",
            "shrinkage",
        ],
        &rows,
    );
    out.push('\n');
    let o = &s.overall;
    out.push_str(&format!(
        "overall: {} contacts/day, service level {}, ASA {}, abandoned {}, occupancy {}\n",
        cell(o, "offered_per_day", Unit::Count),
        cell(o, "service_level", Unit::Percent),
        cell(o, "asa_seconds", Unit::Seconds),
        cell(o, "abandon_rate", Unit::Percent),
        cell(o, "occupancy", Unit::Percent),
    ));
    let mean = |key: &str| o.get(key).and_then(|x| x.mean);
    let mut experience = format!(
        "experience: CSAT {} from {} surveys",
        cell(o, "csat", Unit::Percent),
        cell(o, "surveys", Unit::Count)
    );
    if mean("fcr").is_some_and(|x| x < 1.0) || mean("repeats").is_some_and(|x| x > 0.0) {
        experience.push_str(&format!(
            ", FCR {}, repeat contacts {}, resolution time {}",
            cell(o, "fcr", Unit::Percent),
            cell(o, "repeat_rate", Unit::Percent),
            cell(o, "resolution_time_seconds", Unit::Seconds)
        ));
    }
    out.push_str(&experience);
    out.push('\n');
    if mean("bot_conversations").is_some_and(|x| x > 0.0)
        || mean("deflected").is_some_and(|x| x > 0.0)
    {
        out.push_str(&format!(
            "automation: {} bot conversations, {} contained ({} of them), {} falsely; {} answered by the knowledge base\n",
            cell(o, "bot_conversations", Unit::Count),
            cell(o, "contained", Unit::Count),
            cell(o, "containment_rate", Unit::Percent),
            cell(o, "falsely_contained", Unit::Count),
            cell(o, "deflected", Unit::Count),
        ));
    }
    if mean("active_customers_end").is_some() {
        out.push_str(&format!(
            "customers: {} → {} active; {} left over service ({} for other reasons), {} joined; revenue lost {} (lifetime value {})\n",
            cell(o, "active_customers_start", Unit::Count),
            cell(o, "active_customers_end", Unit::Count),
            cell(o, "churned_customers", Unit::Count),
            cell(o, "churned_baseline", Unit::Count),
            cell(o, "acquired_customers", Unit::Count),
            cell(o, "revenue_lost", Unit::Count),
            cell(o, "lifetime_value_lost", Unit::Count),
        ));
    }
    if mean("total_cost").is_some_and(|x| x > 0.0) {
        out.push_str(&format!(
            "money: agents {}, automation {}, {} per contact served, {} per resolved issue; with revenue lost {}\n",
            cell(o, "agent_cost", Unit::Count),
            cell(o, "automation_cost", Unit::Count),
            cell(o, "cost_per_contact", Unit::Money),
            cell(o, "cost_per_resolved", Unit::Money),
            cell(o, "net_cost", Unit::Count),
        ));
    }
    out
}
