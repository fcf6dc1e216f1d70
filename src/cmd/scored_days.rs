//! The days a call log's backtest scores (`--from`, `--until`) and the history before them:
//! the service model is fitted on the history alone, and the scored days replay their own
//! arrivals and agents on duty — an out-of-sample check of the model.

use supportsim::contact_log::{LogRead, epoch_date, epoch_day};

use super::backtest_tickets::date_flag;
use super::{Failure, flag_error};

/// A log split at `--from`: the history before it and the scored days.
pub struct Split {
    /// Days before `--from` (day 0 the log's).
    pub history: LogRead,
    /// Days `--from` to `--until`, as a log of their own (its day 0 `--from`).
    pub scored: LogRead,
    /// `--from` and `--until`, as dates.
    pub from: chrono::NaiveDate,
    pub until: chrono::NaiveDate,
}

/// Splits `log` (read from `path`) at `from` (YYYY-MM-DD), scoring to `until` (default the
/// log's last day). Refuses a log that numbers its days instead of dating them, and dates
/// that leave the history or the scored days without contacts.
pub fn split(
    log: &LogRead,
    path: &std::path::Path,
    from: &str,
    until: Option<&str>,
) -> Result<Split, Failure> {
    let Some(first) = log.first_epoch_day else {
        return Err(flag_error(format!(
            "the log {} numbers its days instead of dating them, so --from cannot find a date in it\n  = help: map a date column with a calendar date_format, or backtest the whole log without --from",
            path.display()
        )));
    };
    let last = log.contacts.iter().map(|c| c.day).max().unwrap_or(0);
    let span = format!(
        "{} to {}",
        epoch_date(first),
        epoch_date(first + i64::from(last))
    );
    let day_of = |flag: &str, text: &str| -> Result<(chrono::NaiveDate, i64), Failure> {
        let date = date_flag(flag, text)?;
        Ok((date, epoch_day(date) - first))
    };
    let (from_date, from) = day_of("from", from)?;
    if from < 1 || from > i64::from(last) {
        return Err(flag_error(format!(
            "--from {from_date} leaves no history to fit or no day to score: the log {} runs from {span}\n  = help: pick a date after its first day and no later than its last",
            path.display()
        )));
    }
    let (until_date, until) = match until {
        Some(text) => day_of("until", text)?,
        None => (epoch_date(first + i64::from(last)), i64::from(last)),
    };
    if until < from || until > i64::from(last) {
        return Err(flag_error(format!(
            "--until {until_date} is before --from {from_date} or past the log's last day (the log runs from {span})\n  = help: pick a date from --from to the log's last day"
        )));
    }
    let (from, until) = (from as u32, until as u32);
    let history = log.days(0, from - 1);
    let scored = log.days(from, until);
    if history.contacts.is_empty() || scored.contacts.is_empty() {
        return Err(flag_error(format!(
            "the log {} has no contacts {} {from_date}: nothing to {}\n  = help: pick a --from with contacts on both sides",
            path.display(),
            if history.contacts.is_empty() {
                "before"
            } else {
                "from"
            },
            if history.contacts.is_empty() {
                "fit"
            } else {
                "score"
            }
        )));
    }
    Ok(Split {
        history,
        scored,
        from: from_date,
        until: until_date,
    })
}
