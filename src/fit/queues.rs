//! A desk of many queues: each assignment group's tickets wait for that group's own agents.
//! Under per-group queues ([`Queues::Groups`]) a fitted topic is a group (at a priority), and
//! its tickets need that group's skill; groups too small to be a topic of their own share one
//! skill, "other groups". Each skill gets an agent group sized, rostered and given its
//! presence from the actions on its own tickets, exactly as the whole desk is otherwise.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::scenario::ChannelSpec;
use super::tickets::{Crew, agents};
use super::{Fit, TopicFit};
use crate::scenario::format::{AgentGroup, Note, Reassign, Topic};
use crate::tickets::{
    EventLog, Lifecycle, Queues, TicketMeasures, measure_part, priority_ranks, rank_of,
};

/// The skill of the groups pooled into an "other" topic.
pub const OTHER_GROUPS: &str = "other groups";

/// The skill a topic's tickets need under per-group queues: its group's, or that of the
/// pooled small groups.
pub fn queue_skill(t: &TopicFit) -> String {
    match t.values.as_slice() {
        [v] => v.clone(),
        _ => OTHER_GROUPS.into(),
    }
}

/// A topic's hand-offs: their share of its answered tickets, and each receiving topic with its
/// fraction of them.
type HandOff = (f64, Vec<(usize, f64)>);

/// Fewer answered tickets than this give a topic no hand-off share.
const MIN_ANSWERED: usize = 20;

/// Each topic's `reassign`: the share of its answered tickets the log shows handed to another
/// group afterwards (the first change of group after the first response), and to which
/// topics' queues, at the ticket's own priority. A hand-off within one skill (between two small
/// groups pooled together) stays in its queue and is not counted.
fn handoffs(
    fit: &Fit,
    log: &EventLog,
    ranks: &BTreeMap<String, u32>,
    skills: &[String],
    topic: &dyn Fn(&Lifecycle) -> Option<usize>,
    topics: &mut [Topic],
    notes: &mut Vec<Note>,
) -> Vec<Option<HandOff>> {
    let n = fit.topics.len();
    let mut out = vec![None; n];
    let (mut answered, mut to) = (vec![0usize; n], vec![IndexMap::<usize, usize>::new(); n]);
    for t in log.tickets.iter().filter(|t| t.first_response.is_some()) {
        let Some(i) = topic(t) else {
            continue;
        };
        answered[i] += 1;
        let rank = rank_of(ranks, t);
        if let Some(j) = t
            .handed
            .as_ref()
            .and_then(|(_, g)| super::topic_of(&fit.topics, rank, g))
            .filter(|&j| skills[j] != skills[i])
        {
            *to[i].entry(j).or_default() += 1;
        }
    }
    let mut first = None;
    for i in 0..n {
        let handed: usize = to[i].values().sum();
        if answered[i] < MIN_ANSWERED || handed == 0 {
            continue;
        }
        to[i].sort_by(|_, a, _, b| b.cmp(a));
        let mut mix: IndexMap<String, f64> = to[i]
            .iter()
            .map(|(&j, &k)| (fit.topics[j].name.clone(), round4(k as f64 / handed as f64)))
            .collect();
        // The largest takes up the rounding, so that the shares add up to 1.
        let rest: f64 = mix.values().skip(1).sum();
        if let Some((_, x)) = mix.first_mut() {
            *x = round4(1.0 - rest);
        }
        let share = round4(handed as f64 / answered[i] as f64);
        out[i] = Some((
            share,
            to[i]
                .iter()
                .map(|(&j, &k)| (j, k as f64 / handed as f64))
                .collect(),
        ));
        topics[i].reassign = Some(Reassign { share, to: mix });
        first.get_or_insert((i, handed, answered[i]));
    }
    if let Some((i, handed, of)) = first {
        notes.push(Note::before(
            &["topics", &i.to_string(), "reassign"],
            format!(
                "Read from the log: of a topic's answered tickets, the share handed to another group\n\
                 afterwards (its first change of group after the first response; here {handed} of {of}),\n\
                 and the topics whose queues took them. The hand-off joins that queue at once."
            ),
        ));
    }
    out
}

/// The touches a day each skill's group makes in the model: a topic's tickets a day (λ) take
/// their first touch in its own queue; those kept there (1 − s) take all their `T` touches
/// there, those handed on (s) take one more touch in the receiving queue and their further
/// touches (T − 1 on average) there: T in all.
fn workload(
    fit: &Fit,
    desk: &TicketMeasures,
    skills: &[String],
    handed: &[Option<HandOff>],
) -> IndexMap<String, f64> {
    let t = desk.touches.0.max(1.0);
    let mut work: IndexMap<String, f64> = IndexMap::new();
    for (i, topic) in fit.topics.iter().enumerate() {
        let per_day = desk.opened_per_day * topic.share.value;
        let s = handed[i].as_ref().map_or(0.0, |h| h.0);
        *work.entry(skills[i].clone()).or_default() += per_day * ((1.0 - s) * t + s);
        for &(j, p) in handed[i].as_ref().map_or(&[][..], |h| &h.1[..]) {
            *work.entry(skills[j].clone()).or_default() += per_day * s * p * t;
        }
    }
    work
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Gives every topic its group's skill and returns an agent group per skill, from the
/// tickets that waited in it. `fit` is the fit of `log` with topics by queue.
pub fn queue_agents(
    fit: &Fit,
    log: &EventLog,
    desk: &TicketMeasures,
    spec: &ChannelSpec,
    effort_s: f64,
    topics: &mut [Topic],
    notes: &mut Vec<Note>,
) -> Vec<AgentGroup> {
    let ranks = priority_ranks(log);
    let topic = |t: &Lifecycle| {
        super::topic_of(
            &fit.topics,
            rank_of(&ranks, t),
            Queues::Groups.topic_value(t),
        )
    };
    let mut skills: Vec<String> = fit.topics.iter().map(queue_skill).collect();
    // A queue no one ever acted on (tickets not yet answered, in no group) says nothing of
    // who works it: its tickets go to the busiest group's.
    let mut acted: IndexMap<&str, usize> = IndexMap::new();
    for t in &log.tickets {
        if let Some(i) = topic(t).filter(|_| t.first_response.is_some() || t.resolved.is_some()) {
            *acted.entry(skills[i].as_str()).or_default() += 1;
        }
    }
    if let Some(busiest) = acted
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(s, _)| s.to_string())
    {
        let idle: Vec<usize> = (0..skills.len())
            .filter(|&i| !acted.contains_key(skills[i].as_str()))
            .collect();
        for i in idle {
            skills[i].clone_from(&busiest);
        }
    }
    for (topic, skill) in topics.iter_mut().zip(&skills) {
        topic.skill = Some(skill.clone());
    }
    let handed = handoffs(fit, log, &ranks, &skills, &topic, topics, notes);
    let work = workload(fit, desk, &skills, &handed);
    let mut parts: IndexMap<String, EventLog> = skills
        .iter()
        .map(|s| {
            (
                s.clone(),
                EventLog {
                    until: log.until,
                    handoffs: log.handoffs,
                    ..EventLog::default()
                },
            )
        })
        .collect();
    for t in &log.tickets {
        let Some(i) = topic(t) else {
            continue;
        };
        if let Some(part) = parts.get_mut(&skills[i]) {
            part.tickets.push(t.clone());
        }
    }
    if !parts.is_empty() {
        notes.push(Note::before(
            &["agents"],
            format!(
                "A queue per assignment group: each topic is the group whose queue its tickets waited\n\
                 in for their first response (the group that gave it), and only that group's agents\n\
                 take them; groups with under the minimum topic share share the skill \"{OTHER_GROUPS}\",\n\
                 and tickets of a queue no one acted on in the log go to the busiest group's.\n\
                 Each group below is sized from the actions on its own tickets; a topic's `reassign`\n\
                 hands its tickets to another group's queue after the first response, as the log shows."
            ),
        ));
    }
    let measures: Vec<TicketMeasures> = parts.values().map(|p| measure_part(p, desk)).collect();
    let mut groups: Vec<AgentGroup> = parts
        .keys()
        .zip(&measures)
        .enumerate()
        .map(|(index, (skill, m))| {
            let crew = Crew {
                name: skill.clone(),
                index,
                skill: Some(skill.clone()),
                touches: work.get(skill).copied(),
            };
            agents(m, spec, effort_s, notes, &crew)
        })
        .collect();
    share_presence(desk, &measures, &mut groups, notes);
    groups
}

/// Writes `absence_shared` on the groups whose presence varies, read from how much of their
/// spread the desk's shows ([`super::shared`]): a desk's quiet days come for its groups
/// together, which groups drawn apart would average away.
fn share_presence(
    desk: &TicketMeasures,
    measures: &[TicketMeasures],
    groups: &mut [AgentGroup],
    notes: &mut Vec<Note>,
) {
    if super::desk_presence(desk).is_none() {
        return;
    }
    // Each group's share of the desk's actions on the weekdays (0 = Monday) `days`.
    let actions = |m: &TicketMeasures, days: std::ops::Range<usize>| {
        m.activity.per_hour[days].iter().flatten().sum::<f64>()
    };
    type Ratios = fn(&crate::tickets::Activity) -> &[(f64, f64)];
    let rho = |days: std::ops::Range<usize>, ratios: Ratios| {
        let all = actions(desk, days.clone()).max(1.0);
        let parts: Vec<(f64, &[(f64, f64)])> = measures
            .iter()
            .map(|m| (actions(m, days.clone()) / all, ratios(&m.activity)))
            .collect();
        super::shared(ratios(&desk.activity), &parts)
    };
    let (weekday, weekend) = (
        rho(0..5, |a| a.day_ratios.as_slice()),
        rho(5..7, |a| a.weekend_ratios.as_slice()),
    );
    let mut first = true;
    for (i, g) in groups.iter_mut().enumerate() {
        if g.absence_sd.is_some() {
            g.absence_shared = weekday.map(round4);
        }
        if g.weekend_absence_sd.is_some() {
            g.weekend_absence_shared = weekend.map(round4);
        }
        if first && (g.absence_shared.is_some() || g.weekend_absence_shared.is_some()) {
            let key = if g.absence_shared.is_some() {
                "absence_shared"
            } else {
                "weekend_absence_shared"
            };
            notes.push(Note::before(
                &["agents", &i.to_string(), key],
                format!(
                    "ESTIMATE: how much of their day-to-day spread the groups share, from the desk's\n\
                     daily actions against theirs (its spread beyond counting noise is their own spreads\n\
                     plus what they share): on weekdays {}, at the weekend {} (0: each group's day\n\
                     is its own; 1: one day for all).",
                    weekday.map_or("not read".into(), |r| format!("{r:.2}")),
                    weekend.map_or("not read".into(), |r| format!("{r:.2}")),
                ),
            ));
            first = false;
        }
    }
}
