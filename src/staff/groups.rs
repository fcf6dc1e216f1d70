//! From agents needed per weekday and interval to agent groups with shifts: the scenario's own
//! groups, each scheduled for its share of the work (see `split`), as the model's groups (to
//! simulate) and as the scenario file's `[[agents]]` (to keep, edit and run). A test holds the
//! two forms to the same model.

use std::collections::BTreeMap;

use super::shifts::{
    ShiftLimits, Stacked, file_shifts, lengthen, min_slots, model_shifts, scheduled_hours, stack,
    stacked,
};
use super::{Requirement, split};
use crate::duration::DAY;
use crate::model::{ChannelKind, Group, Model};
use crate::scenario::format::{self, ScenarioFile};

/// The dedicated plan's agents scheduled per weekday and slot: each tier-1 group's (in model
/// order), then each channel's that no tier-1 group takes, with their names.
fn plan_profiles(model: &Model, reqs: &[Requirement]) -> Vec<(String, Vec<Vec<u32>>)> {
    let mut out: Vec<(String, Vec<Vec<u32>>)> = split::group_profiles(model, reqs)
        .into_iter()
        .zip(&model.groups)
        .filter(|(_, g)| g.tier == 1)
        .map(|(p, g)| (g.name.clone(), p))
        .collect();
    let mut profiles = profiles(model, reqs);
    for c in split::orphans(model) {
        let name = format!("staff {}", model.channels[c].name);
        out.push((name, std::mem::take(&mut profiles[c])));
    }
    out
}

/// Stacked pieces shorter than `limits` in the dedicated plan of `reqs` and the
/// agent-hours lengthening them to `limits` adds.
pub fn short_pieces(model: &Model, reqs: &[Requirement], limits: ShiftLimits) -> (u32, f64) {
    let len = model.interval;
    let min = min_slots(limits.min, len);
    let (mut pieces, mut added) = (0, 0.0);
    for (_, profile) in plan_profiles(model, reqs) {
        for day in &profile {
            let runs = stack(day);
            for ((s, e), c) in &runs {
                if e - s < min {
                    pieces += c;
                }
            }
            let hours = |r: &BTreeMap<(usize, usize), u32>| {
                r.iter()
                    .map(|((s, e), c)| (e - s) as f64 * f64::from(*c))
                    .sum::<f64>()
                    * len
                    / 3600.0
            };
            added += hours(&lengthen(runs.clone(), min, day.len())) - hours(&runs);
        }
    }
    (pieces, added)
}

/// Each channel's profile of required agents, [weekday][slot].
fn profiles(model: &Model, reqs: &[Requirement]) -> Vec<Vec<Vec<u32>>> {
    let per_day = (DAY / model.interval).round() as usize;
    let mut out = vec![vec![vec![0u32; per_day]; 7]; model.channels.len()];
    for r in reqs {
        out[r.channel][r.weekday % 7][r.slot] = r.required;
    }
    out
}

/// A group with these channels and shifts, every skill at 1, nothing else set: what a staffed
/// scenario's group reads as.
fn plain_group(name: String, channels: Vec<bool>, concurrency: u32, m: &Model) -> Group {
    Group {
        name,
        channel_rank: vec![0; channels.len()],
        channels,
        proficiency: vec![Some(1.0); m.topics.len()],
        concurrency,
        shifts: Vec::new(),
        around_the_clock: 0,
        planned_shrinkage: 0.0,
        absence: 0.0,
        absence_sd: 0.0,
        weekend_absence: 0.0,
        weekend_absence_sd: 0.0,
        absence_shared: 0.0,
        weekend_absence_shared: 0.0,
        sweep_days: 0.0,
        attrition: 0.0,
        ramp_up: None,
        ramp_by_topic: vec![None; m.topics.len()],
        burnout: None,
        tier: 1,
        cost_per_hour: 0.0,
        billed_by_handle_time: false,
        rules: None,
    }
}

/// A group for a channel whose work no tier-1 group of the scenario takes: `staff NAME`, with
/// the channel's requirement on the floor as its shifts (model form, file form).
fn orphan_group(
    model: &Model,
    c: usize,
    profile: &[Vec<u32>],
    limits: ShiftLimits,
) -> Option<(Group, format::AgentGroup)> {
    let ch = &model.channels[c];
    let shifts = stacked(profile, model.interval, limits);
    if shifts.is_empty() {
        return None;
    }
    let chat = ch.kind == ChannelKind::Chat;
    let name = format!("staff {}", ch.name);
    let mut channels = vec![false; model.channels.len()];
    channels[c] = true;
    let mut group = plain_group(
        name.clone(),
        channels,
        if chat { ch.concurrency } else { 1 },
        model,
    );
    group.shifts = model_shifts(&shifts);
    let file = format::AgentGroup {
        name,
        channels: vec![ch.name.clone()],
        concurrency: chat.then_some(ch.concurrency),
        shifts: Some(file_shifts(&shifts)),
        ..format::AgentGroup::default()
    };
    Some((group, file))
}

/// The dedicated plan's shifts per group of the model: for a tier-1 group, the stacked shifts
/// of its share of the requirements (grossed up for its shrinkage and absence); `None` for a
/// tier-2 group, which is kept as it is.
fn planned_shifts(
    model: &Model,
    reqs: &[Requirement],
    limits: ShiftLimits,
) -> Vec<Option<Stacked>> {
    split::group_profiles(model, reqs)
        .iter()
        .zip(&model.groups)
        .map(|(profile, g)| (g.tier == 1).then(|| stacked(profile, model.interval, limits)))
        .collect()
}

/// Groups for the channels no tier-1 group takes (model form, file form).
fn orphan_groups(
    model: &Model,
    reqs: &[Requirement],
    limits: ShiftLimits,
) -> Vec<(Group, format::AgentGroup)> {
    let profiles = profiles(model, reqs);
    split::orphans(model)
        .into_iter()
        .filter_map(|c| orphan_group(model, c, &profiles[c], limits))
        .collect()
}

/// `model` with the dedicated plan: each tier-1 group keeps its channels, skills, costs,
/// shrinkage and absence and gets the shifts of its share of the requirements (a group left
/// with no work is dropped); tier-2 groups are kept. Ready to simulate.
pub fn staffed_model(model: &Model, reqs: &[Requirement], limits: ShiftLimits) -> Model {
    let mut m = model.clone();
    m.groups = model
        .groups
        .iter()
        .zip(planned_shifts(model, reqs, limits))
        .filter_map(|(g, shifts)| match shifts {
            None => Some(g.clone()),
            Some(s) if s.is_empty() => None,
            Some(s) => Some(Group {
                shifts: model_shifts(&s),
                around_the_clock: 0,
                ..g.clone()
            }),
        })
        .chain(orphan_groups(model, reqs, limits).into_iter().map(|g| g.0))
        .collect();
    m
}

/// The scenario `file` (of `model`) with the dedicated plan, for a typical week (without
/// surges or a growth trend): every group as the planner wrote it, tier-1 groups with their
/// planned shifts in place of `count` and `shifts`. A file a planner can keep, edit and run.
pub fn staffed_file(
    file: &ScenarioFile,
    model: &Model,
    reqs: &[Requirement],
    limits: ShiftLimits,
) -> ScenarioFile {
    let mut f = typical(file);
    let some = |x: f64| (x > 0.0).then_some(x);
    f.agents = file
        .agents
        .iter()
        .zip(&model.groups)
        .zip(planned_shifts(model, reqs, limits))
        .filter_map(|((g, mg), shifts)| match shifts {
            None => Some(g.clone()),
            Some(s) if s.is_empty() => None,
            // The shrinkage and absence planned for (the scenario's, or `staff --shrinkage`).
            Some(s) => Some(format::AgentGroup {
                count: None,
                shifts: Some(file_shifts(&s)),
                planned_shrinkage: some(mg.planned_shrinkage),
                absence: some(mg.absence),
                absence_sd: some(mg.absence_sd),
                weekend_absence: (mg.weekend_absence != mg.absence).then_some(mg.weekend_absence),
                weekend_absence_sd: (mg.weekend_absence_sd != mg.absence_sd)
                    .then_some(mg.weekend_absence_sd),
                ..g.clone()
            }),
        })
        .chain(orphan_groups(model, reqs, limits).into_iter().map(|g| g.1))
        .collect();
    f
}

/// Scheduled agent-hours a week per group of the dedicated plan, by name.
pub fn group_hours(model: &Model, reqs: &[Requirement], limits: ShiftLimits) -> Vec<(String, f64)> {
    plan_profiles(model, reqs)
        .into_iter()
        .map(|(name, p)| (name, scheduled_hours(&p, model.interval, limits)))
        .collect()
}

/// What the shared team of a blended plan is like: the tier-1 groups' shrinkage, absence and
/// hourly cost, weighted by their headcount (a group paid by handled time counts as such only
/// when every group is).
fn team_terms(model: &Model) -> (f64, f64, f64, bool) {
    let tier1: Vec<&Group> = model.groups.iter().filter(|g| g.tier == 1).collect();
    let weight = |g: &Group| f64::from(g.headcount().max(1));
    let all: f64 = tier1.iter().map(|g| weight(g)).sum::<f64>().max(1.0);
    let mean =
        |f: &dyn Fn(&Group) -> f64| tier1.iter().map(|g| weight(g) * f(g)).sum::<f64>() / all;
    (
        mean(&|g| g.planned_shrinkage),
        mean(&|g| g.absence),
        mean(&|g| g.cost_per_hour),
        !tier1.is_empty() && tier1.iter().all(|g| g.billed_by_handle_time),
    )
}

/// The shared team of a blended plan, `team[wd][slot]` agents on the floor working every
/// channel and topic, scheduled with the tier-1 groups' shrinkage and absence (model form,
/// file form); none when the team is empty.
fn shared(
    model: &Model,
    team: &[Vec<u32>],
    limits: ShiftLimits,
) -> Option<(Group, format::AgentGroup)> {
    let (shrinkage, absence, cost, by_handle) = team_terms(model);
    let name = "staff team".to_string();
    // A group without its own concurrency holds as many chats as its chat channels allow.
    let concurrency = model
        .channels
        .iter()
        .filter(|c| c.kind == ChannelKind::Chat)
        .map(|c| c.concurrency)
        .max()
        .unwrap_or(1);
    let mut group = plain_group(
        name.clone(),
        vec![true; model.channels.len()],
        concurrency,
        model,
    );
    // The file holds these terms rounded as written; the model reads them back the same way.
    let round = |x: f64| (x * 1e4).round() / 1e4;
    group.planned_shrinkage = round(shrinkage);
    group.absence = round(absence);
    group.weekend_absence = group.absence;
    group.cost_per_hour = round(cost);
    group.billed_by_handle_time = by_handle;
    let scheduled: Vec<Vec<u32>> = team
        .iter()
        .enumerate()
        .map(|(weekday, day)| {
            let k = split::gross_up(&group, weekday);
            day.iter()
                .map(|n| (f64::from(*n) * k - 1e-9).ceil().max(0.0) as u32)
                .collect()
        })
        .collect();
    let shifts = stacked(&scheduled, model.interval, limits);
    if shifts.is_empty() {
        return None;
    }
    group.shifts = model_shifts(&shifts);
    let some = |x: f64| (x > 0.0).then_some(x);
    let file = format::AgentGroup {
        name,
        channels: model.channels.iter().map(|c| c.name.clone()).collect(),
        shifts: Some(file_shifts(&shifts)),
        planned_shrinkage: some(group.planned_shrinkage),
        absence: some(group.absence),
        cost_per_hour: some(group.cost_per_hour),
        cost_basis: by_handle.then_some(format::CostBasis::Handled),
        ..format::AgentGroup::default()
    };
    Some((group, file))
}

/// Scheduled agent-hours a week of a shared team of `team[wd][slot]` agents on the floor.
pub fn team_hours(model: &Model, team: &[Vec<u32>], limits: ShiftLimits) -> f64 {
    shared(model, team, limits).map_or(0.0, |(g, _)| {
        g.shifts
            .iter()
            .map(|s| (s.end - s.start) * f64::from(s.count))
            .sum::<f64>()
            / 3600.0
    })
}

/// `file` for a typical week: without surges or a growth trend.
fn typical(file: &ScenarioFile) -> ScenarioFile {
    let mut f = file.clone();
    f.surges.clear();
    f.volume.growth_per_month = None;
    f
}

/// `model` with its tier-1 groups replaced by one team that works every channel and topic,
/// `team[wd][slot]` agents on the floor per weekday and interval: the plan when agents are
/// cross-trained and shared.
pub fn blended_model(model: &Model, team: &[Vec<u32>], limits: ShiftLimits) -> Model {
    let mut m = model.clone();
    m.groups = model
        .groups
        .iter()
        .filter(|g| g.tier == 2)
        .cloned()
        .chain(shared(model, team, limits).map(|g| g.0))
        .collect();
    m
}

/// The scenario `file` (of `model`) with the shared team as its agent groups (tier-2 groups
/// kept), for a typical week.
pub fn blended_file(
    file: &ScenarioFile,
    model: &Model,
    team: &[Vec<u32>],
    limits: ShiftLimits,
) -> ScenarioFile {
    let mut f = typical(file);
    f.agents = file
        .agents
        .iter()
        .filter(|g| g.tier == Some(2))
        .cloned()
        .chain(shared(model, team, limits).map(|g| g.1))
        .collect();
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[simulation]
days = 7
[volume]
per_day = 2000
intraday = "business-hours"
growth_per_month = 0.02
[channels.phone]
kind = "call"
share = 0.5
handle_time = { dist = "exponential", mean = "4m" }
[channels.chat]
kind = "chat"
share = 0.5
handle_time = { dist = "exponential", mean = "6m" }
concurrency = 2
[[topics]]
name = "billing"
share = 0.7
escalation = 0.2
fcr = 0.8
[[topics]]
name = "tech"
share = 0.3
[[agents]]
name = "desk"
count = 10
channels = ["phone", "chat"]
skills = { billing = 1.0 }
planned_shrinkage = 0.15
absence = 0.05
cost_per_hour = 30
[[agents]]
name = "techs"
count = 4
channels = ["phone", "chat"]
skills = { tech = 0.8, billing = 1.0 }
channel_order = ["phone", "chat"]
cost_per_hour = 40
cost_basis = "handled"
[[agents]]
name = "experts"
count = 2
tier = 2
channels = ["phone", "chat"]
"#;

    #[test]
    fn a_written_plan_reads_back_as_the_plan_that_was_simulated() {
        let base = crate::scenario::parse("t.toml", TEXT, "t")
            .expect("valid")
            .model;
        let file: ScenarioFile = toml::from_str(TEXT).expect("typed");
        let mut reqs = super::super::analytic(&base);
        // Raise some intervals, as simulation rounds do.
        for r in reqs.iter_mut().step_by(7) {
            r.required += 2;
        }
        let team: Vec<Vec<u32>> = (0..7)
            .map(|wd| (0..48).map(|s| ((s + wd) % 5) as u32).collect())
            .collect();
        // No lengthening or cutting, so that the plan's pieces show as they are.
        let limits = ShiftLimits { min: 1.0, max: DAY };
        let cases = [
            (
                staffed_model(&base, &reqs, limits),
                staffed_file(&file, &base, &reqs, limits),
            ),
            (
                blended_model(&base, &team, limits),
                blended_file(&file, &base, &team, limits),
            ),
        ];
        for (simulated, written) in cases {
            let text = format::to_toml(&written, &[], &[]).expect("writes");
            let mut read = crate::scenario::parse("staffed.toml", &text, "t")
                .unwrap_or_else(|e| panic!("{e}\n{text}"))
                .model;
            assert_eq!(read.demand.growth_per_month, 0.0, "a typical week");
            read.demand.growth_per_month = simulated.demand.growth_per_month;
            assert_eq!(format!("{read:?}"), format!("{simulated:?}"), "{text}");
            let experts = simulated.groups.iter().find(|g| g.name == "experts");
            assert!(experts.is_some_and(|g| g.tier == 2), "tier 2 is kept");
        }
    }

    #[test]
    fn a_dedicated_plan_keeps_the_groups_and_schedules_for_their_shrinkage() {
        let base = crate::scenario::parse("t.toml", TEXT, "t")
            .expect("valid")
            .model;
        let reqs = super::super::analytic(&base);
        let limits = ShiftLimits { min: 1.0, max: DAY };
        let plan = staffed_model(&base, &reqs, limits);
        for g in &base.groups {
            let p = plan.groups.iter().find(|x| x.name == g.name).expect("kept");
            assert_eq!(
                (&p.channels, &p.proficiency, &p.channel_rank, p.tier),
                (&g.channels, &g.proficiency, &g.channel_rank, g.tier)
            );
            assert_eq!(
                (
                    p.planned_shrinkage,
                    p.absence,
                    p.cost_per_hour,
                    p.billed_by_handle_time
                ),
                (
                    g.planned_shrinkage,
                    g.absence,
                    g.cost_per_hour,
                    g.billed_by_handle_time
                )
            );
        }
        // Tech contacts only the techs take; billing is shared by headcount (10 to 4), and
        // the techs are slower at tech (0.8): per agent a channel needs, a group puts its share
        // of the channel's work ÷ its proficiency on the floor.
        let shares = split::shares(&base);
        for c in 0..2 {
            let work = |t: usize| {
                base.topics[t].share
                    * base.mean_work(
                        crate::model::ChannelId(c as u32),
                        crate::model::TopicId(t as u32),
                    )
            };
            let total = work(0) + work(1);
            let desk = work(0) / total * 10.0 / 14.0;
            let techs = work(0) / total * 4.0 / 14.0 + work(1) / total / 0.8;
            assert!((shares[0][c] - desk).abs() < 1e-12, "{shares:?}");
            assert!((shares[1][c] - techs).abs() < 1e-12, "{shares:?}");
        }
        assert_eq!(shares[2], vec![0.0, 0.0], "tier 2 carries none");
        // Scheduled = on the floor ÷ ((1 − shrinkage)(1 − absence)), rounded up.
        let profiles = split::group_profiles(&base, &reqs);
        let r = reqs
            .iter()
            .find(|r| r.channel == 1 && r.required > 3)
            .expect("chat");
        let desk_floor: f64 = reqs
            .iter()
            .filter(|x| x.weekday == r.weekday && x.slot == r.slot)
            .map(|x| f64::from(x.required) * shares[0][x.channel])
            .sum();
        let expect = (desk_floor / (0.85 * 0.95) - 1e-9).ceil() as u32;
        assert_eq!(profiles[0][r.weekday][r.slot], expect);
    }
}
