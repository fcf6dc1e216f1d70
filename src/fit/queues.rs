//! A desk of many queues: each assignment group's tickets wait for that group's own agents.
//! Under per-group queues ([`Queues::Groups`]) a fitted topic is a group (at a priority), and
//! its tickets need that group's skill; groups too small to be a topic of their own share one
//! skill, "other groups". Each skill gets an agent group sized, rostered and given its
//! presence from the actions on its own tickets, exactly as the whole desk is otherwise.

use indexmap::IndexMap;

use super::scenario::ChannelSpec;
use super::tickets::{Crew, agents};
use super::{Fit, TopicFit};
use crate::scenario::format::{AgentGroup, Note, Topic};
use crate::tickets::{EventLog, Lifecycle, Queues, TicketMeasures, measure_part, priority_ranks};

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
        let rank = ranks
            .get(t.priority.as_deref().unwrap_or(""))
            .copied()
            .unwrap_or(1);
        super::topic_of(&fit.topics, rank, Queues::Groups.topic_value(t))
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
    let mut parts: IndexMap<String, EventLog> = skills
        .iter()
        .map(|s| {
            (
                s.clone(),
                EventLog {
                    until: log.until,
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
                 Each group below is sized from the actions on its own tickets. Later touches stay with\n\
                 the group that answered: reassignment to another group is not modelled."
            ),
        ));
    }
    parts
        .iter()
        .enumerate()
        .map(|(index, (skill, part))| {
            let m = measure_part(part, desk);
            let crew = Crew {
                name: skill.clone(),
                index,
                skill: Some(skill.clone()),
            };
            agents(&m, spec, effort_s, notes, &crew)
        })
        .collect()
}
