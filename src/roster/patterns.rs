//! The choices a roster has for a group under its work rules: shifts (a start and a length),
//! the weekly day patterns a person works them on, and where each break may fall. Time runs
//! over one week of `7 × per_day` intervals, Monday 00:00 first, wrapping from Sunday night
//! to Monday morning.

use crate::duration::DAY;
use crate::model::WorkRules;

/// Break starts fall on a quarter hour after the shift's start.
pub const BREAK_STEP: f64 = 900.0;

/// One shift of the rules: a start time of day and a length on site.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Start, seconds after midnight.
    pub start: f64,
    /// On site, seconds, breaks included.
    pub length: f64,
    /// Paid hours of one such shift.
    pub paid_hours: f64,
    /// Per applicable break: its length, whether paid or a meal, and the offsets after the
    /// shift's start where it may begin.
    pub breaks: Vec<BreakChoice>,
}

/// Where one break of a shift may fall.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakChoice {
    /// Length, seconds.
    pub length: f64,
    /// Paid, unpaid or meal, as written in `roster.csv`.
    pub kind: &'static str,
    /// Possible starts after the shift's start, seconds.
    pub offsets: Vec<f64>,
}

/// The shifts the rules allow that fit the paid hours a week.
pub fn candidates(rules: &WorkRules) -> Vec<Candidate> {
    let (from, to, step) = rules.starts;
    let n = ((to - from) / step + 1e-9).floor() as usize;
    let mut out = Vec::new();
    for &length in &rules.lengths {
        let paid_hours = rules.paid_hours(length);
        let week = paid_hours * f64::from(rules.days_per_week);
        if week < rules.week_hours.0 - 1e-9 || week > rules.week_hours.1 + 1e-9 {
            continue;
        }
        let breaks: Vec<BreakChoice> = rules
            .breaks_for(length)
            .map(|b| {
                let last = b.window.1 - b.length;
                let k = ((last - b.window.0) / BREAK_STEP + 1e-9).floor() as usize;
                BreakChoice {
                    length: b.length,
                    kind: match (b.paid, b.meal) {
                        (true, _) => "paid",
                        (false, true) => "meal",
                        (false, false) => "unpaid",
                    },
                    offsets: (0..=k)
                        .map(|i| b.window.0 + i as f64 * BREAK_STEP)
                        .collect(),
                }
            })
            .collect();
        for i in 0..=n {
            out.push(Candidate {
                start: from + i as f64 * step,
                length,
                paid_hours,
                breaks: breaks.clone(),
            });
        }
    }
    out
}

/// The weekly day patterns (bit `d` set = works weekday `d`, Monday = 0): `days` days, the
/// days off in a row (cyclically, Sunday to Monday) when `together`.
pub fn day_patterns(days: u32, together: bool) -> Vec<u8> {
    let mut out: Vec<u8> = (0u8..128)
        .filter(|m| m.count_ones() == days)
        .filter(|m| !together || off_in_a_row(*m))
        .collect();
    out.sort_unstable();
    out
}

/// Whether the days off of pattern `m` form one run, Sunday wrapping to Monday.
fn off_in_a_row(m: u8) -> bool {
    let off = !m & 0x7f;
    if off == 0 {
        return true;
    }
    // Runs of off days start where an off day follows a working day.
    (0..7)
        .filter(|d| off & (1 << d) != 0 && off & (1 << ((d + 6) % 7)) == 0)
        .count()
        <= 1
}

/// The week's intervals covered by `[from, from + len)` seconds after Monday 00:00 (wrapping
/// at the week's end), with the share of each interval covered.
pub fn overlap(from: f64, len: f64, interval: f64) -> Vec<(usize, f64)> {
    let week = 7.0 * DAY;
    let slots = (week / interval).round() as usize;
    let from = from.rem_euclid(week);
    let first = (from / interval).floor() as usize;
    let last = ((from + len) / interval).ceil() as usize;
    (first..last)
        .filter_map(|k| {
            let lo = (k as f64 * interval).max(from);
            let hi = ((k + 1) as f64 * interval).min(from + len);
            (hi > lo + 1e-9).then(|| (k % slots, (hi - lo) / interval))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_days_with_two_off_together_are_the_seven_rotations() {
        let p = day_patterns(5, true);
        assert_eq!(p.len(), 7);
        assert!(p.contains(&0b001_1111)); // Monday to Friday
        assert!(p.contains(&0b100_1111)); // off Friday and Saturday
        assert_eq!(day_patterns(5, false).len(), 21);
        assert_eq!(day_patterns(7, true), vec![0x7f]);
    }

    #[test]
    fn a_shift_past_sunday_midnight_wraps_to_monday() {
        let o = overlap(6.0 * DAY + 22.0 * 3600.0, 4.0 * 3600.0, 1800.0);
        assert_eq!(o.len(), 8);
        assert_eq!(o.last(), Some(&(3, 1.0)));
        let part = overlap(900.0, 1800.0, 1800.0);
        assert_eq!(part, vec![(0, 0.5), (1, 0.5)]);
    }
}
