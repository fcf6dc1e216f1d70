//! `supportsim fit` and `supportsim backtest`: calibrate from a contact log and check the model
//! against it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use supportsim::contact_log::{self, LogRead, Mapping};
use supportsim::duration::WEEKDAYS;
use supportsim::fit::{self, Est, Fit, FitOptions};
use supportsim::mle::DistFit;
use supportsim::report::Metric;

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

/// The channel a fitted scenario gets: named as in the log, else after its kind.
fn channel_spec(log: &LogRead, kind: Kind, answer_within: f64) -> fit::ChannelSpec {
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
    /// Service-level threshold written into the scenario.
    #[arg(long, default_value = "20s", value_name = "DURATION")]
    pub answer_within: String,
    /// What the log's contacts are: calls, chats or async tickets (emails, forms; no patience
    /// is fitted for them).
    #[arg(long, value_enum, default_value_t = Kind::Call)]
    pub kind: Kind,
    /// Topics with a smaller share of contacts are pooled (per priority).
    #[arg(long, default_value_t = 0.01, value_name = "SHARE")]
    pub min_topic_share: f64,
    /// An agent's contacts closer together than this count as one stretch on duty (a longer
    /// gap while callers wait is time off the phones).
    #[arg(long, default_value = "15m", value_name = "DURATION")]
    pub session_gap: String,
    /// Write the fitted scenario to FILE (default: print it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the fit report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads a log through its mapping; every problem is an input error (exit 2).
pub fn read_log(args: &LogArgs) -> Result<LogRead, Failure> {
    let mapping = match &args.mapping {
        None => Mapping::supportsim(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| flag_error(format!("cannot read mapping {}: {e}", p.display())))?;
            Mapping::parse(&text)
                .map_err(|e| flag_error(format!("in mapping {}: {e}", p.display())))?
        }
    };
    let file = std::fs::File::open(&args.log)
        .map_err(|e| flag_error(format!("cannot read log {}: {e}", args.log.display())))?;
    contact_log::read(
        std::io::BufReader::new(file),
        &mapping,
        args.channel.as_deref(),
    )
    .map_err(|e| flag_error(format!("in log {}: {e}", args.log.display())))
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

/// Checks the fit flags and returns the options.
fn fit_options(args: &FitArgs) -> Result<(FitOptions, f64), Failure> {
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
    Ok((opts, flag_duration("answer-within", &args.answer_within)?))
}

#[derive(Serialize)]
struct DistReport {
    family: &'static str,
    mean_seconds: Est,
    cv: Est,
    log_likelihood: f64,
    aic: f64,
    ks_distance: f64,
    events: usize,
    censored: usize,
}

fn dist_report(d: &DistFit) -> DistReport {
    DistReport {
        family: match d.family {
            supportsim::dist::Family::Exponential => "exponential",
            supportsim::dist::Family::Lognormal => "lognormal",
            supportsim::dist::Family::Gamma => "gamma",
            supportsim::dist::Family::Fixed => "fixed",
        },
        mean_seconds: Est {
            value: d.mean,
            se: d.mean_se,
        },
        cv: Est {
            value: d.cv,
            se: d.cv_se,
        },
        log_likelihood: d.log_likelihood,
        aic: d.aic,
        ks_distance: d.distance,
        events: d.events,
        censored: d.censored,
    }
}

#[derive(Serialize)]
struct TopicReport {
    name: String,
    values: Vec<String>,
    priority: u32,
    offered: usize,
    share: Est,
    handle_time: Vec<DistReport>,
}

#[derive(Serialize)]
struct FitReport {
    schema: &'static str,
    log: String,
    rows: u64,
    skipped: std::collections::BTreeMap<String, u64>,
    abandoned_before_queue: u64,
    days: u32,
    start_weekday: &'static str,
    offered: usize,
    answered: usize,
    abandoned: usize,
    per_day: Est,
    day_cv: Est,
    weekday: std::collections::BTreeMap<&'static str, Option<Est>>,
    interval_seconds: f64,
    /// Mean contacts per interval with standard errors, per weekday.
    profile: std::collections::BTreeMap<&'static str, Vec<Est>>,
    topics: Vec<TopicReport>,
    handle_time: Vec<DistReport>,
    patience: Vec<DistReport>,
    after_call_work: Vec<DistReport>,
    patience_by_priority: std::collections::BTreeMap<u32, Vec<DistReport>>,
    patience_kaplan_meier: Vec<(f64, f64, f64)>,
    agents_named: Option<usize>,
    agents_on_duty_mean: Option<f64>,
}

fn report(fit: &Fit, log: &LogRead, path: &Path) -> FitReport {
    FitReport {
        schema: "supportsim.fit/1",
        log: path.display().to_string(),
        rows: log.rows,
        skipped: log.skipped.clone(),
        abandoned_before_queue: log.not_queued,
        days: fit.days,
        start_weekday: WEEKDAYS[fit.start_weekday],
        offered: fit.offered,
        answered: fit.answered,
        abandoned: fit.abandoned,
        per_day: fit.per_day,
        day_cv: fit.day_cv,
        weekday: (0..7)
            .map(|w| (WEEKDAYS[w], fit.weekday[w].map(|x| x.0)))
            .collect(),
        interval_seconds: fit.interval,
        profile: (0..7)
            .map(|w| (WEEKDAYS[w], fit.profile[w].clone()))
            .collect(),
        topics: fit
            .topics
            .iter()
            .map(|t| TopicReport {
                name: t.name.clone(),
                values: t.values.clone(),
                priority: t.priority,
                offered: t.offered,
                share: t.share,
                handle_time: t.handle.iter().map(dist_report).collect(),
            })
            .collect(),
        handle_time: fit.handle.iter().map(dist_report).collect(),
        patience: fit.patience.iter().map(dist_report).collect(),
        after_call_work: fit.after_call.iter().map(dist_report).collect(),
        patience_by_priority: fit
            .patience_by_priority
            .iter()
            .map(|(p, f)| (*p, f.iter().map(dist_report).collect()))
            .collect(),
        patience_kaplan_meier: fit
            .patience_km
            .iter()
            .map(|p| (p.time, p.survival, p.se))
            .collect(),
        agents_named: fit.staffing.as_ref().map(|s| s.agents),
        agents_on_duty_mean: fit.staffing.as_ref().map(|s| {
            let all: Vec<f64> = s.on_duty.iter().flatten().copied().collect();
            all.iter().sum::<f64>() / all.len().max(1) as f64
        }),
    }
}

pub fn fit_command(args: &FitArgs) -> Result<(), Failure> {
    let (opts, answer_within) = fit_options(args)?;
    let log = read_log(&args.input)?;
    let fit = fit::fit(&log, &opts);
    needs_handle_times(&fit, &args.input.log)?;
    let source = args.input.log.file_name().map_or_else(
        || args.input.log.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = fit::scenario_text(&fit, &source, &channel_spec(&log, args.kind, answer_within))
        .context("writing the fitted scenario")?;
    // The fitted scenario must load: a failure here is a bug, reported as such.
    supportsim::scenario::parse("fitted.toml", &text, "fitted")
        .map_err(|e| anyhow::anyhow!("the fitted scenario does not load: {e:?}"))?;
    if let Some(out) = &args.out {
        if out.is_dir() {
            return Err(flag_error(format!(
                "--out {} is a folder\n  = help: give a file name, e.g. fitted.toml",
                out.display()
            )));
        }
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "fitted.toml".into());
        write_all(&dir, &[(name, text.clone().into_bytes())])?;
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
        write!(stdout, "{}", summary_text(&fit, &log)).context("writing to standard output")?;
    }
    Ok(())
}

fn summary_text(fit: &Fit, log: &LogRead) -> String {
    let mut rows = vec![
        vec![
            "contacts offered".to_string(),
            format!(
                "{} ({} answered, {} abandoned)",
                fit.offered, fit.answered, fit.abandoned
            ),
        ],
        vec![
            "days".to_string(),
            format!("{} from {}", fit.days, log.first_date),
        ],
        vec![
            "per day".to_string(),
            format!("{:.1} ± {:.1}", fit.per_day.value, fit.per_day.se),
        ],
        vec![
            "day-to-day CV".to_string(),
            format!("{:.3} ± {:.3}", fit.day_cv.value, fit.day_cv.se),
        ],
        vec!["handle time".to_string(), fit::dist_note(&fit.handle)],
        vec!["patience".to_string(), fit::dist_note(&fit.patience)],
        vec![
            "patience by priority".to_string(),
            if fit.patience_by_priority.is_empty() {
                "one class".to_string()
            } else {
                fit.patience_by_priority
                    .iter()
                    .map(|(p, f)| format!("priority {p}: {}", fit::dist_note(f)))
                    .collect::<Vec<_>>()
                    .join(" | ")
            },
        ],
        vec![
            "after-call work".to_string(),
            if fit.after_call.is_empty() {
                format!(
                    "none seen ({} gaps while callers waited, median {:.1}s)",
                    fit.after_call_gaps.1, fit.after_call_gaps.0
                )
            } else {
                fit::dist_note(&fit.after_call)
            },
        ],
    ];
    for t in &fit.topics {
        rows.push(vec![
            format!("topic {} (priority {})", t.name, t.priority),
            format!(
                "share {:.4} ± {:.4}; {}",
                t.share.value,
                t.share.se,
                if t.handle.is_empty() {
                    "handle time: the channel's".to_string()
                } else {
                    fit::dist_note(&t.handle)
                }
            ),
        ]);
    }
    if let Some(s) = &fit.staffing {
        rows.push(vec![
            "agents".to_string(),
            format!("{} named; on duty reconstructed as a lower bound", s.agents),
        ]);
    }
    let mut out = String::new();
    supportsim::export::render_table(&mut out, &["fitted", "value"], &rows);
    out
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
    /// Service-level threshold.
    #[arg(long, default_value = "20s", value_name = "DURATION")]
    pub answer_within: String,
    /// An agent's contacts closer together than this count as one stretch on duty (a longer
    /// gap while callers wait is time off the phones).
    #[arg(long, default_value = "15m", value_name = "DURATION")]
    pub session_gap: String,
    /// Write backtest.csv, backtest.json and a chart per metric into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct BacktestReport<'a> {
    schema: &'static str,
    log: String,
    scenario: Option<String>,
    days: u32,
    contacts: usize,
    replications: u32,
    answer_within_seconds: f64,
    scores: &'a [supportsim::backtest::Score],
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

pub fn backtest_command(args: &BacktestArgs) -> Result<(), Failure> {
    let answer_within = flag_duration("answer-within", &args.answer_within)?;
    let session_gap = flag_duration("session-gap", &args.session_gap)?;
    super::check_out(args.out.as_ref())?;
    let log = read_log(&args.input)?;
    let opts = FitOptions {
        session_gap,
        ..FitOptions::default()
    };
    let fitted = fit::fit(&log, &opts);
    needs_handle_times(&fitted, &args.input.log)?;
    let Some(staffing) = &fitted.staffing else {
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
                &channel_spec(&log, Kind::Call, answer_within),
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
    let bar = super::progress_bar(u64::from(fitted.days));
    let result = supportsim::backtest::backtest(
        &log,
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
        days: result.days,
        contacts: result.contacts,
        replications: result.replications,
        answer_within_seconds: answer_within,
        scores: &result.scores,
    };
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let csv = supportsim::backtest::csv(&result).context("rendering backtest.csv")?;
        files.push(("backtest.csv".into(), csv));
        let json = serde_json::to_vec_pretty(&report).context("rendering backtest.json")?;
        files.push(("backtest.json".into(), json));
        for (name, chart) in supportsim::backtest::charts(&result) {
            let svg = supportsim::plot::svg(&chart).context("drawing the charts")?;
            files.push((format!("{name}.svg"), svg.into_bytes()));
        }
        write_all(dir, &files)?;
    }
    let mut stdout = std::io::stdout().lock();
    use std::io::Write;
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &report).context("writing to standard output")?;
        writeln!(stdout).context("writing to standard output")?;
        return Ok(());
    }
    let out = scores_table(&result.scores);
    writeln!(
        stdout,
        "backtest of {}: {} days, {} contacts, {} simulations of each day",
        args.input.log.display(),
        result.days,
        result.contacts,
        result.replications
    )
    .context("writing to standard output")?;
    write!(stdout, "{out}").context("writing to standard output")?;
    Ok(())
}
