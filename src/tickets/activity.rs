//! When a desk acts: its agents' actions (first responses and resolutions) per weekday and
//! hour, as the mean of the dates of each weekday the log covers — not their sum, which would
//! weigh a weekday by how often it falls in the window — and the quiet days left out of that
//! mean: a holiday, or the first days of a log that starts empty (before it shows the desk's
//! older tickets being resolved). Quiet days are found only on the weekdays that carry the
//! desk: a weekend crew of a few has quiet dates as part of its usual spread, not holidays.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Timelike};
use serde::Serialize;

use super::EventLog;

/// A date is quiet when its actions are below this share of the median of its weekday's dates.
pub const QUIET_SHARE: f64 = 0.5;

/// The desk's actions per weekday and hour, and the quiet days left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    /// Mean actions per weekday (0 = Monday) and hour of the day, over the weekday's dates
    /// that are not quiet.
    pub per_hour: [[f64; 24]; 7],
    /// Dates with fewer than [`QUIET_SHARE`] of their weekday's usual actions.
    pub quiet: Vec<QuietDay>,
    /// Dates with fewer than [`QUIET_SHARE`] of their weekday's usual openings (a holiday):
    /// left out of the weekday means of the arrivals (their `actions` count openings).
    pub quiet_openings: Vec<QuietDay>,
    /// On the weekdays that carry the desk (a median of at least half the busiest weekday's),
    /// each date's actions over its weekday's mean, with 1 ÷ that mean (the relative variance
    /// a Poisson count of it would have); quiet dates left out.
    pub day_ratios: Vec<(f64, f64)>,
    /// The same for the Saturdays and Sundays, when neither carries the desk: its weekend
    /// crew, whose presence varies apart from the weekday team's.
    pub weekend_ratios: Vec<(f64, f64)>,
}

/// A date on which the desk did far less than on its weekday's other dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuietDay {
    /// The date.
    pub date: NaiveDate,
    /// First responses and resolutions that day.
    pub actions: u32,
    /// The median of its weekday's dates.
    pub usual: f64,
}

/// [`Activity`] over the dates from the log's first opening to its last; the quiet days are
/// found in it, or given (a part of a desk, such as one group, takes the whole desk's: its own
/// few actions a day would make any slow date look like a holiday).
pub fn activity(log: &EventLog, given_quiet: Option<&[NaiveDate]>) -> Activity {
    let mut by_date: BTreeMap<NaiveDate, [u32; 24]> = BTreeMap::new();
    for t in &log.tickets {
        // The desk's own: not a first response (or resolution) given where the ticket was
        // created, by whoever took the customer's call.
        let response = t.first_response.filter(|_| !t.opened_in_work);
        let resolution = t.resolved.filter(|_| !t.opened_resolved);
        for at in [response, resolution].into_iter().flatten() {
            by_date.entry(at.date()).or_insert([0; 24])[at.hour() as usize] += 1;
        }
    }
    let openings = log.tickets.iter().map(|t| t.opened.date());
    let (Some(first), Some(last)) = (openings.clone().min(), openings.max()) else {
        return Activity::default();
    };
    let dates = weekday_dates(first, last, |date| {
        by_date.get(&date).map_or(0, |h| h.iter().sum())
    });
    let mut out = Activity::default();
    let mut usual_dates: [Vec<u32>; 7] = Default::default();
    let usual: Vec<f64> = dates
        .iter()
        .map(|list| median(list.iter().map(|d| f64::from(d.1)).collect()))
        .collect();
    let busiest = usual.iter().copied().fold(0.0, f64::max);
    let carries: Vec<bool> = usual
        .iter()
        .map(|u| *u > 0.0 && *u >= 0.5 * busiest)
        .collect();
    for (w, list) in dates.iter().enumerate() {
        let usual = usual[w];
        let mut open = 0u32;
        for &(date, actions) in list {
            let quiet = match given_quiet {
                Some(q) => q.contains(&date),
                None => carries[w] && f64::from(actions) < QUIET_SHARE * usual,
            };
            if quiet {
                out.quiet.push(QuietDay {
                    date,
                    actions,
                    usual,
                });
                continue;
            }
            open += 1;
            usual_dates[w].push(actions);
            if let Some(hours) = by_date.get(&date) {
                for (sum, n) in out.per_hour[w].iter_mut().zip(hours) {
                    *sum += f64::from(*n);
                }
            }
        }
        for sum in &mut out.per_hour[w] {
            *sum /= f64::from(open.max(1));
        }
    }
    out.quiet.sort_by_key(|q| q.date);
    let means = usual_dates
        .iter()
        .map(|v| v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len().max(1) as f64);
    for ((w, v), mean) in usual_dates.iter().enumerate().zip(means) {
        let ratios = v
            .iter()
            .filter(|_| mean > 0.0)
            .map(|&x| (f64::from(x) / mean, 1.0 / mean));
        if carries[w] {
            out.day_ratios.extend(ratios);
        } else if w >= 5 && !carries[5] && !carries[6] {
            out.weekend_ratios.extend(ratios);
        }
    }
    out.quiet_openings = quiet_openings(log, first, last);
    out
}

/// See [`Activity::quiet_openings`].
fn quiet_openings(log: &EventLog, first: NaiveDate, last: NaiveDate) -> Vec<QuietDay> {
    let mut opened: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for t in &log.tickets {
        *opened.entry(t.opened.date()).or_default() += 1;
    }
    let dates = weekday_dates(first, last, |date| opened.get(&date).copied().unwrap_or(0));
    let mut out = Vec::new();
    for list in &dates {
        let usual = median(list.iter().map(|d| f64::from(d.1)).collect());
        out.extend(
            list.iter()
                .filter(|d| f64::from(d.1) < QUIET_SHARE * usual)
                .map(|&(date, actions)| QuietDay {
                    date,
                    actions,
                    usual,
                }),
        );
    }
    out.sort_by_key(|q| q.date);
    out
}

/// Every date from `first` to `last` with its `count`, grouped by weekday (0 = Monday).
fn weekday_dates(
    first: NaiveDate,
    last: NaiveDate,
    count: impl Fn(NaiveDate) -> u32,
) -> [Vec<(NaiveDate, u32)>; 7] {
    let mut dates: [Vec<(NaiveDate, u32)>; 7] = Default::default();
    for date in first.iter_days().take_while(|d| *d <= last) {
        dates[date.weekday().num_days_from_monday() as usize].push((date, count(date)));
    }
    dates
}

/// The hours the desk works, per weekday (0 = Monday): those with agent actions at 20% or
/// more of that weekday's busiest hour.
pub fn on_duty(per_hour: &[[f64; 24]; 7]) -> [[bool; 24]; 7] {
    let mut duty = [[false; 24]; 7];
    for (w, hours) in per_hour.iter().enumerate() {
        let peak = hours.iter().copied().fold(0.0, f64::max);
        for (h, n) in hours.iter().enumerate() {
            duty[w][h] = peak > 0.0 && *n >= 0.2 * peak;
        }
    }
    duty
}

fn median(mut x: Vec<f64>) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    x.sort_by(f64::total_cmp);
    let n = x.len();
    if n % 2 == 1 {
        x[n / 2]
    } else {
        (x[n / 2 - 1] + x[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::Lifecycle;

    fn ticket(opened: NaiveDate, answered: NaiveDate) -> Lifecycle {
        let at = |d: NaiveDate| d.and_hms_opt(9, 30, 0).unwrap_or_default();
        Lifecycle {
            id: String::new(),
            opened: at(opened),
            first_response: Some(at(answered)),
            first_responder: None,
            pending: Vec::new(),
            reassignments: 0,
            group: None,
            queue: None,
            handed: None,
            resolved: None,
            reopens: Vec::new(),
            closed: None,
            priority: None,
            category: None,
            channel: None,
            updates: 2,
            opened_in_work: false,
            opened_resolved: false,
        }
    }

    #[test]
    fn a_weekday_is_the_mean_of_its_ordinary_dates() {
        // Mondays 29 Feb to 4 Apr 2016 (6 dates) with 10 first responses each, but one with 2
        // and one (a Friday, 1 Apr, alone) with 7; the window ends on Monday 4 Apr.
        let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2016, m, day).unwrap_or_default();
        let mut tickets = Vec::new();
        for (date, n) in [
            (d(2, 29), 10),
            (d(3, 7), 10),
            (d(3, 14), 2),
            (d(3, 21), 10),
            (d(3, 28), 10),
            (d(4, 1), 7),
            (d(4, 4), 10),
        ] {
            tickets.extend((0..n).map(|_| ticket(date, date)));
        }
        let log = EventLog {
            tickets,
            ..EventLog::default()
        };
        let a = activity(&log, None);
        // Not the sum (42) nor the mean with the quiet Monday (8.67).
        assert_eq!(a.per_hour[0][9], 10.0);
        // Fridays 4 Mar to 1 Apr: 7 actions over 5 dates.
        assert_eq!(a.per_hour[4][9], 1.4);
        // Every other weekday's dates had no actions at all: their median is 0, none is quiet.
        assert_eq!(
            a.quiet,
            vec![QuietDay {
                date: d(3, 14),
                actions: 2,
                usual: 10.0
            }]
        );
        // Openings fall on the same dates: the quiet Monday is a holiday for the arrivals too.
        assert_eq!(
            a.quiet_openings,
            vec![QuietDay {
                date: d(3, 14),
                actions: 2,
                usual: 10.0
            }]
        );
        let duty = on_duty(&a.per_hour);
        // Given quiet days replace those the log shows.
        let given = activity(&log, Some(&[d(3, 21)]));
        assert!((given.per_hour[0][9] - 8.4).abs() < 1e-12);
        assert_eq!(given.quiet.len(), 1);
        assert_eq!(given.quiet[0].date, d(3, 21));
        assert!(duty[0][9] && !duty[0][10] && !duty[1][9]);
    }
}
