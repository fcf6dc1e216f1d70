//! `supportsim fit` and `supportsim backtest`: calibrate from a contact log and check the model
//! against it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use supportsim::contact_log::{self, LogRead, Mapping};
use supportsim::duration::DAY;
use supportsim::fit::{self, Fit, FitOptions};
use supportsim::report::Metric;
use supportsim::tickets::Queues;

use super::fit_report::{report, summary_text};
use super::{Failure, flag_duration, flag_error, write_all};

/// Where a log is read from and how.
#[derive(clap::Args)]
pub struct LogArgs {
    /// Contact log (CSV or TSV): one row per contact.
    pub log: PathBuf,
    /// Column mapping (TOML); default: the layout `run --contacts-log` writes. See
    /// mappings/anonymous-bank.toml for an example.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Channel to read when the log has several (default: the one with most rows).
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
}

/// The kind of channel a log describes.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// Phone calls.
    Call,
    /// Live chats.
    Chat,
    /// Emails, forms, tickets.
    Async,
}

/// The queues a service desk's tickets wait in (`--queues`).
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum QueuesArg {
    /// A queue per assignment group, each with its own agents: topics are the groups.
    Groups,
    /// One queue for the desk: topics are the categories, every agent takes any ticket (the
    /// default).
    Pooled,
}

/// The queues of `--queues`: one pooled queue unless asked; per group only from a log that
/// names its tickets' groups.
pub(super) fn queues(
    arg: Option<QueuesArg>,
    log: &supportsim::tickets::EventLog,
    mapping: &Path,
) -> Result<Queues, Failure> {
    match arg {
        Some(QueuesArg::Groups) if log.tickets.iter().all(|t| t.queue.is_none()) => {
            Err(flag_error(format!(
                "--queues groups: no ticket in the log has a group\n  = help: name the log's assignment-group column as `group` under [columns] in {}, or leave --queues out",
                mapping.display()
            )))
        }
        Some(QueuesArg::Groups) => Ok(Queues::Groups),
        Some(QueuesArg::Pooled) | None => Ok(Queues::Pooled),
    }
}

/// The channel a fitted scenario gets: named as in the log, else after its kind.
pub(super) fn channel_spec(log: &LogRead, kind: Kind, answer_within: f64) -> fit::ChannelSpec {
    use supportsim::model::ChannelKind;
    let (kind, default) = match kind {
        Kind::Call => (ChannelKind::Call, "phone"),
        Kind::Chat => (ChannelKind::Chat, "chat"),
        Kind::Async => (ChannelKind::Async, "email"),
    };
    fit::ChannelSpec {
        name: log
            .channel
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| default.to_string()),
        kind,
        answer_within,
    }
}

#[derive(clap::Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub input: LogArgs,
    /// Interval of the arrival profile, e.g. 30m.
    #[arg(long, default_value = "30m", value_name = "DURATION")]
    pub interval: String,
    /// Service-level threshold written into the scenario (default: 20s for calls and chats;
    /// for async work, the time within which 80% of the log's tickets got a first answer).
    #[arg(long, value_name = "DURATION")]
    pub answer_within: Option<String>,
    /// What the log's contacts are: calls, chats or async tickets (emails, forms; no patience
    /// or after-call work is fitted for them). Default: call, or async with --events.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// The log is a service desk's event log (one row per update of a ticket), read through
    /// this mapping (see mappings/servicenow-incidents.toml).
    #[arg(long, value_name = "MAPPING", conflicts_with_all = ["mapping", "channel"])]
    pub events: Option<PathBuf>,
    /// Agent effort per touch of a ticket, e.g. 20m (with --events: an event log does not
    /// record how long anyone worked).
    #[arg(
        long,
        value_name = "DURATION",
        requires = "events",
        conflicts_with = "agents"
    )]
    pub effort: Option<String>,
    /// Agents working the desk on a weekday, from which the effort per touch is estimated
    /// (with --events, instead of --effort; labelled an estimate in the scenario).
    #[arg(long, value_name = "N", requires = "events",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub agents: Option<u32>,
    /// The queues tickets wait in (with --events): one pooled queue for the desk (the default),
    /// or one per assignment group, each with its own agents.
    #[arg(long, value_enum, requires = "events")]
    pub queues: Option<QueuesArg>,
    /// Topics with a smaller share of contacts are pooled (per priority).
    #[arg(long, default_value_t = 0.01, value_name = "SHARE")]
    pub min_topic_share: f64,
    /// An agent's contacts closer together than this count as one stretch on duty (a longer
    /// gap while callers wait is time off the phones).
    #[arg(
        long,
        default_value = "15m",
        value_name = "DURATION",
        conflicts_with = "events"
    )]
    pub session_gap: String,
    /// Write the fitted scenario to FILE (default: print it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the fit report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads a log through its mapping; every problem is an input error (exit 2). A column the
/// log lacks is shown at its key in the mapping file.
pub fn read_log(args: &LogArgs) -> Result<LogRead, Failure> {
    let rendered = |text: String| Failure {
        code: 2,
        error: anyhow::anyhow!(text),
    };
    let (mapping, text) = match &args.mapping {
        None => (Mapping::supportsim(), None),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| flag_error(format!("cannot read mapping {}: {e}", p.display())))?;
            let m = Mapping::parse(&p.display().to_string(), &text).map_err(rendered)?;
            (m, Some(text))
        }
    };
    super::output::log_fit(
        &args.log,
        super::output::LOG_BYTES_PER_ROW,
        super::output::available_memory(),
    )?;
    let file = std::fs::File::open(&args.log)
        .map_err(|e| flag_error(format!("cannot read log {}: {e}", args.log.display())))?;
    contact_log::read(
        std::io::BufReader::new(file),
        &mapping,
        args.channel.as_deref(),
    )
    .map_err(|e| match (&e, &args.mapping, &text) {
        (contact_log::LogError::MissingColumn { key, column, found }, Some(p), Some(text)) => {
            rendered(Mapping::locate_column(
                &p.display().to_string(),
                text,
                key,
                &format!("the log {} has no column `{column}`", args.log.display()),
                &format!("name one of the log's columns: {found}"),
            ))
        }
        _ => flag_error(format!("in log {}: {e}", args.log.display())),
    })
}

/// A scenario needs a handle time: refuses a log without one answered contact that has it.
fn needs_handle_times(fit: &Fit, path: &Path) -> Result<(), Failure> {
    if fit.handle.is_empty() {
        return Err(flag_error(format!(
            "the log {} has no answered contact with a handle time, so handle times cannot be fitted\n  = help: map the handle column (`handle = \"COLUMN\"` under [columns])",
            path.display()
        )));
    }
    Ok(())
}

/// Checks the fit flags and returns the options and the --answer-within given, if any.
fn fit_options(args: &FitArgs) -> Result<(FitOptions, Option<f64>), Failure> {
    let interval = flag_duration("interval", &args.interval)?;
    if !(60.0..=86_400.0).contains(&interval) || (86_400.0 % interval).abs() > 1e-9 {
        return Err(flag_error(format!(
            "--interval {} does not split the day into whole intervals\n  = help: use e.g. 15m, 30m or 1h",
            args.interval
        )));
    }
    if !(args.min_topic_share.is_finite() && (0.0..1.0).contains(&args.min_topic_share)) {
        return Err(flag_error(
            "--min-topic-share must be a share from 0 up to (not including) 1, e.g. 0.01".into(),
        ));
    }
    let opts = FitOptions {
        interval,
        min_topic_share: args.min_topic_share,
        session_gap: flag_duration("session-gap", &args.session_gap)?,
        ..FitOptions::default()
    };
    let answer_within = args
        .answer_within
        .as_deref()
        .map(|a| flag_duration("answer-within", a))
        .transpose()?;
    Ok((opts, answer_within))
}

/// The answer target of a contact log's channel: the one given; for async work the time
/// within which 80% of answered contacts were answered (rounded up to the minute), never a
/// call's default; else 20 s.
fn log_answer_target(log: &LogRead, kind: Kind, given: Option<f64>) -> f64 {
    if let Some(g) = given {
        return g;
    }
    if !matches!(kind, Kind::Async) {
        return 20.0;
    }
    let mut waits: Vec<f64> = log
        .contacts
        .iter()
        .filter(|c| c.fate == contact_log::Fate::Answered)
        .map(|c| c.waited())
        .collect();
    supportsim::tickets::Spread::of(&mut waits).map_or(DAY, |s| fit::measured_target(&s))
}

pub fn fit_command(args: &FitArgs) -> Result<(), Failure> {
    let (opts, answer_within) = fit_options(args)?;
    if let Some(events) = &args.events {
        return super::fit_tickets::fit_events(args, events, &opts, answer_within);
    }
    let kind = args.kind.unwrap_or(Kind::Call);
    if let Some(out) = &args.out {
        let mut inputs = vec![args.input.log.as_path()];
        inputs.extend(args.input.mapping.as_deref());
        super::output::check_file("--out", out, &inputs)?;
    }
    let log = read_log(&args.input)?;
    let fit = fit::fit(&log, &opts);
    needs_handle_times(&fit, &args.input.log)?;
    let answer_within = log_answer_target(&log, kind, answer_within);
    let source = args.input.log.file_name().map_or_else(
        || args.input.log.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = fit::scenario_text(&fit, &source, &channel_spec(&log, kind, answer_within))
        .context("writing the fitted scenario")?;
    // The fitted scenario must load: a failure here is a bug, reported as such.
    supportsim::scenario::parse("fitted.toml", &text, "fitted")
        .map_err(|e| anyhow::anyhow!("the fitted scenario does not load: {e:?}"))?;
    if let Some(out) = &args.out {
        super::output::write_file(out, text.as_bytes())?;
    }
    let mut stdout = std::io::stdout().lock();
    use std::io::Write;
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &report(&fit, &log, &args.input.log))
            .context("writing to standard output")?;
        writeln!(stdout).context("writing to standard output")?;
    } else if args.out.is_none() {
        write!(stdout, "{text}").context("writing to standard output")?;
    } else {
        write!(
            stdout,
            "{}",
            summary_text(&fit, &log, matches!(kind, Kind::Async))
        )
        .context("writing to standard output")?;
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub input: LogArgs,
    /// Scenario whose service model (handle times, patience, topics and priorities) is
    /// replayed; default: the scenario `fit` makes of this log.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Simulations of each day.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(10..=10_000))]
    pub replications: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Service-level threshold of a call log's backtest (default 20s).
    #[arg(long, value_name = "DURATION", conflicts_with = "events")]
    pub answer_within: Option<String>,
    /// An agent's contacts closer together than this count as one stretch on duty (a longer
    /// gap while callers wait is time off the phones).
    #[arg(
        long,
        default_value = "15m",
        value_name = "DURATION",
        conflicts_with = "events"
    )]
    pub session_gap: String,
    /// The log is a service desk's event log (one row per update of a ticket), read through
    /// this mapping: a backtest of written work from --from on.
    #[arg(long, value_name = "MAPPING", conflicts_with_all = ["mapping", "channel"], requires = "from")]
    pub events: Option<PathBuf>,
    /// First day scored (YYYY-MM-DD); the model is fitted on what the log shows before it (a
    /// call log: its service model, the scored days replaying their own arrivals and agents on
    /// duty; an event log: the tickets open then are carried in as the starting backlog).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day scored (YYYY-MM-DD; default: the log's last day, for an event log the last day
    /// a ticket was opened).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub until: Option<String>,
    /// Agent effort per touch of a ticket, e.g. 20m (the event log does not record it).
    #[arg(long, value_name = "DURATION", requires = "events", conflicts_with_all = ["agents", "scenario"])]
    pub effort: Option<String>,
    /// Agents working the desk on a weekday, from which the effort per touch is estimated.
    #[arg(long, value_name = "N", requires = "events", conflicts_with = "scenario",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub agents: Option<u32>,
    /// Dates the desk was closed (holidays), e.g. 2016-03-25,2016-03-28: no agent works on
    /// them; the tickets opened are still replayed.
    #[arg(long, value_name = "DATES", value_delimiter = ',', requires = "events")]
    pub closed: Vec<String>,
    /// The queues tickets wait in: one pooled queue for the desk (the default), or one per
    /// assignment group, each with its own agents; with --scenario, how its topics were
    /// fitted.
    #[arg(long, value_enum, requires = "events")]
    pub queues: Option<QueuesArg>,
    /// Write backtest.csv, backtest.json and a chart per metric into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct BacktestReport<'a> {
    schema: &'static str,
    log: String,
    scenario: Option<String>,
    /// With --from: the first and last day scored, and the contacts before them the model
    /// was fitted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history_contacts: Option<usize>,
    days: u32,
    contacts: usize,
    replications: u32,
    answer_within_seconds: f64,
    scores: &'a [supportsim::backtest::Score],
    /// Actual occupancies above 100% (day from 1, hour or null for the day, value): they
    /// cannot be right, and are not scored.
    flagged_occupancy: Vec<(u32, Option<u32>, f64)>,
    /// Contacts of a topic the scenario does not have, replayed as another (see the warning).
    unmatched_topic: usize,
}

/// The backtest's scores as a table.
fn scores_table(scores: &[supportsim::backtest::Score]) -> String {
    let rows: Vec<Vec<String>> = scores
        .iter()
        .map(|s| {
            let pct = matches!(
                s.metric,
                Metric::ServiceLevel | Metric::AbandonRate | Metric::Occupancy
            );
            vec![
                s.metric.to_string(),
                format!("per {}", s.level),
                s.cells.to_string(),
                format!("{:.1}%", 100.0 * s.coverage),
                if pct {
                    format!("{:+.1} pts", 100.0 * s.bias)
                } else {
                    format!("{:+.1}s", s.bias)
                },
                s.mape
                    .map_or("—".to_string(), |m| format!("{:.1}%", 100.0 * m)),
            ]
        })
        .collect();
    let mut out = String::new();
    supportsim::export::render_table(
        &mut out,
        &[
            "metric",
            "level",
            "figures",
            "inside 90% band",
            "bias (sim − actual)",
            "MAPE",
        ],
        &rows,
    );
    out
}

/// Warns of the contacts replayed as another topic than their own (a `scenario` without it).
fn warn_unmatched(result: &supportsim::backtest::Backtest, scenario: Option<&std::path::Path>) {
    if result.unmatched_topic > 0 {
        eprintln!(
            "warning: {} of the contacts replayed are of a topic {} does not have (a topic it was not fitted with); each is replayed as its largest topic of the same priority, or its first",
            result.unmatched_topic,
            scenario.map_or("the fitted scenario".into(), |p| p.display().to_string())
        );
    }
}

pub fn backtest_command(args: &BacktestArgs) -> Result<(), Failure> {
    if let Some(events) = &args.events {
        return super::backtest_tickets::backtest_events(args, events);
    }
    let answer_within = flag_duration(
        "answer-within",
        args.answer_within.as_deref().unwrap_or("20s"),
    )?;
    let session_gap = flag_duration("session-gap", &args.session_gap)?;
    let mut inputs = vec![args.input.log.as_path()];
    inputs.extend(args.input.mapping.as_deref());
    inputs.extend(args.scenario.as_deref());
    super::check_out(args.out.as_ref(), args.force, &inputs)?;
    let log = read_log(&args.input)?;
    let opts = FitOptions {
        session_gap,
        ..FitOptions::default()
    };
    let split = match args.from.as_deref() {
        Some(from) => Some(super::scored_days::split(
            &log,
            &args.input.log,
            from,
            args.until.as_deref(),
        )?),
        None => None,
    };
    let (history, scored) = split
        .as_ref()
        .map_or((&log, &log), |s| (&s.history, &s.scored));
    let fitted = fit::fit(history, &opts);
    needs_handle_times(&fitted, &args.input.log)?;
    // The scored days' own agents on duty (the whole log's without --from).
    let replayed = split.as_ref().map(|s| fit::fit(&s.scored, &opts));
    let on_duty = replayed.as_ref().unwrap_or(&fitted);
    let Some(staffing) = &on_duty.staffing else {
        return Err(flag_error(format!(
            "the log {} names no agents, so the agents on duty cannot be reconstructed\n  = help: map the agent column (`agent = \"COLUMN\"` under [columns])",
            args.input.log.display()
        )));
    };
    let base = match &args.scenario {
        Some(path) => super::load(path)?.model,
        None => {
            let text = fit::scenario_text(
                &fitted,
                "the log",
                &channel_spec(history, Kind::Call, answer_within),
            )
            .context("writing the fitted scenario")?;
            supportsim::scenario::parse("fitted.toml", &text, "fitted")
                .map_err(|e| anyhow::anyhow!("the fitted scenario does not load: {e:?}"))?
                .model
        }
    };
    let bt_opts = supportsim::backtest::BacktestOptions {
        replications: args.replications,
        seed: args.seed,
        answer_within,
        staffing_slot: 300.0,
    };
    let bar = super::progress_bar(u64::from(on_duty.days));
    let result = supportsim::backtest::backtest(
        scored,
        &base,
        &fitted.topics,
        staffing,
        &bt_opts,
        &super::INTERRUPTED,
    )
    .map_err(|e| super::stopped(e, &base.name, &bar))?;
    bar.finish_and_clear();
    let report = BacktestReport {
        schema: "supportsim.backtest/1",
        log: args.input.log.display().to_string(),
        scenario: args.scenario.as_ref().map(|p| p.display().to_string()),
        from: split.as_ref().map(|s| s.from.to_string()),
        until: split.as_ref().map(|s| s.until.to_string()),
        history_contacts: split.as_ref().map(|s| s.history.contacts.len()),
        days: result.days,
        contacts: result.contacts,
        replications: result.replications,
        answer_within_seconds: answer_within,
        scores: &result.scores,
        flagged_occupancy: result
            .flagged
            .iter()
            .map(|&(d, h, v)| (d + 1, h, v))
            .collect(),
        unmatched_topic: result.unmatched_topic,
    };
    warn_unmatched(&result, args.scenario.as_deref());
    backtest_output(args, &report, &result, &inputs)
}

/// Writes a call log's backtest: files into --out, and JSON or the table to standard output.
fn backtest_output(
    args: &BacktestArgs,
    report: &BacktestReport,
    result: &supportsim::backtest::Backtest,
    inputs: &[&Path],
) -> Result<(), Failure> {
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let csv = supportsim::backtest::csv(result).context("rendering backtest.csv")?;
        files.push(("backtest.csv".into(), csv));
        let json = serde_json::to_vec_pretty(&report).context("rendering backtest.json")?;
        files.push(("backtest.json".into(), json));
        for (name, chart) in supportsim::backtest::charts(result) {
            let svg = supportsim::plot::svg(&chart).context("drawing the charts")?;
            files.push((format!("{name}.svg"), svg.into_bytes()));
        }
        write_all(dir, &files, inputs)?;
    }
    let mut stdout = std::io::stdout().lock();
    use std::io::Write;
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &report).context("writing to standard output")?;
        writeln!(stdout).context("writing to standard output")?;
        return Ok(());
    }
    let out = scores_table(&result.scores);
    let span = match (&report.from, &report.until, report.history_contacts) {
        (Some(from), Some(until), Some(n)) => {
            format!(" from {from} to {until} (the model fitted on the {n} contacts before)")
        }
        _ => String::new(),
    };
    writeln!(
        stdout,
        "backtest of {}{span}: {} days, {} contacts, {} simulations of each day",
        args.input.log.display(),
        result.days,
        result.contacts,
        result.replications
    )
    .context("writing to standard output")?;
    write!(stdout, "{out}").context("writing to standard output")?;
    if let Some(worst) = result.flagged.iter().map(|f| f.2).reduce(f64::max) {
        writeln!(
            stdout,
            "{} actual occupancies above 100% (up to {:.0}%) cannot be right and are not scored: the log shows agents busier than the agents on duty it names (check --session-gap, or the agent column of the mapping)",
            result.flagged.len(),
            100.0 * worst
        )
        .context("writing to standard output")?;
    }
    Ok(())
}
