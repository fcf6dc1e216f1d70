//! Routing: the queues, which agent groups may take which contacts, and the policy.
//!
//! - A new contact goes to an idle eligible agent — channel and skill match, the one idle
//!   longest — or for chat to an eligible agent with a free chat slot (fewest chats first);
//!   otherwise it waits in its queue (one per tier, channel and topic) or, when the channel's
//!   queue is full, is blocked.
//! - An agent who frees up takes the most urgent eligible waiting contact: the first channel in
//!   its group's `channel_order` with contacts waiting (strict, non-preemptive priority), then
//!   the lowest topic priority number, then the largest ratio of time waited to the channel's
//!   answer target, so that calls and chats come before e-mail that still has hours. An agent
//!   holding chats takes only more chats. Within a queue, the oldest contact by default; a
//!   channel's `queue_order` may take the newest, or draw one (`picks`).

use super::event::Kind;
use super::observe::ContactOutcome;
use super::roster::Presence;
use super::{Contact, Engine, State};
use crate::model::{ChannelKind, Model, PickOrder};
use crate::rng::Purpose;

/// Who may take what, fixed for the whole run.
pub(super) struct Eligibility {
    /// Eligible groups per queue (tier, channel, topic).
    pub(super) eligible_groups: Vec<Vec<u32>>,
    /// Eligible queues per group, as (queue index, order, 1 / answer target, is_chat), where
    /// order is the channel's rank in the group's `channel_order` (high 16 bits) and the topic
    /// priority (low 16 bits): lower is served first.
    pub(super) group_queues: Vec<Vec<(u32, u32, f64, bool)>>,
    /// The order each queue is taken in (its channel's `queue_order`).
    pub(super) order: Vec<PickOrder>,
    /// Whether each group works some queue not taken oldest first.
    pub(super) group_newest: Vec<bool>,
    /// Handle-time multiplier (1 / proficiency) per (group, topic).
    pub(super) slowness: Vec<f64>,
}

impl Eligibility {
    /// A group may take a queue's contacts when it works the channel, has the topic's skill
    /// and is of the queue's tier.
    pub(super) fn new(m: &Model) -> Eligibility {
        let (nc, nt, ng) = (m.channels.len(), m.topics.len(), m.groups.len());
        let nq = 2 * nc * nt;
        let mut eligible_groups = vec![Vec::new(); nq];
        let mut group_queues = vec![Vec::new(); ng];
        let mut slowness = vec![1.0; ng * nt];
        let mut orders = vec![PickOrder::OldestFirst; nq];
        let mut group_newest = vec![false; ng];
        for (gi, g) in m.groups.iter().enumerate() {
            let tier = usize::from(g.tier.saturating_sub(1)).min(1);
            for (ci, ch) in m.channels.iter().enumerate() {
                for (ti, t) in m.topics.iter().enumerate() {
                    if g.channels[ci]
                        && let Some(p) = g.proficiency[ti]
                    {
                        let q = (tier * nc + ci) * nt + ti;
                        eligible_groups[q].push(gi as u32);
                        // The group's channel order comes first, then topic priority.
                        let order = (g.channel_rank[ci] << 16) | t.priority.min(0xFFFF);
                        group_queues[gi].push((
                            q as u32,
                            order,
                            1.0 / m.answer_target(ci, ti),
                            ch.kind == ChannelKind::Chat,
                        ));
                        orders[q] = ch.order;
                        group_newest[gi] |= ch.order != PickOrder::OldestFirst;
                        slowness[gi * nt + ti] = 1.0 / p;
                    }
                }
            }
        }
        Eligibility {
            eligible_groups,
            group_queues,
            order: orders,
            group_newest,
            slowness,
        }
    }
}

impl Engine<'_> {
    #[inline]
    pub(super) fn queue_of(&self, contact: &Contact) -> usize {
        let tier = usize::from(contact.key.tier);
        (tier * self.nc + contact.channel as usize) * self.nt + contact.route as usize
    }

    /// Routes a contact to an idle agent, or queues it, or blocks it.
    pub(super) fn offer(&mut self, contact: Contact) {
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

    /// Agent `a` takes `contact`: the agent starts work on it and the customer is answered.
    #[inline(always)]
    fn assign(&mut self, a: usize, contact: Contact) {
        let (g, handle) = self.start_work(a, &contact);
        self.answered(a, g, contact, handle);
    }

    /// The most urgent waiting contact agent `a` may take: lowest priority number first, then
    /// the largest wait ÷ answer target. Chats only when the agent already holds chats.
    fn pick(&mut self, a: usize) -> Option<(Contact, bool)> {
        let g = self.agents[a].group as usize;
        if self.group_newest[g] {
            return self.pick_mixed(a);
        }
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
        Some(self.take(s))
    }

    /// [`Self::pick`] for a group that works a channel not taken oldest first: a newest-first
    /// or random queue offers its newest contact, whose urgency counts as minus its wait ÷
    /// target, so the newest of such queues goes first, after any oldest-first queue of the
    /// same priority; a random queue then draws among every random queue of the group at that
    /// priority ([`Self::pick_random`]). An agent sweeping today takes every queue oldest
    /// first. (Apart, so that scenarios taking every channel oldest first pay nothing for the
    /// others.)
    #[inline(never)]
    fn pick_mixed(&mut self, a: usize) -> Option<(Contact, bool)> {
        let g = self.agents[a].group as usize;
        let only_chat = self.agents[a].load > 0;
        let sweeping = self.agents[a].sweeping;
        let mut best: Option<(u32, f64, usize)> = None;
        for k in 0..self.group_queues[g].len() {
            let (q, prio, inv_target, is_chat) = self.group_queues[g][k];
            if only_chat && !is_chat {
                continue;
            }
            let q = q as usize;
            let oldest = sweeping || self.order[q] == PickOrder::OldestFirst;
            let candidate = if oldest { self.head(q) } else { self.tail(q) };
            let Some(s) = candidate else { continue };
            let wait = (self.now - self.slab[s as usize].contact.arrival) * inv_target;
            let urgency = if oldest { wait } else { -wait };
            if best.is_none_or(|(p, u, _)| prio < p || (prio == p && urgency > u)) {
                best = Some((prio, urgency, q));
            }
        }
        let (prio, _, q) = best?;
        let s = match self.order[q] {
            _ if sweeping => self.queues[q].pop_front()?,
            PickOrder::OldestFirst => self.queues[q].pop_front()?,
            PickOrder::NewestFirst => self.queues[q].pop_back()?,
            PickOrder::Random { .. } => return self.pick_random(g, prio, only_chat),
        };
        Some(self.take(s))
    }

    /// Takes the contact in slot `s` out of its queue: the contact, and whether it is a chat
    /// whose customer has gone.
    #[inline(always)]
    pub(super) fn take(&mut self, s: u32) -> (Contact, bool) {
        let contact = self.slab[s as usize].contact;
        let ghost = self.slab[s as usize].state == State::Ghost;
        if !ghost {
            self.channel_waiting[contact.channel as usize] -= 1;
        }
        self.release_slot(s);
        (contact, ghost)
    }

    /// The first contact still waiting in queue `q`, dropping those that left from its head.
    #[inline(always)]
    pub(super) fn head(&mut self, q: usize) -> Option<u32> {
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

    /// The last contact still waiting in queue `q`, dropping those that left from its back.
    fn tail(&mut self, q: usize) -> Option<u32> {
        while let Some(&s) = self.queues[q].back() {
            let slot = &self.slab[s as usize];
            if matches!(slot.state, State::Waiting | State::Ghost) {
                return Some(s);
            }
            self.queues[q].pop_back();
            if slot.state == State::Gone {
                self.release_slot(s);
            }
        }
        None
    }

    /// Gives agent `a` work until it is full or nothing eligible waits; marks it idle if empty.
    pub(super) fn fill(&mut self, a: usize) {
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

    /// Agent `a` opens a chat whose customer has gone, or a ticket whose customer chased it on
    /// another channel: busy for the channel's abandoned work, holding a chat like a chat and
    /// a ticket like a ticket; nothing else is counted (the contact counted as abandoned).
    #[cold]
    fn open_abandoned(&mut self, a: usize, contact: &Contact) {
        let c = contact.channel as usize;
        let g = self.agents[a].group as usize;
        let conc = self.m.groups[g].concurrency.max(1);
        let work = self.m.channels[c].abandoned_work.as_ref().map_or(0.0, |d| {
            d.sample(&mut contact.key.rng(Purpose::AbandonedWork))
        });
        let chat = self.m.channels[c].kind == ChannelKind::Chat;
        self.account(g);
        self.agents[a].load += 1;
        if chat {
            self.agents[a].chats = true;
            self.group_busy[g] += 1.0 / f64::from(conc);
        } else {
            self.group_busy[g] += 1.0;
        }
        self.schedule(
            self.now + work,
            Kind::Done {
                agent: a as u32,
                chat,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Contact, Engine};
    use super::Presence;
    use crate::rng::DrawKey;

    fn model(text: &str) -> crate::model::Model {
        match crate::scenario::parse("t.toml", text, "t") {
            Ok(l) => l.model,
            Err(e) => panic!("{e}"),
        }
    }

    /// A contact on channel `c` about topic `t` that joined its queue at `arrival`.
    fn contact(c: u32, t: u32, arrival: f64) -> Contact {
        Contact {
            arrival,
            origin: arrival,
            counted_at: arrival,
            handle: 60.0,
            patience: f64::INFINITY,
            channel: c,
            topic: t as u16,
            route: t as u16,
            key: DrawKey {
                seed: u64::from(c) << 8 | u64::from(t),
                attempt: 0,
                tier: 0,
            },
            failed_bot: false,
            touch: 0,
            waited: 0.0,
            switched: false,
        }
    }

    /// Puts agent `a` on the floor, idle since `since`.
    fn idle_since(e: &mut Engine<'_>, a: usize, since: f64) {
        e.now = since;
        e.set_presence(a, Presence::Floor);
        e.make_idle(a);
    }

    const PHONE_AND_EMAIL: &str = r#"
[simulation]
days = 1
[volume]
per_day = 100
[channels.phone]
kind = "call"
share = 0.5
handle_time = { dist = "fixed", mean = "1m" }
answer_within = "20s"
queue_capacity = 1
[channels.email]
kind = "async"
share = 0.5
handle_time = { dist = "fixed", mean = "5m" }
answer_within = "4h"
[[topics]]
name = "billing"
share = 0.5
priority = 2
[[topics]]
name = "outage"
share = 0.5
priority = 1
[[agents]]
name = "desk"
count = 3
channels = ["phone", "email"]
"#;

    #[test]
    fn a_new_contact_goes_to_the_agent_idle_longest_across_groups() {
        let m = model(&PHONE_AND_EMAIL.replace(
            "[[agents]]\nname = \"desk\"\ncount = 3\nchannels = [\"phone\", \"email\"]",
            "[[agents]]\nname = \"desk\"\ncount = 2\nchannels = [\"phone\", \"email\"]\n\
             [[agents]]\nname = \"phones\"\ncount = 2\nchannels = [\"phone\"]",
        ));
        let mut e = Engine::new(&m, 0, false);
        // Agents 0 and 1 are the desk, 2 and 3 the phone group; they become idle in this order.
        idle_since(&mut e, 2, 10.0);
        idle_since(&mut e, 0, 20.0);
        idle_since(&mut e, 3, 30.0);
        idle_since(&mut e, 1, 40.0);
        e.now = 100.0;
        let call = e.queue_of(&contact(0, 0, 100.0));
        let email = e.queue_of(&contact(1, 0, 100.0));
        assert_eq!(
            e.find_agent(email, 1),
            Some(0),
            "only the desk takes e-mail"
        );
        assert_eq!(e.find_agent(call, 0), Some(2));
        assert_eq!(e.find_agent(call, 0), Some(3));
        assert_eq!(e.find_agent(call, 0), Some(1));
        assert_eq!(e.find_agent(call, 0), None, "nobody is left idle");
    }

    #[test]
    fn a_freed_agent_takes_priority_first_then_the_longest_wait_against_target() {
        let m = model(PHONE_AND_EMAIL);
        let mut e = Engine::new(&m, 0, false);
        e.set_presence(0, Presence::Floor);
        e.now = 0.0;
        // Billing (priority 2): a call that waited 30 s of its 20 s target (1.5) and an email
        // that waited 2 h of its 4 h (0.5). Outage (priority 1): an email that has just come.
        e.offer(contact(1, 0, 0.0));
        e.now = 7170.0;
        e.offer(contact(0, 0, 7170.0));
        e.now = 7199.0;
        e.offer(contact(1, 1, 7199.0));
        e.now = 7200.0;
        let order: Vec<(u32, u16)> = std::iter::from_fn(|| e.pick(0))
            .map(|(c, _)| (c.channel, c.topic))
            .collect();
        assert_eq!(order, vec![(1, 1), (0, 0), (1, 0)]);
    }

    #[test]
    fn a_call_that_finds_the_queue_full_is_blocked() {
        let m = model(PHONE_AND_EMAIL);
        let mut e = Engine::new(&m, 0, false);
        e.offer(contact(0, 0, 0.0));
        e.offer(contact(0, 1, 0.0));
        // E-mail has no capacity limit.
        e.offer(contact(1, 0, 0.0));
        e.offer(contact(1, 1, 0.0));
        assert_eq!(e.channel_waiting, vec![1, 2]);
        assert_eq!(e.r.conservation.blocked, 1);
    }

    #[test]
    fn a_chat_goes_to_an_idle_agent_first_then_to_the_fewest_chats() {
        let m = model(
            r#"
[simulation]
days = 1
[volume]
per_day = 100
[channels.chat]
kind = "chat"
handle_time = { dist = "fixed", mean = "5m" }
concurrency = 3
[[agents]]
name = "chat"
count = 3
channels = ["chat"]
"#,
        );
        let mut e = Engine::new(&m, 0, false);
        for a in 0..3 {
            idle_since(&mut e, a, a as f64);
        }
        e.now = 10.0;
        let mut taken = Vec::new();
        for k in 0..5 {
            let q = e.queue_of(&contact(0, 0, 10.0));
            let a = e.find_agent(q, 0).expect("a free chat slot");
            e.assign(a, contact(0, 0, 10.0 + f64::from(k)));
            taken.push(a);
        }
        // Idle agents first (idle longest first), then the fewest chats, ties to the one who
        // has been on the floor longest.
        assert_eq!(taken, [0, 1, 2, 0, 1]);
        let loads: Vec<u32> = e.agents.iter().map(|a| a.load).collect();
        assert_eq!(loads, [2, 2, 1]);
    }
}
