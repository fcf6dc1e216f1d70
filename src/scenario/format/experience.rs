//! Automation and what customers live through: `[automation]`, `[knowledge_base]`,
//! `[resolution]`, `[csat]` and `[customers]`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Distribution;

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
    /// Share of satisfied customers who are promoters (9–10 of 10) in the NPS (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.6), range(min = 0, max = 1))]
    pub promoters_if_satisfied: Option<f64>,
    /// Share of dissatisfied customers who are detractors (0–6 of 10) in the NPS (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0.8), range(min = 0, max = 1))]
    pub detractors_if_dissatisfied: Option<f64>,
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
