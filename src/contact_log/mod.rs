//! Contact logs: one row per contact, written by `run --contacts-log` and read back, through a
//! column mapping, from supportsim's own logs or from an operation's call-by-call history.
//!
//! The writer streams (nothing is kept per contact). The reader turns any delimited log into
//! [`LoggedContact`]s: arrival day and time, whether an agent answered or the customer
//! abandoned, the wait, the handle time, the topic and priority, and the agent.

mod fields;
mod mapping;
mod read;
mod writer;

use std::collections::BTreeMap;

pub use mapping::{Columns, Formats, Mapping, Values};
pub use read::read;
pub use writer::ContactLogWriter;

/// Most days a log may span (ten years).
pub const MAX_DAYS: u32 = 3660;

/// The header of a contact log written by supportsim.
pub const HEADER: &str = "day,weekday,time,arrival_seconds,channel,topic,priority,attempt,tier,outcome,wait_seconds,handle_seconds,agent_group,agent";

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
    /// Arrival at the queue, seconds after midnight of `day` (may exceed a day when an IVR
    /// offset carries it past midnight). Single precision, like `wait` and `handle`: exact for
    /// whole seconds and halves, within 16 ms otherwise, and a log of millions of contacts
    /// stays in a few bytes each ([`LoggedContact::arrival`] and the others read them).
    pub time: f32,
    /// Seconds waited.
    pub wait: f32,
    /// Seconds of agent time (answered contacts; `None` when the log has none).
    pub handle: Option<f32>,
    /// Topic (or call type): its index in [`LogRead::topics`] ("all" when the log has none).
    pub topic: u32,
    /// Priority rank, 1 = most urgent.
    pub priority: u32,
    /// The agent who answered, when named: an index in [`LogRead::agents`].
    pub agent: Option<u32>,
    /// Weekday (0 = Monday).
    pub weekday: u8,
    /// Answered or abandoned.
    pub fate: Fate,
}

impl LoggedContact {
    /// Seconds after midnight of `day` the contact reached the queue.
    pub fn time_of_day(&self) -> f64 {
        f64::from(self.time)
    }

    /// Seconds waited.
    pub fn waited(&self) -> f64 {
        f64::from(self.wait)
    }

    /// Seconds of agent time, when the log has it.
    pub fn handled(&self) -> Option<f64> {
        self.handle.map(f64::from)
    }

    /// Weekday (0 = Monday), as an index.
    pub fn weekday(&self) -> usize {
        usize::from(self.weekday)
    }

    /// Seconds from 00:00 of day 0 to the contact's arrival at the queue.
    pub fn arrival(&self) -> f64 {
        f64::from(self.day) * crate::duration::DAY + self.time_of_day()
    }
}

/// Why a row of a log was not read as a contact offered to the queue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// An outcome the mapping lists under `values.ignore`.
    IgnoredOutcome(String),
    /// An outcome the mapping does not list at all.
    UnknownOutcome(String),
    /// Abandoned before reaching the queue (`values.not_queued`).
    NotQueued,
    /// Left out by `keep` on this column.
    NotKept(String),
    /// A row of another channel (read only for its agents' time).
    OtherChannel,
    /// A value of this column could not be read.
    Unreadable(String),
}

impl Skip {
    /// A short machine name of the reason (for JSON).
    pub fn code(&self) -> &'static str {
        match self {
            Skip::IgnoredOutcome(_) => "ignored_outcome",
            Skip::UnknownOutcome(_) => "unknown_outcome",
            Skip::NotQueued => "not_queued",
            Skip::NotKept(_) => "not_kept",
            Skip::OtherChannel => "other_channel",
            Skip::Unreadable(_) => "unreadable",
        }
    }

    /// The column or value the reason names, if any.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Skip::IgnoredOutcome(v) | Skip::UnknownOutcome(v) => Some(v),
            Skip::NotKept(c) | Skip::Unreadable(c) => Some(c),
            Skip::NotQueued | Skip::OtherChannel => None,
        }
    }
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::IgnoredOutcome(v) => write!(f, "outcome `{v}` (ignored by the mapping)"),
            Skip::UnknownOutcome(v) => write!(
                f,
                "outcome `{v}` (not in the mapping's [values]; list it under answered, abandoned or ignore)"
            ),
            Skip::NotQueued => write!(f, "hung up before reaching the queue"),
            Skip::NotKept(c) => write!(f, "column `{c}` not among the mapping's `keep` values"),
            Skip::OtherChannel => write!(f, "another channel (read for its agents' time only)"),
            Skip::Unreadable(c) => write!(f, "column `{c}` could not be read"),
        }
    }
}

/// Rows skipped for one reason: how many, and the first one.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// Rows.
    pub rows: u64,
    /// 1-based line of the first such row in the file.
    pub first_line: u64,
    /// What was wrong with the first row, in words (unreadable values).
    pub first_problem: Option<String>,
}

/// 1970-01-01, from which [`LogRead::first_epoch_day`] counts.
fn epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// The date `day` days after 1970-01-01.
pub fn epoch_date(day: i64) -> chrono::NaiveDate {
    epoch() + chrono::TimeDelta::days(day)
}

/// Days from 1970-01-01 to `date`.
pub fn epoch_day(date: chrono::NaiveDate) -> i64 {
    (date - epoch()).num_days()
}

/// What a log held, beyond its contacts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRead {
    /// Contacts offered to the queue, in file order.
    pub contacts: Vec<LoggedContact>,
    /// Rows read (blank lines not counted).
    pub rows: u64,
    /// Every row not read as a contact, by reason: `rows` is the contacts plus these.
    pub skipped: BTreeMap<Skip, Skipped>,
    /// Weekday of day 0.
    pub start_weekday: usize,
    /// Label of day 0 as the log writes it (a date or a day number).
    pub first_date: String,
    /// Day 0 as days since 1970-01-01, when the log writes calendar dates (not day numbers).
    pub first_epoch_day: Option<i64>,
    /// Channel read (when the log has a channel column).
    pub channel: Option<String>,
    /// Agents' contacts on the log's other channels: (start, end) in seconds from 00:00 of
    /// day 0, per agent. Agents busy there were not available here.
    pub other_work: BTreeMap<String, Vec<(f64, f64)>>,
    /// The topics the contacts name, each once (a contact holds its index: a log of millions
    /// of rows keeps a few bytes per contact, not its strings).
    pub topics: Vec<String>,
    /// The agents the contacts name, each once.
    pub agents: Vec<String>,
}

impl LogRead {
    /// Days `first` to `last` of the log (counted from day 0, both included) as a log of their
    /// own: its day 0 is day `first`, with its date and weekday; contacts, other work, topics
    /// and agents as the whole log names them; `rows` and `skipped` those of the whole log.
    pub fn days(&self, first: u32, last: u32) -> LogRead {
        let contacts = self
            .contacts
            .iter()
            .filter(|c| (first..=last).contains(&c.day))
            .map(|c| LoggedContact {
                day: c.day - first,
                ..c.clone()
            })
            .collect();
        let (from, to) = (
            f64::from(first) * crate::duration::DAY,
            f64::from(last + 1) * crate::duration::DAY,
        );
        let other_work = self
            .other_work
            .iter()
            .map(|(agent, spans)| {
                let kept = spans
                    .iter()
                    .filter(|s| s.0 >= from && s.0 < to)
                    .map(|&(a, b)| (a - from, b - from));
                (agent.clone(), kept.collect::<Vec<_>>())
            })
            .filter(|(_, spans)| !spans.is_empty())
            .collect();
        let first_epoch_day = self.first_epoch_day.map(|d| d + i64::from(first));
        LogRead {
            contacts,
            rows: self.rows,
            skipped: self.skipped.clone(),
            start_weekday: (self.start_weekday + first as usize) % 7,
            first_date: match first_epoch_day {
                Some(d) => epoch_date(d).format("%Y-%m-%d").to_string(),
                None => format!("day {first}"),
            },
            first_epoch_day,
            channel: self.channel.clone(),
            other_work,
            topics: self.topics.clone(),
            agents: self.agents.clone(),
        }
    }

    /// The topic of contact `c`.
    pub fn topic_name(&self, c: &LoggedContact) -> &str {
        self.topics.get(c.topic as usize).map_or("", String::as_str)
    }

    /// The agent who answered contact `c`, when named.
    pub fn agent_name(&self, c: &LoggedContact) -> Option<&str> {
        c.agent
            .and_then(|a| self.agents.get(a as usize))
            .map(String::as_str)
    }

    /// Rows skipped for `reason`.
    pub fn skipped_rows(&self, reason: &Skip) -> u64 {
        self.skipped.get(reason).map_or(0, |s| s.rows)
    }

    /// Rows whose values could not be read, and the first problem.
    pub fn unreadable(&self) -> (u64, Option<&str>) {
        let mut n = 0;
        let mut first: Option<(u64, &str)> = None;
        for (k, s) in &self.skipped {
            if let Skip::Unreadable(_) = k {
                n += s.rows;
                if first.is_none_or(|(l, _)| s.first_line < l) {
                    first = s.first_problem.as_deref().map(|p| (s.first_line, p));
                }
            }
        }
        (n, first.map(|(_, p)| p))
    }

    pub(crate) fn skip(&mut self, reason: Skip, line: u64, problem: Option<String>) {
        let e = self.skipped.entry(reason).or_insert(Skipped {
            rows: 0,
            first_line: line,
            first_problem: problem,
        });
        e.rows += 1;
    }
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
