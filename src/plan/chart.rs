//! The plan's charts: headcount and each channel's service level week by week, with their
//! P10–P90 bands across replications and the hiring classes marked where they join the floor.

use super::Plan;
use crate::model::Model;
use crate::plot::{Chart, Line, Mark, Series, Target, TimeChart, XAxis, YUnit};

/// Headcount on strength (and in training), then service level per channel, over the weeks.
pub fn chart(m: &Model, plan: &Plan) -> Vec<Chart> {
    let x: Vec<f64> = (1..=plan.weeks.len()).map(|w| w as f64).collect();
    let line = |name: &str, label: String, color: usize| -> Option<Line> {
        let k = plan.column(name)?;
        let pick = |f: fn(&crate::report::Band) -> Option<f64>| -> Series {
            plan.weeks.iter().map(|w| f(&w.values[k])).collect()
        };
        Some(Line {
            label,
            values: pick(|b| b.mean),
            band: Some((pick(|b| b.p10), pick(|b| b.p90))),
            color,
            dashed: false,
        })
    };
    // One mark a week: every agent joining the floor that week, over all classes.
    let marks: Vec<Mark> = plan
        .weeks
        .iter()
        .enumerate()
        .filter_map(|(w, week)| {
            let joining: u32 = week
                .hiring
                .iter()
                .filter(|h| !h.hired)
                .map(|h| h.size)
                .sum();
            (joining > 0).then(|| Mark {
                x: (w + 1) as f64,
                label: format!(" +{joining}"),
            })
        })
        .collect();
    let weeks = || {
        Some(XAxis {
            label: "week".to_string(),
            unit: YUnit::Count,
        })
    };
    let headcount = TimeChart {
        title: format!("{}: agents on strength per week", plan.name),
        y_label: "agents".to_string(),
        unit: YUnit::Count,
        x: x.clone(),
        lines: [
            line("headcount", "on strength (mean, P10–P90)".into(), 0),
            line("in_training", "in training".into(), 1),
        ]
        .into_iter()
        .flatten()
        .collect(),
        targets: Vec::new(),
        start_weekday: m.demand.start_weekday,
        marks: marks.clone(),
        x_axis: weeks(),
    };
    let service = TimeChart {
        title: format!("{}: service level per week", plan.name),
        y_label: "service level".to_string(),
        unit: YUnit::Percent,
        x,
        lines: m
            .channels
            .iter()
            .enumerate()
            .filter_map(|(c, ch)| {
                line(
                    &format!("{}.service_level", ch.name),
                    format!("{} (mean, P10–P90)", ch.name),
                    c % 6,
                )
            })
            .collect(),
        targets: m
            .channels
            .iter()
            .enumerate()
            .filter_map(|(c, ch)| {
                ch.service_level_target.map(|t| Target {
                    label: format!("{} target", ch.name),
                    value: t,
                    color: c % 6,
                })
            })
            .collect(),
        start_weekday: m.demand.start_weekday,
        marks,
        x_axis: weeks(),
    };
    vec![Chart::Time(headcount), Chart::Time(service)]
}
