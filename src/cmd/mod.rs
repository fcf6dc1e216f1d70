//! The commands of the `supportsim` binary, one module each, and what they share: flags
//! overriding a scenario, loading, running replications with progress and Ctrl-C, and writing
//! output files whole or not at all.

pub mod backtest_tickets;
pub mod compare;
pub mod editor;
pub mod erlang;
pub mod fit_report;
pub mod fit_tickets;
pub mod forecast;
pub mod forecast_report;
pub mod hire_for;
pub mod history;
pub mod interrupt;
pub mod lesson;
pub mod output;
pub mod plan;
pub mod roster;
pub mod run;
pub mod scored_days;
pub mod shard;
pub mod staff;
pub mod sweep;

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use supportsim::scenario::{self, LoadError};

pub use output::{check_out, write_all};

/// Flags that override the scenario's `[simulation]` values.
#[derive(clap::Args, Clone, serde::Serialize, serde::Deserialize)]
pub struct Overrides {
    /// Number of replications (overrides [simulation] replications).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    replications: Option<u32>,
    /// Base random seed (overrides [simulation] seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Days to simulate (overrides [simulation] days).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_600))]
    days: Option<u32>,
}

/// An error with the exit code it maps to.
pub struct Failure {
    /// Exit code: 2 for invalid input, 1 for other failures, 130 when interrupted.
    pub code: u8,
    /// What went wrong, with context.
    pub error: anyhow::Error,
}

impl Failure {
    fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: error.into(),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure { code: 1, error }
    }
}

pub use interrupt::INTERRUPTED;
use supportsim::report::SeriesStore;

/// Runs every replication, ticking the progress bar; stops promptly on Ctrl-C. Keeps the
/// per-interval time series only with `series`.
pub fn replicate(
    model: &supportsim::model::Model,
    bar: &ProgressBar,
    series: bool,
) -> Result<Vec<supportsim::metrics::RepResult>, Failure> {
    replicate_into(model, bar, series, None)
}

/// [`replicate`], moving each replication's time series into `store` as it finishes (they
/// are then absent from the results).
pub fn replicate_into(
    model: &supportsim::model::Model,
    bar: &ProgressBar,
    series: bool,
    store: Option<&SeriesStore>,
) -> Result<Vec<supportsim::metrics::RepResult>, Failure> {
    let keep = |rep: u32, r: &mut supportsim::metrics::RepResult| {
        if let Some(s) = store {
            s.keep(model, rep, r);
        }
    };
    let options = supportsim::RunOptions {
        cancel: Some(&INTERRUPTED),
        series,
        sink: None,
        keep: Some(&keep),
    };
    supportsim::run_replications(model, &|| bar.inc(1), options)
        .map_err(|e| stopped(e, &model.name, bar))
}

/// The failure of a run that stopped early: interrupted (exit 130) or overloaded (exit 2, the
/// scenario asks for more than can be simulated). Nothing has been written by then.
pub fn stopped(e: supportsim::engine::Stopped, scenario: &str, bar: &ProgressBar) -> Failure {
    bar.finish_and_clear();
    match e {
        supportsim::engine::Stopped::Cancelled => interrupt::stopped(),
        supportsim::engine::Stopped::Overloaded(o) => Failure::input(anyhow::anyhow!(
            "error: scenario `{scenario}`: {o}; nothing was written\n  = help: {}",
            o.help()
        )),
        supportsim::engine::Stopped::TooManyAgents(_) => Failure::input(anyhow::anyhow!(
            "error: scenario `{scenario}`: {e}; nothing was written\n  = help: simulate a smaller operation (one site, or one channel, at a time); with `staff` or `roster`, these are the agents its volume and handle times need (handle times divided by each group's proficiency)"
        )),
        supportsim::engine::Stopped::Sink(e) => Failure::from(
            anyhow::Error::new(e).context("writing the contact log; nothing else was written"),
        ),
    }
}

/// Which log a run streams from its first replication.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// One row per contact leg (`--contacts-log`).
    Contacts,
    /// One row per update of an async ticket (`--ticket-events`).
    TicketEvents,
}

/// The writer of either log.
enum LogWriter<'m, W: std::io::Write> {
    Contacts(supportsim::contact_log::ContactLogWriter<'m, W>),
    Events(supportsim::tickets::TicketEventWriter<'m, W>),
}

impl<W: std::io::Write> LogWriter<'_, W> {
    fn finish(self) -> std::io::Result<(W, u64)> {
        match self {
            Self::Contacts(w) => w.finish(),
            Self::Events(w) => w.finish(),
        }
    }
}

impl<W: std::io::Write> supportsim::engine::ContactSink for LogWriter<'_, W> {
    fn contact(&mut self, r: &supportsim::engine::ContactRecord) -> std::io::Result<()> {
        match self {
            Self::Contacts(w) => w.contact(r),
            Self::Events(w) => w.contact(r),
        }
    }
}

/// Runs the replications and streams the first one's contacts to a temporary file beside
/// `path` (checked by [`output::check_file`]), which the caller moves into place once
/// everything else is written; a device or FIFO is written through as the run goes.
pub fn replicate_logged(
    model: &supportsim::model::Model,
    bar: &ProgressBar,
    store: Option<&SeriesStore>,
    path: &Path,
    kind: LogKind,
) -> Result<
    (
        Vec<supportsim::metrics::RepResult>,
        Option<tempfile::NamedTempFile>,
    ),
    Failure,
> {
    let special = output::is_special(path);
    let (file, tmp) = if special {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        (f, None)
    } else {
        let dir = output::folder_of(&output::resolved(path));
        let tmp = tempfile::Builder::new()
            .prefix(".contacts-log.")
            .tempfile_in(&dir)
            .with_context(|| format!("creating a file in {}", dir.display()))?;
        interrupt::track(tmp.path());
        let f = tmp
            .as_file()
            .try_clone()
            .context("opening the contact log")?;
        (f, Some(tmp))
    };
    let file = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut writer = match kind {
        LogKind::Contacts => {
            supportsim::contact_log::ContactLogWriter::new(model, file).map(LogWriter::Contacts)
        }
        LogKind::TicketEvents => {
            supportsim::tickets::TicketEventWriter::new(model, file).map(LogWriter::Events)
        }
    }
    .context("writing the log")?;
    let keep = |rep: u32, r: &mut supportsim::metrics::RepResult| {
        if let Some(s) = store {
            s.keep(model, rep, r);
        }
    };
    let options = supportsim::RunOptions {
        cancel: Some(&INTERRUPTED),
        series: store.is_some(),
        sink: Some(&mut writer),
        keep: Some(&keep),
    };
    let reps = supportsim::run_replications(model, &|| bar.inc(1), options)
        .map_err(|e| stopped(e, &model.name, bar))?;
    writer
        .finish()
        .and_then(|(w, _)| w.into_inner().map_err(|e| e.into_error()))
        .and_then(|f| {
            if special {
                Ok(())
            } else {
                readable(&f).and_then(|_| f.sync_all())
            }
        })
        .with_context(|| format!("writing the contact log {}", path.display()))?;
    Ok((reps, tmp))
}

/// Rows as CSV (see [`supportsim::export::csv_bytes`]).
pub fn csv_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, Failure> {
    Ok(supportsim::export::csv_bytes(rows).context("rendering CSV")?)
}

/// A size in bytes as people write it: 512MB, 2GB, 1.5GiB, 800000 (bytes).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "tb" | "t" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("`{text}` is not a size: give e.g. 512MB or 2GB")),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .map(|x| (x * scale) as u64)
        .ok_or_else(|| format!("`{text}` is not a size: give e.g. 512MB or 2GB"))
}

pub fn flag_error(msg: String) -> Failure {
    Failure::input(anyhow::anyhow!("error: {msg}"))
}

pub fn flag_duration(flag: &str, text: &str) -> Result<f64, Failure> {
    match supportsim::duration::parse_duration(text) {
        Ok(d) if d > 0.0 => Ok(d),
        Ok(_) => Err(flag_error(format!("--{flag} must be longer than zero"))),
        Err(msg) => Err(flag_error(format!("--{flag}: {msg}"))),
    }
}

/// Like [`flag_duration`], but zero is a meaningful answer (e.g. "answered without waiting").
pub fn flag_duration_or_zero(flag: &str, text: &str) -> Result<f64, Failure> {
    match supportsim::duration::parse_duration(text) {
        Ok(d) if d >= 0.0 => Ok(d),
        Ok(_) => Err(flag_error(format!("--{flag} cannot be negative"))),
        Err(msg) => Err(flag_error(format!("--{flag}: {msg}"))),
    }
}

pub fn flag_share(flag: &str, x: f64, lo_open: bool, hi_open: bool) -> Result<f64, Failure> {
    let ok = x.is_finite()
        && (if lo_open { x > 0.0 } else { x >= 0.0 })
        && (if hi_open { x < 1.0 } else { x <= 1.0 });
    if ok {
        Ok(x)
    } else {
        Err(flag_error(format!(
            "--{flag} is a share between 0 and 1, e.g. 0.8 for 80%; got {x}"
        )))
    }
}

pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

pub fn load(path: &Path) -> Result<scenario::Loaded, Failure> {
    match scenario::load(path) {
        Ok(l) => {
            if !l.warnings.diagnostics.is_empty() {
                eprint!("{}", l.warnings.render());
            }
            Ok(l)
        }
        Err(e @ (LoadError::Read { .. } | LoadError::Invalid(_))) => {
            let msg = match &e {
                LoadError::Read { .. } => format!("error: {e}\n"),
                LoadError::Invalid(r) => r.render(),
            };
            Err(Failure::input(anyhow::anyhow!(msg)))
        }
    }
}

/// Refuses, for `command` (which plans a steady operation), a scenario whose workforce changes
/// over the run: attrition, burnout or hiring classes.
pub fn steady_workforce(
    model: &supportsim::model::Model,
    path: &Path,
    command: &str,
) -> Result<(), Failure> {
    let what = match (
        model.groups.iter().find(|g| g.attrition > 0.0),
        model.groups.iter().find(|g| g.burnout.is_some()),
        model.hires.first(),
    ) {
        (Some(g), _, _) => format!("`attrition` (group `{}`)", g.name),
        (None, Some(g), _) => format!("`burnout` (group `{}`)", g.name),
        (None, None, Some(_)) => "`[[hires]]`".to_string(),
        (None, None, None) => return Ok(()),
    };
    Err(flag_error(format!(
        "{}: `{command}` plans a steady operation and does not yet take a workforce that changes over the run: {what}\n  = help: leave it out of the scenario given to `{command}`, and keep it in the one you `run`",
        path.display()
    )))
}

/// Loads a scenario and applies the command line's overrides.
pub fn prepared(
    path: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    days: Option<u32>,
) -> Result<supportsim::model::Model, Failure> {
    let mut model = load(path)?.model;
    if let Some(r) = replications {
        model.replications = r;
    }
    if let Some(s) = seed {
        model.seed = s;
    }
    if let Some(d) = days {
        if d <= model.warmup_days {
            return Err(Failure::input(anyhow::anyhow!(
                "error: --days {d} leaves no day after the {} warm-up day(s) of {}\n  = help: give --days {} or more",
                model.warmup_days,
                path.display(),
                model.warmup_days + 1
            )));
        }
        if let Some(dated) = &model.demand.dated
            && d as usize > dated.days.len()
        {
            return Err(Failure::input(anyhow::anyhow!(
                "error: --days {d}: the forecast of {} covers {} days from its start_date\n  = help: give --days {} or less, or forecast further",
                path.display(),
                dated.days.len(),
                dated.days.len()
            )));
        }
        model.days = d;
    }
    Ok(model)
}

/// The one progress bar: on stderr, only when stderr is a terminal, and only once a run has
/// taken more than a second.
pub fn progress_bar(replications: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(replications), ProgressDrawTarget::hidden());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} simulating: {pos}/{len} replications [{bar:30}] {elapsed}, about {eta} left",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let reveal = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        if !reveal.is_finished() {
            reveal.set_draw_target(ProgressDrawTarget::stderr());
            reveal.enable_steady_tick(Duration::from_millis(120));
        }
    });
    bar
}

/// Temporary files are private (0600); results are ordinary files (0644 before the umask).
#[cfg(unix)]
pub fn readable(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
pub fn readable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}
