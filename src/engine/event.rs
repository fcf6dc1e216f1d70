//! Events and the order they are handled in.
//!
//! Events sit in a binary heap ordered by time, then by insertion sequence, so that equal times
//! are handled first-in first-out and a run is deterministic (as nexosim does). Cancelled events
//! (an abandonment of a contact already answered) are not removed: their handlers find them
//! stale, by a generation number, when they reach the top.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    /// Next arrival on a channel.
    Arrival {
        channel: u32,
    },
    /// The arrival at this index of the model's replayed trace.
    Replay {
        index: u32,
    },
    /// An agent finishes a contact; `chat` tells which kind of capacity is released.
    Done {
        agent: u32,
        chat: bool,
    },
    /// A waiting contact's patience runs out.
    Abandon {
        slot: u32,
        generation: u32,
    },
    /// A written contact has waited twice its channel's tolerance: the customer may leave.
    Ignored {
        slot: u32,
        generation: u32,
    },
    /// A contact passed on by the bot or by tier 1 joins a queue.
    Enter {
        slot: u32,
    },
    /// A repeat or retry arrives.
    Return {
        slot: u32,
    },
    /// Start of a day: schedule that day's shifts and shrinkage.
    DayStart {
        day: u32,
    },
    /// Start of a scheduled shift; an absent agent is scheduled but never on the floor.
    ShiftStart {
        agent: u32,
        absent: bool,
    },
    ShiftEnd {
        agent: u32,
    },
    /// Off the floor (planned shrinkage or absence).
    BreakStart {
        agent: u32,
    },
    BreakEnd {
        agent: u32,
    },
    /// End of a reporting interval: sample backlogs.
    IntervalEnd {
        index: u32,
    },
    /// A surge's extra contacts begin (at its start) or one of them arrives.
    SurgeArrival {
        index: u32,
    },
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Event {
    /// When, seconds from 00:00 of day 0, as the integer whose order is `f64::total_cmp`'s
    /// (see [`order_key`]): comparing it is one integer comparison instead of two transforms
    /// per comparison, and the heap compares often.
    key: i64,
    /// Insertion sequence: breaks ties between equal times, first in first out.
    seq: u64,
    /// What happens.
    pub(super) kind: Kind,
}

/// The integer whose order is `f64::total_cmp`'s: the bits of `t`, with every bit but the
/// sign flipped for negative values. Applied twice, it gives back the bits.
#[inline(always)]
fn order_key(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

impl Event {
    /// When, seconds from 00:00 of day 0.
    #[inline(always)]
    pub(super) fn time(&self) -> f64 {
        f64::from_bits(order_key(self.key) as u64)
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that `BinaryHeap` pops the earliest time, then the lowest sequence.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .key
            .cmp(&self.key)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// The agenda of future events: a heap and the sequence counter that orders equal times.
pub(super) struct Agenda {
    heap: BinaryHeap<Event>,
    seq: u64,
}

impl Agenda {
    /// An empty agenda with room for `capacity` events.
    pub(super) fn with_capacity(capacity: usize) -> Agenda {
        Agenda {
            heap: BinaryHeap::with_capacity(capacity),
            seq: 0,
        }
    }

    /// Schedules `kind` at `time`, after every event already scheduled at that time.
    #[inline]
    pub(super) fn schedule(&mut self, time: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event {
            key: order_key(time.to_bits() as i64),
            seq: self.seq,
            kind,
        });
    }

    /// Reserves the next `n` sequence numbers for events scheduled later with
    /// [`Agenda::schedule_reserved`], and returns the last number used before them.
    pub(super) fn reserve(&mut self, n: u64) -> u64 {
        let before = self.seq;
        self.seq += n;
        before
    }

    /// Schedules `kind` at `time` with a sequence number taken earlier by [`Agenda::reserve`],
    /// so that it keeps the place among equal times it would have had if scheduled then.
    pub(super) fn schedule_reserved(&mut self, time: f64, seq: u64, kind: Kind) {
        self.heap.push(Event {
            key: order_key(time.to_bits() as i64),
            seq,
            kind,
        });
    }

    /// The earliest event (first scheduled among equal times), removed from the agenda.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<Event> {
        self.heap.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(ev: Option<Event>) -> Option<(f64, u32)> {
        let ev = ev?;
        match ev.kind {
            Kind::ShiftEnd { agent } => Some((ev.time(), agent)),
            _ => None,
        }
    }

    #[test]
    fn the_order_key_orders_as_total_cmp_and_gives_the_time_back() {
        let times = [
            -3.5,
            -0.0,
            0.0,
            1e-300,
            2.0,
            86_400.0,
            f64::MAX,
            f64::INFINITY,
            -f64::INFINITY,
        ];
        for a in times {
            let ka = order_key(a.to_bits() as i64);
            assert_eq!(f64::from_bits(order_key(ka) as u64).to_bits(), a.to_bits());
            for b in times {
                let kb = order_key(b.to_bits() as i64);
                assert_eq!(ka.cmp(&kb), a.total_cmp(&b), "{a} against {b}");
            }
        }
    }

    #[test]
    fn equal_times_pop_in_insertion_order() {
        let mut a = Agenda::with_capacity(8);
        a.schedule(5.0, Kind::ShiftEnd { agent: 0 });
        a.schedule(2.0, Kind::ShiftEnd { agent: 1 });
        a.schedule(5.0, Kind::ShiftEnd { agent: 2 });
        a.schedule(2.0, Kind::ShiftEnd { agent: 3 });
        a.schedule(5.0, Kind::ShiftEnd { agent: 4 });
        let order: Vec<_> = std::iter::from_fn(|| agent(a.pop())).collect();
        assert_eq!(
            order,
            vec![(2.0, 1), (2.0, 3), (5.0, 0), (5.0, 2), (5.0, 4)]
        );
    }

    #[test]
    fn a_reserved_number_keeps_its_place_among_equal_times() {
        let mut a = Agenda::with_capacity(8);
        a.schedule(1.0, Kind::ShiftEnd { agent: 0 });
        let before = a.reserve(1);
        a.schedule(1.0, Kind::ShiftEnd { agent: 2 });
        // Scheduled last, but with the number reserved between the other two.
        a.schedule_reserved(1.0, before + 1, Kind::ShiftEnd { agent: 1 });
        let order: Vec<_> = std::iter::from_fn(|| agent(a.pop())).collect();
        assert_eq!(order, vec![(1.0, 0), (1.0, 1), (1.0, 2)]);
    }
}
