//! The streamed ticket event log: the async channels' tickets of a simulation written as a
//! service desk's event log (one row per update: new, active, awaiting the customer or a
//! vendor, resolved;
//! a ticket escalated to tier 2 is reassigned to the tier-2 group that takes it),
//! in the layout `mappings/supportsim-events.toml` reads. Only open tickets are kept in memory.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::engine::{ContactOutcome, ContactRecord, ContactSink};
use crate::model::{ChannelId, ChannelKind, GroupId, Model, TopicId, Waiting};

/// The header of a ticket event log written by supportsim.
pub const EVENTS_HEADER: &str =
    "ticket,state,updated_at,opened_at,sequence,channel,category,priority,group,updated_by";

/// An open ticket: its number, its opening and the updates written so far.
struct Open {
    number: u64,
    opened: f64,
    sequence: u32,
}

/// Writes the tickets of the async channels as an event log as the engine reports their legs.
pub struct TicketEventWriter<'m, W: Write> {
    model: &'m Model,
    out: csv::Writer<W>,
    /// Day 0 of the simulation as a date (its start date, else a Monday-based date of the
    /// scenario's first weekday).
    day0: NaiveDate,
    open: HashMap<(u64, u32, u32), Open>,
    next: u64,
    rows: u64,
}

impl<'m, W: Write> TicketEventWriter<'m, W> {
    /// Starts a log on `out` with its header line.
    pub fn new(model: &'m Model, out: W) -> io::Result<Self> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(EVENTS_HEADER.split(','))
            .map_err(crate::export::io_error)?;
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
        let day0 = model.demand.dated.as_ref().map_or_else(
            || monday + chrono::Days::new(model.demand.start_weekday as u64),
            |d| d.start_date,
        );
        debug_assert_eq!(
            day0.weekday().num_days_from_monday() as usize,
            model.demand.start_weekday
        );
        Ok(Self {
            model,
            out,
            day0,
            open: HashMap::new(),
            next: 0,
            rows: 0,
        })
    }

    /// Flushes and returns the writer and the number of rows.
    pub fn finish(self) -> io::Result<(W, u64)> {
        let out = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok((out, self.rows))
    }

    /// A ticket's tier-2 leg: reassigned to the tier-2 group when it joined that group's
    /// queue, resolved at the end of its work there. A leg still open at the horizon writes
    /// nothing more (which group would take it is not known yet).
    fn second_tier(&mut self, r: &ContactRecord, key: (u64, u32, u32)) -> io::Result<()> {
        if r.outcome == ContactOutcome::Answered {
            self.row(r, key, "Active", r.arrival, false)?;
            self.row(r, key, "Resolved", r.arrival + r.wait + r.handle, true)?;
        }
        self.open.remove(&key);
        Ok(())
    }

    fn time(&self, seconds: f64) -> String {
        let t: NaiveDateTime = self.day0.and_hms_opt(0, 0, 0).unwrap_or_default()
            + chrono::TimeDelta::seconds(seconds.max(0.0).floor() as i64);
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// Writes an update of the ticket `key` to `state` at `at`; `by_agent` names the agent
    /// of `r` as its author (an update the agent made, not the customer's or the system's).
    fn row(
        &mut self,
        r: &ContactRecord,
        key: (u64, u32, u32),
        state: &str,
        at: f64,
        by_agent: bool,
    ) -> io::Result<()> {
        let Some(t) = self.open.get_mut(&key) else {
            return Ok(());
        };
        let (number, opened, sequence) = (t.number, t.opened, t.sequence);
        t.sequence += 1;
        let m = self.model;
        // A ticket nobody has taken is in the queue of its channel and category: named by the
        // one tier-1 group that serves it, when only one does (else left blank, as a desk
        // leaves an unassigned ticket).
        let group = r
            .group
            .or_else(|| only_group(m, r.channel, r.topic))
            .and_then(|g| m.groups.get(g as usize))
            .map_or("", |g| g.name.as_str());
        let by = match r.agent {
            Some(a) if by_agent => format!("{group}/{a}"),
            _ => String::new(),
        };
        self.out
            .write_record([
                format!("T{number:07}").as_str(),
                state,
                &self.time(at),
                &self.time(opened),
                &sequence.to_string(),
                &m.channels[r.channel as usize].name,
                &m.topics[r.topic as usize].name,
                &r.priority.to_string(),
                group,
                &by,
            ])
            .map_err(crate::export::io_error)?;
        self.rows += 1;
        Ok(())
    }
}

/// The tier-1 group that serves topic `t` on channel `c`, when exactly one does.
fn only_group(m: &Model, c: u32, t: u32) -> Option<u32> {
    let mut serving = (0..m.groups.len() as u32).filter(|&g| {
        m.groups[g as usize].tier == 1 && m.eligible(GroupId(g), ChannelId(c), TopicId(t))
    });
    let first = serving.next()?;
    serving.next().is_none().then_some(first)
}

impl<W: Write> ContactSink for TicketEventWriter<'_, W> {
    fn contact(&mut self, r: &ContactRecord) -> io::Result<()> {
        let async_channel = self.model.channels[r.channel as usize].kind == ChannelKind::Async;
        if !async_channel {
            return Ok(());
        }
        let key = (r.origin.to_bits(), r.channel, r.attempt);
        if r.tier > 0 {
            return self.second_tier(r, key);
        }
        let answered = matches!(
            r.outcome,
            ContactOutcome::Answered | ContactOutcome::FollowUp
        );
        match r.outcome {
            ContactOutcome::Answered | ContactOutcome::Open if r.touch == 0 => {
                self.open.insert(
                    key,
                    Open {
                        number: self.next,
                        opened: r.arrival,
                        sequence: 0,
                    },
                );
                self.next += 1;
                self.row(r, key, "New", r.arrival, false)?;
                if answered {
                    self.row(r, key, "Active", r.arrival + r.wait, true)?;
                }
            }
            // The customer replied: the ticket is back in the agents' queue.
            ContactOutcome::FollowUp => self.row(r, key, "Active", r.arrival, false)?,
            ContactOutcome::Open if r.queued => self.row(r, key, "Active", r.arrival, false)?,
            _ => return Ok(()),
        }
        if answered {
            let end = r.arrival + r.wait + r.handle;
            if r.reassigned {
                // Handed to another group: its next touch's row names that group.
            } else if r.more_touches {
                match r.waits_on {
                    Some(Waiting::ThirdParty) => self.row(r, key, "Awaiting Vendor", end, true)?,
                    // Held on the desk: it stays in work, with no update until taken up again.
                    Some(Waiting::Desk) => {}
                    Some(Waiting::Customer) | None => {
                        self.row(r, key, "Awaiting User Info", end, true)?
                    }
                }
            } else if r.transferred {
                // Passed to tier 2: still in work; its tier-2 leg writes the rest.
            } else {
                self.row(r, key, "Resolved", end, true)?;
                self.open.remove(&key);
            }
        } else {
            // Open at the horizon: nothing more will be written about it.
            self.open.remove(&key);
        }
        Ok(())
    }
}
