//! Plain-language warnings about a run, for managers: what is wrong, where and when.

use super::series::{GroupIntervalRow, IntervalRow};
use super::{Metric, Summary};
use crate::model::Model;

/// Plain-language warnings about a run, for managers: what is wrong, where and when.
pub fn warnings(
    model: &Model,
    summary: &Summary,
    rows: &[IntervalRow],
    groups: &[GroupIntervalRow],
) -> Vec<String> {
    let mut out = Vec::new();
    for gap in crate::gaps::gaps(model) {
        out.push(format!(
            "Customers contact {} when nobody who works it is on shift: {}.",
            gap.channel,
            gap.describe()
        ));
    }
    let week = 7.0 * crate::duration::DAY;
    for ch in &model.channels {
        let mine: Vec<&IntervalRow> = rows.iter().filter(|r| r.channel == ch.name).collect();
        // Backlog week by week (async channels, and any queue that carries over).
        let mut weekly: Vec<(f64, f64)> = Vec::new();
        for r in &mine {
            let w = ((r.start - model.warmup_end()) / week).floor() as usize;
            if weekly.len() <= w {
                weekly.resize(w + 1, (0.0, 0.0));
            }
            if let Some(b) = r.get(Metric::Backlog).and_then(|b| b.mean) {
                weekly[w].0 += b;
                weekly[w].1 += 1.0;
            }
        }
        let means: Vec<f64> = weekly
            .iter()
            .filter(|w| w.1 > 0.0)
            .map(|w| w.0 / w.1)
            .collect();
        if ch.kind == crate::model::ChannelKind::Async && means.len() >= 3 {
            let rising = means.windows(2).filter(|p| p[1] > p[0] * 1.02).count();
            let last = means[means.len() - 1];
            if rising * 4 >= (means.len() - 1) * 3 && last > 1.5 * means[0].max(1.0) {
                out.push(format!(
                    "{} backlog grows every week (from {:.0} to {:.0} waiting on average): not enough capacity for this channel.",
                    ch.name, means[0], last
                ));
            }
        }
        // Service level against target, in intervals with traffic.
        if let Some(target) = ch.service_level_target {
            let with_traffic: Vec<f64> = mine
                .iter()
                .filter(|r| {
                    r.get(Metric::Offered)
                        .and_then(|b| b.mean)
                        .is_some_and(|x| x >= 1.0)
                })
                .filter_map(|r| r.get(Metric::ServiceLevel).and_then(|b| b.mean))
                .collect();
            if !with_traffic.is_empty() {
                let met = with_traffic.iter().filter(|x| **x >= target).count() as f64
                    / with_traffic.len() as f64;
                if met < 0.8 {
                    out.push(format!(
                        "{} meets its {:.0}% service-level target in only {:.0}% of intervals with traffic.",
                        ch.name,
                        target * 100.0,
                        met * 100.0
                    ));
                }
            }
        }
        if let Some(ab) = summary
            .channels
            .get(&ch.name)
            .and_then(|m| m.get(Metric::AbandonRate))
            .and_then(|s| s.mean)
            && ab > 0.1
        {
            out.push(format!(
                "{:.0}% of {} contacts abandon before an answer.",
                ab * 100.0,
                ch.name
            ));
        }
    }
    occupancy(model, groups, &mut out);
    shared_groups(model, summary, &mut out);
    let open: f64 = summary
        .channels
        .0
        .iter()
        .filter_map(|(_, m)| m.get(Metric::OpenAtEnd).and_then(|s| s.mean))
        .sum();
    let late: f64 = summary
        .channels
        .0
        .iter()
        .filter_map(|(_, m)| m.get(Metric::OpenPastTarget).and_then(|s| s.mean))
        .sum();
    if open >= 1.0 {
        out.push(format!(
            "{open:.0} contacts are still waiting when the simulation ends; {late:.0} of them already waited past their answer target and count as misses in the service level."
        ));
    }
    out
}

/// Points below its target at which a channel misses it badly.
const MISSES_BADLY: f64 = 0.10;

/// Groups shared by channels where one channel meets its service-level target and another
/// misses it badly: the shared agents favour one, and nothing may say which should come first.
fn shared_groups(model: &Model, summary: &Summary, out: &mut Vec<String>) {
    let sl = |c: &crate::model::Channel| {
        summary
            .channels
            .get(&c.name)
            .and_then(|m| m.get(Metric::ServiceLevel))
            .and_then(|s| s.mean)
            .zip(c.service_level_target)
    };
    for g in &model.groups {
        let worked: Vec<(&crate::model::Channel, u32, f64, f64)> = model
            .channels
            .iter()
            .enumerate()
            .filter(|(c, _)| g.channels[*c])
            .filter_map(|(c, ch)| sl(ch).map(|(x, t)| (ch, g.channel_rank[c], x, t)))
            .collect();
        let Some(met) = worked
            .iter()
            .filter(|w| w.2 >= w.3)
            .max_by(|a, b| a.2.total_cmp(&b.2))
        else {
            continue;
        };
        let Some(missed) = worked
            .iter()
            .filter(|w| w.2 < w.3 - MISSES_BADLY)
            .min_by(|a, b| (a.2 - a.3).total_cmp(&(b.2 - b.3)))
        else {
            continue;
        };
        let fix = if g.channel_rank.iter().all(|r| *r == 0) {
            format!(
                "nothing says which comes first: give the group channel_order = [\"{}\", \"{}\"], or more agents",
                missed.0.name, met.0.name
            )
        } else if missed.1 > met.1 {
            format!(
                "its channel_order serves {} first: put {} first, or add agents",
                met.0.name, missed.0.name
            )
        } else {
            "add agents, or a group of its own for the channel that misses".to_string()
        };
        out.push(format!(
            "{} serve {} and {}: {} meets its {:.0}% target ({:.0}%) while {} misses its {:.0}% target badly ({:.0}%); {fix}.",
            g.name,
            met.0.name,
            missed.0.name,
            met.0.name,
            met.3 * 100.0,
            met.2 * 100.0,
            missed.0.name,
            missed.3 * 100.0,
            missed.2 * 100.0,
        ));
    }
}

/// Groups whose occupancy is above 90% on some weekday.
fn occupancy(model: &Model, groups: &[GroupIntervalRow], out: &mut Vec<String>) {
    const WEEKDAY_NAMES: [&str; 7] = [
        "Mondays",
        "Tuesdays",
        "Wednesdays",
        "Thursdays",
        "Fridays",
        "Saturdays",
        "Sundays",
    ];
    for g in &model.groups {
        let mut by_day = [(0.0, 0.0); 7];
        for r in groups.iter().filter(|r| r.group == g.name) {
            let mean = |m: Metric| r.get(m).and_then(|b| b.mean);
            let (Some(occ), Some(avail)) = (mean(Metric::Occupancy), mean(Metric::AvailableAgents))
            else {
                continue;
            };
            if avail <= 0.0 {
                continue;
            }
            let day = (r.start / crate::duration::DAY).floor() as usize;
            let wd = (model.demand.start_weekday + day) % 7;
            by_day[wd].0 += occ * avail;
            by_day[wd].1 += avail;
        }
        let busy: Vec<&str> = by_day
            .iter()
            .enumerate()
            .filter(|(_, (o, a))| *a > 0.0 && o / a > 0.9)
            .map(|(d, _)| WEEKDAY_NAMES[d])
            .collect();
        if !busy.is_empty() {
            out.push(format!(
                "Occupancy above 90% for {} on {}: agents have no slack for peaks, breaks or coaching.",
                g.name,
                busy.join(", ")
            ));
        }
    }
}
