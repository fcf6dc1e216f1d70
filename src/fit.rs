//! Calibration from history: a contact log ([`crate::contact_log`]) in, the parameters of a
//! scenario with their uncertainty out — arrival profile per weekday and interval, day-to-day
//! variation, topics and priorities, handle time per topic, patience, and agents on duty.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::contact_log::{Fate, LogRead, LoggedContact};
use crate::dist::Family;
use crate::duration::{DAY, WEEKDAYS, hhmm};
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
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            interval: 1800.0,
            min_topic_share: 0.01,
            min_handled: 50,
            session_gap: 900.0,
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

/// Name of the topic a logged contact belongs to, given the fitted topics.
pub fn topic_of(topics: &[TopicFit], c: &LoggedContact) -> Option<usize> {
    topics
        .iter()
        .position(|t| t.priority == c.priority && t.values.contains(&c.topic))
        .or_else(|| {
            topics
                .iter()
                .position(|t| t.priority == c.priority && t.values.is_empty())
        })
}

fn mean_se(x: &[f64]) -> Est {
    let n = x.len() as f64;
    if n == 0.0 {
        return Est {
            value: 0.0,
            se: f64::NAN,
        };
    }
    let m = x.iter().sum::<f64>() / n;
    let se = if n > 1.0 {
        (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
    } else {
        m.max(0.0).sqrt()
    };
    Est { value: m, se }
}

/// Fits a scenario's parameters to a log.
pub fn fit(log: &LogRead, opts: &FitOptions) -> Fit {
    let contacts = &log.contacts;
    let days = contacts.iter().map(|c| c.day + 1).max().unwrap_or(1);
    let per_slot = ((DAY / opts.interval).round() as usize).max(1);
    let mut counts = vec![vec![0u32; per_slot]; days as usize];
    for c in contacts {
        let s = ((c.time / opts.interval) as usize).min(per_slot - 1);
        counts[c.day as usize][s] += 1;
    }
    let weekday_of = |d: usize| (log.start_weekday + d) % 7;
    let totals: Vec<f64> = counts
        .iter()
        .map(|d| d.iter().map(|&x| f64::from(x)).sum())
        .collect();
    let mut by_weekday: [Vec<usize>; 7] = Default::default();
    for d in 0..days as usize {
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
    for (d, total) in totals.iter().enumerate() {
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

    // Topics: the log's topic × priority, small ones pooled per priority.
    let n = contacts.len().max(1) as f64;
    let mut groups_tp: BTreeMap<(u32, String), usize> = BTreeMap::new();
    for c in contacts {
        *groups_tp.entry((c.priority, c.topic.clone())).or_default() += 1;
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
    // Handle times: answered contacts with a named agent when the log names agents (rows
    // without one are system hand-offs of a few seconds, not agent work).
    let names_agents = contacts.iter().any(|c| c.agent.is_some());
    let handled =
        |c: &&LoggedContact| c.fate == Fate::Answered && (!names_agents || c.agent.is_some());
    let mut per_topic: Vec<Vec<f64>> = vec![Vec::new(); topics.len()];
    let mut all_handle = Vec::new();
    for c in contacts.iter().filter(handled) {
        if let Some(h) = c.handle {
            all_handle.push(h);
            if let Some(t) = topic_of(&topics, c) {
                per_topic[t].push(h);
            }
        }
    }
    for (t, h) in topics.iter_mut().zip(&per_topic) {
        if h.len() >= opts.min_handled {
            t.handle = mle::fit_best(h, &[]);
        }
    }
    let handle = mle::fit_best(&all_handle, &[]);
    // Patience: abandoned waits are observed, answered waits censored.
    let (mut ev, mut ce) = (Vec::new(), Vec::new());
    for c in contacts {
        match c.fate {
            Fate::Abandoned => ev.push(c.wait),
            Fate::Answered => ce.push(c.wait),
        }
    }
    let patience = mle::fit_best(&ev, &ce);
    let mut classes: BTreeMap<u32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for c in contacts {
        let e = classes.entry(c.priority).or_default();
        match c.fate {
            Fate::Abandoned => e.0.push(c.wait),
            Fate::Answered => e.1.push(c.wait),
        }
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
    let patience_km = mle::kaplan_meier(
        &ev.iter().map(|x| x.max(mle::FLOOR)).collect::<Vec<_>>(),
        &ce.iter()
            .copied()
            .filter(|x| *x > mle::FLOOR)
            .collect::<Vec<_>>(),
    );
    let staffing =
        names_agents.then(|| staffing(contacts, &log.other_work, days, 300.0, opts.session_gap));
    let gaps = if names_agents {
        busy_gaps(contacts, &log.other_work, opts.session_gap)
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
    let answered = contacts.iter().filter(|c| c.fate == Fate::Answered).count();
    Fit {
        after_call,
        after_call_gaps: (median, gaps.len()),
        after_call_quantiles,
        days,
        start_weekday: log.start_weekday,
        first_date: log.first_date.clone(),
        offered: contacts.len(),
        answered,
        abandoned: contacts.len() - answered,
        interval: opts.interval,
        per_day: Est {
            value: per_day_value,
            se: per_day_se,
        },
        weekday,
        profile,
        day_cv,
        topics,
        handle,
        patience,
        patience_km,
        patience_by_priority,
        priority_asa,
        priorities_honoured,
        staffing,
        counts,
    }
}

/// Gaps between the end of an agent's contact and the start of their next one, when callers
/// were waiting at the end of the first (so the agent could have taken one at once) and the
/// gap is shorter than `max_gap`. In a queue that never leaves an agent idle while callers
/// wait, these gaps are the agent's after-call work and other short unavailability. A gap in
/// which the agent handled a contact of another channel (`other`) is work there, not a gap.
pub fn busy_gaps(
    contacts: &[LoggedContact],
    other: &BTreeMap<String, Vec<(f64, f64)>>,
    max_gap: f64,
) -> Vec<f64> {
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for c in contacts {
        let arrival = f64::from(c.day) * DAY + c.time;
        if c.wait > 0.0 {
            starts.push(arrival);
            ends.push(arrival + c.wait);
        }
        if let (Fate::Answered, Some(a), Some(h)) = (c.fate, &c.agent, c.handle) {
            let s = arrival + c.wait;
            by_agent.entry(a).or_default().push((s, s + h));
        }
    }
    starts.sort_by(f64::total_cmp);
    ends.sort_by(f64::total_cmp);
    // Callers waiting at t: waits begun at or before t and not yet over.
    let waiting = |t: f64| {
        let begun = starts.partition_point(|&x| x <= t);
        let over = ends.partition_point(|&x| x <= t);
        begun > over
    };
    let mut gaps = Vec::new();
    for (agent, spans) in by_agent.iter_mut() {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut elsewhere: Vec<(f64, f64)> = other.get(*agent).cloned().unwrap_or_default();
        elsewhere.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Whether the agent worked elsewhere at some time in (a, b).
        let busy_elsewhere = |a: f64, b: f64| {
            let i = elsewhere.partition_point(|x| x.0 < b);
            elsewhere[..i].iter().rev().take(64).any(|x| x.1 > a)
        };
        for w in spans.windows(2) {
            let gap = w[1].0 - w[0].1;
            if (0.0..=max_gap).contains(&gap)
                && waiting(w[0].1 + 1.0)
                && !busy_elsewhere(w[0].1, w[1].0)
            {
                gaps.push(gap);
            }
        }
    }
    gaps
}

/// Agents on duty per (day, slot of `slot` seconds): each agent is on duty from the start of a
/// service to the end of the last one that follows with gaps shorter than `gap`; time-weighted.
/// Time an agent spent on another channel's contacts (`other`) keeps them on duty but not
/// available here, so it is taken out.
pub fn staffing(
    contacts: &[LoggedContact],
    other: &BTreeMap<String, Vec<(f64, f64)>>,
    days: u32,
    slot: f64,
    gap: f64,
) -> Staffing {
    let per_day = ((DAY / slot).round() as usize).max(1);
    let total = days as usize * per_day;
    let mut on = vec![0.0; total + per_day];
    let mut busy = vec![0.0; total + per_day];
    let mut by_agent: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for c in contacts {
        if let (Fate::Answered, Some(a), Some(h)) = (c.fate, &c.agent, c.handle) {
            let start = f64::from(c.day) * DAY + c.time + c.wait;
            by_agent.entry(a).or_default().push((start, start + h));
        }
    }
    let horizon = (total + per_day) as f64 * slot;
    let add = |v: &mut Vec<f64>, a: f64, b: f64| {
        let (a, b) = (a.clamp(0.0, horizon), b.clamp(0.0, horizon));
        let mut t = a;
        while t < b {
            let i = ((t / slot) as usize).min(v.len() - 1);
            let end = ((i + 1) as f64 * slot).min(b);
            v[i] += end - t;
            t = end;
        }
    };
    let mut elsewhere = vec![0.0; total + per_day];
    for (agent, spans) in by_agent.iter_mut() {
        // This channel's contacts count as busy here; the agent's other work keeps them on
        // duty and is taken out of what they had for this channel.
        let mut all: Vec<(f64, f64, bool)> = spans.iter().map(|&(s, e)| (s, e, true)).collect();
        if let Some(o) = other.get(*agent) {
            all.extend(o.iter().map(|&(s, e)| (s, e, false)));
        }
        all.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut cur: Option<(f64, f64)> = None;
        for &(s, e, here) in all.iter() {
            if here {
                add(&mut busy, s, e);
            } else {
                add(&mut elsewhere, s, e);
            }
            cur = match cur {
                Some((cs, ce)) if s - ce <= gap => Some((cs, ce.max(e))),
                Some((cs, ce)) => {
                    add(&mut on, cs, ce);
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        if let Some((cs, ce)) = cur {
            add(&mut on, cs, ce);
        }
    }
    let split = |v: Vec<f64>| -> Vec<Vec<f64>> {
        v.chunks(per_day)
            .take(days as usize)
            .map(|d| d.to_vec())
            .collect()
    };
    Staffing {
        slot,
        on_duty: split(
            on.iter()
                .zip(&elsewhere)
                .map(|(x, o)| (x - o).max(0.0) / slot)
                .collect(),
        ),
        busy: split(busy),
        agents: by_agent.len(),
    }
}

/// The most gaps' largest Kolmogorov–Smirnov distance from the best-fitting family before the
/// measured percentiles are written instead.
const EMPIRICAL_KS: f64 = 0.1;
/// Gaps needed before their percentiles stand for the distribution.
const EMPIRICAL_MIN: usize = 500;

/// A number with four significant digits (at least two decimals), so that small volumes do not
/// round to zero.
fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(2, 12) as usize;
    format!("{x:.decimals$}")
}

fn secs(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}s")
    } else {
        format!("{x:.1}s")
    }
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::Exponential => "exponential",
        Family::Lognormal => "lognormal",
        Family::Gamma => "gamma",
        Family::Fixed => "fixed",
    }
}

/// A distribution as scenario text.
pub fn dist_toml(d: &DistFit) -> String {
    match d.family {
        Family::Exponential => format!("{{ dist = \"exponential\", mean = \"{}\" }}", secs(d.mean)),
        f => format!(
            "{{ dist = \"{}\", mean = \"{}\", cv = {:.3} }}",
            family_name(f),
            secs(d.mean),
            d.cv
        ),
    }
}

/// One line describing a fit and its competitors.
pub fn dist_note(fits: &[DistFit]) -> String {
    let Some(best) = fits.first() else {
        return "no data".into();
    };
    let mut s = format!(
        "{}: mean {} ± {:.1}s, cv {:.3} ± {:.3}; n = {}",
        family_name(best.family),
        secs(best.mean),
        best.mean_se,
        best.cv,
        best.cv_se,
        best.events
    );
    if best.censored > 0 {
        s.push_str(&format!(" (+{} censored)", best.censored));
    }
    s.push_str(&format!("; KS distance {:.3}", best.distance));
    for other in &fits[1..] {
        s.push_str(&format!(
            "; {} ΔAIC {:+.1}",
            family_name(other.family),
            other.aic - best.aic
        ));
    }
    s
}

/// Mean agents on duty per weekday and slot of the fit's interval, over the days of each
/// weekday, rounded to whole agents.
pub fn weekday_staffing(fit: &Fit, s: &Staffing) -> [Vec<u32>; 7] {
    let per_slot = ((DAY / fit.interval).round() as usize).max(1);
    let k = ((fit.interval / s.slot).round() as usize).max(1);
    std::array::from_fn(|w| {
        let ds: Vec<usize> = (0..fit.days as usize)
            .filter(|d| (fit.start_weekday + d) % 7 == w)
            .collect();
        (0..per_slot)
            .map(|i| {
                if ds.is_empty() {
                    return 0;
                }
                let total: f64 = ds
                    .iter()
                    .map(|&d| {
                        s.on_duty[d][i * k..((i + 1) * k).min(s.on_duty[d].len())]
                            .iter()
                            .sum::<f64>()
                            / k as f64
                    })
                    .sum();
                (total / ds.len() as f64).round() as u32
            })
            .collect()
    })
}

/// The channel a fitted scenario describes.
#[derive(Debug, Clone)]
pub struct ChannelSpec {
    /// Its name.
    pub name: String,
    /// Call, chat or async (no patience is fitted into an async channel).
    pub kind: crate::model::ChannelKind,
    /// Its service-level threshold, seconds.
    pub answer_within: f64,
}

impl ChannelSpec {
    /// A call channel named `phone`.
    pub fn phone(answer_within: f64) -> Self {
        Self {
            name: "phone".into(),
            kind: crate::model::ChannelKind::Call,
            answer_within,
        }
    }
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The fit as a commented scenario file.
pub fn scenario_text(fit: &Fit, source: &str, channel: &ChannelSpec) -> String {
    // The source is named in comments: keep it on one line.
    let source = &source.replace(['\n', '\r'], " ");
    let answer_within = channel.answer_within;
    let waits = channel.kind != crate::model::ChannelKind::Async;
    let mut o = String::new();
    let line = |o: &mut String, s: &str| {
        o.push_str(s);
        o.push('\n');
    };
    line(
        &mut o,
        &format!("# Fitted by `supportsim fit` from {source}"),
    );
    line(
        &mut o,
        &format!(
            "# {} days from {} ({}): {} contacts offered to agents, {} answered, {} abandoned.",
            fit.days,
            fit.first_date,
            WEEKDAYS[fit.start_weekday],
            fit.offered,
            fit.answered,
            fit.abandoned
        ),
    );
    line(
        &mut o,
        "# Every fitted value is followed by its standard error (±) in a comment.",
    );
    line(&mut o, "");
    line(&mut o, "[simulation]");
    line(
        &mut o,
        &format!("name = {}", quoted(&format!("fitted from {source}"))),
    );
    line(&mut o, &format!("days = {}", fit.days.max(1)));
    line(
        &mut o,
        &format!("start_weekday = \"{}\"", WEEKDAYS[fit.start_weekday]),
    );
    line(
        &mut o,
        &format!("interval = \"{}m\"", (fit.interval / 60.0).round()),
    );
    line(&mut o, "replications = 20");
    line(&mut o, "seed = 1");
    line(&mut o, "");
    line(&mut o, "[volume]");
    line(
        &mut o,
        &format!(
            "per_day = {}  # ± {:.1}: mean contacts a day over the weekdays seen",
            sig(fit.per_day.value),
            fit.per_day.se
        ),
    );
    line(
        &mut o,
        &format!(
            "day_cv = {:.3}  # ± {:.3}: day-to-day variation beyond Poisson (at most 5)",
            fit.day_cv.value.min(5.0),
            if fit.day_cv.se.is_finite() {
                fit.day_cv.se
            } else {
                0.0
            }
        ),
    );
    let mut wk = Vec::new();
    let mut notes = Vec::new();
    for (w, name) in WEEKDAYS.iter().enumerate() {
        match fit.weekday[w] {
            Some((e, n)) => {
                wk.push(format!("{name} = {}", sig(e.value)));
                notes.push(format!("{name} ± {:.3} ({n} days)", e.se));
            }
            None => {
                wk.push(format!("{name} = 1"));
                notes.push(format!("{name}: not in the log, taken as an average day"));
            }
        }
    }
    line(&mut o, &format!("weekday = {{ {} }}", wk.join(", ")));
    line(&mut o, &format!("# {}", notes.join("; ")));
    let overall: Vec<f64> = (0..fit.profile[0].len())
        .map(|s| fit.profile.iter().map(|p| p[s].value).sum::<f64>())
        .collect();
    let list = |v: &[f64]| -> String { v.iter().map(|x| sig(*x)).collect::<Vec<_>>().join(", ") };
    if overall.iter().sum::<f64>() > 0.0 {
        line(&mut o, &format!("intraday = [{}]", list(&overall)));
    }
    line(
        &mut o,
        &format!(
            "# Mean contacts per {}-minute interval from midnight, per weekday; relative standard",
            (fit.interval / 60.0).round()
        ),
    );
    line(
        &mut o,
        "# errors are in the fit report (`supportsim fit --json`).",
    );
    line(&mut o, "[volume.weekday_intraday]");
    for (w, name) in WEEKDAYS.iter().enumerate() {
        let v: Vec<f64> = fit.profile[w].iter().map(|e| e.value).collect();
        if v.iter().sum::<f64>() > 0.0 {
            line(&mut o, &format!("{name} = [{}]", list(&v)));
        }
    }
    line(&mut o, "");
    line(&mut o, &format!("[channels.{}]", quoted(&channel.name)));
    line(&mut o, &format!("kind = \"{}\"", channel.kind.name()));
    if let Some(h) = fit.handle.first() {
        line(&mut o, &format!("handle_time = {}", dist_toml(h)));
        line(&mut o, &format!("# {}", dist_note(&fit.handle)));
    }
    if let Some(p) = fit.patience.first().filter(|_| waits) {
        line(&mut o, &format!("patience = {}", dist_toml(p)));
        line(&mut o, &format!("# {}", dist_note(&fit.patience)));
        let km: Vec<String> = [30.0, 60.0, 120.0, 300.0]
            .iter()
            .map(|t| {
                let s = fit
                    .patience_km
                    .iter()
                    .take_while(|p| p.time <= *t)
                    .last()
                    .map_or((1.0, 0.0), |p| (p.survival, p.se));
                format!("{:.0}s {:.3} ± {:.3}", t, s.0, s.1)
            })
            .collect();
        line(
            &mut o,
            &format!(
                "# Kaplan–Meier share still willing to wait at {}",
                km.join(", ")
            ),
        );
    }
    let empirical = fit
        .after_call
        .first()
        .is_some_and(|w| w.distance > EMPIRICAL_KS && !fit.after_call_quantiles.is_empty());
    if empirical {
        let points: Vec<String> = fit
            .after_call_quantiles
            .iter()
            .map(|q| format!("\"{}\"", secs(*q)))
            .collect();
        line(
            &mut o,
            "# No family fits the after-call gaps (best below), so they are written as measured:",
        );
        line(
            &mut o,
            "# their percentiles 0, 1, …, 100, linear in between.",
        );
        line(
            &mut o,
            &format!(
                "after_call_work = {{ dist = \"empirical\", quantiles = [\n  {},\n] }}",
                points
                    .chunks(10)
                    .map(|c| c.join(", "))
                    .collect::<Vec<_>>()
                    .join(",\n  ")
            ),
        );
    } else if let Some(w) = fit.after_call.first() {
        line(&mut o, &format!("after_call_work = {}", dist_toml(w)));
    }
    if !fit.after_call.is_empty() {
        line(
            &mut o,
            &format!(
                "# From {} gaps between an agent's consecutive contacts while callers were waiting (median {}): {}",
                fit.after_call_gaps.1,
                secs(fit.after_call_gaps.0),
                dist_note(&fit.after_call)
            ),
        );
    }
    line(
        &mut o,
        &format!("answer_within = \"{}\"", secs(answer_within)),
    );
    line(&mut o, "");
    // Shares are written rounded; the largest takes up the rounding so that they add to 1.
    let mut shares: Vec<f64> = fit
        .topics
        .iter()
        .map(|t| (t.share.value * 1e6).round() / 1e6)
        .collect();
    if let Some(big) = (0..shares.len()).max_by(|&a, &b| shares[a].total_cmp(&shares[b])) {
        let rest: f64 = shares
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != big)
            .map(|(_, x)| x)
            .sum();
        shares[big] = ((1.0 - rest) * 1e6).round() / 1e6;
    }
    // The log's priority values, ranked 1, 2, … in their order (a scenario's are 1 to 1000).
    let ranks: Vec<u32> = {
        let mut r: Vec<u32> = fit.topics.iter().map(|t| t.priority).collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    let rank = |p: u32| {
        ranks
            .iter()
            .position(|&x| x == p)
            .map_or(1, |i| i as u32 + 1)
    };
    if !fit.priorities_honoured {
        let asa: Vec<String> = fit
            .priority_asa
            .iter()
            .map(|(p, (a, n))| format!("priority {p}: ASA {} over {n} answered", secs(*a)))
            .collect();
        line(
            &mut o,
            &format!(
                "# The log's priority classes are not served first ({}): strict priority would",
                asa.join(", ")
            ),
        );
        line(
            &mut o,
            "# contradict it, so every topic gets priority 1 (their names keep the class).",
        );
        line(&mut o, "");
    }
    for (t, share) in fit.topics.iter().zip(&shares) {
        line(&mut o, "[[topics]]");
        line(&mut o, &format!("name = {}", quoted(&t.name)));
        line(
            &mut o,
            &format!(
                "share = {share:.6}  # ± {:.5}, {} contacts",
                t.share.se, t.offered
            ),
        );
        line(
            &mut o,
            &format!(
                "priority = {}",
                if fit.priorities_honoured {
                    rank(t.priority)
                } else {
                    1
                }
            ),
        );
        if let Some(p) = fit.patience_by_priority.get(&t.priority)
            && let Some(best) = p.first()
            && waits
        {
            line(&mut o, &format!("patience = {}", dist_toml(best)));
            line(
                &mut o,
                &format!(
                    "# patience of priority-{} customers: {}",
                    t.priority,
                    dist_note(p)
                ),
            );
        }
        if let Some(h) = t.handle.first() {
            line(&mut o, &format!("handle_time = {}", dist_toml(h)));
            line(&mut o, &format!("# {}", dist_note(&t.handle)));
        } else {
            line(
                &mut o,
                "# too few answered contacts for a handle-time fit of its own: the channel's is used",
            );
        }
        if t.values.is_empty() {
            line(&mut o, "# pools the topics each under the minimum share");
        }
        line(&mut o, "");
    }
    line(&mut o, "[[agents]]");
    line(&mut o, "name = \"agents\"");
    line(&mut o, &format!("channels = [{}]", quoted(&channel.name)));
    match &fit.staffing {
        Some(s) => {
            line(
                &mut o,
                &format!(
                    "# Agents on duty reconstructed from {} named agents' own contacts: a lower bound",
                    s.agents
                ),
            );
            line(
                &mut o,
                "# (an agent idle for a stretch, or on other work, is not seen).",
            );
            let week = weekday_staffing(fit, s);
            let mut shifts = Vec::new();
            for (w, profile) in week.iter().enumerate() {
                for ((a, b), count) in crate::staff::stack(profile) {
                    shifts.push(format!(
                        "  {{ days = \"{}\", start = \"{}\", end = \"{}\", count = {count} }},",
                        WEEKDAYS[w],
                        hhmm(a as f64 * fit.interval),
                        hhmm(b as f64 * fit.interval)
                    ));
                }
            }
            if shifts.is_empty() {
                line(&mut o, "count = 1");
            } else {
                line(&mut o, "shifts = [");
                for s in shifts {
                    line(&mut o, &s);
                }
                line(&mut o, "]");
            }
        }
        None => {
            let load = fit.per_day.value / DAY * fit.handle.first().map_or(0.0, |h| h.mean);
            line(
                &mut o,
                "# The log names no agents: staffing cannot be reconstructed. This count is",
            );
            line(
                &mut o,
                "# the mean offered load plus 20%; replace it with the real schedule.",
            );
            line(
                &mut o,
                &format!(
                    "count = {}",
                    (load * 1.2).ceil().clamp(1.0, 1_000_000.0) as u32
                ),
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staffing_bridges_short_gaps_only() {
        let c = |time: f64, handle: f64| LoggedContact {
            day: 0,
            weekday: 0,
            time,
            fate: Fate::Answered,
            wait: 0.0,
            handle: Some(handle),
            topic: "all".into(),
            priority: 1,
            agent: Some("ann".into()),
        };
        // 08:00–08:10 and 08:20–08:30 (one stretch), then 12:00–12:05 alone.
        let log = [c(28_800.0, 600.0), c(30_000.0, 600.0), c(43_200.0, 300.0)];
        let s = staffing(&log, &BTreeMap::new(), 1, 300.0, 1800.0);
        let on: f64 = s.on_duty[0].iter().sum::<f64>() * 300.0;
        assert!((on - (1800.0 + 300.0)).abs() < 1e-6);
        let busy: f64 = s.busy[0].iter().sum();
        assert!((busy - 1500.0).abs() < 1e-6);
    }
}
