//! `[volume] forecast = "forecast.csv"`: demand by date from a file `supportsim forecast`
//! writes (or any file with its columns), mapped onto the run's days by `[simulation]
//! start_date`. The means per date and interval give each day's volume and profile; the
//! sibling `forecast-days.csv`, when it has them, gives each date's spread (`log_sd`) and the
//! within-day process (`within_sd`, `within_rho`, `within_step_seconds`), drawn per
//! replication so that simulated counts vary as the forecast's band says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::duration::DAY;
use crate::model::{DatedDemand, WithinDay};

/// What a forecast file gives a run.
pub(super) struct Read {
    pub(super) demand: DatedDemand,
    /// A note for the reader when no spread could be read (Poisson variation only).
    pub(super) warning: Option<String>,
}

/// The file named by `forecast`, relative to the scenario's folder.
pub(super) fn path_of(scenario_file: &str, forecast: &str) -> PathBuf {
    let p = Path::new(forecast);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    Path::new(scenario_file)
        .parent()
        .map_or_else(|| p.to_path_buf(), |d| d.join(p))
}

fn records(path: &Path) -> Result<(Vec<String>, Vec<csv::StringRecord>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let rows = rdr
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((headers, rows))
}

fn col(headers: &[String], name: &str, path: &Path) -> Result<usize, String> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        format!(
            "{} has no column `{name}` (it has: {})",
            path.display(),
            headers.join(", ")
        )
    })
}

fn number(r: &csv::StringRecord, c: usize, what: &str, path: &Path) -> Result<f64, String> {
    let t = r.get(c).unwrap_or("").trim();
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| {
            let line = r.position().map_or(0, |p| p.line());
            format!(
                "{} line {line}: {what} `{t}` is not a number of 0 or more",
                path.display()
            )
        })
}

/// Per date: the mean per interval start (seconds after midnight).
type Means = BTreeMap<NaiveDate, BTreeMap<u32, f64>>;

fn means(path: &Path) -> Result<Means, String> {
    let (h, rows) = records(path)?;
    let (dc, ic, mc) = (
        col(&h, "date", path)?,
        col(&h, "interval_start", path)?,
        col(&h, "mean", path)?,
    );
    let mut out: Means = BTreeMap::new();
    for r in &rows {
        let line = r.position().map_or(0, |p| p.line());
        let d = r.get(dc).unwrap_or("").trim();
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            format!(
                "{} line {line}: `{d}` is not a date (YYYY-MM-DD)",
                path.display()
            )
        })?;
        let t = r.get(ic).unwrap_or("").trim();
        let start = crate::duration::parse_time_of_day(t)
            .ok()
            .filter(|s| *s < DAY)
            .ok_or_else(|| {
                format!(
                    "{} line {line}: `{t}` is not a time of day (HH:MM)",
                    path.display()
                )
            })?;
        out.entry(date)
            .or_default()
            .insert(start as u32, number(r, mc, "mean", path)?);
    }
    if out.is_empty() {
        return Err(format!("{} holds no forecast rows", path.display()));
    }
    Ok(out)
}

/// The interval length: the finest spacing of interval starts.
fn slot_len(means: &Means) -> u32 {
    let mut starts: Vec<u32> = means.values().flat_map(|m| m.keys().copied()).collect();
    starts.sort_unstable();
    starts.dedup();
    let g = starts.windows(2).fold(0, |g, w| gcd(g, w[1] - w[0]));
    let g = starts.first().map_or(g, |s| gcd(g, *s));
    if g == 0 { 86_400 } else { g }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Spread per date and the within-day process, from `forecast-days.csv` beside the file.
fn spread(path: &Path) -> Option<(BTreeMap<NaiveDate, f64>, Option<WithinDay>)> {
    let days = path.with_file_name("forecast-days.csv");
    let (h, rows) = records(&days).ok()?;
    let (dc, sc) = (col(&h, "date", &days).ok()?, col(&h, "log_sd", &days).ok()?);
    let mut sd = BTreeMap::new();
    let mut within = None;
    for r in &rows {
        let date = NaiveDate::parse_from_str(r.get(dc)?.trim(), "%Y-%m-%d").ok()?;
        sd.insert(date, number(r, sc, "log_sd", &days).ok()?);
        if within.is_none()
            && let (Ok(a), Ok(b), Ok(c)) = (
                col(&h, "within_sd", &days),
                col(&h, "within_rho", &days),
                col(&h, "within_step_seconds", &days),
            )
        {
            let (sigma, rho, step) = (
                number(r, a, "", &days).ok()?,
                number(r, b, "", &days).ok()?,
                number(r, c, "", &days).ok()?,
            );
            if rho < 1.0 && step >= 60.0 {
                within = Some(WithinDay { sigma, rho, step });
            }
        }
    }
    Some((sd, within))
}

/// Reads the forecast for a run of `days` days from `start`.
pub(super) fn read(path: &Path, start: NaiveDate, days: u32) -> Result<Read, String> {
    let means = means(path)?;
    let len = slot_len(&means);
    let slots = (86_400 / len) as usize;
    let first = *means.keys().next().unwrap_or(&start);
    let last = *means.keys().next_back().unwrap_or(&start);
    let end = start + chrono::Days::new(u64::from(days) - 1);
    if start < first || end > last {
        return Err(format!(
            "{} covers {first} to {last}; the run's days ({start} to {end}) fall outside it\n  = help: forecast further (--days), or move start_date or shorten days",
            path.display()
        ));
    }
    let (sd, within) = match spread(path) {
        Some((sd, w)) => (Some(sd), w),
        None => (None, None),
    };
    // Every date from day 0 to the file's last, so that `--days` may run longer within it.
    let span = (last - start).num_days() as usize + 1;
    let mut per_day = Vec::with_capacity(span);
    let mut log_sd = Vec::with_capacity(span);
    for date in start.iter_days().take(span) {
        let mut v = vec![0.0; slots];
        // A date absent from the file inside its span has no contacts (a closed day).
        if let Some(m) = means.get(&date) {
            for (s, x) in m {
                v[(*s / len) as usize] += x;
            }
        }
        per_day.push(v);
        log_sd.push(
            sd.as_ref()
                .and_then(|s| s.get(&date))
                .copied()
                .unwrap_or(0.0),
        );
    }
    let warning = sd.is_none().then(|| {
        format!(
            "no forecast-days.csv with `log_sd` beside {}: days vary by Poisson alone, narrower than the forecast's band",
            path.display()
        )
    });
    Ok(Read {
        demand: DatedDemand {
            start_date: start,
            slot_len: f64::from(len),
            days: per_day,
            log_sd,
            within,
        },
        warning,
    })
}
