//! A customer's journey: arrival on a channel, the bot, an agent's answer and its touches,
//! resolution, transfer to tier 2, repeats and retries, abandonment (what the customer makes of
//! it — satisfaction, NPS, churn — is in `experience`).
//!
//! Every decision about a customer is drawn from the customer's own [`DrawKey`], hashed by
//! purpose, so that it does not depend on what the operation did before (common random numbers
//! between plans).

use super::event::Kind;
use super::observe::ContactOutcome;
use super::{Contact, Decision, Engine, State};
use crate::experience::{BadExperience, Outcome};
use crate::model::{ChannelKind, Model};
use crate::rng::{DrawKey, Purpose, Rng};

/// Why a customer comes back about the same issue.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Return {
    /// An agent answered but did not resolve it.
    Unresolved,
    /// The bot claimed to resolve it but did not.
    FalselyContained,
    /// The customer abandoned or got a busy signal.
    Retry,
    /// The customer of a written ticket with no first answer chases it on another channel.
    Chase,
}

/// A customer's handle time and patience on channel `c` about topic `t`, seconds: the topic's
/// own distributions where it has them, else the channel's (× the topic's handle-time factor).
/// Async contacts never abandon, whatever their topic says; their "patience" is the wait before
/// they chase the ticket on another channel (`chase_after`), if they do.
pub(super) fn attributes(m: &Model, c: usize, t: usize, rng: &mut Rng) -> (f64, f64) {
    let ch = &m.channels[c];
    let topic = &m.topics[t];
    let handle = match &topic.handle_time {
        Some(d) => d.sample(rng),
        None => ch.handle_time.sample(rng) * topic.handle_time_factor,
    };
    let patience = match (&topic.patience, &ch.patience, &ch.chase) {
        (Some(p), _, _) if ch.kind != ChannelKind::Async => p.sample(rng),
        (_, Some(p), _) => p.sample(rng),
        (_, _, Some(chase)) => chase.after.sample(rng),
        _ => f64::INFINITY,
    };
    (handle, patience)
}

/// The channel a return drawn with `u` goes to, from cumulative shares `cdf` over the
/// channels (`otherwise` past the last).
fn drawn(cdf: &[f64], u: f64, otherwise: usize) -> usize {
    cdf.iter().position(|&p| u < p).unwrap_or(otherwise)
}

impl Engine<'_> {
    /// A contact arriving on its channel (a first contact or a repeat).
    pub(super) fn incoming(&mut self, contact: Contact) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let now = self.now;
        self.r.conservation.arrived += 1;
        let repeat = contact.key.attempt > 0;
        let switched = contact.switched;
        self.tally(c, t, now, |x| {
            x.arrived += 1;
            x.repeats += u64::from(repeat);
            x.switches += u64::from(switched);
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
                self.record_resolution(&contact, end - origin, true);
                let target = self
                    .resolve_targets
                    .then(|| self.m.topics[t].resolve_within)
                    .flatten();
                self.tally(c, t, contact.counted_at, |x| {
                    x.resolved += 1;
                    x.resolution_time += end - origin;
                    if let Some(target) = target {
                        x.resolve_targeted += 1;
                        x.resolved_within += u64::from(end - origin <= target);
                    }
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

    /// A contact passed on by the bot or by tier 1 joins a queue.
    pub(super) fn enter(&mut self, slot: usize) {
        let mut contact = self.slab[slot].contact;
        self.release_slot(slot as u32);
        contact.arrival = self.now;
        self.offer(contact);
    }

    /// A repeat or retry arrives.
    pub(super) fn returning(&mut self, slot: usize) {
        let mut contact = self.slab[slot].contact;
        self.release_slot(slot as u32);
        contact.arrival = self.now;
        contact.counted_at = self.now;
        self.r.conservation.repeats_arrived += 1;
        self.incoming(contact);
    }

    /// A written contact still unanswered after twice its tolerance: a chance the customer
    /// leaves while it waits (it stays in the backlog).
    pub(super) fn ignored(&mut self, slot: usize, generation: u32) {
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

    /// Agent `a` of group `g` answers `contact` after the wait, taking `handle` seconds: the
    /// leg is logged and counted, the issue decided (resolved, transferred, satisfied), and what
    /// follows scheduled (another touch, a transfer, a repeat, churn).
    #[inline(always)]
    pub(super) fn answered(&mut self, a: usize, g: usize, contact: Contact, handle: f64) {
        let now = self.now;
        let c = contact.channel as usize;
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
            self.touch_decision(&contact, g, self.skill(a, contact.route), wait)
        } else {
            let judged = wait + f64::from(contact.waited);
            (
                false,
                self.decide(&contact, g, self.skill(a, contact.route), judged),
            )
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
            self.count_answer(&contact, g, wait, handle, &d, end);
        }
        // Each interval's FRT percentiles are read only into its time series.
        if !second_leg && now >= self.warmup && !self.r.channel_intervals.is_empty() {
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
    pub(super) fn touch_decision(
        &self,
        contact: &Contact,
        g: usize,
        skill: f64,
        wait: f64,
    ) -> (bool, Decision) {
        if self.another_touch(contact) {
            let pending = Decision {
                first: false,
                resolved: false,
                transferred: false,
                satisfaction: None,
            };
            return (true, pending);
        }
        let judged = if contact.touch == 0 {
            wait + f64::from(contact.waited)
        } else {
            f64::from(contact.waited)
        };
        (false, self.decide(contact, g, skill, judged))
    }

    /// Whether the ticket just answered needs another agent touch (async tier-1 tickets of a
    /// channel with `touches` above 1: another with probability 1 − 1/touches, so that the
    /// number of touches is geometric with that mean).
    pub(super) fn another_touch(&self, contact: &Contact) -> bool {
        if self.handed_to(contact).is_some() {
            return true;
        }
        let ch = &self.m.channels[contact.channel as usize];
        ch.touches > 1.0
            && ch.kind == ChannelKind::Async
            && contact.key.tier == 0
            && contact.touch < 1000
            && contact.key.touch(contact.touch).unit(Purpose::Touch) < 1.0 - 1.0 / ch.touches
    }

    /// The topic whose queue a ticket is handed to after its first touch (its topic's
    /// `reassign`), if it is: a tier-1 ticket of an async channel, drawn from its own key.
    pub(super) fn handed_to(&self, contact: &Contact) -> Option<u16> {
        if !self.reassigning || contact.touch != 0 || contact.key.tier != 0 {
            return None;
        }
        let r = self.m.topics[contact.topic as usize].reassign.as_ref()?;
        let async_channel = self.m.channels[contact.channel as usize].kind == ChannelKind::Async;
        (async_channel && contact.key.unit(Purpose::Reassign) < r.share)
            .then(|| r.pick(contact.key.unit(Purpose::ReassignTo)) as u16)
    }

    /// The ticket goes back to the customer, who replies after their reply delay; the reply
    /// joins the backlog for the next touch. A ticket handed to another group joins that
    /// group's queue at once instead.
    #[inline(never)]
    fn next_touch(&mut self, contact: &Contact, wait: f64, end: f64) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let ch = &self.m.channels[c];
        let key = contact.key.touch(contact.touch + 1);
        let handed = self.handed_to(contact);
        let delay = match (handed, &ch.reply_delay) {
            (Some(_), _) => 0.0,
            (None, Some(d)) => d.sample(&mut key.rng(Purpose::ReplyDelay)),
            (None, None) => self.waits_on(contact).map_or(0.0, |i| {
                ch.pending[i]
                    .delay
                    .sample(&mut key.rng(Purpose::ReplyDelay))
            }),
        };
        let mut rng = key.rng(Purpose::FollowUpHandle);
        let handle = match &ch.follow_up_handle {
            Some(dist) => dist.sample(&mut rng) * self.m.topics[t].handle_time_factor,
            None => attributes(self.m, c, t, &mut rng).0,
        };
        let next = Contact {
            handle,
            // Customers chase only a ticket's first answer.
            patience: f64::INFINITY,
            route: handed.unwrap_or(contact.route),
            touch: contact.touch + 1,
            waited: if contact.touch == 0 {
                (wait + f64::from(contact.waited)) as f32
            } else {
                contact.waited
            },
            ..*contact
        };
        let slot = self.store(next, State::Passing);
        self.schedule(end + delay, Kind::Enter { slot });
    }

    /// Which of its channel's `pending` states a ticket answered in `contact`'s touch waits in
    /// until its next touch (`None` without `pending`): a pure function of the ticket's own
    /// draws, so the log of the leg names the state the journey acts on.
    pub(super) fn waits_on(&self, contact: &Contact) -> Option<usize> {
        let pending = &self.m.channels[contact.channel as usize].pending;
        let last = pending.len().checked_sub(1)?;
        let u = contact.key.touch(contact.touch + 1).unit(Purpose::Pending);
        Some(
            pending
                .iter()
                .position(|w| u < w.cumulative)
                .unwrap_or(last),
        )
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
    pub(super) fn decide(&self, contact: &Contact, g: usize, skill: f64, wait: f64) -> Decision {
        let t = contact.topic as usize;
        let topic = &self.m.topics[t];
        let first = contact.key.attempt == 0 && contact.key.tier == 0;
        let resolved = match topic.fcr {
            Some(fcr) => {
                let proficiency = skill / self.slowness[g * self.nt + contact.route as usize];
                contact.key.unit(Purpose::Resolve) < (fcr * proficiency).min(1.0)
            }
            None => true,
        };
        let transferred = !resolved
            && contact.key.tier == 0
            && topic.escalation > 0.0
            && contact.key.unit(Purpose::Escalate) < topic.escalation;
        // A transferred contact's experience is decided at tier 2.
        let satisfaction = if !transferred {
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

    /// Schedules the customer's next contact about the same issue, if they come back:
    /// after no resolution (`retry` false) or after abandoning or a busy signal (`retry` true).
    fn maybe_return(&mut self, contact: &Contact, from: f64, why: Return) {
        let res = &self.m.resolution;
        let share = match why {
            Return::Retry => res.retry_share,
            // Decided when the customer chased (`abandon`, with `chase_share`).
            Return::Chase => 1.0,
            Return::Unresolved | Return::FalselyContained => res.repeat_share,
        };
        if share <= 0.0
            || contact.key.attempt + 1 >= res.max_attempts
            || contact.key.unit(Purpose::Return) >= share
        {
            // The issue ends unresolved: not resolved by the end of the run, and a miss of its
            // topic's resolution target.
            self.record_resolution(contact, (self.horizon - contact.origin).max(0.0), false);
            let t = contact.topic as usize;
            if self.resolve_targets && self.m.topics[t].resolve_within.is_some() {
                let c = contact.channel as usize;
                self.tally(c, t, contact.counted_at, |x| x.resolve_targeted += 1);
            }
            return;
        }
        let c = contact.channel as usize;
        let mut delay_rng = contact.key.rng(Purpose::ReturnDelay);
        let (next_c, delay) = match why {
            Return::Retry => (c, res.retry_delay.sample(&mut delay_rng)),
            Return::Chase => {
                let chase = self.m.channels[c].chase.as_ref();
                let cdf = chase.map_or(&[][..], |ch| &ch.cdf);
                (drawn(cdf, contact.key.unit(Purpose::ReturnChannel), c), 0.0)
            }
            Return::Unresolved | Return::FalselyContained => {
                let u = contact.key.unit(Purpose::ReturnChannel);
                let next_c = drawn(&self.repeat_cdf[c], u, c);
                (next_c, res.repeat_delay.sample(&mut delay_rng))
            }
        };
        // Customers come back when the channel takes contacts (its intraday and weekday
        // profile), not at 3 a.m. on a line that is closed.
        let when = self.next_open(next_c, from + delay, contact.key.unit(Purpose::ReturnTime));
        let key = DrawKey {
            seed: contact.key.seed,
            attempt: contact.key.attempt + 1,
            tier: 0,
        };
        // A chase is judged on the wait for the ticket chased too, in the tolerances of the
        // channel it goes to: two days on an email read as a long wait on the phone.
        let waited = if why == Return::Chase {
            let chs = &self.m.channels;
            let so_far = from - contact.arrival + f64::from(contact.waited);
            (so_far * chs[next_c].wait_tolerance / chs[c].wait_tolerance) as f32
        } else {
            0.0
        };
        let mut rng = key.rng(Purpose::Attributes);
        let (handle, patience) = attributes(self.m, next_c, contact.topic as usize, &mut rng);
        let sources = &mut self.r.conservation;
        match why {
            Return::Unresolved => sources.repeats_after_unresolved += 1,
            Return::FalselyContained => sources.repeats_after_false_containment += 1,
            Return::Retry | Return::Chase => sources.retries += 1,
        }
        let next = Contact {
            arrival: when,
            origin: contact.origin,
            counted_at: when,
            handle,
            patience,
            channel: next_c as u32,
            topic: contact.topic,
            // A repeat is a new contact: it starts in its own topic's queue.
            route: contact.topic,
            key,
            failed_bot: false,
            touch: 0,
            waited,
            switched: next_c != c,
        };
        self.r.conservation.repeats_scheduled += 1;
        let slot = self.store(next, State::Returning);
        self.schedule(when, Kind::Return { slot });
    }

    /// A contact that abandoned or was blocked: the customer may leave, or try again.
    pub(super) fn unserved(&mut self, contact: &Contact) {
        // Counted whether or not anybody answers surveys: the census figures (`csat_expected`,
        // `nps_expected`) need every customer, like the bot's conversations.
        self.recommend_unserved(contact);
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

    pub(super) fn abandon(&mut self, slot: usize, generation: u32) {
        let s = &mut self.slab[slot];
        if s.generation != generation || s.state != State::Waiting {
            return;
        }
        // The slot stays in its queue until it reaches the head, where it is dropped (or, for a
        // chat that still costs agent time, opened).
        let contact = s.contact;
        let ch = &self.m.channels[contact.channel as usize];
        let chase = ch.kind == ChannelKind::Async;
        if chase
            && (contact.key.tier > 0
                || contact.touch > 0
                || contact.key.attempt + 1 >= self.m.resolution.max_attempts
                || ch
                    .chase
                    .as_ref()
                    .is_none_or(|c| contact.key.unit(Purpose::Return) >= c.share))
        {
            // Only a ticket's first answer is chased, by a customer who chases at all
            // (`chase_share`), and only while they would contact again about the issue:
            // otherwise the ticket waits on.
            return;
        }
        s.state = if ch.abandoned_work.is_some() {
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
        if chase {
            // The ticket is withdrawn; the issue goes on in the chase, with no verdict on it
            // yet (the chase's answer carries the satisfaction, the repeat and the churn).
            self.maybe_return(&contact, self.now, Return::Chase);
        } else {
            self.unserved(&contact);
        }
    }
}
