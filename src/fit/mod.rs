//! Calibration from history: a contact log ([`crate::contact_log`]) in, the parameters of a
//! scenario with their uncertainty out — arrival profile per weekday and interval, day-to-day
//! variation, topics and priorities, handle time per topic, patience, and agents on duty.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::contact_log::{Fate, LogRead, LoggedContact};
use crate::duration::DAY;
use crate::mle::{self, DistFit, KmPoint};

/// Choices of a fit.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Length of an interval of the arrival profile, seconds (divides a day).
    pub interval: f64,
    /// Topics with a smaller share are pooled into "other" (per priority).
    pub min_topic_share: f64,
    /// Fewest answered contacts for a topic to get its own handle-time fit.
    pub min_handled: usize,
    /// An agent's services closer than this belong to one stretch on duty, seconds.
    pub session_gap: f64,
    /// Days of the log (0 is its first) left out of the weekday means, the intraday profiles
    /// and the day-to-day variation: holidays, known in advance rather than random.
    pub skip_days: Vec<u32>,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            interval: 1800.0,
            min_topic_share: 0.01,
            min_handled: 50,
            session_gap: 900.0,
            skip_days: Vec::new(),
        }
    }
}

/// A value with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Est {
    /// Estimate.
    pub value: f64,
    /// Standard error.
    pub se: f64,
}

/// The share and handle time of a topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicFit {
    /// Name in the fitted scenario.
    pub name: String,
    /// Values of the log's topic column pooled into it.
    pub values: Vec<String>,
    /// Priority rank (1 most urgent).
    pub priority: u32,
    /// Contacts offered.
    pub offered: usize,
    /// Share of offered contacts.
    pub share: Est,
    /// Handle-time fits, best first (empty when too few were answered).
    #[serde(skip)]
    pub handle: Vec<DistFit>,
}

/// Agents on duty reconstructed from their own activity (a lower bound: an agent with no
/// contact in a stretch of the day is not seen).
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    /// Slot length, seconds.
    pub slot: f64,
    /// Mean agents on duty per (day, slot).
    pub on_duty: Vec<Vec<f64>>,
    /// Agent-seconds busy on contacts per (day, slot).
    pub busy: Vec<Vec<f64>>,
    /// Agents named in the log.
    pub agents: usize,
}

/// Everything fitted from a log.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Days covered (first to last, inclusive).
    pub days: u32,
    /// Weekday of day 0.
    pub start_weekday: usize,
    /// Day 0 as the log writes it.
    pub first_date: String,
    /// Contacts offered (answered + abandoned), answered, abandoned.
    pub offered: usize,
    /// Answered contacts.
    pub answered: usize,
    /// Abandoned contacts.
    pub abandoned: usize,
    /// Interval length, seconds.
    pub interval: f64,
    /// Mean contacts a day over the weekdays seen.
    pub per_day: Est,
    /// Weekday weights (mean day ÷ `per_day`) and the number of such days in the log; `None`
    /// for a weekday the log does not cover.
    pub weekday: [Option<(Est, usize)>; 7],
    /// Mean contacts per interval, per weekday.
    pub profile: [Vec<Est>; 7],
    /// Day-to-day variation beyond Poisson (CV of the day factor).
    pub day_cv: Est,
    /// Topics, largest first within each priority.
    pub topics: Vec<TopicFit>,
    /// Handle-time fits over all topics, best first.
    pub handle: Vec<DistFit>,
    /// Patience fits (abandoned waits observed, answered waits censored), best first.
    pub patience: Vec<DistFit>,
    /// Kaplan–Meier curve of patience.
    pub patience_km: Vec<KmPoint>,
    /// Mean wait of answered contacts (ASA, seconds) and how many, per priority.
    pub priority_asa: BTreeMap<u32, (f64, usize)>,
    /// Whether the log shows priorities served first: every more urgent class has a shorter
    /// ASA than every less urgent one. When it does not, the fitted scenario gives all topics
    /// one priority (strict priority would contradict the log).
    pub priorities_honoured: bool,
    /// Patience fits per priority, when the log has several priorities each with enough
    /// abandoned contacts (customers of different classes wait differently).
    pub patience_by_priority: BTreeMap<u32, Vec<DistFit>>,
    /// Agents on duty, when the log names agents.
    pub staffing: Option<Staffing>,
    /// After-call work: fits to the gaps between an agent's consecutive contacts while
    /// callers were waiting, best first (empty when the log names no agents or the gaps are
    /// nil).
    pub after_call: Vec<DistFit>,
    /// Median of those gaps, seconds, and how many there were.
    pub after_call_gaps: (f64, usize),
    /// The gaps' percentiles 0, 1, …, 100 (seconds), written as an empirical distribution
    /// when no family fits them (empty when there are too few gaps).
    pub after_call_quantiles: Vec<f64>,
    /// Contacts offered per (day, interval).
    pub counts: Vec<Vec<u32>>,
}

/// Which of the fitted topics a logged contact of `priority` about the log's topic `name`
/// belongs to.
pub fn topic_of(topics: &[TopicFit], priority: u32, name: &str) -> Option<usize> {
    topics
        .iter()
        .position(|t| t.priority == priority && t.values.iter().any(|v| v == name))
        .or_else(|| {
            topics
                .iter()
                .position(|t| t.priority == priority && t.values.is_empty())
        })
}

/// The mean of `x` and its standard error; for a single day, the Poisson error √mean.
fn mean_se(x: &[f64]) -> Est {
    match crate::stats::mean_se(x) {
        None => Est {
            value: 0.0,
            se: f64::NAN,
        },
        Some(m) => Est {
            value: m.mean,
            se: m.std_err.unwrap_or_else(|| m.mean.max(0.0).sqrt()),
        },
    }
}

/// The arrivals of a log: contacts per day and interval, the mean day per weekday and its
/// weights, the intraday profile per weekday, and the day-to-day variation beyond Poisson.
struct Arrivals {
    days: u32,
    counts: Vec<Vec<u32>>,
    per_day: Est,
    weekday: [Option<(Est, usize)>; 7],
    profile: [Vec<Est>; 7],
    day_cv: Est,
}

/// Fits the arrivals of `log`.
fn arrivals(log: &LogRead, opts: &FitOptions) -> Arrivals {
    let contacts = &log.contacts;
    let days = contacts.iter().map(|c| c.day + 1).max().unwrap_or(1);
    let per_slot = ((DAY / opts.interval).round() as usize).max(1);
    let mut counts = vec![vec![0u32; per_slot]; days as usize];
    for c in contacts {
        let s = ((c.time_of_day() / opts.interval) as usize).min(per_slot - 1);
        counts[c.day as usize][s] += 1;
    }
    let weekday_of = |d: usize| (log.start_weekday + d) % 7;
    let totals: Vec<f64> = counts
        .iter()
        .map(|d| d.iter().map(|&x| f64::from(x)).sum())
        .collect();
    let mut by_weekday: [Vec<usize>; 7] = Default::default();
    let skipped = |d: usize| opts.skip_days.contains(&(d as u32));
    for d in (0..days as usize).filter(|&d| !skipped(d)) {
        by_weekday[weekday_of(d)].push(d);
    }
    let day_means: [Option<Est>; 7] = std::array::from_fn(|w| {
        let ds = &by_weekday[w];
        (!ds.is_empty()).then(|| mean_se(&ds.iter().map(|&d| totals[d]).collect::<Vec<_>>()))
    });
    let seen: Vec<Est> = day_means.iter().flatten().copied().collect();
    let per_day_value = seen.iter().map(|e| e.value).sum::<f64>() / seen.len().max(1) as f64;
    let per_day_se =
        (seen.iter().map(|e| e.se * e.se).sum::<f64>()).sqrt() / seen.len().max(1) as f64;
    let weekday: [Option<(Est, usize)>; 7] = std::array::from_fn(|w| {
        day_means[w].map(|e| {
            (
                Est {
                    value: e.value / per_day_value.max(f64::MIN_POSITIVE),
                    se: e.se / per_day_value.max(f64::MIN_POSITIVE),
                },
                by_weekday[w].len(),
            )
        })
    });
    let profile: [Vec<Est>; 7] = std::array::from_fn(|w| {
        (0..per_slot)
            .map(|s| {
                let x: Vec<f64> = by_weekday[w]
                    .iter()
                    .map(|&d| f64::from(counts[d][s]))
                    .collect();
                mean_se(&x)
            })
            .collect()
    });
    // Day-to-day variation: each day's total over its weekday's mean has variance
    // cv² + 1/mean (gamma-mixed Poisson); each weekday's mean costs one degree of freedom.
    let (mut ss, mut inv, mut n_used) = (0.0, 0.0, 0usize);
    for (d, total) in totals.iter().enumerate().filter(|(d, _)| !skipped(*d)) {
        if let Some(m) = day_means[weekday_of(d)]
            && m.value > 0.0
        {
            ss += (total / m.value - 1.0).powi(2);
            inv += 1.0 / m.value;
            n_used += 1;
        }
    }
    let groups = day_means
        .iter()
        .filter(|m| m.is_some_and(|m| m.value > 0.0))
        .count();
    let dof = n_used.saturating_sub(groups);
    let day_cv = if dof > 0 {
        let var = ss / dof as f64;
        let cv2 = (var - inv / n_used as f64).max(0.0);
        let cv = cv2.sqrt();
        // se of a variance estimate: var·sqrt(2/dof); through cv = sqrt(cv²).
        let se_cv2 = var * (2.0 / dof as f64).sqrt();
        Est {
            value: cv,
            se: if cv > 0.0 {
                se_cv2 / (2.0 * cv)
            } else {
                se_cv2.sqrt()
            },
        }
    } else {
        Est {
            value: 0.0,
            se: f64::NAN,
        }
    };

    Arrivals {
        days,
        counts,
        per_day: Est {
            value: per_day_value,
            se: per_day_se,
        },
        weekday,
        profile,
        day_cv,
    }
}

/// Topics: the log's topic × priority values with their shares, small ones pooled per
/// priority into "other"; largest first within each priority.
fn topics(log: &LogRead, opts: &FitOptions) -> Vec<TopicFit> {
    // Topics: the log's topic × priority, small ones pooled per priority.
    let n = log.contacts.len().max(1) as f64;
    let mut by_id: BTreeMap<(u32, u32), usize> = BTreeMap::new();
    for c in &log.contacts {
        *by_id.entry((c.priority, c.topic)).or_default() += 1;
    }
    let mut groups_tp: BTreeMap<(u32, String), usize> = BTreeMap::new();
    for ((p, t), k) in by_id {
        *groups_tp
            .entry((p, log.topics[t as usize].clone()))
            .or_default() += k;
    }
    let ranks_of = |v: &str| groups_tp.keys().filter(|(_, t)| t == v).count();
    let mut topics: Vec<TopicFit> = Vec::new();
    let mut pooled: BTreeMap<u32, usize> = BTreeMap::new();
    for ((p, v), k) in &groups_tp {
        if (*k as f64) / n < opts.min_topic_share {
            *pooled.entry(*p).or_default() += k;
            continue;
        }
        let name = if ranks_of(v) > 1 {
            format!("{v} p{p}")
        } else {
            v.clone()
        };
        topics.push(TopicFit {
            name,
            values: vec![v.clone()],
            priority: *p,
            offered: *k,
            share: Est {
                value: 0.0,
                se: 0.0,
            },
            handle: Vec::new(),
        });
    }
    for (p, k) in pooled {
        // Named after its priority when several priorities pool their small topics.
        let name =
            if topics.iter().any(|t| t.name == "other") || groups_tp.keys().any(|(q, _)| *q != p) {
                format!("other p{p}")
            } else {
                "other".into()
            };
        topics.push(TopicFit {
            name,
            values: Vec::new(),
            priority: p,
            offered: k,
            share: Est {
                value: 0.0,
                se: 0.0,
            },
            handle: Vec::new(),
        });
    }
    topics.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.offered.cmp(&a.offered)));
    for t in &mut topics {
        let p = t.offered as f64 / n;
        t.share = Est {
            value: p,
            se: (p * (1.0 - p) / n).sqrt(),
        };
    }
    topics
}

/// Service: handle times per topic and overall, patience overall and per priority class, the
/// Kaplan–Meier curve, and whether the log's priorities were served first.
struct Service {
    handle: Vec<DistFit>,
    patience: Vec<DistFit>,
    patience_km: Vec<KmPoint>,
    priority_asa: BTreeMap<u32, (f64, usize)>,
    priorities_honoured: bool,
    patience_by_priority: BTreeMap<u32, Vec<DistFit>>,
}

/// Fits the service of `contacts`, and each topic's handle time into `topics`.
fn service(log: &LogRead, topics: &mut [TopicFit], opts: &FitOptions) -> Service {
    let contacts = &log.contacts;
    // Handle times: answered contacts with a named agent when the log names agents (rows
    // without one are system hand-offs of a few seconds, not agent work).
    let names_agents = contacts.iter().any(|c| c.agent.is_some());
    let handled =
        |c: &&LoggedContact| c.fate == Fate::Answered && (!names_agents || c.agent.is_some());
    // Each pass keeps only what it fits, and lets it go before the next.
    let handle = {
        let mut per_topic: Vec<Vec<f64>> = vec![Vec::new(); topics.len()];
        let mut all_handle = Vec::new();
        for c in contacts.iter().filter(handled) {
            if let Some(h) = c.handled() {
                all_handle.push(h);
                if let Some(t) = topic_of(topics, c.priority, log.topic_name(c)) {
                    per_topic[t].push(h);
                }
            }
        }
        for (t, h) in topics.iter_mut().zip(&per_topic) {
            if h.len() >= opts.min_handled {
                t.handle = mle::fit_best(h, &[]);
            }
        }
        mle::fit_best(&all_handle, &[])
    };
    // Patience: abandoned waits are observed, answered waits censored.
    let (mut ev, mut ce) = (Vec::new(), Vec::new());
    for c in contacts {
        match c.fate {
            Fate::Abandoned => ev.push(c.waited()),
            Fate::Answered => ce.push(c.waited()),
        }
    }
    let patience = mle::fit_best(&ev, &ce);
    let patience_km = mle::kaplan_meier(
        &ev.iter().map(|x| x.max(mle::FLOOR)).collect::<Vec<_>>(),
        &ce.iter()
            .copied()
            .filter(|x| *x > mle::FLOOR)
            .collect::<Vec<_>>(),
    );
    // Per priority class; with one class, the waits above are its waits.
    let mut classes: BTreeMap<u32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    if contacts.iter().any(|c| c.priority != contacts[0].priority) {
        for c in contacts {
            let e = classes.entry(c.priority).or_default();
            match c.fate {
                Fate::Abandoned => e.0.push(c.waited()),
                Fate::Answered => e.1.push(c.waited()),
            }
        }
    } else if let Some(c) = contacts.first() {
        classes.insert(
            c.priority,
            (std::mem::take(&mut ev), std::mem::take(&mut ce)),
        );
    }
    let priority_asa: BTreeMap<u32, (f64, usize)> = classes
        .iter()
        .map(|(p, (_, served))| {
            let n = served.len();
            (*p, (served.iter().sum::<f64>() / n.max(1) as f64, n))
        })
        .collect();
    let asas: Vec<f64> = priority_asa.values().map(|v| v.0).collect();
    let priorities_honoured = asas.windows(2).all(|w| w[0] < w[1]);
    let patience_by_priority =
        if classes.len() > 1 && classes.values().all(|(a, _)| a.len() >= opts.min_handled) {
            classes
                .iter()
                .map(|(p, (a, s))| (*p, mle::fit_best(a, s)))
                .collect()
        } else {
            BTreeMap::new()
        };
    Service {
        handle,
        patience,
        patience_km,
        priority_asa,
        priorities_honoured,
        patience_by_priority,
    }
}

/// Agents on duty and after-call work, from the agents' own contacts (when the log names them).
struct Agents {
    staffing: Option<Staffing>,
    after_call: Vec<DistFit>,
    after_call_gaps: (f64, usize),
    after_call_quantiles: Vec<f64>,
}

/// Fits the agents of `log` over `days` days.
fn agents_of(log: &LogRead, days: u32, opts: &FitOptions) -> Agents {
    let contacts = &log.contacts;
    let names_agents = contacts.iter().any(|c| c.agent.is_some());
    let staffing = names_agents.then(|| staffing(log, days, 300.0, opts.session_gap));
    let gaps = if names_agents {
        busy_gaps(log, opts.session_gap)
    } else {
        Vec::new()
    };
    let mut sorted = gaps.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    // Percentiles by linear interpolation between order statistics (Hyndman & Fan's type 7).
    let after_call_quantiles = if sorted.len() >= EMPIRICAL_MIN {
        (0..=100)
            .map(|p| {
                let x = p as f64 / 100.0 * (sorted.len() - 1) as f64;
                let i = (x as usize).min(sorted.len() - 2);
                let f = x - i as f64;
                sorted[i] + f * (sorted[i + 1] - sorted[i])
            })
            .collect()
    } else {
        Vec::new()
    };
    // Gaps of a second or less are the log's rounding, not work.
    let after_call = if gaps.len() >= opts.min_handled && median >= 1.0 {
        mle::fit_best(&gaps, &[])
    } else {
        Vec::new()
    };
    Agents {
        staffing,
        after_call,
        after_call_gaps: (median, gaps.len()),
        after_call_quantiles,
    }
}

/// Fits a scenario's parameters to a log.
pub fn fit(log: &LogRead, opts: &FitOptions) -> Fit {
    let contacts = &log.contacts;
    let a = arrivals(log, opts);
    let mut topics = topics(log, opts);
    let s = service(log, &mut topics, opts);
    let g = agents_of(log, a.days, opts);
    let answered = contacts.iter().filter(|c| c.fate == Fate::Answered).count();
    Fit {
        after_call: g.after_call,
        after_call_gaps: g.after_call_gaps,
        after_call_quantiles: g.after_call_quantiles,
        days: a.days,
        start_weekday: log.start_weekday,
        first_date: log.first_date.clone(),
        offered: contacts.len(),
        answered,
        abandoned: contacts.len() - answered,
        interval: opts.interval,
        per_day: a.per_day,
        weekday: a.weekday,
        profile: a.profile,
        day_cv: a.day_cv,
        topics,
        handle: s.handle,
        patience: s.patience,
        patience_km: s.patience_km,
        patience_by_priority: s.patience_by_priority,
        priority_asa: s.priority_asa,
        priorities_honoured: s.priorities_honoured,
        staffing: g.staffing,
        counts: a.counts,
    }
}

/// The most gaps' largest Kolmogorov–Smirnov distance from the best-fitting family before the
/// measured percentiles are written instead.
pub(crate) const EMPIRICAL_KS: f64 = 0.1;
/// Gaps needed before their percentiles stand for the distribution.
pub(crate) const EMPIRICAL_MIN: usize = 500;

mod agents;
mod pending;
mod presence;
mod queues;
mod scenario;
mod tickets;

pub use agents::{busy_gaps, staffing, weekday_staffing};
pub use presence::{Presence, presence, shared};
pub use queues::{OTHER_GROUPS, queue_skill};
pub use scenario::{ChannelSpec, ScenarioError, dist_note, scenario, scenario_text};
pub use tickets::{
    AGENT_DAY_HOURS, ASSUMED_OCCUPANCY, Effort, SATURATED_SHARE, answer_target, desk_presence,
    measured_target, occupancy, ticket_scenario, weekend_presence,
};
