//! The scenario format as types: one struct per section, each key documented with its type,
//! unit and default. Commands that write scenarios (`fit`, `staff`, `sweep`) build these and
//! serialise them to TOML ([`to_toml`]); `supportsim schema` prints their JSON Schema
//! ([`schema`]), which editors with TOML schema support use to complete and check scenarios.
//!
//! Reading goes the other way through the checks of [`crate::scenario`], which report every
//! problem with its place in the file; a test keeps the keys the reader accepts and the keys
//! these types declare the same.

mod demand;
mod experience;
mod schema;
mod service;
mod values;
mod workforce;
mod write;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use demand::{Surge, Volume, WeekdayIntraday, WeekdayWeights};
pub use experience::{Automation, Csat, Customers, KnowledgeBase, Ramp, Resolution};
pub use schema::schema;
pub use service::{Channel, Pending, PendingState, Reassign, Topic};
pub use values::{
    CostBasis, Days, Distribution, Duration, Intraday, Kind, QueueOrder, Shape, TimeOfDay, Weekday,
};
pub use workforce::{
    AgentGroup, BreakKind, BreakRule, Burnout, BurnoutSetting, HireClass, RampUp, Shift,
    ShiftBreak, StartWindow, WeekHours, WorkRules,
};
pub use write::{Note, WriteError, to_toml};

/// A support operation to simulate (scenario format v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "supportsim scenario")]
pub struct ScenarioFile {
    /// The run: horizon, warm-up, reporting interval, replications, seed.
    pub simulation: Simulation,
    /// How many contacts arrive and when.
    pub volume: Volume,
    /// One table per channel of contact, keyed by its name (`[channels.phone]`).
    pub channels: IndexMap<String, Channel>,
    /// Contact reasons; without them every contact has one topic, `all`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// Agent groups.
    pub agents: Vec<AgentGroup>,
    /// A bot answering first on some channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<Automation>,
    /// Self-service that answers would-be contacts before they arrive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge_base: Option<KnowledgeBase>,
    /// What customers do after an unresolved, abandoned or blocked contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// The satisfaction model's parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<Csat>,
    /// A customer base that drives volume and loses customers to bad experiences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<Customers>,
    /// Stretches of unusual demand: outages, campaigns, quiet spells.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surges: Vec<Surge>,
    /// Classes of new agents joining a group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hires: Vec<HireClass>,
    /// Levers and an exercise for `supportsim lesson`; the simulation does not read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
}

/// `[lesson]`: what `supportsim lesson` makes of the scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// The page's levers, `PATH=VALUES` as `sweep --set` takes them, e.g.
    /// `"agents.desk.count=2..6"` or `"automation=off,on"`; every combination is simulated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vary: Vec<String>,
    /// An exercise, hidden on the page until "reveal": `"minimize KEY where KEY < NUMBER"`
    /// (or maximize; conditions with <, <=, >, >= joined by `and`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

/// `[simulation]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Shown in reports. Default: the file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Days simulated, from 00:00 of day 0 (whole days, 1 to 36,600).
    #[schemars(range(min = 1, max = 36_600))]
    pub days: u32,
    /// First days simulated but left out of every statistic (fewer than `days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(max = 36_600))]
    pub warmup_days: Option<u32>,
    /// Length of the reporting intervals: "15m", "30m" or "1h".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "30m"))]
    pub interval: Option<Duration>,
    /// Independent runs; figures are their mean with a 95% interval (1 to 100,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 10), range(min = 1, max = 100_000))]
    pub replications: Option<u32>,
    /// Base seed; the same seed gives the same bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(max = 9_223_372_036_854_775_807u64))]
    pub seed: Option<u64>,
    /// Weekday of day 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "mon"))]
    pub start_weekday: Option<Weekday>,
    /// Date of day 0 (YYYY-MM-DD); sets the weekday. Needed with `[volume] forecast`, whose
    /// dates it maps onto the run's days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
}
