//! The discrete-event engine: one replication of a [`Model`].
//!
//! Events sit in a binary heap ordered by time, then by insertion sequence, so that equal
//! times are handled first-in first-out and a run is deterministic. Cancelled events (an
//! abandonment of a contact already answered) are dropped lazily when they reach the top.
//! Contacts live in a slab only while they wait; nothing is kept about a contact once it is
//! answered, abandoned or blocked, so memory does not grow with the horizon.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::RngExt;
use rand_distr::{Distribution, Exp1, Gamma};

use crate::duration::DAY;
use crate::metrics::{ChannelInterval, Conservation, Histogram, RepResult, Staffing, Tally};
use crate::model::{ChannelKind, Model};
use crate::rng::{self, Rng, Stream};

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Next arrival on a channel.
    Arrival {
        channel: u32,
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

struct Waiting {
    arrival: f64,
    handle: f64,
    channel: u32,
    topic: u32,
    generation: u32,
    waiting: bool,
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
}

struct ArrivalGen {
    /// Rate per second per slot of the day, before weekday and day factors.
    base: Vec<f64>,
    slot_len: f64,
    slot: u64,
    slot_end: f64,
    rate: f64,
    t: f64,
}

/// Runs replication `rep` of `model`.
pub fn simulate(model: &Model, rep: u32) -> RepResult {
    Engine::new(model, rep).run()
}

struct Engine<'m> {
    m: &'m Model,
    now: f64,
    seq: u64,
    heap: BinaryHeap<Event>,
    events: u64,
    horizon: f64,
    warmup: f64,
    nt: usize,
    // random streams
    arrival_rng: Vec<Rng>,
    customer_rng: Vec<Rng>,
    staffing_rng: Rng,
    day_factor: Vec<f64>,
    arrivals: Vec<ArrivalGen>,
    /// Cumulative P(topic | channel), per channel.
    topic_cdf: Vec<Vec<f64>>,
    // contacts and queues
    slab: Vec<Waiting>,
    free: Vec<u32>,
    queues: Vec<VecDeque<u32>>,
    channel_waiting: Vec<u32>,
    // agents
    agents: Vec<Agent>,
    group_agents: Vec<Vec<u32>>,
    idle: Vec<VecDeque<(u32, u32)>>,
    /// Eligible groups per (channel, topic).
    eligible_groups: Vec<Vec<u32>>,
    /// Eligible queues per group, as (queue index, priority, 1 / answer_within, is_chat).
    group_queues: Vec<Vec<(u32, u32, f64, bool)>>,
    /// Handle-time multiplier (1 / proficiency) per (group, topic).
    slowness: Vec<f64>,
    group_on_floor: Vec<f64>,
    group_busy: Vec<f64>,
    group_sched: Vec<f64>,
    group_last: Vec<f64>,
    // results
    r: RepResult,
}

impl<'m> Engine<'m> {
    fn new(m: &'m Model, rep: u32) -> Self {
        let nc = m.channels.len();
        let nt = m.topics.len();
        let ng = m.groups.len();
        let ni = m.stat_intervals();
        let horizon = m.horizon();
        let mut day_rng = rng::stream(m.seed, rep, Stream::Days);
        let day_factor = (0..m.days)
            .map(|_| {
                if m.demand.day_cv > 0.0 {
                    let shape = 1.0 / (m.demand.day_cv * m.demand.day_cv);
                    match Gamma::new(shape, 1.0 / shape) {
                        Ok(g) => g.sample(&mut day_rng),
                        Err(_) => 1.0,
                    }
                } else {
                    1.0
                }
            })
            .collect();
        let arrivals = m
            .channels
            .iter()
            .map(|c| {
                let n = c.intraday.len();
                let slot_len = DAY / n as f64;
                ArrivalGen {
                    base: c
                        .intraday
                        .iter()
                        .map(|w| m.demand.per_day * c.share * w / slot_len)
                        .collect(),
                    slot_len,
                    slot: 0,
                    slot_end: 0.0,
                    rate: 0.0,
                    t: 0.0,
                }
            })
            .collect();
        let topic_cdf = (0..nc)
            .map(|c| {
                let w: Vec<f64> = m
                    .topics
                    .iter()
                    .map(|t| t.share * t.channel_mix[c])
                    .collect();
                let total: f64 = w.iter().sum();
                let mut acc = 0.0;
                w.iter()
                    .map(|x| {
                        acc += if total > 0.0 { x / total } else { 0.0 };
                        acc
                    })
                    .collect()
            })
            .collect();
        let mut agents = Vec::new();
        let mut group_agents = vec![Vec::new(); ng];
        for (gi, g) in m.groups.iter().enumerate() {
            let mut add = |shift: Option<u32>, agents: &mut Vec<Agent>| {
                group_agents[gi].push(agents.len() as u32);
                agents.push(Agent {
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
                for _ in 0..g.around_the_clock {
                    add(None, &mut agents);
                }
            } else {
                for (si, s) in g.shifts.iter().enumerate() {
                    for _ in 0..s.count {
                        add(Some(si as u32), &mut agents);
                    }
                }
            }
        }
        let mut eligible_groups = vec![Vec::new(); nc * nt];
        let mut group_queues = vec![Vec::new(); ng];
        let mut slowness = vec![1.0; ng * nt];
        for (gi, g) in m.groups.iter().enumerate() {
            for (ci, ch) in m.channels.iter().enumerate() {
                for (ti, t) in m.topics.iter().enumerate() {
                    if g.channels[ci]
                        && let Some(p) = g.proficiency[ti]
                    {
                        eligible_groups[ci * nt + ti].push(gi as u32);
                        group_queues[gi].push((
                            (ci * nt + ti) as u32,
                            t.priority,
                            1.0 / ch.answer_within,
                            ch.kind == ChannelKind::Chat,
                        ));
                        slowness[gi * nt + ti] = 1.0 / p;
                    }
                }
            }
        }
        let r = RepResult {
            channels: vec![Tally::default(); nc],
            channel_frt: vec![Histogram::default(); nc],
            topics: vec![Tally::default(); nt],
            topic_frt: vec![Histogram::default(); nt],
            group_tally: vec![Tally::default(); ng],
            groups: vec![Staffing::default(); ng],
            channel_intervals: vec![vec![ChannelInterval::default(); nc]; ni],
            group_intervals: vec![vec![Staffing::default(); ng]; ni],
            open_end: vec![0; nc],
            queue_max: vec![0; nc],
            oldest_max: vec![0.0; nc],
            conservation: Conservation::default(),
            events: 0,
            min_wait: f64::INFINITY,
        };
        Engine {
            m,
            now: 0.0,
            seq: 0,
            heap: BinaryHeap::with_capacity(agents.len() + 64),
            events: 0,
            horizon,
            warmup: m.warmup_end(),
            nt,
            arrival_rng: (0..nc as u32)
                .map(|c| rng::stream(m.seed, rep, Stream::Arrivals(c)))
                .collect(),
            customer_rng: (0..nc as u32)
                .map(|c| rng::stream(m.seed, rep, Stream::Customers(c)))
                .collect(),
            staffing_rng: rng::stream(m.seed, rep, Stream::Staffing),
            day_factor,
            arrivals,
            topic_cdf,
            slab: Vec::new(),
            free: Vec::new(),
            queues: vec![VecDeque::new(); nc * nt],
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

    fn run(mut self) -> RepResult {
        for d in 0..self.m.days {
            // Day starts are few; scheduling them up front keeps their order fixed.
            self.schedule(f64::from(d) * DAY, Kind::DayStart { day: d });
        }
        for c in 0..self.m.channels.len() {
            self.start_arrivals(c);
        }
        let ni = self.r.channel_intervals.len();
        for i in 0..ni {
            let t = self.warmup + (i as f64 + 1.0) * self.m.interval;
            self.schedule(t.min(self.horizon), Kind::IntervalEnd { index: i as u32 });
        }
        while let Some(ev) = self.heap.pop() {
            if ev.time > self.horizon {
                break;
            }
            self.now = ev.time;
            self.events += 1;
            match ev.kind {
                Kind::Arrival { channel } => self.arrival(channel as usize),
                Kind::Done { agent, chat } => self.done(agent as usize, chat),
                Kind::Abandon { slot, generation } => self.abandon(slot as usize, generation),
                Kind::DayStart { day } => self.day_start(day),
                Kind::ShiftStart { agent, absent } => self.shift_start(agent as usize, absent),
                Kind::ShiftEnd { agent } => self.shift_end(agent as usize),
                Kind::BreakStart { agent } => self.break_start(agent as usize),
                Kind::BreakEnd { agent } => self.break_end(agent as usize),
                Kind::IntervalEnd { index } => self.interval_end(index as usize),
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
        self.r.events = self.events;
        self.r
    }

    // ---- arrivals -------------------------------------------------------------------------

    fn slot_rate(&self, c: usize, slot: u64) -> f64 {
        let g = &self.arrivals[c];
        let per_day = g.base.len() as u64;
        let day = (slot / per_day) as usize;
        let weekday = (self.m.demand.start_weekday + day) % 7;
        let factor = self.day_factor.get(day).copied().unwrap_or(1.0);
        g.base[(slot % per_day) as usize] * self.m.demand.weekday[weekday] * factor
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

    fn arrival(&mut self, c: usize) {
        self.next_arrival(c);
        let now = self.now;
        let ch = &self.m.channels[c];
        // Customer-side draws, always in the same order, whatever happens next.
        let rng = &mut self.customer_rng[c];
        let u: f64 = rng.random();
        let cdf = &self.topic_cdf[c];
        let t = cdf.iter().position(|&p| u < p).unwrap_or(cdf.len() - 1);
        let handle = ch.handle_time.sample(rng) * self.m.topics[t].handle_time_factor;
        let patience = ch
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(rng));

        let counted = now >= self.warmup;
        self.r.conservation.arrived += 1;
        if counted {
            self.r.channels[c].arrived += 1;
            self.r.topics[t].arrived += 1;
            let i = self.interval_of(now);
            self.r.channel_intervals[i][c].tally.arrived += 1;
        }

        if let Some(a) = self.find_agent(c, t) {
            self.assign(a, c, t, now, handle);
            return;
        }
        if let Some(cap) = ch.queue_capacity
            && self.channel_waiting[c] >= cap
        {
            self.r.conservation.blocked += 1;
            if counted {
                let i = self.interval_of(now);
                for tally in [
                    &mut self.r.channels[c],
                    &mut self.r.topics[t],
                    &mut self.r.channel_intervals[i][c].tally,
                ] {
                    tally.blocked += 1;
                    tally.delayed += 1;
                }
            }
            return;
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slab.push(Waiting {
                    arrival: 0.0,
                    handle: 0.0,
                    channel: 0,
                    topic: 0,
                    generation: 0,
                    waiting: false,
                });
                (self.slab.len() - 1) as u32
            }
        };
        let w = &mut self.slab[slot as usize];
        w.arrival = now;
        w.handle = handle;
        w.channel = c as u32;
        w.topic = t as u32;
        w.waiting = true;
        let generation = w.generation;
        self.queues[c * self.nt + t].push_back(slot);
        self.channel_waiting[c] += 1;
        if patience.is_finite() {
            self.schedule(now + patience, Kind::Abandon { slot, generation });
        }
    }

    #[inline]
    fn interval_of(&self, t: f64) -> usize {
        let i = ((t - self.warmup) / self.m.interval) as usize;
        i.min(self.r.channel_intervals.len().saturating_sub(1))
    }

    /// An idle eligible agent (idle longest), or for chat one with a free slot (fewest chats).
    fn find_agent(&mut self, c: usize, t: usize) -> Option<usize> {
        let key = c * self.nt + t;
        let mut best: Option<(f64, usize, u32)> = None;
        for gi in 0..self.eligible_groups[key].len() {
            let g = self.eligible_groups[key][gi] as usize;
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
        for &g in &self.eligible_groups[key] {
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

    fn assign(&mut self, a: usize, c: usize, t: usize, arrival: f64, base_handle: f64) {
        let now = self.now;
        let g = self.agents[a].group as usize;
        let ch = &self.m.channels[c];
        let chat = ch.kind == ChannelKind::Chat;
        let conc = self.m.groups[g].concurrency.max(1);
        let mut handle = base_handle * self.slowness[g * self.nt + t];
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
        self.schedule(
            now + handle,
            Kind::Done {
                agent: a as u32,
                chat,
            },
        );

        let wait = now - arrival;
        self.r.conservation.answered += 1;
        if wait < self.r.min_wait {
            self.r.min_wait = wait;
        }
        if arrival >= self.warmup {
            let within = wait <= ch.answer_within;
            let i = self.interval_of(arrival);
            for tally in [
                &mut self.r.channels[c],
                &mut self.r.topics[t],
                &mut self.r.group_tally[g],
                &mut self.r.channel_intervals[i][c].tally,
            ] {
                tally.answered += 1;
                tally.within += u64::from(within);
                tally.delayed += u64::from(wait > 0.0);
                tally.wait_answered += wait;
                tally.handle += handle;
            }
            self.r.channel_frt[c].record(wait);
            self.r.topic_frt[t].record(wait);
        }
    }

    fn abandon(&mut self, slot: usize, generation: u32) {
        let w = &mut self.slab[slot];
        if w.generation != generation || !w.waiting {
            return;
        }
        w.waiting = false;
        let (c, t, arrival) = (w.channel as usize, w.topic as usize, w.arrival);
        self.channel_waiting[c] -= 1;
        self.r.conservation.abandoned += 1;
        if arrival >= self.warmup {
            let wait = self.now - arrival;
            let i = self.interval_of(arrival);
            for tally in [
                &mut self.r.channels[c],
                &mut self.r.topics[t],
                &mut self.r.channel_intervals[i][c].tally,
            ] {
                tally.abandoned += 1;
                tally.delayed += 1;
                tally.wait_abandoned += wait;
            }
        }
    }

    fn release_slot(&mut self, slot: u32) {
        let w = &mut self.slab[slot as usize];
        w.generation = w.generation.wrapping_add(1);
        w.waiting = false;
        self.free.push(slot);
    }

    /// The most urgent waiting contact agent `a` may take: lowest priority number first, then
    /// the largest wait ÷ answer target. Chats only when the agent already holds chats.
    fn pick(&mut self, a: usize) -> Option<(usize, usize, f64, f64)> {
        let g = self.agents[a].group as usize;
        let only_chat = self.agents[a].load > 0;
        let mut best: Option<(u32, f64, usize)> = None;
        for k in 0..self.group_queues[g].len() {
            let (q, prio, inv_target, is_chat) = self.group_queues[g][k];
            if only_chat && !is_chat {
                continue;
            }
            let q = q as usize;
            // Drop contacts that left the queue (abandoned) from its head.
            while let Some(&s) = self.queues[q].front() {
                if self.slab[s as usize].waiting {
                    break;
                }
                self.queues[q].pop_front();
                self.release_slot(s);
            }
            let Some(&s) = self.queues[q].front() else {
                continue;
            };
            let urgency = (self.now - self.slab[s as usize].arrival) * inv_target;
            if best.is_none_or(|(p, u, _)| prio < p || (prio == p && urgency > u)) {
                best = Some((prio, urgency, q));
            }
        }
        let (_, _, q) = best?;
        let s = self.queues[q].pop_front()?;
        let w = &self.slab[s as usize];
        let out = (w.channel as usize, w.topic as usize, w.arrival, w.handle);
        self.channel_waiting[out.0] -= 1;
        self.release_slot(s);
        Some(out)
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
                Some((c, t, arrival, handle)) => self.assign(a, c, t, arrival, handle),
                None => break,
            }
        }
        if self.agents[a].load == 0 {
            self.make_idle(a);
        }
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

    fn day_start(&mut self, day: u32) {
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
            let absent = absence > 0.0 && self.staffing_rng.random::<f64>() < absence;
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
                let u: f64 = self.staffing_rng.random();
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
        for c in 0..self.m.channels.len() {
            let mut oldest = f64::INFINITY;
            for t in 0..self.nt {
                let q = c * self.nt + t;
                while let Some(&s) = self.queues[q].front() {
                    if self.slab[s as usize].waiting {
                        oldest = oldest.min(self.slab[s as usize].arrival);
                        break;
                    }
                    self.queues[q].pop_front();
                    self.release_slot(s);
                }
            }
            let n = self.channel_waiting[c];
            let age = if oldest.is_finite() {
                self.now - oldest
            } else {
                0.0
            };
            if let Some(row) = self.r.channel_intervals.get_mut(i) {
                row[c].queue_end = n;
                row[c].oldest_end = age;
            }
            self.r.queue_max[c] = self.r.queue_max[c].max(n);
            self.r.oldest_max[c] = self.r.oldest_max[c].max(age);
        }
    }
}
