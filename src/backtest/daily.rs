//! One replication's first responses and resolutions per day, collected from its contact
//! records for a backtest of written work.

use crate::duration::DAY;
use crate::engine::{ContactOutcome, ContactRecord, ContactSink};

/// Collects one replication's first responses and resolutions per day.
pub(super) struct Daily {
    pub(super) model_async: Vec<bool>,
    /// The log stamps an update at the end of the work it records: a simulated first response
    /// is stamped at the end of the first touch too.
    pub(super) stamped_end: bool,
    pub(super) frt: Vec<Vec<f64>>,
    pub(super) res: Vec<Vec<f64>>,
}

impl ContactSink for Daily {
    fn contact(&mut self, r: &ContactRecord) -> std::io::Result<()> {
        let answered = matches!(
            r.outcome,
            ContactOutcome::Answered | ContactOutcome::FollowUp
        );
        if !answered || r.tier > 0 || !self.model_async[r.channel as usize] {
            return Ok(());
        }
        let days = self.frt.len();
        let day = |t: f64| ((t / DAY).floor() >= 0.0).then(|| (t / DAY) as usize);
        let answer = r.arrival + r.wait;
        let stamped = if self.stamped_end {
            answer + r.handle
        } else {
            answer
        };
        if r.touch == 0
            && let Some(d) = day(stamped).filter(|d| *d < days)
        {
            self.frt[d].push(stamped - r.origin);
        }
        let end = answer + r.handle;
        if !r.more_touches
            && let Some(d) = day(end).filter(|d| *d < days)
        {
            self.res[d].push(end - r.origin);
        }
        Ok(())
    }
}
