//! Column mappings: which column of a log holds what, how its dates and times are written, and
//! which values mean answered, abandoned or ignored. Read from a small TOML file; the default
//! reads supportsim's own logs.

use std::collections::BTreeMap;

use serde::Deserialize;

/// How a log's columns and values map onto contacts. Deserialized from a small TOML file; the
/// default reads logs written by `run --contacts-log`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Field delimiter: "comma", "tab", "semicolon" or one character; by default a tab when
    /// the header holds one, else a comma.
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
    /// The layout of supportsim's own contact logs: first contacts and repeats at tier 1.
    pub fn supportsim() -> Self {
        Self {
            delimiter: Some("comma".into()),
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

    /// Reads a mapping file's text; the error names the line and column.
    pub fn parse(text: &str) -> Result<Self, String> {
        let m: Mapping = toml::from_str(text).map_err(|e| e.to_string())?;
        for (what, value, allowed) in [
            (
                "formats.date",
                &m.formats.date,
                &["day", "yymmdd", "yyyymmdd", "yyyy-mm-dd"][..],
            ),
            ("formats.time", &m.formats.time, &["clock", "seconds"][..]),
        ] {
            if !allowed.contains(&value.as_str()) {
                return Err(format!(
                    "`{what}` = \"{value}\" is not a format supportsim reads\n  = help: use one of: {}",
                    allowed.join(", ")
                ));
            }
        }
        if m.formats.date == "day" && m.columns.weekday.is_none() {
            return Err("with `formats.date = \"day\"` the log needs a weekday column\n  = help: add `weekday = \"COLUMN\"` under [columns], or give real dates (formats.date = \"yyyy-mm-dd\")".into());
        }
        m.delimiter_byte(b',')?;
        Ok(m)
    }

    pub(super) fn delimiter_byte(&self, detected: u8) -> Result<u8, String> {
        match self.delimiter.as_deref() {
            None => Ok(detected),
            Some("comma") | Some(",") => Ok(b','),
            Some("tab") | Some("\t") => Ok(b'\t'),
            Some("semicolon") | Some(";") => Ok(b';'),
            Some("pipe") | Some("|") => Ok(b'|'),
            Some(other) => Err(format!(
                "`delimiter` = \"{other}\" is not one supportsim reads\n  = help: use \"comma\", \"tab\", \"semicolon\" or \"pipe\""
            )),
        }
    }
}
