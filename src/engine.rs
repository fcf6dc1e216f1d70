//! The discrete-event engine: one replication of a [`Model`].
//!
//! Events sit in a binary heap ordered by time, then by insertion sequence, so that equal
//! times are handled first-in first-out and a run is deterministic. Cancelled events (an
//! abandonment of a contact already answered) are dropped lazily when they reach the top.
//! Contacts live in a slab only while they wait; nothing is kept about a contact once it is
//! answered, abandoned or blocked, so memory does not grow with the horizon.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use rand::RngExt;
use rand_distr::{Binomial, Distribution, Exp1, Gamma, Poisson};

use crate::duration::DAY;
use crate::experience::{BadExperience, Churn, Outcome, Satisfaction};
use crate::metrics::{
    ChannelInterval, Conservation, CustomerStats, FrtSummary, Histogram, RepResult, Staffing, Tally,
};
use crate::model::{ChannelKind, MONTH_DAYS, Model};
use crate::rng::{self, DrawKey, Purpose, Rng, Stream};

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Next arrival on a channel.
    Arrival {
        channel: u32,
    },
    /// The arrival at this index of the model's replayed trace.
    Replay {
        index: u32,
    },
    /// An agent finishes a contact; `chat` tells which kind of capacity is released.
    Done {
        agent: u32,
        chat: bool,
    },
    /// A waiting contact's patience runs out.
    Abandon {
        slot: u32,
        generation: u32,
    },
    /// A written contact has waited twice its channel's tolerance: the customer may leave.
    Ignored {
        slot: u32,
        generation: u32,
    },
    /// A contact passed on by the bot or by tier 1 joins a queue.
    Enter {
        slot: u32,
    },
    /// A repeat or retry arrives.
    Return {
        slot: u32,
    },
    /// Start of a day: schedule that day's shifts and shrinkage.
    DayStart {
        day: u32,
    },
    /// Start of a scheduled shift; an absent agent is scheduled but never on the floor.
    ShiftStart {
        agent: u32,
        absent: bool,
    },
    ShiftEnd {
        agent: u32,
    },
    /// Off the floor (planned shrinkage or absence).
    BreakStart {
        agent: u32,
    },
    BreakEnd {
        agent: u32,
    },
    /// End of a reporting interval: sample backlogs.
    IntervalEnd {
        index: u32,
    },
    /// A surge's extra contacts begin (at its start) or one of them arrives.
    SurgeArrival {
        index: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time: f64,
    seq: u64,
    kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that `BinaryHeap` pops the earliest time, then the lowest sequence.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Where a contact in the slab is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// The slot is free (or holds a contact that left the queue and awaits removal).
    Gone,
    /// Waiting in a queue for an agent.
    Waiting,
    /// With the bot or being passed to tier 2; enters a queue later.
    Passing,
    /// A repeat or retry not yet arrived.
    Returning,
    /// A chat whose customer left while it waited, still in its queue: the agent who reaches
    /// it spends the channel's `abandoned_work` on it.
    Ghost,
}

/// A contact as the engine carries it between events.
#[derive(Clone, Copy)]
struct Contact {
    /// When it joined the human queue (waits are measured from here), seconds.
    arrival: f64,
    /// When the customer first contacted about this issue, seconds.
    origin: f64,
    /// When it arrived on its channel (statistics are attributed to this moment), seconds.
    counted_at: f64,
    /// Handle time of a fully proficient agent, seconds.
    handle: f64,
    /// Patience, seconds (infinite for none).
    patience: f64,
    channel: u32,
    topic: u32,
    key: DrawKey,
    failed_bot: bool,
    /// Agent touches of the ticket so far (0 until its first answer).
    touch: u16,
    /// The wait for the first answer, seconds, carried to later touches (single precision
    /// keeps a contact at 72 bytes).
    frt: f32,
}

struct Slot {
    contact: Contact,
    generation: u32,
    state: State,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    /// Not on shift.
    Off,
    /// On the floor: available for work (idle or busy).
    Floor,
    /// On shift but off the floor (shrinkage).
    Away,
}

struct Agent {
    group: u32,
    presence: Presence,
    /// Slots in use: a call or ticket takes all of them, a chat one.
    load: u32,
    /// Whether the load is chats.
    chats: bool,
    /// Leave when the contact in hand is done (shift ended).
    leaving: bool,
    /// Go off the floor when the contact in hand is done (break due).
    break_due: bool,
    idle_since: f64,
    /// Bumped whenever the agent enters the idle list, to detect stale entries.
    idle_stamp: u32,
    /// Index of the shift pattern in its group; `None` for around-the-clock agents.
    shift: Option<u32>,
    /// Place in its group, from 0 (how contact logs name the agent).
    number: u32,
    /// Stable identity (group, shift, place in the shift) for the agent's own random draws, so
    /// that adding an agent to a plan leaves every other agent's absences and breaks as they were.
    key: u64,
}

struct ArrivalGen {
    /// Rate per second per slot of the day, per weekday (Monday first), before weekday, day
    /// and customer-base factors.
    base: [Vec<f64>; 7],
    slot_len: f64,
    slot: u64,
    slot_end: f64,
    rate: f64,
    t: f64,
}

/// The extra contacts of one surge (factor above 1) on one channel: a Poisson process at
/// (factor − 1) × the concerned share of the channel's rate, from the surge's start to its end.
/// They come from streams of their own, so every other contact is drawn exactly as without
/// the surge (common random numbers when comparing with and without it).
struct SurgeGen {
    channel: u32,
    topic: Option<u32>,
    start: f64,
    end: f64,
    /// (factor − 1) × P(topic | channel), or × 1 without a topic.
    extra: f64,
    /// Arrival, customer and experience streams.
    arrival_rng: Rng,
    customer_rng: Rng,
    experience_rng: Rng,
    /// Whether its start has passed.
    started: bool,
    /// Current piece of constant rate: its slot of the channel's profile, end and rate.
    slot: u64,
    seg_end: f64,
    rate: f64,
    t: f64,
}

/// Why a customer comes back about the same issue.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Return {
    /// An agent answered but did not resolve it.
    Unresolved,
    /// The bot claimed to resolve it but did not.
    FalselyContained,
    /// The customer abandoned or got a busy signal.
    Retry,
}

/// A satisfaction draw.
#[derive(Clone, Copy)]
struct Sat {
    p: f64,
    satisfied: bool,
    surveyed: bool,
}

/// The decisions about an answered contact.
struct Decision {
    /// A first contact about the issue at tier 1.
    first: bool,
    resolved: bool,
    /// Passed to tier 2.
    transferred: bool,
    /// Satisfaction, when measured.
    satisfaction: Option<Sat>,
}

impl Decision {
    /// Counts the resolution (with its time, 0 when unresolved) and the customer's
    /// satisfaction in `tally`.
    #[inline(always)]
    fn count(&self, tally: &mut Tally, resolution_time: f64) {
        tally.resolved += u64::from(self.resolved);
        tally.resolution_time += resolution_time;
        if let Some(sat) = self.satisfaction {
            tally.served += 1;
            tally.p_satisfied += sat.p;
            tally.surveys += u64::from(sat.surveyed);
            tally.satisfied += u64::from(sat.surveyed && sat.satisfied);
        }
    }

    /// Counts a tier-1 leg's decision: first-contact resolution, a transfer, and [`count`].
    ///
    /// [`count`]: Decision::count
    #[inline(always)]
    fn count_tier1(&self, tally: &mut Tally, resolution_time: f64) {
        tally.answered_first += u64::from(self.first);
        tally.resolved_first += u64::from(self.first && self.resolved);
        tally.transferred += u64::from(self.transferred);
        self.count(tally, resolution_time);
    }
}

/// How a contact's stay with the operation ended, as written to a contact log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOutcome {
    /// An agent answered it.
    Answered,
    /// The customer hung up or left the chat while waiting.
    Abandoned,
    /// The queue was full.
    Blocked,
    /// The bot resolved it (or the customer believed so).
    Contained,
    /// The knowledge base answered it before it reached the channel.
    Deflected,
    /// Still waiting (or being passed on) when the horizon ended.
    Open,
    /// A later agent touch of a ticket already answered once (after the customer replied).
    FollowUp,
}

impl ContactOutcome {
    /// Lower-case name, as written in logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Abandoned => "abandoned",
            Self::Blocked => "blocked",
            Self::Contained => "contained",
            Self::Deflected => "deflected",
            Self::Open => "open",
            Self::FollowUp => "follow_up",
        }
    }
}

/// One contact leg (a tier-1 or tier-2 stay in a queue, or a bot or knowledge-base answer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContactRecord {
    /// When it joined the agents' queue (after any bot), seconds from 00:00 of day 0.
    pub arrival: f64,
    /// Channel index.
    pub channel: u32,
    /// Topic index.
    pub topic: u32,
    /// The topic's priority (1 most urgent).
    pub priority: u32,
    /// 0 for the first contact about an issue, 1 for the first repeat or retry, …
    pub attempt: u32,
    /// 0 at tier 1, 1 for the second-tier leg of an escalated contact.
    pub tier: u8,
    /// How it ended.
    pub outcome: ContactOutcome,
    /// Seconds waited until answered, abandoned or the horizon (0 for blocked, contained,
    /// deflected).
    pub wait: f64,
    /// Seconds of agent time for an answered contact (0 otherwise).
    pub handle: f64,
    /// Agent group that answered it.
    pub group: Option<u32>,
    /// The answering agent, numbered from 0 within its group.
    pub agent: Option<u32>,
}

/// Receives every contact leg as it ends (see [`simulate_logged`]).
pub trait ContactSink {
    /// Called once per leg, in the order legs end.
    fn contact(&mut self, record: &ContactRecord);
}

/// A customer's handle time and patience on channel `c` about topic `t`, seconds: the topic's
/// own distributions where it has them, else the channel's (× the topic's handle-time factor).
/// Async contacts never abandon, whatever their topic says.
fn attributes(m: &Model, c: usize, t: usize, rng: &mut Rng) -> (f64, f64) {
    let ch = &m.channels[c];
    let topic = &m.topics[t];
    let handle = match &topic.handle_time {
        Some(d) => d.sample(rng),
        None => ch.handle_time.sample(rng) * topic.handle_time_factor,
    };
    let patience = match (&topic.patience, &ch.patience) {
        (Some(p), _) if ch.kind != ChannelKind::Async => p.sample(rng),
        (_, Some(p)) => p.sample(rng),
        _ => f64::INFINITY,
    };
    (handle, patience)
}

/// The most contacts one replication may hold open at once (waiting, in a bot, in service or
/// due to come back), about 100–200 bytes each. Only an operation hopelessly short of capacity
/// gets there — real contact centres hold thousands, not millions — and simulating it further
/// would exhaust memory without changing the answer: it cannot keep up.
pub const MAX_LIVE_CONTACTS: usize = 4_000_000;

/// Why a replication stopped before its horizon.
#[derive(Clone, Debug, PartialEq)]
pub enum Stopped {
    /// The cancel flag was set (Ctrl-C).
    Cancelled,
    /// More than [`MAX_LIVE_CONTACTS`] contacts were open at once.
    Overloaded(Overload),
}

/// Where an overloaded replication stood when it stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Overload {
    /// Replication, from 0.
    pub rep: u32,
    /// Day of the horizon, from 0.
    pub day: u32,
    /// Contacts open at once.
    pub open: usize,
    /// The channel with the most contacts waiting.
    pub channel: String,
    /// How many were waiting on it.
    pub waiting: u32,
}

impl std::fmt::Display for Overload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the operation cannot keep up: on day {} of replication {}, {} contacts were open at \
             once ({} waiting on `{}`), more than the {} a run holds before it stops rather \
             than exhaust memory",
            self.day + 1,
            self.rep + 1,
            crate::export::group_thousands(self.open as f64),
            crate::export::group_thousands(f64::from(self.waiting)),
            self.channel,
            crate::export::group_thousands(MAX_LIVE_CONTACTS as f64)
        )
    }
}

/// Runs replication `rep` of `model` (to the end, or until it overloads).
pub fn simulate(model: &Model, rep: u32) -> Result<RepResult, Overload> {
    let never = AtomicBool::new(false);
    Engine::new(model, rep, true)
        .run(&never)
        .map_err(|e| match e {
            Stopped::Overloaded(o) => o,
            Stopped::Cancelled => unreachable_cancel(rep),
        })
}

/// Like [`simulate_cancellable`], and passes every contact leg to `sink` as it ends. The
/// results are exactly those of the same replication without a sink.
pub fn simulate_logged<'a>(
    model: &'a Model,
    rep: u32,
    cancel: &AtomicBool,
    series: bool,
    sink: &'a mut dyn ContactSink,
) -> Result<RepResult, Stopped> {
    let mut engine = Engine::new(model, rep, series);
    engine.sink = Some(sink);
    engine.run(cancel)
}

/// Runs replication `rep` of `model`, giving up soon after `cancel` is set. Without `series`
/// no per-interval figures are kept (the summary needs none of them).
pub fn simulate_cancellable(
    model: &Model,
    rep: u32,
    cancel: &AtomicBool,
    series: bool,
) -> Result<RepResult, Stopped> {
    Engine::new(model, rep, series).run(cancel)
}

#[cold]
fn unreachable_cancel(rep: u32) -> Overload {
    // A flag nobody sets cannot cancel; this keeps `simulate` free of a panic path.
    Overload {
        rep,
        day: 0,
        open: 0,
        channel: String::new(),
        waiting: 0,
    }
}

struct Engine<'m> {
    m: &'m Model,
    /// Which replication this is.
    rep: u32,
    /// Where contact legs go as they end, when a log is wanted.
    sink: Option<&'m mut dyn ContactSink>,
    now: f64,
    seq: u64,
    heap: BinaryHeap<Event>,
    events: u64,
    horizon: f64,
    warmup: f64,
    nc: usize,
    nt: usize,
    // random streams
    arrival_rng: Vec<Rng>,
    customer_rng: Vec<Rng>,
    experience_rng: Vec<Rng>,
    /// Seed of the staffing draws (absence, break times), hashed with agent and day.
    staffing_seed: u64,
    base_rng: Rng,
    day_factor: Vec<f64>,
    arrivals: Vec<ArrivalGen>,
    surge_gens: Vec<SurgeGen>,
    /// Whether some channel's tickets take several touches (a fast path when none does).
    multi_touch: bool,
    /// Dips: the surges with a factor below 1.
    dips: Vec<crate::model::Surge>,
    /// Cumulative P(topic | channel), per channel.
    topic_cdf: Vec<Vec<f64>>,
    /// Cumulative repeat-channel mix, per channel.
    repeat_cdf: Vec<Vec<f64>>,
    // contacts and queues
    slab: Vec<Slot>,
    free: Vec<u32>,
    /// Queues per (tier, channel, topic).
    queues: Vec<VecDeque<u32>>,
    channel_waiting: Vec<u32>,
    // agents
    agents: Vec<Agent>,
    group_agents: Vec<Vec<u32>>,
    idle: Vec<VecDeque<(u32, u32)>>,
    /// Eligible groups per queue.
    eligible_groups: Vec<Vec<u32>>,
    /// Eligible queues per group, as (queue index, priority, 1 / answer_within, is_chat).
    group_queues: Vec<Vec<(u32, u32, f64, bool)>>,
    /// Handle-time multiplier (1 / proficiency) per (group, topic).
    slowness: Vec<f64>,
    group_on_floor: Vec<f64>,
    group_busy: Vec<f64>,
    group_sched: Vec<f64>,
    group_last: Vec<f64>,
    /// Waits of the contacts answered in the current interval, per channel.
    interval_frt: Vec<Histogram>,
    /// First-response times per channel and per topic over the statistics window.
    channel_frt: Vec<Histogram>,
    topic_frt: Vec<Histogram>,
    /// Reporting intervals in the statistics window.
    ni: usize,
    /// Sequence numbers reserved for interval ends start after this one.
    interval_seq: u64,
    /// Where interval figures go when the run keeps no time series.
    scratch: Tally,
    // customers
    active: f64,
    active0: f64,
    // results
    r: RepResult,
}

const MONTH: f64 = MONTH_DAYS * DAY;

impl<'m> Engine<'m> {
    fn new(m: &'m Model, rep: u32, series: bool) -> Self {
        let nc = m.channels.len();
        let nt = m.topics.len();
        let ng = m.groups.len();
        // Without time series, nothing is kept per interval: memory is then independent of the
        // horizon as well as of the number of contacts.
        let ni = if series { m.stat_intervals() } else { 0 };
        let horizon = m.horizon();
        let mut day_rng = rng::stream(m.seed, rep, Stream::Days);
        let day_factor = (0..m.days)
            .map(|d| {
                let random = if m.demand.day_cv > 0.0 {
                    let shape = 1.0 / (m.demand.day_cv * m.demand.day_cv);
                    match Gamma::new(shape, 1.0 / shape) {
                        Ok(g) => g.sample(&mut day_rng),
                        Err(_) => 1.0,
                    }
                } else {
                    1.0
                };
                random * m.demand.growth(d)
            })
            .collect();
        let arrivals = m
            .channels
            .iter()
            .map(|c| {
                let n = c.intraday[0].len().max(1);
                let slot_len = DAY / n as f64;
                ArrivalGen {
                    base: c.intraday.clone().map(|day| {
                        day.iter()
                            .map(|w| m.demand.per_day * c.share * w / slot_len)
                            .collect()
                    }),
                    slot_len,
                    slot: 0,
                    slot_end: 0.0,
                    rate: 0.0,
                    t: 0.0,
                }
            })
            .collect();
        let cdf = |w: Vec<f64>| -> Vec<f64> {
            let total: f64 = w.iter().sum();
            let mut acc = 0.0;
            w.iter()
                .map(|x| {
                    acc += if total > 0.0 { x / total } else { 0.0 };
                    acc
                })
                .collect()
        };
        let topic_cdf = (0..nc)
            .map(|c| {
                cdf(m
                    .topics
                    .iter()
                    .map(|t| t.share * t.channel_mix[c])
                    .collect())
            })
            .collect();
        let repeat_cdf = m
            .channels
            .iter()
            .map(|c| cdf(c.repeat_mix.clone()))
            .collect();
        // Surges above 1 add contacts of their own; those below 1 thin the ordinary ones.
        let mut surge_gens = Vec::new();
        let mut dips = Vec::new();
        for (k, s) in m.surges.iter().enumerate() {
            if s.factor < 1.0 {
                dips.push(s.clone());
                continue;
            }
            for c in 0..nc {
                let total: f64 = m.topics.iter().map(|t| t.share * t.channel_mix[c]).sum();
                let share = match s.topic {
                    Some(t) if total > 0.0 => {
                        let tp = &m.topics[t.0 as usize];
                        tp.share * tp.channel_mix[c] / total
                    }
                    Some(_) => 0.0,
                    None => 1.0,
                };
                let extra = (s.factor - 1.0) * share;
                if !s.channels[c] || extra <= 0.0 || s.start >= horizon {
                    continue;
                }
                let stream = |part| {
                    rng::stream(
                        m.seed,
                        rep,
                        Stream::Surge {
                            surge: k as u32,
                            channel: c as u32,
                            part,
                        },
                    )
                };
                surge_gens.push(SurgeGen {
                    channel: c as u32,
                    topic: s.topic.map(|t| t.0),
                    start: s.start,
                    end: s.end.min(horizon),
                    extra,
                    arrival_rng: stream(0),
                    customer_rng: stream(1),
                    experience_rng: stream(2),
                    started: false,
                    slot: 0,
                    seg_end: s.start,
                    rate: 0.0,
                    t: s.start,
                });
            }
        }
        let mut agents = Vec::new();
        let mut group_agents = vec![Vec::new(); ng];
        for (gi, g) in m.groups.iter().enumerate() {
            let mut add = |shift: Option<u32>, ordinal: u32, agents: &mut Vec<Agent>| {
                let number = group_agents[gi].len() as u32;
                group_agents[gi].push(agents.len() as u32);
                agents.push(Agent {
                    number,
                    key: ((gi as u64) << 42)
                        | (u64::from(shift.map_or(0xFFFF, |s| s)) << 22)
                        | u64::from(ordinal),
                    group: gi as u32,
                    presence: Presence::Off,
                    load: 0,
                    chats: false,
                    leaving: false,
                    break_due: false,
                    idle_since: 0.0,
                    idle_stamp: 0,
                    shift,
                });
            };
            if g.shifts.is_empty() {
                for k in 0..g.around_the_clock {
                    add(None, k, &mut agents);
                }
            } else {
                for (si, s) in g.shifts.iter().enumerate() {
                    for k in 0..s.count {
                        add(Some(si as u32), k, &mut agents);
                    }
                }
            }
        }
        let nq = 2 * nc * nt;
        let mut eligible_groups = vec![Vec::new(); nq];
        let mut group_queues = vec![Vec::new(); ng];
        let mut slowness = vec![1.0; ng * nt];
        for (gi, g) in m.groups.iter().enumerate() {
            let tier = usize::from(g.tier.saturating_sub(1)).min(1);
            for (ci, ch) in m.channels.iter().enumerate() {
                for (ti, t) in m.topics.iter().enumerate() {
                    if g.channels[ci]
                        && let Some(p) = g.proficiency[ti]
                    {
                        let q = (tier * nc + ci) * nt + ti;
                        eligible_groups[q].push(gi as u32);
                        group_queues[gi].push((
                            q as u32,
                            t.priority,
                            1.0 / ch.answer_within,
                            ch.kind == ChannelKind::Chat,
                        ));
                        slowness[gi * nt + ti] = 1.0 / p;
                    }
                }
            }
        }
        let active0 = m.customers.as_ref().map_or(0.0, |c| c.active);
        let r = RepResult {
            channels: vec![Tally::default(); nc],
            channel_frt: Vec::new(),
            overall_frt: FrtSummary::default(),
            topics: vec![Tally::default(); nt],
            topic_frt: Vec::new(),
            group_tally: vec![Tally::default(); ng],
            groups: vec![Staffing::default(); ng],
            channel_intervals: vec![vec![ChannelInterval::default(); nc]; ni],
            group_intervals: vec![vec![Staffing::default(); ng]; ni],
            open_end: vec![0; nc],
            queue_max: vec![0; nc],
            queue_sum: vec![0.0; nc],
            oldest_max: vec![0.0; nc],
            conservation: Conservation::default(),
            events: 0,
            min_wait: f64::INFINITY,
            customers: m.customers.as_ref().map(|_| CustomerStats {
                active_start: active0,
                ..CustomerStats::default()
            }),
            active_customers: if m.customers.is_some() {
                vec![0.0; ni]
            } else {
                Vec::new()
            },
        };
        Engine {
            m,
            rep,
            sink: None,
            now: 0.0,
            seq: 0,
            heap: BinaryHeap::with_capacity(agents.len() + 64),
            events: 0,
            horizon,
            warmup: m.warmup_end(),
            nc,
            nt,
            arrival_rng: (0..nc as u32)
                .map(|c| rng::stream(m.seed, rep, Stream::Arrivals(c)))
                .collect(),
            customer_rng: (0..nc as u32)
                .map(|c| rng::stream(m.seed, rep, Stream::Callers(c)))
                .collect(),
            experience_rng: (0..nc as u32)
                .map(|c| rng::stream(m.seed, rep, Stream::Experience(c)))
                .collect(),
            staffing_seed: rng::stream_seed(m.seed, rep, Stream::Staffing),
            base_rng: rng::stream(m.seed, rep, Stream::Customers),
            day_factor,
            arrivals,
            surge_gens,
            multi_touch: m
                .channels
                .iter()
                .any(|c| c.kind == ChannelKind::Async && c.touches > 1.0),
            dips,
            topic_cdf,
            repeat_cdf,
            slab: Vec::new(),
            free: Vec::new(),
            queues: vec![VecDeque::new(); nq],
            channel_waiting: vec![0; nc],
            agents,
            group_agents,
            idle: vec![VecDeque::new(); ng],
            eligible_groups,
            group_queues,
            slowness,
            group_on_floor: vec![0.0; ng],
            group_busy: vec![0.0; ng],
            group_sched: vec![0.0; ng],
            group_last: vec![0.0; ng],
            interval_frt: vec![Histogram::default(); nc],
            channel_frt: vec![Histogram::default(); nc],
            topic_frt: vec![Histogram::default(); nt],
            ni: m.stat_intervals(),
            interval_seq: 0,
            scratch: Tally::default(),
            active: active0,
            active0,
            r,
        }
    }

    #[inline]
    fn schedule(&mut self, time: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            kind,
        });
    }

    fn schedule_interval_end(&mut self, i: usize) {
        if i >= self.ni {
            return;
        }
        let t = self.warmup + (i as f64 + 1.0) * self.m.interval;
        self.heap.push(Event {
            time: t.min(self.horizon),
            seq: self.interval_seq + 1 + i as u64,
            kind: Kind::IntervalEnd { index: i as u32 },
        });
    }

    fn run(mut self, cancel: &AtomicBool) -> Result<RepResult, Stopped> {
        for d in 0..self.m.days {
            // Day starts are few; scheduling them up front keeps their order fixed.
            self.schedule(f64::from(d) * DAY, Kind::DayStart { day: d });
        }
        if let Some(trace) = &self.m.trace {
            if let Some(first) = trace.first()
                && first.time < self.horizon
            {
                self.schedule(first.time.max(0.0), Kind::Replay { index: 0 });
            }
        } else {
            for c in 0..self.nc {
                self.start_arrivals(c);
            }
            for g in 0..self.surge_gens.len() {
                let at = self.surge_gens[g].start;
                self.schedule(at, Kind::SurgeArrival { index: g as u32 });
            }
        }
        // Interval ends are scheduled one at a time (so the heap does not grow with the
        // horizon), each with the sequence number it would have had if all were scheduled
        // here: equal-time order stays exactly as it was.
        self.interval_seq = self.seq;
        self.seq += self.ni as u64;
        self.schedule_interval_end(0);
        while let Some(ev) = self.heap.pop() {
            if ev.time > self.horizon {
                break;
            }
            self.now = ev.time;
            self.events += 1;
            // Look at the flag now and then: cheap, and prompt enough (well under a second).
            if self.events & 0xFFFF == 0 {
                if cancel.load(AtomicOrdering::Relaxed) {
                    return Err(Stopped::Cancelled);
                }
                if self.slab.len() > MAX_LIVE_CONTACTS {
                    return Err(Stopped::Overloaded(self.overload()));
                }
            }
            match ev.kind {
                Kind::Arrival { channel } => {
                    self.next_arrival(channel as usize);
                    self.arrival(channel as usize, None);
                }
                Kind::Replay { index } => self.replay(index as usize),
                Kind::Done { agent, chat } => self.done(agent as usize, chat),
                Kind::Abandon { slot, generation } => self.abandon(slot as usize, generation),
                Kind::Enter { slot } => self.enter(slot as usize),
                Kind::Ignored { slot, generation } => self.ignored(slot as usize, generation),
                Kind::Return { slot } => self.returning(slot as usize),
                Kind::DayStart { day } => self.day_start(day),
                Kind::ShiftStart { agent, absent } => self.shift_start(agent as usize, absent),
                Kind::ShiftEnd { agent } => self.shift_end(agent as usize),
                Kind::BreakStart { agent } => self.break_start(agent as usize),
                Kind::BreakEnd { agent } => self.break_end(agent as usize),
                Kind::IntervalEnd { index } => self.interval_end(index as usize),
                Kind::SurgeArrival { index } => self.surge_arrival(index as usize),
            }
        }
        self.now = self.horizon;
        for g in 0..self.m.groups.len() {
            self.account(g);
        }
        for (c, n) in self.channel_waiting.iter().enumerate() {
            self.r.open_end[c] = u64::from(*n);
            self.r.conservation.open_end += u64::from(*n);
        }
        if self.sink.is_some() {
            let open: Vec<Contact> = self
                .slab
                .iter()
                .filter(|s| matches!(s.state, State::Waiting | State::Passing))
                .map(|s| s.contact)
                .collect();
            for contact in open {
                let wait = (self.horizon - contact.arrival).max(0.0);
                self.log(&contact, ContactOutcome::Open, wait, None);
            }
        }
        for s in &self.slab {
            match s.state {
                State::Passing => {
                    self.r.open_end[s.contact.channel as usize] += 1;
                    self.r.conservation.open_end += 1;
                }
                State::Returning => self.r.conservation.repeats_pending += 1,
                State::Gone | State::Waiting | State::Ghost => {}
            }
        }
        if let Some(c) = &mut self.r.customers {
            c.active_end = self.active;
        }
        // Only what the reports need of the histograms outlives the replication.
        let mut all = Histogram::default();
        for h in &self.channel_frt {
            all.add(h);
        }
        self.r.overall_frt = FrtSummary::of(&all);
        self.r.channel_frt = self.channel_frt.iter().map(FrtSummary::of).collect();
        self.r.topic_frt = self.topic_frt.iter().map(FrtSummary::of).collect();
        self.r.events = self.events;
        Ok(self.r)
    }

    /// What an overloaded replication had open when it stopped.
    #[cold]
    fn overload(&self) -> Overload {
        let busiest = (0..self.nc)
            .max_by_key(|&c| (self.channel_waiting[c], std::cmp::Reverse(c)))
            .unwrap_or(0);
        Overload {
            rep: self.rep,
            day: (self.now / DAY) as u32,
            open: self.slab.len() - self.free.len(),
            channel: self
                .m
                .channels
                .get(busiest)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            waiting: self.channel_waiting.get(busiest).copied().unwrap_or(0),
        }
    }

    // ---- arrivals -------------------------------------------------------------------------

    fn slot_rate(&self, c: usize, slot: u64) -> f64 {
        let g = &self.arrivals[c];
        let per_day = g.base[0].len() as u64;
        let day = (slot / per_day) as usize;
        let weekday = (self.m.demand.start_weekday + day) % 7;
        let factor = self.day_factor.get(day).copied().unwrap_or(1.0);
        // With a customer base, volume follows the number of active customers.
        let base = if self.active0 > 0.0 {
            self.active / self.active0
        } else {
            1.0
        };
        g.base[weekday][(slot % per_day) as usize] * self.m.demand.weekday[weekday] * factor * base
    }

    fn start_arrivals(&mut self, c: usize) {
        let rate = self.slot_rate(c, 0);
        let g = &mut self.arrivals[c];
        g.slot = 0;
        g.t = 0.0;
        g.slot_end = g.slot_len;
        g.rate = rate;
        self.next_arrival(c);
    }

    /// Schedules the next arrival of a non-homogeneous Poisson process with a piecewise
    /// constant rate: an exponential gap at the slot's rate, restarted at each slot boundary
    /// (exact, by memorylessness).
    fn next_arrival(&mut self, c: usize) {
        loop {
            let (rate, t, slot_end) = {
                let g = &self.arrivals[c];
                (g.rate, g.t, g.slot_end)
            };
            if rate > 0.0 {
                let e: f64 = Exp1.sample(&mut self.arrival_rng[c]);
                let next = t + e / rate;
                if next < slot_end {
                    self.arrivals[c].t = next;
                    if next < self.horizon {
                        self.schedule(next, Kind::Arrival { channel: c as u32 });
                    }
                    return;
                }
            }
            if slot_end >= self.horizon {
                return;
            }
            let slot = self.arrivals[c].slot + 1;
            let rate = self.slot_rate(c, slot);
            let g = &mut self.arrivals[c];
            g.slot = slot;
            g.t = slot_end;
            g.slot_end = (slot + 1) as f64 * g.slot_len;
            g.rate = rate;
        }
    }

    #[inline]
    fn counted(&self, t: f64) -> bool {
        t >= self.warmup
    }

    #[inline]
    fn interval_of(&self, t: f64) -> usize {
        let i = ((t - self.warmup) / self.m.interval) as usize;
        i.min(self.ni.saturating_sub(1))
    }

    /// Applies `f` to the channel, topic and interval tallies of a contact counted at `at`.
    #[inline]
    fn tally(&mut self, c: usize, t: usize, at: f64, f: impl Fn(&mut Tally)) {
        if !self.counted(at) {
            return;
        }
        let i = self.interval_of(at);
        f(&mut self.r.channels[c]);
        f(&mut self.r.topics[t]);
        if let Some(row) = self.r.channel_intervals.get_mut(i) {
            f(&mut row[c].tally);
        }
    }

    /// The arrival at `index` of the replayed trace; schedules the next one.
    fn replay(&mut self, index: usize) {
        let Some(trace) = &self.m.trace else { return };
        let Some(a) = trace.get(index).copied() else {
            return;
        };
        if let Some(next) = trace.get(index + 1)
            && next.time < self.horizon
        {
            let at = next.time.max(self.now);
            self.schedule(
                at,
                Kind::Replay {
                    index: index as u32 + 1,
                },
            );
        }
        let c = (a.channel.0 as usize).min(self.nc.saturating_sub(1));
        let t = (a.topic.0 as usize).min(self.nt.saturating_sub(1));
        self.arrival(c, Some(t));
    }

    /// A first contact on channel `c`, about `topic` when it is known (replayed), else drawn.
    fn arrival(&mut self, c: usize, topic: Option<usize>) {
        self.first_contact(c, topic, None);
    }

    /// The start of a surge's extra contacts on a channel, or one of them arriving.
    fn surge_arrival(&mut self, g: usize) {
        let c = self.surge_gens[g].channel as usize;
        if self.surge_gens[g].started {
            let topic = self.surge_gens[g].topic.map(|t| t as usize);
            self.first_contact(c, topic, Some(g));
        } else {
            // The first piece of constant rate: from the start to the next slot boundary.
            let slot_len = self.arrivals[c].slot_len;
            let start = self.surge_gens[g].start;
            let slot = (start / slot_len) as u64;
            let rate = self.slot_rate(c, slot) * self.surge_gens[g].extra;
            let s = &mut self.surge_gens[g];
            s.started = true;
            s.slot = slot;
            s.t = start;
            s.seg_end = ((slot + 1) as f64 * slot_len).min(s.end);
            s.rate = rate;
        }
        self.next_surge_arrival(g);
    }

    /// Schedules the next extra contact of surge generator `g`: exponential gaps at its piece of
    /// constant rate, restarted at each slot boundary of the channel's profile (exact, as for
    /// the ordinary arrivals).
    fn next_surge_arrival(&mut self, g: usize) {
        let c = self.surge_gens[g].channel as usize;
        let slot_len = self.arrivals[c].slot_len;
        loop {
            let (rate, t, seg_end, end) = {
                let s = &self.surge_gens[g];
                (s.rate, s.t, s.seg_end, s.end)
            };
            if rate > 0.0 {
                let e: f64 = Exp1.sample(&mut self.surge_gens[g].arrival_rng);
                let next = t + e / rate;
                if next < seg_end {
                    self.surge_gens[g].t = next;
                    self.schedule(next, Kind::SurgeArrival { index: g as u32 });
                    return;
                }
            }
            if seg_end >= end {
                return;
            }
            let slot = self.surge_gens[g].slot + 1;
            let rate = self.slot_rate(c, slot) * self.surge_gens[g].extra;
            let s = &mut self.surge_gens[g];
            s.slot = slot;
            s.t = seg_end;
            s.seg_end = ((slot + 1) as f64 * slot_len).min(s.end);
            s.rate = rate;
        }
    }

    /// A first contact on channel `c`; from surge generator `surge` when given (its own
    /// streams), else from the channel's.
    fn first_contact(&mut self, c: usize, topic: Option<usize>, surge: Option<usize>) {
        let now = self.now;
        // Customer-side draws, always in the same order, whatever happens next.
        let rng = match surge {
            Some(g) => &mut self.surge_gens[g].customer_rng,
            None => &mut self.customer_rng[c],
        };
        let u: f64 = rng.random();
        let cdf = &self.topic_cdf[c];
        let t = topic.unwrap_or_else(|| cdf.iter().position(|&p| u < p).unwrap_or(cdf.len() - 1));
        let (handle, patience) = attributes(self.m, c, t, rng);
        // One seed per customer issue, from which all its experience draws derive.
        let seed: u64 = match surge {
            Some(g) => self.surge_gens[g].experience_rng.random(),
            None => self.experience_rng[c].random(),
        };
        let contact = Contact {
            arrival: now,
            origin: now,
            counted_at: now,
            handle,
            patience,
            channel: c as u32,
            topic: t as u32,
            key: DrawKey {
                seed,
                attempt: 0,
                tier: 0,
            },
            failed_bot: false,
            touch: 0,
            frt: 0.0,
        };
        // A dip in demand: only a share `factor` of the contacts it concerns come at all.
        if surge.is_none() && self.m.trace.is_none() && !self.dips.is_empty() {
            let keep: f64 = self
                .dips
                .iter()
                .filter(|d| {
                    now >= d.start
                        && now < d.end
                        && d.topic.is_none_or(|x| x.0 as usize == t)
                        && d.channels[c]
                })
                .map(|d| d.factor)
                .product();
            if keep < 1.0 && contact.key.unit(Purpose::Dip) >= keep {
                return;
            }
        }
        let deflection = self.m.topics[t].kb_deflection;
        if deflection > 0.0 && contact.key.unit(Purpose::Deflect) < deflection {
            self.tally(c, t, now, |x| x.deflected += 1);
            self.log(&contact, ContactOutcome::Deflected, 0.0, None);
            return;
        }
        self.incoming(contact);
    }

    /// A contact arriving on its channel (a first contact or a repeat).
    fn incoming(&mut self, contact: Contact) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let now = self.now;
        self.r.conservation.arrived += 1;
        let repeat = contact.key.attempt > 0;
        self.tally(c, t, now, |x| {
            x.arrived += 1;
            x.repeats += u64::from(repeat);
        });
        if let Some(a) = &self.m.automation
            && a.channels[c]
        {
            self.bot(contact);
        } else {
            self.offer(contact);
        }
    }

    /// The bot answers first: it resolves the contact or passes it to an agent.
    fn bot(&mut self, mut contact: Contact) {
        let Some(a) = &self.m.automation else { return };
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let now = self.now;
        let level = a.ramp.as_ref().map_or(1.0, |r| r.level(now));
        let containment = self.m.topics[t].containment * level;
        let bot_time = a.bot_time.sample(&mut contact.key.rng(Purpose::BotTime));
        self.tally(c, t, now, |x| x.bot_conversations += 1);
        if contact.key.unit(Purpose::Contain) < containment {
            let falsely = contact.key.unit(Purpose::FalseContain) < a.false_containment;
            self.r.conservation.contained += 1;
            self.r.conservation.falsely_contained += u64::from(falsely);
            self.tally(c, t, now, |x| {
                x.contained += 1;
                x.falsely_contained += u64::from(falsely);
            });
            let outcome = Outcome {
                wait: 0.0,
                tolerance: self.m.channels[c].wait_tolerance,
                resolved: !falsely,
                failed_bot: false,
                attempt: contact.key.attempt,
                contained: true,
            };
            let sat = self.satisfaction(&contact, &outcome);
            self.record_satisfaction(&contact, sat);
            self.log(&contact, ContactOutcome::Contained, 0.0, None);
            let end = now + bot_time;
            if falsely {
                // The customer finds out later and comes back about the same issue.
                self.maybe_return(&contact, end, Return::FalselyContained);
            } else {
                let origin = contact.origin;
                self.tally(c, t, contact.counted_at, |x| {
                    x.resolved += 1;
                    x.resolution_time += end - origin;
                });
            }
            return;
        }
        self.tally(c, t, now, |x| x.escalated += 1);
        contact.failed_bot = true;
        contact.handle *= a.handle_time_factor;
        contact.patience *= a.patience_factor;
        let slot = self.store(contact, State::Passing);
        self.schedule(now + bot_time, Kind::Enter { slot });
    }

    /// Passes a contact leg that ended to the log, if one is kept.
    #[inline]
    fn log(
        &mut self,
        contact: &Contact,
        outcome: ContactOutcome,
        wait: f64,
        handled: Option<(usize, f64)>,
    ) {
        if self.sink.is_none() {
            return;
        }
        let agent = handled.map(|(a, _)| &self.agents[a]);
        let record = ContactRecord {
            arrival: contact.arrival,
            channel: contact.channel,
            topic: contact.topic,
            priority: self.m.topics[contact.topic as usize].priority,
            attempt: contact.key.attempt,
            tier: contact.key.tier,
            outcome,
            wait,
            handle: handled.map_or(0.0, |(_, h)| h),
            group: agent.map(|a| a.group),
            agent: agent.map(|a| a.number),
        };
        if let Some(sink) = self.sink.as_deref_mut() {
            sink.contact(&record);
        }
    }

    fn store(&mut self, contact: Contact, state: State) -> u32 {
        match self.free.pop() {
            Some(s) => {
                let slot = &mut self.slab[s as usize];
                slot.contact = contact;
                slot.state = state;
                s
            }
            None => {
                self.slab.push(Slot {
                    contact,
                    generation: 0,
                    state,
                });
                (self.slab.len() - 1) as u32
            }
        }
    }

    fn release_slot(&mut self, slot: u32) {
        let s = &mut self.slab[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        s.state = State::Gone;
        self.free.push(slot);
    }

    /// A contact passed on by the bot or by tier 1 joins a queue.
    fn enter(&mut self, slot: usize) {
        let mut contact = self.slab[slot].contact;
        self.release_slot(slot as u32);
        contact.arrival = self.now;
        self.offer(contact);
    }

    /// A repeat or retry arrives.
    fn returning(&mut self, slot: usize) {
        let mut contact = self.slab[slot].contact;
        self.release_slot(slot as u32);
        contact.arrival = self.now;
        contact.counted_at = self.now;
        self.r.conservation.repeats_arrived += 1;
        self.incoming(contact);
    }

    #[inline]
    fn queue_of(&self, contact: &Contact) -> usize {
        let tier = usize::from(contact.key.tier);
        (tier * self.nc + contact.channel as usize) * self.nt + contact.topic as usize
    }

    /// Routes a contact to an idle agent, or queues it, or blocks it.
    fn offer(&mut self, contact: Contact) {
        let q = self.queue_of(&contact);
        let c = contact.channel as usize;
        if let Some(a) = self.find_agent(q, c) {
            self.assign(a, contact);
            return;
        }
        if let Some(cap) = self.m.channels[c].queue_capacity
            && self.channel_waiting[c] >= cap
        {
            self.r.conservation.blocked += 1;
            self.log(&contact, ContactOutcome::Blocked, 0.0, None);
            if contact.key.tier == 0 {
                self.tally(c, contact.topic as usize, contact.counted_at, |x| {
                    x.blocked += 1;
                    x.delayed += 1;
                });
            }
            self.unserved(&contact);
            return;
        }
        let patience = contact.patience;
        let now = self.now;
        let slot = self.store(contact, State::Waiting);
        let generation = self.slab[slot as usize].generation;
        self.queues[q].push_back(slot);
        self.channel_waiting[c] += 1;
        if patience.is_finite() {
            self.schedule(now + patience, Kind::Abandon { slot, generation });
        }
        if let Some(customers) = &self.m.customers
            && customers.churn.if_ignored > 0.0
            && self.m.channels[c].kind == ChannelKind::Async
        {
            let at = now + 2.0 * self.m.channels[c].wait_tolerance;
            self.schedule(at, Kind::Ignored { slot, generation });
        }
    }

    /// A written contact still unanswered after twice its tolerance: a chance the customer
    /// leaves while it waits (it stays in the backlog).
    fn ignored(&mut self, slot: usize, generation: u32) {
        let s = &self.slab[slot];
        if s.generation != generation || s.state != State::Waiting {
            return;
        }
        let contact = s.contact;
        self.maybe_churn(
            &contact,
            BadExperience {
                ignored: true,
                ..BadExperience::default()
            },
        );
    }

    /// An idle eligible agent (idle longest), or for chat one with a free slot (fewest chats).
    fn find_agent(&mut self, q: usize, c: usize) -> Option<usize> {
        let mut best: Option<(f64, usize, u32)> = None;
        for gi in 0..self.eligible_groups[q].len() {
            let g = self.eligible_groups[q][gi] as usize;
            while let Some(&(a, stamp)) = self.idle[g].front() {
                let ag = &self.agents[a as usize];
                if ag.idle_stamp == stamp
                    && ag.load == 0
                    && ag.presence == Presence::Floor
                    && !ag.leaving
                    && !ag.break_due
                {
                    if best.is_none_or(|(since, _, _)| ag.idle_since < since) {
                        best = Some((ag.idle_since, g, a));
                    }
                    break;
                }
                self.idle[g].pop_front();
            }
        }
        if let Some((_, g, a)) = best {
            self.idle[g].pop_front();
            return Some(a as usize);
        }
        if self.m.channels[c].kind != ChannelKind::Chat {
            return None;
        }
        let mut best: Option<(u32, f64, usize)> = None;
        for &g in &self.eligible_groups[q] {
            let conc = self.m.groups[g as usize].concurrency;
            for &a in &self.group_agents[g as usize] {
                let ag = &self.agents[a as usize];
                if ag.presence == Presence::Floor
                    && ag.chats
                    && ag.load > 0
                    && ag.load < conc
                    && !ag.leaving
                    && !ag.break_due
                    && best.is_none_or(|(l, s, _)| (ag.load, ag.idle_since) < (l, s))
                {
                    best = Some((ag.load, ag.idle_since, a as usize));
                }
            }
        }
        best.map(|b| b.2)
    }

    fn assign(&mut self, a: usize, contact: Contact) {
        let now = self.now;
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let g = self.agents[a].group as usize;
        let ch = &self.m.channels[c];
        let chat = ch.kind == ChannelKind::Chat;
        let conc = self.m.groups[g].concurrency.max(1);
        let mut handle = contact.handle * self.slowness[g * self.nt + t];
        self.account(g);
        if chat {
            handle *= 1.0 + ch.concurrency_stretch * f64::from(self.agents[a].load);
            self.agents[a].load += 1;
            self.agents[a].chats = true;
            self.group_busy[g] += 1.0 / f64::from(conc);
        } else {
            self.agents[a].load = conc;
            self.agents[a].chats = false;
            self.group_busy[g] += 1.0;
        }
        let wrap = ch
            .after_call
            .as_ref()
            .map_or(0.0, |d| d.sample(&mut contact.key.rng(Purpose::AfterCall)));
        self.schedule(
            now + handle + wrap,
            Kind::Done {
                agent: a as u32,
                chat,
            },
        );

        let wait = now - contact.arrival;
        if wait < self.r.min_wait {
            self.r.min_wait = wait;
        }
        let outcome = if contact.touch == 0 {
            ContactOutcome::Answered
        } else {
            ContactOutcome::FollowUp
        };
        self.log(&contact, outcome, wait, Some((a, handle)));
        let end = now + handle;
        // A ticket needing more touches is decided (resolution, satisfaction, repeats) at its
        // last one, and until then is open.
        let (another, d) = if self.multi_touch {
            self.touch_decision(&contact, g, wait)
        } else {
            (false, self.decide(&contact, g, wait))
        };
        // A contact passed to tier 2 is still open; it ends at tier 2.
        if !another && !d.transferred {
            self.r.conservation.answered += 1;
            self.r.conservation.unresolved += u64::from(!d.resolved);
        }
        if self.multi_touch && contact.touch > 0 {
            self.later_touch(&contact, g, &d, wait, handle, end, another);
            return;
        }
        // The second-tier leg of a contact counts for its agent group and for the customer's
        // experience, but not again as an offered contact of its channel.
        let second_leg = contact.key.tier > 0;
        let at = contact.counted_at;
        if self.counted(at) && second_leg {
            self.count_leg(&contact, g, wait, handle, Some((&d, end, false)));
        } else if self.counted(at) {
            let within = wait <= ch.answer_within;
            let i = self.interval_of(at);
            let resolution_time = if d.resolved {
                end - contact.origin
            } else {
                0.0
            };
            let interval = match self.r.channel_intervals.get_mut(i) {
                Some(row) => &mut row[c].tally,
                None => &mut self.scratch,
            };
            for tally in [
                &mut self.r.channels[c],
                &mut self.r.topics[t],
                &mut self.r.group_tally[g],
                interval,
            ] {
                tally.answered += 1;
                tally.within += u64::from(within);
                tally.delayed += u64::from(wait > 0.0);
                tally.wait_answered += wait;
                tally.handle += handle;
                d.count_tier1(tally, resolution_time);
            }
            self.channel_frt[c].record(wait);
            self.topic_frt[t].record(wait);
        }
        if !second_leg && now >= self.warmup {
            self.interval_frt[c].record(wait);
        }
        if another {
            self.next_touch(&contact, wait, end);
        } else {
            self.follow_up(&contact, &d, end);
        }
    }

    /// For a channel whose tickets may take several touches: whether another follows this one,
    /// and the decision (made at the last touch, on the wait for the first answer).
    #[inline(never)]
    fn touch_decision(&self, contact: &Contact, g: usize, wait: f64) -> (bool, Decision) {
        if self.another_touch(contact) {
            let pending = Decision {
                first: false,
                resolved: false,
                transferred: false,
                satisfaction: None,
            };
            return (true, pending);
        }
        let frt = if contact.touch == 0 {
            wait
        } else {
            f64::from(contact.frt)
        };
        (false, self.decide(contact, g, frt))
    }

    /// Whether the ticket just answered needs another agent touch (async tier-1 tickets of a
    /// channel with `touches` above 1: another with probability 1 − 1/touches, so that the
    /// number of touches is geometric with that mean).
    fn another_touch(&self, contact: &Contact) -> bool {
        let ch = &self.m.channels[contact.channel as usize];
        ch.touches > 1.0
            && ch.kind == ChannelKind::Async
            && contact.key.tier == 0
            && contact.touch < 1000
            && contact.key.touch(contact.touch).unit(Purpose::Touch) < 1.0 - 1.0 / ch.touches
    }

    /// The ticket goes back to the customer, who replies after their reply delay; the reply
    /// joins the backlog for the next touch.
    #[inline(never)]
    fn next_touch(&mut self, contact: &Contact, wait: f64, end: f64) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let ch = &self.m.channels[c];
        let key = contact.key.touch(contact.touch + 1);
        let delay = ch
            .reply_delay
            .as_ref()
            .map_or(0.0, |d| d.sample(&mut key.rng(Purpose::ReplyDelay)));
        let mut rng = key.rng(Purpose::FollowUpHandle);
        let handle = match &ch.follow_up_handle {
            Some(dist) => dist.sample(&mut rng) * self.m.topics[t].handle_time_factor,
            None => attributes(self.m, c, t, &mut rng).0,
        };
        let next = Contact {
            handle,
            touch: contact.touch + 1,
            frt: if contact.touch == 0 {
                wait as f32
            } else {
                contact.frt
            },
            ..*contact
        };
        let slot = self.store(next, State::Passing);
        self.schedule(end + delay, Kind::Enter { slot });
    }

    /// Counts a leg that is not a first answer (a tier-2 leg, a ticket's later touch): agent
    /// work for group `g`, and when `decided` — (decision, end of the leg, whether it is a
    /// tier-1 decision) — the outcome in the tallies of its channel, topic, arrival
    /// interval and group.
    #[inline(always)]
    fn count_leg(
        &mut self,
        contact: &Contact,
        g: usize,
        wait: f64,
        handle: f64,
        decided: Option<(&Decision, f64, bool)>,
    ) {
        let gt = &mut self.r.group_tally[g];
        gt.answered += 1;
        gt.wait_answered += wait;
        gt.handle += handle;
        let Some((d, end, tier1)) = decided else {
            return;
        };
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let resolution_time = if d.resolved {
            end - contact.origin
        } else {
            0.0
        };
        let i = self.interval_of(contact.counted_at);
        let interval = match self.r.channel_intervals.get_mut(i) {
            Some(row) => &mut row[c].tally,
            None => &mut self.scratch,
        };
        for tally in [
            &mut self.r.channels[c],
            &mut self.r.topics[t],
            interval,
            &mut self.r.group_tally[g],
        ] {
            if tier1 {
                d.count_tier1(tally, resolution_time);
            } else {
                d.count(tally, resolution_time);
            }
        }
    }

    /// A later touch of a ticket: agent work for the group; at the last touch, the ticket's
    /// resolution and the customer's experience, counted where its first answer was.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn later_touch(
        &mut self,
        contact: &Contact,
        g: usize,
        d: &Decision,
        wait: f64,
        handle: f64,
        end: f64,
        another: bool,
    ) {
        if self.counted(contact.counted_at) {
            let decided = (!another).then_some((d, end, true));
            self.count_leg(contact, g, wait, handle, decided);
        }
        if another {
            self.next_touch(contact, wait, end);
        } else {
            let mut last = *contact;
            // A transfer to tier 2 starts a fresh leg there.
            last.touch = 0;
            self.follow_up(&last, d, end);
        }
    }

    /// What the contact answered by group `g` leads to, decided from the customer's own
    /// draws: resolution, a transfer to tier 2, satisfaction.
    // Inlined into `assign`, where most of its work folds away for simple scenarios (measured:
    // 2% fewer instructions on the benchmark than as a call, by callgrind).
    #[inline(always)]
    fn decide(&self, contact: &Contact, g: usize, wait: f64) -> Decision {
        let t = contact.topic as usize;
        let topic = &self.m.topics[t];
        let first = contact.key.attempt == 0 && contact.key.tier == 0;
        let resolved = match topic.fcr {
            Some(fcr) => {
                let proficiency = 1.0 / self.slowness[g * self.nt + t];
                contact.key.unit(Purpose::Resolve) < (fcr * proficiency).min(1.0)
            }
            None => true,
        };
        let transferred = !resolved
            && contact.key.tier == 0
            && topic.escalation > 0.0
            && contact.key.unit(Purpose::Escalate) < topic.escalation;
        // A transferred contact's experience is decided at tier 2.
        let measured = self.m.csat.survey_response > 0.0 || self.m.customers.is_some();
        let satisfaction = if measured && !transferred {
            Some(self.satisfaction(
                contact,
                &Outcome {
                    wait,
                    tolerance: self.m.channels[contact.channel as usize].wait_tolerance,
                    resolved,
                    failed_bot: contact.failed_bot,
                    attempt: contact.key.attempt,
                    contained: false,
                },
            ))
        } else {
            None
        };
        Decision {
            first,
            resolved,
            transferred,
            satisfaction,
        }
    }

    /// Transfers, churn and repeats that follow an answered contact ending at `end`.
    #[inline(always)]
    fn follow_up(&mut self, contact: &Contact, d: &Decision, end: f64) {
        if d.transferred {
            let mut next = *contact;
            next.key.tier = 1;
            let slot = self.store(next, State::Passing);
            self.schedule(end, Kind::Enter { slot });
            return;
        }
        let dissatisfied = d.satisfaction.is_some_and(|s| !s.satisfied);
        if d.resolved {
            if dissatisfied {
                self.maybe_churn(
                    contact,
                    BadExperience {
                        dissatisfied: true,
                        ..BadExperience::default()
                    },
                );
            }
            return;
        }
        let bad = BadExperience {
            dissatisfied,
            unresolved: true,
            ..BadExperience::default()
        };
        if !self.maybe_churn(contact, bad) {
            self.maybe_return(contact, end, Return::Unresolved);
        }
    }

    /// Draws satisfaction and the survey answer.
    fn satisfaction(&self, contact: &Contact, outcome: &Outcome) -> Sat {
        let p = self.m.csat.p_satisfied(outcome);
        Sat {
            p,
            satisfied: contact.key.unit(Purpose::Satisfy) < p,
            surveyed: contact.key.unit(Purpose::Survey) < self.m.csat.survey_response,
        }
    }

    /// Records a satisfaction draw of a contact no agent answered (contained by the bot).
    fn record_satisfaction(&mut self, contact: &Contact, sat: Sat) {
        self.tally(
            contact.channel as usize,
            contact.topic as usize,
            contact.counted_at,
            |x| {
                x.served += 1;
                x.p_satisfied += sat.p;
                x.surveys += u64::from(sat.surveyed);
                x.satisfied += u64::from(sat.surveyed && sat.satisfied);
            },
        );
    }

    /// Draws whether a bad experience makes the customer leave; returns true if it does.
    fn maybe_churn(&mut self, contact: &Contact, bad: BadExperience) -> bool {
        let Some(customers) = &self.m.customers else {
            return false;
        };
        let p = customers.churn.p_churn(&bad);
        if contact.key.unit(Purpose::Churn) >= p {
            return false;
        }
        let (revenue, lifetime) = (customers.revenue_per_month, customers.lifetime_months);
        self.active = (self.active - 1.0).max(0.0);
        let now = self.now;
        if self.counted(now) {
            let horizon = self.horizon;
            if let Some(stats) = &mut self.r.customers {
                stats.churned += 1;
                stats.revenue_lost += revenue * (horizon - now) / MONTH;
                stats.lifetime_value_lost += revenue * lifetime;
            }
        }
        self.tally(
            contact.channel as usize,
            contact.topic as usize,
            contact.counted_at,
            |x| x.churned += 1,
        );
        true
    }

    /// Schedules the customer's next contact about the same issue, if they come back:
    /// after no resolution (`retry` false) or after abandoning or a busy signal (`retry` true).
    fn maybe_return(&mut self, contact: &Contact, from: f64, why: Return) {
        let retry = why == Return::Retry;
        let res = &self.m.resolution;
        let share = if retry {
            res.retry_share
        } else {
            res.repeat_share
        };
        if share <= 0.0
            || contact.key.attempt + 1 >= res.max_attempts
            || contact.key.unit(Purpose::Return) >= share
        {
            return;
        }
        let c = contact.channel as usize;
        let delay = if retry {
            &res.retry_delay
        } else {
            &res.repeat_delay
        };
        let next_c = if retry {
            c
        } else {
            let u = contact.key.unit(Purpose::ReturnChannel);
            let cdf = &self.repeat_cdf[c];
            cdf.iter().position(|&p| u < p).unwrap_or(c)
        };
        // Customers come back when the channel takes contacts (its intraday and weekday
        // profile), not at 3 a.m. on a line that is closed.
        let when = self.next_open(
            next_c,
            from + delay.sample(&mut contact.key.rng(Purpose::ReturnDelay)),
            contact.key.unit(Purpose::ReturnTime),
        );
        let key = DrawKey {
            seed: contact.key.seed,
            attempt: contact.key.attempt + 1,
            tier: 0,
        };
        let mut rng = key.rng(Purpose::Attributes);
        let (handle, patience) = attributes(self.m, next_c, contact.topic as usize, &mut rng);
        let sources = &mut self.r.conservation;
        match why {
            Return::Unresolved => sources.repeats_after_unresolved += 1,
            Return::FalselyContained => sources.repeats_after_false_containment += 1,
            Return::Retry => sources.retries += 1,
        }
        let next = Contact {
            arrival: when,
            origin: contact.origin,
            counted_at: when,
            handle,
            patience,
            channel: next_c as u32,
            topic: contact.topic,
            key,
            failed_bot: false,
            touch: 0,
            frt: 0.0,
        };
        self.r.conservation.repeats_scheduled += 1;
        let slot = self.store(next, State::Returning);
        self.schedule(when, Kind::Return { slot });
    }

    /// When a customer who meant to come back at `t` reaches channel `c`: `t` itself if the
    /// channel takes contacts then; otherwise a time drawn from the channel's intraday profile
    /// on its next open day (`u` uniform in [0, 1)), so returns spread over the open hours
    /// instead of piling up at opening time. A channel closed all week is taken as it is.
    fn next_open(&self, c: usize, t: f64, u: f64) -> f64 {
        let g = &self.arrivals[c];
        let n = g.base[0].len();
        let weekday = |day: usize| (self.m.demand.start_weekday + day) % 7;
        let open_day = |day: usize| self.m.demand.weekday[weekday(day)] > 0.0;
        let t = t.max(0.0);
        let day = (t / DAY) as usize;
        let slot = ((t - day as f64 * DAY) / g.slot_len) as usize;
        if open_day(day) && g.base[weekday(day)][slot.min(n - 1)] > 0.0 {
            return t;
        }
        for d in day..day + 8 {
            if !open_day(d) {
                continue;
            }
            let base = &g.base[weekday(d)];
            // Open slots of day d, after t on t's own day.
            let from = if d == day { slot + 1 } else { 0 };
            let total: f64 = base[from.min(n)..].iter().sum();
            if total <= 0.0 {
                continue;
            }
            let mut target = u * total;
            for (k, w) in base.iter().enumerate().skip(from) {
                if target < *w {
                    let within = if *w > 0.0 { target / w } else { 0.0 };
                    return d as f64 * DAY + (k as f64 + within) * g.slot_len;
                }
                target -= w;
            }
        }
        t
    }

    /// A contact that abandoned or was blocked: the customer may leave, or try again.
    fn unserved(&mut self, contact: &Contact) {
        if !self.maybe_churn(
            contact,
            BadExperience {
                abandoned: true,
                ..BadExperience::default()
            },
        ) {
            self.maybe_return(contact, self.now, Return::Retry);
        }
    }

    fn abandon(&mut self, slot: usize, generation: u32) {
        let s = &mut self.slab[slot];
        if s.generation != generation || s.state != State::Waiting {
            return;
        }
        // The slot stays in its queue until it reaches the head, where it is dropped (or, for a
        // chat that still costs agent time, opened).
        let contact = s.contact;
        s.state = if self.m.channels[contact.channel as usize]
            .abandoned_work
            .is_some()
        {
            State::Ghost
        } else {
            State::Gone
        };
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        self.channel_waiting[c] -= 1;
        self.r.conservation.abandoned += 1;
        let wait = self.now - contact.arrival;
        self.log(&contact, ContactOutcome::Abandoned, wait, None);
        if contact.key.tier == 0 {
            self.tally(c, t, contact.counted_at, |x| {
                x.abandoned += 1;
                x.delayed += 1;
                x.wait_abandoned += wait;
            });
        }
        self.unserved(&contact);
    }

    /// The most urgent waiting contact agent `a` may take: lowest priority number first, then
    /// the largest wait ÷ answer target. Chats only when the agent already holds chats.
    fn pick(&mut self, a: usize) -> Option<(Contact, bool)> {
        let g = self.agents[a].group as usize;
        let only_chat = self.agents[a].load > 0;
        let mut best: Option<(u32, f64, usize)> = None;
        for k in 0..self.group_queues[g].len() {
            let (q, prio, inv_target, is_chat) = self.group_queues[g][k];
            if only_chat && !is_chat {
                continue;
            }
            let q = q as usize;
            let Some(s) = self.head(q) else { continue };
            let urgency = (self.now - self.slab[s as usize].contact.arrival) * inv_target;
            if best.is_none_or(|(p, u, _)| prio < p || (prio == p && urgency > u)) {
                best = Some((prio, urgency, q));
            }
        }
        let (_, _, q) = best?;
        let s = self.queues[q].pop_front()?;
        let contact = self.slab[s as usize].contact;
        let ghost = self.slab[s as usize].state == State::Ghost;
        if !ghost {
            self.channel_waiting[contact.channel as usize] -= 1;
        }
        self.release_slot(s);
        Some((contact, ghost))
    }

    /// The first contact still waiting in queue `q`, dropping those that left from its head.
    fn head(&mut self, q: usize) -> Option<u32> {
        while let Some(&s) = self.queues[q].front() {
            let slot = &self.slab[s as usize];
            if matches!(slot.state, State::Waiting | State::Ghost) {
                return Some(s);
            }
            self.queues[q].pop_front();
            if slot.state == State::Gone {
                self.release_slot(s);
            }
        }
        None
    }

    /// Gives agent `a` work until it is full or nothing eligible waits; marks it idle if empty.
    fn fill(&mut self, a: usize) {
        let g = self.agents[a].group as usize;
        let conc = self.m.groups[g].concurrency.max(1);
        loop {
            let ag = &self.agents[a];
            if ag.presence != Presence::Floor || ag.leaving || ag.break_due {
                return;
            }
            if ag.load > 0 && (!ag.chats || ag.load >= conc) {
                return;
            }
            match self.pick(a) {
                Some((contact, false)) => self.assign(a, contact),
                Some((contact, true)) => self.open_abandoned(a, &contact),
                None => break,
            }
        }
        if self.agents[a].load == 0 {
            self.make_idle(a);
        }
    }

    /// Agent `a` opens a chat whose customer has gone: busy for the channel's abandoned work,
    /// holding it like a chat; nothing else is counted (the chat counted as abandoned).
    #[cold]
    fn open_abandoned(&mut self, a: usize, contact: &Contact) {
        let c = contact.channel as usize;
        let g = self.agents[a].group as usize;
        let conc = self.m.groups[g].concurrency.max(1);
        let work = self.m.channels[c].abandoned_work.as_ref().map_or(0.0, |d| {
            d.sample(&mut contact.key.rng(Purpose::AbandonedWork))
        });
        self.account(g);
        self.agents[a].load += 1;
        self.agents[a].chats = true;
        self.group_busy[g] += 1.0 / f64::from(conc);
        self.schedule(
            self.now + work,
            Kind::Done {
                agent: a as u32,
                chat: true,
            },
        );
    }

    fn make_idle(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        ag.idle_since = self.now;
        ag.idle_stamp = ag.idle_stamp.wrapping_add(1);
        let g = ag.group as usize;
        self.idle[g].push_back((a as u32, ag.idle_stamp));
    }

    fn done(&mut self, a: usize, chat: bool) {
        let g = self.agents[a].group as usize;
        let conc = self.m.groups[g].concurrency.max(1);
        self.account(g);
        if chat {
            self.agents[a].load -= 1;
            self.group_busy[g] -= 1.0 / f64::from(conc);
        } else {
            self.agents[a].load = 0;
            self.group_busy[g] -= 1.0;
        }
        // Thirds of an agent do not add up exactly in floating point: an idle group is exactly
        // idle rather than busy −10⁻¹⁷ (the smallest true level is 1 ÷ concurrency).
        if self.group_busy[g] < 1e-9 {
            self.group_busy[g] = 0.0;
        }
        if self.agents[a].load == 0 {
            self.agents[a].chats = false;
            if self.agents[a].leaving {
                self.agents[a].leaving = false;
                self.set_presence(a, Presence::Off);
                return;
            }
            if self.agents[a].break_due {
                self.agents[a].break_due = false;
                self.set_presence(a, Presence::Away);
                return;
            }
        }
        self.fill(a);
    }

    // ---- staffing --------------------------------------------------------------------------

    /// Integrates a group's on-floor and busy agent time up to now, per interval.
    fn account(&mut self, g: usize) {
        let start = self.group_last[g].max(self.warmup);
        let end = self.now.min(self.horizon);
        self.group_last[g] = self.now;
        if end <= start {
            return;
        }
        let (floor, busy, sched) = (
            self.group_on_floor[g],
            self.group_busy[g],
            self.group_sched[g],
        );
        if floor == 0.0 && busy == 0.0 && sched == 0.0 {
            return;
        }
        let tot = &mut self.r.groups[g];
        tot.available += floor * (end - start);
        tot.busy += busy * (end - start);
        tot.scheduled += sched * (end - start);
        let len = self.m.interval;
        let mut t = start;
        while t < end {
            let i = ((t - self.warmup) / len) as usize;
            let Some(row) = self.r.group_intervals.get_mut(i) else {
                break;
            };
            let stop = (self.warmup + (i as f64 + 1.0) * len).min(end);
            let dt = stop - t;
            if dt <= 0.0 {
                break;
            }
            row[g].available += floor * dt;
            row[g].busy += busy * dt;
            row[g].scheduled += sched * dt;
            t = stop;
        }
    }

    fn set_presence(&mut self, a: usize, to: Presence) {
        let from = self.agents[a].presence;
        if from == to {
            return;
        }
        let g = self.agents[a].group as usize;
        self.account(g);
        if from == Presence::Floor {
            self.group_on_floor[g] -= 1.0;
        }
        if to == Presence::Floor {
            self.group_on_floor[g] += 1.0;
        }
        if from == Presence::Off {
            self.group_sched[g] += 1.0;
        }
        if to == Presence::Off {
            self.group_sched[g] -= 1.0;
        }
        self.agents[a].presence = to;
    }

    /// Churn unrelated to service and new customers, once a day from the customers stream.
    fn customer_flows(&mut self) {
        let Some(c) = &self.m.customers else { return };
        let p_day = 1.0 - (1.0 - c.baseline_churn_per_month).powf(1.0 / MONTH_DAYS);
        let leave = match Binomial::new(self.active.max(0.0).round() as u64, p_day.clamp(0.0, 1.0))
        {
            Ok(b) => b.sample(&mut self.base_rng) as f64,
            Err(_) => 0.0,
        };
        let mean_new = c.acquisitions_per_month / MONTH_DAYS;
        let join = if mean_new > 0.0 {
            Poisson::new(mean_new).map_or(0.0, |p| p.sample(&mut self.base_rng))
        } else {
            0.0
        };
        self.active = (self.active - leave + join).max(0.0);
        let counted = self.counted(self.now);
        if let Some(stats) = &mut self.r.customers {
            if self.now == self.warmup {
                stats.active_start = self.active;
            }
            if counted {
                stats.churned_baseline += leave as u64;
                stats.acquired += join as u64;
            }
        }
    }

    fn day_start(&mut self, day: u32) {
        if day > 0 {
            self.customer_flows();
        }
        let d0 = f64::from(day) * DAY;
        let weekday = (self.m.demand.start_weekday + day as usize) % 7;
        let yesterday = (weekday + 6) % 7;
        for a in 0..self.agents.len() {
            let g = &self.m.groups[self.agents[a].group as usize];
            let (planned, absence) = (g.planned_shrinkage, g.absence);
            let block = match self.agents[a].shift {
                None => {
                    if day == 0 {
                        self.set_presence(a, Presence::Floor);
                        self.make_idle(a);
                    }
                    Some((d0, d0 + DAY))
                }
                Some(si) => {
                    let s = &g.shifts[si as usize];
                    let (start, end, days) = (s.start, s.end, s.days);
                    if day == 0 && days[yesterday] && end > DAY {
                        // The night shift that began before the horizon.
                        self.schedule(
                            0.0,
                            Kind::ShiftStart {
                                agent: a as u32,
                                absent: false,
                            },
                        );
                        self.schedule(end - DAY, Kind::ShiftEnd { agent: a as u32 });
                    }
                    if days[weekday] {
                        Some((d0 + start, d0 + end))
                    } else {
                        None
                    }
                }
            };
            let Some((from, to)) = block else { continue };
            // Shrinkage draws come from the operation's own stream.
            let key = DrawKey {
                seed: self.staffing_seed ^ self.agents[a].key,
                attempt: day,
                tier: 0,
            };
            let absent = absence > 0.0 && key.unit(Purpose::Absence) < absence;
            let is_shift = self.agents[a].shift.is_some();
            if is_shift {
                self.schedule(
                    from,
                    Kind::ShiftStart {
                        agent: a as u32,
                        absent,
                    },
                );
                self.schedule(to, Kind::ShiftEnd { agent: a as u32 });
            } else if absent {
                self.schedule(from, Kind::BreakStart { agent: a as u32 });
                self.schedule(to, Kind::BreakEnd { agent: a as u32 });
            }
            if absent {
                continue;
            }
            if planned > 0.0 {
                let len = (to - from) * planned;
                let u = key.unit(Purpose::BreakTime);
                let start = from + u * (to - from - len);
                self.schedule(start, Kind::BreakStart { agent: a as u32 });
                self.schedule(start + len, Kind::BreakEnd { agent: a as u32 });
            }
        }
    }

    fn shift_start(&mut self, a: usize, absent: bool) {
        let ag = &mut self.agents[a];
        ag.leaving = false;
        if ag.presence == Presence::Off {
            if absent {
                self.set_presence(a, Presence::Away);
            } else {
                self.set_presence(a, Presence::Floor);
                self.fill(a);
            }
        }
    }

    fn shift_end(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        ag.break_due = false;
        match ag.presence {
            Presence::Floor if ag.load > 0 => ag.leaving = true,
            _ => self.set_presence(a, Presence::Off),
        }
    }

    fn break_start(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        if ag.presence != Presence::Floor || ag.leaving {
            return;
        }
        if ag.load > 0 {
            ag.break_due = true;
        } else {
            self.set_presence(a, Presence::Away);
        }
    }

    fn break_end(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        ag.break_due = false;
        if ag.presence == Presence::Away {
            self.set_presence(a, Presence::Floor);
            self.fill(a);
        }
    }

    fn interval_end(&mut self, i: usize) {
        self.schedule_interval_end(i + 1);
        for c in 0..self.nc {
            let mut oldest = f64::INFINITY;
            for tier in 0..2 {
                for t in 0..self.nt {
                    let q = (tier * self.nc + c) * self.nt + t;
                    if let Some(s) = self.head(q) {
                        oldest = oldest.min(self.slab[s as usize].contact.arrival);
                    }
                }
            }
            let n = self.channel_waiting[c];
            let age = if oldest.is_finite() {
                self.now - oldest
            } else {
                0.0
            };
            let h = &mut self.interval_frt[c];
            let (p50, p90) = (
                h.quantile(0.5).unwrap_or(f64::NAN),
                h.quantile(0.9).unwrap_or(f64::NAN),
            );
            h.clear();
            if let Some(row) = self.r.channel_intervals.get_mut(i) {
                row[c].queue_end = n;
                row[c].oldest_end = age;
                row[c].frt_p50 = p50;
                row[c].frt_p90 = p90;
            }
            self.r.queue_max[c] = self.r.queue_max[c].max(n);
            self.r.queue_sum[c] += f64::from(n);
            self.r.oldest_max[c] = self.r.oldest_max[c].max(age);
        }
        if let Some(x) = self.r.active_customers.get_mut(i) {
            *x = self.active;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_contact_stays_small() {
        // Contacts are copied on every queue move and held while they wait.
        assert!(std::mem::size_of::<super::Contact>() <= 72);
    }
}
