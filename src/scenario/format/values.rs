//! The values a scenario is written with: durations, times of day, weekdays and sets of days,
//! intraday profiles, distributions, channel kinds and cost bases — each with its JSON Schema.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::duration::{WEEKDAYS, format_seconds};

/// A duration with a unit, as written: `"20s"`, `"4m"`, `"1h30m"`, `"2d"`, `"1.5h"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub String);

impl Duration {
    /// `seconds` written in seconds, exactly enough to be read back to the same value.
    pub fn seconds(seconds: f64) -> Duration {
        Duration(format_seconds(seconds))
    }
}

impl From<&str> for Duration {
    fn from(text: &str) -> Duration {
        Duration(text.to_string())
    }
}

/// The units of a duration, longest first so that a pattern tries them in that order.
const DURATION_UNITS: &str = "seconds|second|secs|sec|s|minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d|weeks|week|w";

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A duration with a unit: \"20s\", \"4m\", \"1h30m\", \"2d\", \"1.5h\" \
                (units s, m, h, d, or words such as \"4 minutes\").",
            "pattern": format!(r"^\s*([0-9.]+\s*({DURATION_UNITS})\s*)+$"),
            "examples": ["20s", "4m", "1h30m"]
        })
    }
}

/// A time of day, `"HH:MM"` or `"HH:MM:SS"`; `"24:00"` is the end of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeOfDay(pub String);

impl JsonSchema for TimeOfDay {
    fn schema_name() -> Cow<'static, str> {
        "TimeOfDay".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A time of day, \"HH:MM\" (or \"HH:MM:SS\"); \"24:00\" is the end of the day.",
            "pattern": r"^\s*([01]?[0-9]|2[0-4]):[0-5][0-9](:[0-5][0-9])?\s*$",
            "examples": ["08:00", "17:30"]
        })
    }
}

/// A weekday, short or full and in any case: `"mon"`, `"Monday"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weekday(pub String);

impl Weekday {
    /// The short name of weekday `index` (Monday 0).
    pub fn of(index: usize) -> Weekday {
        Weekday(WEEKDAYS[index % 7].to_string())
    }
}

/// `[Mm][Oo][Nn]…`: a regular expression for `word` in any case (JSON Schema patterns have no
/// flag for it).
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A pattern for the weekday names the reader accepts: three letters or the full name.
fn weekday_pattern() -> String {
    const FULL: [&str; 7] = ["day", "sday", "nesday", "rsday", "day", "urday", "day"];
    let names: Vec<String> = WEEKDAYS
        .iter()
        .zip(FULL)
        .map(|(short, rest)| format!("{}({})?", any_case(short), any_case(rest)))
        .collect();
    format!("^({})$", names.join("|"))
}

impl JsonSchema for Weekday {
    fn schema_name() -> Cow<'static, str> {
        "Weekday".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A weekday: \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\" (or the full name).",
            "pattern": weekday_pattern(),
        })
    }
}

/// The days a shift starts on: a set by name, one weekday, or a list of weekdays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Days {
    /// `"weekdays"` (or `"mon-fri"`), `"weekends"` (`"weekend"`, `"sat-sun"`), `"daily"`
    /// (`"every day"`, `"all"`), or one weekday.
    Named(String),
    /// Weekdays, e.g. `["mon", "wed"]`.
    List(Vec<Weekday>),
}

impl JsonSchema for Days {
    fn schema_name() -> Cow<'static, str> {
        "Days".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let weekday = generator.subschema_for::<Weekday>();
        json_schema!({
            "description": "The days a shift starts on: \"weekdays\", \"weekends\", \"daily\", one weekday, or a list such as [\"mon\", \"wed\"].",
            "anyOf": [
                { "enum": ["weekdays", "mon-fri", "weekends", "weekend", "sat-sun", "daily", "every day", "all"] },
                weekday,
                { "type": "array", "items": weekday }
            ]
        })
    }
}

/// A named intraday shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// The same rate all day and night.
    Flat,
    /// 08:00–18:00, peak mid-morning, shoulder after lunch.
    BusinessHours,
    /// 07:00–22:00, quieter evening.
    ExtendedHours,
    /// Low at night, peak mid-morning (email, web forms).
    AroundTheClock,
}

/// How a day's contacts spread over the day: a named shape or relative weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Intraday {
    /// A named shape.
    Shape(Shape),
    /// Non-negative weights splitting the day evenly (24 hourly, 48 half-hourly, 96
    /// quarter-hourly, or any count that divides the day), scaled to sum to one.
    Weights(Vec<f64>),
}

/// A distribution of durations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Exponential: the coefficient of variation is 1.
    Exponential {
        /// The mean.
        mean: Duration,
        /// Must be 1 if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cv: Option<f64>,
    },
    /// Lognormal with the given mean and coefficient of variation.
    Lognormal {
        /// The mean.
        mean: Duration,
        /// Coefficient of variation: standard deviation ÷ mean (more than 0, at most 20).
        cv: f64,
    },
    /// Gamma with the given mean and coefficient of variation (shape 1/cv², scale mean·cv²).
    Gamma {
        /// The mean.
        mean: Duration,
        /// Coefficient of variation: standard deviation ÷ mean (more than 0, at most 20).
        cv: f64,
    },
    /// Always the same value.
    Fixed {
        /// The value.
        mean: Duration,
        /// Not used: a fixed value does not vary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cv: Option<f64>,
    },
    /// Measured: durations at equal steps of probability from the smallest (0%) to the largest
    /// (100%), linear in between.
    Empirical {
        /// At least two, not decreasing, the largest above zero.
        quantiles: Vec<Duration>,
    },
}

/// Which waiting contact of a channel an agent takes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    /// First come, first served.
    OldestFirst,
    /// The latest contact first.
    NewestFirst,
    /// At random, the newer the likelier by `newest_bias`.
    Random,
}

/// How a channel behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Phone, video: the customer waits in a queue and may abandon; an agent handles one at a
    /// time.
    Call,
    /// Live chat, messaging: like a call, but an agent holds several at once.
    Chat,
    /// Email, web form: no abandonment; a backlog that carries over closed hours.
    Async,
}

impl From<crate::model::ChannelKind> for Kind {
    fn from(k: crate::model::ChannelKind) -> Kind {
        match k {
            crate::model::ChannelKind::Call => Kind::Call,
            crate::model::ChannelKind::Chat => Kind::Chat,
            crate::model::ChannelKind::Async => Kind::Async,
        }
    }
}

/// What an agent group is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CostBasis {
    /// Every hour on shift.
    Scheduled,
    /// Hours busy on contacts, as outsourcers often bill.
    Handled,
}
