//! What an overloaded replication had open when it stopped, and how to avoid it.

use super::MAX_LIVE_CONTACTS;

/// Where an overloaded replication stood when it stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Overload {
    /// Replication, from 0.
    pub rep: u32,
    /// Day of the horizon, from 0.
    pub day: u32,
    /// Contacts open at once.
    pub open: usize,
    /// The channel with the most contacts waiting.
    pub channel: String,
    /// That channel is a written one (async), whose customers never abandon.
    pub written: bool,
    /// How many were waiting on it.
    pub waiting: u32,
    /// Contacts waiting for an agent, on every channel.
    pub waiting_all: usize,
    /// Contacts due to come back (repeats and retries not yet arrived).
    pub returning: usize,
    /// Contacts with the bot or on their way to a queue (a transfer, a ticket's next touch).
    pub passing: usize,
}

impl Overload {
    /// What holds most of the open contacts.
    fn cause(&self) -> Cause {
        if self.returning >= self.waiting_all.max(self.passing) {
            Cause::Returning
        } else if self.passing > self.waiting_all {
            Cause::Passing
        } else {
            Cause::Waiting
        }
    }

    /// How to avoid it, in the user's words.
    pub fn help(&self) -> String {
        match self.cause() {
            Cause::Waiting if self.written => format!(
                "add agents or opening hours for `{}`, lower the volume, or let its customers chase unanswered tickets on another channel (`chase_after`, `chase_channels`)",
                self.channel
            ),
            Cause::Waiting => format!(
                "add agents or opening hours for `{}`, lower the volume, or give customers a patience so that some give up",
                self.channel
            ),
            Cause::Returning => "fewer contacts come back: raise topics' `fcr`, lower `repeat_share` or `retry_share` in [resolution], shorten `repeat_delay`; or simulate a smaller operation".into(),
            Cause::Passing => "shorten the bot's `bot_time` or the waits between touches (`reply_delay`, `pending`), or lower the volume".into(),
        }
    }
}

/// What held most of an overloaded replication's open contacts.
enum Cause {
    Waiting,
    Returning,
    Passing,
}

impl std::fmt::Display for Overload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |x: usize| crate::numbers::group_thousands(x as f64);
        let what = match self.cause() {
            Cause::Waiting => format!(
                "the operation cannot keep up: {} contacts were waiting for an agent ({} on `{}`)",
                n(self.waiting_all),
                n(self.waiting as usize),
                self.channel
            ),
            Cause::Returning => format!(
                "{} contacts were due to come back at once as repeats or retries",
                n(self.returning)
            ),
            Cause::Passing => format!(
                "{} contacts were with the bot or between a ticket's touches at once",
                n(self.passing)
            ),
        };
        write!(
            f,
            "{what} on day {} of replication {} (days count from 0; {} contacts open in all), \
             more than the {} a run holds before it stops rather than exhaust memory",
            self.day,
            self.rep + 1,
            n(self.open),
            n(MAX_LIVE_CONTACTS)
        )
    }
}
