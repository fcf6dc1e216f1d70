//! Observation: what a replication counts and reports. Tallies per channel, topic, group and
//! interval; FRT histograms; backlog samples at interval ends; each contact leg passed to a
//! [`ContactSink`] when a log is wanted; and, at the horizon, the replication's [`RepResult`].

use super::event::Kind;
use super::{Contact, Decision, Engine, Sat, State, Stopped};
use crate::metrics::{
    ChannelInterval, Conservation, CustomerStats, FrtSummary, Histogram, RepResult, Resolutions,
    Staffing, Tally, WorkforceDay,
};
use crate::model::{Model, Waiting};

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
    /// When the customer first contacted about this issue (the same for every touch of a
    /// ticket), seconds from 00:00 of day 0.
    pub origin: f64,
    /// Agent touches of the ticket before this leg (0 for its first answer).
    pub touch: u16,
    /// Whether another touch follows this answered leg (the ticket goes back to the customer).
    pub more_touches: bool,
    /// For a leg still open at the horizon: waiting in a queue (rather than with the customer,
    /// the bot, or on its way to tier 2).
    pub queued: bool,
    /// For an answered tier-1 leg: the ticket's last tier-1 touch left it unresolved and it
    /// goes on to tier 2 (a tier-2 leg follows, with the same origin and attempt).
    pub transferred: bool,
    /// For an answered first touch: the ticket is handed to another group's queue at its end
    /// (`reassign`), not back to the customer.
    pub reassigned: bool,
    /// With `more_touches` and not reassigned: whom the ticket waits on until its next touch
    /// (the customer under `reply_delay`; the state drawn under `pending`).
    pub waits_on: Option<Waiting>,
}

/// Receives every contact leg as it ends (see [`super::RunOptions::sink`]).
pub trait ContactSink {
    /// Called once per leg, in the order legs end. An error stops the replication.
    fn contact(&mut self, record: &ContactRecord) -> std::io::Result<()>;
}

/// A replication's result before anything is counted: `ni` intervals of time series (none
/// when the run keeps no series) and `active0` customers at the start.
pub(super) fn empty_result(m: &Model, ni: usize, active0: f64) -> RepResult {
    let (nc, nt, ng) = (m.channels.len(), m.topics.len(), m.groups.len());
    RepResult {
        leavers: vec![0; ng],
        workforce: if ni > 0 {
            vec![WorkforceDay::default(); m.days as usize * ng]
        } else {
            Vec::new()
        },
        agents_end: vec![0; ng],
        channels: vec![Tally::default(); nc],
        channel_frt: Vec::new(),
        kind_frt: Vec::new(),
        topics: vec![Tally::default(); nt * 2],
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
    }
}

impl Engine<'_> {
    #[inline]
    pub(super) fn counted(&self, t: f64) -> bool {
        t >= self.warmup
    }

    #[inline]
    pub(super) fn interval_of(&self, t: f64) -> usize {
        let i = ((t - self.warmup) / self.m.interval) as usize;
        i.min(self.ni.saturating_sub(1))
    }

    /// Index of topic `t` on channel `c` in the per-(topic, kind group) tallies.
    #[inline]
    pub(super) fn topic_slot(&self, c: usize, t: usize) -> usize {
        t * 2 + self.kind_of[c]
    }

    /// The tally of channel `c` in the interval of `at`, when the run keeps time series.
    #[inline]
    fn interval_tally(&mut self, c: usize, at: f64) -> Option<&mut Tally> {
        if self.r.channel_intervals.is_empty() {
            return None;
        }
        let i = self.interval_of(at);
        self.r
            .channel_intervals
            .get_mut(i)
            .map(|row| &mut row[c].tally)
    }

    /// Applies `add` to the tallies of channel `c`, topic slot `ts` and group `g`, and to the
    /// channel's in the interval of `at` when the run keeps time series.
    #[inline(always)]
    fn count_in(&mut self, c: usize, ts: usize, g: usize, at: f64, add: impl Fn(&mut Tally)) {
        for tally in [
            &mut self.r.channels[c],
            &mut self.r.topics[ts],
            &mut self.r.group_tally[g],
        ] {
            add(tally);
        }
        if let Some(tally) = self.interval_tally(c, at) {
            add(tally);
        }
    }

    /// Applies `f` to the channel, topic and interval tallies of a contact counted at `at`.
    #[inline]
    pub(super) fn tally(&mut self, c: usize, t: usize, at: f64, f: impl Fn(&mut Tally)) {
        if !self.counted(at) {
            return;
        }
        let ts = self.topic_slot(c, t);
        f(&mut self.r.channels[c]);
        f(&mut self.r.topics[ts]);
        if let Some(tally) = self.interval_tally(c, at) {
            f(tally);
        }
    }

    /// Passes a contact leg that ended to the log, if one is kept.
    #[inline]
    pub(super) fn log(
        &mut self,
        contact: &Contact,
        outcome: ContactOutcome,
        wait: f64,
        handled: Option<(usize, f64)>,
    ) {
        if self.sink.is_some() {
            self.log_leg(contact, outcome, wait, handled, false);
        }
    }

    /// [`Self::log`], saying whether a leg open at the horizon waits in a queue (out of line:
    /// only runs that keep a log pay for it).
    #[inline(never)]
    pub(super) fn log_leg(
        &mut self,
        contact: &Contact,
        outcome: ContactOutcome,
        wait: f64,
        handled: Option<(usize, f64)>,
        queued: bool,
    ) {
        if self.sink.is_none() {
            return;
        }
        let more_touches = handled.is_some() && self.multi_touch && self.another_touch(contact);
        let reassigned = more_touches && self.handed_to(contact).is_some();
        let waits_on = (more_touches && !reassigned).then(|| {
            let pending = &self.m.channels[contact.channel as usize].pending;
            self.waits_on(contact)
                .map_or(Waiting::Customer, |i| pending[i].on)
        });
        let agent = handled.map(|(a, _)| &self.agents[a]);
        // The decision is a pure function of the contact's own draws: made again here, it is
        // the one the journey acts on.
        let transferred = match agent {
            Some(a) if !more_touches && contact.key.tier == 0 => {
                let g = a.group as usize;
                let skill = handled.map_or(1.0, |(a, _)| self.skill(a, contact.route));
                let d = if self.multi_touch {
                    self.touch_decision(contact, g, skill, wait).1
                } else {
                    self.decide(contact, g, skill, wait)
                };
                d.transferred
            }
            _ => false,
        };
        let record = ContactRecord {
            arrival: contact.arrival,
            channel: contact.channel,
            topic: u32::from(contact.topic),
            priority: self.m.topics[contact.topic as usize].priority,
            attempt: contact.key.attempt,
            tier: contact.key.tier,
            outcome,
            wait,
            handle: handled.map_or(0.0, |(_, h)| h),
            group: agent.map(|a| a.group),
            agent: agent.map(|a| a.number),
            origin: contact.origin,
            touch: contact.touch,
            more_touches,
            reassigned,
            waits_on,
            queued,
            transferred,
        };
        if let Some(sink) = self.sink.as_deref_mut()
            && let Err(e) = sink.contact(&record)
        {
            // The run stops at its next check; nothing more is written meanwhile.
            self.sink = None;
            self.sink_error = Some(e);
        }
    }

    /// Counts a leg that is not a first answer (a tier-2 leg, a ticket's later touch): agent
    /// work for group `g`, and when `decided` — (decision, end of the leg, whether it is a
    /// tier-1 decision) — the issue's outcome in the tallies of its channel, topic, arrival
    /// interval and group.
    #[inline(always)]
    pub(super) fn count_leg(
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
        let ts = self.topic_slot(c, t);
        let resolution_time = if d.resolved {
            end - contact.origin
        } else {
            0.0
        };
        let add = |tally: &mut Tally| {
            if tier1 {
                d.count_tier1(tally, resolution_time);
            } else {
                d.count(tally, resolution_time);
            }
        };
        self.count_in(c, ts, g, contact.counted_at, add);
        if d.resolved {
            self.resolved_after(contact, g, resolution_time);
        }
    }

    /// Counts a first answer at tier 1 (or a single-touch answer) in the tallies of its
    /// channel, topic, group and arrival interval, and its wait in the FRT histograms.
    #[inline(always)]
    pub(super) fn count_answer(
        &mut self,
        contact: &Contact,
        g: usize,
        wait: f64,
        handle: f64,
        d: &Decision,
        end: f64,
    ) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let ts = self.topic_slot(c, t);
        let within = wait <= self.m.answer_target(c, t);
        let resolution_time = if d.resolved {
            end - contact.origin
        } else {
            0.0
        };
        let add = |tally: &mut Tally| {
            tally.answered += 1;
            tally.within += u64::from(within);
            tally.delayed += u64::from(wait > 0.0);
            tally.wait_answered += wait;
            tally.handle += handle;
            d.count_tier1(tally, resolution_time);
        };
        self.count_in(c, ts, g, contact.counted_at, add);
        if d.resolved {
            self.resolved_after(contact, g, resolution_time);
        }
        self.channel_frt[c].record(wait);
        self.topic_frt[ts].record(wait);
    }

    /// Records a satisfaction draw of a contact no agent answered (contained by the bot).
    pub(super) fn record_satisfaction(&mut self, contact: &Contact, sat: Sat) {
        self.tally(
            contact.channel as usize,
            contact.topic as usize,
            contact.counted_at,
            |x| sat.count(x),
        );
    }

    pub(super) fn schedule_interval_end(&mut self, i: usize) {
        if i >= self.ni {
            return;
        }
        let t = self.warmup + (i as f64 + 1.0) * self.m.interval;
        self.agenda.schedule_reserved(
            t.min(self.horizon),
            self.interval_seq + 1 + i as u64,
            Kind::IntervalEnd { index: i as u32 },
        );
    }

    pub(super) fn interval_end(&mut self, i: usize) {
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
            if let Some(row) = self.r.channel_intervals.get_mut(i) {
                let h = &mut self.interval_frt[c];
                let (p50, p90) = (
                    h.quantile(0.5).unwrap_or(f64::NAN),
                    h.quantile(0.9).unwrap_or(f64::NAN),
                );
                h.clear();
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

    /// Closes the books at the horizon: agent time up to the end, contacts still open, the
    /// customer base, and the FRT summaries the reports need. Fails if the contact sink failed.
    pub(super) fn finish(mut self) -> Result<RepResult, Stopped> {
        self.now = self.horizon;
        for g in 0..self.m.groups.len() {
            self.account(g);
        }
        for (c, n) in self.channel_waiting.iter().enumerate() {
            self.r.open_end[c] = u64::from(*n);
            self.r.conservation.open_end += u64::from(*n);
        }
        if self.sink.is_some() {
            let open: Vec<(Contact, bool)> = self
                .slab
                .iter()
                .filter(|s| matches!(s.state, State::Waiting | State::Passing))
                .map(|s| (s.contact, s.state == State::Waiting))
                .collect();
            for (contact, queued) in open {
                let wait = (self.horizon - contact.arrival).max(0.0);
                self.log_leg(&contact, ContactOutcome::Open, wait, None, queued);
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
        for a in self.agents.iter().filter(|a| !a.gone) {
            self.r.agents_end[a.group as usize] += 1;
        }
        self.count_open_at_end();
        self.count_open_issues_at_end();
        if let Some(c) = &mut self.r.customers {
            c.active_end = self.active;
        }
        // Only what the reports need of the histograms outlives the replication.
        let mut kinds = [Histogram::default(), Histogram::default()];
        for (c, h) in self.channel_frt.iter().enumerate() {
            kinds[self.kind_of[c]].add(h);
        }
        let (channel_res, topic_res, kind_res) = self.resolutions();
        let summary = |h: &Histogram, r: &Resolutions| FrtSummary::of(h).with_resolution(r);
        self.r.kind_frt = kinds
            .iter()
            .zip(&kind_res)
            .map(|(h, r)| summary(h, r))
            .collect();
        self.r.channel_frt = (self.channel_frt.iter().zip(&channel_res))
            .map(|(h, r)| summary(h, r))
            .collect();
        self.r.topic_frt = (self.topic_frt.iter().zip(&topic_res))
            .map(|(h, r)| summary(h, r))
            .collect();
        self.r.events = self.events;
        match self.sink_error {
            Some(e) => Err(Stopped::Sink(e)),
            None => Ok(self.r),
        }
    }

    /// Contacts still waiting for their first answer at the end: their waits so far are
    /// censored waits in the FRT distributions (a percentile can only rise as the backlog
    /// grows), and those already past the answer target count as offered misses.
    fn count_open_at_end(&mut self) {
        let pending: Vec<(usize, usize, f64, f64)> = self
            .slab
            .iter()
            .filter(|s| {
                s.state == State::Waiting
                    && s.contact.key.tier == 0
                    && s.contact.touch == 0
                    && s.contact.counted_at >= self.warmup
            })
            .map(|s| {
                let c = &s.contact;
                let age = (self.horizon - c.arrival).max(0.0);
                (c.channel as usize, c.topic as usize, c.counted_at, age)
            })
            .collect();
        for (c, t, at, age) in pending {
            let late = age > self.m.answer_target(c, t);
            self.tally(c, t, at, |x| {
                x.open += 1;
                x.open_late += u64::from(late);
                x.delayed += u64::from(late);
                x.wait_open += age;
            });
            self.channel_frt[c].record(age);
            let ts = self.topic_slot(c, t);
            self.topic_frt[ts].record(age);
        }
    }
}
