//! Tickets the desk was holding when a written-work backtest starts: answered, still in work
//! with no other update, for longer than one sitting. When each comes back for its next touch
//! is the desk's own doing, so the log's later updates are not used (that would be
//! look-ahead): the time left is drawn from the holds the history shows (a Kaplan–Meier curve
//! of their lengths, those open at the cut censored), conditional on the age each has reached.

use chrono::NaiveDateTime;

use crate::mle::{self, KmPoint};
use crate::tickets::{EventLog, Lifecycle, ONE_SITTING};

/// The lengths of the holds the history shows, as a survival curve.
pub(super) struct Holds {
    curve: Vec<KmPoint>,
    /// Holds drawn so far (for the spread of their quantiles).
    drawn: u32,
}

impl Holds {
    /// From the holds in `history` (the log as it stood at the cut).
    pub(super) fn of(history: &EventLog) -> Self {
        let (mut events, mut censored) = (Vec::new(), Vec::new());
        for t in &history.tickets {
            if let Some((start, ended)) = t.first_hold(history.until, history.handoffs) {
                match (ended, history.until) {
                    (Some(b), _) => events.push(seconds(start, b)),
                    (None, Some(b)) => censored.push(seconds(start, b)),
                    (None, None) => {}
                }
            }
        }
        Self {
            curve: mle::kaplan_meier(&events, &censored),
            drawn: 0,
        }
    }

    /// The age at `from` of the hold `t` is in, if it is in one: answered by the desk, in
    /// work since with no other update, for longer than one sitting.
    pub(super) fn age(t: &Lifecycle, from: NaiveDateTime, handoffs: bool) -> Option<f64> {
        let (fr, next) = t.first_hold(Some(from), handoffs)?;
        let age = seconds(fr, from);
        (next.is_none_or(|n| n >= from) && age > ONE_SITTING).then_some(age)
    }

    /// Seconds until a hold of age `age` ends, at the next of a well-spread sequence of
    /// quantiles (the same for every simulation: the backlog carried in is one fact);
    /// `None` past the history's longest hold.
    pub(super) fn remaining(&mut self, age: f64) -> Option<f64> {
        // Quantiles spread by the golden ratio's fractional part (a low-discrepancy sequence).
        let u = (0.5 + f64::from(self.drawn) * 0.618_033_988_749_895).fract();
        self.drawn += 1;
        let survived = self
            .curve
            .iter()
            .take_while(|p| p.time <= age)
            .last()
            .map_or(1.0, |p| p.survival);
        let target = survived * (1.0 - u);
        self.curve
            .iter()
            .find(|p| p.time > age && p.survival <= target)
            .map(|p| p.time - age)
    }
}

fn seconds(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    (b - a).num_seconds() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(times: &[f64]) -> Holds {
        Holds {
            curve: mle::kaplan_meier(times, &[]),
            drawn: 0,
        }
    }

    #[test]
    fn remaining_time_is_drawn_from_the_holds_longer_than_the_age() {
        // Holds of 2, 4, 6 and 8 hours; a hold 5 hours old ends at 6 or 8 hours, the first
        // draw (u = 0.5) at the median of those two: 6 hours, one hour from now.
        let mut h = curve(&[7200.0, 14400.0, 21600.0, 28800.0]);
        assert_eq!(h.remaining(18000.0), Some(3600.0));
        // Draws over many tickets spread over both: about half end at 6 hours, half at 8.
        let later: Vec<f64> = (0..1000).filter_map(|_| h.remaining(18000.0)).collect();
        assert_eq!(later.len(), 1000);
        let at_six = later.iter().filter(|x| **x == 3600.0).count();
        assert!((450..=550).contains(&at_six), "{at_six}");
        // Past the longest hold seen, no end is known.
        assert_eq!(h.remaining(30000.0), None);
    }
}
