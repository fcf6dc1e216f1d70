//! Reading a log through a mapping into contacts offered to the queue, counting every row left
//! out by reason.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom};

use super::fields::{parse_clock, parse_date, parse_seconds};
use super::{Fate, LogError, LogRead, LoggedContact, MAX_DAYS, Mapping, Skip};
use crate::duration::WEEKDAYS;

/// Where each column the mapping names is in the header.
struct Index<'m> {
    date: usize,
    time: usize,
    offset: Option<usize>,
    weekday: Option<usize>,
    wait: usize,
    handle: Option<usize>,
    outcome: usize,
    topic: Option<usize>,
    priority: Option<usize>,
    channel: Option<usize>,
    agent: Option<usize>,
    queued: Option<usize>,
    /// Columns whose values a row must have to be kept.
    keep: Vec<(usize, &'m Vec<String>)>,
    /// The header's column names.
    names: Vec<String>,
}

impl<'m> Index<'m> {
    /// Finds every mapped column, or names the one missing and lists the header's.
    fn new(headers: &csv::StringRecord, mapping: &'m Mapping) -> Result<Index<'m>, LogError> {
        let found = || {
            let names: Vec<&str> = headers.iter().collect();
            names.join(", ")
        };
        let col = |key: &str, name: &str| -> Result<usize, LogError> {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| LogError::MissingColumn {
                    key: key.into(),
                    column: name.into(),
                    found: found(),
                })
        };
        let opt = |key: &str, name: &Option<String>| -> Result<Option<usize>, LogError> {
            name.as_deref().map(|n| col(key, n)).transpose()
        };
        let c = &mapping.columns;
        Ok(Index {
            date: col("date", &c.date)?,
            time: col("time", &c.time)?,
            offset: opt("time_offset", &c.time_offset)?,
            weekday: opt("weekday", &c.weekday)?,
            wait: col("wait", &c.wait)?,
            handle: opt("handle", &c.handle)?,
            outcome: col("outcome", &c.outcome)?,
            topic: opt("topic", &c.topic)?,
            priority: opt("priority", &c.priority)?,
            channel: opt("channel", &c.channel)?,
            agent: opt("agent", &c.agent)?,
            queued: opt("queued", &c.queued)?,
            keep: mapping
                .keep
                .iter()
                .map(|(k, v)| col(&format!("keep.{k}"), k).map(|i| (i, v)))
                .collect::<Result<_, _>>()?,
            names: headers.iter().map(str::to_string).collect(),
        })
    }
}

/// One row's values, before days are counted from the log's first.
struct Row {
    /// Days since 1970-01-01 (or the log's day number).
    day: i64,
    fate: Fate,
    weekday: Option<usize>,
    date_text: String,
    time: f64,
    wait: f64,
    handle: Option<f64>,
    topic: String,
    priority: u32,
    agent: Option<String>,
}

/// Days either side of the first row's day that a row may be while reading (far more than a
/// log may span: `finish` refuses spans over `MAX_DAYS`).
const OFFSET: i64 = 1 << 31;

/// `LoggedContact::weekday` while reading, when the log has no weekday column.
const NO_WEEKDAY: u8 = u8::MAX;

/// The index of `name` in `list`, added when new.
fn intern(ids: &mut HashMap<String, u32>, list: &mut Vec<String>, name: String) -> u32 {
    if let Some(i) = ids.get(&name) {
        return *i;
    }
    let i = list.len() as u32;
    list.push(name.clone());
    ids.insert(name, i);
    i
}

/// Field `i` of a record, empty when the record is short.
fn get(r: &csv::StringRecord, i: usize) -> String {
    r.get(i).unwrap_or("").to_string()
}

/// A value that could not be read.
fn bad(line: u64, column: &str, value: String, expected: &str) -> LogError {
    LogError::BadValue {
        line,
        column: column.into(),
        value,
        expected: expected.into(),
    }
}

/// The arrival of a row: its date, time of day (with any offset added) and weekday.
fn arrival(
    r: &csv::StringRecord,
    line: u64,
    ix: &Index<'_>,
    mapping: &Mapping,
) -> Result<(i64, String, f64, Option<usize>), LogError> {
    let c = &mapping.columns;
    let date_text = get(r, ix.date);
    let day = parse_date(&date_text, &mapping.formats.date).ok_or_else(|| {
        bad(
            line,
            &c.date,
            date_text.clone(),
            &format!("a date written {}", mapping.formats.date),
        )
    })?;
    let time_text = get(r, ix.time);
    let mut time = match mapping.formats.time.as_str() {
        "seconds" => parse_seconds(&time_text),
        _ => parse_clock(&time_text),
    }
    .ok_or_else(|| bad(line, &c.time, time_text.clone(), "a time of day"))?;
    if time >= 2.0 * crate::duration::DAY {
        return Err(bad(line, &c.time, time_text.clone(), "a time of day"));
    }
    if let Some(io) = ix.offset {
        let t = get(r, io);
        time += parse_seconds(&t)
            .filter(|x| *x < crate::duration::DAY)
            .ok_or_else(|| {
                bad(
                    line,
                    c.time_offset.as_deref().unwrap_or(""),
                    t.clone(),
                    "seconds (less than a day)",
                )
            })?;
    }
    let weekday = match ix.weekday {
        Some(iw) => {
            let w = get(r, iw).to_ascii_lowercase();
            let w3 = w.get(..3).unwrap_or("");
            Some(WEEKDAYS.iter().position(|d| *d == w3).ok_or_else(|| {
                bad(
                    line,
                    c.weekday.as_deref().unwrap_or(""),
                    w.clone(),
                    "a weekday (mon…sun)",
                )
            })?)
        }
        None => None,
    };
    Ok((day, date_text, time, weekday))
}

/// A row of an answered or abandoned contact.
fn row(
    r: &csv::StringRecord,
    line: u64,
    fate: Fate,
    ix: &Index<'_>,
    mapping: &Mapping,
) -> Result<Row, LogError> {
    let c = &mapping.columns;
    let (day, date_text, time, weekday) = arrival(r, line, ix, mapping)?;
    let wait_text = get(r, ix.wait);
    let wait = parse_seconds(&wait_text)
        .ok_or_else(|| bad(line, &c.wait, wait_text.clone(), "seconds"))?;
    let handle = match (fate, ix.handle) {
        (Fate::Answered, Some(ih)) => {
            let h = get(r, ih);
            Some(parse_seconds(&h).ok_or_else(|| {
                bad(
                    line,
                    c.handle.as_deref().unwrap_or(""),
                    h.clone(),
                    "seconds",
                )
            })?)
        }
        _ => None,
    };
    let priority = match ix.priority {
        Some(ip) => {
            let p = get(r, ip);
            match mapping.priority.get(&p) {
                Some(rank) => *rank,
                None => p.parse::<u32>().ok().filter(|x| *x >= 1).ok_or_else(|| {
                    bad(
                        line,
                        c.priority.as_deref().unwrap_or(""),
                        p.clone(),
                        "a priority rank of 1 or more (map the log's values under [priority])",
                    )
                })?,
            }
        }
        None => 1,
    };
    Ok(Row {
        day,
        fate,
        weekday,
        date_text,
        time,
        wait,
        handle,
        topic: ix.topic.map_or_else(|| "all".to_string(), |i| get(r, i)),
        priority,
        agent: ix
            .agent
            .map(|i| get(r, i))
            .filter(|a| !a.is_empty() && !mapping.values.no_agent.contains(a)),
    })
}

/// The channel to read: the one asked for, else the one with most rows (`counts`, rows per
/// channel value); `None` without a channel column.
fn choose_channel(
    counts: Option<BTreeMap<String, u64>>,
    channel: Option<&str>,
) -> Result<Option<String>, LogError> {
    let Some(counts) = counts else {
        return Ok(None);
    };
    Ok(match channel {
        Some(ch) => {
            if !counts.contains_key(ch) {
                let names: Vec<&str> = counts.keys().map(String::as_str).collect();
                return Err(LogError::Empty(format!(
                    " on channel `{ch}`\n  = help: channels in the log: {}",
                    names.join(", ")
                )));
            }
            Some(ch.to_string())
        }
        None => counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| k.clone()),
    })
}

/// A CSV reader over `input` from its start, with the mapping's delimiter (or the one the
/// header line suggests), and the header.
fn reader<R: Read + Seek>(
    mut input: R,
    mapping: &Mapping,
) -> Result<(csv::Reader<R>, csv::StringRecord), LogError> {
    let io = |e: std::io::Error| LogError::Io(e.to_string());
    // The header line decides the delimiter when the mapping does not (read from the start:
    // a second pass comes here at the end of the first).
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while first.len() < 1 << 20 && input.read(&mut byte).map_err(io)? == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let delimiter = crate::delimiter::of(mapping.delimiter.as_deref(), &first)
        .map_err(|e| LogError::Io(format!("{e}\n  = help: {}", crate::delimiter::HELP)))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = rdr
        .headers()
        .map_err(|e| LogError::Io(format!("reading the header line: {e}")))?
        .clone();
    Ok((rdr, headers))
}

/// Rows in `input` estimated from its length and its first 64 KB (the position is kept).
fn estimated_rows<R: Read + Seek>(input: &mut R) -> Option<u64> {
    let at = input.stream_position().ok()?;
    let len = input.seek(SeekFrom::End(0)).ok()?;
    input.seek(SeekFrom::Start(0)).ok()?;
    let mut head = Vec::new();
    let read = input.by_ref().take(1 << 16).read_to_end(&mut head);
    input.seek(SeekFrom::Start(at)).ok()?;
    read.ok()?;
    let lines = head.iter().filter(|b| **b == b'\n').count() as u64;
    Some(len * lines / (head.len() as u64).max(1))
}

/// Streams the records of delimited text (blank lines left out) to `f`, each with its line in
/// the file; the whole log is never held at once.
fn each_record<R: Read>(
    rdr: &mut csv::Reader<R>,
    mut f: impl FnMut(u64, &csv::StringRecord),
) -> Result<(), LogError> {
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    loop {
        let line = n + 2;
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(LogError::Io(format!("line {line}: {e}"))),
        }
        n += 1;
        if rec.iter().all(|x| x.is_empty()) {
            continue;
        }
        f(line, &rec);
    }
}

/// Rows read, and agents' work on the log's other channels: (date, start after that date's
/// midnight, handle, agent).
struct Rows {
    out: LogRead,
    /// Contacts as read: `day` counts from `anchor` − 2³¹ (the first row's day, so that days
    /// before it fit), `weekday` is the weekday column's or `NO_WEEKDAY`; `finish` counts days
    /// from the log's first day in place.
    parsed: Vec<LoggedContact>,
    anchor: Option<i64>,
    other: Vec<(i64, f64, f64, u32)>,
    /// Index of each topic and agent name in `out.topics` and `out.agents`.
    topic_ids: HashMap<String, u32>,
    agent_ids: HashMap<String, u32>,
    /// The earliest day read so far.
    first_day: Option<i64>,
}

/// Reads a log through `mapping`, streaming it (twice when the channel to read must first be
/// found). With a channel column, only the rows of `channel` are read (by default the channel
/// with most rows).
pub fn read<R: Read + Seek>(
    mut input: R,
    mapping: &Mapping,
    channel: Option<&str>,
) -> Result<LogRead, LogError> {
    let estimate = estimated_rows(&mut input);
    let (mut rdr, headers) = reader(&mut input, mapping)?;
    let ix = Index::new(&headers, mapping)?;
    let counts = match ix.channel {
        Some(ic) => {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            each_record(&mut rdr, |_, r| {
                *counts
                    .entry(r.get(ic).unwrap_or("").to_string())
                    .or_default() += 1;
            })?;
            drop(rdr);
            rdr = reader(&mut input, mapping)?.0;
            Some(counts)
        }
        None => None,
    };
    // Room for every contact up front, so that the list never doubles past what it needs:
    // the chosen channel's rows, or the rows the file's size suggests.
    let expected = match (&counts, channel) {
        (Some(counts), Some(ch)) => counts.get(ch).copied(),
        (Some(counts), None) => counts.values().max().copied(),
        (None, _) => estimate,
    };
    let chosen = choose_channel(counts, channel)?;
    let mut rows = Rows {
        out: LogRead {
            channel: chosen.clone(),
            ..LogRead::default()
        },
        parsed: Vec::new(),
        anchor: None,
        other: Vec::new(),
        topic_ids: HashMap::new(),
        agent_ids: HashMap::new(),
        first_day: None,
    };
    let expected = expected.unwrap_or(0).min(1 << 27) as usize;
    rows.parsed.reserve_exact(expected + expected / 16);
    each_record(&mut rdr, |line, r| {
        rows.take(line, r, &ix, mapping, chosen.as_deref());
    })?;
    rows.finish(mapping)
}

impl Rows {
    /// Reads one record: kept as a contact, as another channel's agent time, or counted as
    /// left out by reason.
    fn take(
        &mut self,
        line: u64,
        r: &csv::StringRecord,
        ix: &Index<'_>,
        mapping: &Mapping,
        chosen: Option<&str>,
    ) {
        let out = &mut self.out;
        out.rows += 1;
        // Rows of other channels are read only for their agents' time.
        let other_channel = matches!(
            (ix.channel, chosen),
            (Some(ic), Some(ch)) if r.get(ic).unwrap_or("") != ch
        );
        if let Some((i, _)) = ix
            .keep
            .iter()
            .find(|(i, vals)| !vals.iter().any(|v| v == r.get(*i).unwrap_or("")))
        {
            let column = ix.names.get(*i).cloned().unwrap_or_default();
            out.skip(Skip::NotKept(column), line, None);
            return;
        }
        let outcome = get(r, ix.outcome);
        let fate = if mapping.values.answered.contains(&outcome) {
            Fate::Answered
        } else if mapping.values.abandoned.contains(&outcome) {
            Fate::Abandoned
        } else {
            let reason = if other_channel {
                Skip::OtherChannel
            } else if mapping.values.ignore.contains(&outcome) {
                Skip::IgnoredOutcome(outcome)
            } else {
                Skip::UnknownOutcome(outcome)
            };
            out.skip(reason, line, None);
            return;
        };
        if other_channel && (fate != Fate::Answered || ix.agent.is_none()) {
            out.skip(Skip::OtherChannel, line, None);
            return;
        }
        if fate == Fate::Abandoned
            && let Some(iq) = ix.queued
            && mapping.values.not_queued.contains(&get(r, iq))
        {
            out.skip(Skip::NotQueued, line, None);
            return;
        }
        let x = match row(r, line, fate, ix, mapping) {
            Ok(x) if other_channel => {
                out.skip(Skip::OtherChannel, line, None);
                if let (Some(agent), Some(handle)) = (x.agent, x.handle) {
                    let agent = intern(&mut self.agent_ids, &mut out.agents, agent);
                    self.other.push((x.day, x.time + x.wait, handle, agent));
                }
                return;
            }
            Ok(x) => x,
            Err(_) if other_channel => {
                out.skip(Skip::OtherChannel, line, None);
                return;
            }
            Err(e) => {
                let column = match &e {
                    LogError::BadValue { column, .. } => column.clone(),
                    _ => String::new(),
                };
                out.skip(Skip::Unreadable(column), line, Some(e.to_string()));
                return;
            }
        };
        if self.first_day.is_none_or(|d| x.day < d) {
            self.first_day = Some(x.day);
            out.first_date = x.date_text.clone();
        }
        let anchor = *self.anchor.get_or_insert(x.day);
        let day = (x.day - anchor).clamp(-OFFSET, OFFSET - 1) + OFFSET;
        self.parsed.push(LoggedContact {
            day: day as u32,
            weekday: x.weekday.map_or(NO_WEEKDAY, |w| w as u8),
            time: x.time as f32,
            fate: x.fate,
            wait: x.wait as f32,
            handle: x.handle.map(|h| h as f32),
            topic: intern(&mut self.topic_ids, &mut out.topics, x.topic),
            priority: x.priority,
            agent: x
                .agent
                .map(|a| intern(&mut self.agent_ids, &mut out.agents, a)),
        });
    }

    /// Checks what was read and counts days from the log's first: a few damaged rows are left
    /// out and reported, many mean the mapping is wrong; a log spans days, not centuries.
    fn finish(self, mapping: &Mapping) -> Result<LogRead, LogError> {
        let Rows {
            mut out,
            mut parsed,
            other,
            anchor,
            ..
        } = self;
        // Days as read (since 1970-01-01, or the log's day numbers).
        let read_day = |c: &LoggedContact| i64::from(c.day) - OFFSET + anchor.unwrap_or(0);
        let (unreadable, first_problem) = out.unreadable();
        if unreadable > 0 && unreadable * 20 > out.rows {
            return Err(LogError::Io(format!(
                "{unreadable} of {} rows could not be read; the first: {}\n  = help: check the mapping's columns and formats",
                out.rows,
                first_problem.unwrap_or("")
            )));
        }
        // A stray date must not make every per-day table huge.
        if let (Some(lo), Some(hi)) = (
            parsed.iter().map(read_day).min(),
            parsed.iter().map(read_day).max(),
        ) && hi - lo >= i64::from(MAX_DAYS)
        {
            return Err(LogError::Io(format!(
                "the log spans {} days (from day {lo} to day {hi}); supportsim reads at most {MAX_DAYS}\n  = help: check the date column and its format, or split the log",
                hi - lo + 1
            )));
        }
        let Some(first) = parsed.iter().map(read_day).min() else {
            return Err(LogError::Empty(format!(
                " ({} rows read; outcomes seen: {})\n  = help: check the [values] of the mapping",
                out.rows,
                out.skipped
                    .keys()
                    .filter_map(|k| match k {
                        Skip::IgnoredOutcome(v) | Skip::UnknownOutcome(v) => Some(v.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        // Weekday of day 0: from the dates, or from the weekday column.
        let start_weekday = if mapping.formats.date == "day" {
            parsed
                .iter()
                .find_map(|p| {
                    (p.weekday != NO_WEEKDAY)
                        .then(|| (p.weekday() + 7 - ((read_day(p) - first) % 7) as usize) % 7)
                })
                .unwrap_or(0)
        } else {
            // 1970-01-01 was a Thursday (3 when Monday is 0).
            (first + 3).rem_euclid(7) as usize
        };
        out.start_weekday = start_weekday;
        if mapping.formats.date != "day" {
            out.first_epoch_day = Some(first);
        }
        for c in parsed.iter_mut() {
            let mut day = read_day(c) - first;
            // An offset past midnight carries the arrival into the next day.
            let mut time = c.time_of_day();
            while time >= crate::duration::DAY {
                time -= crate::duration::DAY;
                day += 1;
            }
            c.time = time as f32;
            c.day = day as u32;
            c.weekday = ((start_weekday + day as usize) % 7) as u8;
        }
        parsed.shrink_to_fit();
        out.contacts = parsed;
        for (d, start, handle, agent) in other {
            if d >= first && d - first < i64::from(MAX_DAYS) {
                let start = (d - first) as f64 * crate::duration::DAY + start;
                let name = out.agents[agent as usize].clone();
                out.other_work
                    .entry(name)
                    .or_default()
                    .push((start, start + handle));
            }
        }
        Ok(out)
    }
}
