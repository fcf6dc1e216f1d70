//! Burnout: a group whose mean occupancy over its last days worked stays above its threshold
//! is absent more often and leaves faster (the group's [`Burnout`](crate::model::Burnout)).
//!
//! Each day starts by closing the books of the day before: the group's busy and on-floor agent
//! time since the last day start give that day's occupancy (days in the warm-up, and days with
//! nobody on the floor, do not count). Departures of a group under burnout are not drawn once
//! at the start, as attrition alone is: each agent leaves when its hazard, accumulated day by
//! day at the day's rate, reaches the unit exponential drawn from its own key — the same draw
//! as without burnout, so at no strain the same agents leave at the same times (up to rounding)
//! and under strain the same agents leave, only sooner.

use std::collections::VecDeque;

use super::Engine;
use super::event::Kind;
use crate::duration::DAY;
use crate::model::MONTH_DAYS;
use crate::rng::{DrawKey, Purpose};

/// The strain of the groups under burnout, and where each of their agents stands.
pub(super) struct Strain {
    /// Per group: the occupancies of its last days worked, newest last.
    days: Vec<VecDeque<f64>>,
    /// Per group: the excess over the threshold on the current day, in [0, 1].
    pub(super) excess: Vec<f64>,
    /// Per group: busy and on-floor agent-seconds counted at the last day start.
    seen: Vec<(f64, f64)>,
    /// Per agent: hazard of leaving accumulated since hired.
    spent: Vec<f64>,
    /// Per agent: the hazard at which it leaves (infinite once its departure is scheduled, or
    /// when its group has no burnout or no attrition).
    limit: Vec<f64>,
}

impl Engine<'_> {
    /// The strain of the run's groups under burnout; `None` when no group has burnout.
    pub(super) fn new_strain(&self) -> Option<Box<Strain>> {
        let m = self.m;
        if m.groups.iter().all(|g| g.burnout.is_none()) {
            return None;
        }
        let ng = m.groups.len();
        let limit = self
            .agents
            .iter()
            .map(|a| {
                let g = &m.groups[a.group as usize];
                if g.burnout.is_none() || g.attrition <= 0.0 {
                    return f64::INFINITY;
                }
                let key = DrawKey {
                    seed: self.staffing_seed ^ a.key,
                    attempt: 0,
                    tier: 0,
                };
                -(1.0 - key.unit(Purpose::Attrition)).ln()
            })
            .collect();
        Some(Box::new(Strain {
            days: vec![VecDeque::new(); ng],
            excess: vec![0.0; ng],
            seen: vec![(0.0, 0.0); ng],
            spent: vec![0.0; self.agents.len()],
            limit,
        }))
    }

    /// Whether agent `a`'s departures follow the day-by-day hazard of burnout.
    pub(super) fn strained_departures(&self, a: usize) -> bool {
        self.strain.as_ref().is_some_and(|s| s.limit[a].is_finite())
    }

    /// At the start of `day`: the occupancy of the day before into each strained group's
    /// window, the day's excess, and the departures the day's hazard brings.
    pub(super) fn strain_day(&mut self, day: u32) {
        let Some(mut s) = self.strain.take() else {
            return;
        };
        let m = self.m;
        for (g, group) in m.groups.iter().enumerate() {
            let Some(b) = group.burnout else { continue };
            self.account(g);
            let (busy, floor) = (self.r.groups[g].busy, self.r.groups[g].available);
            let (busy0, floor0) = std::mem::replace(&mut s.seen[g], (busy, floor));
            if day > 0 && floor - floor0 > 0.0 {
                let window = &mut s.days[g];
                window.push_back((busy - busy0) / (floor - floor0));
                if window.len() > b.window as usize {
                    window.pop_front();
                }
            }
            let window = &s.days[g];
            s.excess[g] = if window.is_empty() {
                0.0
            } else {
                b.excess(window.iter().sum::<f64>() / window.len() as f64)
            };
        }
        let (d0, d1) = (f64::from(day) * DAY, f64::from(day + 1) * DAY);
        for a in 0..self.agents.len() {
            let ag = &self.agents[a];
            if !s.limit[a].is_finite() || ag.gone {
                continue;
            }
            let start = d0.max(ag.hired_at);
            if start >= d1 {
                continue;
            }
            let g = ag.group as usize;
            let group = &m.groups[g];
            let rise = group.burnout.map_or(0.0, |b| b.attrition);
            let rate =
                -(1.0 - group.attrition).ln() / (MONTH_DAYS * DAY) * (1.0 + rise * s.excess[g]);
            let need = s.limit[a] - s.spent[a];
            if need <= rate * (d1 - start) {
                s.limit[a] = f64::INFINITY;
                let at = start + need / rate;
                if at < self.horizon {
                    self.schedule(at, Kind::Leave { agent: a as u32 });
                }
            } else {
                s.spent[a] += rate * (d1 - start);
            }
        }
        self.strain = Some(s);
    }

    /// Absence group `g` adds on the current day for its strain.
    pub(super) fn strain_absence(&self, g: usize) -> f64 {
        match (&self.strain, self.m.groups[g].burnout) {
            (Some(s), Some(b)) => b.absence * s.excess[g],
            _ => 0.0,
        }
    }
}
