//! The validated model: typed ids, SI units (seconds), calendars resolved.
//!
//! A [`Model`] is built from a scenario file by [`crate::scenario::load`] and can be trusted by
//! the engine: every share sums to one, every id is in range, every duration is positive.

mod chase;
mod dated;
mod workforce;
use crate::dist::Dist;
pub use chase::Chase;
pub use dated::{DatedDemand, WithinDay};
pub use workforce::{Break, BreakRule, Burnout, Group, RampUp, Shift, WorkRules, agents_in_all};

/// Index of a channel in [`Model::channels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelId(pub u32);

/// Index of a topic in [`Model::topics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicId(pub u32);

/// Index of an agent group in [`Model::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(pub u32);

/// How a channel behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// Phone, video: the customer waits in queue, may abandon, an agent handles one at a time.
    Call,
    /// Live chat, messaging: like a call, but an agent holds several at once.
    Chat,
    /// Email, web form: no abandonment, a backlog that carries over closed hours.
    Async,
}

impl ChannelKind {
    /// Name used in scenarios and reports.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Call => "call",
            ChannelKind::Chat => "chat",
            ChannelKind::Async => "async",
        }
    }
}

/// Channels whose figures can be read together: calls and chats are answered while the
/// customer waits (seconds to minutes); written work waits in a backlog (hours to days). A
/// figure never blends the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindGroup {
    /// Calls and chats.
    Live = 0,
    /// Email, web forms: async channels.
    Written = 1,
}

impl KindGroup {
    /// Both groups, in report order.
    pub const ALL: [KindGroup; 2] = [KindGroup::Live, KindGroup::Written];

    /// Key in `summary.json` and in metric names (`live.service_level`).
    pub fn key(self) -> &'static str {
        match self {
            KindGroup::Live => "live",
            KindGroup::Written => "written",
        }
    }

    /// The group whose [`KindGroup::key`] is `key`.
    pub fn from_key(key: &str) -> Option<KindGroup> {
        KindGroup::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Words for tables and the report.
    pub fn label(self) -> &'static str {
        match self {
            KindGroup::Live => "calls and chats",
            KindGroup::Written => "written work",
        }
    }
}

impl ChannelKind {
    /// The group of channels this kind is read with.
    pub fn group(self) -> KindGroup {
        match self {
            ChannelKind::Call | ChannelKind::Chat => KindGroup::Live,
            ChannelKind::Async => KindGroup::Written,
        }
    }
}

/// Which waiting contact of a channel an agent takes next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PickOrder {
    /// First come, first served (the default).
    OldestFirst,
    /// The latest contact first.
    NewestFirst,
    /// At random: a waiting contact is taken with a chance in proportion to its wait (a
    /// minute at least) to the power −`newest_bias`. 0 is random order of service; the
    /// larger, the nearer newest first.
    Random {
        /// The exponent, 0 or more.
        newest_bias: f64,
    },
}

/// The shortest wait [`PickOrder::Random`] weighs a contact by, seconds: a contact that has
/// just arrived counts as having waited this long, so that its chance stays finite.
pub const PICK_WAIT_FLOOR: f64 = 60.0;

/// A channel of contact.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Name, as in the scenario.
    pub name: String,
    /// Behaviour.
    pub kind: ChannelKind,
    /// Share of all contacts arriving on this channel (over all topics).
    pub share: f64,
    /// Handle time (talk + wrap-up) of a proficient agent, seconds.
    pub handle_time: Dist,
    /// Patience before abandoning (call and chat only); `None` means customers never abandon.
    pub patience: Option<Dist>,
    /// Agent time after each contact before the next (wrap-up, short unavailability), seconds;
    /// busy for occupancy but not part of the customer's handle time.
    pub after_call: Option<Dist>,
    /// Answer-time threshold of the service level, seconds.
    pub answer_within: f64,
    /// Service-level target (share answered within `answer_within`), for reports.
    pub service_level_target: Option<f64>,
    /// Waiting places; a contact that finds them all taken is blocked. `None`: unlimited.
    pub queue_capacity: Option<u32>,
    /// Which waiting contact of this channel an agent takes next (`queue_order`).
    pub order: PickOrder,
    /// Chats an agent holds at once by default (1 for call and async).
    pub concurrency: u32,
    /// Handle-time stretch per extra concurrent chat: a chat taken while holding `k` others
    /// lasts `1 + stretch·k` times longer.
    pub concurrency_stretch: f64,
    /// Intraday weights of this channel's arrivals per weekday (Monday first), per slot of
    /// `86 400 / len` seconds; each day's weights sum to 1 and all days have the same length.
    pub intraday: [Vec<f64>; 7],
    /// Wait at which the wait penalty on satisfaction is half its maximum, seconds.
    pub wait_tolerance: f64,
    /// Where repeat contacts from this channel come back, indexed by [`ChannelId`]; sums to 1.
    pub repeat_mix: Vec<f64>,
    /// Agent touches a ticket needs, on average (async only; 1 = one answer closes it).
    pub touches: f64,
    /// The customer's time to reply between two touches, seconds (when `touches` > 1).
    pub reply_delay: Option<Dist>,
    /// Instead of `reply_delay`: whom a ticket waits on between two touches, each with its
    /// share (cumulative, the last 1) and its own delay, seconds. Empty when not given.
    pub pending: Vec<PendingWait>,
    /// Agent time of a later touch (default: the first touch's distribution), seconds.
    pub follow_up_handle: Option<Dist>,
    /// Agent time spent on a chat whose customer left while it waited (chat only): the agent
    /// still opens it when it reaches the head of the queue. `None`: abandoned chats vanish.
    pub abandoned_work: Option<Dist>,
    /// Async only: customers who chase a ticket with no first answer on another channel.
    pub chase: Option<Chase>,
}

/// Whom a ticket waits on between two agent touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Waiting {
    /// The customer (e.g. "Awaiting User Info").
    Customer,
    /// A vendor, another team's problem record, evidence from elsewhere.
    ThirdParty,
    /// The desk itself: the ticket stays in work, with no agent on it, until an agent takes
    /// it up again (in an event log, a stretch after the first response with no update).
    Desk,
}

impl Waiting {
    /// Every state, in the order of the scenario format.
    pub const ALL: [Waiting; 3] = [Waiting::Customer, Waiting::ThirdParty, Waiting::Desk];

    /// The key naming it in a scenario's `pending` table.
    pub fn key(self) -> &'static str {
        match self {
            Waiting::Customer => "customer",
            Waiting::ThirdParty => "third_party",
            Waiting::Desk => "desk",
        }
    }
}

/// One way a ticket waits between two touches (`pending` on an async channel).
#[derive(Debug, Clone)]
pub struct PendingWait {
    /// Whom it waits on.
    pub on: Waiting,
    /// The shares of this and every earlier entry: a uniform draw below it and above the
    /// previous entry's picks this one.
    pub cumulative: f64,
    /// How long it waits, seconds.
    pub delay: Dist,
}

/// A contact reason.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Name, as in the scenario.
    pub name: String,
    /// Share of all contacts.
    pub share: f64,
    /// Priority: 1 is the most urgent.
    pub priority: u32,
    /// Name of the skill needed to handle it.
    pub skill: String,
    /// Multiplier on the channel's handle time.
    pub handle_time_factor: f64,
    /// The topic's own handle-time distribution (of a proficient agent, seconds), used on every
    /// channel instead of the channel's distribution × `handle_time_factor`.
    pub handle_time: Option<Dist>,
    /// The topic's customers' own patience, seconds, instead of the channel's (call and chat).
    pub patience: Option<Dist>,
    /// The topic's own answer target, seconds, instead of its channels' `answer_within`.
    pub answer_within: Option<f64>,
    /// The topic's resolution target, seconds from the first contact to resolution: reported
    /// (the share of its resolved issues resolved within it), never used to route.
    pub resolve_within: Option<f64>,
    /// Probability of each channel for this topic, indexed by [`ChannelId`]; sums to 1.
    pub channel_mix: Vec<f64>,
    /// Probability that a fully proficient agent resolves the issue at the contact (scaled by
    /// proficiency); `None`: every answered contact is resolved.
    pub fcr: Option<f64>,
    /// Share of contacts the bot resolves on bot-fronted channels (at full rollout).
    pub containment: f64,
    /// Share of would-be contacts the knowledge base answers before they arrive.
    pub kb_deflection: f64,
    /// Share of contacts a tier-1 agent could not resolve that go straight to tier 2.
    pub escalation: f64,
    /// Tickets handed to another group's queue after their first touch (async channels).
    pub reassign: Option<Reassign>,
}

/// A ticket's hand-off to another group: after its first touch, with probability `share`, it
/// joins the queue of another topic (and so of the agents with that topic's skill) at once,
/// for one more touch there — the receiving group's — after which its touches go on as
/// usual. Its statistics stay with its own topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Reassign {
    /// Probability of the hand-off.
    pub share: f64,
    /// The topics whose queues take it, with the cumulative probability of each (the last is 1).
    pub to: Vec<(usize, f64)>,
}

impl Reassign {
    /// The receiving topic for a uniform draw `u` in [0, 1).
    pub fn pick(&self, u: f64) -> usize {
        self.to
            .iter()
            .find(|(_, c)| u < *c)
            .or(self.to.last())
            .map_or(0, |(t, _)| *t)
    }
}

/// Demand: how many contacts arrive and when.
#[derive(Debug, Clone)]
pub struct Demand {
    /// Contacts on a day of weekday weight 1.
    pub per_day: f64,
    /// Weekday multipliers of `per_day`, Monday first (1 = an ordinary day, 0 = closed).
    pub weekday: [f64; 7],
    /// Coefficient of variation of the random day factor (gamma, mean 1); 0 for none.
    pub day_cv: f64,
    /// Weekday of day 0 (0 = Monday).
    pub start_weekday: usize,
    /// Growth of volume per month (0.02 = +2% a month), compounding day by day.
    pub growth_per_month: f64,
    /// Demand by date from a forecast (`[volume] forecast`): the engine draws arrivals from it
    /// instead of `per_day` × weekday × intraday, which then hold the forecast's typical week
    /// (for staffing and reports).
    pub dated: Option<DatedDemand>,
}

impl Demand {
    /// The growth trend's multiplier of day `day` (day 0 is 1).
    pub fn growth(&self, day: u32) -> f64 {
        if self.growth_per_month == 0.0 {
            1.0
        } else {
            (1.0 + self.growth_per_month).powf(f64::from(day) / MONTH_DAYS)
        }
    }
}

/// A class of new agents (`[[hires]]`): hired on `day` into a group, on its floor from `joins`
/// (after their training), leaving like its other agents when it has `attrition`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hire {
    /// Index of the group.
    pub group: u32,
    /// Day hired, from 0: attrition runs from here.
    pub day: u32,
    /// Agents hired.
    pub size: u32,
    /// First day on the floor (after training).
    pub joins: u32,
    /// Which of the group's shifts they work; `None` around the clock.
    pub shift: Option<u32>,
}

/// A stretch of unusual demand: an outage that triples one topic's contacts, a campaign, a
/// holiday afternoon at half volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Surge {
    /// Name, for reports.
    pub name: String,
    /// Start, seconds from 00:00 of day 0.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// Multiplier of the arrival rate of the contacts it concerns (0 stops them, 3 triples).
    pub factor: f64,
    /// The topic it concerns (`None`: every topic).
    pub topic: Option<TopicId>,
    /// The channels it concerns, per channel.
    pub channels: Vec<bool>,
}

/// A linear ramp of bot containment between two points in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Ramp {
    /// Ramp start, seconds from 00:00 of day 0.
    pub start: f64,
    /// Ramp end (full containment from then on), seconds.
    pub end: f64,
    /// Share of the full containment reached at the start (0 = none before the rollout).
    pub from: f64,
}

impl Ramp {
    /// Share of full containment at time `t`.
    pub fn level(&self, t: f64) -> f64 {
        if t <= self.start {
            self.from
        } else if t >= self.end {
            1.0
        } else {
            self.from + (1.0 - self.from) * (t - self.start) / (self.end - self.start)
        }
    }
}

/// A bot answering first on some channels.
#[derive(Debug, Clone)]
pub struct Automation {
    /// Bot-fronted channels, indexed by [`ChannelId`].
    pub channels: Vec<bool>,
    /// Time a customer spends with the bot.
    pub bot_time: Dist,
    /// Share of "contained" conversations that were not really resolved and come back.
    pub false_containment: f64,
    /// Handle-time multiplier of contacts the bot passes to an agent.
    pub handle_time_factor: f64,
    /// Patience multiplier of contacts the bot passes to an agent.
    pub patience_factor: f64,
    /// Cost of each bot conversation.
    pub cost_per_conversation: f64,
    /// Fixed cost per month (licence).
    pub monthly_cost: f64,
    /// Containment rollout; `None` means full containment from the start.
    pub ramp: Option<Ramp>,
}

/// A knowledge base that answers would-be contacts before they arrive.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    /// Fixed cost per month.
    pub monthly_cost: f64,
}

/// What happens to contacts that were not resolved, abandoned or blocked.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Share of unresolved contacts whose customer comes back.
    pub repeat_share: f64,
    /// Delay from the end of an unresolved contact to the repeat.
    pub repeat_delay: Dist,
    /// Share of abandoned or blocked customers who try again.
    pub retry_share: f64,
    /// Delay before such a retry.
    pub retry_delay: Dist,
    /// Most contacts about one issue (first contact included).
    pub max_attempts: u32,
}

/// A customer base that drives volume and loses customers to bad experiences.
#[derive(Debug, Clone)]
pub struct Customers {
    /// Active customers at the start.
    pub active: f64,
    /// New customers per month.
    pub acquisitions_per_month: f64,
    /// Revenue per customer per month.
    pub revenue_per_month: f64,
    /// Expected customer lifetime in months (for lifetime value lost).
    pub lifetime_months: f64,
    /// Churn per month unrelated to service.
    pub baseline_churn_per_month: f64,
    /// Churn caused by bad experiences.
    pub churn: crate::experience::BadExperienceChurn,
}

/// Days in an average month (365.25 / 12).
pub const MONTH_DAYS: f64 = 30.4375;

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// Simulated days.
    pub days: u32,
    /// Days simulated before statistics start.
    pub warmup_days: u32,
    /// Reporting interval, seconds (900, 1800 or 3600).
    pub interval: f64,
    /// Replications.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Arrivals.
    pub demand: Demand,
    /// Channels, in scenario order.
    pub channels: Vec<Channel>,
    /// Topics, in scenario order.
    pub topics: Vec<Topic>,
    /// Agent groups, in scenario order.
    pub groups: Vec<Group>,
    /// The bot, if any.
    pub automation: Option<Automation>,
    /// The knowledge base, if any.
    pub knowledge_base: Option<KnowledgeBase>,
    /// Repeats and retries.
    pub resolution: Resolution,
    /// The satisfaction model.
    pub csat: crate::experience::WaitCsat,
    /// The customer base, if modelled.
    pub customers: Option<Customers>,
    /// Arrivals replayed from a log instead of drawn from `demand` (backtests); sorted by time.
    pub trace: Option<std::sync::Arc<[TraceArrival]>>,
    /// Surges and dips of demand, in scenario order.
    pub surges: Vec<Surge>,
    /// Days of the run (0 = the first) on which no agent works: holidays of a backtest's
    /// calendar (`backtest --closed`). Sorted.
    pub closed_days: Vec<u32>,
    /// Classes of new agents, in scenario order.
    pub hires: Vec<Hire>,
}

/// One first contact replayed from a log: when it came, on which channel, about what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceArrival {
    /// Arrival, seconds from 00:00 of day 0.
    pub time: f64,
    /// Channel.
    pub channel: ChannelId,
    /// Topic.
    pub topic: TopicId,
    /// Seconds the ticket had already been open before `time` (0 for a new contact): a
    /// backtest's open tickets at its start, whose first response and resolution times count
    /// from their real opening.
    pub age: f64,
    /// Agent touches the ticket had before `time` (0 for a new contact; 1 or more for an open
    /// ticket already answered, which comes back for a later touch).
    pub touch: u16,
}

impl Model {
    /// The kind groups the scenario's channels fall in, in report order.
    pub fn kind_groups(&self) -> Vec<KindGroup> {
        KindGroup::ALL
            .into_iter()
            .filter(|k| self.channels.iter().any(|c| c.kind.group() == *k))
            .collect()
    }

    /// Whether the channels mix calls or chats with written work (figures then come per kind).
    pub fn mixes_kinds(&self) -> bool {
        self.kind_groups().len() > 1
    }

    /// The kind groups topic `t` reaches (through channels with a share of it).
    pub fn topic_kind_groups(&self, t: usize) -> Vec<KindGroup> {
        let mix = &self.topics[t].channel_mix;
        KindGroup::ALL
            .into_iter()
            .filter(|k| {
                self.channels
                    .iter()
                    .zip(mix)
                    .any(|(c, w)| c.kind.group() == *k && *w > 0.0)
            })
            .collect()
    }

    /// End of the simulated horizon, seconds.
    pub fn horizon(&self) -> f64 {
        f64::from(self.days) * crate::duration::DAY
    }

    /// Start of the statistics window, seconds.
    pub fn warmup_end(&self) -> f64 {
        f64::from(self.warmup_days) * crate::duration::DAY
    }

    /// The agents a run keeps a record of, over every group and hiring class.
    pub fn agents_in_all(&self) -> u64 {
        agents_in_all(&self.groups, &self.hires)
    }

    /// Number of reporting intervals in the statistics window.
    pub fn stat_intervals(&self) -> usize {
        ((self.horizon() - self.warmup_end()) / self.interval).round() as usize
    }

    /// Whether group `g` may handle topic `t` on channel `c` (at its own tier).
    pub fn eligible(&self, g: GroupId, c: ChannelId, t: TopicId) -> bool {
        let group = &self.groups[g.0 as usize];
        group.channels[c.0 as usize] && group.proficiency[t.0 as usize].is_some()
    }

    /// Whether a second tier exists (a group with `tier = 2`).
    pub fn has_tier2(&self) -> bool {
        self.groups.iter().any(|g| g.tier == 2)
    }

    /// The answer target of topic `t`'s contacts on channel `c`, seconds: the topic's own, else
    /// the channel's.
    #[inline]
    pub fn answer_target(&self, c: usize, t: usize) -> f64 {
        self.topics[t]
            .answer_within
            .unwrap_or(self.channels[c].answer_within)
    }

    /// Mean handle time of topic `t` on channel `c` for a proficient agent, seconds.
    pub fn mean_handle(&self, c: ChannelId, t: TopicId) -> f64 {
        let topic = &self.topics[t.0 as usize];
        match &topic.handle_time {
            Some(d) => d.mean(),
            None => self.channels[c.0 as usize].handle_time.mean() * topic.handle_time_factor,
        }
    }

    /// Mean agent time a contact of topic `t` on channel `c` brings, all its touches together
    /// (proficient agents): the first touch, and for multi-touch tickets the expected later
    /// ones.
    pub fn mean_work(&self, c: ChannelId, t: TopicId) -> f64 {
        let first = self.mean_handle(c, t);
        let ch = &self.channels[c.0 as usize];
        if ch.touches <= 1.0 {
            return first;
        }
        let later = match &ch.follow_up_handle {
            Some(d) => d.mean() * self.topics[t.0 as usize].handle_time_factor,
            None => first,
        };
        first + (ch.touches - 1.0) * later
    }

    /// Mean offered load of a channel in Erlangs over the week (ignoring proficiency).
    pub fn offered_erlangs(&self, c: ChannelId) -> f64 {
        let ch = &self.channels[c.0 as usize];
        let mean_weight = self.demand.weekday.iter().sum::<f64>() / 7.0;
        let per_second = self.demand.per_day * mean_weight / crate::duration::DAY;
        self.topics
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                per_second
                    * t.share
                    * t.channel_mix[c.0 as usize]
                    * self.mean_work(c, TopicId(ti as u32))
            })
            .sum::<f64>()
            / f64::from(ch.concurrency.max(1))
    }
}
