//! `supportsim backtest LOG --events MAPPING --from DATE`: written work replayed from a date on,
//! with the model fitted on what precedes it and the backlog carried in.

use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use supportsim::backtest::{self, TicketBacktest, TicketBacktestOptions, TicketScore};
use supportsim::duration::format_duration;
use supportsim::fit::{self, FitOptions};
use supportsim::tickets;

use super::fit_tickets::{effort, read_events};
use super::history::BacktestArgs;
use super::{Failure, flag_error, write_all};

pub(super) fn date_flag(flag: &str, text: &str) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        flag_error(format!(
            "--{flag} {text} is not a date\n  = help: write it as YYYY-MM-DD, e.g. 2016-04-01"
        ))
    })
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    log: String,
    scenario: Option<String>,
    from: String,
    until: String,
    /// Tickets opened before `from`, on which the model was fitted.
    history_tickets: usize,
    /// Agent effort per touch in the fitted scenario, seconds (`None` with --scenario).
    effort_seconds: Option<f64>,
    /// The occupancy the fitted agents were sized for (1 for a desk the history shows never
    /// catching up; `None` with --scenario).
    occupancy: Option<f64>,
    /// Scored dates the desk was closed (`--closed`): no agent worked.
    closed: Vec<String>,
    #[serde(flatten)]
    backtest: &'a TicketBacktest,
}

/// The `--closed` dates with their day of the scored span, in order; each must be one of its
/// days.
fn closed_days(
    dates: &[String],
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> Result<Vec<(chrono::NaiveDate, u32)>, Failure> {
    let mut out = Vec::new();
    for text in dates {
        let d = date_flag("closed", text)?;
        if d < from || d > until {
            return Err(flag_error(format!(
                "--closed {d} is not one of the scored days ({from} to {until})\n  = help: list the dates the desk was closed between --from and --until"
            )));
        }
        out.push((d, u32::try_from((d - from).num_days()).unwrap_or(0)));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn bias_text(s: &TicketScore) -> String {
    let sign = if s.bias < 0.0 { "−" } else { "+" };
    if s.metric.is_time() {
        format!("{sign}{}", format_duration(s.bias.abs()))
    } else {
        format!("{sign}{:.1}", s.bias.abs())
    }
}

fn table(b: &TicketBacktest) -> String {
    let rows: Vec<Vec<String>> = b
        .scores
        .iter()
        .map(|s| {
            vec![
                s.metric.words().to_string(),
                s.days.to_string(),
                format!("{:.1}%", 100.0 * s.coverage),
                bias_text(s),
                s.mape
                    .map_or("—".to_string(), |m| format!("{:.1}%", 100.0 * m)),
                if s.metric.is_time() {
                    format_duration(s.interval_score)
                } else {
                    format!("{:.1}", s.interval_score)
                },
            ]
        })
        .collect();
    let mut out = String::new();
    supportsim::export::render_table(
        &mut out,
        &[
            "metric",
            "days",
            "inside 90% band",
            "bias (sim − actual)",
            "MAPE",
            "interval score",
        ],
        &rows,
    );
    out
}

/// The scenario `fit --events` makes of the history, loaded; `effort` is `None` only with a
/// --scenario, which this is not called for.
fn fitted_model(
    fitted: &fit::Fit,
    history: &tickets::EventLog,
    m: &tickets::TicketMeasures,
    queues: tickets::Queues,
    effort: Option<fit::Effort>,
) -> Result<supportsim::model::Model, Failure> {
    let Some(effort) = effort else {
        return Err(flag_error(
            "give --effort, --agents or --scenario: the event log does not record agent effort"
                .into(),
        ));
    };
    let spec = fit::ChannelSpec {
        name: "tickets".into(),
        kind: supportsim::model::ChannelKind::Async,
        answer_within: fit::answer_target(m, None).unwrap_or(f64::NAN),
    };
    let (file, header, notes) = fit::ticket_scenario(
        fitted,
        history,
        m,
        queues,
        "the log's history",
        &spec,
        effort,
    );
    let text = supportsim::scenario::format::to_toml(&file, &header, &notes)
        .context("writing the fitted scenario")?;
    Ok(supportsim::scenario::parse("fitted.toml", &text, "fitted")
        .map_err(|e| anyhow::anyhow!("the fitted scenario does not load: {e:?}"))?
        .model)
}

/// The last scored day (`--until`, or the last day a ticket was opened) and the number of
/// scored days; refused when `from` leaves nothing to fit on or to score.
fn scored_span(
    args: &BacktestArgs,
    events: &tickets::EventLog,
    from_date: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, u32), Failure> {
    let opened = || events.tickets.iter().map(|t| t.opened.date());
    let until = match &args.until {
        Some(u) => date_flag("until", u)?,
        None => opened().max().unwrap_or(from_date),
    };
    let before = opened().filter(|d| *d < from_date).count();
    if before == 0 || until < from_date {
        return Err(flag_error(format!(
            "--from {from_date} leaves {before} tickets before it to fit on and {} days to score\n  = help: choose a date after the log's first tickets ({}) and not after --until",
            (until - from_date).num_days() + 1,
            opened().min().map_or("none".into(), |d| d.to_string())
        )));
    }
    let days = u32::try_from((until - from_date).num_days() + 1).unwrap_or(u32::MAX);
    if days > 3660 {
        return Err(flag_error(format!(
            "--from {from_date} to {until} is {days} days; a backtest scores at most ten years"
        )));
    }
    Ok((until, days))
}

pub fn backtest_events(args: &BacktestArgs, mapping: &Path) -> Result<(), Failure> {
    let path = &args.input.log;
    let from_date = date_flag("from", args.from.as_deref().unwrap_or(""))?;
    let effort = match &args.scenario {
        Some(_) => None,
        None => Some(effort(args.effort.as_deref(), args.agents, path)?),
    };
    let mut inputs = vec![path.as_path(), mapping];
    inputs.extend(args.scenario.as_deref());
    super::check_out(args.out.as_ref(), args.force, &inputs)?;
    let mut events = read_events(path, mapping)?;
    let queues = super::history::queues(args.queues, &events, mapping)?;
    events.handoffs = queues == tickets::Queues::Groups;
    let (until, days) = scored_span(args, &events, from_date)?;
    let from = from_date.and_hms_opt(0, 0, 0).unwrap_or_default();
    let history = events.as_of(from);
    let closed = closed_days(&args.closed, from_date, until)?;
    let m = tickets::measure(&history);
    let as_log = tickets::as_contact_log(&history, &m, queues);
    let opts = FitOptions {
        skip_days: tickets::quiet_opening_days(&history, &m),
        ..FitOptions::default()
    };
    let fitted = fit::fit(&as_log, &opts);
    let model = match (&args.scenario, effort) {
        (Some(p), _) => super::load(p)?.model,
        (None, effort) => fitted_model(&fitted, &history, &m, queues, effort)?,
    };
    if model.channels.first().map(|c| c.kind) != Some(supportsim::model::ChannelKind::Async) {
        return Err(flag_error(
            "a backtest of written work replays tickets into the scenario's first channel, which must be async\n  = help: put the async channel first in the --scenario".into(),
        ));
    }
    let opts = TicketBacktestOptions {
        from,
        days,
        replications: args.replications,
        seed: args.seed,
        queues,
        closed: closed.iter().map(|(_, d)| *d).collect(),
    };
    let bar = super::progress_bar(u64::from(args.replications));
    let result = backtest::ticket_backtest(
        &events,
        &model,
        &fitted.topics,
        &opts,
        &super::INTERRUPTED,
        &|| bar.inc(1),
    )
    .map_err(|e| super::stopped(e, &model.name, &bar))?;
    bar.finish_and_clear();
    let report = Report {
        schema: "supportsim.backtest-tickets/1",
        log: path.display().to_string(),
        scenario: args.scenario.as_ref().map(|p| p.display().to_string()),
        from: from_date.to_string(),
        until: until.to_string(),
        history_tickets: history.tickets.len(),
        effort_seconds: effort.map(|e| e.seconds(&m)),
        occupancy: effort.map(|_| fit::occupancy(&m)),
        closed: closed.iter().map(|(d, _)| d.to_string()).collect(),
        backtest: &result,
    };
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let csv = backtest::ticket_csv(&result).context("rendering backtest.csv")?;
        files.push(("backtest.csv".into(), csv));
        let json = serde_json::to_vec_pretty(&report).context("rendering backtest.json")?;
        files.push(("backtest.json".into(), json));
        for (name, chart) in backtest::ticket_charts(&result) {
            let svg = supportsim::plot::svg(&chart).context("drawing the charts")?;
            files.push((format!("{name}.svg"), svg.into_bytes()));
        }
        write_all(dir, &files, &inputs)?;
    }
    let mut stdout = std::io::stdout().lock();
    use std::io::Write;
    if result.unmatched_topic > 0 {
        eprintln!(
            "warning: {} of the tickets carried in or replayed are of a topic the scenario does not have (a category or group it was not fitted with); they are replayed as its first topic, `{}`",
            result.unmatched_topic,
            model.topics.first().map_or("", |t| t.name.as_str())
        );
    }
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &report).context("writing to standard output")?;
        writeln!(stdout).context("writing to standard output")?;
        return Ok(());
    }
    writeln!(
        stdout,
        "backtest of written work in {}: fitted on {} tickets before {from_date}; {} days to {until}, {} tickets open at the start carried in ({} held on the desk; {} waiting on someone or held past the horizon), {} opened and replayed; {} simulations",
        path.display(),
        history.tickets.len(),
        result.days,
        result.open_at_start,
        result.held_at_start,
        result.open_and_waiting,
        result.replayed,
        result.replications
    )
    .context("writing to standard output")?;
    write!(stdout, "{}", table(&result)).context("writing to standard output")?;
    Ok(())
}
