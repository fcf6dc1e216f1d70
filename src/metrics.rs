//! Online accumulation of one replication's outcomes: counters, sums and histograms whose size
//! does not depend on the number of contacts simulated.

mod histogram;
pub use histogram::{FRT_EDGES, FrtSummary, Histogram, Resolutions};

/// Counts and sums over a set of contacts (a channel, a topic, an interval…).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Contacts that arrived.
    pub arrived: u64,
    /// Contacts answered by an agent (for async: first touched).
    pub answered: u64,
    /// Answered within the channel's `answer_within`.
    pub within: u64,
    /// Abandoned while waiting.
    pub abandoned: u64,
    /// Blocked: found the queue full.
    pub blocked: u64,
    /// Offered contacts that could not be answered at once (waited, abandoned or blocked).
    pub delayed: u64,
    /// Sum of waits of answered contacts, seconds.
    pub wait_answered: f64,
    /// Sum of waits of abandoned contacts up to the moment they left, seconds.
    pub wait_abandoned: f64,
    /// Sum of handle times of answered contacts, seconds.
    pub handle: f64,
    /// Arrivals that were repeats or retries of an earlier contact (included in `arrived`).
    pub repeats: u64,
    /// Would-be contacts the knowledge base answered (not included in `arrived`).
    pub deflected: u64,
    /// Conversations with the bot.
    pub bot_conversations: u64,
    /// Conversations the bot resolved (by its own account).
    pub contained: u64,
    /// Contained conversations that were not really resolved.
    pub falsely_contained: u64,
    /// Bot conversations passed to an agent.
    pub escalated: u64,
    /// Contacts a tier-1 agent passed to tier 2.
    pub transferred: u64,
    /// First contacts about an issue answered by a tier-1 agent.
    pub answered_first: u64,
    /// Of those, resolved at that contact.
    pub resolved_first: u64,
    /// Issues resolved (by an agent or truly by the bot).
    pub resolved: u64,
    /// Sum of times from the first contact to resolution, and of the ages of the issues still
    /// open at the end (censored times), seconds.
    pub resolution_time: f64,
    /// Issues still open at the end (waiting, between touches or tiers, or due to come back),
    /// counted in `resolution_time` at their age so far.
    #[serde(default)]
    pub open_issues: u64,
    /// Issues of topics with a resolution target (`resolve_within`) that were decided:
    /// resolved, ended unresolved, or still open past the target at the end.
    pub resolve_targeted: u64,
    /// Of those, resolved within the target.
    pub resolved_within: u64,
    /// Survey answers.
    pub surveys: u64,
    /// Satisfied survey answers.
    pub satisfied: u64,
    /// Sum of satisfaction probabilities of served contacts (the CSAT a census would measure).
    pub p_satisfied: f64,
    /// Served contacts (answered with an outcome, or contained) whose satisfaction was drawn.
    pub served: u64,
    /// Contacts that abandoned or were blocked, counted in the NPS as dissatisfied customers
    /// (when satisfaction is measured).
    #[serde(default)]
    pub unserved_measured: u64,
    /// Of those, the customers who answered the survey.
    #[serde(default)]
    pub unserved_surveys: u64,
    /// Survey answers, served or not, that would recommend (9–10 of 10).
    #[serde(default)]
    pub promoters: u64,
    /// Survey answers, served or not, that would not (0–6 of 10).
    #[serde(default)]
    pub detractors: u64,
    /// Contacts about an issue on another channel than the customer's previous contact about
    /// it (a repeat or retry that switched channels).
    #[serde(default)]
    pub switches: u64,
    /// Customers who left because of this contact.
    pub churned: u64,
    /// Still waiting for a first answer when the simulation ended.
    pub open: u64,
    /// Of those, already waiting longer than the channel's `answer_within`: misses whatever
    /// happens next, so they count as offered.
    pub open_late: u64,
    /// Sum of the open contacts' waits so far (censored waits), seconds.
    pub wait_open: f64,
}

impl Tally {
    /// Offered contacts: those whose outcome against the answer target is known — answered,
    /// abandoned, blocked, or still open at the end but already past `answer_within`. A contact
    /// still open and younger than the target is left out (its outcome is unknown).
    pub fn offered(&self) -> u64 {
        self.answered + self.abandoned + self.blocked + self.open_late
    }

    /// Net promoter score of the survey answers, served customers' and those who abandoned or
    /// were blocked, from −100 to +100.
    pub fn nps(&self) -> Option<f64> {
        let answers = self.surveys + self.unserved_surveys;
        (answers > 0)
            .then(|| 100.0 * (self.promoters as f64 - self.detractors as f64) / answers as f64)
    }

    /// Net promoter score a census would measure under `csat`'s mapping.
    pub fn nps_expected(&self, csat: &crate::experience::WaitCsat) -> Option<f64> {
        csat.nps(self.p_satisfied, self.served, self.unserved_measured)
    }

    /// Adds another tally into this one.
    pub fn add(&mut self, o: &Tally) {
        self.arrived += o.arrived;
        self.answered += o.answered;
        self.within += o.within;
        self.abandoned += o.abandoned;
        self.blocked += o.blocked;
        self.delayed += o.delayed;
        self.wait_answered += o.wait_answered;
        self.wait_abandoned += o.wait_abandoned;
        self.handle += o.handle;
        self.repeats += o.repeats;
        self.deflected += o.deflected;
        self.bot_conversations += o.bot_conversations;
        self.contained += o.contained;
        self.falsely_contained += o.falsely_contained;
        self.escalated += o.escalated;
        self.transferred += o.transferred;
        self.answered_first += o.answered_first;
        self.resolved_first += o.resolved_first;
        self.resolved += o.resolved;
        self.resolution_time += o.resolution_time;
        self.open_issues += o.open_issues;
        self.resolve_targeted += o.resolve_targeted;
        self.resolved_within += o.resolved_within;
        self.surveys += o.surveys;
        self.satisfied += o.satisfied;
        self.p_satisfied += o.p_satisfied;
        self.served += o.served;
        self.unserved_measured += o.unserved_measured;
        self.unserved_surveys += o.unserved_surveys;
        self.promoters += o.promoters;
        self.detractors += o.detractors;
        self.switches += o.switches;
        self.churned += o.churned;
        self.open += o.open;
        self.open_late += o.open_late;
        self.wait_open += o.wait_open;
    }
}

/// One day of a group's workforce.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkforceDay {
    /// Agents on strength: hired, trained and not left, at the day's start.
    pub strength: u32,
    /// Hired agents still in training (off the floor).
    pub training: u32,
    /// Agents on strength scheduled to work the day.
    pub scheduled: u32,
    /// Of those, absent for the day.
    pub absent: u32,
    /// Agents who left during the day.
    pub leavers: u32,
    /// New hires on the floor for the first time.
    pub joined: u32,
    /// Burnout's excess of the group's recent occupancy over its threshold, in [0, 1].
    pub strain: f32,
    /// Agent-seconds paid to hires in training.
    pub training_paid: f64,
}

/// Agent-time accounting of a group, seconds of agent time.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Staffing {
    /// Agent-seconds on the floor (scheduled minus shrinkage, plus time finishing a contact).
    pub available: f64,
    /// Agent-seconds busy on contacts (a chat counts 1 ÷ concurrency).
    pub busy: f64,
    /// Agent-seconds scheduled (on shift, before shrinkage).
    pub scheduled: f64,
    /// Agent-seconds paid in training: new hires' shifts before they join the floor (not
    /// scheduled, not on the floor; counted in the group's cost).
    #[serde(default)]
    pub training: f64,
}

/// Per-interval figures of one channel.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChannelInterval {
    /// Contacts arriving in the interval and their outcomes.
    pub tally: Tally,
    /// Contacts waiting (backlog) at the end of the interval.
    pub queue_end: u32,
    /// Age of the oldest waiting contact at the end of the interval, seconds.
    pub oldest_end: f64,
    /// Median wait of the contacts answered during the interval (NaN when none), seconds.
    pub frt_p50: f64,
    /// 90th percentile of those waits (NaN when none), seconds.
    pub frt_p90: f64,
}

/// Every conserved count of a replication, over the whole horizon including warm-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Conservation {
    /// Contacts that arrived.
    pub arrived: u64,
    /// Answered by an agent.
    pub answered: u64,
    /// Abandoned.
    pub abandoned: u64,
    /// Blocked.
    pub blocked: u64,
    /// Contained by the bot.
    pub contained: u64,
    /// Still waiting, with the bot, or being passed on at the end of the horizon.
    pub open_end: u64,
    /// Repeat or retry contacts scheduled.
    pub repeats_scheduled: u64,
    /// Of those, arrived within the horizon.
    pub repeats_arrived: u64,
    /// Of those, due after the end of the horizon.
    pub repeats_pending: u64,
    /// Answered contacts (final leg) that did not resolve the issue.
    pub unresolved: u64,
    /// Contained conversations that were not really resolved.
    pub falsely_contained: u64,
    /// Repeats scheduled after an unresolved answered contact.
    pub repeats_after_unresolved: u64,
    /// Repeats scheduled after a false containment.
    pub repeats_after_false_containment: u64,
    /// Retries scheduled after abandoning or a busy signal.
    pub retries: u64,
}

/// The customer base over a replication.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomerStats {
    /// Active customers at the start of the statistics window.
    pub active_start: f64,
    /// Active customers at the end.
    pub active_end: f64,
    /// Customers lost to bad experiences in the window.
    pub churned: u64,
    /// Customers lost for other reasons in the window.
    pub churned_baseline: u64,
    /// Customers acquired in the window.
    pub acquired: u64,
    /// Revenue lost before the end of the horizon to customers who left over service.
    pub revenue_lost: f64,
    /// Lifetime value of the customers who left over service.
    pub lifetime_value_lost: f64,
}

/// Everything one replication measured (statistics window only, unless said otherwise).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RepResult {
    /// Per group, its agents who left (attrition) within the statistics window.
    #[serde(default)]
    pub leavers: Vec<u64>,
    /// Per group, its agents still in the operation at the end (not left).
    #[serde(default)]
    pub agents_end: Vec<u64>,
    /// Per day (outer) and group (inner), index `day · groups + group`, over the whole horizon:
    /// the workforce day by day (kept with the time series, empty without them).
    #[serde(default)]
    pub workforce: Vec<WorkforceDay>,
    /// Per channel.
    pub channels: Vec<Tally>,
    /// FRT (wait to first answer) of answered contacts per channel.
    pub channel_frt: Vec<FrtSummary>,
    /// Per topic and kind group: index `topic · 2 + kind group` (see [`crate::model::KindGroup`]).
    pub topics: Vec<Tally>,
    /// FRT per topic and kind group, indexed like `topics`.
    pub topic_frt: Vec<FrtSummary>,
    /// First-response times per kind group (calls and chats; written work).
    pub kind_frt: Vec<FrtSummary>,
    /// Contacts handled per group (with waits and handle times).
    pub group_tally: Vec<Tally>,
    /// Agent time per group.
    pub groups: Vec<Staffing>,
    /// Per interval (outer) and channel (inner).
    pub channel_intervals: Vec<Vec<ChannelInterval>>,
    /// Per interval (outer) and group (inner).
    pub group_intervals: Vec<Vec<Staffing>>,
    /// Contacts waiting per channel at the end of the horizon.
    pub open_end: Vec<u64>,
    /// Largest backlog per channel seen at an interval end.
    pub queue_max: Vec<u32>,
    /// Sum of backlogs per channel over interval ends (÷ intervals: the mean backlog).
    pub queue_sum: Vec<f64>,
    /// Oldest wait per channel seen at an interval end, seconds.
    pub oldest_max: Vec<f64>,
    /// Conservation counts over the whole horizon.
    pub conservation: Conservation,
    /// Events processed (whole horizon).
    pub events: u64,
    /// Smallest wait recorded (a property check: never negative).
    pub min_wait: f64,
    /// The customer base, when modelled.
    pub customers: Option<CustomerStats>,
    /// Active customers at the end of each interval (empty without a customer base).
    pub active_customers: Vec<f64>,
}
