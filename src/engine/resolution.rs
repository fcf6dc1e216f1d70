//! Issues' times to resolution: each resolved issue's time and each other's age at the end
//! (given up, or still open) per channel and topic, for the Kaplan–Meier percentiles; the
//! issues still open at the end in the mean; and resolution targets met or missed.

use super::{Contact, Engine, State};
use crate::metrics::{Resolutions, Tally};

impl Engine<'_> {
    /// An issue resolved `time` after its first contact by group `g`: in the times to
    /// resolution of its channel and topic, and against its topic's resolution target.
    #[inline(always)]
    pub(super) fn resolved_after(&mut self, contact: &Contact, g: usize, time: f64) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        self.res[c * self.nt + t].resolved.record(time);
        if self.resolve_targets {
            self.count_resolve_target(contact, g, time);
        }
    }

    /// An issue resolved (`resolved`, after `time` from its first contact) or not by the end
    /// (given up, or still open: its age then), in the times to resolution of its channel and
    /// topic when it is counted.
    pub(super) fn record_resolution(&mut self, contact: &Contact, time: f64, resolved: bool) {
        if !self.counted(contact.counted_at) {
            return;
        }
        let r = &mut self.res[contact.channel as usize * self.nt + contact.topic as usize];
        if resolved {
            r.resolved.record(time);
        } else {
            r.unresolved.record(time);
        }
    }

    /// Times to resolution per channel, per (topic, kind group) slot and per kind group.
    pub(super) fn resolutions(&self) -> (Vec<Resolutions>, Vec<Resolutions>, [Resolutions; 2]) {
        let mut channel = vec![Resolutions::default(); self.nc];
        let mut topic = vec![Resolutions::default(); self.nt * 2];
        let mut kind = [Resolutions::default(), Resolutions::default()];
        for (i, r) in self.res.iter().enumerate() {
            let (c, t) = (i / self.nt, i % self.nt);
            channel[c].add(r);
            topic[self.topic_slot(c, t)].add(r);
            kind[self.kind_of[c]].add(r);
        }
        (channel, topic, kind)
    }

    /// A resolved issue against its topic's resolution target, in the tallies of its channel,
    /// topic, arrival interval and group (kept out of the answer's hot path: most scenarios
    /// have no such target).
    #[cold]
    #[inline(never)]
    pub(super) fn count_resolve_target(
        &mut self,
        contact: &Contact,
        g: usize,
        resolution_time: f64,
    ) {
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        let Some(target) = self.m.topics[t].resolve_within else {
            return;
        };
        let within = u64::from(resolution_time <= target);
        let count = |x: &mut Tally| {
            x.resolve_targeted += 1;
            x.resolved_within += within;
        };
        self.tally(c, t, contact.counted_at, count);
        count(&mut self.r.group_tally[g]);
    }

    /// Issues still open at the end (queued, between touches, passing to tier 2, or a repeat
    /// to come): their ages so far are censored times to resolution (the mean can only rise as
    /// the backlog grows, where leaving them out would let a thinner desk look quicker), and
    /// those already past their topic's resolution target are misses of it, whatever happens
    /// next (younger ones are undecided and left out of that share).
    pub(super) fn count_open_issues_at_end(&mut self) {
        let open: Vec<(Contact, f64)> = self
            .slab
            .iter()
            .filter(|s| matches!(s.state, State::Waiting | State::Passing | State::Returning))
            .map(|s| (s.contact, (self.horizon - s.contact.origin).max(0.0)))
            .collect();
        for (contact, age) in open {
            self.record_resolution(&contact, age, false);
            let (c, t, at) = (
                contact.channel as usize,
                contact.topic as usize,
                contact.counted_at,
            );
            let late = self.resolve_targets
                && self.m.topics[t]
                    .resolve_within
                    .is_some_and(|target| age > target);
            self.tally(c, t, at, |x| {
                x.open_issues += 1;
                x.resolution_time += age;
                x.resolve_targeted += u64::from(late);
            });
        }
    }
}
