//! What a customer makes of the service: satisfaction and the answer to "would you recommend
//! us?" (drawn from the customer's own key, like every decision of the journey), the chance
//! that a bad experience makes them leave, and the customer base's own flows.

use rand_distr::{Binomial, Distribution, Poisson};

use super::{Contact, Engine, Sat};
use crate::duration::DAY;
use crate::experience::{BadExperience, Churn, Outcome, Satisfaction};
use crate::model::MONTH_DAYS;
use crate::rng::Purpose;

/// An average month, seconds.
const MONTH: f64 = MONTH_DAYS * DAY;

impl Engine<'_> {
    /// Counts a contact that abandoned or was blocked in the NPS, as a dissatisfied customer:
    /// a detractor with probability `detractors_if_dissatisfied`, and the survey answer of
    /// one who answers it.
    pub(super) fn recommend_unserved(&mut self, contact: &Contact) {
        let b = self.m.csat.detractors_if_dissatisfied;
        let surveyed = contact.key.unit(Purpose::Survey) < self.m.csat.survey_response;
        let detractor = surveyed && contact.key.unit(Purpose::Recommend) < b;
        let (c, t) = (contact.channel as usize, contact.topic as usize);
        self.tally(c, t, contact.counted_at, |x| {
            x.unserved_measured += 1;
            x.unserved_surveys += u64::from(surveyed);
            x.detractors += u64::from(detractor);
        });
    }

    /// Draws satisfaction and the survey answer.
    #[inline(always)]
    pub(super) fn satisfaction(&self, contact: &Contact, outcome: &Outcome) -> Sat {
        let csat = &self.m.csat;
        let p = csat.p_satisfied(outcome);
        let satisfied = contact.key.unit(Purpose::Satisfy) < p;
        let surveyed = contact.key.unit(Purpose::Survey) < csat.survey_response;
        // Only a surveyed customer's answer to "would you recommend us?" is drawn.
        let (promoter, detractor) = if surveyed {
            let u = contact.key.unit(Purpose::Recommend);
            if satisfied {
                (u < csat.promoters_if_satisfied, false)
            } else {
                (false, u < csat.detractors_if_dissatisfied)
            }
        } else {
            (false, false)
        };
        Sat {
            p,
            satisfied,
            surveyed,
            promoter,
            detractor,
        }
    }

    /// Draws whether a bad experience makes the customer leave; returns true if it does.
    pub(super) fn maybe_churn(&mut self, contact: &Contact, bad: BadExperience) -> bool {
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

    /// Churn unrelated to service and new customers, once a day from the customers stream.
    pub(super) fn customer_flows(&mut self) {
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
}
