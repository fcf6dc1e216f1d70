//! Ticket lifecycles from a service desk's event log (one row per update of a ticket: state
//! changes, reassignments, resolution, reopening), read through a mapping of its columns and
//! state names. Each ticket becomes a timeline: opened, first response (the first update that
//! leaves the new states), spans waiting on the customer or a third party (no agent work),
//! reassignments between groups, resolution, reopenings and closing. Every row or ticket left
//! out is counted by reason.
//!
//! [`measure`] turns the lifecycles into what `fit --events` writes into a scenario;
//! [`TicketEventWriter`] writes a simulation's tickets as such a log (`run --ticket-events`).

mod activity;
mod choices;
mod mapping;
mod measure;
mod order;
mod read;
mod sweeps;
mod writer;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

pub use activity::{Activity, QUIET_SHARE, QuietDay, on_duty};
pub use mapping::{EventMapping, Stamped};
pub use measure::{
    OWN_FIT_SPANS, PriorityMeasures, Spread, TicketMeasures, as_contact_log, measure, measure_part,
    priority_ranks, quiet_opening_days, rank_of,
};
pub use order::{MAX_BIAS, PickBias, newest_bias};
pub use read::read;
pub use sweeps::Sweeps;
pub use writer::{EVENTS_HEADER, TicketEventWriter};

pub use crate::model::Waiting;

/// The longest a first response and what follows it in the same state are taken to be one
/// agent's sitting; a longer stretch held the ticket on the desk between two touches.
pub const ONE_SITTING: f64 = 3600.0;

/// A stretch of time a ticket waited with no agent work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pending {
    /// On whom.
    pub on: Waiting,
    /// From.
    pub start: NaiveDateTime,
    /// To (the next update that leaves the pending state; `None` if none does).
    pub end: Option<NaiveDateTime>,
}

/// One ticket's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    /// Its id.
    pub id: String,
    /// When it was opened.
    pub opened: NaiveDateTime,
    /// The first update that left the new states.
    pub first_response: Option<NaiveDateTime>,
    /// Who made that update, when the mapping names an `agent` column.
    pub first_responder: Option<String>,
    /// Waiting spans.
    pub pending: Vec<Pending>,
    /// Changes of assignment group between consecutive updates.
    pub reassignments: u32,
    /// The group it was first assigned to.
    pub group: Option<String>,
    /// The group whose queue it waited in for its first response: the group of the update
    /// that gave it (the group that answered), or, never answered, of its last update.
    pub queue: Option<String>,
    /// After its first response, the first update naming another group than `queue`: when
    /// and to which group the ticket was handed.
    pub handed: Option<(NaiveDateTime, String)>,
    /// First resolution.
    pub resolved: Option<NaiveDateTime>,
    /// When it went from resolved back to work, each time.
    pub reopens: Vec<NaiveDateTime>,
    /// Closing.
    pub closed: Option<NaiveDateTime>,
    /// Priority as written.
    pub priority: Option<String>,
    /// Category as written.
    pub category: Option<String>,
    /// Channel (contact type) as written.
    pub channel: Option<String>,
    /// Updates read.
    pub updates: u32,
    /// Its first update was already past the new states: the ticket was created by an agent
    /// handling the customer elsewhere (on the phone, say), its first response given there.
    pub opened_in_work: bool,
    /// Its first update was a resolution: resolved where it was created.
    pub opened_resolved: bool,
}

impl Lifecycle {
    /// The stretch after the desk's first response (for a ticket opened new) in which it
    /// stayed in work with no other update, from that response to the next pending span or
    /// the resolution (`None` when neither came by `end`), when it lasted — or, still open at
    /// `end`, had lasted — longer than [`ONE_SITTING`]: the desk held the ticket between its
    /// first touch and the next. (A stretch after a pending span also holds the wait in the
    /// agents' queue, which the simulation makes itself, so it is not counted.) With
    /// `handoffs` (modelled as such: per-group queues) the stretch also ends when the ticket
    /// is handed to another group, whose queue the simulation makes too.
    pub fn first_hold(
        &self,
        end: Option<NaiveDateTime>,
        handoffs: bool,
    ) -> Option<(NaiveDateTime, Option<NaiveDateTime>)> {
        let fr = self.first_response.filter(|_| !self.opened_in_work)?;
        let handed = self.handed.as_ref().filter(|_| handoffs).map(|h| h.0);
        let next = self
            .pending
            .iter()
            .map(|p| p.start)
            .chain(self.resolved)
            .chain(handed)
            .filter(|x| *x >= fr)
            .min();
        let last = next.or(end)?;
        ((last - fr).num_seconds() as f64 > ONE_SITTING).then_some((fr, next))
    }
}

/// The queues a desk's tickets wait in for their first response, and so what a fitted
/// scenario's topics are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queues {
    /// One queue for the whole desk: topics are the tickets' categories, every agent takes any.
    Pooled,
    /// A queue per assignment group: topics are the groups the tickets waited in
    /// ([`Lifecycle::queue`]), each served by its own agents.
    Groups,
}

/// A ticket's topic value under `queues` without a group (or category) of its own.
pub const NO_GROUP: &str = "no group";

impl Queues {
    /// The log's value a ticket's topic is read from.
    pub fn topic_value(self, t: &Lifecycle) -> &str {
        match self {
            Queues::Pooled => t.category.as_deref().unwrap_or("all"),
            Queues::Groups => t.queue.as_deref().unwrap_or(NO_GROUP),
        }
    }

    /// The value of the queue a ticket is in at `at`: with per-group queues, the group it
    /// was handed to if that happened before `at`.
    pub fn value_at(self, t: &Lifecycle, at: NaiveDateTime) -> &str {
        match (self, &t.handed) {
            (Queues::Groups, Some((when, group))) if *when < at => group,
            _ => self.topic_value(t),
        }
    }
}

/// Why a row or a ticket was left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// A row without a ticket id.
    NoTicket,
    /// A row whose update time could not be read.
    BadUpdateTime,
    /// A row whose state the mapping does not list.
    UnknownState(String),
    /// A ticket whose opening time could not be read on any row.
    NoOpened,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NoTicket => write!(f, "rows without a ticket id"),
            Skip::BadUpdateTime => write!(f, "rows whose update time could not be read"),
            Skip::UnknownState(s) => {
                write!(f, "rows in state `{s}`, which the mapping does not list")
            }
            Skip::NoOpened => write!(f, "tickets whose opening time could not be read"),
        }
    }
}

/// What an event log held.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// Tickets, by id order.
    pub tickets: Vec<Lifecycle>,
    /// Rows read.
    pub rows: u64,
    /// Rows (or, for [`Skip::NoOpened`], tickets) left out, by reason, with the first line.
    pub skipped: BTreeMap<Skip, (u64, u64)>,
    /// The moment the log was cut at ([`EventLog::as_of`]): what was still waiting then is
    /// censored there. `None` for a whole log (censored at its last update).
    pub until: Option<NaiveDateTime>,
    /// Hand-offs to another group are modelled (per-group queues): a hold on the desk ends at
    /// one ([`Lifecycle::first_hold`]).
    pub handoffs: bool,
    /// When its updates are stamped, as its mapping says.
    pub stamped: Stamped,
}

impl EventLog {
    /// The log as it stood at `t`: the tickets opened before it, with only what had happened
    /// by then (a first response, pending spans, resolution, reopenings and closing after `t`
    /// are dropped; a span still waiting at `t` is open). Reassignment counts, which the log
    /// does not time, are kept whole.
    pub fn as_of(&self, t: NaiveDateTime) -> EventLog {
        let before = |x: Option<NaiveDateTime>| x.filter(|x| *x < t);
        let tickets = self
            .tickets
            .iter()
            .filter(|l| l.opened < t)
            .map(|l| Lifecycle {
                first_response: before(l.first_response),
                first_responder: l
                    .first_responder
                    .clone()
                    .filter(|_| before(l.first_response).is_some()),
                pending: l
                    .pending
                    .iter()
                    .filter(|p| p.start < t)
                    .map(|p| Pending {
                        end: before(p.end),
                        ..*p
                    })
                    .collect(),
                resolved: before(l.resolved),
                handed: l.handed.clone().filter(|h| h.0 < t),
                reopens: l.reopens.iter().copied().filter(|r| *r < t).collect(),
                closed: before(l.closed),
                ..l.clone()
            })
            .collect();
        EventLog {
            tickets,
            rows: self.rows,
            skipped: self.skipped.clone(),
            until: Some(t),
            handoffs: self.handoffs,
            stamped: self.stamped,
        }
    }

    pub(crate) fn skip(&mut self, reason: Skip, line: u64) {
        let e = self.skipped.entry(reason).or_insert((0, line));
        e.0 += 1;
    }
}
