//! The scenario of written work fitted from a service desk's event log: arrivals, topics and
//! priorities as for any log; an async channel whose tickets take the touches the log shows,
//! wait between them as its pending spans did, and carry the agent effort per touch that the
//! user gives (an event log records state changes, not how long anyone worked); an answer
//! target read from the first responses the desk achieved; agents on duty as a labelled
//! estimate, in the hours the log shows the desk at work.

use indexmap::IndexMap;

use super::Fit;
use super::scenario::{ChannelSpec, secs, simulation, topics, volume};
use crate::duration::{DAY, WEEKDAYS, format_duration, hhmm};
use crate::scenario::format::{
    AgentGroup, Channel, Days, Distribution, Duration, Note, ScenarioFile, Shift, TimeOfDay, Topic,
};
use crate::tickets::{EventLog, Queues, Spread, TicketMeasures};

/// Occupancy assumed when effort or staffing is estimated from the other (the usual planning
/// ceiling for written work), for a desk that catches up.
pub const ASSUMED_OCCUPANCY: f64 = 0.85;

/// The share of its working hours with a ticket waiting longer than a sitting for its first
/// response at which a desk is taken never to catch up
/// ([`TicketMeasures::saturated`]).
pub const SATURATED_SHARE: f64 = 0.95;

/// The occupancy at which the log's touches were made: all the time on duty for a desk that
/// never caught up (an agent free while a ticket waited would have taken it: what it did in
/// its hours is what it could do), else [`ASSUMED_OCCUPANCY`].
pub fn occupancy(m: &TicketMeasures) -> f64 {
    if m.saturated.is_some_and(|s| s >= SATURATED_SHARE) {
        1.0
    } else {
        ASSUMED_OCCUPANCY
    }
}

/// The quiet days left out of the rota's weekdays, for its note.
fn quiet_note(m: &TicketMeasures) -> String {
    match m.activity.quiet.len() {
        0 => String::new(),
        n => format!(
            " (without {n} quiet day{}, under half their weekday's usual:\n{})",
            if n == 1 { "" } else { "s" },
            m.activity
                .quiet
                .iter()
                .map(|q| q.date.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Why [`occupancy`] is what it is, for a note (a sentence of its own).
fn occupancy_reason(m: &TicketMeasures) -> String {
    let share = m
        .saturated
        .map_or("none".to_string(), |s| format!("{:.0}%", 100.0 * s));
    if occupancy(m) == 1.0 {
        format!(
            "Occupancy 100%: in {share} of the desk's hours a ticket had waited over an hour for its\n\
             first response, so the desk never caught up and its agents worked all the time."
        )
    } else {
        format!(
            "Occupancy {:.0}%, assumed: in {share} of the desk's hours a ticket had waited over an hour\n\
             for its first response ({:.0}% or more would show a desk that never caught up, at 100%).",
            100.0 * ASSUMED_OCCUPANCY,
            100.0 * SATURATED_SHARE
        )
    }
}

/// Hours of work an agent on duty gives in a weekday, when effort is estimated from a head
/// count.
pub const AGENT_DAY_HOURS: f64 = 8.0;

/// Where the agent effort per touch comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effort {
    /// Given by the user, seconds.
    Given(f64),
    /// Estimated from the head count working Monday to Friday: their hours at
    /// [`occupancy`] carry the log's touches.
    FromAgents(u32),
}

impl Effort {
    /// Agent seconds per touch.
    pub fn seconds(self, m: &TicketMeasures) -> f64 {
        match self {
            Effort::Given(s) => s,
            Effort::FromAgents(n) => {
                let week = f64::from(n) * 5.0 * AGENT_DAY_HOURS * 3600.0 * occupancy(m);
                week / (touches_per_day(m) * 7.0).max(1.0)
            }
        }
    }
}

/// Touches a day: tickets a day (opened; in a steady state, resolved) times touches per
/// resolved ticket.
fn touches_per_day(m: &TicketMeasures) -> f64 {
    m.opened_per_day * m.touches.0.max(1.0)
}

/// The answer target read from first responses: the time within which 80% came, rounded up
/// to the minute (at least one).
pub fn measured_target(first_responses: &Spread) -> f64 {
    ((first_responses.p80 / 60.0).ceil() * 60.0).max(60.0)
}

/// The answer target: the user's, or [`measured_target`] of the log's first responses.
pub fn answer_target(m: &TicketMeasures, given: Option<f64>) -> Option<f64> {
    given.or_else(|| m.first_response.as_ref().map(measured_target))
}

/// The fitted scenario of an event log, with its header and notes.
pub fn ticket_scenario(
    fit: &Fit,
    log: &EventLog,
    m: &TicketMeasures,
    queues: Queues,
    source: &str,
    spec: &ChannelSpec,
    effort: Effort,
) -> (ScenarioFile, Vec<String>, Vec<Note>) {
    let source = source.replace(['\n', '\r'], " ");
    let header = vec![
        format!("Fitted by `supportsim fit --events` from {source}"),
        format!(
            "{} days from {} ({}): {} tickets, {} with a first response, {} resolved.",
            fit.days,
            fit.first_date,
            WEEKDAYS[fit.start_weekday],
            m.tickets,
            m.responded,
            m.resolved
        ),
        "Every fitted value is followed by its standard error (±) in a comment.".into(),
    ];
    let mut notes = Vec::new();
    let effort_s = effort.seconds(m);
    let (mut topic_list, topic_notes) = topics(fit, spec);
    resolution_targets(fit, m, &mut topic_list, &mut notes);
    let mut agents = match queues {
        Queues::Pooled => vec![agents(m, spec, effort_s, &mut notes, &Crew::desk())],
        Queues::Groups => {
            super::queues::queue_agents(fit, log, m, spec, effort_s, &mut topic_list, &mut notes)
        }
    };
    sweep_days(m, &mut agents, &mut notes);
    let file = ScenarioFile {
        simulation: simulation(fit, &source),
        volume: volume(fit, &mut notes),
        channels: IndexMap::from([(
            spec.name.clone(),
            channel(m, spec, effort, effort_s, &mut notes),
        )]),
        topics: topic_list,
        agents,
        automation: None,
        knowledge_base: None,
        resolution: None,
        csat: None,
        customers: None,
        surges: Vec::new(),
        hires: Vec::new(),
        lesson: None,
    };
    notes.extend(topic_notes);
    (file, header, notes)
}

/// Fewer resolutions of a priority than this give it no resolution target.
const MIN_RESOLVED: usize = 20;

/// Each topic's `resolve_within`: the time within which 80% of its priority's tickets were
/// resolved (opening to first resolution, waits included), rounded up to the hour — a measure
/// of what the desk did, reported against, never routed by.
fn resolution_targets(fit: &Fit, m: &TicketMeasures, topics: &mut [Topic], notes: &mut Vec<Note>) {
    let mut first = None;
    for (i, (t, topic)) in fit.topics.iter().zip(topics.iter_mut()).enumerate() {
        let Some((p, s)) = m
            .priorities
            .iter()
            .find(|p| p.rank == t.priority)
            .and_then(|p| p.resolution.map(|s| (p, s)))
            .filter(|(_, s)| s.n >= MIN_RESOLVED)
        else {
            continue;
        };
        let hours = (s.p80 / 3600.0).ceil().max(1.0);
        topic.resolve_within = Some(Duration(format!("{hours:.0}h")));
        first.get_or_insert((i, p.name.clone(), s));
    }
    if let Some((i, name, s)) = first {
        notes.push(Note::before(
            &["topics", &i.to_string(), "resolve_within"],
            format!(
                "Read from the log: 80% of the tickets of each topic's priority were resolved within\n\
                 this (opening to first resolution, waits included; priority {name}: median {},\n\
                 80% within {}, of {}). What the desk did, not a policy: set your own. Reported as\n\
                 the share resolved within it; agents do not work to it.",
                format_duration(s.p50),
                format_duration(s.p80),
                s.n
            ),
        ));
    }
}

fn channel(
    m: &TicketMeasures,
    spec: &ChannelSpec,
    effort: Effort,
    effort_s: f64,
    notes: &mut Vec<Note>,
) -> Channel {
    let at = |key: &str| vec!["channels".to_string(), spec.name.clone(), key.to_string()];
    let mut note = |key: &str, text: String| {
        notes.push(Note {
            at: at(key),
            text,
            after: false,
        })
    };
    let mut waits = Vec::new();
    let mut ch = Channel::new(
        spec.kind.into(),
        Distribution::Exponential {
            mean: Duration(secs(effort_s)),
            cv: None,
        },
    );
    note(
        "handle_time",
        match effort {
            Effort::Given(_) => {
                "Agent effort per touch, as given with --effort: the log records state changes,\n\
                 not how long anyone worked. Exponential: the log cannot say how it varies."
                    .to_string()
            }
            Effort::FromAgents(n) => format!(
                "ESTIMATE of agent effort per touch: the log records state changes, not work. {n} agents\n\
                 (--agents) working {AGENT_DAY_HOURS} h a weekday carry the log's {:.0} touches\n\
                 a day ({:.1} opened, in a steady state resolved, a day × {:.2} touches).\n\
                 {}\nExponential: the log cannot say how it varies.",
                touches_per_day(m),
                m.opened_per_day,
                m.touches.0,
                occupancy_reason(m)
            ),
        },
    );
    let touches = (m.touches.0 * 1000.0).round() / 1000.0;
    if touches > 1.0
        && let Some(best) = m.between_touches.first()
    {
        ch.touches = Some(touches.min(50.0));
        note(
            "touches",
            format!(
                "± {:.3}: agent touches per resolved ticket (the first response, one after each\n\
                 pending span, one after each reopening, one after the desk held it past an hour\n\
                 after its first response)",
                m.touches.1
            ),
        );
        waits = super::pending::waits(m, best, &mut ch, &spec.name);
    }
    if let Some(share) = m.out_of_order.filter(|s| *s > 0.5) {
        let pick = m.pick_bias.unwrap_or(crate::tickets::PickBias {
            bias: crate::tickets::MAX_BIAS,
            se: None,
            picks: 0,
            newest_share: 1.0,
            oldest_share: 0.0,
            sweeps: None,
            sampled: 0,
        });
        order(&mut ch, share, pick, &mut note);
    }
    if let Some(target) = spec.answer_within.is_finite().then_some(spec.answer_within) {
        ch.answer_within = Some(Duration(secs(target)));
        note(
            "answer_within",
            match m.first_response {
                Some(s) if (target - measured_target(&s)).abs() < 1e-6 => {
                    format!(
                        "Read from the log: 80% of its {} first responses came within {} (median {},\n\
                         90% within {}). A measure of what the desk did, not a policy: set your own.",
                        s.n,
                        format_duration(s.p80),
                        format_duration(s.p50),
                        format_duration(s.p90)
                    )
                }
                _ => "As given with --answer-within.".to_string(),
            },
        );
    }
    notes.extend(waits);
    ch
}

/// Which agent group [`agents`] writes: its name, its place in the scenario and, for a
/// group's own queue, the one skill it has.
pub(super) struct Crew {
    pub name: String,
    pub index: usize,
    pub skill: Option<String>,
    /// Touches a day the group makes, when not those of `m`'s tickets (per-group queues with
    /// hand-offs between them).
    pub touches: Option<f64>,
}

impl Crew {
    /// The whole desk, taking every ticket.
    fn desk() -> Crew {
        Crew {
            name: "agents".into(),
            index: 0,
            skill: None,
            touches: None,
        }
    }
}

/// One group on the channel: agents on duty in the hours the log shows the desk (or, with
/// per-group queues, `m`'s part of it) acting (first responses and resolutions at 20% or more
/// of the weekday's busiest hour), on each weekday in proportion to its actions, so many that
/// the log's touches at `effort_s` each keep them busy at the desk's [`occupancy`]. An
/// estimate, and said so (at length on the first group only).
pub(super) fn agents(
    m: &TicketMeasures,
    spec: &ChannelSpec,
    effort_s: f64,
    notes: &mut Vec<Note>,
    crew: &Crew,
) -> AgentGroup {
    let mut group = AgentGroup {
        name: crew.name.clone(),
        channels: vec![spec.name.clone()],
        skills: crew
            .skill
            .as_ref()
            .map(|s| IndexMap::from([(s.clone(), 1.0)])),
        ..AgentGroup::default()
    };
    let index = crew.index.to_string();
    let touches = crew.touches.unwrap_or_else(|| touches_per_day(m));
    let present = desk_presence(m);
    let weekend = weekend_presence(m);
    // On shift: on average the agents present are the share 1 − absence of them (at the
    // weekend, of the weekend crew).
    let absent = |w: usize| match (w >= 5, weekend, present) {
        (true, Some(p), _) | (_, _, Some(p)) => p.absence,
        _ => 0.0,
    };
    let shifts = rota(m, touches * 7.0 * effort_s / occupancy(m), &absent);
    let key = if shifts.is_empty() {
        let week_work = touches * 7.0 * effort_s / occupancy(m) / (1.0 - absent(0));
        group.count = Some((week_work / (7.0 * DAY)).ceil().clamp(1.0, 1_000_000.0) as u32);
        "count"
    } else {
        group.shifts = Some(shifts);
        "shifts"
    };
    if crew.index > 0 {
        notes.push(Note::before(
            &["agents", &index, key],
            format!(
                "ESTIMATE, as for the first group, from this group's own actions and hours: {:.0} touches\n\
                 a day. {}",
                touches,
                occupancy_reason(m)
            ),
        ));
    } else {
        notes.push(Note::before(
        &["agents", &index, key],
        format!(
            "ESTIMATE, not a schedule read from the log (it names no one on duty): agents in the hours\n\
             the log shows first responses and resolutions (20% of each weekday's busiest hour or\n\
             more), each weekday in proportion to its actions on a date{}, enough for {:.0}\n\
             touches a day at {} each. {}\nReplace with the desk's real rota.",
            quiet_note(m),
            touches,
            format_duration(effort_s),
            occupancy_reason(m)
        ),
    ));
    }
    if let Some(p) = present {
        group.absence = Some(round4(p.absence));
        group.absence_sd = Some(round4(p.absence_sd));
        notes.push(Note::before(
            &["agents", &index, "absence"],
            presence_note(&p, crew.index == 0),
        ));
    }
    if let Some(p) = weekend {
        group.weekend_absence = Some(round4(p.absence));
        group.weekend_absence_sd = Some(round4(p.absence_sd));
        notes.push(Note::before(
            &["agents", &index, "weekend_absence"],
            format!(
                "ESTIMATE: its weekend crew's actions on {} Saturdays and Sundays vary by {:.3} ({:.3}\n\
                 beyond counting noise), read the same way, and the weekend shifts carry its absent.",
                p.dates, p.cv, p.cv_beyond_poisson
            ),
        ));
    }
    group
}

/// Shifts on each weekday in the hours the log shows the desk acting, in proportion to the
/// weekday's actions: `week_work` seconds of agents present a week, so many more scheduled
/// that the share `absent(weekday)` of them can be away.
fn rota(m: &TicketMeasures, week_work: f64, absent: &dyn Fn(usize) -> f64) -> Vec<Shift> {
    let total: f64 = m.activity.per_hour.iter().flatten().sum();
    let duty = crate::tickets::on_duty(&m.activity.per_hour);
    let mut shifts = Vec::new();
    for (w, hours) in m.activity.per_hour.iter().enumerate() {
        let day: f64 = hours.iter().sum();
        let on = |h: usize| duty[w][h];
        let (Some(a), Some(b)) = ((0..24).find(|&h| on(h)), (0..24).rev().find(|&h| on(h))) else {
            continue;
        };
        let (start, end) = (a as f64 * 3600.0, (b + 1) as f64 * 3600.0);
        // The agent-hours the weekday's share of the work needs, to the half hour: so many
        // agents over the whole span and one more for the rest, from its start (not rounded
        // to whole agents, which would miss a weekend desk of one or two by half).
        let work = week_work * day / total.max(1.0) / (1.0 - absent(w));
        let hours = (work / 1800.0).round() * 1800.0;
        let whole = (hours / (end - start)).floor();
        let rest = hours - whole * (end - start);
        let mut shift = |count: f64, end: f64| {
            shifts.push(Shift {
                days: Some(Days::Named(WEEKDAYS[w].to_string())),
                start: TimeOfDay(hhmm(start)),
                end: TimeOfDay(hhmm(end)),
                count: Some(count.min(1_000_000.0) as u32),
                overnight: None,
                breaks: None,
            })
        };
        if whole >= 1.0 {
            shift(whole, end);
        }
        if rest > 0.0 {
            shift(1.0, start + rest);
        }
    }
    shifts
}

/// The scenario's note on a group's `absence`: at length on the first group.
fn presence_note(p: &super::Presence, first: bool) -> String {
    if first {
        format!(
            "ESTIMATE: on its {} usual dates of the weekdays that carry it, the desk (which never\n\
             caught up, so did what its agents present could) did its weekday's mean actions\n\
             with a coefficient of variation of {:.3} ({:.3} beyond counting noise): read as its\n\
             agents present varying from day to day, everyone there on the best days (the 90th\n\
             percentile), and the shifts carry the agents absent on an average day.",
            p.dates, p.cv, p.cv_beyond_poisson
        )
    } else {
        format!(
            "ESTIMATE, as for the first group: its actions on {} usual dates vary by {:.3}\n\
             ({:.3} beyond counting noise).",
            p.dates, p.cv, p.cv_beyond_poisson
        )
    }
}

/// The day-to-day presence of a desk that never caught up ([`super::presence`]); a desk that
/// did shows its demand in its daily actions, not its presence.
pub fn desk_presence(m: &TicketMeasures) -> Option<super::Presence> {
    (occupancy(m) == 1.0)
        .then(|| super::presence(&m.activity.day_ratios))
        .flatten()
}

/// The day-to-day presence of the weekend crew of a desk that never caught up, read from its
/// Saturdays and Sundays alone ([`crate::tickets::Activity::weekend_ratios`]).
pub fn weekend_presence(m: &TicketMeasures) -> Option<super::Presence> {
    (occupancy(m) == 1.0)
        .then(|| super::presence(&m.activity.weekend_ratios))
        .flatten()
}

/// Every group's `sweep_days` on a desk that answers newest first: the share of its picks the
/// log shows made on days one person swept the oldest ([`crate::tickets::Sweeps`]; the same for
/// every group, read over the whole desk). Only when the days in the class at the oldest end
/// took at least half their picks in the oldest tenth: otherwise that class is a spread of
/// older picks, not sweeps (a log whose updates all carry one system account's name, say).
fn sweep_days(m: &TicketMeasures, agents: &mut [AgentGroup], notes: &mut Vec<Note>) {
    if m.out_of_order.is_none_or(|s| s <= 0.5) {
        return;
    }
    let Some(s) = m
        .pick_bias
        .and_then(|p| p.sweeps)
        .filter(|s| s.swept_days > 0 && s.oldest_decile >= 0.5 && round4(s.share) > 0.0)
    else {
        return;
    };
    for g in agents.iter_mut() {
        g.sweep_days = Some(round4(s.share));
    }
    notes.push(Note::before(
        &["agents", "0", "sweep_days"],
        format!(
            "ESTIMATE: on {} of {} person-days one person took the group's oldest tickets in turn\n\
             ({:.0}% of that class's picks in the oldest tenth of those waiting; a latent-class\n\
             mixture of the days' picks): {:.1}% of the picks. Each agent sweeps on that share of\n\
             its days, oldest first; otherwise newest first.",
            s.swept_days,
            s.person_days,
            100.0 * s.oldest_decile,
            100.0 * s.share
        ),
    ));
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// `queue_order` of a desk that does not answer first come, first served (`share` of its first
/// responses overtook an older waiting ticket): newest first, with the bias its picks read as
/// in random order (`newest_bias`) noted beside it. Random order with that bias describes the
/// picks themselves better, but replayed it answers the days' first responses later than the
/// desk did (the README's service-desk backtest), so it is the user's to choose.
fn order(
    ch: &mut crate::scenario::format::Channel,
    share: f64,
    pick: crate::tickets::PickBias,
    note: &mut impl FnMut(&str, String),
) {
    ch.queue_order = Some(crate::scenario::format::QueueOrder::NewestFirst);
    let mut why = format!(
        "The desk does not answer first come, first served: {:.0}% of the first responses to\n\
         tickets created new came while an older ticket of the same group still waited, and\n\
         {:.0}% of the {} taken while others waited took the newest, {:.0}% the oldest.",
        100.0 * share,
        100.0 * pick.newest_share,
        pick.picks,
        100.0 * pick.oldest_share
    );
    if let Some(se) = pick.se {
        why += &format!(
            "\nTaken at random, a ticket's chance went as its wait to the power −{:.3} (± {:.3}):\n\
             queue_order = \"random\" with newest_bias = {:.3} replays those picks.",
            pick.bias.max(0.0),
            se,
            pick.bias.max(0.0)
        );
    }
    note("queue_order", why);
}
