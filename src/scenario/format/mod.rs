//! The scenario format as types: one struct per section, each key documented with its type,
//! unit and default. Commands that write scenarios (`fit`, `staff`, `sweep`) build these and
//! serialise them to TOML ([`to_toml`]); `supportsim schema` prints their JSON Schema
//! ([`schema`]), which editors with TOML schema support use to complete and check scenarios.
//!
//! Reading goes the other way through the checks of [`crate::scenario`], which report every
//! problem with its place in the file; a test keeps the keys the reader accepts and the keys
//! these types declare the same.

mod schema;
mod values;
mod write;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use schema::schema;
pub use values::{
    CostBasis, Days, Distribution, Duration, Intraday, Kind, Shape, TimeOfDay, Weekday,
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
}

/// `[volume]`: contacts arrive as a non-homogeneous Poisson process whose rate is constant
/// within each slot of the intraday profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Contacts on a day of weekday weight 1 (contacts a day, more than 0). Required unless
    /// `[customers] contacts_per_month` drives volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1e9))]
    pub per_day: Option<f64>,
    /// Multipliers of `per_day` per weekday, all seven; 0 closes a day. Default: all 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<WeekdayWeights>,
    /// How a day's contacts spread over the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "flat"))]
    pub intraday: Option<Intraday>,
    /// Weekdays' own intraday profiles (e.g. a Friday that closes at 14:00), replacing
    /// `intraday` on those days for channels without a profile of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday_intraday: Option<WeekdayIntraday>,
    /// Day-to-day variation: each day's volume × gamma(mean 1, this coefficient of variation);
    /// 0 to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 5))]
    pub day_cv: Option<f64>,
    /// Trend: day d brings (1 + growth)^(d ÷ 30.4375) times the volume, e.g. 0.02 for +2% a
    /// month (a share per month, −0.5 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = -0.5, max = 1))]
    pub growth_per_month: Option<f64>,
}

/// A weight per weekday (relative volumes, 0 closes a day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct WeekdayWeights {
    #[schemars(range(min = 0, max = 1e6))]
    pub mon: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub tue: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub wed: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub thu: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub fri: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub sat: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub sun: f64,
}

impl WeekdayWeights {
    /// Weights from an array, Monday first.
    pub fn from_array(w: [f64; 7]) -> WeekdayWeights {
        let [mon, tue, wed, thu, fri, sat, sun] = w;
        WeekdayWeights {
            mon,
            tue,
            wed,
            thu,
            fri,
            sat,
            sun,
        }
    }
}

/// An intraday profile per weekday; weekdays left out keep `[volume] intraday`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct WeekdayIntraday {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<Intraday>,
}

impl WeekdayIntraday {
    /// The profile of weekday `index` (Monday 0).
    pub fn day_mut(&mut self, index: usize) -> &mut Option<Intraday> {
        match index % 7 {
            0 => &mut self.mon,
            1 => &mut self.tue,
            2 => &mut self.wed,
            3 => &mut self.thu,
            4 => &mut self.fri,
            5 => &mut self.sat,
            _ => &mut self.sun,
        }
    }
}

/// `[channels.NAME]`: a channel of contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// "call" (phone), "chat" (live chat) or "async" (email, web form).
    pub kind: Kind,
    /// Share of contacts (0 to 1), for topics without a `channels` mix of their own; the shares
    /// add up to 1. Default: 1 for a lone channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub share: Option<f64>,
    /// Agent time per contact (talk + wrap-up) of a fully proficient agent.
    pub handle_time: Distribution,
    /// Time a customer waits before abandoning (call and chat). Default: never abandon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<Distribution>,
    /// Agent time after each contact before the next (wrap-up, short unavailability): the agent
    /// is busy, the customer already gone. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_call_work: Option<Distribution>,
    /// Service-level threshold. Default: call "20s", chat "1m", async "24h".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_within: Option<Duration>,
    /// Target share answered within `answer_within` (more than 0, at most 1), for reports and
    /// staffing (which uses 0.8 without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub service_level_target: Option<f64>,
    /// Waiting places (call and chat); a contact finding them all taken is blocked (busy
    /// signal). Default: unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 10_000_000))]
    pub queue_capacity: Option<u32>,
    /// Chats an agent holds at once (chat only, 1 to 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 3), range(min = 1, max = 50))]
    pub concurrency: Option<u32>,
    /// A chat taken while holding k others lasts 1 + stretch·k times longer (0 to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.25), range(min = 0, max = 10))]
    pub concurrency_stretch: Option<f64>,
    /// This channel's own intraday profile. Default: `[volume] intraday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intraday: Option<Intraday>,
    /// Wait at which satisfaction has lost half of what waiting can cost it (see `[csat]`).
    /// Default: call "4m", chat "5m", async "24h".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_tolerance: Option<Duration>,
    /// Where repeat contacts about unresolved issues come back: a share per channel name,
    /// adding up to 1, e.g. { email = 0.5, phone = 0.5 }. Default: this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_channels: Option<IndexMap<String, f64>>,
    /// Agent touches a ticket needs on average (async only, 1 to 50), e.g. 1.8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(min = 1, max = 50))]
    pub touches: Option<f64>,
    /// The customer's time to reply between two touches (async; required when `touches` > 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_delay: Option<Distribution>,
    /// Agent time of a later touch (async; × the topic's `handle_time_factor`). Default:
    /// `handle_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_handle_time: Option<Distribution>,
    /// Agent time on a chat whose customer left while it waited: the agent who reaches it
    /// still opens it (chat only). Default: abandoned chats vanish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandoned_work: Option<Distribution>,
}

impl Channel {
    /// A channel of `kind` with `handle_time` and every other key at its default.
    pub fn new(kind: Kind, handle_time: Distribution) -> Channel {
        Channel {
            kind,
            share: None,
            handle_time,
            patience: None,
            after_call_work: None,
            answer_within: None,
            service_level_target: None,
            queue_capacity: None,
            concurrency: None,
            concurrency_stretch: None,
            intraday: None,
            wait_tolerance: None,
            repeat_channels: None,
            touches: None,
            reply_delay: None,
            follow_up_handle_time: None,
            abandoned_work: None,
        }
    }
}

/// `[[topics]]`: a contact reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// The contact reason.
    pub name: String,
    /// Share of all contacts (0 to 1); the shares add up to 1. Required with several topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub share: Option<f64>,
    /// 1 is the most urgent; agents always take a lower number first (1 to 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(min = 1, max = 1000))]
    pub priority: Option<u32>,
    /// The skill an agent needs. Default: the topic's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// Multiplies the channel's handle time (more than 0, at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(max = 100))]
    pub handle_time_factor: Option<f64>,
    /// The topic's own handle time on every channel (not together with
    /// `handle_time_factor`). Default: the channel's × factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_time: Option<Distribution>,
    /// The patience of this topic's customers on call and chat channels. Default: the
    /// channel's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<Distribution>,
    /// This topic's own channel mix: a share per channel name, adding up to 1. Default: the
    /// channels' `share`s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<IndexMap<String, f64>>,
    /// Chance that a fully proficient agent resolves the issue at the contact (0 to 1),
    /// multiplied by the agent's proficiency. Default: every answered contact is resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub fcr: Option<f64>,
    /// Share of this topic's bot conversations the bot resolves at full rollout (0 to 1).
    /// Default: `[automation] containment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub containment: Option<f64>,
    /// Share of this topic's would-be contacts the knowledge base answers (0 to 1). Default:
    /// `[knowledge_base] deflection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub kb_deflection: Option<f64>,
    /// Share of contacts a tier-1 agent could not resolve that go straight to tier 2 (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub escalation: Option<f64>,
}

/// `[[agents]]`: a group of agents who share channels, skills and schedule rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentGroup {
    /// The group.
    pub name: String,
    /// Agents working around the clock (1 to 1,000,000); with `shifts`, the default count of
    /// each shift. Required without `shifts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1_000_000))]
    pub count: Option<u32>,
    /// Channels the group works, by name.
    pub channels: Vec<String>,
    /// Proficiency per skill (more than 0, at most 2), e.g. { billing = 1.0, technical = 0.7 };
    /// handle time is divided by it; topics whose skill is missing are not served. Default:
    /// every topic at 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<IndexMap<String, f64>>,
    /// Chats held at once (1 to 50). Default: the largest concurrency of its chat channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 50))]
    pub concurrency: Option<u32>,
    /// Shift patterns. Default: around the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shifts: Option<Vec<Shift>>,
    /// Share of each scheduled shift spent off the floor (meetings, training, breaks), taken as
    /// one block at a random time in the shift (0 to 0.95).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 0.95))]
    pub planned_shrinkage: Option<f64>,
    /// Chance an agent is absent for a whole scheduled shift, drawn per agent per day (0 to
    /// 0.95).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 0.95))]
    pub absence: Option<f64>,
    /// 1 takes new contacts; 2 takes only what tier 1 escalates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(min = 1, max = 2))]
    pub tier: Option<u8>,
    /// Cost of an agent-hour (money, 0 to 1,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1e6))]
    pub cost_per_hour: Option<f64>,
    /// "scheduled": paid for every hour on shift; "handled": paid for hours busy on contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "scheduled"))]
    pub cost_basis: Option<CostBasis>,
}

/// A shift pattern: agents working from `start` to `end` on the days it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// The days the shift starts. Default: every day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "daily"))]
    pub days: Option<Days>,
    /// Start, a time of day.
    pub start: TimeOfDay,
    /// End, a time of day (the next day's when `overnight`).
    pub end: TimeOfDay,
    /// Agents on this shift (1 to 1,000,000). Default: the group's `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1_000_000))]
    pub count: Option<u32>,
    /// Must be true when `end` is not after `start`: the shift ends the next day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub overnight: Option<bool>,
}

/// `[automation]`: a bot answering first on some channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    /// Channels the bot answers first, by name.
    pub channels: Vec<String>,
    /// Share of conversations the bot resolves (0 to 1), for topics without their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub containment: Option<f64>,
    /// Time a customer spends with the bot. Default: exponential, mean 90 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_time: Option<Distribution>,
    /// Share of "contained" conversations that were not really resolved (0 to 1): those
    /// customers come back later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub false_containment: Option<f64>,
    /// Handle-time multiplier of conversations the bot passes to an agent (more than 0, at
    /// most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(max = 100))]
    pub escalation_handle_time_factor: Option<f64>,
    /// Patience multiplier of those customers (more than 0, at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(max = 100))]
    pub escalation_patience_factor: Option<f64>,
    /// Cost of each bot conversation (money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1e12))]
    pub cost_per_conversation: Option<f64>,
    /// Licence per month (money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1e12))]
    pub monthly_cost: Option<f64>,
    /// Rollout of containment. Default: full containment from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<Ramp>,
}

/// Containment rising linearly from `from` × its full level on `start_day` to full on
/// `end_day`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ramp {
    /// The day the rollout starts (days from day 0).
    #[schemars(range(min = 0, max = 36_600))]
    pub start_day: f64,
    /// The day containment reaches its full level (after `start_day`).
    #[schemars(range(min = 0, max = 36_600))]
    pub end_day: f64,
    /// Share of full containment before the start (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub from: Option<f64>,
}

/// `[knowledge_base]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeBase {
    /// Share of would-be contacts answered before they arrive (0 to 1), for topics without
    /// their own `kb_deflection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub deflection: Option<f64>,
    /// Cost per month (money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1e12))]
    pub monthly_cost: Option<f64>,
}

/// `[resolution]`: repeats of unresolved contacts and retries after abandoning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// Share of customers whose issue was not resolved who come back about it (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(min = 0, max = 1))]
    pub repeat_share: Option<f64>,
    /// Time from the end of the unresolved contact to the repeat. Default: lognormal, mean 1
    /// day, cv 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_delay: Option<Distribution>,
    /// Share of customers who abandoned or got a busy signal who try again (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub retry_share: Option<f64>,
    /// Time before such a retry. Default: exponential, mean 15 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay: Option<Distribution>,
    /// Most contacts about one issue, first included (1 to 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 4), range(min = 1, max = 20))]
    pub max_attempts: Option<u32>,
}

/// `[csat]`: p = base · w(wait) · factors, with w(wait) = floor + (1 − floor) / (1 +
/// (wait / tolerance)^steepness). The defaults are assumptions; see the format's documentation
/// for their grounds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Csat {
    /// Satisfied share when everything goes well (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.88), range(min = 0, max = 1))]
    pub base: Option<f64>,
    /// How sharply satisfaction drops around the tolerance (more than 0, at most 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 3), range(max = 50))]
    pub steepness: Option<f64>,
    /// The lowest the wait factor goes (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.3), range(min = 0, max = 1))]
    pub floor: Option<f64>,
    /// Factor when the issue is not resolved (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.55), range(min = 0, max = 1))]
    pub unresolved_factor: Option<f64>,
    /// Factor after a failed bot attempt (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.85), range(min = 0, max = 1))]
    pub failed_bot_factor: Option<f64>,
    /// Factor per earlier contact about the same issue (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.85), range(min = 0, max = 1))]
    pub repeat_factor: Option<f64>,
    /// Satisfaction with a conversation the bot resolved (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.75), range(min = 0, max = 1))]
    pub bot_contained: Option<f64>,
    /// Share of customers who answer the survey (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.15), range(min = 0, max = 1))]
    pub survey_response: Option<f64>,
}

/// `[customers]`: with a customer base, volume follows the active customers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customers {
    /// Active customers at the start (more than 0).
    #[schemars(range(max = 1e10))]
    pub active: f64,
    /// Contacts per customer per month (more than 0, at most 1,000); replaces `[volume]
    /// per_day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1000))]
    pub contacts_per_month: Option<f64>,
    /// New customers per month (Poisson, drawn daily).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1e12))]
    pub acquisitions_per_month: Option<f64>,
    /// Revenue per customer per month (money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1e12))]
    pub revenue_per_month: Option<f64>,
    /// Expected lifetime of a customer, for the lifetime value lost (months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 24), range(min = 0, max = 1e12))]
    pub lifetime_months: Option<f64>,
    /// Customers leaving for reasons unrelated to service, per month (a share, 0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub baseline_churn_per_month: Option<f64>,
    /// Chance to leave after a dissatisfying contact (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.03), range(min = 0, max = 1))]
    pub churn_if_dissatisfied: Option<f64>,
    /// Chance to leave after a contact that did not resolve the issue (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.04), range(min = 0, max = 1))]
    pub churn_if_unresolved: Option<f64>,
    /// Chance to leave after abandoning or a busy signal (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.02), range(min = 0, max = 1))]
    pub churn_if_abandoned: Option<f64>,
    /// Chance to leave when a written contact is still unanswered after twice its channel's
    /// `wait_tolerance` (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.04), range(min = 0, max = 1))]
    pub churn_if_ignored: Option<f64>,
}

/// `[[surges]]`: the arrivals it concerns multiplied by `factor` for a stretch of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Surge {
    /// For reports. Default: "surge N".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Day of the run, from 0.
    #[schemars(range(max = 36_600))]
    pub day: u32,
    /// Start, a time of day before 24:00.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "00:00"))]
    pub start: Option<TimeOfDay>,
    /// How long it lasts (may run past midnight).
    pub duration: Duration,
    /// Multiplier of the volume it concerns: 3 triples it, 0.5 halves it, 0 stops it (0 to
    /// 1,000).
    #[schemars(range(min = 0, max = 1000))]
    pub factor: f64,
    /// The topic it concerns. Default: every topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The channels it concerns, by name. Default: every channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
}
