//! The workforce: `[[agents]]` and their shifts.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CostBasis, Days, Duration, TimeOfDay};

/// `[[agents]]`: a group of agents who share channels, skills and schedule rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentGroup {
    /// The group.
    pub name: String,
    /// Agents working around the clock (1 to 1,000,000; 0 for a new team that only `[[hires]]`
    /// fill); with `shifts`, the default count of each shift. Required without `shifts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1_000_000))]
    pub count: Option<u32>,
    /// Channels the group works, by name.
    pub channels: Vec<String>,
    /// Which of its channels an agent who frees up serves first, e.g. ["phone", "chat"]: strict,
    /// non-preemptive priority between channels, before topic priority. Channels not listed
    /// come after the listed ones. Default: no order (topic priority, then wait ÷ target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_order: Option<Vec<String>>,
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
    /// Day-to-day standard deviation of the group's absence rate: each day's rate is drawn
    /// from a beta distribution with mean `absence` and this spread, shared by the group's
    /// agents (0 to 0.5, below √(absence × (1 − absence))).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 0.5))]
    pub absence_sd: Option<f64>,
    /// `absence` on Saturdays and Sundays, for a weekend desk whose presence differs from the
    /// weekday team's (0 to 0.95; default: `absence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 0.95))]
    pub weekend_absence: Option<f64>,
    /// `absence_sd` on Saturdays and Sundays (0 to 0.5, below √(weekend_absence × (1 −
    /// weekend_absence)); default: `absence_sd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 0.5))]
    pub weekend_absence_sd: Option<f64>,
    /// How much of the day-to-day spread of the group's absence rate it shares with the other
    /// groups that share (0 to 1): two groups that share s have days correlated by s, as a
    /// desk's quiet days come for every group at once (default 0: each group's day is its
    /// own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub absence_shared: Option<f64>,
    /// `absence_shared` on Saturdays and Sundays (default: `absence_shared`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub weekend_absence_shared: Option<f64>,
    /// Share of an agent's working days on which it sweeps: takes the channels it works oldest
    /// first, whatever their `queue_order` (0 to 1; default 0). For a desk that mostly answers
    /// what just came in, where now and then one person works through the oldest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 1))]
    pub sweep_days: Option<f64>,
    /// Share of the group's agents who leave in a month (0 to 0.95): each agent leaves at a
    /// random time, so that of those present at a month's start this share has gone by its
    /// end, and nobody replaces them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 0.95))]
    pub attrition: Option<f64>,
    /// How the group's new hires (`[[hires]]`) come up to speed once on the floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp_up: Option<RampUp>,
    /// How sustained overload raises the group's absence and attrition: `false` turns it off,
    /// `true` or a table turns it on. Default: on with the default table for a group with
    /// `attrition`, off otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burnout: Option<BurnoutSetting>,
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
    /// Work rules for `supportsim roster`: the shifts its people may work. A simulation runs
    /// the shifts as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<WorkRules>,
}

/// A group's work rules: what shifts a roster may give its people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkRules {
    /// Allowed shift lengths on site, breaks included (1h to 16h), e.g. ["8h30m", "4h"].
    pub shift_lengths: Vec<Duration>,
    /// The window and step of start times.
    pub starts: StartWindow,
    /// Breaks each shift carries, in time order; a break applies to the shifts its window
    /// fits in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Vec<BreakRule>>,
    /// Days worked a week (1 to 7), each on the same shift. Default 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 5), range(min = 1, max = 7))]
    pub days_per_week: Option<u32>,
    /// Whether a week's days off come together (two in a row for five days). Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = true))]
    pub days_off_together: Option<bool>,
    /// Paid hours a week, least and most. Default 0 to 40.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_hours: Option<WeekHours>,
    /// Most people the group can have. Default: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1_000_000))]
    pub max_people: Option<u32>,
}

/// Start times: every `step` from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartWindow {
    /// Earliest start.
    pub from: TimeOfDay,
    /// Latest start.
    pub to: TimeOfDay,
    /// Between starts (at least 5m). Default 30m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "30m"))]
    pub step: Option<Duration>,
}

/// Paid hours a week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    /// Least (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 168))]
    pub min: Option<f64>,
    /// Most (default 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 168))]
    pub max: Option<f64>,
}

/// A break of the rules, placed by the roster within its window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakRule {
    /// "paid" (default), "unpaid" or "meal" (an unpaid meal break).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "paid"))]
    pub kind: Option<BreakKind>,
    /// Length, e.g. "15m".
    pub length: Duration,
    /// Earliest start and latest end after the shift's start, e.g. ["1h30m", "3h"].
    pub window: [Duration; 2],
}

/// Whether a break is paid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BreakKind {
    /// Paid.
    Paid,
    /// Unpaid.
    Unpaid,
    /// An unpaid meal break.
    Meal,
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
    /// Breaks at set times of day, within the shift and not overlapping. A shift with breaks
    /// takes no random block of its group's `planned_shrinkage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Vec<ShiftBreak>>,
}

/// A break of a shift: its agents leave the floor at `start` (after the contact in hand) and
/// return at `start` + `length`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftBreak {
    /// Start, a time of day.
    pub start: TimeOfDay,
    /// Length, e.g. "30m".
    pub length: Duration,
}

/// `[[hires]]`: a class of new agents joining a group after their training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HireClass {
    /// The group they join, by name.
    pub group: String,
    /// Day hired, from 0 (their attrition runs from here).
    #[schemars(range(max = 36_600))]
    pub day: u32,
    /// Agents hired (1 to 100,000).
    #[schemars(range(min = 1, max = 100_000))]
    pub size: u32,
    /// Time off the floor in training, rounded up to whole days, e.g. "6w". Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Duration>,
    /// Which of the group's shifts they work, from 1 (needed when the group has shifts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub shift: Option<u32>,
}

/// A new hire's proficiency rising linearly from `from` on the first day on the floor to full
/// after `over`: handle time is divided by it, and first-contact resolution multiplied by it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RampUp {
    /// Proficiency on the first day on the floor (above 0, at most 1).
    #[schemars(range(min = 0, max = 1))]
    pub from: f64,
    /// Time to full proficiency, e.g. "12w".
    pub over: Duration,
    /// Skills learnt faster or slower: a topic's own curve, e.g. `{ technical = { from = 0.4,
    /// over = "26w" } }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<indexmap::IndexMap<String, SkillRamp>>,
}

/// A skill's own ramp-up; what it leaves out is the group's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillRamp {
    /// Proficiency in this topic on the first day on the floor (above 0, at most 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub from: Option<f64>,
    /// Time to full proficiency in this topic, e.g. "26w".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over: Option<Duration>,
}

/// `burnout` of an agent group: on or off, or on with some of its parameters set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BurnoutSetting {
    /// `true`: on with the defaults; `false`: off.
    On(bool),
    /// On, with these parameters over the defaults.
    With(Burnout),
}

/// Burnout's parameters: when the group's mean occupancy over its last `over` of days worked is
/// above `threshold`, a day's absence rises by `absence` × excess and the attrition rate is
/// multiplied by 1 + `attrition` × excess, where excess = (occupancy − threshold) ÷ (1 −
/// threshold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Burnout {
    /// Occupancy above which the strain starts (above 0, at most 0.99).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.85), range(min = 0, max = 0.99))]
    pub threshold: Option<f64>,
    /// The days worked whose mean occupancy counts, rounded up to whole days, e.g. "2w".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "2w"))]
    pub over: Option<Duration>,
    /// Absence added at full occupancy (0 to 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.05), range(min = 0, max = 0.5))]
    pub absence: Option<f64>,
    /// Rise of the attrition rate at full occupancy: 1 doubles it (0 to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1.0), range(min = 0, max = 10))]
    pub attrition: Option<f64>,
}
