//! Figures per kind group: calls and chats are answered in seconds while the customer waits,
//! written work in hours from a backlog. A service level, a wait or an abandonment rate over
//! both would blend unlike things, so those figures come per kind group — for the operation
//! and for each topic — and the figures over both keep only what adds up (counts, agent time,
//! satisfaction, money).

use super::figures::{contact_metrics, ratio};
use super::{Metric, Metrics, Named};
use crate::metrics::{FrtSummary, RepResult, Tally};
use crate::model::{KindGroup, Model};

/// Contact figures of each kind group the scenario has: its channels' contacts together, with
/// the contacts still open at the end (and, for written work, the mean backlog).
pub(super) fn kind_metrics(model: &Model, reps: &[RepResult], stat_days: f64) -> Named<Metrics> {
    let mut out = Vec::new();
    for k in model.kind_groups() {
        let channels: Vec<usize> = (0..model.channels.len())
            .filter(|c| model.channels[*c].kind.group() == k)
            .collect();
        let totals: Vec<Tally> = reps
            .iter()
            .map(|r| {
                let mut t = Tally::default();
                channels.iter().for_each(|c| t.add(&r.channels[*c]));
                t
            })
            .collect();
        let frt: Vec<&FrtSummary> = reps.iter().map(|r| &r.kind_frt[k as usize]).collect();
        let mut m = Metrics::default();
        contact_metrics(
            &mut m,
            &totals.iter().collect::<Vec<_>>(),
            &frt,
            stat_days,
            &model.csat,
        );
        m.push(
            Metric::OpenAtEnd,
            reps.iter()
                .map(|r| Some(channels.iter().map(|c| r.open_end[*c]).sum::<u64>() as f64))
                .collect(),
        );
        if k == KindGroup::Written {
            let ni = model.stat_intervals() as f64;
            m.push(
                Metric::BacklogMean,
                reps.iter()
                    .map(|r| ratio(channels.iter().map(|c| r.queue_sum[*c]).sum(), ni))
                    .collect(),
            );
        }
        out.push((k.key().to_string(), m));
    }
    Named(out)
}

/// No first-response times: for figures over both kind groups, which are dropped.
static NO_FRT: FrtSummary = FrtSummary {
    count: 0,
    p50: None,
    p90: None,
    p95: None,
    at_most: [0; 12],
    resolution_p50: None,
    resolution_p90: None,
};

/// The first-response times of every contact together, when they are of one kind group; none
/// (the figures are then dropped) when the scenario mixes kinds.
pub(super) fn overall_frt<'a>(model: &Model, reps: &'a [RepResult]) -> Vec<&'a FrtSummary> {
    match model.kind_groups().as_slice() {
        [k] => reps.iter().map(|r| &r.kind_frt[*k as usize]).collect(),
        _ => vec![&NO_FRT; reps.len()],
    }
}

/// Each topic's figures over all its contacts (without the blending figures when the topic
/// reaches both kind groups), and, when the scenario mixes kinds, each kind group's topics.
pub(super) fn topic_metrics(
    model: &Model,
    reps: &[RepResult],
    stat_days: f64,
) -> (Named<Metrics>, Named<Named<Metrics>>) {
    let mut topics = Vec::new();
    let mut by_kind: Vec<(KindGroup, Vec<(String, Metrics)>)> = if model.mixes_kinds() {
        model
            .kind_groups()
            .into_iter()
            .map(|k| (k, Vec::new()))
            .collect()
    } else {
        Vec::new()
    };
    for (t, topic) in model.topics.iter().enumerate() {
        let kinds = model.topic_kind_groups(t);
        let totals: Vec<Tally> = reps
            .iter()
            .map(|r| {
                let mut x = r.topics[t * 2].clone();
                x.add(&r.topics[t * 2 + 1]);
                x
            })
            .collect();
        let frt: Vec<&FrtSummary> = reps
            .iter()
            .map(|r| match kinds.as_slice() {
                [k] => &r.topic_frt[t * 2 + *k as usize],
                _ => &NO_FRT,
            })
            .collect();
        let mut m = Metrics::default();
        contact_metrics(
            &mut m,
            &totals.iter().collect::<Vec<_>>(),
            &frt,
            stat_days,
            &model.csat,
        );
        if kinds.len() > 1 {
            m.drop_blends();
        }
        topics.push((topic.name.clone(), m));
        for (k, list) in by_kind.iter_mut().filter(|(k, _)| kinds.contains(k)) {
            let slot = t * 2 + *k as usize;
            let tallies: Vec<&Tally> = reps.iter().map(|r| &r.topics[slot]).collect();
            let frt: Vec<&FrtSummary> = reps.iter().map(|r| &r.topic_frt[slot]).collect();
            let mut m = Metrics::default();
            contact_metrics(&mut m, &tallies, &frt, stat_days, &model.csat);
            list.push((topic.name.clone(), m));
        }
    }
    let by_kind = by_kind
        .into_iter()
        .map(|(k, list)| (k.key().to_string(), Named(list)))
        .collect();
    (Named(topics), Named(by_kind))
}
