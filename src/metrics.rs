//! Online accumulation of one replication's outcomes: counters, sums and histograms whose size
//! does not depend on the number of contacts simulated.

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
    /// Sum of times from the first contact to resolution, seconds.
    pub resolution_time: f64,
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

/// A histogram of non-negative durations for percentiles without keeping every value.
///
/// Bins follow the binary representation of the value: 64 bins per doubling (each about 1.1%
/// wide) from 2⁻⁷ s (8 ms) to 2²⁴ s (194 days), plus an exact bin for zero. Finding a bin takes a
/// few bit operations, no logarithm.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    zero: u64,
    bins: Vec<u64>,
    count: u64,
    /// The bins that may hold values are `lo..hi` (none when empty): an interval's histogram
    /// is cleared and read every interval, and its values seldom span more than a few doublings.
    lo: usize,
    hi: usize,
}

/// Sub-bins per doubling, as a power of two.
const SUB_BITS: u32 = 6;
const MIN_EXP: i64 = -7;
const MAX_EXP: i64 = 24;
const BINS: usize = ((MAX_EXP - MIN_EXP) as usize) << SUB_BITS;

/// The bin key of a positive finite value: its biased exponent and the top mantissa bits.
#[inline]
fn key(x: f64) -> i64 {
    (x.to_bits() >> (52 - SUB_BITS)) as i64
}

#[inline]
fn base_key() -> i64 {
    key(2f64.powi(MIN_EXP as i32))
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            zero: 0,
            bins: vec![0; BINS],
            count: 0,
            lo: BINS,
            hi: 0,
        }
    }
}

impl Histogram {
    /// Records one value, seconds.
    #[inline]
    pub fn record(&mut self, x: f64) {
        self.count += 1;
        if x <= 0.0 || x.is_nan() {
            self.zero += 1;
            return;
        }
        let i = (key(x) - base_key()).clamp(0, BINS as i64 - 1) as usize;
        self.bins[i] += 1;
        self.lo = self.lo.min(i);
        self.hi = self.hi.max(i + 1);
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Forgets every value.
    pub fn clear(&mut self) {
        if self.count > 0 {
            if self.lo < self.hi {
                self.bins[self.lo..self.hi].iter_mut().for_each(|b| *b = 0);
            }
            self.zero = 0;
            self.count = 0;
            self.lo = BINS;
            self.hi = 0;
        }
    }

    /// Adds another histogram into this one.
    pub fn add(&mut self, o: &Histogram) {
        self.zero += o.zero;
        self.count += o.count;
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            *a += b;
        }
        self.lo = self.lo.min(o.lo);
        self.hi = self.hi.max(o.hi);
    }

    fn bin_edges(i: usize) -> (f64, f64) {
        let k = base_key() + i as i64;
        let lo = f64::from_bits((k as u64) << (52 - SUB_BITS));
        let hi = f64::from_bits(((k + 1) as u64) << (52 - SUB_BITS));
        if i == 0 { (0.0, hi) } else { (lo, hi) }
    }

    /// Share of recorded values at or below `x` (bins are counted whole, so `x` is rounded up
    /// to the end of its bin); `None` when empty.
    pub fn share_at_most(&self, x: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        Some(self.count_at_most(x) as f64 / self.count as f64)
    }

    /// Recorded values at or below `x`, counting bins whole as [`Histogram::share_at_most`].
    pub fn count_at_most(&self, x: f64) -> u64 {
        if x < 0.0 {
            return 0;
        }
        let mut n = self.zero;
        if x > 0.0 {
            let last = (key(x) - base_key()).clamp(-1, BINS as i64 - 1);
            let end = (last + 1) as usize;
            if last >= 0 && self.lo < end.min(self.hi) {
                n += self.bins[self.lo..end.min(self.hi)].iter().sum::<u64>();
            }
        }
        n
    }

    /// The `q`-quantile (0 ≤ q ≤ 1), interpolated within its bin; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * self.count as f64;
        if rank <= self.zero as f64 {
            return Some(0.0);
        }
        let mut seen = self.zero as f64;
        let used = self.lo.min(self.hi)..self.hi;
        for (i, &n) in self.bins[used.clone()].iter().enumerate() {
            let i = i + used.start;
            if n == 0 {
                continue;
            }
            let next = seen + n as f64;
            if rank <= next {
                let (lo, hi) = Self::bin_edges(i);
                let f = (rank - seen) / n as f64;
                return Some(lo + f * (hi - lo));
            }
            seen = next;
        }
        let (_, hi) = Self::bin_edges(BINS - 1);
        Some(hi)
    }
}

/// Upper edges of the buckets of the FRT distribution chart, seconds (a last bucket holds the
/// rest).
pub const FRT_EDGES: [f64; 12] = [
    0.0,
    10.0,
    20.0,
    30.0,
    60.0,
    120.0,
    300.0,
    900.0,
    3600.0,
    4.0 * 3600.0,
    8.0 * 3600.0,
    86_400.0,
];

/// What the reports need of a replication's first-response-time histogram: kept instead of
/// the histogram (16 KB), so that a finished replication stays small however many there are.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrtSummary {
    /// Contacts answered.
    pub count: u64,
    /// Median, 90th and 95th percentile, seconds (`None` without answers).
    pub p50: Option<f64>,
    /// 90th percentile, seconds.
    pub p90: Option<f64>,
    /// 95th percentile, seconds.
    pub p95: Option<f64>,
    /// Contacts answered within each of [`FRT_EDGES`].
    pub at_most: [u64; 12],
}

impl FrtSummary {
    /// Summarises a histogram.
    pub fn of(h: &Histogram) -> Self {
        FrtSummary {
            count: h.count(),
            p50: h.quantile(0.5),
            p90: h.quantile(0.9),
            p95: h.quantile(0.95),
            at_most: FRT_EDGES.map(|x| h.count_at_most(x)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_a_bin_of_the_truth() {
        let mut h = Histogram::default();
        for i in 1..=10_000 {
            h.record(f64::from(i));
        }
        for q in [0.1, 0.5, 0.9, 0.99] {
            let exact = q * 10_000.0;
            let got = h.quantile(q).expect("non-empty");
            assert!(
                (got - exact).abs() / exact < 0.012,
                "q {q}: {got} vs {exact}"
            );
        }
        assert_eq!(h.quantile(0.0), Some(h.quantile(0.0).unwrap_or(0.0)));
    }

    #[test]
    fn zeros_tiny_and_huge_values() {
        let mut h = Histogram::default();
        h.record(0.0);
        h.record(0.0);
        h.record(1e-9);
        h.record(1e12);
        assert_eq!(h.count(), 4);
        assert_eq!(h.quantile(0.5), Some(0.0));
        assert!(h.quantile(1.0).expect("some") > 1e7);
        assert_eq!(h.share_at_most(0.0), Some(0.5));
        assert_eq!(h.share_at_most(1e13), Some(1.0));
        h.clear();
        assert_eq!(h.count(), 0);
        assert_eq!(h.quantile(0.5), None);
    }

    #[test]
    fn a_cleared_or_merged_histogram_reads_as_one_filled_afresh() {
        // Clearing and reading touch only the bins in use; nothing of the old values may show.
        let values = |from: u32, to: u32| (from..to).map(|i| f64::from(i * i) * 0.37);
        let fresh = |from: u32, to: u32| {
            let mut h = Histogram::default();
            values(from, to).for_each(|x| h.record(x));
            h
        };
        let mut reused = fresh(1, 3_000);
        reused.clear();
        values(40, 90).for_each(|x| reused.record(x));
        assert_eq!(reused, fresh(40, 90));
        let mut merged = fresh(40, 90);
        merged.add(&fresh(2_000, 2_100));
        let mut both = fresh(40, 90);
        values(2_000, 2_100).for_each(|x| both.record(x));
        assert_eq!(merged, both);
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(merged.quantile(q), both.quantile(q));
        }
        for x in [-1.0, 0.0, 1.0, 600.0, 1e6, 1e13] {
            assert_eq!(merged.count_at_most(x), both.count_at_most(x));
            assert_eq!(
                reused.count_at_most(x),
                values(40, 90).filter(|v| *v <= x).count() as u64,
                "at most {x}"
            );
        }
        let mut empty = Histogram::default();
        empty.add(&Histogram::default());
        assert_eq!(empty.count_at_most(1e9), 0);
        assert_eq!(empty.quantile(0.5), None);
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
