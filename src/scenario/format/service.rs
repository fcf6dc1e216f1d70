//! Service: `[channels.NAME]` and `[[topics]]`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Distribution, Duration, Intraday, Kind, QueueOrder};

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
    /// Which waiting contact an agent takes next: "oldest_first" (first come, first served),
    /// "newest_first" (the latest first), or "random" (each with a chance in proportion to
    /// its wait, a minute at least, to the power −`newest_bias`). Across channels of one
    /// priority, oldest-first channels' contacts are taken first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "oldest_first"))]
    pub queue_order: Option<QueueOrder>,
    /// With `queue_order = "random"`: how much likelier newer contacts are taken (0: random
    /// order of service; 0.5: a contact waiting 1 hour is taken 10 times as often as one of
    /// 100 hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 20))]
    pub newest_bias: Option<f64>,
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
    /// Instead of `reply_delay` (async): whom a ticket waits on between two touches, each
    /// state with its share of the waits (adding up to 1) and its own delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// Agent time of a later touch (async; × the topic's `handle_time_factor`). Default:
    /// `handle_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_handle_time: Option<Distribution>,
    /// Agent time on a chat whose customer left while it waited: the agent who reaches it
    /// still opens it (chat only). Default: abandoned chats vanish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandoned_work: Option<Distribution>,
    /// How long the customer of a ticket with no first answer waits before chasing it on
    /// another channel (async; with `chase_channels`): the ticket is withdrawn and the
    /// customer contacts again there. Default: nobody chases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chase_after: Option<Distribution>,
    /// Where chases go: a share per channel name other than this one, adding up to 1, e.g.
    /// { phone = 1 } (async; with `chase_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chase_channels: Option<IndexMap<String, f64>>,
    /// Share of customers who chase at all (async; with `chase_after`), 0 to 1; the others
    /// wait for the answer. Default: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 1), range(min = 0, max = 1))]
    pub chase_share: Option<f64>,
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
            queue_order: None,
            newest_bias: None,
            concurrency: None,
            concurrency_stretch: None,
            intraday: None,
            wait_tolerance: None,
            repeat_channels: None,
            touches: None,
            reply_delay: None,
            pending: None,
            follow_up_handle_time: None,
            abandoned_work: None,
            chase_after: None,
            chase_channels: None,
            chase_share: None,
        }
    }
}

/// A channel's `pending`: the states a ticket waits in between two touches (at least one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    /// Waiting on the customer's reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<PendingState>,
    /// Waiting on a vendor or another team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party: Option<PendingState>,
    /// Held on the desk: in work, with no agent on it, until one takes it up again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<PendingState>,
}

/// One state of [`Pending`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingState {
    /// Its share of the waits between two touches (above 0, at most 1).
    #[schemars(range(min = 0, max = 1))]
    pub share: f64,
    /// How long a ticket waits in it.
    pub delay: Distribution,
}

/// A topic's `reassign`: after its first touch a ticket is handed, with probability `share`, to
/// the queue of a topic drawn from `to`, for a touch by the group that serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reassign {
    /// Probability of the hand-off (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub share: f64,
    /// The receiving topics, each with its share of the hand-offs (adding up to 1).
    pub to: IndexMap<String, f64>,
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
    /// The answer target of this topic's contacts on every channel (a priority's own
    /// service-level threshold). Default: the channel's `answer_within`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_within: Option<Duration>,
    /// The resolution target of this topic's issues, from the first contact to resolution:
    /// reported as the share of its resolved issues resolved within it (never used to route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_within: Option<Duration>,
    /// Tickets handed to another group's queue after their first touch (async channels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassign: Option<Reassign>,
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
