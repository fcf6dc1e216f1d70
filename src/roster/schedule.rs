//! A solved program as a schedule people can read and a model can run: one row per group,
//! weekday, shift and set of break times, with the people working it.

use super::mip::{GroupChoices, Solution};
use super::patterns::Candidate;
use crate::duration::DAY;
use crate::model::{Break, Model, Shift};

/// A break placed in a shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedBreak {
    /// Start, seconds after the shift's start.
    pub offset: f64,
    /// Length, seconds.
    pub length: f64,
    /// "paid", "unpaid" or "meal".
    pub kind: &'static str,
}

/// People working one shift on one weekday with the same breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRow {
    /// Group index in the model.
    pub group: usize,
    /// Weekday, Monday = 0.
    pub weekday: usize,
    /// Start, seconds after midnight.
    pub start: f64,
    /// On site, seconds.
    pub length: f64,
    /// Paid hours of the shift.
    pub paid_hours: f64,
    /// Its breaks, in time order.
    pub breaks: Vec<PlacedBreak>,
    /// People.
    pub count: u32,
}

/// The people of one weekly tour: a shift on the days of a pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    /// Group index in the model.
    pub group: usize,
    /// Candidate index within the group's choices.
    pub candidate: usize,
    /// Days worked, bit d = weekday d.
    pub days: u8,
    /// People working it.
    pub count: u32,
}

/// The tours of a solution.
pub fn tours(choices: &[GroupChoices], sol: &Solution) -> Vec<Tour> {
    let mut out = Vec::new();
    for (gi, g) in choices.iter().enumerate() {
        for (ci, per_pattern) in sol.people[gi].iter().enumerate() {
            for (pi, n) in per_pattern.iter().enumerate() {
                if *n > 0 {
                    out.push(Tour {
                        group: g.group,
                        candidate: ci,
                        days: g.patterns[pi],
                        count: *n,
                    });
                }
            }
        }
    }
    out
}

/// The shift rows of a solution: per group, shift and weekday, the people on it are given
/// the break offsets the program chose, earliest with earliest, and grouped by break times.
pub fn rows(choices: &[GroupChoices], sol: &Solution) -> Vec<ShiftRow> {
    let mut out = Vec::new();
    for (gi, g) in choices.iter().enumerate() {
        for (ci, cand) in g.candidates.iter().enumerate() {
            for d in 0..7 {
                let n: u32 = g
                    .patterns
                    .iter()
                    .zip(&sol.people[gi][ci])
                    .filter(|(p, _)| **p & (1 << d) != 0)
                    .map(|(_, n)| *n)
                    .sum();
                if n == 0 {
                    continue;
                }
                let per_break: Vec<Vec<f64>> = cand
                    .breaks
                    .iter()
                    .enumerate()
                    .map(|(k, br)| spread(&br.offsets, &sol.breaks[gi][ci][d][k], n))
                    .collect();
                push_people(&mut out, g.group, d, cand, &per_break, n);
            }
        }
    }
    out
}

/// The offsets of `n` people, from the counts per offset (padded with the earliest offset or
/// cut if the counts do not add up to `n`).
fn spread(offsets: &[f64], counts: &[u32], n: u32) -> Vec<f64> {
    let mut v: Vec<f64> = offsets
        .iter()
        .zip(counts)
        .flat_map(|(o, c)| std::iter::repeat_n(*o, *c as usize))
        .collect();
    v.resize(n as usize, offsets.first().copied().unwrap_or(0.0));
    v
}

/// Adds the rows of the `n` people of shift `cand` on weekday `d`, person `i` taking break
/// `k` at `per_break[k][i]`.
fn push_people(
    out: &mut Vec<ShiftRow>,
    group: usize,
    d: usize,
    cand: &Candidate,
    per_break: &[Vec<f64>],
    n: u32,
) {
    let first = out.len();
    for i in 0..n as usize {
        let breaks: Vec<PlacedBreak> = cand
            .breaks
            .iter()
            .zip(per_break)
            .map(|(br, offs)| PlacedBreak {
                offset: offs[i],
                length: br.length,
                kind: br.kind,
            })
            .collect();
        match out[first..].iter_mut().find(|r| r.breaks == breaks) {
            Some(r) => r.count += 1,
            None => out.push(ShiftRow {
                group,
                weekday: d,
                start: cand.start,
                length: cand.length,
                paid_hours: cand.paid_hours,
                breaks,
                count: 1,
            }),
        }
    }
}

/// `base` with the rostered groups' shifts replaced by `rows` (their planned shrinkage is
/// dropped: the rows' breaks are their time off the floor).
pub fn rostered_model(base: &Model, rostered: &[usize], rows: &[ShiftRow]) -> Model {
    let mut m = base.clone();
    for &g in rostered {
        let group = &mut m.groups[g];
        group.shifts = rows
            .iter()
            .filter(|r| r.group == g)
            .map(model_shift)
            .collect();
        group.around_the_clock = 0;
        group.planned_shrinkage = 0.0;
    }
    m
}

/// A row as a model shift.
fn model_shift(r: &ShiftRow) -> Shift {
    let mut days = [false; 7];
    days[r.weekday] = true;
    Shift {
        days,
        start: r.start,
        end: r.start + r.length,
        count: r.count,
        breaks: r
            .breaks
            .iter()
            .map(|b| Break {
                start: b.offset,
                length: b.length,
            })
            .collect(),
    }
}

/// People on the floor of group `g` per interval of the week (on shift and not on break,
/// before absence), from `rows`.
pub fn on_floor(rows: &[ShiftRow], g: usize, interval: f64) -> Vec<f64> {
    let slots = (7.0 * DAY / interval).round() as usize;
    let mut out = vec![0.0; slots];
    for r in rows.iter().filter(|r| r.group == g) {
        let start = r.weekday as f64 * DAY + r.start;
        let n = f64::from(r.count);
        for (j, f) in super::patterns::overlap(start, r.length, interval) {
            out[j] += n * f;
        }
        for b in &r.breaks {
            for (j, f) in super::patterns::overlap(start + b.offset, b.length, interval) {
                out[j] -= n * f;
            }
        }
    }
    out
}
