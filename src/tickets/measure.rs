//! What an event log's lifecycles show about written work: first-response and resolution
//! times per priority, the agent touches a ticket takes, the spans it waits on the customer or
//! a third party, and how often it is reassigned or reopened. Also the log as a contact log
//! (one contact per ticket, arriving when it was opened, waiting until its first response),
//! so that arrivals, topics and priorities are fitted by the same code as a call log's.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::Serialize;

use super::activity::{Activity, activity, on_duty};
use super::{EventLog, Lifecycle, ONE_SITTING, Queues, Waiting};
use crate::contact_log::{Fate, LogRead, LoggedContact};
use crate::mle::{self, DistFit};

/// Percentiles of a sample of durations, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// How many.
    pub n: usize,
    /// Median.
    pub p50: f64,
    /// 80th percentile.
    pub p80: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Spread {
    /// Percentiles of `x` (type 1: the smallest value with at least that share at or below);
    /// `None` when empty.
    pub fn of(x: &mut [f64]) -> Option<Self> {
        if x.is_empty() {
            return None;
        }
        x.sort_by(f64::total_cmp);
        let q = |p: f64| x[((p * x.len() as f64).ceil() as usize).clamp(1, x.len()) - 1];
        Some(Self {
            n: x.len(),
            p50: q(0.5),
            p80: q(0.8),
            p90: q(0.9),
        })
    }
}

/// One priority class as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorityMeasures {
    /// The priority as written.
    pub name: String,
    /// Its rank (1 most urgent).
    pub rank: u32,
    /// Tickets opened.
    pub tickets: usize,
    /// Opened to first response.
    pub first_response: Option<Spread>,
    /// Opened to first resolution.
    pub resolution: Option<Spread>,
    /// Share of tickets reassigned to another group at least once.
    pub reassigned: f64,
    /// Share of resolved tickets reopened at least once.
    pub reopened: f64,
}

/// What the log shows, over all tickets.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketMeasures {
    /// Tickets read.
    pub tickets: usize,
    /// Tickets with a first response.
    pub responded: usize,
    /// Tickets resolved.
    pub resolved: usize,
    /// Opened to first response, all tickets.
    pub first_response: Option<Spread>,
    /// Opened to first resolution, all tickets.
    pub resolution: Option<Spread>,
    /// Mean agent touches per ticket (the first response, one more after each pending span,
    /// each reopening and a hold on the desk after the first response), with its standard
    /// error.
    pub touches: (f64, f64),
    /// Pending spans that ended (events) and that had not ended at the log's end (censored),
    /// seconds, on the customer, on a third party and held on the desk after the first
    /// response ([`Lifecycle::first_hold`]).
    pub pending: BTreeMap<Waiting, (Vec<f64>, Vec<f64>)>,
    /// Fits to all pending spans and holds (the wait between two touches), best first.
    pub between_touches: Vec<DistFit>,
    /// Fits to each kind of wait on its own (best first), for kinds with at least
    /// [`OWN_FIT_SPANS`] ended spans.
    pub pending_fits: BTreeMap<Waiting, Vec<DistFit>>,
    /// Share of tickets reassigned at least once, and the mean number of reassignments.
    pub reassigned: (f64, f64),
    /// Share of resolved tickets reopened at least once.
    pub reopened: f64,
    /// Tickets opened per calendar day over the log's window (in a steady state, the tickets
    /// resolved a day).
    pub opened_per_day: f64,
    /// Per priority, most urgent first.
    pub priorities: Vec<PriorityMeasures>,
    /// Of the first responses to tickets created new, the share given while an older ticket
    /// of the same group (the group it was first assigned to) was still unanswered: near 0
    /// for a desk that answers first come, first served; `None` without such tickets.
    pub out_of_order: Option<f64>,
    /// How much likelier the desk took its newer waiting tickets (see [`super::newest_bias`]).
    pub pick_bias: Option<super::PickBias>,
    /// Agent actions seen (first responses and resolutions) per weekday and hour of the day,
    /// a mean over the weekday's dates, quiet ones left out: when the desk works.
    pub activity: Activity,
    /// Of the hours the desk works ([`on_duty`]), from the log's second day to its last
    /// opening, the share in
    /// which a ticket opened new had been waiting for its first response longer than
    /// [`ONE_SITTING`]: near 1 for a desk that never catches up; `None` without such hours.
    pub saturated: Option<f64>,
    /// The last update in the log.
    pub end: Option<NaiveDateTime>,
}

/// See [`TicketMeasures::saturated`]: each working hour is judged at its start.
fn saturated(log: &EventLog, end: Option<NaiveDateTime>, duty: &[[bool; 24]; 7]) -> Option<f64> {
    let end = end?;
    let first = log.tickets.iter().map(|t| t.opened).min()?;
    // Only while tickets arrive: a log of the tickets opened in a window runs dry after it.
    let last = log.tickets.iter().map(|t| t.opened).max()?.min(end);
    let start = first.date().and_time(chrono::NaiveTime::MIN) + chrono::TimeDelta::days(1);
    let hours = usize::try_from((last - start).num_hours())
        .ok()?
        .min(24 * 366 * 20);
    let slot = |t: NaiveDateTime| -> usize {
        let s = seconds(start, t).max(0.0) / 3600.0;
        (s.ceil() as usize).min(hours)
    };
    let mut change = vec![0i64; hours + 1];
    for t in log.tickets.iter().filter(|t| !t.opened_in_work) {
        let long = t.opened + chrono::TimeDelta::seconds(ONE_SITTING as i64);
        let answered = t.first_response.unwrap_or(end).min(end);
        if answered > long {
            change[slot(long)] += 1;
            change[slot(answered)] -= 1;
        }
    }
    let (mut waiting, mut covered, mut on) = (0i64, 0usize, 0usize);
    for (h, c) in change.iter().take(hours).enumerate() {
        waiting += c;
        let at = start + chrono::TimeDelta::hours(h as i64);
        if duty[at.weekday().num_days_from_monday() as usize][at.hour() as usize] {
            on += 1;
            covered += usize::from(waiting > 0);
        }
    }
    (on > 0).then(|| covered as f64 / on as f64)
}

/// A ticket's priority rank in `ranks` ([`priority_ranks`]); 1 for one the ranks do not know.
pub fn rank_of(ranks: &BTreeMap<String, u32>, t: &Lifecycle) -> u32 {
    ranks
        .get(t.priority.as_deref().unwrap_or(""))
        .copied()
        .unwrap_or(1)
}

/// The rank of each priority as written: its leading number when every priority starts with
/// one ("1 - Critical"), else its place in sorted order.
pub fn priority_ranks(log: &EventLog) -> BTreeMap<String, u32> {
    let mut names: Vec<String> = log
        .tickets
        .iter()
        .map(|t| t.priority.clone().unwrap_or_default())
        .collect();
    names.sort();
    names.dedup();
    let lead = |s: &str| -> Option<u32> {
        let d: String = s.trim().chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok().filter(|&n| (1..=1000).contains(&n))
    };
    if names.iter().all(|n| lead(n).is_some()) {
        names
            .iter()
            .map(|n| (n.clone(), lead(n).unwrap_or(1)))
            .collect()
    } else {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32 + 1))
            .collect()
    }
}

fn seconds(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    (b - a).num_seconds() as f64
}

/// Mean agent touches per ticket, with its standard error. Each touch ends either with the
/// ticket going back to someone (a pending span starts, or a resolution is reopened: another
/// touch follows; or the desk holding it past one sitting after its first response) or with
/// its resolution; the share `p` that another follows is estimated from
/// every touch whose end the log shows, so tickets still open at its end count for what they
/// show. Touches are then geometric with mean 1 / (1 − p) (the model's), and the standard
/// error follows by the delta method.
fn touches(log: &EventLog, end: Option<NaiveDateTime>) -> (f64, f64) {
    let (mut again, mut done) = (0.0, 0.0);
    for t in &log.tickets {
        let held = t.first_hold(end, log.handoffs).is_some();
        again += (t.pending.len() + t.reopens.len() + usize::from(held)) as f64;
        done += f64::from(u8::from(t.resolved.is_some()));
    }
    let n = again + done;
    if done == 0.0 {
        return (1.0, f64::NAN);
    }
    let p = again / n;
    let se_p = (p * (1.0 - p) / n).sqrt();
    (1.0 / (1.0 - p), se_p / (1.0 - p).powi(2))
}

/// The last update a log shows.
fn last_update(log: &EventLog) -> Option<NaiveDateTime> {
    let spans = log
        .tickets
        .iter()
        .flat_map(|t| t.pending.iter().flat_map(|p| [Some(p.start), p.end]));
    log.tickets
        .iter()
        .flat_map(|t| [Some(t.opened), t.first_response, t.resolved, t.closed])
        .chain(spans)
        .flatten()
        .max()
}

/// Measures the log.
pub fn measure(log: &EventLog) -> TicketMeasures {
    measure_with(log, None, None)
}

/// Measures a part of a desk's log (one group's queue, say) as the desk's: censored at the
/// desk's last update, its working dates judged by the desk's quiet days.
pub fn measure_part(part: &EventLog, desk: &TicketMeasures) -> TicketMeasures {
    let quiet: Vec<chrono::NaiveDate> = desk.activity.quiet.iter().map(|q| q.date).collect();
    measure_with(part, desk.end, Some(&quiet))
}

/// The fewest ended spans of a kind of wait fitted on their own; fewer take the fit to all.
pub const OWN_FIT_SPANS: usize = 30;

fn measure_with(
    log: &EventLog,
    end: Option<NaiveDateTime>,
    quiet: Option<&[chrono::NaiveDate]>,
) -> TicketMeasures {
    let end = end.or(log.until).or_else(|| last_update(log));
    let ranks = priority_ranks(log);
    let mut pending: BTreeMap<Waiting, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for t in &log.tickets {
        for p in &t.pending {
            let e = pending.entry(p.on).or_default();
            match (p.end, end) {
                (Some(b), _) => e.0.push(seconds(p.start, b).max(0.0)),
                (None, Some(b)) => e.1.push(seconds(p.start, b).max(0.0)),
                (None, None) => {}
            }
        }
        if let Some((start, ended)) = t.first_hold(end, log.handoffs) {
            let e = pending.entry(Waiting::Desk).or_default();
            match (ended, end) {
                (Some(b), _) => e.0.push(seconds(start, b)),
                (None, Some(b)) => e.1.push(seconds(start, b)),
                (None, None) => {}
            }
        }
    }
    let (all_ev, all_ce): (Vec<f64>, Vec<f64>) =
        pending
            .values()
            .fold((Vec::new(), Vec::new()), |(mut a, mut b), (e, c)| {
                a.extend(e);
                b.extend(c);
                (a, b)
            });
    let between_touches = if all_ev.is_empty() {
        Vec::new()
    } else {
        mle::fit_best(&all_ev, &all_ce)
    };
    let pending_fits = pending
        .iter()
        .filter(|(_, (e, _))| e.len() >= OWN_FIT_SPANS)
        .map(|(w, (e, c))| (*w, mle::fit_best(e, c)))
        .collect();
    let resolved: Vec<&Lifecycle> = log
        .tickets
        .iter()
        .filter(|t| t.resolved.is_some())
        .collect();
    let touches = touches(log, end);
    let activity = activity(log, quiet);
    let n = log.tickets.len().max(1) as f64;
    let reassigned = (
        log.tickets.iter().filter(|t| t.reassignments > 0).count() as f64 / n,
        log.tickets
            .iter()
            .map(|t| f64::from(t.reassignments))
            .sum::<f64>()
            / n,
    );
    let reopened = resolved.iter().filter(|t| !t.reopens.is_empty()).count() as f64
        / resolved.len().max(1) as f64;
    TicketMeasures {
        tickets: log.tickets.len(),
        responded: log
            .tickets
            .iter()
            .filter(|t| t.first_response.is_some())
            .count(),
        resolved: resolved.len(),
        first_response: Spread::of(&mut first_responses(log.tickets.iter())),
        resolution: Spread::of(&mut resolutions(log.tickets.iter())),
        touches,
        pending,
        between_touches,
        pending_fits,
        reassigned,
        reopened,
        opened_per_day: opened_per_day(log),
        priorities: priorities(log, &ranks),
        saturated: saturated(log, end, &on_duty(&activity.per_hour)),
        activity,
        out_of_order: out_of_order(log),
        pick_bias: super::newest_bias(log),
        end,
    }
}

fn out_of_order(log: &EventLog) -> Option<f64> {
    let mut by_group: BTreeMap<&str, Vec<(NaiveDateTime, NaiveDateTime)>> = BTreeMap::new();
    for t in log.tickets.iter().filter(|t| !t.opened_in_work) {
        if let Some(f) = t.first_response {
            by_group
                .entry(t.group.as_deref().unwrap_or(""))
                .or_default()
                .push((t.opened, f));
        }
    }
    let (mut overtook, mut n) = (0usize, 0usize);
    for list in by_group.values_mut() {
        list.sort();
        // The latest first response among the tickets opened earlier: a ticket answered
        // before it overtook one that was still waiting.
        let mut latest: Option<NaiveDateTime> = None;
        for &(_, f) in list.iter() {
            overtook += usize::from(latest.is_some_and(|l| f < l));
            n += 1;
            latest = Some(latest.map_or(f, |l| l.max(f)));
        }
    }
    (n > 0).then(|| overtook as f64 / n as f64)
}

fn first_responses<'a>(t: impl Iterator<Item = &'a Lifecycle>) -> Vec<f64> {
    t.filter_map(|t| t.first_response.map(|f| seconds(t.opened, f).max(0.0)))
        .collect()
}

fn resolutions<'a>(t: impl Iterator<Item = &'a Lifecycle>) -> Vec<f64> {
    t.filter_map(|t| t.resolved.map(|r| seconds(t.opened, r).max(0.0)))
        .collect()
}

/// Tickets opened per calendar day from the first opening to the last: in a steady state,
/// the tickets resolved a day too (resolutions counted inside the log's window would be too
/// few, as the tickets open before it are not in the log).
fn opened_per_day(log: &EventLog) -> f64 {
    let dates = log.tickets.iter().map(|t| t.opened.date());
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return 0.0;
    };
    log.tickets.len() as f64 / ((last - first).num_days() + 1).max(1) as f64
}

fn priorities(log: &EventLog, ranks: &BTreeMap<String, u32>) -> Vec<PriorityMeasures> {
    let mut out: Vec<PriorityMeasures> = ranks
        .iter()
        .map(|(name, &rank)| {
            let of = || {
                log.tickets
                    .iter()
                    .filter(move |t| t.priority.as_deref().unwrap_or("") == name)
            };
            let tickets = of().count();
            let resolved = of().filter(|t| t.resolved.is_some()).count();
            PriorityMeasures {
                name: if name.is_empty() {
                    "(none)".into()
                } else {
                    name.clone()
                },
                rank,
                tickets,
                first_response: Spread::of(&mut first_responses(of())),
                resolution: Spread::of(&mut resolutions(of())),
                reassigned: of().filter(|t| t.reassignments > 0).count() as f64
                    / tickets.max(1) as f64,
                reopened: of().filter(|t| !t.reopens.is_empty()).count() as f64
                    / resolved.max(1) as f64,
            }
        })
        .collect();
    out.sort_by_key(|p| p.rank);
    out
}

/// The days of [`as_contact_log`] (0 is the date of the first opening) whose openings were
/// quiet ([`Activity::quiet_openings`]): holidays, for the arrival fit to leave out.
pub fn quiet_opening_days(log: &EventLog, measures: &TicketMeasures) -> Vec<u32> {
    let Some(first) = log.tickets.iter().map(|t| t.opened.date()).min() else {
        return Vec::new();
    };
    measures
        .activity
        .quiet_openings
        .iter()
        .filter_map(|q| u32::try_from((q.date - first).num_days()).ok())
        .collect()
}

/// The log as a contact log: one answered contact per ticket, arriving when it was opened and
/// waiting until its first response (a ticket without one waits until the log's last update),
/// about its category or queue ([`Queues::topic_value`]), at its priority's rank. No handle time: the log records none.
pub fn as_contact_log(log: &EventLog, measures: &TicketMeasures, queues: Queues) -> LogRead {
    let mut out = LogRead {
        rows: log.rows,
        ..LogRead::default()
    };
    let Some(first) = log.tickets.iter().map(|t| t.opened.date()).min() else {
        return out;
    };
    out.start_weekday = first.weekday().num_days_from_monday() as usize;
    out.first_date = first.format("%Y-%m-%d").to_string();
    out.first_epoch_day =
        Some((first - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(first)).num_days());
    let ranks = priority_ranks(log);
    let mut topic_index: BTreeMap<String, u32> = BTreeMap::new();
    for t in &log.tickets {
        let topic = queues.topic_value(t).to_string();
        let next = topic_index.len() as u32;
        let idx = *topic_index.entry(topic.clone()).or_insert_with(|| {
            out.topics.push(topic);
            next
        });
        let day = (t.opened.date() - first).num_days().max(0) as u32;
        let responded = t.first_response.or(measures.end).unwrap_or(t.opened);
        out.contacts.push(LoggedContact {
            day,
            time: t.opened.num_seconds_from_midnight() as f32,
            wait: seconds(t.opened, responded).max(0.0) as f32,
            handle: None,
            topic: idx,
            priority: rank_of(&ranks, t),
            agent: None,
            weekday: t.opened.weekday().num_days_from_monday() as u8,
            fate: Fate::Answered,
        });
    }
    out
}
