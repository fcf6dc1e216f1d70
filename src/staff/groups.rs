//! From agents needed per weekday and interval to agent groups with shifts: stacked so that
//! agents carry on across intervals, as the model's groups (to simulate) and as the scenario
//! file's `[[agents]]` (to keep, edit and run). A test holds the two forms to the same model.

use std::collections::BTreeMap;

use super::Requirement;
use crate::duration::{DAY, hhmm};
use crate::model::{ChannelKind, Group, Model, Shift};
use crate::scenario::format::{self, Days, ScenarioFile, TimeOfDay, Weekday};

/// Stacks a day's profile of agents per slot into shifts: the k-th agent works every slot
/// needing more than k agents, in one shift per unbroken run, so that agents carry on across
/// slots as real ones do instead of handing over at every boundary. Returns
/// (first slot, end slot) → agents.
pub fn stack(profile: &[u32]) -> BTreeMap<(usize, usize), u32> {
    let mut runs = BTreeMap::new();
    let n = profile.len();
    let top = profile.iter().copied().max().unwrap_or(0);
    for k in 0..top {
        let mut s = 0;
        while s < n {
            if profile[s] > k {
                let start = s;
                while s < n && profile[s] > k {
                    s += 1;
                }
                *runs.entry((start, s)).or_insert(0) += 1;
            } else {
                s += 1;
            }
        }
    }
    runs
}

/// Lengthens stacked runs shorter than `min` slots to `min` (later if the day allows, else
/// earlier; a day shorter than `min` is worked whole), merging runs that then coincide.
pub fn lengthen(
    runs: BTreeMap<(usize, usize), u32>,
    min: usize,
    n: usize,
) -> BTreeMap<(usize, usize), u32> {
    let min = min.min(n);
    let mut out = BTreeMap::new();
    for ((start, end), count) in runs {
        let (s, e) = if end - start >= min {
            (start, end)
        } else {
            let e = (start + min).min(n);
            (e - min, e)
        };
        *out.entry((s, e)).or_insert(0) += count;
    }
    out
}

/// Slots of `len` seconds in a shift of `min_shift` seconds (rounded up).
fn min_slots(min_shift: f64, len: f64) -> usize {
    (min_shift / len - 1e-9).ceil().max(1.0) as usize
}

/// Each weekday's stacked shifts of `profile[wd][slot]` agents in slots of `len` seconds, none
/// shorter than `min_shift`: (weekday, start, end, agents), in seconds after midnight.
fn stacked(profile: &[Vec<u32>], len: f64, min_shift: f64) -> Vec<(usize, f64, f64, u32)> {
    let mut out = Vec::new();
    for (wd, day) in profile.iter().enumerate() {
        let runs = lengthen(stack(day), min_slots(min_shift, len), day.len());
        for ((start, end), count) in runs {
            out.push((wd % 7, start as f64 * len, end as f64 * len, count));
        }
    }
    out
}

/// Agent-hours of the shifts that work `profile[wd][slot]` (slots of `len` seconds), none
/// shorter than `min_shift`.
pub fn scheduled_hours(profile: &[Vec<u32>], len: f64, min_shift: f64) -> f64 {
    stacked(profile, len, min_shift)
        .iter()
        .map(|(_, s, e, c)| (e - s) * f64::from(*c))
        .sum::<f64>()
        / 3600.0
}

/// Each channel's profile of required agents, [weekday][slot] (public form).
pub fn channel_profiles(model: &Model, reqs: &[Requirement]) -> Vec<Vec<Vec<u32>>> {
    profiles(model, reqs)
}

/// Stacked pieces shorter than `min_shift` in the dedicated plan of `reqs` (one per channel)
/// and the agent-hours lengthening them to `min_shift` adds.
pub fn short_pieces(model: &Model, reqs: &[Requirement], min_shift: f64) -> (u32, f64) {
    let len = model.interval;
    let min = min_slots(min_shift, len);
    let (mut pieces, mut added) = (0, 0.0);
    for profile in profiles(model, reqs) {
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
        tier: 1,
        cost_per_hour: 0.0,
        billed_by_handle_time: false,
    }
}

/// Model shifts from stacked ones.
fn model_shifts(stacked: &[(usize, f64, f64, u32)]) -> Vec<Shift> {
    stacked
        .iter()
        .map(|&(wd, start, end, count)| {
            let mut days = [false; 7];
            days[wd] = true;
            Shift {
                days,
                start,
                end,
                count,
            }
        })
        .collect()
}

/// Scenario-file shifts from stacked ones.
fn file_shifts(stacked: &[(usize, f64, f64, u32)]) -> Vec<format::Shift> {
    stacked
        .iter()
        .map(|&(wd, start, end, count)| format::Shift {
            days: Some(Days::List(vec![Weekday::of(wd)])),
            start: TimeOfDay(hhmm(start)),
            end: TimeOfDay(hhmm(end)),
            count: Some(count),
            overnight: None,
        })
        .collect()
}

/// The staff groups of a dedicated plan: one per channel with requirements, named `staff
/// NAME`, with the stacked shifts (model form, file form).
fn dedicated(
    model: &Model,
    reqs: &[Requirement],
    min_shift: f64,
) -> Vec<(Group, format::AgentGroup)> {
    let mut out = Vec::new();
    for (c, (ch, profile)) in model.channels.iter().zip(profiles(model, reqs)).enumerate() {
        let shifts = stacked(&profile, model.interval, min_shift);
        if shifts.is_empty() {
            continue;
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
        out.push((group, file));
    }
    out
}

/// The shared team of a blended plan, `team[wd][slot]` agents working every channel (model
/// form, file form); none when the team is empty.
fn shared(model: &Model, team: &[Vec<u32>], min_shift: f64) -> Option<(Group, format::AgentGroup)> {
    let shifts = stacked(team, model.interval, min_shift);
    if shifts.is_empty() {
        return None;
    }
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
    group.shifts = model_shifts(&shifts);
    let file = format::AgentGroup {
        name,
        channels: model.channels.iter().map(|c| c.name.clone()).collect(),
        shifts: Some(file_shifts(&shifts)),
        ..format::AgentGroup::default()
    };
    Some((group, file))
}

/// `model` with its tier-1 groups replaced: tier-2 groups are kept, then `staff`.
fn with_groups(model: &Model, staff: Vec<Group>) -> Model {
    let mut m = model.clone();
    m.groups = model
        .groups
        .iter()
        .filter(|g| g.tier == 2)
        .cloned()
        .chain(staff)
        .collect();
    m
}

/// `file` with its tier-1 groups replaced (tier-2 groups kept, then `staff`), for a typical
/// week: without surges or a growth trend.
fn file_with_groups(file: &ScenarioFile, staff: Vec<format::AgentGroup>) -> ScenarioFile {
    let mut f = file.clone();
    f.surges.clear();
    f.volume.growth_per_month = None;
    f.agents = file
        .agents
        .iter()
        .filter(|g| g.tier == Some(2))
        .cloned()
        .chain(staff)
        .collect();
    f
}

/// `model` with its tier-1 agent groups replaced by one group per channel whose shifts follow
/// the requirements: the dedicated plan, ready to simulate.
pub fn staffed_model(model: &Model, reqs: &[Requirement], min_shift: f64) -> Model {
    with_groups(
        model,
        dedicated(model, reqs, min_shift)
            .into_iter()
            .map(|g| g.0)
            .collect(),
    )
}

/// The scenario `file` (of `model`) with the dedicated plan as its agent groups: a file a
/// planner can keep, edit and run.
pub fn staffed_file(
    file: &ScenarioFile,
    model: &Model,
    reqs: &[Requirement],
    min_shift: f64,
) -> ScenarioFile {
    file_with_groups(
        file,
        dedicated(model, reqs, min_shift)
            .into_iter()
            .map(|g| g.1)
            .collect(),
    )
}

/// `model` with its tier-1 groups replaced by one team that works every channel and topic,
/// `team[wd][slot]` agents on the floor per weekday and interval: the plan when agents are
/// cross-trained and shared.
pub fn blended_model(model: &Model, team: &[Vec<u32>], min_shift: f64) -> Model {
    with_groups(
        model,
        shared(model, team, min_shift)
            .into_iter()
            .map(|g| g.0)
            .collect(),
    )
}

/// The scenario `file` (of `model`) with the shared team as its agent groups.
pub fn blended_file(
    file: &ScenarioFile,
    model: &Model,
    team: &[Vec<u32>],
    min_shift: f64,
) -> ScenarioFile {
    file_with_groups(
        file,
        shared(model, team, min_shift)
            .into_iter()
            .map(|g| g.1)
            .collect(),
    )
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
        let cases = [
            (
                staffed_model(&base, &reqs, 1.0),
                staffed_file(&file, &base, &reqs, 1.0),
            ),
            (
                blended_model(&base, &team, 1.0),
                blended_file(&file, &base, &team, 1.0),
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
            assert_eq!(simulated.groups[0].name, "experts", "tier 2 is kept");
        }
    }
}
