//! Interval counts: how many contacts arrived in each interval of each date, read from a
//! CSV/TSV of counts (a date and a time column, or one timestamp column, and a count column)
//! or made from a contact log's arrivals.
//!
//! Dates absent from the file are missing, not zero. Within a date the file holds, an
//! interval it does not list had no contacts (exports of automatic call distributors leave
//! empty intervals out).

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Deserialize;

/// Counts per date on a grid of equal intervals within the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// Seconds per interval of the grid.
    pub step: u32,
    /// Start of the grid's first interval, seconds after midnight.
    pub first_slot: u32,
    /// Intervals per day on the grid.
    pub slots: usize,
    /// Counts per interval, for each date the history holds.
    pub days: BTreeMap<NaiveDate, Vec<f64>>,
}

impl Counts {
    /// Each date's total.
    pub fn totals(&self) -> BTreeMap<NaiveDate, f64> {
        self.days
            .iter()
            .map(|(d, v)| (*d, v.iter().sum()))
            .collect()
    }

    /// The same history on a coarser grid of `step` seconds (a multiple of this one's).
    pub fn coarsened(&self, step: u32) -> Counts {
        let k = (step / self.step).max(1) as usize;
        let slots = self.slots.div_ceil(k);
        let days = self
            .days
            .iter()
            .map(|(d, v)| {
                let mut w = vec![0.0; slots];
                for (i, x) in v.iter().enumerate() {
                    w[i / k] += x;
                }
                (*d, w)
            })
            .collect();
        Counts {
            step: self.step * k as u32,
            first_slot: self.first_slot,
            slots,
            days,
        }
    }

    /// The dates up to and including `until`.
    pub fn until(&self, until: NaiveDate) -> Counts {
        Counts {
            days: self
                .days
                .range(..=until)
                .map(|(d, v)| (*d, v.clone()))
                .collect(),
            ..self.clone()
        }
    }

    /// Makes counts from arrival times: (date, seconds after its midnight), on a grid of
    /// `step` seconds spanning the hours the arrivals do.
    pub fn from_arrivals(arrivals: &[(NaiveDate, f64)], step: u32) -> Option<Counts> {
        let lo = arrivals.iter().map(|a| a.1).fold(f64::INFINITY, f64::min);
        let hi = arrivals
            .iter()
            .map(|a| a.1)
            .fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() || step == 0 {
            return None;
        }
        let s = f64::from(step);
        let first_slot = ((lo / s).floor() * s).clamp(0.0, 86_400.0 - s) as u32;
        let last = ((hi.min(86_399.0) / s).floor() * s) as u32;
        let slots = ((last.saturating_sub(first_slot)) / step + 1) as usize;
        let mut days: BTreeMap<NaiveDate, Vec<f64>> = BTreeMap::new();
        for (d, t) in arrivals {
            let i = ((t.min(86_399.0) - f64::from(first_slot)) / s).floor();
            if i >= 0.0 && (i as usize) < slots {
                days.entry(*d).or_insert_with(|| vec![0.0; slots])[i as usize] += 1.0;
            }
        }
        Some(Counts {
            step,
            first_slot,
            slots,
            days,
        })
    }
}

/// Which columns of a counts file hold what, and how its dates are written. Read from a small
/// TOML file (`--mapping`) or from flags; a name left out is guessed from the header.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountsMapping {
    /// Field delimiter: "comma", "tab", "semicolon", "pipe" or the character itself; by
    /// default read from the header line ([`crate::delimiter`]).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Column names.
    #[serde(default)]
    pub columns: CountsColumns,
    /// Date layout: "yyyy-mm-dd", "d/m/yyyy", "m/d/yyyy", "yyyymmdd" (default: recognised from
    /// the values; day-first or month-first is asked for when the values do not tell).
    #[serde(default)]
    pub date_format: Option<String>,
}

/// Column names of a counts file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountsColumns {
    /// The interval's date.
    pub date: Option<String>,
    /// The interval's start time of day (H:MM or H:MM:SS).
    pub time: Option<String>,
    /// Date and start time in one column.
    pub timestamp: Option<String>,
    /// Contacts in the interval.
    pub count: Option<String>,
    /// Channel or queue (rows of one are read, see `--channel`).
    pub channel: Option<String>,
}

/// Why a counts file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CountsError {
    /// The file is not readable delimited text.
    #[error("{0}")]
    Io(String),
    /// A column could not be found.
    #[error("{0}")]
    Column(String),
    /// A value could not be read.
    #[error("line {line}: column `{column}` holds `{value}`, which is not {expected}")]
    Value {
        /// 1-based line.
        line: u64,
        /// Column name.
        column: String,
        /// The text.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// The grid of intervals is not regular, or there is nothing to read.
    #[error("{0}")]
    Shape(String),
}

const COUNT_NAMES: [&str; 9] = [
    "count", "counts", "calls", "contacts", "volume", "offered", "arrivals", "n", "y",
];
const STAMP_NAMES: [&str; 6] = [
    "timestamp",
    "datetime",
    "interval_start",
    "interval_start_local",
    "interval",
    "start",
];

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    })
}

fn column(headers: &[String], name: &str, key: &str) -> Result<usize, CountsError> {
    headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
        CountsError::Column(format!(
            "the file has no column `{name}` (given as the {key} column)\n  = help: columns in the file: {}",
            headers.join(", ")
        ))
    })
}

/// Where the date, time and count are.
enum Stamp {
    Joined(usize),
    Split(usize, usize),
}

struct Layout {
    stamp: Stamp,
    count: usize,
    channel: Option<usize>,
}

fn layout(headers: &[String], m: &CountsColumns) -> Result<Layout, CountsError> {
    let stamp = match (&m.timestamp, &m.date, &m.time) {
        (Some(t), _, _) => Stamp::Joined(column(headers, t, "timestamp")?),
        (None, Some(d), Some(t)) => {
            Stamp::Split(column(headers, d, "date")?, column(headers, t, "time")?)
        }
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(CountsError::Column(
                "give both the date and the time column, or one timestamp column\n  = help: --date-column D --time-column T, or --timestamp-column C".into(),
            ));
        }
        (None, None, None) => match (
            find(headers, &STAMP_NAMES),
            find(headers, &["date", "day"]),
            find(headers, &["time", "time_of_day", "interval_time"]),
        ) {
            (_, Some(d), Some(t)) => Stamp::Split(d, t),
            (Some(s), _, _) => Stamp::Joined(s),
            _ => {
                return Err(CountsError::Column(format!(
                    "cannot tell which column holds the interval's date and time\n  = help: name them with --timestamp-column, or --date-column and --time-column; columns in the file: {}",
                    headers.join(", ")
                )));
            }
        },
    };
    let count = match &m.count {
        Some(c) => column(headers, c, "count")?,
        None => find(headers, &COUNT_NAMES).ok_or_else(|| {
            CountsError::Column(format!(
                "cannot tell which column holds the counts\n  = help: name it with --count-column; columns in the file: {}",
                headers.join(", ")
            ))
        })?,
    };
    let channel = match &m.channel {
        Some(c) => Some(column(headers, c, "channel")?),
        None => None,
    };
    Ok(Layout {
        stamp,
        count,
        channel,
    })
}

/// Date layouts, as chrono formats.
fn date_formats(given: Option<&str>) -> Result<Vec<&'static str>, CountsError> {
    Ok(match given {
        None => vec!["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"],
        Some("yyyy-mm-dd") => vec!["%Y-%m-%d"],
        Some("yyyymmdd") => vec!["%Y%m%d"],
        Some("d/m/yyyy") => vec!["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"],
        Some("m/d/yyyy") => vec!["%m/%d/%Y"],
        Some(other) => {
            return Err(CountsError::Column(format!(
                "unknown date format `{other}`\n  = help: use yyyy-mm-dd, d/m/yyyy, m/d/yyyy or yyyymmdd"
            )));
        }
    })
}

/// Splits "2003-03-03 07:05:00" or "2003-03-03T07:05" into its date and time parts.
fn split_stamp(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    s.split_once(['T', ' '])
        .map(|(d, t)| (d.trim(), t.trim().trim_end_matches('Z')))
}

fn parse_time(s: &str) -> Option<u32> {
    ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(s.trim(), f).ok())
        .map(|t| t.num_seconds_from_midnight())
}

/// A date in one of `formats`; with no format given, day-first and month-first dates with
/// slashes are told apart by the values (a first field above 12 is a day).
struct DateReader {
    formats: Vec<&'static str>,
    slashes: Option<bool>,
}

impl DateReader {
    fn parse(&self, s: &str) -> Option<NaiveDate> {
        let s = s.trim();
        if let Some(d) = self
            .formats
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        {
            return Some(d);
        }
        let f = match self.slashes? {
            true => "%d/%m/%Y",
            false => "%m/%d/%Y",
        };
        NaiveDate::parse_from_str(s, f).ok()
    }
}

/// Day-first (`Some(true)`), month-first (`Some(false)`) or undecided, from slash dates.
fn slash_order(values: &[String]) -> Result<Option<bool>, CountsError> {
    let (mut day_first, mut month_first, mut any) = (false, false, false);
    for v in values {
        let parts: Vec<&str> = v.trim().split('/').collect();
        if parts.len() != 3 {
            continue;
        }
        any = true;
        let a: u32 = parts[0].parse().unwrap_or(0);
        let b: u32 = parts[1].parse().unwrap_or(0);
        day_first |= a > 12;
        month_first |= b > 12;
    }
    match (any, day_first, month_first) {
        (false, _, _) => Ok(None),
        (true, true, false) => Ok(Some(true)),
        (true, false, true) => Ok(Some(false)),
        _ => Err(CountsError::Column(
            "the dates use slashes, and their values do not tell whether the day or the month comes first\n  = help: give --date-format d/m/yyyy or --date-format m/d/yyyy".into(),
        )),
    }
}

/// One row as read: date, seconds after midnight, count, channel.
type Row = (NaiveDate, u32, f64, String);

/// Reads a counts file; with a channel column, only `channel`'s rows (which must be named
/// when the file holds several).
pub fn read(
    mut input: impl Read,
    mapping: &CountsMapping,
    channel: Option<&str>,
) -> Result<Counts, CountsError> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| CountsError::Io(format!("not readable text: {e}")))?;
    // A byte-order mark (spreadsheets write one) is not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let header = text.lines().next().unwrap_or("");
    let delim = crate::delimiter::of(mapping.delimiter.as_deref(), header.as_bytes())
        .map_err(|e| CountsError::Column(format!("{e}\n  = help: {}", crate::delimiter::HELP)))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| CountsError::Io(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let lay = layout(&headers, &mapping.columns)?;
    let mut records = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| CountsError::Io(e.to_string()))?;
        let line = r.position().map_or(0, |p| p.line());
        records.push((line, r));
    }
    let date_text = |r: &csv::StringRecord| -> String {
        match lay.stamp {
            Stamp::Joined(c) => {
                let s = r.get(c).unwrap_or("");
                split_stamp(s).map_or(s, |p| p.0).to_string()
            }
            Stamp::Split(d, _) => r.get(d).unwrap_or("").to_string(),
        }
    };
    let slashes = match mapping.date_format {
        Some(_) => None,
        None => slash_order(
            &records
                .iter()
                .map(|(_, r)| date_text(r))
                .collect::<Vec<_>>(),
        )?,
    };
    let dates = DateReader {
        formats: date_formats(mapping.date_format.as_deref())?,
        slashes,
    };
    let name = |i: usize| headers.get(i).cloned().unwrap_or_default();
    let mut rows: Vec<Row> = Vec::with_capacity(records.len());
    for (line, r) in &records {
        let bad = |col: usize, value: &str, expected: &str| CountsError::Value {
            line: *line,
            column: name(col),
            value: value.to_string(),
            expected: expected.to_string(),
        };
        let (dcol, tcol, dtext, ttext) = match lay.stamp {
            Stamp::Joined(c) => {
                let s = r.get(c).unwrap_or("");
                let (d, t) = split_stamp(s).ok_or_else(|| bad(c, s, "a date and a time"))?;
                (c, c, d.to_string(), t.to_string())
            }
            Stamp::Split(d, t) => (
                d,
                t,
                r.get(d).unwrap_or("").to_string(),
                r.get(t).unwrap_or("").to_string(),
            ),
        };
        let date = dates
            .parse(&dtext)
            .ok_or_else(|| bad(dcol, &dtext, "a date (e.g. 2003-03-03)"))?;
        let time = parse_time(&ttext)
            .or_else(|| {
                NaiveDateTime::parse_from_str(&ttext, "%Y-%m-%d %H:%M:%S")
                    .ok()
                    .map(|t| t.time().num_seconds_from_midnight())
            })
            .ok_or_else(|| bad(tcol, &ttext, "a time of day (e.g. 07:30)"))?;
        let ctext = r.get(lay.count).unwrap_or("").trim();
        let count: f64 = ctext
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0 && x.fract() == 0.0)
            .ok_or_else(|| bad(lay.count, ctext, "a whole number of contacts"))?;
        let ch = lay
            .channel
            .map_or(String::new(), |c| r.get(c).unwrap_or("").to_string());
        rows.push((date, time, count, ch));
    }
    grid(pick_channel(rows, channel, lay.channel.map(name))?)
}

fn pick_channel(
    rows: Vec<Row>,
    channel: Option<&str>,
    column: Option<String>,
) -> Result<Vec<Row>, CountsError> {
    let Some(column) = column else {
        return match channel {
            Some(c) => Err(CountsError::Column(format!(
                "--channel {c} was given, but no channel column\n  = help: name it with --channel-column"
            ))),
            None => Ok(rows),
        };
    };
    let mut names: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let chosen = match (channel, names.as_slice()) {
        (Some(c), _) if names.contains(&c) => c.to_string(),
        (Some(c), _) => {
            return Err(CountsError::Column(format!(
                "column `{column}` never holds `{c}`\n  = help: it holds: {}",
                names.join(", ")
            )));
        }
        (None, [one]) => (*one).to_string(),
        (None, _) => {
            return Err(CountsError::Column(format!(
                "column `{column}` holds several channels: {}\n  = help: choose one with --channel",
                names.join(", ")
            )));
        }
    };
    Ok(rows.into_iter().filter(|r| r.3 == chosen).collect())
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Puts rows on their grid: the step is the finest spacing of their start times.
fn grid(rows: Vec<Row>) -> Result<Counts, CountsError> {
    let Some(lo) = rows.iter().map(|r| r.1).min() else {
        return Err(CountsError::Shape("the file holds no counts".into()));
    };
    let hi = rows.iter().map(|r| r.1).max().unwrap_or(lo);
    let step = rows.iter().fold(0, |g, r| gcd(g, r.1 - lo));
    // Every row at one time of day: daily totals when that is midnight.
    let step = match (step, lo) {
        (0, 0) => 86_400,
        (0, _) => {
            return Err(CountsError::Shape(format!(
                "every row starts at {:02}:{:02}, so the length of an interval cannot be told\n  = help: give the counts of every interval of the day, or daily totals at 00:00",
                lo / 3600,
                lo % 3600 / 60
            )));
        }
        (g, _) => g,
    };
    if step < 60 {
        return Err(CountsError::Shape(format!(
            "the intervals' start times are {step} s apart at the finest; counts come in intervals of a minute or more\n  = help: check the time column"
        )));
    }
    let slots = ((hi - lo) / step + 1) as usize;
    let mut days: BTreeMap<NaiveDate, Vec<f64>> = BTreeMap::new();
    for (d, t, n, _) in rows {
        days.entry(d).or_insert_with(|| vec![0.0; slots])[((t - lo) / step) as usize] += n;
    }
    Ok(Counts {
        step,
        first_slot: lo,
        slots,
        days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_timestamp_file_and_leaves_absent_days_missing() {
        let text = "interval_start_local,calls\n2003-03-03 07:00:00,5\n2003-03-03 07:10:00,2\n2003-03-05 07:05:00,1\n";
        let c = read(text.as_bytes(), &CountsMapping::default(), None).expect("reads");
        assert_eq!((c.step, c.first_slot, c.slots), (300, 25_200, 3));
        assert_eq!(c.days.len(), 2);
        let d = NaiveDate::from_ymd_opt(2003, 3, 3).expect("date");
        assert_eq!(c.days[&d], vec![5.0, 0.0, 2.0]);
    }

    #[test]
    fn tells_day_first_dates_by_their_values() {
        let text =
            "date;time;n;queue\n13/01/2024;08:00;4;a\n13/01/2024;08:00;1;b\n13/01/2024;08:30;3;b\n";
        let m = CountsMapping {
            columns: CountsColumns {
                channel: Some("queue".into()),
                ..CountsColumns::default()
            },
            ..CountsMapping::default()
        };
        let c = read(text.as_bytes(), &m, Some("b")).expect("reads");
        let d = NaiveDate::from_ymd_opt(2024, 1, 13).expect("date");
        assert_eq!(c.days[&d], vec![1.0, 3.0]);
        let e = read(text.as_bytes(), &m, None).expect_err("two queues");
        assert!(e.to_string().contains("--channel"), "{e}");
    }

    #[test]
    fn names_the_line_of_a_bad_count() {
        let text = "timestamp,count\n2024-01-01 08:00,4\n2024-01-01 08:30,x\n";
        let e = read(text.as_bytes(), &CountsMapping::default(), None).expect_err("bad");
        assert!(e.to_string().starts_with("line 3: column `count`"), "{e}");
    }
}
