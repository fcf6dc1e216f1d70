//! Analytic staffing calculators (Erlang B, C and A) over the exact formulas of
//! [`crate::queueing`]: the performance of a given number of agents, or the fewest agents that
//! meet a service-level target and an occupancy ceiling.

use serde::Serialize;

use crate::queueing;

/// Which model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Erlang B: no queue, blocked calls are lost (M/M/c/c).
    B,
    /// Erlang C: infinite queue, nobody abandons (M/M/c).
    C,
    /// Erlang A: callers abandon after an exponential patience (M/M/c+M).
    A,
}

impl Model {
    /// Name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Model::B => "erlang_b",
            Model::C => "erlang_c",
            Model::A => "erlang_a",
        }
    }
}

/// A staffing question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Model.
    pub model: Model,
    /// Arrivals per hour.
    pub per_hour: f64,
    /// Average handle time, seconds.
    pub aht: f64,
    /// Mean patience, seconds (Erlang A only).
    pub patience: Option<f64>,
    /// Service-level threshold, seconds (C and A).
    pub answer_within: f64,
    /// Agents to evaluate; `None` to find the fewest meeting the target.
    pub agents: Option<u32>,
    /// Service-level target (share answered within the threshold; for B, share not blocked).
    pub target_sl: Option<f64>,
    /// Occupancy ceiling for the search.
    pub max_occupancy: Option<f64>,
    /// Shrinkage, to report the agents to schedule.
    pub shrinkage: Option<f64>,
}

/// The answer, in the shape of `--json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    /// `erlang_b`, `erlang_c` or `erlang_a`.
    pub model: &'static str,
    /// Arrivals per hour.
    pub per_hour: f64,
    /// Average handle time, seconds.
    pub aht_seconds: f64,
    /// Offered load, Erlangs.
    pub offered_erlangs: f64,
    /// Agents on the phones.
    pub agents: u32,
    /// Agents to schedule given the shrinkage, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents_with_shrinkage: Option<u32>,
    /// Service-level threshold, seconds.
    pub answer_within_seconds: f64,
    /// Probability an arrival is not answered at once.
    pub p_wait: f64,
    /// Answered within the threshold ÷ offered (for B: answered ÷ offered).
    pub service_level: f64,
    /// Mean wait of answered contacts, seconds.
    pub asa_seconds: f64,
    /// Busy time ÷ agent time.
    pub occupancy: f64,
    /// Abandoned ÷ offered (Erlang A).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abandon_rate: Option<f64>,
    /// Blocked ÷ offered (Erlang B).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocking: Option<f64>,
}

/// Why a question has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoAnswer {
    /// No number of agents up to the limit meets the target.
    #[error("no staffing up to {0} agents meets the target; check the volume and handle time")]
    TooMany(u32),
}

/// Upper bound of the search.
const MAX_AGENTS: u32 = 200_000;

/// Evaluates `n` agents.
pub fn evaluate(q: &Question, n: u32) -> Answer {
    let lambda = q.per_hour / 3600.0;
    let a = lambda * q.aht;
    let (m, abandon, blocking) = match q.model {
        Model::B => {
            let b = queueing::erlang_b(n, a);
            (
                queueing::Measures {
                    p_wait: b,
                    service_level: 1.0 - b,
                    asa: 0.0,
                    mean_wait: 0.0,
                    abandon_rate: 0.0,
                    blocked_rate: b,
                    occupancy: a * (1.0 - b) / f64::from(n.max(1)),
                },
                None,
                Some(b),
            )
        }
        Model::C => {
            if a >= f64::from(n) {
                // Unstable: everyone waits, waits grow without bound.
                (
                    queueing::Measures {
                        p_wait: 1.0,
                        service_level: 0.0,
                        asa: f64::INFINITY,
                        mean_wait: f64::INFINITY,
                        abandon_rate: 0.0,
                        blocked_rate: 0.0,
                        occupancy: 1.0,
                    },
                    None,
                    None,
                )
            } else {
                (queueing::mmc(lambda, q.aht, n, q.answer_within), None, None)
            }
        }
        Model::A => {
            let m = queueing::erlang_a(
                lambda,
                q.aht,
                n,
                q.patience.unwrap_or(f64::INFINITY),
                q.answer_within,
            );
            (m, Some(m.abandon_rate), None)
        }
    };
    Answer {
        model: q.model.name(),
        per_hour: q.per_hour,
        aht_seconds: q.aht,
        offered_erlangs: a,
        agents: n,
        agents_with_shrinkage: q
            .shrinkage
            .map(|s| (f64::from(n) / (1.0 - s) - 1e-9).ceil() as u32),
        answer_within_seconds: q.answer_within,
        p_wait: m.p_wait,
        service_level: m.service_level,
        asa_seconds: m.asa,
        occupancy: m.occupancy.min(1.0),
        abandon_rate: abandon,
        blocking,
    }
}

/// Answers the question: evaluates the given agents, or finds the fewest that meet the target
/// service level and stay at or under the occupancy ceiling (both improve with more agents, so
/// a bisection finds the smallest).
pub fn solve(q: &Question) -> Result<Answer, NoAnswer> {
    if let Some(n) = q.agents {
        return Ok(evaluate(q, n));
    }
    let meets = |n: u32| {
        let ans = evaluate(q, n);
        q.target_sl.is_none_or(|t| ans.service_level >= t - 1e-12)
            && q.max_occupancy.is_none_or(|m| ans.occupancy <= m + 1e-12)
    };
    let a = q.per_hour / 3600.0 * q.aht;
    if a.is_nan() || a >= f64::from(MAX_AGENTS) {
        return Err(NoAnswer::TooMany(MAX_AGENTS));
    }
    // Meeting the target only gets easier with more agents: bracket the fewest that do between
    // a failing `lo` (or 0) and a meeting `hi`, then bisect.
    let start = (a.floor() as u32).max(1);
    let (mut lo, mut hi) = if meets(start) {
        // With abandonment a target can be met below the load: search down by halving.
        let mut hi = start;
        let mut lo = hi / 2;
        while lo > 0 && meets(lo) {
            hi = lo;
            lo /= 2;
        }
        (lo, hi)
    } else {
        let mut lo = start;
        let mut hi = (start * 2).min(MAX_AGENTS);
        while !meets(hi) {
            if hi >= MAX_AGENTS {
                return Err(NoAnswer::TooMany(MAX_AGENTS));
            }
            lo = hi;
            hi = (hi * 2).min(MAX_AGENTS);
        }
        (lo, hi)
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(evaluate(q, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(per_hour: f64, aht: f64, within: f64) -> Question {
        Question {
            model: Model::C,
            per_hour,
            aht,
            patience: None,
            answer_within: within,
            agents: None,
            target_sl: None,
            max_occupancy: None,
            shrinkage: None,
        }
    }

    #[test]
    fn search_finds_the_smallest() {
        let q = Question {
            target_sl: Some(0.8),
            ..c(600.0, 300.0, 20.0)
        };
        let ans = solve(&q).expect("answer");
        assert!(ans.service_level >= 0.8);
        assert!(evaluate(&q, ans.agents - 1).service_level < 0.8);
    }

    #[test]
    fn occupancy_ceiling_binds() {
        let q = Question {
            target_sl: Some(0.5),
            max_occupancy: Some(0.8),
            ..c(600.0, 300.0, 20.0)
        };
        let ans = solve(&q).expect("answer");
        assert!(ans.occupancy <= 0.8);
        assert_eq!(ans.agents, 63); // 50 Erlangs / 0.8 = 62.5
    }

    #[test]
    fn a_target_met_below_the_load_is_found_quickly_and_exactly() {
        // 100,000 calls an hour of 5 minutes with 3 minutes' patience: abandonment lets fewer
        // agents than the 8,333 Erlangs meet 80% in 20 s.
        let q = Question {
            model: Model::A,
            patience: Some(180.0),
            target_sl: Some(0.8),
            ..c(100_000.0, 300.0, 20.0)
        };
        let started = std::time::Instant::now();
        let ans = solve(&q).expect("answer");
        assert!(
            started.elapsed().as_secs_f64() < 1.0,
            "{:?}",
            started.elapsed()
        );
        assert!(ans.agents < 8_333 && ans.service_level >= 0.8);
        assert!(evaluate(&q, ans.agents - 1).service_level < 0.8);
        // A load beyond the search's reach is refused, not overflowed.
        let huge = Question {
            target_sl: Some(0.8),
            ..c(1e12, 300.0, 20.0)
        };
        assert_eq!(solve(&huge), Err(NoAnswer::TooMany(MAX_AGENTS)));
    }

    #[test]
    fn shrinkage_rounds_up() {
        let q = Question {
            agents: Some(14),
            shrinkage: Some(0.3),
            ..c(200.0, 180.0, 20.0)
        };
        assert_eq!(solve(&q).expect("answer").agents_with_shrinkage, Some(20));
    }
}
