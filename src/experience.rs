//! Customer experience: how a contact's outcome turns into satisfaction (CSAT) and into the
//! chance that the customer leaves (churn). Both are assumptions a user can change in the
//! scenario (`[csat]`, `[customers]`); the defaults and their grounds are documented here and in
//! `docs/scenario-format.md`.

/// What happened to one contact, as far as experience goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Wait before the first agent answer (or bot time for a contained contact), seconds.
    pub wait: f64,
    /// The channel's wait tolerance (the wait at which the wait penalty is half its maximum).
    pub tolerance: f64,
    /// The issue was resolved at this contact.
    pub resolved: bool,
    /// The customer met a bot that could not help before reaching an agent.
    pub failed_bot: bool,
    /// Earlier contacts about the same issue (0 for a first contact).
    pub attempt: u32,
    /// Resolved by the bot without an agent.
    pub contained: bool,
}

/// A satisfaction model: the probability that a served customer is satisfied.
pub trait Satisfaction {
    /// Probability in [0, 1] that the customer would answer "satisfied".
    fn p_satisfied(&self, o: &Outcome) -> f64;
}

/// A churn model: the probability that a contact's experience makes the customer leave.
pub trait Churn {
    /// Probability in [0, 1].
    fn p_churn(&self, bad: &BadExperience) -> f64;
}

/// The bad things that can happen in one contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BadExperience {
    /// Answered but dissatisfied.
    pub dissatisfied: bool,
    /// Not resolved at this contact.
    pub unresolved: bool,
    /// Hung up in the queue, or got a busy signal.
    pub abandoned: bool,
    /// Left without an answer for twice the channel's wait tolerance (async channels).
    pub ignored: bool,
}

/// Satisfaction that falls with wait relative to a tolerance, and with non-resolution, a failed
/// bot attempt and each repeat:
///
/// p = base · w(wait) · u · b · r^attempt, with w(x) = floor + (1 − floor) / (1 + (x/T)^k),
///
/// a log-logistic decline: nearly flat well under the tolerance T, half-way at T, steep beyond
/// it (k = `steepness`), never below `floor`. u = `unresolved_factor` when unresolved, b =
/// `failed_bot_factor` after a failed bot attempt, r = `repeat_factor` per earlier contact. A
/// contained bot conversation has p = `bot_contained` (times u if it was not really resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitCsat {
    /// Satisfied share when everything goes well.
    pub base: f64,
    /// k, the steepness of the drop around the tolerance.
    pub steepness: f64,
    /// The lowest the wait factor goes.
    pub floor: f64,
    /// Factor when the issue is not resolved.
    pub unresolved_factor: f64,
    /// Factor after a failed bot attempt.
    pub failed_bot_factor: f64,
    /// Factor per earlier contact about the same issue.
    pub repeat_factor: f64,
    /// Satisfaction with a conversation the bot resolved.
    pub bot_contained: f64,
    /// Share of customers who answer the survey.
    pub survey_response: f64,
    /// Share of satisfied customers who would recommend (9–10 of 10: promoters); the rest are
    /// passives.
    pub promoters_if_satisfied: f64,
    /// Share of dissatisfied customers who would warn others off (0–6 of 10: detractors); the
    /// rest are passives.
    pub detractors_if_dissatisfied: f64,
}

impl Default for WaitCsat {
    /// Defaults (assumptions, of the order public benchmark summaries report):
    /// - `base` 0.88: contact-centre CSAT benchmarks commonly sit in the high 70s to high 80s %;
    /// - `steepness` 3 with the channel tolerance: chat benchmark reports find little change in
    ///   satisfaction under about 3 minutes of waiting and a sharp drop beyond, so chat's
    ///   default tolerance is 5 minutes (w(3 min) ≈ 0.86, w(5 min) = 0.65, w(10 min) ≈ 0.38);
    /// - `floor` 0.3: some customers are satisfied whatever the wait once the issue is solved;
    /// - `unresolved_factor` 0.55: an unresolved issue roughly halves satisfaction;
    /// - `repeat_factor` 0.85: studies of first-contact resolution report roughly 15% lower
    ///   satisfaction with each repeat contact;
    /// - `failed_bot_factor` 0.85 and `bot_contained` 0.75: bot conversations rate below a good
    ///   human one, and a failed bot attempt leaves a mark;
    /// - `survey_response` 0.15: post-contact survey response rates are typically 5–30%;
    /// - `promoters_if_satisfied` 0.6 and `detractors_if_dissatisfied` 0.8: NPS follows the same
    ///   experience as CSAT (customer-level CSAT and likelihood to recommend are strongly
    ///   correlated, Keiningham et al. 2007), but "satisfied" is a wider band than "promoter"
    ///   (Reichheld 2003): many satisfied customers answer 7–8, while most dissatisfied ones
    ///   answer 0–6. With these, a CSAT of 88% reads as an NPS of +43 and one of 57% as 0.
    fn default() -> Self {
        WaitCsat {
            base: 0.88,
            steepness: 3.0,
            floor: 0.3,
            unresolved_factor: 0.55,
            failed_bot_factor: 0.85,
            repeat_factor: 0.85,
            bot_contained: 0.75,
            survey_response: 0.15,
            promoters_if_satisfied: 0.6,
            detractors_if_dissatisfied: 0.8,
        }
    }
}

/// `x` to the power `n` by repeated squaring, in the order `f64::powi` multiplies (so the
/// same bits), but inlined: without a call it costs nothing for `n` = 0, the usual case.
#[inline(always)]
fn power(mut x: f64, mut n: u32) -> f64 {
    let mut r = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            r *= x;
        }
        n >>= 1;
        if n > 0 {
            x *= x;
        }
    }
    r
}

impl WaitCsat {
    /// The NPS a census would measure of `served` customers whose satisfaction probabilities
    /// sum to `satisfied` and `unserved` who abandoned or were blocked (dissatisfied): each is
    /// a promoter with probability p · `promoters_if_satisfied` and a detractor with
    /// probability (1 − p) · `detractors_if_dissatisfied`. `None` without customers.
    pub fn nps(&self, satisfied: f64, served: u64, unserved: u64) -> Option<f64> {
        let n = served + unserved;
        let dissatisfied = served as f64 - satisfied + unserved as f64;
        let net = self.promoters_if_satisfied * satisfied
            - self.detractors_if_dissatisfied * dissatisfied;
        (n > 0).then(|| 100.0 * net / n as f64)
    }

    /// The wait factor w(wait) in [floor, 1].
    pub fn wait_factor(&self, wait: f64, tolerance: f64) -> f64 {
        if wait <= 0.0 || tolerance <= 0.0 {
            return if wait <= 0.0 { 1.0 } else { self.floor };
        }
        let r = wait / tolerance;
        // Integral steepness (the default 3) is far cheaper as repeated multiplication.
        let x = if self.steepness == self.steepness.trunc() && self.steepness <= 8.0 {
            power(r, self.steepness as u32)
        } else {
            r.powf(self.steepness)
        };
        self.floor + (1.0 - self.floor) / (1.0 + x)
    }
}

impl Satisfaction for WaitCsat {
    #[inline]
    fn p_satisfied(&self, o: &Outcome) -> f64 {
        let unresolved = if o.resolved {
            1.0
        } else {
            self.unresolved_factor
        };
        let p = if o.contained {
            self.bot_contained * unresolved
        } else {
            let bot = if o.failed_bot {
                self.failed_bot_factor
            } else {
                1.0
            };
            let repeats = power(self.repeat_factor, o.attempt.min(1000));
            self.base * self.wait_factor(o.wait, o.tolerance) * unresolved * bot * repeats
        };
        p.clamp(0.0, 1.0)
    }
}

/// Churn from bad experiences: each bad thing in a contact is an independent chance to leave,
/// p = 1 − Π (1 − p_i) over the bad things that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct BadExperienceChurn {
    /// Chance to leave after a dissatisfying contact.
    pub if_dissatisfied: f64,
    /// Chance to leave after a contact that did not resolve the issue.
    pub if_unresolved: f64,
    /// Chance to leave after abandoning or a busy signal.
    pub if_abandoned: f64,
    /// Chance to leave while an email or web form waits unanswered for twice its channel's
    /// wait tolerance.
    pub if_ignored: f64,
}

impl Default for BadExperienceChurn {
    /// Defaults (assumptions to change for your business): 3% after a dissatisfying contact,
    /// 4% after an unresolved one, 2% after abandoning, 4% when a written contact is left
    /// unanswered for twice its tolerance. Surveys of consumers commonly report
    /// that a sizeable minority would switch after one or two bad service experiences; these
    /// per-contact chances are deliberately small because a customer has many contacts.
    fn default() -> Self {
        BadExperienceChurn {
            if_dissatisfied: 0.03,
            if_unresolved: 0.04,
            if_abandoned: 0.02,
            if_ignored: 0.04,
        }
    }
}

impl Churn for BadExperienceChurn {
    fn p_churn(&self, bad: &BadExperience) -> f64 {
        let mut stay = 1.0;
        if bad.dissatisfied {
            stay *= 1.0 - self.if_dissatisfied;
        }
        if bad.unresolved {
            stay *= 1.0 - self.if_unresolved;
        }
        if bad.abandoned {
            stay *= 1.0 - self.if_abandoned;
        }
        if bad.ignored {
            stay *= 1.0 - self.if_ignored;
        }
        (1.0 - stay).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(wait: f64) -> Outcome {
        Outcome {
            wait,
            tolerance: 300.0,
            resolved: true,
            failed_bot: false,
            attempt: 0,
            contained: false,
        }
    }

    #[test]
    fn power_gives_the_bits_of_powi() {
        let mut x = 0.0f64;
        for k in 0..2_000u32 {
            x += 0.0137 * f64::from(k % 97) + 1e-3;
            for n in 0..=12u32 {
                let y = x * if k % 2 == 0 { 1.0 } else { 0.01 };
                assert_eq!(power(y, n).to_bits(), y.powi(n as i32).to_bits(), "{y}^{n}");
            }
        }
    }

    #[test]
    fn wait_factor_shape() {
        let m = WaitCsat::default();
        assert_eq!(m.wait_factor(0.0, 300.0), 1.0);
        // Half-way between 1 and the floor at the tolerance.
        assert!((m.wait_factor(300.0, 300.0) - (m.floor + (1.0 - m.floor) / 2.0)).abs() < 1e-12);
        // Nearly flat well under the tolerance, steep beyond it.
        assert!(m.wait_factor(60.0, 300.0) > 0.99);
        assert!(m.wait_factor(180.0, 300.0) > 0.85);
        assert!(m.wait_factor(600.0, 300.0) < 0.4);
        // Never below the floor, monotone.
        assert!(m.wait_factor(1e9, 300.0) >= m.floor);
        let mut prev = 1.0;
        for i in 0..200 {
            let w = m.wait_factor(f64::from(i) * 10.0, 300.0);
            assert!(w <= prev + 1e-15);
            prev = w;
        }
    }

    #[test]
    fn satisfaction_falls_with_each_bad_thing() {
        let m = WaitCsat::default();
        let good = m.p_satisfied(&outcome(0.0));
        assert!((good - m.base).abs() < 1e-12);
        let slow = m.p_satisfied(&outcome(900.0));
        let unresolved = m.p_satisfied(&Outcome {
            resolved: false,
            ..outcome(0.0)
        });
        let bot = m.p_satisfied(&Outcome {
            failed_bot: true,
            ..outcome(0.0)
        });
        let repeat = m.p_satisfied(&Outcome {
            attempt: 2,
            ..outcome(0.0)
        });
        for p in [slow, unresolved, bot, repeat] {
            assert!(p < good && p > 0.0);
        }
        assert!((repeat - m.base * 0.85 * 0.85).abs() < 1e-12);
        let contained = m.p_satisfied(&Outcome {
            contained: true,
            ..outcome(100.0)
        });
        assert!((contained - m.bot_contained).abs() < 1e-12);
    }

    #[test]
    fn probabilities_stay_in_range() {
        let m = WaitCsat {
            base: 1.0,
            floor: 1.0,
            ..WaitCsat::default()
        };
        assert!(m.p_satisfied(&outcome(1e12)) <= 1.0);
        let c = BadExperienceChurn::default();
        assert_eq!(c.p_churn(&BadExperience::default()), 0.0);
        let all = c.p_churn(&BadExperience {
            dissatisfied: true,
            unresolved: true,
            abandoned: true,
            ignored: true,
        });
        assert!((all - (1.0 - 0.97 * 0.96 * 0.98 * 0.96)).abs() < 1e-12);
        let one = c.p_churn(&BadExperience {
            dissatisfied: true,
            ..BadExperience::default()
        });
        assert!(one < all);
    }
}
