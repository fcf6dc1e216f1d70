//! The discrete-event engine: one replication of a [`Model`], and many of them in parallel.
//!
//! One room per concern, all sharing one replication's private state (the `Engine`):
//!
//! | module | concern |
//! |---|---|
//! | `event` | events, the agenda, first-in first-out order of equal times |
//! | `arrivals` | who arrives when: the non-homogeneous Poisson process, surges and dips, replayed logs |
//! | `routing` | queues, which groups may take what, offering a contact and picking the next one |
//! | `picks` | drawing the next contact of a queue taken in random order |
//! | `roster` | agents: presence, shifts, breaks, absence, the time they spend on and off the floor |
//! | `journey` | what happens to a customer: bot, answer, touches, resolution, repeats, abandonment, churn |
//! | `observe` | tallies, interval ends and the contact log → the replication's [`RepResult`] |
//!
//! Contacts live in a slab only while they wait; nothing is kept about a contact once it is
//! answered, abandoned or blocked, so memory does not grow with the horizon.

mod arrivals;
mod event;
mod experience;
mod journey;
mod observe;
mod overload;
mod picks;
mod replications;
mod resolution;
mod roster;
mod routing;
mod strain;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use crate::duration::DAY;
use crate::metrics::{Histogram, RepResult, Resolutions, Tally};
use crate::model::{ChannelKind, Model};
use crate::rng::{self, DrawKey, Rng, Stream};

pub use observe::{ContactOutcome, ContactRecord, ContactSink};
pub use overload::Overload;
pub use replications::{RunOptions, Stopped, run_range, run_replications, simulate};

use arrivals::{ArrivalGen, SurgeGen};
use event::{Agenda, Kind};
use roster::Agent;

/// The most contacts one replication may hold open at once (waiting, in a bot, in service or
/// due to come back), about 100–200 bytes each. Only an operation hopelessly short of capacity
/// gets there — real contact centres hold thousands, not millions — and simulating it further
/// would exhaust memory without changing the answer: it cannot keep up.
pub const MAX_LIVE_CONTACTS: usize = 4_000_000;

/// The most agents one replication keeps a record of (every place in every shift row and
/// hiring class; about 140 bytes each with their events and lists, measured at 8 million). The
/// largest contact centres have tens of thousands: a model past this is refused before it
/// runs, not left to exhaust memory on every thread at once.
pub const MAX_AGENTS: u64 = 1_000_000;

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
    topic: u16,
    /// The topic whose queue it waits in: its own, or after a hand-off to another group
    /// (`reassign`), the receiving topic's.
    route: u16,
    key: DrawKey,
    failed_bot: bool,
    /// Agent touches of the ticket so far (0 until its first answer).
    touch: u16,
    /// The wait the customer's satisfaction is judged on, carried, seconds: to a ticket's later
    /// touches, the wait for its first answer; to a chase, the wait on the ticket chased (in
    /// the chase channel's tolerances). 0 otherwise. Single precision keeps a contact at 72
    /// bytes.
    waited: f32,
    /// A repeat or retry on another channel than the customer's previous contact.
    switched: bool,
}

/// A satisfaction draw.
#[derive(Clone, Copy)]
pub(super) struct Sat {
    pub(super) p: f64,
    pub(super) satisfied: bool,
    pub(super) surveyed: bool,
    /// Surveyed and a promoter, surveyed and a detractor.
    pub(super) promoter: bool,
    pub(super) detractor: bool,
}

impl Sat {
    /// Counts the served contact's satisfaction and recommendation in `tally`.
    #[inline(always)]
    pub(super) fn count(&self, tally: &mut Tally) {
        tally.served += 1;
        tally.p_satisfied += self.p;
        tally.surveys += u64::from(self.surveyed);
        tally.satisfied += u64::from(self.surveyed && self.satisfied);
        tally.promoters += u64::from(self.promoter);
        tally.detractors += u64::from(self.detractor);
    }
}

/// The decisions about an answered contact.
pub(super) struct Decision {
    /// A first contact about the issue at tier 1.
    pub(super) first: bool,
    pub(super) resolved: bool,
    /// Passed to tier 2.
    pub(super) transferred: bool,
    /// Satisfaction, when measured.
    pub(super) satisfaction: Option<Sat>,
}

impl Decision {
    /// Counts the resolution (with its time, 0 when unresolved) and the customer's
    /// satisfaction in `tally`.
    #[inline(always)]
    pub(super) fn count(&self, tally: &mut Tally, resolution_time: f64) {
        tally.resolved += u64::from(self.resolved);
        tally.resolution_time += resolution_time;
        if let Some(sat) = self.satisfaction {
            sat.count(tally);
        }
    }

    /// Counts a tier-1 leg's decision: first-contact resolution, a transfer, and [`count`].
    ///
    /// [`count`]: Decision::count
    #[inline(always)]
    pub(super) fn count_tier1(&self, tally: &mut Tally, resolution_time: f64) {
        tally.answered_first += u64::from(self.first);
        tally.resolved_first += u64::from(self.first && self.resolved);
        tally.transferred += u64::from(self.transferred);
        self.count(tally, resolution_time);
    }
}

/// A place in the slab of open contacts.
struct Slot {
    contact: Contact,
    /// Bumped whenever the slot is freed, so that events about its former contact are stale.
    generation: u32,
    state: State,
}

/// One replication in progress: the model, the clock, the agenda and the state of every
/// concern. The child modules add the methods of their concern.
struct Engine<'m> {
    m: &'m Model,
    /// Which replication this is.
    rep: u32,
    /// Where contact legs go as they end, when a log is wanted.
    sink: Option<&'m mut dyn ContactSink>,
    /// The sink's first failure; the run stops at its next check.
    sink_error: Option<std::io::Error>,
    now: f64,
    agenda: Agenda,
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
    /// Whether any topic has a resolution target (`resolve_within`) to count against.
    resolve_targets: bool,
    base_rng: Rng,
    // arrivals
    day_factor: Vec<f64>,
    /// With a forecast's demand: each day's within-day factors per slot (empty otherwise).
    within: Vec<Vec<f64>>,
    arrivals: Vec<ArrivalGen>,
    surge_gens: Vec<SurgeGen>,
    /// Whether some channel's tickets take several touches (a fast path when none does).
    multi_touch: bool,
    /// Whether any topic hands tickets to another group after their first touch.
    reassigning: bool,
    /// Whether some group's new hires come up to speed (`ramp_up`): agents' proficiency then
    /// varies with their time on the floor.
    ramping: bool,
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
    /// Eligible queues per group, as (queue index, channel order and topic priority,
    /// 1 / answer_within, is_chat).
    group_queues: Vec<Vec<(u32, u32, f64, bool)>>,
    /// The order each queue is taken in.
    order: Vec<crate::model::PickOrder>,
    /// Whether each group works a queue not taken oldest first.
    group_newest: Vec<bool>,
    /// The draws of random queue orders, when some channel has one.
    random_picks: Option<Box<picks::RandomPicks>>,
    /// Handle-time multiplier (1 / proficiency) per (group, topic).
    slowness: Vec<f64>,
    group_on_floor: Vec<f64>,
    group_busy: Vec<f64>,
    group_sched: Vec<f64>,
    group_last: Vec<f64>,
    // observation
    /// Waits of the contacts answered in the current interval, per channel.
    interval_frt: Vec<Histogram>,
    /// First-response times per channel and per topic over the statistics window.
    channel_frt: Vec<Histogram>,
    /// Per (topic, kind group): index `topic · 2 + kind group` (see [`Engine::topic_slot`]).
    topic_frt: Vec<Histogram>,
    /// Times to resolution per (channel, topic), index `channel · topics + topic`, over the
    /// issues counted in the statistics window: one record per issue, summed per channel,
    /// topic and kind group at the end.
    res: Vec<Resolutions>,
    /// Kind group of each channel (0 calls and chats, 1 written work).
    kind_of: Vec<usize>,
    /// Reporting intervals in the statistics window.
    ni: usize,
    /// Sequence numbers reserved for interval ends start after this one.
    interval_seq: u64,
    /// Sequence numbers reserved for day starts start after this one.
    day_seq: u64,
    // customers
    active: f64,
    active0: f64,
    /// Burnout's state, when some group has it.
    strain: Option<Box<strain::Strain>>,
    // results
    r: RepResult,
}

impl<'m> Engine<'m> {
    fn new(m: &'m Model, rep: u32, series: bool) -> Self {
        let nc = m.channels.len();
        let nt = m.topics.len();
        let ng = m.groups.len();
        let reassigning = m
            .topics
            .iter()
            .any(|t| t.reassign.as_ref().is_some_and(|r| r.share > 0.0));
        // Without time series, nothing is kept per interval: memory is then independent of the
        // horizon as well as of the number of contacts.
        let ni = if series { m.stat_intervals() } else { 0 };
        let horizon = m.horizon();
        let demand = arrivals::Parts::new(m, rep, horizon);
        let (agents, group_agents) = roster::agents(m);
        let routes = routing::Eligibility::new(m);
        let active0 = m.customers.as_ref().map_or(0.0, |c| c.active);
        let streams = |purpose: fn(u32) -> Stream| -> Vec<Rng> {
            (0..nc as u32)
                .map(|c| rng::stream(m.seed, rep, purpose(c)))
                .collect()
        };
        Engine {
            m,
            rep,
            sink: None,
            sink_error: None,
            now: 0.0,
            agenda: Agenda::with_capacity(agents.len() + 64),
            events: 0,
            horizon,
            warmup: m.warmup_end(),
            nc,
            nt,
            arrival_rng: streams(Stream::Arrivals),
            customer_rng: streams(Stream::Callers),
            experience_rng: streams(Stream::Experience),
            staffing_seed: rng::stream_seed(m.seed, rep, Stream::Staffing),
            resolve_targets: m.topics.iter().any(|t| t.resolve_within.is_some()),
            base_rng: rng::stream(m.seed, rep, Stream::Customers),
            day_factor: demand.day_factor,
            within: demand.within,
            arrivals: demand.arrivals,
            surge_gens: demand.surge_gens,
            multi_touch: m
                .channels
                .iter()
                .any(|c| c.kind == ChannelKind::Async && c.touches > 1.0)
                || reassigning,
            reassigning,
            ramping: m.hires.iter().any(|h| {
                let g = &m.groups[h.group as usize];
                g.ramp_up.is_some() || g.ramp_by_topic.iter().any(Option::is_some)
            }),
            dips: demand.dips,
            topic_cdf: demand.topic_cdf,
            repeat_cdf: demand.repeat_cdf,
            slab: Vec::new(),
            free: Vec::new(),
            queues: vec![VecDeque::new(); routes.eligible_groups.len()],
            channel_waiting: vec![0; nc],
            agents,
            group_agents,
            idle: vec![VecDeque::new(); ng],
            eligible_groups: routes.eligible_groups,
            group_queues: routes.group_queues,
            random_picks: picks::RandomPicks::new(m, rep, &routes.order),
            order: routes.order,
            group_newest: routes.group_newest,
            slowness: routes.slowness,
            group_on_floor: vec![0.0; ng],
            group_busy: vec![0.0; ng],
            group_sched: vec![0.0; ng],
            group_last: vec![0.0; ng],
            interval_frt: vec![Histogram::default(); nc],
            channel_frt: vec![Histogram::default(); nc],
            topic_frt: vec![Histogram::default(); nt * 2],
            res: vec![Resolutions::default(); nc * nt],
            kind_of: m.channels.iter().map(|c| c.kind.group() as usize).collect(),
            ni: m.stat_intervals(),
            interval_seq: 0,
            day_seq: 0,
            active: active0,
            active0,
            strain: None,
            r: observe::empty_result(m, ni, active0),
        }
    }

    /// Schedules `kind` at `time` (after every event already due then).
    #[inline]
    fn schedule(&mut self, time: f64, kind: Kind) {
        self.agenda.schedule(time, kind);
    }

    /// Runs the replication: schedules the days, the arrivals and the first interval end, then
    /// handles events in time order until the horizon.
    fn run(mut self, cancel: Option<&AtomicBool>) -> Result<RepResult, Stopped> {
        // Day starts, like interval ends, are scheduled one at a time, each with the sequence
        // number it would have had if all were scheduled here: a year's days do not deepen the
        // agenda, and equal-time order stays fixed.
        self.day_seq = self.agenda.reserve(u64::from(self.m.days));
        self.strain = self.new_strain();
        self.schedule_day_start(0);
        self.schedule_departures();
        self.start_arrivals();
        // Interval ends are scheduled one at a time (so the agenda does not grow with the
        // horizon), each with the sequence number it would have had if all were scheduled
        // here: equal-time order stays exactly as it was.
        self.interval_seq = self.agenda.reserve(self.ni as u64);
        self.schedule_interval_end(0);
        while let Some(ev) = self.agenda.pop() {
            if ev.time() > self.horizon {
                break;
            }
            self.now = ev.time();
            self.events += 1;
            // Look at the flags now and then: cheap, and prompt enough (well under a second).
            if self.events & 0xFFFF == 0 {
                self.check(cancel)?;
            }
            self.handle(ev.kind);
        }
        self.finish()
    }

    /// Schedules the start of day `day`, if the run has it.
    fn schedule_day_start(&mut self, day: u32) {
        if day < self.m.days {
            let seq = self.day_seq + 1 + u64::from(day);
            self.agenda
                .schedule_reserved(f64::from(day) * DAY, seq, Kind::DayStart { day });
        }
    }

    /// Whether the run must stop: cancelled, overloaded, or its sink failed.
    #[cold]
    fn check(&mut self, cancel: Option<&AtomicBool>) -> Result<(), Stopped> {
        if cancel.is_some_and(|c| c.load(AtomicOrdering::Relaxed)) {
            return Err(Stopped::Cancelled);
        }
        if let Some(e) = self.sink_error.take() {
            return Err(Stopped::Sink(e));
        }
        if self.slab.len() > MAX_LIVE_CONTACTS {
            return Err(Stopped::Overloaded(self.overload()));
        }
        Ok(())
    }

    /// Hands an event to the concern it belongs to.
    #[inline(always)]
    fn handle(&mut self, kind: Kind) {
        match kind {
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
            Kind::DayStart { day } => {
                self.schedule_day_start(day + 1);
                self.day_start(day);
            }
            Kind::ShiftStart { agent, absent } => self.shift_start(agent as usize, absent),
            Kind::ShiftEnd { agent } => self.shift_end(agent as usize),
            Kind::BreakStart { agent } => self.break_start(agent as usize),
            Kind::BreakEnd { agent } => self.break_end(agent as usize),
            Kind::Leave { agent } => self.leave(agent as usize),
            Kind::IntervalEnd { index } => self.interval_end(index as usize),
            Kind::SurgeArrival { index } => self.surge_arrival(index as usize),
        }
    }

    /// What an overloaded replication had open when it stopped.
    #[cold]
    fn overload(&self) -> Overload {
        let busiest = (0..self.nc)
            .max_by_key(|&c| (self.channel_waiting[c], std::cmp::Reverse(c)))
            .unwrap_or(0);
        let count = |state: State| self.slab.iter().filter(|s| s.state == state).count();
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
            written: self
                .m
                .channels
                .get(busiest)
                .is_some_and(|c| c.kind == ChannelKind::Async),
            waiting: self.channel_waiting.get(busiest).copied().unwrap_or(0),
            waiting_all: self.channel_waiting.iter().map(|&w| w as usize).sum(),
            returning: count(State::Returning),
            passing: count(State::Passing),
        }
    }

    /// Keeps a contact in the slab (reusing a free slot) and returns its slot.
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

    /// Frees a slot; events still naming its former contact become stale.
    fn release_slot(&mut self, slot: u32) {
        let s = &mut self.slab[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        s.state = State::Gone;
        self.free.push(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contact log that fails (a full disk) at its eleventh row.
    struct Failing(u32);

    impl ContactSink for Failing {
        fn contact(&mut self, _: &ContactRecord) -> std::io::Result<()> {
            self.0 += 1;
            if self.0 > 10 {
                Err(std::io::Error::other("no space left"))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn a_failing_contact_log_stops_the_replication_and_is_not_written_to_again() {
        let text = "[simulation]\ndays = 2\n[volume]\nper_day = 2000\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"exponential\", mean = \"4m\" }\n[[agents]]\nname = \"a\"\ncount = 8\nchannels = [\"phone\"]\n";
        let m = crate::scenario::parse("t.toml", text, "t")
            .expect("valid")
            .model;
        let mut sink = Failing(0);
        let options = RunOptions {
            sink: Some(&mut sink),
            ..RunOptions::default()
        };
        match simulate(&m, 0, options) {
            Err(Stopped::Sink(e)) => assert_eq!(e.to_string(), "no space left"),
            other => panic!(
                "expected the sink's failure, got {:?}",
                other.map(|r| r.events)
            ),
        }
        assert_eq!(sink.0, 11, "no row is offered after the failure");
    }

    #[test]
    fn a_model_with_more_agents_than_a_run_holds_is_refused_before_it_runs() {
        // As `staff` or a sweep can make one: the scenario itself is refused when read.
        let text = "[simulation]\ndays = 2\n[volume]\nper_day = 2000\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"exponential\", mean = \"4m\" }\n[[agents]]\nname = \"a\"\ncount = 8\nchannels = [\"phone\"]\n";
        let mut m = crate::scenario::parse("t.toml", text, "t")
            .expect("valid")
            .model;
        m.groups[0].around_the_clock = MAX_AGENTS as u32;
        assert!(simulate(&m, 0, RunOptions::default()).is_ok());
        m.groups[0].around_the_clock += 1;
        match simulate(&m, 0, RunOptions::default()) {
            Err(e @ Stopped::TooManyAgents(n)) => {
                assert_eq!(n, MAX_AGENTS + 1);
                assert!(
                    e.to_string().starts_with("1,000,001 agents to simulate"),
                    "{e}"
                );
            }
            other => panic!("expected a refusal, got {:?}", other.map(|r| r.events)),
        }
    }

    #[test]
    fn a_contact_stays_small() {
        // Contacts are copied on every queue move and held while they wait.
        assert!(std::mem::size_of::<super::Contact>() <= 72);
    }
}
