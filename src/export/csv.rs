//! CSV files through the `csv` crate: fields quoted when they need it (RFC 4180), lines ending
//! in `\n`, numbers written with at most six decimals and no trailing zeros.

use std::io;

use crate::duration::{DAY, WEEKDAY_LABELS, hhmm};
use crate::report::{
    Band, GROUP_INTERVAL_METRICS, GroupIntervalRow, INTERVAL_METRICS, IntervalRow, Metric,
};

/// Rows as CSV text; every row must have as many fields as the first.
pub fn csv_bytes<R, F>(rows: R) -> io::Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row).map_err(io_error)?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// A CSV writer's error as the I/O error beneath it, when there is one (a full disk, a closed
/// pipe), so that its kind is kept.
pub fn io_error(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A number for CSV: at most six decimals, no trailing zeros, empty when undefined.
pub fn number(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let s = format!("{v:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" { "0".into() } else { s.to_string() }
        }
        _ => String::new(),
    }
}

/// The time columns of an interval starting at `start` (seconds from day 0): start, day,
/// weekday and time of day.
fn time_columns(start: f64, start_weekday: usize) -> [String; 4] {
    let day = (start / DAY).floor();
    [
        number(Some(start)),
        format!("{day}"),
        WEEKDAY_LABELS[(start_weekday + day as usize) % 7].to_string(),
        hhmm(start - day * DAY),
    ]
}

/// The header of a time series: time columns, the label column, then mean, P10 and P90 of each
/// metric.
fn header(label: &str, metrics: &[Metric]) -> Vec<String> {
    let mut h: Vec<String> = ["start_seconds", "day", "weekday", "time", label]
        .map(String::from)
        .to_vec();
    for m in metrics {
        h.extend([format!("{m}_mean"), format!("{m}_p10"), format!("{m}_p90")]);
    }
    h
}

/// One row of a time series.
fn row(start: f64, start_weekday: usize, label: &str, values: &[Band]) -> Vec<String> {
    let mut r: Vec<String> = time_columns(start, start_weekday).to_vec();
    r.push(label.to_string());
    for b in values {
        r.extend([number(b.mean), number(b.p10), number(b.p90)]);
    }
    r
}

/// `intervals.csv`: per interval and channel, the mean, P10 and P90 across replications.
pub fn intervals_csv(rows: &[IntervalRow], start_weekday: usize) -> io::Result<Vec<u8>> {
    csv_bytes(
        std::iter::once(header("channel", &INTERVAL_METRICS)).chain(
            rows.iter()
                .map(|r| row(r.start, start_weekday, &r.channel, &r.values)),
        ),
    )
}

/// `agents_intervals.csv`: per interval and agent group.
pub fn group_intervals_csv(rows: &[GroupIntervalRow], start_weekday: usize) -> io::Result<Vec<u8>> {
    csv_bytes(
        std::iter::once(header("group", &GROUP_INTERVAL_METRICS)).chain(
            rows.iter()
                .map(|r| row(r.start, start_weekday, &r.group, &r.values)),
        ),
    )
}
