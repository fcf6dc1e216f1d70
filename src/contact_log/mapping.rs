//! Column mappings: which column of a log holds what, how its dates and times are written, and
//! which values mean answered, abandoned or ignored. Read from a small TOML file; the default
//! reads supportsim's own logs.

use std::collections::BTreeMap;

use std::ops::Range;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Report};

/// How a log's columns and values map onto contacts. Deserialized from a small TOML file; the
/// default reads logs written by `run --contacts-log`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Field delimiter: "comma", "tab", "semicolon", "pipe" or the character itself; by
    /// default read from the header line ([`crate::delimiter`]).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Which column holds what.
    pub columns: Columns,
    /// How dates and times are written.
    #[serde(default)]
    pub formats: Formats,
    /// Which values mean what.
    #[serde(default)]
    pub values: Values,
    /// Priority rank (1 = most urgent) of each value of the priority column; values not listed
    /// are read as numbers.
    #[serde(default)]
    pub priority: BTreeMap<String, u32>,
    /// Keep only rows whose column holds one of the listed values (e.g. `tier = ["0"]`).
    #[serde(default)]
    pub keep: BTreeMap<String, Vec<String>>,
}

/// Column names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The arrival's date (see `formats.date`).
    pub date: String,
    /// The arrival's time of day.
    pub time: String,
    /// Seconds to add to the arrival time before the contact reaches the queue (e.g. time in
    /// an IVR).
    #[serde(default)]
    pub time_offset: Option<String>,
    /// Weekday names (mon…sun), when dates are day numbers.
    #[serde(default)]
    pub weekday: Option<String>,
    /// Seconds waited in queue.
    pub wait: String,
    /// Seconds of agent time (talk, and wrap-up when the log has it).
    #[serde(default)]
    pub handle: Option<String>,
    /// What happened (see `values`).
    pub outcome: String,
    /// Contact reason or call type.
    #[serde(default)]
    pub topic: Option<String>,
    /// Priority class.
    #[serde(default)]
    pub priority: Option<String>,
    /// Channel name (rows of one channel are read; see `--channel`).
    #[serde(default)]
    pub channel: Option<String>,
    /// Agent who answered.
    #[serde(default)]
    pub agent: Option<String>,
    /// A column whose `values.not_queued` values mark contacts that never reached the queue.
    #[serde(default)]
    pub queued: Option<String>,
}

/// Date and time formats.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    /// "day" (a day number; weekday from `columns.weekday`), "yymmdd", "yyyymmdd" or
    /// "yyyy-mm-dd".
    #[serde(default = "default_date")]
    pub date: String,
    /// "clock" (H:MM:SS, fractions allowed) or "seconds" (after midnight).
    #[serde(default = "default_time")]
    pub time: String,
}

fn default_date() -> String {
    "day".into()
}
fn default_time() -> String {
    "clock".into()
}

impl Default for Formats {
    fn default() -> Self {
        Self {
            date: default_date(),
            time: default_time(),
        }
    }
}

/// Values of the outcome, agent and queued columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Values {
    /// Outcomes meaning an agent answered.
    #[serde(default = "answered")]
    pub answered: Vec<String>,
    /// Outcomes meaning the customer left while waiting.
    #[serde(default = "abandoned")]
    pub abandoned: Vec<String>,
    /// Outcomes to skip silently (any other unknown outcome is counted as skipped too).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Agent values meaning no agent.
    #[serde(default)]
    pub no_agent: Vec<String>,
    /// Values of `columns.queued` meaning the contact never reached the queue.
    #[serde(default)]
    pub not_queued: Vec<String>,
}

fn answered() -> Vec<String> {
    vec!["answered".into()]
}
fn abandoned() -> Vec<String> {
    vec!["abandoned".into()]
}

impl Default for Values {
    fn default() -> Self {
        Self {
            answered: answered(),
            abandoned: abandoned(),
            ignore: Vec::new(),
            no_agent: Vec::new(),
            not_queued: Vec::new(),
        }
    }
}

impl Mapping {
    /// The layout of supportsim's own contact logs: first contacts and repeats at tier 1 (their
    /// delimiter read from the header, so that a log saved again with tabs or semicolons reads).
    pub fn supportsim() -> Self {
        Self {
            delimiter: None,
            columns: Columns {
                date: "day".into(),
                time: "time".into(),
                time_offset: None,
                weekday: Some("weekday".into()),
                wait: "wait_seconds".into(),
                handle: Some("handle_seconds".into()),
                outcome: "outcome".into(),
                topic: Some("topic".into()),
                priority: Some("priority".into()),
                channel: Some("channel".into()),
                agent: Some("agent".into()),
                queued: None,
            },
            formats: Formats::default(),
            values: Values {
                ignore: vec![
                    "blocked".into(),
                    "contained".into(),
                    "deflected".into(),
                    "open".into(),
                    "follow_up".into(),
                ],
                ..Values::default()
            },
            priority: BTreeMap::new(),
            keep: BTreeMap::from([("tier".into(), vec!["0".into()])]),
        }
    }

    /// Reads a mapping file's text. `file` names it in the error, which shows the line and the
    /// key at fault and how to fix it.
    pub fn parse(file: &str, text: &str) -> Result<Self, String> {
        let fail = |message: String, path: &[&str], help: &str| {
            let span = span_of(text, path).or(Some(0..0));
            render(file, text, Diagnostic::error(message, span).help(help))
        };
        let m: Mapping = match toml::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                let msg = e.message().trim().to_string();
                let help = if let Some(field) = msg.strip_prefix("missing field ") {
                    format!(
                        "add {} = \"COLUMN\" here, naming the log's column; see mappings/anonymous-bank.toml",
                        field.trim_matches('`')
                    )
                } else if msg.starts_with("unknown field") {
                    "remove the key or correct its spelling".into()
                } else {
                    "fix the value here; text needs quotes, lists look like [\"a\", \"b\"]".into()
                };
                return Err(render(
                    file,
                    text,
                    Diagnostic::error(msg, e.span()).help(help),
                ));
            }
        };
        for (what, value, allowed) in [
            (
                ["formats", "date"],
                &m.formats.date,
                &["day", "yymmdd", "yyyymmdd", "yyyy-mm-dd"][..],
            ),
            (
                ["formats", "time"],
                &m.formats.time,
                &["clock", "seconds"][..],
            ),
        ] {
            if !allowed.contains(&value.as_str()) {
                return Err(fail(
                    format!(
                        "`{}` = \"{value}\" is not a format supportsim reads",
                        what.join(".")
                    ),
                    &what,
                    &format!("use one of: {}", allowed.join(", ")),
                ));
            }
        }
        if m.formats.date == "day" && m.columns.weekday.is_none() {
            return Err(fail(
                "with `formats.date = \"day\"` the log needs a weekday column".into(),
                &["columns"],
                "add `weekday = \"COLUMN\"` under [columns], or give real dates (formats.date = \"yyyy-mm-dd\")",
            ));
        }
        if let Some(Err(e)) = m.delimiter.as_deref().map(crate::delimiter::named) {
            return Err(fail(e, &["delimiter"], crate::delimiter::HELP));
        }
        m.check_values()
            .map_err(|(message, path, help)| fail(message, &path, &help))?;
        Ok(m)
    }

    /// An outcome means one thing: refuses a value listed under two of answered, abandoned
    /// and ignore, and a priority rank of 0.
    fn check_values(&self) -> Result<(), (String, Vec<&'static str>, String)> {
        let v = &self.values;
        let lists = [
            ("answered", &v.answered),
            ("abandoned", &v.abandoned),
            ("ignore", &v.ignore),
        ];
        for (i, (a, la)) in lists.iter().enumerate() {
            for (b, lb) in &lists[i + 1..] {
                if let Some(x) = la.iter().find(|x| lb.contains(x)) {
                    return Err((
                        format!(
                            "the outcome \"{x}\" is listed under both `values.{a}` and `values.{b}`"
                        ),
                        vec!["values", b],
                        format!("an outcome means one thing: keep \"{x}\" in one of the two lists"),
                    ));
                }
            }
        }
        if let Some((k, _)) = self.priority.iter().find(|(_, r)| **r == 0) {
            return Err((
                format!("priority \"{k}\" has rank 0; ranks start at 1 (most urgent)"),
                vec!["priority"],
                "give it a rank of 1 or more".into(),
            ));
        }
        Ok(())
    }

    /// The mapping key that names `column` (e.g. `columns.wait`), for errors about the log.
    pub fn locate_column(file: &str, text: &str, key: &str, message: &str, help: &str) -> String {
        let path: Vec<&str> = match key.strip_prefix("keep.") {
            Some(k) => vec!["keep", k],
            None => vec!["columns", key],
        };
        let span = span_of(text, &path).or(Some(0..0));
        render(file, text, Diagnostic::error(message, span).help(help))
    }
}

/// Where the value at `path` is in a mapping's text (the key's table header for a table).
fn span_of(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut span = None;
    for k in path {
        let (key, value) = table.iter().find(|(key, _)| key.get_ref() == k)?;
        match value.get_ref() {
            DeValue::Table(t) => {
                span = Some(key.span());
                table = t;
            }
            _ => return Some(value.span()),
        }
    }
    span
}

/// One problem in a mapping file, shown the way scenario problems are.
fn render(file: &str, text: &str, d: Diagnostic) -> String {
    let report = Report {
        file: file.to_string(),
        source: text.to_string(),
        diagnostics: vec![d],
    };
    report.render().trim_end().to_string()
}
