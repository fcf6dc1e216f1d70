//! Shifts from a profile of agents per slot: stacked so that agents carry on across slots,
//! kept within the shortest and longest shift a person works, in the model's and the scenario
//! file's forms.

use std::collections::BTreeMap;

use crate::duration::hhmm;
use crate::model::Shift;
use crate::scenario::format::{self, Days, TimeOfDay, Weekday};

/// Stacked shifts: (weekday, start, end, agents), times in seconds after midnight.
pub(super) type Stacked = Vec<(usize, f64, f64, u32)>;

/// Stacks a day's profile of agents per slot into shifts: the k-th agent works every slot
/// needing more than k agents, in one shift per unbroken run, so that agents carry on across
/// slots as real ones do instead of handing over at every boundary. Returns
/// (first slot, end slot) → agents.
pub fn stack(profile: &[u32]) -> BTreeMap<(usize, usize), u32> {
    let mut runs = BTreeMap::new();
    let n = profile.len();
    // The k-th agents of every k between two levels the profile takes work the same runs: walk
    // the levels, not every agent, so that a profile of millions stacks as fast as one of ten.
    let mut levels: Vec<u32> = profile.to_vec();
    levels.push(0);
    levels.sort_unstable();
    levels.dedup();
    for w in levels.windows(2) {
        let (k, agents) = (w[0], w[1] - w[0]);
        let mut s = 0;
        while s < n {
            if profile[s] > k {
                let start = s;
                while s < n && profile[s] > k {
                    s += 1;
                }
                *runs.entry((start, s)).or_insert(0) += agents;
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

/// How long a shift may be: stacked pieces shorter than `min` are lengthened to it, runs
/// longer than `max` are cut into consecutive shifts of equal length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftLimits {
    /// Shortest shift, seconds.
    pub min: f64,
    /// Longest shift, seconds.
    pub max: f64,
}

impl Default for ShiftLimits {
    /// 4 to 10 hours.
    fn default() -> Self {
        ShiftLimits {
            min: 4.0 * 3600.0,
            max: 10.0 * 3600.0,
        }
    }
}

/// Slots of `len` seconds in a shift of `seconds` (rounded up).
pub(super) fn min_slots(seconds: f64, len: f64) -> usize {
    (seconds / len - 1e-9).ceil().max(1.0) as usize
}

/// Cuts runs longer than `max` slots into the fewest consecutive pieces of (nearly) equal
/// length none longer than `max`: one agent's 24-hour run becomes three people's 8 hours.
pub fn split_long(
    runs: BTreeMap<(usize, usize), u32>,
    max: usize,
) -> BTreeMap<(usize, usize), u32> {
    let max = max.max(1);
    let mut out = BTreeMap::new();
    for ((start, end), count) in runs {
        let pieces = (end - start).div_ceil(max);
        for k in 0..pieces {
            let s = start + (end - start) * k / pieces;
            let e = start + (end - start) * (k + 1) / pieces;
            *out.entry((s, e)).or_insert(0) += count;
        }
    }
    out
}

/// Each weekday's stacked shifts of `profile[wd][slot]` agents in slots of `len` seconds,
/// within `limits`: (weekday, start, end, agents), in seconds after midnight.
pub(super) fn stacked(
    profile: &[Vec<u32>],
    len: f64,
    limits: ShiftLimits,
) -> Vec<(usize, f64, f64, u32)> {
    let mut out = Vec::new();
    let max = ((limits.max / len) + 1e-9).floor().max(1.0) as usize;
    for (wd, day) in profile.iter().enumerate() {
        let runs = lengthen(stack(day), min_slots(limits.min, len), day.len());
        for ((start, end), count) in split_long(runs, max) {
            out.push((wd % 7, start as f64 * len, end as f64 * len, count));
        }
    }
    out
}

/// Agent-hours of the shifts that work `profile[wd][slot]` (slots of `len` seconds), none
/// shorter than `limits`.
pub fn scheduled_hours(profile: &[Vec<u32>], len: f64, limits: ShiftLimits) -> f64 {
    stacked(profile, len, limits)
        .iter()
        .map(|(_, s, e, c)| (e - s) * f64::from(*c))
        .sum::<f64>()
        / 3600.0
}

/// Model shifts from stacked ones.
pub(super) fn model_shifts(stacked: &[(usize, f64, f64, u32)]) -> Vec<Shift> {
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
                breaks: Vec::new(),
            }
        })
        .collect()
}

/// Scenario-file shifts from stacked ones.
pub(super) fn file_shifts(stacked: &[(usize, f64, f64, u32)]) -> Vec<format::Shift> {
    stacked
        .iter()
        .map(|&(wd, start, end, count)| format::Shift {
            days: Some(Days::List(vec![Weekday::of(wd)])),
            start: TimeOfDay(hhmm(start)),
            end: TimeOfDay(hhmm(end)),
            count: Some(count),
            overnight: None,
            breaks: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacking_by_levels_gives_each_agent_its_runs() {
        // The definition: the k-th agent works every slot needing more than k, one shift per
        // unbroken run.
        let by_agent = |profile: &[u32]| {
            let mut runs = BTreeMap::new();
            for k in 0..profile.iter().copied().max().unwrap_or(0) {
                let mut s = 0;
                while s < profile.len() {
                    if profile[s] > k {
                        let start = s;
                        while s < profile.len() && profile[s] > k {
                            s += 1;
                        }
                        *runs.entry((start, s)).or_insert(0) += 1;
                    } else {
                        s += 1;
                    }
                }
            }
            runs
        };
        for profile in [
            vec![],
            vec![0, 0],
            vec![3],
            vec![0, 2, 5, 5, 1, 0, 4, 4, 7, 2, 2, 0],
            vec![9, 1, 9, 1, 9],
            vec![1, 2, 3, 4, 3, 2, 1],
        ] {
            assert_eq!(stack(&profile), by_agent(&profile), "{profile:?}");
        }
        // A profile of millions is as quick as the levels it takes.
        let huge = stack(&[0, 2_000_000_000, 7, 2_000_000_000]);
        assert_eq!(
            huge,
            BTreeMap::from([
                ((1, 2), 1_999_999_993),
                ((1, 4), 7),
                ((3, 4), 1_999_999_993)
            ])
        );
    }

    #[test]
    fn long_runs_are_cut_into_shifts_no_longer_than_the_longest() {
        let runs = BTreeMap::from([((0, 48), 2), ((10, 30), 1), ((16, 20), 1)]);
        // 24 h in half-hours, at most 10 h (20 slots): three 8-hour shifts.
        let cut = split_long(runs, 20);
        assert_eq!(
            cut,
            BTreeMap::from([
                ((0, 16), 2),
                ((10, 30), 1),
                ((16, 20), 1),
                ((16, 32), 2),
                ((32, 48), 2)
            ])
        );
    }
}
