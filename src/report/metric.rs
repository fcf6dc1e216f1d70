//! The metrics a run reports, as a type: each has one name, its key in `summary.json` and its
//! column in the CSV files. Code asks for a [`Metric`]; only names typed by a user (`sweep
//! --metric`, tests reading JSON) are looked up by text.

/// Declares the metrics with their names, in the order they are documented.
macro_rules! metrics {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// A metric of the summary or of the time series.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Metric {
            $($(#[$doc])* $variant,)*
        }

        impl Metric {
            /// Every metric.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant,)*];

            /// The metric's key in JSON and its column in CSV, e.g. `service_level`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Metric::$variant => $name,)*
                }
            }
        }
    };
}

metrics! {
    /// Contacts answered, abandoned, blocked, or still waiting at the end past the answer
    /// target (a miss whatever happens next); younger open contacts are left out.
    Offered => "offered",
    /// Offered contacts per statistics day.
    OfferedPerDay => "offered_per_day",
    /// Answered by an agent (for a group: every leg and touch it handled).
    Handled => "handled",
    /// Abandoned while waiting.
    Abandoned => "abandoned",
    /// Found the queue full.
    Blocked => "blocked",
    /// Still waiting for a first answer at the end, already past the answer target (counted
    /// in offered as misses).
    OpenPastTarget => "open_past_target",
    /// Answered within the channel's `answer_within` ÷ offered.
    ServiceLevel => "service_level",
    /// Mean wait of answered contacts, seconds.
    AsaSeconds => "asa_seconds",
    /// Mean wait of offered contacts, abandoned ones until they left, seconds.
    MeanWaitSeconds => "mean_wait_seconds",
    /// Share of offered contacts not answered at once.
    PWait => "p_wait",
    /// Abandoned ÷ offered.
    AbandonRate => "abandon_rate",
    /// Blocked ÷ arrived.
    BlockedRate => "blocked_rate",
    /// Mean handle time of answered contacts, seconds.
    AhtSeconds => "aht_seconds",
    /// Mean wait to the first answer, seconds; contacts still open at the end count with their
    /// waits so far (censored, so a lower bound).
    FrtMeanSeconds => "frt_mean_seconds",
    /// Median wait to the first answer, seconds (open contacts' waits so far included).
    FrtP50Seconds => "frt_p50_seconds",
    /// 90th percentile of the wait to the first answer, seconds (open contacts included).
    FrtP90Seconds => "frt_p90_seconds",
    /// 95th percentile of the wait to the first answer, seconds (open contacts included).
    FrtP95Seconds => "frt_p95_seconds",
    /// Would-be contacts the knowledge base answered.
    Deflected => "deflected",
    /// Conversations with the bot.
    BotConversations => "bot_conversations",
    /// Bot conversations resolved by the bot's account.
    Contained => "contained",
    /// Contained ÷ bot conversations.
    ContainmentRate => "containment_rate",
    /// Contained conversations that were not really resolved.
    FalselyContained => "falsely_contained",
    /// Bot conversations passed to an agent.
    EscalatedByBot => "escalated_by_bot",
    /// Contacts passed from tier 1 to tier 2.
    TransferredToTier2 => "transferred_to_tier2",
    /// Arrivals that were repeats or retries.
    Repeats => "repeats",
    /// Repeats ÷ arrivals.
    RepeatRate => "repeat_rate",
    /// First contacts resolved at that contact ÷ first contacts answered.
    Fcr => "fcr",
    /// Issues resolved.
    Resolved => "resolved",
    /// Mean time from the first contact to resolution, seconds, over the issues resolved and
    /// those still open at the end (at their ages then: censored, so a lower bound).
    ResolutionTimeSeconds => "resolution_time_seconds",
    /// Median time from the first contact to resolution over every issue, seconds: by
    /// Kaplan–Meier, an issue given up or still open at the end counted as unresolved until
    /// then, so that customers who give up cannot make it shorter; absent when in some
    /// replication half the issues cannot be shown resolved.
    ResolutionP50Seconds => "resolution_p50_seconds",
    /// 90th percentile of the same, seconds; absent when in some replication nine in ten
    /// cannot be shown resolved.
    ResolutionP90Seconds => "resolution_p90_seconds",
    /// Of the decided issues of topics with a `resolve_within` (resolved, ended unresolved,
    /// or still open past it at the end), the share resolved within it; present only where
    /// such a target is set.
    ResolvedWithinTarget => "resolved_within_target",
    /// Survey answers.
    Surveys => "surveys",
    /// Satisfied ÷ survey answers.
    Csat => "csat",
    /// Mean satisfaction probability of served contacts.
    CsatExpected => "csat_expected",
    /// Net promoter score of survey answers: 100 × (promoters − detractors) ÷ answers, from
    /// −100 to +100. Customers who abandoned or were blocked count, as dissatisfied ones.
    Nps => "nps",
    /// Net promoter score a census would measure (from each served, abandoned or blocked
    /// contact's chances of being a promoter and a detractor), from −100 to +100.
    NpsExpected => "nps_expected",
    /// Customer effort: contacts (first contacts, repeats and retries) ÷ issues resolved. For
    /// a channel, the contacts it takes ÷ the issues it resolves.
    ContactsPerResolution => "contacts_per_resolution",
    /// Customer effort: contacts on another channel than the customer's previous contact
    /// about the issue ÷ issues resolved.
    SwitchesPerResolution => "switches_per_resolution",
    /// Contacts still waiting at the end of the run (first answers, second tiers and later
    /// touches).
    OpenAtEnd => "open_at_end",
    /// Mean of the backlog at interval ends.
    BacklogMean => "backlog_mean",
    /// Largest backlog at an interval end.
    BacklogMax => "backlog_max",
    /// Oldest wait seen at an interval end, seconds.
    OldestWaitMaxSeconds => "oldest_wait_max_seconds",
    /// Cost of bot conversations (and, overall, licences).
    AutomationCost => "automation_cost",
    /// Agents in a group.
    Agents => "agents",
    /// Agents hired into a group (`[[hires]]`) within the statistics window.
    Hired => "hired",
    /// Agent-hours a group's hires are paid in training (their shifts before they join the
    /// floor), within the statistics window; in the group's agent cost.
    TrainingHours => "training_hours",
    /// Agents of a group who left the operation (attrition) within the statistics window.
    Leavers => "leavers",
    /// Agents of a group still in the operation at the end.
    AgentsEnd => "agents_end",
    /// Busy agent time ÷ agent time on the floor.
    Occupancy => "occupancy",
    /// Agent-hours on shift.
    ScheduledHours => "scheduled_hours",
    /// Agent-hours on the floor.
    AvailableHours => "available_hours",
    /// Agent-hours busy on contacts.
    BusyHours => "busy_hours",
    /// Share of scheduled agent time off the floor.
    Shrinkage => "shrinkage",
    /// What the agents cost.
    AgentCost => "agent_cost",
    /// Active customers when statistics start.
    ActiveCustomersStart => "active_customers_start",
    /// Active customers at the end.
    ActiveCustomersEnd => "active_customers_end",
    /// Customers lost over service.
    ChurnedCustomers => "churned_customers",
    /// Customers lost for other reasons.
    ChurnedBaseline => "churned_baseline",
    /// New customers.
    AcquiredCustomers => "acquired_customers",
    /// Revenue the customers lost over service cost before the end.
    RevenueLost => "revenue_lost",
    /// Lifetime value of the customers lost over service.
    LifetimeValueLost => "lifetime_value_lost",
    /// Agent and automation cost.
    TotalCost => "total_cost",
    /// Total cost ÷ contacts served (answered or contained).
    CostPerContact => "cost_per_contact",
    /// Total cost ÷ issues resolved.
    CostPerResolved => "cost_per_resolved",
    /// Total cost plus revenue lost.
    NetCost => "net_cost",
    /// Contacts waiting at an interval's end.
    Backlog => "backlog",
    /// The oldest wait at an interval's end, seconds.
    OldestWaitSeconds => "oldest_wait_seconds",
    /// Active customers at an interval's end.
    ActiveCustomers => "active_customers",
    /// Agents on shift, mean over an interval.
    ScheduledAgents => "scheduled_agents",
    /// Agents on the floor, mean over an interval.
    AvailableAgents => "available_agents",
}

impl Metric {
    /// The metric called `name`.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Whether the metric is a share from 0 to 1 (its interval is kept within them).
    pub const fn is_share(self) -> bool {
        matches!(
            self,
            Metric::ServiceLevel
                | Metric::PWait
                | Metric::AbandonRate
                | Metric::BlockedRate
                | Metric::ContainmentRate
                | Metric::RepeatRate
                | Metric::Fcr
                | Metric::ResolvedWithinTarget
                | Metric::Csat
                | Metric::CsatExpected
                | Metric::Occupancy
                | Metric::Shrinkage
        )
    }
}

impl Metric {
    /// Whether the metric means something different for calls and chats (seconds against a
    /// target in seconds; contacts that abandon) than for written work (hours against a target
    /// in hours; no abandonment), so that a figure over both would blend unlike things. Such
    /// metrics are reported per kind group, never over both.
    pub const fn blends_kinds(self) -> bool {
        matches!(
            self,
            Metric::ServiceLevel
                | Metric::AsaSeconds
                | Metric::MeanWaitSeconds
                | Metric::PWait
                | Metric::AbandonRate
                | Metric::BlockedRate
                | Metric::FrtMeanSeconds
                | Metric::FrtP50Seconds
                | Metric::FrtP90Seconds
                | Metric::FrtP95Seconds
                | Metric::ResolutionTimeSeconds
                | Metric::ResolutionP50Seconds
                | Metric::ResolutionP90Seconds
                | Metric::ResolvedWithinTarget
        )
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Metric;

    #[test]
    fn names_are_unique_and_read_back() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(*m));
        }
        let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
    }
}
