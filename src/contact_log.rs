//! Contact logs: one row per contact, written by `run --contacts-log` and read back, through a
//! column mapping, from supportsim's own logs or from an operation's call-by-call history.
//!
//! The writer streams (nothing is kept per contact). The reader turns any delimited log into
//! [`LoggedContact`]s: arrival day and time, whether an agent answered or the customer
//! abandoned, the wait, the handle time, the topic and priority, and the agent.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use serde::Deserialize;

use crate::duration::WEEKDAYS;
use crate::engine::{ContactRecord, ContactSink};
use crate::model::Model;

/// Most days a log may span (ten years).
pub const MAX_DAYS: u32 = 3660;

/// The header of a contact log written by supportsim.
pub const HEADER: &str = "day,weekday,time,arrival_seconds,channel,topic,priority,attempt,tier,outcome,wait_seconds,handle_seconds,agent_group,agent";

/// Writes contact legs as CSV rows to `W` as the engine reports them.
pub struct ContactLogWriter<'m, W: Write> {
    model: &'m Model,
    out: csv::Writer<W>,
    rows: u64,
}

impl<'m, W: Write> ContactLogWriter<'m, W> {
    /// Starts a log on `out` with its header line.
    pub fn new(model: &'m Model, out: W) -> io::Result<Self> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(HEADER.split(','))
            .map_err(crate::export::io_error)?;
        Ok(Self {
            model,
            out,
            rows: 0,
        })
    }

    /// Flushes and returns the writer and the number of rows.
    pub fn finish(self) -> io::Result<(W, u64)> {
        let out = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok((out, self.rows))
    }
}

impl<W: Write> ContactSink for ContactLogWriter<'_, W> {
    fn contact(&mut self, r: &ContactRecord) -> io::Result<()> {
        let m = self.model;
        let day = (r.arrival / crate::duration::DAY).floor().max(0.0);
        let weekday = (m.demand.start_weekday + day as usize) % 7;
        let group = r.group.and_then(|g| m.groups.get(g as usize));
        let agent = match (group, r.agent) {
            (Some(g), Some(a)) => format!("{}-{}", g.name, a + 1),
            _ => String::new(),
        };
        self.out
            .write_record([
                (day as u64 + 1).to_string().as_str(),
                WEEKDAYS[weekday],
                &crate::duration::clock(r.arrival - day * crate::duration::DAY),
                &format!("{:.3}", r.arrival),
                &m.channels[r.channel as usize].name,
                &m.topics[r.topic as usize].name,
                &r.priority.to_string(),
                &r.attempt.to_string(),
                &r.tier.to_string(),
                r.outcome.name(),
                &format!("{:.3}", r.wait),
                &format!("{:.3}", r.handle),
                group.map_or("", |g| g.name.as_str()),
                &agent,
            ])
            .map_err(crate::export::io_error)?;
        self.rows += 1;
        Ok(())
    }
}

// ---- reading ------------------------------------------------------------------------------

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

    fn delimiter_byte(&self, detected: u8) -> Result<u8, String> {
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

/// Whether an agent answered the contact or the customer left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Answered after `wait`.
    Answered,
    /// Abandoned after `wait`.
    Abandoned,
}

/// One contact offered to the agents' queue, as read from a log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedContact {
    /// Day number counted from the log's first day (0).
    pub day: u32,
    /// Weekday (0 = Monday).
    pub weekday: usize,
    /// Arrival at the queue, seconds after midnight of `day` (may exceed a day when an IVR
    /// offset carries it past midnight).
    pub time: f64,
    /// Answered or abandoned.
    pub fate: Fate,
    /// Seconds waited.
    pub wait: f64,
    /// Seconds of agent time (answered contacts; `None` when the log has none).
    pub handle: Option<f64>,
    /// Topic (or call type); "all" when the log has none.
    pub topic: String,
    /// Priority rank, 1 = most urgent.
    pub priority: u32,
    /// The agent who answered, when named.
    pub agent: Option<String>,
}

/// What a log held, beyond its contacts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRead {
    /// Contacts offered to the queue, in file order.
    pub contacts: Vec<LoggedContact>,
    /// Rows read.
    pub rows: u64,
    /// Rows skipped by outcome (ignored or unknown), by value.
    pub skipped: BTreeMap<String, u64>,
    /// Abandoned before reaching the queue (`values.not_queued`).
    pub not_queued: u64,
    /// Rows left out by `keep` or by channel.
    pub filtered: u64,
    /// Rows with a value that could not be read (left out), and the first such problem.
    pub unreadable: u64,
    /// The first unreadable value, in words.
    pub first_unreadable: Option<String>,
    /// Weekday of day 0.
    pub start_weekday: usize,
    /// Label of day 0 as the log writes it (a date or a day number).
    pub first_date: String,
    /// Channel read (when the log has a channel column).
    pub channel: Option<String>,
    /// Agents' contacts on the log's other channels: (start, end) in seconds from 00:00 of
    /// day 0, per agent. Agents busy there were not available here.
    pub other_work: BTreeMap<String, Vec<(f64, f64)>>,
}

/// Why a log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The file could not be read or is not delimited text.
    #[error("{0}")]
    Io(String),
    /// A column the mapping names is not in the header.
    #[error(
        "the log has no column `{column}` (mapping key `{key}`)\n  = help: columns in the file: {found}"
    )]
    MissingColumn {
        /// Mapping key.
        key: String,
        /// Column name.
        column: String,
        /// The header's columns.
        found: String,
    },
    /// A value could not be read.
    #[error("line {line}: column `{column}` holds `{value}`, which is not {expected}")]
    BadValue {
        /// 1-based line in the file.
        line: u64,
        /// Column name.
        column: String,
        /// The text found.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// Nothing usable.
    #[error("the log holds no answered or abandoned contacts{0}")]
    Empty(String),
}

/// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms", `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_date(text: &str, format: &str) -> Option<i64> {
    let t = text.trim();
    let digits = |s: &str| -> Option<i64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (y, m, d) = match format {
        "day" => return digits(t),
        "yymmdd" if t.len() == 6 => {
            let yy = digits(&t[..2])?;
            // Two-digit years: 70–99 are 19xx, 00–69 are 20xx (the POSIX strptime rule).
            (
                if yy >= 70 { 1900 + yy } else { 2000 + yy },
                digits(&t[2..4])?,
                digits(&t[4..])?,
            )
        }
        "yyyymmdd" if t.len() == 8 => (digits(&t[..4])?, digits(&t[4..6])?, digits(&t[6..])?),
        "yyyy-mm-dd" => {
            let mut it = t.split('-');
            let r = (
                digits(it.next()?)?,
                digits(it.next()?)?,
                digits(it.next()?)?,
            );
            if it.next().is_some() {
                return None;
            }
            r
        }
        _ => return None,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn parse_clock(text: &str) -> Option<f64> {
    let mut it = text.trim().split(':');
    let h: f64 = it.next()?.parse().ok()?;
    let m: f64 = it.next()?.parse().ok()?;
    let s: f64 = it.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if it.next().is_some()
        || !(0.0..=48.0).contains(&h)
        || !(0.0..60.0).contains(&m)
        || !(0.0..61.0).contains(&s)
        || h.fract() != 0.0
        || m.fract() != 0.0
    {
        return None;
    }
    Some(h * 3600.0 + m * 60.0 + s)
}

/// Longest wait or handle time read, seconds (30 days): anything longer is a damaged value.
const MAX_SECONDS: f64 = 30.0 * 86_400.0;

fn parse_seconds(text: &str) -> Option<f64> {
    let x: f64 = text.trim().parse().ok()?;
    (x.is_finite() && (0.0..=MAX_SECONDS).contains(&x)).then_some(x)
}

/// Reads a log through `mapping`. With a channel column, only the rows of `channel` are read
/// (by default the channel with most rows).
pub fn read(
    input: impl Read,
    mapping: &Mapping,
    channel: Option<&str>,
) -> Result<LogRead, LogError> {
    let mut raw = Vec::new();
    let mut input = input;
    input
        .read_to_end(&mut raw)
        .map_err(|e| LogError::Io(e.to_string()))?;
    let first_line = raw.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let detected = if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    };
    let delimiter = mapping.delimiter_byte(detected).map_err(LogError::Io)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(raw.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| LogError::Io(format!("reading the header line: {e}")))?
        .clone();
    let found = || {
        let names: Vec<&str> = headers.iter().collect();
        names.join(", ")
    };
    let col = |key: &str, name: &str| -> Result<usize, LogError> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| LogError::MissingColumn {
                key: key.into(),
                column: name.into(),
                found: found(),
            })
    };
    let opt = |key: &str, name: &Option<String>| -> Result<Option<usize>, LogError> {
        name.as_deref().map(|n| col(key, n)).transpose()
    };
    let c = &mapping.columns;
    let i_date = col("date", &c.date)?;
    let i_time = col("time", &c.time)?;
    let i_offset = opt("time_offset", &c.time_offset)?;
    let i_weekday = opt("weekday", &c.weekday)?;
    let i_wait = col("wait", &c.wait)?;
    let i_handle = opt("handle", &c.handle)?;
    let i_outcome = col("outcome", &c.outcome)?;
    let i_topic = opt("topic", &c.topic)?;
    let i_priority = opt("priority", &c.priority)?;
    let i_channel = opt("channel", &c.channel)?;
    let i_agent = opt("agent", &c.agent)?;
    let i_queued = opt("queued", &c.queued)?;
    let keep: Vec<(usize, &Vec<String>)> = mapping
        .keep
        .iter()
        .map(|(k, v)| col(&format!("keep.{k}"), k).map(|i| (i, v)))
        .collect::<Result<_, _>>()?;

    let mut records = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let line = n as u64 + 2;
        let rec = rec.map_err(|e| LogError::Io(format!("line {line}: {e}")))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        records.push((line, rec));
    }
    // The channel to read: the one asked for, else the one with most rows.
    let mut chosen = None;
    if let Some(ic) = i_channel {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for (_, r) in &records {
            *counts
                .entry(r.get(ic).unwrap_or("").to_string())
                .or_default() += 1;
        }
        chosen = match channel {
            Some(ch) => {
                if !counts.contains_key(ch) {
                    let names: Vec<&str> = counts.keys().map(String::as_str).collect();
                    return Err(LogError::Empty(format!(
                        " on channel `{ch}`\n  = help: channels in the log: {}",
                        names.join(", ")
                    )));
                }
                Some(ch.to_string())
            }
            None => counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(k, _)| k.clone()),
        };
    }

    let mut out = LogRead {
        channel: chosen.clone(),
        ..LogRead::default()
    };
    let get = |r: &csv::StringRecord, i: usize| r.get(i).unwrap_or("").to_string();
    let bad = |line: u64, column: &str, value: String, expected: &str| LogError::BadValue {
        line,
        column: column.into(),
        value,
        expected: expected.into(),
    };
    let mut parsed: Vec<(i64, Option<usize>, LoggedContact)> = Vec::new();
    // (date, service start after that date's midnight, handle, agent) on other channels.
    let mut other: Vec<(i64, f64, f64, String)> = Vec::new();
    for (line, r) in &records {
        out.rows += 1;
        // Rows of other channels are read only for their agents' time.
        let other_channel = matches!(
            (i_channel, &chosen),
            (Some(ic), Some(ch)) if r.get(ic).unwrap_or("") != ch
        );
        if keep
            .iter()
            .any(|(i, vals)| !vals.iter().any(|v| v == r.get(*i).unwrap_or("")))
        {
            out.filtered += 1;
            continue;
        }
        let outcome = get(r, i_outcome);
        let fate = if mapping.values.answered.contains(&outcome) {
            Fate::Answered
        } else if mapping.values.abandoned.contains(&outcome) {
            Fate::Abandoned
        } else {
            if !other_channel {
                *out.skipped.entry(outcome).or_default() += 1;
            }
            continue;
        };
        if other_channel && (fate != Fate::Answered || i_agent.is_none()) {
            out.filtered += 1;
            continue;
        }
        if fate == Fate::Abandoned
            && let Some(iq) = i_queued
            && mapping.values.not_queued.contains(&get(r, iq))
        {
            out.not_queued += 1;
            continue;
        }
        let row = (|| -> Result<_, LogError> {
            let date_text = get(r, i_date);
            let day = parse_date(&date_text, &mapping.formats.date).ok_or_else(|| {
                bad(
                    *line,
                    &c.date,
                    date_text.clone(),
                    &format!("a date written {}", mapping.formats.date),
                )
            })?;
            let time_text = get(r, i_time);
            let mut time = match mapping.formats.time.as_str() {
                "seconds" => parse_seconds(&time_text),
                _ => parse_clock(&time_text),
            }
            .ok_or_else(|| bad(*line, &c.time, time_text.clone(), "a time of day"))?;
            if time >= 2.0 * crate::duration::DAY {
                return Err(bad(*line, &c.time, time_text.clone(), "a time of day"));
            }
            if let Some(io) = i_offset {
                let t = get(r, io);
                time += parse_seconds(&t)
                    .filter(|x| *x < crate::duration::DAY)
                    .ok_or_else(|| {
                        bad(
                            *line,
                            c.time_offset.as_deref().unwrap_or(""),
                            t.clone(),
                            "seconds (less than a day)",
                        )
                    })?;
            }
            let weekday = match i_weekday {
                Some(iw) => {
                    let w = get(r, iw).to_ascii_lowercase();
                    let w3 = w.get(..3).unwrap_or("");
                    Some(WEEKDAYS.iter().position(|d| *d == w3).ok_or_else(|| {
                        bad(
                            *line,
                            c.weekday.as_deref().unwrap_or(""),
                            w.clone(),
                            "a weekday (mon…sun)",
                        )
                    })?)
                }
                None => None,
            };
            let wait_text = get(r, i_wait);
            let wait = parse_seconds(&wait_text)
                .ok_or_else(|| bad(*line, &c.wait, wait_text.clone(), "seconds"))?;
            let handle = match (fate, i_handle) {
                (Fate::Answered, Some(ih)) => {
                    let h = get(r, ih);
                    Some(parse_seconds(&h).ok_or_else(|| {
                        bad(
                            *line,
                            c.handle.as_deref().unwrap_or(""),
                            h.clone(),
                            "seconds",
                        )
                    })?)
                }
                _ => None,
            };
            let topic = i_topic.map_or_else(|| "all".to_string(), |i| get(r, i));
            let priority = match i_priority {
                Some(ip) => {
                    let p = get(r, ip);
                    match mapping.priority.get(&p) {
                    Some(rank) => *rank,
                    None => p.parse::<u32>().ok().filter(|x| *x >= 1).ok_or_else(|| {
                        bad(
                            *line,
                            c.priority.as_deref().unwrap_or(""),
                            p.clone(),
                            "a priority rank of 1 or more (map the log's values under [priority])",
                        )
                    })?,
                }
                }
                None => 1,
            };
            let agent = i_agent
                .map(|i| get(r, i))
                .filter(|a| !a.is_empty() && !mapping.values.no_agent.contains(a));
            Ok((
                day, weekday, date_text, time, wait, handle, topic, priority, agent,
            ))
        })();
        let (day, weekday, date_text, time, wait, handle, topic, priority, agent) = match row {
            Ok(x) if other_channel => {
                out.filtered += 1;
                if let (Some(agent), Some(handle)) = (x.8, x.5) {
                    other.push((x.0, x.3 + x.4, handle, agent));
                }
                continue;
            }
            Ok(x) => x,
            Err(_) if other_channel => {
                out.filtered += 1;
                continue;
            }
            Err(e) => {
                out.unreadable += 1;
                if out.first_unreadable.is_none() {
                    out.first_unreadable = Some(e.to_string());
                }
                continue;
            }
        };
        if out.first_date.is_empty() || parsed.iter().all(|p| p.0 > day) {
            out.first_date = date_text.clone();
        }
        parsed.push((
            day,
            weekday,
            LoggedContact {
                day: 0,
                weekday: 0,
                time,
                fate,
                wait,
                handle,
                topic,
                priority,
                agent,
            },
        ));
    }
    // A few damaged rows are left out and reported; many mean the mapping is wrong.
    if out.unreadable > 0 && out.unreadable * 20 > out.rows {
        return Err(LogError::Io(format!(
            "{} of {} rows could not be read; the first: {}\n  = help: check the mapping's columns and formats",
            out.unreadable,
            out.rows,
            out.first_unreadable.as_deref().unwrap_or("")
        )));
    }
    // A log spans days, not centuries: a stray date must not make every per-day table huge.
    if let (Some(lo), Some(hi)) = (
        parsed.iter().map(|p| p.0).min(),
        parsed.iter().map(|p| p.0).max(),
    ) && hi - lo >= i64::from(MAX_DAYS)
    {
        return Err(LogError::Io(format!(
            "the log spans {} days (from day {lo} to day {hi}); supportsim reads at most {MAX_DAYS}\n  = help: check the date column and its format, or split the log",
            hi - lo + 1
        )));
    }
    let Some(first) = parsed.iter().map(|p| p.0).min() else {
        return Err(LogError::Empty(format!(
            " ({} rows read; outcomes seen: {})\n  = help: check the [values] of the mapping",
            out.rows,
            out.skipped
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    // Weekday of day 0: from the dates, or from the weekday column.
    let start_weekday = if mapping.formats.date == "day" {
        parsed
            .iter()
            .find_map(|(d, w, _)| w.map(|w| (w + 7 - ((d - first) % 7) as usize) % 7))
            .unwrap_or(0)
    } else {
        // 1970-01-01 was a Thursday (3 when Monday is 0).
        (first + 3).rem_euclid(7) as usize
    };
    out.start_weekday = start_weekday;
    for (d, _, mut c) in parsed {
        let mut day = d - first;
        // An offset past midnight carries the arrival into the next day.
        while c.time >= crate::duration::DAY {
            c.time -= crate::duration::DAY;
            day += 1;
        }
        c.day = day as u32;
        c.weekday = (start_weekday + day as usize) % 7;
        out.contacts.push(c);
    }
    for (d, start, handle, agent) in other {
        if d >= first && d - first < i64::from(MAX_DAYS) {
            let start = (d - first) as f64 * crate::duration::DAY + start;
            out.other_work
                .entry(agent)
                .or_default()
                .push((start, start + handle));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 1 February 1999 was a Monday.
        let d = parse_date("990201", "yymmdd").unwrap_or(0);
        assert_eq!((d + 3).rem_euclid(7), 0);
        assert_eq!(parse_date("1999-02-01", "yyyy-mm-dd"), Some(d));
        assert_eq!(parse_date("19990201", "yyyymmdd"), Some(d));
        assert_eq!(parse_date("991301", "yymmdd"), None);
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("7:02:47"), Some(25_367.0));
        assert_eq!(parse_clock("07:02:47.500"), Some(25_367.5));
        assert_eq!(parse_clock("7h"), None);
        assert_eq!(crate::duration::clock(25_367.5), "07:02:47.500");
    }

    #[test]
    fn reads_a_mapped_log() {
        let text = "d\tt\tw\to\tserver\n990201\t7:00:00\t5\tAGENT\tDORIT\n990201\t7:10:00\t40\tHANG\tNO_SERVER\n990202\t8:00:00\t0\tPHANTOM\tX\n";
        let m = Mapping::parse(
            r#"
[columns]
date = "d"
time = "t"
wait = "w"
outcome = "o"
agent = "server"
[formats]
date = "yymmdd"
[values]
answered = ["AGENT"]
abandoned = ["HANG"]
ignore = ["PHANTOM"]
no_agent = ["NO_SERVER"]
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let log = read(text.as_bytes(), &m, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.contacts.len(), 2);
        assert_eq!(log.start_weekday, 0);
        assert_eq!(log.contacts[0].agent.as_deref(), Some("DORIT"));
        assert_eq!(log.contacts[1].fate, Fate::Abandoned);
        assert_eq!(log.contacts[1].agent, None);
        assert_eq!(log.skipped.get("PHANTOM"), Some(&1));
    }
}
