//! The streamed contact log: one CSV row per contact leg as the engine reports it, nothing kept.

use std::io::{self, Write};

use super::HEADER;
use crate::duration::WEEKDAYS;
use crate::engine::{ContactRecord, ContactSink};
use crate::model::Model;

/// Writes contact legs as CSV rows to `W` as the engine reports them.
pub struct ContactLogWriter<'m, W: Write> {
    model: &'m Model,
    out: csv::Writer<W>,
    rows: u64,
}

impl<'m, W: Write> ContactLogWriter<'m, W> {
    /// Starts a log on `out` with its header line.
    pub fn new(model: &'m Model, out: W) -> io::Result<Self> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(HEADER.split(','))
            .map_err(crate::export::io_error)?;
        Ok(Self {
            model,
            out,
            rows: 0,
        })
    }

    /// Flushes and returns the writer and the number of rows.
    pub fn finish(self) -> io::Result<(W, u64)> {
        let out = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok((out, self.rows))
    }
}

impl<W: Write> ContactSink for ContactLogWriter<'_, W> {
    fn contact(&mut self, r: &ContactRecord) -> io::Result<()> {
        let m = self.model;
        let day = (r.arrival / crate::duration::DAY).floor().max(0.0);
        let weekday = (m.demand.start_weekday + day as usize) % 7;
        let group = r.group.and_then(|g| m.groups.get(g as usize));
        let agent = match (group, r.agent) {
            (Some(g), Some(a)) => format!("{}-{}", g.name, a + 1),
            _ => String::new(),
        };
        self.out
            .write_record([
                (day as u64 + 1).to_string().as_str(),
                WEEKDAYS[weekday],
                &crate::duration::clock(r.arrival - day * crate::duration::DAY),
                &format!("{:.3}", r.arrival),
                &m.channels[r.channel as usize].name,
                &m.topics[r.topic as usize].name,
                &r.priority.to_string(),
                &r.attempt.to_string(),
                &r.tier.to_string(),
                r.outcome.name(),
                &format!("{:.3}", r.wait),
                &format!("{:.3}", r.handle),
                group.map_or("", |g| g.name.as_str()),
                &agent,
            ])
            .map_err(crate::export::io_error)?;
        self.rows += 1;
        Ok(())
    }
}
