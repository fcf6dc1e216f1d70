//! The keys each table of a scenario accepts, in the order they are documented. The reader
//! refuses any other key (suggesting the closest one); a test keeps these lists and the typed
//! format ([`super::format`]) the same.

/// The sections of a scenario.
pub(crate) const SCENARIO: &[&str] = &[
    "simulation",
    "volume",
    "channels",
    "topics",
    "agents",
    "automation",
    "knowledge_base",
    "resolution",
    "csat",
    "customers",
    "surges",
    "hires",
    "lesson",
];

/// `[simulation]`.
pub(crate) const SIMULATION: &[&str] = &[
    "name",
    "days",
    "warmup_days",
    "interval",
    "replications",
    "seed",
    "start_weekday",
    "start_date",
];

/// `[volume]`.
pub(crate) const VOLUME: &[&str] = &[
    "per_day",
    "weekday",
    "intraday",
    "weekday_intraday",
    "day_cv",
    "growth_per_month",
    "forecast",
];

/// `[channels.NAME]`.
pub(crate) const CHANNEL: &[&str] = &[
    "kind",
    "share",
    "handle_time",
    "patience",
    "after_call_work",
    "answer_within",
    "service_level_target",
    "queue_capacity",
    "queue_order",
    "newest_bias",
    "concurrency",
    "concurrency_stretch",
    "intraday",
    "wait_tolerance",
    "repeat_channels",
    "touches",
    "reply_delay",
    "pending",
    "follow_up_handle_time",
    "abandoned_work",
    "chase_after",
    "chase_channels",
    "chase_share",
];

/// `[[topics]]`.
pub(crate) const TOPIC: &[&str] = &[
    "name",
    "share",
    "priority",
    "skill",
    "handle_time_factor",
    "handle_time",
    "patience",
    "answer_within",
    "resolve_within",
    "reassign",
    "channels",
    "fcr",
    "containment",
    "kb_deflection",
    "escalation",
];

/// `[[agents]]`.
pub(crate) const AGENT_GROUP: &[&str] = &[
    "name",
    "count",
    "channels",
    "channel_order",
    "skills",
    "concurrency",
    "shifts",
    "planned_shrinkage",
    "absence",
    "absence_sd",
    "weekend_absence",
    "weekend_absence_sd",
    "absence_shared",
    "weekend_absence_shared",
    "sweep_days",
    "attrition",
    "ramp_up",
    "burnout",
    "tier",
    "cost_per_hour",
    "cost_basis",
    "rules",
];

/// `rules` of an agent group: what shifts a roster may give its people.
pub(crate) const RULES: &[&str] = &[
    "shift_lengths",
    "starts",
    "breaks",
    "days_per_week",
    "days_off_together",
    "week_hours",
    "max_people",
];

/// `starts` of a group's rules.
pub(crate) const RULE_STARTS: &[&str] = &["from", "to", "step"];

/// `week_hours` of a group's rules.
pub(crate) const RULE_WEEK_HOURS: &[&str] = &["min", "max"];

/// A break of a group's rules.
pub(crate) const RULE_BREAK: &[&str] = &["kind", "length", "window"];

/// A shift of an agent group.
pub(crate) const SHIFT: &[&str] = &["days", "start", "end", "count", "overnight", "breaks"];

/// A break of a shift.
pub(crate) const BREAK: &[&str] = &["start", "length"];

/// A distribution of a family (`exponential`, `lognormal`, `gamma`, `fixed`).
pub(crate) const DIST: &[&str] = &["dist", "mean", "cv"];

/// An empirical distribution.
pub(crate) const EMPIRICAL: &[&str] = &["dist", "quantiles"];

/// `[automation]`.
pub(crate) const AUTOMATION: &[&str] = &[
    "channels",
    "containment",
    "bot_time",
    "false_containment",
    "escalation_handle_time_factor",
    "escalation_patience_factor",
    "cost_per_conversation",
    "monthly_cost",
    "ramp",
];

/// `ramp` of `[automation]`.
pub(crate) const RAMP: &[&str] = &["start_day", "end_day", "from"];

/// `[knowledge_base]`.
pub(crate) const KNOWLEDGE_BASE: &[&str] = &["deflection", "monthly_cost"];

/// `[resolution]`.
pub(crate) const RESOLUTION: &[&str] = &[
    "repeat_share",
    "repeat_delay",
    "retry_share",
    "retry_delay",
    "max_attempts",
];

/// `[csat]`.
pub(crate) const CSAT: &[&str] = &[
    "base",
    "steepness",
    "floor",
    "unresolved_factor",
    "failed_bot_factor",
    "repeat_factor",
    "bot_contained",
    "survey_response",
    "promoters_if_satisfied",
    "detractors_if_dissatisfied",
];

/// `[customers]`.
pub(crate) const CUSTOMERS: &[&str] = &[
    "active",
    "contacts_per_month",
    "acquisitions_per_month",
    "revenue_per_month",
    "lifetime_months",
    "baseline_churn_per_month",
    "churn_if_dissatisfied",
    "churn_if_unresolved",
    "churn_if_abandoned",
    "churn_if_ignored",
];

/// `ramp_up` of an agent group.
pub(crate) const RAMP_UP: &[&str] = &["from", "over", "skills"];

/// A skill's own ramp in `ramp_up`'s `skills`.
pub(crate) const SKILL_RAMP: &[&str] = &["from", "over"];

/// `burnout` of an agent group.
pub(crate) const BURNOUT: &[&str] = &["threshold", "over", "absence", "attrition"];

/// `[[hires]]`.
pub(crate) const HIRE: &[&str] = &["group", "day", "size", "training", "shift"];

/// `[[surges]]`.
pub(crate) const SURGE: &[&str] = &[
    "name", "day", "start", "duration", "factor", "topic", "channels",
];

/// `[lesson]`.
pub(crate) const LESSON: &[&str] = &["vary", "question"];
