//! A lesson's replay of one day: from the first replication's contact legs, every five
//! minutes of the day the contacts waiting per channel and the contacts being handled, and in
//! each five minutes the contacts that hung up and those answered within their channel's
//! target or later; with the agents on the floor from the replication's own series. A few
//! thousand small counts per grid point, so the page stays light.

use serde::Serialize;

use crate::duration::DAY;
use crate::engine::{ContactOutcome, ContactRecord, ContactSink};
use crate::metrics::RepResult;
use crate::model::Model;

/// Seconds between two frames of the replay.
pub const FRAME: f64 = 300.0;

/// Frames of a day.
const FRAMES: usize = (DAY / FRAME) as usize;

/// The day a lesson on `model` replays (counted from 0): in the last week of the run, the
/// day of the weekday with the most volume (the first of them), never in the warm-up.
pub fn replay_day(model: &Model) -> u32 {
    let first = model.warmup_days.max(model.days.saturating_sub(7));
    let weight = |d: u32| model.demand.weekday[(model.demand.start_weekday + d as usize) % 7];
    (first..model.days)
        .reduce(|best, d| if weight(d) > weight(best) { d } else { best })
        .unwrap_or(first)
}

/// One channel's frames.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChannelFrames {
    /// Contacts waiting at each frame's start.
    pub waiting: Vec<u32>,
    /// Contacts that hung up during each frame.
    pub abandoned: Vec<u32>,
    /// Contacts answered during each frame within the channel's answer target.
    pub within: Vec<u32>,
    /// Contacts answered during each frame after it.
    pub late: Vec<u32>,
}

/// The replay of one day at one grid point.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Replay {
    /// Per channel, in scenario order.
    pub channels: Vec<ChannelFrames>,
    /// Contacts being handled at each frame's start (a chat agent may hold several).
    pub handling: Vec<u32>,
    /// Agents on the floor at each frame (the mean over its reporting interval).
    pub agents: Vec<f32>,
}

/// Collects the first replication's legs of the replayed day.
pub struct ReplaySink {
    start: f64,
    targets: Vec<f64>,
    replay: Replay,
}

impl ReplaySink {
    /// A sink for the day [`replay_day`] of `model`.
    pub fn new(model: &Model) -> ReplaySink {
        let frames = ChannelFrames {
            waiting: vec![0; FRAMES],
            abandoned: vec![0; FRAMES],
            within: vec![0; FRAMES],
            late: vec![0; FRAMES],
        };
        ReplaySink {
            start: f64::from(replay_day(model)) * DAY,
            targets: model.channels.iter().map(|c| c.answer_within).collect(),
            replay: Replay {
                channels: vec![frames; model.channels.len()],
                handling: vec![0; FRAMES],
                agents: vec![0.0; FRAMES],
            },
        }
    }

    /// The replay, with the agents on the floor from replication `first`'s series.
    pub fn finish(mut self, model: &Model, first: &RepResult) -> Replay {
        for (f, agents) in self.replay.agents.iter_mut().enumerate() {
            let t = self.start + f as f64 * FRAME - model.warmup_end();
            let i = (t / model.interval).floor();
            let row = (i >= 0.0)
                .then(|| first.group_intervals.get(i as usize))
                .flatten();
            *agents = row.map_or(0.0, |groups| {
                let n = groups.iter().map(|g| g.available).sum::<f64>() / model.interval;
                ((n * 10.0).round() / 10.0) as f32
            });
        }
        self.replay
    }

    /// The frames whose start falls in `[from, to)`, within the day.
    fn frames(&self, from: f64, to: f64) -> std::ops::Range<usize> {
        let at = |t: f64| ((t - self.start) / FRAME).ceil().clamp(0.0, FRAMES as f64) as usize;
        at(from)..at(to)
    }

    /// The frame `t` falls in, if within the day.
    fn frame_of(&self, t: f64) -> Option<usize> {
        let f = ((t - self.start) / FRAME).floor();
        (0.0..FRAMES as f64).contains(&f).then_some(f as usize)
    }
}

impl ContactSink for ReplaySink {
    fn contact(&mut self, r: &ContactRecord) -> std::io::Result<()> {
        let c = r.channel as usize;
        let answered = matches!(
            r.outcome,
            ContactOutcome::Answered | ContactOutcome::FollowUp
        );
        let waits =
            answered || matches!(r.outcome, ContactOutcome::Abandoned | ContactOutcome::Open);
        if !waits {
            return Ok(());
        }
        let end_wait = r.arrival + r.wait;
        for f in self.frames(r.arrival, end_wait) {
            self.replay.channels[c].waiting[f] += 1;
        }
        if answered {
            for f in self.frames(end_wait, end_wait + r.handle) {
                self.replay.handling[f] += 1;
            }
        }
        if let Some(f) = self.frame_of(end_wait) {
            let ch = &mut self.replay.channels[c];
            match r.outcome {
                ContactOutcome::Abandoned => ch.abandoned[f] += 1,
                ContactOutcome::Answered if r.wait <= self.targets[c] => ch.within[f] += 1,
                ContactOutcome::Answered => ch.late[f] += 1,
                _ => {}
            }
        }
        Ok(())
    }
}
