//! Lessons: a grid over a scenario's settings, every point run on the same seeds, reduced to
//! what a trainer's page shows — the headline figures with their 95% intervals (the very
//! values `run --json` gives at that point, copied, never recomputed), each replication's value
//! of them for paired A/B differences (as `compare` takes them), and series per period with the
//! replications' P10–P90 bands — and written into one self-contained page ([`html`]).

mod page;
mod question;
mod replay;
mod series;

pub use page::html;
pub use question::{Answer, Question, QuestionError};
pub use replay::{FRAME, Replay, ReplaySink, replay_day};
pub use series::{Period, SeriesSet, period_of, series};

use serde::Serialize;

use crate::model::{KindGroup, Model};
use crate::report::{Stat, Summary};

/// Schema tag of `lesson.json` and of the data embedded in `lesson.html`.
pub const SCHEMA: &str = "supportsim.lesson/1";

/// Largest page a lesson writes: it must open at once from a USB stick or an email.
pub const MAX_PAGE_BYTES: u64 = 5_000_000;

/// How a figure is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A duration in seconds.
    Seconds,
    /// A share from 0 to 1.
    Share,
    /// A count.
    Count,
    /// Money, in the scenario's currency.
    Money,
}

/// One headline figure: a metric of `run --json` (as `sweep --metric` names it) and its words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// `written.frt_mean_seconds`, `churned_customers`…
    pub key: String,
    /// Words for the tile.
    pub label: String,
    /// How to print it.
    pub unit: Unit,
    /// Whether more is better (for the A/B colours and the exercise's "why").
    pub higher_is_better: bool,
}

/// The headline figures of a lesson on `model`: per kind group of its channels the response
/// time, service level, backlog at the end (written work) and CSAT, then the customers lost,
/// what they were worth and the cost.
pub fn figures(model: &Model) -> Vec<Figure> {
    let f = |key: String, label: String, unit, higher_is_better| Figure {
        key,
        label,
        unit,
        higher_is_better,
    };
    let mut out = Vec::new();
    for k in model.kind_groups() {
        let p = k.key();
        let what = match k {
            KindGroup::Live => "calls and chats",
            KindGroup::Written => "written work",
        };
        match k {
            KindGroup::Live => {
                out.push(f(
                    format!("{p}.asa_seconds"),
                    format!("Average speed of answer, {what}"),
                    Unit::Seconds,
                    false,
                ));
                out.push(f(
                    format!("{p}.abandon_rate"),
                    format!("Hung up waiting, {what}"),
                    Unit::Share,
                    false,
                ));
            }
            KindGroup::Written => {
                out.push(f(
                    format!("{p}.frt_mean_seconds"),
                    format!("First reply, mean, {what}"),
                    Unit::Seconds,
                    false,
                ));
                out.push(f(
                    format!("{p}.open_at_end"),
                    format!("Backlog at the end, {what}"),
                    Unit::Count,
                    false,
                ));
            }
        }
        out.push(f(
            format!("{p}.service_level"),
            format!("Service level, {what}"),
            Unit::Share,
            true,
        ));
        out.push(f(
            format!("{p}.csat"),
            format!("CSAT, {what}"),
            Unit::Share,
            true,
        ));
    }
    if model.customers.is_some() {
        out.push(f(
            "churned_customers".into(),
            "Customers lost over service".into(),
            Unit::Count,
            false,
        ));
        out.push(f(
            "revenue_lost".into(),
            "Revenue lost before the end".into(),
            Unit::Money,
            false,
        ));
        out.push(f(
            "lifetime_value_lost".into(),
            "Lifetime value lost".into(),
            Unit::Money,
            false,
        ));
    }
    out.push(f(
        "agent_cost".into(),
        "Agent cost".into(),
        Unit::Money,
        false,
    ));
    if model.automation.is_some() {
        out.push(f(
            "automation_cost".into(),
            "Automation cost".into(),
            Unit::Money,
            false,
        ));
    }
    out.push(f(
        "total_cost".into(),
        "Agent and automation cost".into(),
        Unit::Money,
        false,
    ));
    if model.customers.is_some() {
        out.push(f(
            "net_cost".into(),
            "Cost plus revenue lost".into(),
            Unit::Money,
            false,
        ));
    }
    out
}

/// One headline figure at one point: its summary as `run --json` writes it, and each
/// replication's value (`null` where undefined), in replication order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointFigure {
    /// Mean and 95% interval, as in `run --json`.
    #[serde(flatten)]
    pub stat: Stat,
    /// Per replication.
    pub reps: Vec<Option<f64>>,
}

/// Everything the page holds about one grid point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonPoint {
    /// Index of each lever's value.
    pub at: Vec<usize>,
    /// The headline figures, keyed as [`figures`] lists them (absent where the summary has
    /// none).
    pub figures: std::collections::BTreeMap<String, PointFigure>,
    /// The series per period.
    pub series: SeriesSet,
    /// One day of the first replication, every five minutes.
    pub replay: Replay,
}

/// The figure `key` of a summary with its per-replication values.
pub fn point_figure(summary: &Summary, key: &str) -> Option<PointFigure> {
    let (metrics, name) = match key.rsplit_once('.') {
        None => (&summary.overall, key),
        Some((scope, name)) => (summary.scope(scope)?, name),
    };
    let metric = crate::report::Metric::from_name(name)?;
    Some(PointFigure {
        stat: *metrics.get(metric)?,
        reps: metrics.values(metric)?.to_vec(),
    })
}

/// Bytes one point takes in the page, estimated before running from what it will hold: each
/// figure's interval and replications, and each series' three lines per period.
pub fn point_bytes(model: &Model, figures: usize, series: usize) -> u64 {
    let reps = u64::from(model.replications);
    let periods = period_of(model).count(model) as u64;
    let frames = (crate::duration::DAY / FRAME) as u64;
    let replay = frames * (4 * model.channels.len() as u64 + 2) * 4;
    // About 20 characters per number as JSON prints an f64, 8 per rounded series value, 4 per
    // count of the replay.
    figures as u64 * (4 * 20 + reps * 20 + 40)
        + series as u64 * (3 * periods * 8 + 40)
        + replay
        + 60
}

/// Bytes of the page around the points: its scripts, styles and texts.
pub const PAGE_BYTES: u64 = 40_000;

/// One lever of the page: a swept path and its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever {
    /// The path, as `--vary` gave it.
    pub path: String,
    /// The words the page shows and its URL hash writes (`email agents=4`): the label given
    /// before the path (`"email agents: agents.desk.count=2..6"`), else the path.
    pub label: String,
    /// Its values, as written.
    pub values: Vec<String>,
}

/// A channel as the replay names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelInfo {
    /// Its name.
    pub name: String,
    /// `call`, `chat` or `async`.
    pub kind: &'static str,
    /// Its answer target, seconds.
    pub answer_within: f64,
}

/// The channels of `model` for the replay.
pub fn channel_info(model: &Model) -> Vec<ChannelInfo> {
    model
        .channels
        .iter()
        .map(|c| ChannelInfo {
            name: c.name.clone(),
            kind: c.kind.name(),
            answer_within: c.answer_within,
        })
        .collect()
}

/// A series the page draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesInfo {
    /// Key in each point's `series`.
    pub key: String,
    /// Words for the chart.
    pub label: String,
    /// How to print its values.
    pub unit: Unit,
}

/// Everything a lesson page holds: `lesson.json`, and the data embedded in `lesson.html`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lesson {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario's name.
    pub title: String,
    /// The scenario file.
    pub scenario: String,
    /// The seed every point ran on.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// Days simulated (with the warm-up).
    pub days: u32,
    /// Length of the series' periods.
    pub period: Period,
    /// The same, seconds.
    pub period_seconds: f64,
    /// The levers, the first varying slowest in `points`.
    pub levers: Vec<Lever>,
    /// The headline figures.
    pub figures: Vec<Figure>,
    /// The series.
    pub series: Vec<SeriesInfo>,
    /// t(0.975, df) for df = 0, 1, …, `replications` − 1 (index 0 unused), for the paired
    /// intervals of A/B, as `compare` computes them.
    pub t975: Vec<f64>,
    /// The channels (for the replay), in scenario order.
    pub channels: Vec<ChannelInfo>,
    /// The day the replay shows, from 0, and its weekday (0 = Monday).
    pub replay_day: u32,
    /// Its weekday, 0 = Monday.
    pub replay_weekday: usize,
    /// Seconds between two frames of the replay.
    pub replay_frame_seconds: f64,
    /// Every point of the grid.
    pub points: Vec<LessonPoint>,
    /// The exercise, if one was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// Its answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

/// The series keys with their words (see [`series`]).
pub fn series_info(model: &Model) -> Vec<SeriesInfo> {
    series::series_keys(model)
        .into_iter()
        .map(|(key, label, unit)| SeriesInfo { key, label, unit })
        .collect()
}

/// t(0.975, df) for df = 0 … n − 1 (df 0 has none: written as 0).
pub fn t975_table(n: u32) -> Vec<f64> {
    (0..n.max(1) as usize)
        .map(|df| {
            if df == 0 {
                0.0
            } else {
                crate::stats::t_quantile_975(df)
            }
        })
        .collect()
}

/// A lever's text split into its label and its `PATH=VALUES`: `"email agents: agents.desk.
/// count=2..6"` has the label `email agents`; a text without `LABEL: ` before its `=` has none.
/// A label is letters, digits, spaces and `._-` (it goes into the page's URL hash).
pub fn split_label(text: &str) -> Result<(Option<&str>, &str), String> {
    let Some((label, rest)) = text.split_once(": ") else {
        return Ok((None, text));
    };
    if label.contains('=') {
        return Ok((None, text));
    }
    let label = label.trim();
    let fine = |c: char| c.is_alphanumeric() || " ._-".contains(c);
    if label.is_empty() || !label.chars().all(fine) {
        return Err(format!(
            "the lever's label `{label}` may hold letters, digits, spaces and . _ - only (it goes into the page's address)"
        ));
    }
    Ok((Some(label), rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lever_may_carry_a_label_for_the_page() {
        assert_eq!(
            split_label("email agents: agents.desk.count=2..6"),
            Ok((Some("email agents"), "agents.desk.count=2..6"))
        );
        assert_eq!(
            split_label("agents.desk.count=2..6"),
            Ok((None, "agents.desk.count=2..6"))
        );
        // A ": " after the `=` belongs to the values.
        assert_eq!(split_label("a.b=x: y"), Ok((None, "a.b=x: y")));
        assert!(split_label("bot & co: automation=off,on").is_err());
    }
}
