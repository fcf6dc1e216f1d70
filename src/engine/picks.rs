//! Queues taken in random order (`queue_order = "random"`): an agent draws the next contact
//! among every contact waiting in its group's random queues of the most urgent priority, each
//! with a chance in proportion to its wait (a minute at least) to the power −`newest_bias`.
//! Random order of service keeps the M/M/c mean wait (Erlang C's: the order does not look at
//! service times) and spreads it more than first come, first served (Kingman 1962).

use rand::RngExt;

use super::{Contact, Engine, State};
use crate::model::{Model, PICK_WAIT_FLOOR, PickOrder};
use crate::rng::{self, Rng, Stream};

/// The generator of the draws and reused buffers.
pub(super) struct RandomPicks {
    rng: Rng,
    /// (queue, position in it, cumulative weight) of each contact that may be drawn.
    candidates: Vec<(u32, u32, f64)>,
    /// Slots of contacts gone from a queue (abandoned), to release.
    gone: Vec<u32>,
    /// The queues of a draw and their `newest_bias`.
    queues: Vec<(u32, f64)>,
}

/// Tries of the rejection draw before the exact pass over every waiting contact.
const TRIES: usize = 64;

impl RandomPicks {
    /// For replication `rep`, when some queue is taken in random order (`order`, per queue).
    pub(super) fn new(m: &Model, rep: u32, order: &[PickOrder]) -> Option<Box<RandomPicks>> {
        order
            .iter()
            .any(|o| matches!(o, PickOrder::Random { .. }))
            .then(|| {
                Box::new(RandomPicks {
                    rng: rng::stream(m.seed, rep, Stream::Picks),
                    candidates: Vec::new(),
                    gone: Vec::new(),
                    queues: Vec::new(),
                })
            })
    }
}

impl Engine<'_> {
    /// The contact an agent of group `g` takes from the group's random queues of priority
    /// `prio` (chats only when `only_chat`): a draw over every contact still waiting in them,
    /// weighted by its wait to the power −`newest_bias`. Contacts gone from these queues are
    /// dropped from them on the way (a random draw leaves no end of the queue where they would
    /// gather to be dropped, as `head` and `tail` drop them).
    pub(super) fn pick_random(
        &mut self,
        g: usize,
        prio: u32,
        only_chat: bool,
    ) -> Option<(Contact, bool)> {
        let mut picks = self.random_picks.take()?;
        let drawn = self.draw(&mut picks, g, prio, only_chat);
        self.random_picks = Some(picks);
        let s = drawn?;
        Some(self.take(s))
    }

    /// [`Self::pick_random`]'s draw: the slot taken out of its queue. By rejection: a contact
    /// drawn uniformly among those in the queues is kept with a chance of its weight over the
    /// largest weight there can be (a wait at the floor), which takes each in proportion to its
    /// weight, in expected time independent of the queues' length while the weights are not far
    /// below the largest; after [`TRIES`] rejections, [`Self::draw_exactly`] (either way the
    /// draw has the same law).
    fn draw(
        &mut self,
        picks: &mut RandomPicks,
        g: usize,
        prio: u32,
        only_chat: bool,
    ) -> Option<u32> {
        picks.queues.clear();
        let mut top = 0.0f64;
        for k in 0..self.group_queues[g].len() {
            let (q, p, _, is_chat) = self.group_queues[g][k];
            let PickOrder::Random { newest_bias } = self.order[q as usize] else {
                continue;
            };
            if p == prio && (!only_chat || is_chat) {
                picks.queues.push((q, newest_bias));
                top = top.max(PICK_WAIT_FLOOR.powf(-newest_bias));
            }
        }
        let mut len: usize = picks
            .queues
            .iter()
            .map(|&(q, _)| self.queues[q as usize].len())
            .sum();
        let mut tries = 0;
        while len > 0 && tries < TRIES {
            tries += 1;
            let mut i = picks.rng.random_range(0..len);
            let mut at = picks.queues[0];
            for &(q, bias) in &picks.queues {
                let n = self.queues[q as usize].len();
                if i < n {
                    at = (q, bias);
                    break;
                }
                i -= n;
            }
            let (q, bias) = at;
            let s = self.queues[q as usize][i];
            if !matches!(self.slab[s as usize].state, State::Waiting | State::Ghost) {
                // Gone from the queue: clear the gone ones out, and draw again.
                for k in 0..picks.queues.len() {
                    self.drop_gone(picks, picks.queues[k].0 as usize);
                }
                len = picks
                    .queues
                    .iter()
                    .map(|&(q, _)| self.queues[q as usize].len())
                    .sum();
                continue;
            }
            if picks.rng.random::<f64>() * top < self.weight(s, bias) {
                return self.queues[q as usize].remove(i);
            }
        }
        if len == 0 {
            return None;
        }
        self.draw_exactly(picks)
    }

    /// A waiting contact's weight in a draw from a queue of `newest_bias`: its wait (a minute
    /// at least) to the power −`newest_bias`.
    #[inline]
    fn weight(&self, s: u32, newest_bias: f64) -> f64 {
        if newest_bias == 0.0 {
            1.0
        } else {
            (self.now - self.slab[s as usize].contact.arrival)
                .max(PICK_WAIT_FLOOR)
                .powf(-newest_bias)
        }
    }

    /// The draw weighing every waiting contact of the draw's queues (`picks.queues`): the
    /// slot taken out of its queue.
    fn draw_exactly(&mut self, picks: &mut RandomPicks) -> Option<u32> {
        picks.candidates.clear();
        let mut total = 0.0;
        for k in 0..picks.queues.len() {
            let (q, newest_bias) = picks.queues[k];
            self.drop_gone(picks, q as usize);
            for (i, &s) in self.queues[q as usize].iter().enumerate() {
                total += self.weight(s, newest_bias);
                picks.candidates.push((q, i as u32, total));
            }
        }
        let last = picks.candidates.len().checked_sub(1)?;
        let u = picks.rng.random::<f64>() * total;
        let j = picks.candidates.partition_point(|c| c.2 <= u).min(last);
        let (q, i, _) = picks.candidates[j];
        self.queues[q as usize].remove(i as usize)
    }

    /// Drops from queue `q` the contacts no longer waiting, releasing the slots of those that
    /// left it (as [`Self::head`] does at its front).
    fn drop_gone(&mut self, picks: &mut RandomPicks, q: usize) {
        let slab = &self.slab;
        picks.gone.clear();
        self.queues[q].retain(|&s| {
            let state = slab[s as usize].state;
            if state == State::Gone {
                picks.gone.push(s);
            }
            matches!(state, State::Waiting | State::Ghost)
        });
        for k in 0..picks.gone.len() {
            self.release_slot(picks.gone[k]);
        }
    }
}
