//! The summary as text tables for a terminal, and the number formats they use.

use crate::duration::format_duration;
use crate::model::KindGroup;
use crate::numbers::group_thousands;
use crate::report::Metric;
use crate::report::{Metrics, Stat, Summary};

enum Unit {
    Count,
    Percent,
    Seconds,
    /// Two decimals: prices per unit.
    Money,
    /// Two decimals: contacts per issue.
    Ratio,
    /// A signed score with one decimal (NPS), or a ratio like contacts per issue.
    Score,
}

fn fmt_value(x: f64, unit: &Unit) -> String {
    match unit {
        Unit::Count => group_thousands(x),
        Unit::Percent => format!("{:.1}%", x * 100.0),
        Unit::Seconds => format_duration(x),
        Unit::Money | Unit::Ratio => format!("{x:.2}"),
        Unit::Score => format!("{x:+.1}"),
    }
}

fn fmt_half(x: f64, unit: &Unit) -> String {
    match unit {
        Unit::Count => group_thousands(x),
        Unit::Percent => format!("{:.1}", x * 100.0),
        Unit::Seconds => format_duration(x),
        Unit::Money | Unit::Ratio => format!("{x:.2}"),
        Unit::Score => format!("{x:.1}"),
    }
}

fn cell(m: &Metrics, key: Metric, unit: Unit) -> String {
    cell_stat(m.get(key), &unit)
}

fn cell_stat(s: Option<&Stat>, unit: &Unit) -> String {
    let Some(s) = s else { return "—".into() };
    match (s.mean, s.half_width()) {
        // An interval cut at 0 or 1 is shown by its ends.
        (Some(m), Some(_)) if !s.is_symmetric() => format!(
            "{} [{}, {}]",
            fmt_value(m, unit),
            fmt_half(s.ci_low.unwrap_or(m), unit),
            fmt_half(s.ci_high.unwrap_or(m), unit)
        ),
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

/// Appends a two-column listing that fits `width` columns: names on the left, each value
/// left-aligned beside its name and wrapped at its `; ` breaks (a piece longer than a line is
/// cut at a space) onto indented lines.
pub fn render_pairs(
    out: &mut String,
    header: (&str, &str),
    rows: &[(String, String)],
    width: usize,
) {
    let key_width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .chain([header.0.chars().count()])
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let room = width.saturating_sub(key_width + 2).max(20);
    let mut push = |key: &str, value: &str| {
        let mut lines = wrap(value, room).into_iter();
        let first = lines.next().unwrap_or_default();
        let pad = key_width.saturating_sub(key.chars().count());
        if key.chars().count() > key_width {
            // A long name gets a line of its own.
            out.push_str(key);
            out.push('\n');
            out.push_str(&" ".repeat(key_width + 2));
        } else {
            out.push_str(key);
            out.push_str(&" ".repeat(pad + 2));
        }
        out.push_str(first.trim_end());
        out.push('\n');
        for l in lines {
            out.push_str(&" ".repeat(key_width + 4));
            out.push_str(l.trim_end());
            out.push('\n');
        }
    };
    push(header.0, header.1);
    for (k, v) in rows {
        push(k, v);
    }
}

/// Splits `text` into lines of at most `room` characters (continuations get two less), breaking
/// after "; " or " | " where it can, else at a space.
fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut pieces: Vec<&str> = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < text.len() {
        let sep = ["; ", " | "].into_iter().find(|p| text[i..].starts_with(p));
        match sep {
            Some(p) => {
                i += p.len();
                pieces.push(&text[start..i]);
                start = i;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    pieces.push(&text[start..]);
    let width = |s: &str| s.trim_end().chars().count();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let limit = |lines: &Vec<String>| if lines.is_empty() { room } else { room - 2 };
        if !line.is_empty() && width(&line) + width(piece) > limit(&lines) {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(piece);
        while width(&line) > limit(&lines) {
            let cut: String = line.chars().take(limit(&lines)).collect();
            let at = cut.rfind(' ').filter(|i| *i > 0).unwrap_or(cut.len());
            lines.push(line[..at].to_string());
            line = line[at..].trim_start().to_string();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Renders the summary as text tables for a terminal.
pub fn render_table_text(s: &Summary) -> String {
    let mut out = String::new();
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
    out.push_str("Means across replications ± half-width of the 95% confidence interval ([low, high]\nwhere it stops at 0 or 100%).\n\n");
    channel_table(s, &mut out);
    topic_table(s, &mut out);
    agent_table(s, &mut out);
    overall_lines(s, &mut out);
    out
}

/// One row per channel.
fn channel_table(s: &Summary, out: &mut String) {
    let rows: Vec<Vec<String>> = s
        .channels
        .0
        .iter()
        .zip(&s.channel_settings.0)
        .map(|((name, m), (_, c))| {
            let sl = format!(
                "{} (in {})",
                cell(m, Metric::ServiceLevel, Unit::Percent),
                c.within_label()
            );
            let mut row = vec![
                format!("{name} ({})", c.kind),
                cell(m, Metric::OfferedPerDay, Unit::Count),
                sl,
                cell(m, Metric::AsaSeconds, Unit::Seconds),
                cell(m, Metric::FrtP90Seconds, Unit::Seconds),
                cell(m, Metric::AbandonRate, Unit::Percent),
                cell(m, Metric::BlockedRate, Unit::Percent),
            ];
            row.push(if c.kind == "async" {
                cell(m, Metric::BacklogMean, Unit::Count)
            } else {
                "".into()
            });
            row.push(cell(m, Metric::OpenAtEnd, Unit::Count));
            row
        })
        .collect();
    render_table(
        out,
        &[
            "channel",
            "offered/day",
            "service level",
            "ASA",
            "FRT P90",
            "abandoned",
            "blocked",
            "backlog",
            "open at end",
        ],
        &rows,
    );
    out.push('\n');
}

/// One row per topic, when there are several; per topic and kind group when the scenario
/// mixes calls or chats with written work.
fn topic_table(s: &Summary, out: &mut String) {
    let row = |name: &str, kind: Option<KindGroup>, m: &Metrics| {
        let mut row = vec![name.to_string()];
        if let Some(k) = kind {
            row.push(k.label().to_string());
        }
        row.extend([
            cell(m, Metric::OfferedPerDay, Unit::Count),
            cell(m, Metric::ServiceLevel, Unit::Percent),
            cell(m, Metric::AsaSeconds, Unit::Seconds),
            cell(m, Metric::FrtP90Seconds, Unit::Seconds),
        ]);
        row.push(match kind {
            Some(KindGroup::Written) => String::new(),
            _ => cell(m, Metric::AbandonRate, Unit::Percent),
        });
        row
    };
    let mut head = vec!["topic"];
    if !s.topics_by_kind.is_empty() {
        head.push("kind");
    }
    let rows: Vec<Vec<String>> = s
        .topic_rows()
        .into_iter()
        .map(|(n, k, m)| row(n, k, m))
        .collect();
    if s.topics.0.len() > 1 {
        head.extend([
            "offered/day",
            "service level",
            "ASA",
            "FRT P90",
            "abandoned",
        ]);
        render_table(out, &head, &rows);
        out.push('\n');
    }
}

/// One row per agent group.
fn agent_table(s: &Summary, out: &mut String) {
    let stat_days = f64::from(s.days - s.warmup_days);
    // A workforce that changes over the run (attrition, hiring classes) shows who left and who
    // is still there.
    let changing = s
        .agents
        .0
        .iter()
        .any(|(_, m)| m.get(Metric::AgentsEnd).is_some());
    let rows: Vec<Vec<String>> = s
        .agents
        .0
        .iter()
        .map(|(name, m)| {
            let per_day = m.get(Metric::Handled).map(|h| Stat {
                mean: h.mean.map(|x| x / stat_days),
                ci_low: h.ci_low.map(|x| x / stat_days),
                ci_high: h.ci_high.map(|x| x / stat_days),
                std_err: h.std_err.map(|x| x / stat_days),
            });
            let mut row = vec![
                name.clone(),
                cell(m, Metric::Agents, Unit::Count),
                cell_stat(per_day.as_ref(), &Unit::Count),
                cell(m, Metric::Occupancy, Unit::Percent),
                cell(m, Metric::AhtSeconds, Unit::Seconds),
                cell(m, Metric::Shrinkage, Unit::Percent),
            ];
            if changing {
                row.push(cell(m, Metric::Hired, Unit::Count));
                row.push(cell(m, Metric::Leavers, Unit::Count));
                row.push(cell(m, Metric::AgentsEnd, Unit::Count));
            }
            row
        })
        .collect();
    let mut header = vec![
        "agents",
        "headcount",
        "handled/day",
        "occupancy",
        "AHT",
        "shrinkage",
    ];
    if changing {
        header.extend(["hired", "leavers", "at the end"]);
    }
    render_table(out, &header, &rows);
    out.push('\n');
}

/// The headline of each kind group: calls and chats by their answers and abandonment, written
/// work by its first responses and backlog.
fn kind_lines(s: &Summary, out: &mut String) {
    for (key, m) in &s.kinds.0 {
        let line = match KindGroup::from_key(key) {
            Some(KindGroup::Written) => format!(
                "written work: {} contacts/day, service level {}, first response {} (P90 {}), open at end {}\n",
                cell(m, Metric::OfferedPerDay, Unit::Count),
                cell(m, Metric::ServiceLevel, Unit::Percent),
                cell(m, Metric::FrtMeanSeconds, Unit::Seconds),
                cell(m, Metric::FrtP90Seconds, Unit::Seconds),
                cell(m, Metric::OpenAtEnd, Unit::Count),
            ),
            _ => format!(
                "calls and chats: {} contacts/day, service level {}, ASA {}, abandoned {}\n",
                cell(m, Metric::OfferedPerDay, Unit::Count),
                cell(m, Metric::ServiceLevel, Unit::Percent),
                cell(m, Metric::AsaSeconds, Unit::Seconds),
                cell(m, Metric::AbandonRate, Unit::Percent),
            ),
        };
        out.push_str(&line);
    }
}

/// The whole operation: contacts, experience, automation, customers and money.
fn overall_lines(s: &Summary, out: &mut String) {
    let o = &s.overall;
    if s.kinds.0.len() > 1 {
        kind_lines(s, out);
        out.push_str(&format!(
            "overall: {} contacts/day, occupancy {}\n",
            cell(o, Metric::OfferedPerDay, Unit::Count),
            cell(o, Metric::Occupancy, Unit::Percent),
        ));
    } else {
        out.push_str(&format!(
            "overall: {} contacts/day, service level {}, ASA {}, abandoned {}, occupancy {}\n",
            cell(o, Metric::OfferedPerDay, Unit::Count),
            cell(o, Metric::ServiceLevel, Unit::Percent),
            cell(o, Metric::AsaSeconds, Unit::Seconds),
            cell(o, Metric::AbandonRate, Unit::Percent),
            cell(o, Metric::Occupancy, Unit::Percent),
        ));
    }
    let mean = |key: Metric| o.get(key).and_then(|x| x.mean);
    let mut experience = format!(
        "experience: CSAT {} from {} surveys, NPS {} (a census: {})",
        cell(o, Metric::Csat, Unit::Percent),
        cell(o, Metric::Surveys, Unit::Count),
        cell(o, Metric::Nps, Unit::Score),
        cell(o, Metric::NpsExpected, Unit::Score),
    );
    if mean(Metric::Fcr).is_some_and(|x| x < 1.0) || mean(Metric::Repeats).is_some_and(|x| x > 0.0)
    {
        experience.push_str(&format!(
            ", FCR {}, repeat contacts {}, median resolution time ",
            cell(o, Metric::Fcr, Unit::Percent),
            cell(o, Metric::RepeatRate, Unit::Percent),
        ));
        // The median over every issue (Kaplan–Meier), which customers who give up cannot
        // shorten; `—` when half of them were not resolved.
        let times: Vec<String> = if o.get(Metric::ResolutionTimeSeconds).is_some() {
            vec![cell(o, Metric::ResolutionP50Seconds, Unit::Seconds)]
        } else {
            s.kinds
                .0
                .iter()
                .map(|(k, m)| {
                    let label = KindGroup::from_key(k).map_or(k.as_str(), |k| k.label());
                    format!(
                        "{} ({label})",
                        cell(m, Metric::ResolutionP50Seconds, Unit::Seconds)
                    )
                })
                .collect()
        };
        experience.push_str(&times.join(", "));
        experience.push_str(&format!(
            "; effort per resolved issue: {} contacts, {} channel switches",
            cell(o, Metric::ContactsPerResolution, Unit::Ratio),
            cell(o, Metric::SwitchesPerResolution, Unit::Ratio),
        ));
    }
    out.push_str(&experience);
    out.push('\n');
    if mean(Metric::BotConversations).is_some_and(|x| x > 0.0)
        || mean(Metric::Deflected).is_some_and(|x| x > 0.0)
    {
        out.push_str(&format!(
            "automation: {} bot conversations, {} contained ({} of them), {} falsely; {} answered by the knowledge base\n",
            cell(o, Metric::BotConversations, Unit::Count),
            cell(o, Metric::Contained, Unit::Count),
            cell(o, Metric::ContainmentRate, Unit::Percent),
            cell(o, Metric::FalselyContained, Unit::Count),
            cell(o, Metric::Deflected, Unit::Count),
        ));
    }
    if mean(Metric::ActiveCustomersEnd).is_some() {
        out.push_str(&format!(
            "customers: {} → {} active; {} left over service ({} for other reasons), {} joined; revenue lost {} (lifetime value {})\n",
            cell(o, Metric::ActiveCustomersStart, Unit::Count),
            cell(o, Metric::ActiveCustomersEnd, Unit::Count),
            cell(o, Metric::ChurnedCustomers, Unit::Count),
            cell(o, Metric::ChurnedBaseline, Unit::Count),
            cell(o, Metric::AcquiredCustomers, Unit::Count),
            cell(o, Metric::RevenueLost, Unit::Count),
            cell(o, Metric::LifetimeValueLost, Unit::Count),
        ));
    }
    if mean(Metric::TotalCost).is_some_and(|x| x > 0.0) {
        out.push_str(&format!(
            "money: agents {}, automation {}, {} per contact served, {} per resolved issue; with revenue lost {}\n",
            cell(o, Metric::AgentCost, Unit::Count),
            cell(o, Metric::AutomationCost, Unit::Count),
            cell(o, Metric::CostPerContact, Unit::Money),
            cell(o, Metric::CostPerResolved, Unit::Money),
            cell(o, Metric::NetCost, Unit::Count),
        ));
    }
}
