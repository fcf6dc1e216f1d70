//! The roster: agents, when they are on the floor, and the time they spend there.
//!
//! Agents belong to groups and work shifts (or around the clock). Each day an agent on shift may
//! be absent (unplanned shrinkage) and takes its shift's breaks at their set times or, for a
//! shift without breaks, a block of planned shrinkage (meetings, training) at a time drawn from
//! the operation's own stream. An agent whose shift ends or whose break is due
//! finishes the contact in hand first. On-floor, busy and scheduled agent time is integrated per
//! group and interval for occupancy and cost. The workforce may change over the run: agents of
//! a group with attrition leave for good at random times, and hiring classes join their group's
//! floor after training.

use super::event::Kind;
use super::{Contact, Engine};
use crate::duration::DAY;
use crate::model::{ChannelKind, MONTH_DAYS, Model};
use crate::rng::{DrawKey, Purpose};
use rand_distr::Distribution;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    /// Not on shift.
    Off,
    /// On the floor: available for work (idle or busy).
    Floor,
    /// On shift but off the floor (shrinkage).
    Away,
}

pub(super) struct Agent {
    pub(super) group: u32,
    pub(super) presence: Presence,
    /// Slots in use: a call or ticket takes all of them, a chat one.
    pub(super) load: u32,
    /// Whether the load is chats.
    pub(super) chats: bool,
    /// Leave when the contact in hand is done (shift ended).
    pub(super) leaving: bool,
    /// Go off the floor when the contact in hand is done (break due).
    pub(super) break_due: bool,
    pub(super) idle_since: f64,
    /// Bumped whenever the agent enters the idle list, to detect stale entries.
    pub(super) idle_stamp: u32,
    /// Index of the shift pattern in its group; `None` for around-the-clock agents.
    pub(super) shift: Option<u32>,
    /// Place in its group, from 0 (how contact logs name the agent).
    pub(super) number: u32,
    /// Stable identity (group, shift, place in the shift) for the agent's own random draws, so
    /// that adding an agent to a plan leaves every other agent's absences and breaks as they were.
    pub(super) key: u64,
    /// Left the operation (attrition): never on shift again.
    pub(super) gone: bool,
    /// When hired, seconds (0 for the agents the run starts with): attrition runs from here.
    pub(super) hired_at: f64,
    /// First day on the floor (0 for the agents the run starts with; after training for a
    /// hiring class).
    pub(super) joins: u32,
    /// A new hire (of a hiring class), who comes up to speed as the group's `ramp_up` says.
    pub(super) hire: bool,
    /// Takes its channels oldest first today, whatever their order (`sweep_days`).
    pub(super) sweeping: bool,
}

/// Every agent of every group (per shift pattern, or around the clock), then every hiring
/// class's, and each group's agents.
pub(super) fn agents(m: &Model) -> (Vec<Agent>, Vec<Vec<u32>>) {
    let mut agents = Vec::new();
    let mut group_agents = vec![Vec::new(); m.groups.len()];
    // Group, shift, the agent's own key, when hired and first day on the floor.
    let mut add = |gi: usize, shift: Option<u32>, key: u64, hired: (f64, u32, bool)| {
        let number = group_agents[gi].len() as u32;
        group_agents[gi].push(agents.len() as u32);
        agents.push(Agent {
            number,
            key,
            group: gi as u32,
            presence: Presence::Off,
            load: 0,
            chats: false,
            leaving: false,
            break_due: false,
            idle_since: 0.0,
            idle_stamp: 0,
            shift,
            gone: false,
            hired_at: hired.0,
            joins: hired.1,
            hire: hired.2,
            sweeping: false,
        });
    };
    // Keys: group, shift (0xFFFF around the clock) and place in the shift.
    let key = |gi: usize, shift: Option<u32>, k: u32| {
        ((gi as u64) << 42) | (u64::from(shift.map_or(0xFFFF, |s| s)) << 22) | u64::from(k)
    };
    for (gi, g) in m.groups.iter().enumerate() {
        if g.shifts.is_empty() {
            for k in 0..g.around_the_clock {
                add(gi, None, key(gi, None, k), (0.0, 0, false));
            }
        } else {
            for (si, s) in g.shifts.iter().enumerate() {
                let si = Some(si as u32);
                for k in 0..s.count {
                    add(gi, si, key(gi, si, k), (0.0, 0, false));
                }
            }
        }
    }
    // A class's agents have keys of their own — bit 41 set, the class from bit 17, the place
    // in the class below — apart from every agent the run starts with (whose keys stay below
    // bit 38 under the group's).
    for (ci, h) in m.hires.iter().enumerate() {
        let g = u64::from(h.group);
        for k in 0..h.size {
            let own = (g << 42) | (1 << 41) | ((ci as u64) << 17) | u64::from(k);
            add(
                h.group as usize,
                h.shift,
                own,
                (f64::from(h.day) * DAY, h.joins, true),
            );
        }
    }
    (agents, group_agents)
}

impl Engine<'_> {
    /// Agent `a` starts work on `contact`: busy for its handle time (stretched by the chats
    /// already held) and any after-call work. Returns the agent's group and the handle time.
    #[inline(always)]
    pub(super) fn start_work(&mut self, a: usize, contact: &Contact) -> (usize, f64) {
        let now = self.now;
        // The proficiency of the group whose queue the contact is in, at that queue's topic.
        let (c, t) = (contact.channel as usize, contact.route as usize);
        let g = self.agents[a].group as usize;
        let ch = &self.m.channels[c];
        let chat = ch.kind == ChannelKind::Chat;
        let conc = self.m.groups[g].concurrency.max(1);
        let mut handle = contact.handle * self.slowness[g * self.nt + t];
        if self.ramping {
            handle /= self.skill(a, contact.route);
        }
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
        (g, handle)
    }

    pub(super) fn make_idle(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        ag.idle_since = self.now;
        ag.idle_stamp = ag.idle_stamp.wrapping_add(1);
        let g = ag.group as usize;
        self.idle[g].push_back((a as u32, ag.idle_stamp));
    }

    pub(super) fn done(&mut self, a: usize, chat: bool) {
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

    /// Integrates a group's on-floor and busy agent time up to now, per interval.
    pub(super) fn account(&mut self, g: usize) {
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
        // Without time series (`run --json`) there are no intervals to spread the time over.
        if self.r.group_intervals.is_empty() {
            return;
        }
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

    pub(super) fn set_presence(&mut self, a: usize, to: Presence) {
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

    /// Group `g`'s absence rate on `day`: its `absence` (on a weekend day its
    /// `weekend_absence`), or with a spread a draw from
    /// the beta distribution of that mean and spread (shared by its agents that day).
    fn day_absence(&self, g: usize, day: u32) -> f64 {
        if !self.m.closed_days.is_empty() && self.m.closed_days.binary_search(&day).is_ok() {
            // A closed day: everyone is off.
            return 1.0;
        }
        let weekday = (self.m.demand.start_weekday + day as usize) % 7;
        let (a, sd) = self.m.groups[g].absence_on(weekday);
        let shared = self.m.groups[g].shared_on(weekday);
        if sd <= 0.0 {
            return a;
        }
        self.varying_absence(g, day, (a, sd), shared)
    }

    /// A draw of [`day_absence`](Self::day_absence) for a group whose absence varies.
    #[cold]
    #[inline(never)]
    fn varying_absence(&self, g: usize, day: u32, (a, sd): (f64, f64), shared: f64) -> f64 {
        let k = a * (1.0 - a) / (sd * sd) - 1.0;
        let key = DrawKey {
            seed: self.staffing_seed ^ g as u64,
            attempt: day,
            tier: 0,
        };
        // The scenario checks sd² < a(1 − a), so both shapes are positive.
        if shared <= 0.0 {
            return rand_distr::Beta::new(a * k, (1.0 - a) * k)
                .map_or(a, |b| b.sample(&mut key.rng(Purpose::DayAbsence)));
        }
        // A Gaussian copula: the day's common normal and the group's own, mixed so that two
        // groups of the same `shared` correlate by it, taken through the beta's quantiles.
        let common = DrawKey {
            seed: self.staffing_seed,
            attempt: day,
            tier: 0,
        };
        let z: f64 = rand_distr::StandardNormal.sample(&mut common.rng(Purpose::SharedAbsence));
        let own: f64 = rand_distr::StandardNormal.sample(&mut key.rng(Purpose::DayAbsence));
        let x = shared.sqrt() * z + (1.0 - shared).sqrt() * own;
        let u = (0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)).clamp(0.0, 1.0);
        statrs::distribution::Beta::new(a * k, (1.0 - a) * k)
            .map(|b| statrs::distribution::ContinuousCDF::inverse_cdf(&b, u))
            .ok()
            .filter(|r| r.is_finite())
            .map_or(a, |r| r.clamp(0.0, 1.0))
    }

    pub(super) fn day_start(&mut self, day: u32) {
        if day > 0 {
            self.customer_flows();
        }
        let d0 = f64::from(day) * DAY;
        let weekday = (self.m.demand.start_weekday + day as usize) % 7;
        let yesterday = (weekday + 6) % 7;
        self.strain_day(day);
        let m = self.m;
        let absence: Vec<f64> = (0..m.groups.len())
            .map(|g| (self.day_absence(g, day) + self.strain_absence(g)).min(1.0))
            .collect();
        let ng = m.groups.len();
        let record = !self.r.workforce.is_empty();
        if record {
            for g in 0..ng {
                let strain = self.strain.as_ref().map_or(0.0, |s| s.excess[g]);
                self.r.workforce[day as usize * ng + g].strain = strain as f32;
            }
        }
        for a in 0..self.agents.len() {
            if self.agents[a].gone {
                continue;
            }
            let slot = day as usize * ng + self.agents[a].group as usize;
            if day < self.agents[a].joins {
                self.in_training(a, day, slot);
                continue;
            }
            if record {
                let w = &mut self.r.workforce[slot];
                w.strength += 1;
                w.joined += u32::from(self.agents[a].hire && day == self.agents[a].joins);
            }
            let g = &self.m.groups[self.agents[a].group as usize];
            let (planned, absence) = (g.planned_shrinkage, absence[self.agents[a].group as usize]);
            let block = match self.agents[a].shift {
                None => {
                    if day == self.agents[a].joins {
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
                        // Its breaks after midnight.
                        for b in &s.breaks {
                            let at = start + b.start - DAY;
                            if at >= 0.0 {
                                self.schedule(at, Kind::BreakStart { agent: a as u32 });
                                self.schedule(at + b.length, Kind::BreakEnd { agent: a as u32 });
                            }
                        }
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
            let sweep = g.sweep_days;
            self.agents[a].sweeping = sweep > 0.0 && key.unit(Purpose::Sweep) < sweep;
            if record {
                self.r.workforce[slot].scheduled += 1;
                self.r.workforce[slot].absent += u32::from(absent);
            }
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
            if !absent {
                self.schedule_breaks(a, (from, to), planned, key);
            }
        }
    }

    /// Agent `a`, hired and in training on `day`: paid for its shift that day (a whole day for
    /// an around-the-clock agent), counted in its group's training time after the warm-up and in
    /// the day's workforce record at `slot`.
    fn in_training(&mut self, a: usize, day: u32, slot: usize) {
        let d0 = f64::from(day) * DAY;
        if self.agents[a].hired_at > d0 {
            return;
        }
        let g = self.agents[a].group as usize;
        let weekday = (self.m.demand.start_weekday + day as usize) % 7;
        let paid = match self.agents[a].shift {
            None => DAY,
            Some(si) => {
                let s = &self.m.groups[g].shifts[si as usize];
                if s.days[weekday] {
                    s.end - s.start
                } else {
                    0.0
                }
            }
        };
        if self.counted(d0) {
            self.r.groups[g].training += paid;
        }
        if let Some(w) = self.r.workforce.get_mut(slot) {
            w.training += 1;
            w.training_paid += paid;
        }
    }

    /// Agent `a`'s breaks in its block `from`–`to` of the day: its shift's breaks at their set
    /// times, or else a block of `planned` shrinkage at a time drawn with `key`.
    fn schedule_breaks(&mut self, a: usize, (from, to): (f64, f64), planned: f64, key: DrawKey) {
        let m = self.m;
        let breaks = self.agents[a].shift.map_or(&[][..], |si| {
            &m.groups[self.agents[a].group as usize].shifts[si as usize].breaks[..]
        });
        if !breaks.is_empty() {
            for b in breaks {
                self.schedule(from + b.start, Kind::BreakStart { agent: a as u32 });
                self.schedule(
                    from + b.start + b.length,
                    Kind::BreakEnd { agent: a as u32 },
                );
            }
        } else if planned > 0.0 {
            let len = (to - from) * planned;
            let u = key.unit(Purpose::BreakTime);
            let start = from + u * (to - from - len);
            self.schedule(start, Kind::BreakStart { agent: a as u32 });
            self.schedule(start + len, Kind::BreakEnd { agent: a as u32 });
        }
    }

    pub(super) fn shift_start(&mut self, a: usize, absent: bool) {
        let ag = &mut self.agents[a];
        if ag.gone {
            return;
        }
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

    pub(super) fn shift_end(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        ag.break_due = false;
        match ag.presence {
            Presence::Floor if ag.load > 0 => ag.leaving = true,
            _ => self.set_presence(a, Presence::Off),
        }
    }

    pub(super) fn break_start(&mut self, a: usize) {
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

    pub(super) fn break_end(&mut self, a: usize) {
        let ag = &mut self.agents[a];
        ag.break_due = false;
        if ag.presence == Presence::Away {
            self.set_presence(a, Presence::Floor);
            self.fill(a);
        }
    }

    /// Schedules the departure of every agent of a group with `attrition` who leaves before
    /// the horizon: an exponential time with rate −ln(1 − attrition) a month, from the agent's
    /// own draw (so that the same agents leave at the same times whatever else changes).
    pub(super) fn schedule_departures(&mut self) {
        for a in 0..self.agents.len() {
            let attrition = self.m.groups[self.agents[a].group as usize].attrition;
            if attrition <= 0.0 || self.strained_departures(a) {
                continue;
            }
            let rate = -(1.0 - attrition).ln() / (MONTH_DAYS * DAY);
            let key = DrawKey {
                seed: self.staffing_seed ^ self.agents[a].key,
                attempt: 0,
                tier: 0,
            };
            let at = self.agents[a].hired_at - (1.0 - key.unit(Purpose::Attrition)).ln() / rate;
            if at < self.horizon {
                self.schedule(at, Kind::Leave { agent: a as u32 });
            }
        }
    }

    /// Agent `a` leaves the operation: off the floor for good, after the contact in hand.
    pub(super) fn leave(&mut self, a: usize) {
        let g = self.agents[a].group as usize;
        if self.counted(self.now) {
            self.r.leavers[g] += 1;
        }
        let slot = (self.now / DAY) as usize * self.m.groups.len() + g;
        if let Some(w) = self.r.workforce.get_mut(slot) {
            w.leavers += 1;
        }
        let ag = &mut self.agents[a];
        ag.gone = true;
        ag.break_due = false;
        match ag.presence {
            Presence::Floor if ag.load > 0 => ag.leaving = true,
            _ => self.set_presence(a, Presence::Off),
        }
    }

    /// Agent `a`'s proficiency now at the topic of queue `route`, relative to its group's:
    /// below 1 for a new hire still coming up to speed (the skill's own ramp, else the group's
    /// `ramp_up`, from the first day on the floor), else 1.
    #[inline(always)]
    pub(super) fn skill(&self, a: usize, route: u16) -> f64 {
        if !self.ramping {
            return 1.0;
        }
        let ag = &self.agents[a];
        if !ag.hire {
            return 1.0;
        }
        let g = &self.m.groups[ag.group as usize];
        let ramp = g
            .ramp_by_topic
            .get(route as usize)
            .copied()
            .flatten()
            .or(g.ramp_up);
        ramp.map_or(1.0, |r| r.at(self.now - f64::from(ag.joins) * DAY))
    }
}
