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
