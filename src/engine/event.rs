//! Events and the order they are handled in.
//!
//! Events sit in a binary heap ordered by time, then by insertion sequence, so that equal times
//! are handled first-in first-out and a run is deterministic (as nexosim does). Cancelled events
//! (an abandonment of a contact already answered) are not removed: their handlers find them
//! stale, by a generation number, when they reach the top.
//!
//! Each channel's next arrival is kept beside the heap rather than in it: there is exactly one
//! per channel at a time, it is the most frequent event, and comparing it with the heap's top
//! (by the same time and sequence) costs less than sifting it through the heap — the order of
//! events, and so every result, is the same.

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
    /// An agent leaves the operation for good (attrition).
    Leave {
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
    /// When, then in what order among equal times: the time's order key (see [`order_key`])
    /// with its sign bit flipped, so that it orders as an unsigned number, in the high 64 bits,
    /// and the insertion sequence in the low 64. The earliest event has the smallest rank, and
    /// comparing two events is one integer comparison.
    rank: u128,
    /// What happens.
    pub(super) kind: Kind,
}

/// The integer whose order is `f64::total_cmp`'s: the bits of `t`, with every bit but the
/// sign flipped for negative values. Applied twice, it gives back the bits.
#[inline(always)]
fn order_key(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

const SIGN: u64 = 1 << 63;

impl Event {
    /// An event at `time` that is the `seq`-th scheduled.
    #[inline(always)]
    fn new(time: f64, seq: u64, kind: Kind) -> Event {
        let key = order_key(time.to_bits() as i64) as u64 ^ SIGN;
        Event {
            rank: (u128::from(key) << 64) | u128::from(seq),
            kind,
        }
    }

    /// When, seconds from 00:00 of day 0.
    #[inline(always)]
    pub(super) fn time(&self) -> f64 {
        let key = ((self.rank >> 64) as u64 ^ SIGN) as i64;
        f64::from_bits(order_key(key) as u64)
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.rank == other.rank
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that `BinaryHeap` pops the smallest rank.
    fn cmp(&self, other: &Self) -> Ordering {
        other.rank.cmp(&self.rank)
    }
}

/// The agenda of future events: a heap, each channel's next arrival, and the sequence counter
/// that orders equal times.
pub(super) struct Agenda {
    heap: BinaryHeap<Event>,
    seq: u64,
    /// The next arrival of each channel (its `Kind::Arrival`), if one is due.
    arrivals: Vec<Option<Event>>,
    /// The channel whose due arrival comes first, if any is due.
    first: Option<usize>,
}

impl Agenda {
    /// An empty agenda with room for `capacity` events.
    pub(super) fn with_capacity(capacity: usize) -> Agenda {
        Agenda {
            heap: BinaryHeap::with_capacity(capacity),
            seq: 0,
            arrivals: Vec::new(),
            first: None,
        }
    }

    /// Schedules channel `channel`'s next arrival at `time` (a `Kind::Arrival`, in the place
    /// among equal times that [`Agenda::schedule`] would give it); the channel must have no
    /// arrival due.
    #[inline]
    pub(super) fn schedule_arrival(&mut self, time: f64, channel: u32) {
        self.seq += 1;
        let c = channel as usize;
        if self.arrivals.len() <= c {
            self.arrivals.resize(c + 1, None);
        }
        let ev = Event::new(time, self.seq, Kind::Arrival { channel });
        debug_assert!(self.arrivals[c].is_none(), "one arrival per channel");
        self.arrivals[c] = Some(ev);
        if self
            .first
            .is_none_or(|f| self.arrivals[f].is_none_or(|due| ev.rank < due.rank))
        {
            self.first = Some(c);
        }
    }

    /// Schedules `kind` at `time`, after every event already scheduled at that time.
    #[inline]
    pub(super) fn schedule(&mut self, time: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event::new(time, self.seq, kind));
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
        self.heap.push(Event::new(time, seq, kind));
    }

    /// The earliest event (first scheduled among equal times), removed from the agenda.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<Event> {
        if let Some(c) = self.first
            && let Some(due) = self.arrivals[c]
            && self.heap.peek().is_none_or(|top| due.rank < top.rank)
        {
            self.arrivals[c] = None;
            self.first = self.next_first();
            return Some(due);
        }
        self.heap.pop()
    }

    /// The channel whose due arrival comes first, found again after one was taken.
    #[inline]
    fn next_first(&self) -> Option<usize> {
        let mut first: Option<(usize, Event)> = None;
        for (c, due) in self.arrivals.iter().enumerate() {
            if let Some(due) = *due
                && first.is_none_or(|(_, f)| due.rank < f.rank)
            {
                first = Some((c, due));
            }
        }
        first.map(|(c, _)| c)
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
                let (ea, eb) = (
                    Event::new(a, 7, Kind::DayStart { day: 0 }),
                    Event::new(b, 7, Kind::DayStart { day: 0 }),
                );
                assert_eq!(ea.rank.cmp(&eb.rank), a.total_cmp(&b), "{a} against {b}");
                assert_eq!(ea.time().to_bits(), a.to_bits());
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

    #[test]
    fn arrivals_kept_beside_the_heap_pop_in_time_then_insertion_order() {
        let mut a = Agenda::with_capacity(8);
        a.schedule(5.0, Kind::ShiftEnd { agent: 0 });
        a.schedule_arrival(5.0, 1);
        a.schedule(2.0, Kind::ShiftEnd { agent: 1 });
        a.schedule_arrival(1.0, 0);
        a.schedule_arrival(5.0, 2);
        a.schedule(5.0, Kind::ShiftEnd { agent: 2 });
        let order: Vec<_> = std::iter::from_fn(|| a.pop())
            .map(|ev| match ev.kind {
                Kind::ShiftEnd { agent } => (ev.time(), "shift end", agent),
                Kind::Arrival { channel } => (ev.time(), "arrival", channel),
                _ => (ev.time(), "other", 0),
            })
            .collect();
        assert_eq!(
            order,
            vec![
                (1.0, "arrival", 0),
                (2.0, "shift end", 1),
                (5.0, "shift end", 0),
                (5.0, "arrival", 1),
                (5.0, "arrival", 2),
                (5.0, "shift end", 2),
            ]
        );
    }

    #[test]
    fn the_agenda_gives_events_back_in_rank_order_through_any_mix_of_schedules_and_pops() {
        let mut agenda = Agenda::with_capacity(8);
        let mut kept: Vec<u128> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x.is_multiple_of(3) {
                let got = agenda.pop().map(|e| e.rank);
                kept.sort_unstable();
                let want = if kept.is_empty() {
                    None
                } else {
                    Some(kept.remove(0))
                };
                assert_eq!(got, want);
            } else {
                // Few distinct times, so that ties are frequent.
                agenda.schedule((x % 50) as f64, Kind::DayStart { day: 0 });
                kept.push(Event::new((x % 50) as f64, agenda.seq, Kind::DayStart { day: 0 }).rank);
            }
        }
    }
}
