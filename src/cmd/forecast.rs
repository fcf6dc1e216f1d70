//! `supportsim forecast`: demand per date and interval from interval counts or a contact log,
//! with predictive quantiles; `--evaluate` scores the model on the history at rolling origins.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;

use supportsim::forecast::calendar::Calendar;
use supportsim::forecast::counts::{self, Counts, CountsMapping};
use supportsim::forecast::evaluate::{self, Plan};
use supportsim::forecast::{self, Options};

use super::forecast_report as report;
use super::{Failure, check_out, flag_duration, flag_error, write_all};

#[derive(clap::Args)]
pub struct ForecastArgs {
    /// History: interval counts (CSV/TSV with a date and time, or a timestamp, and a count
    /// column), or a contact log with --log-mapping.
    history: PathBuf,
    /// Last date of the history to fit on (YYYY-MM-DD; default: the history's last date).
    #[arg(long, value_name = "DATE", conflicts_with = "evaluate")]
    until: Option<String>,
    /// Days to forecast after --until (with --evaluate, see --horizon).
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..=731), conflicts_with = "evaluate")]
    days: u32,
    /// Interval of the forecast (a multiple of the history's).
    #[arg(long, default_value = "30m", value_name = "DURATION")]
    interval: String,
    /// Holidays and special days: CSV `date,factor,name` (a factor on the volume, or
    /// `closed`).
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// Column mapping of a counts file (TOML: [columns] date, time, timestamp, count, channel;
    /// date_format; delimiter). Flags override it.
    #[arg(long, value_name = "FILE", conflicts_with = "log_mapping")]
    mapping: Option<PathBuf>,
    /// Column with the interval's date.
    #[arg(long, value_name = "NAME")]
    date_column: Option<String>,
    /// Column with the interval's start time.
    #[arg(long, value_name = "NAME")]
    time_column: Option<String>,
    /// Column with the date and start time together.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["date_column", "time_column"])]
    timestamp_column: Option<String>,
    /// Column with the count.
    #[arg(long, value_name = "NAME")]
    count_column: Option<String>,
    /// Column with the channel or queue.
    #[arg(long, value_name = "NAME")]
    channel_column: Option<String>,
    /// Date layout: yyyy-mm-dd, d/m/yyyy, m/d/yyyy or yyyymmdd (default: recognised).
    #[arg(long, value_name = "LAYOUT")]
    date_format: Option<String>,
    /// Channel or queue to forecast, when the history holds several.
    #[arg(long, value_name = "NAME")]
    channel: Option<String>,
    /// The history is a contact log (one row per contact) read through this mapping (as for
    /// `fit`); arrivals are counted per 5 minutes.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["date_column", "time_column", "timestamp_column", "count_column", "channel_column", "date_format"])]
    log_mapping: Option<PathBuf>,
    /// Seed of the predictive draws.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Predictive draws per date.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(100..=100_000))]
    draws: u32,
    /// Score the model on the history instead: fit at rolling origins, forecast, compare.
    #[arg(long)]
    evaluate: bool,
    /// Origins of the evaluation (the last one --every days before the history's end).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=520), requires = "evaluate")]
    origins: u32,
    /// Days between origins.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366), requires = "evaluate")]
    every: u32,
    /// Days forecast from each origin.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..=366), requires = "evaluate")]
    horizon: u32,
    /// Write forecast.csv, forecast-days.csv and charts (or the evaluation's files).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn forecast(args: &ForecastArgs) -> Result<(), Failure> {
    let mut inputs: Vec<&Path> = vec![args.history.as_path()];
    inputs.extend(args.calendar.as_deref());
    inputs.extend(args.mapping.as_deref());
    inputs.extend(args.log_mapping.as_deref());
    check_out(args.out.as_ref(), args.force, &inputs)?;
    let history = read_history(args)?;
    let calendar = match &args.calendar {
        None => Calendar::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| flag_error(format!("cannot read calendar {}: {e}", p.display())))?;
            Calendar::parse(&text).map_err(|e| flag_error(format!("{}: {e}", p.display())))?
        }
    };
    let step = interval(args, &history)?;
    let opts = Options {
        seed: args.seed,
        draws: args.draws as usize,
        ..Options::default()
    };
    let name = args.history.display().to_string();
    if args.evaluate {
        let plan = Plan {
            origins: args.origins as usize,
            every: args.every,
            horizon: args.horizon,
            step,
        };
        check_span(&history, &plan)?;
        let ev = evaluate::evaluate(&history, &calendar, &plan, &opts)
            .map_err(|e| flag_error(format!("{name}: {e}")))?;
        if let Some(dir) = &args.out {
            write_all(dir, &report::evaluation_files(&ev)?, &inputs)?;
        }
        let text = if args.json {
            json_text(&report::evaluation_json(&name, &plan, &ev))?
        } else {
            report::evaluation_table(&name, &plan, &ev)
        };
        return print(&text);
    }
    let until = match &args.until {
        None => *history.days.keys().next_back().unwrap_or(&NaiveDate::MIN),
        Some(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
            flag_error(format!(
                "--until `{t}` is not a date\n  = help: write it as YYYY-MM-DD"
            ))
        })?,
    };
    let train = history.until(until);
    if train.days.is_empty() {
        return Err(flag_error(format!(
            "--until {until} is before the history's first date ({})",
            history
                .days
                .keys()
                .next()
                .map_or(String::new(), |d| d.to_string())
        )));
    }
    let model =
        forecast::fit(&train, &calendar, &opts).map_err(|e| flag_error(format!("{name}: {e}")))?;
    let f = model.forecast(&calendar, args.days, step, &opts);
    let simulated = model.dispersion_check(&train, &calendar, &opts);
    if let Some(dir) = &args.out {
        write_all(dir, &report::forecast_files(&history, &model, &f)?, &inputs)?;
    }
    let text = if args.json {
        json_text(&report::forecast_json(&name, &model, &f, &simulated))?
    } else {
        report::forecast_table(&name, &model, &f, &simulated)
    };
    print(&text)
}

fn json_text(v: &serde_json::Value) -> Result<String, Failure> {
    Ok(serde_json::to_string_pretty(v).context("writing JSON")? + "\n")
}

fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}").context("writing to standard output")?;
    Ok(())
}

/// The forecast interval in seconds: a whole multiple of the history's.
fn interval(args: &ForecastArgs, history: &Counts) -> Result<u32, Failure> {
    let s = flag_duration("interval", &args.interval)?;
    let whole = s.round() as u32;
    if (s - f64::from(whole)).abs() > 1e-6 || !whole.is_multiple_of(history.step) {
        return Err(flag_error(format!(
            "--interval {} is not a multiple of the history's {}-minute intervals\n  = help: give a multiple, e.g. --interval {}m",
            args.interval,
            history.step / 60,
            (history.step / 60).max(1) * 6
        )));
    }
    Ok(whole)
}

/// Most scored intervals an evaluation keeps (about 150 bytes each).
const MAX_POINTS: u64 = 5_000_000;

/// Refuses an evaluation whose first origin leaves too little history, or whose scored
/// intervals would not fit in memory.
fn check_span(history: &Counts, plan: &Plan) -> Result<(), Failure> {
    let (Some(first), Some(last)) = (history.days.keys().next(), history.days.keys().next_back())
    else {
        return Err(flag_error("the history holds no days".into()));
    };
    // Every scored interval is kept (evaluation.csv): bound them before the work starts.
    let slots = (history.slots as u64 * u64::from(history.step)).div_ceil(u64::from(plan.step));
    let points = plan.origins as u64 * u64::from(plan.horizon) * slots;
    if points > MAX_POINTS {
        return Err(flag_error(format!(
            "--origins {} × --horizon {} × {slots} intervals a day is {points} scored intervals; supportsim keeps at most {MAX_POINTS}\n  = help: fewer origins, a shorter horizon or a longer --interval",
            plan.origins, plan.horizon
        )));
    }
    let back = u64::from(plan.every) * plan.origins as u64;
    let earliest = *last - chrono::Days::new(back);
    if (earliest - *first).num_days() < 28 {
        return Err(flag_error(format!(
            "the first origin ({earliest}) leaves {} days of history before it; the model needs four weeks\n  = help: fewer --origins, or a shorter --every",
            (earliest - *first).num_days().max(0)
        )));
    }
    Ok(())
}

/// Reads the history: counts through flags or a mapping, or a contact log's arrivals.
fn read_history(args: &ForecastArgs) -> Result<Counts, Failure> {
    let path = &args.history;
    if let Some(mapping) = &args.log_mapping {
        let log = super::history::read_log(&super::history::LogArgs {
            log: path.clone(),
            mapping: Some(mapping.clone()),
            channel: args.channel.clone(),
        })?;
        let Some(first) = log.first_epoch_day else {
            return Err(flag_error(format!(
                "{}: the log numbers its days instead of dating them; a forecast needs dates\n  = help: map a date column with formats.date = \"yyyy-mm-dd\" (or yymmdd, yyyymmdd)",
                path.display()
            )));
        };
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let arrivals: Vec<(NaiveDate, f64)> = log
            .contacts
            .iter()
            .map(|c| {
                let day = first + i64::from(c.day) + (c.time_of_day() / 86_400.0).floor() as i64;
                (
                    epoch + chrono::Days::new(day.max(0) as u64),
                    c.time_of_day().rem_euclid(86_400.0),
                )
            })
            .collect();
        return Counts::from_arrivals(&arrivals, 300)
            .ok_or_else(|| flag_error(format!("{}: the log holds no arrivals", path.display())));
    }
    let mut mapping = match &args.mapping {
        None => CountsMapping::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| flag_error(format!("cannot read mapping {}: {e}", p.display())))?;
            toml::from_str::<CountsMapping>(&text)
                .map_err(|e| flag_error(format!("{}: {e}", p.display())))?
        }
    };
    let c = &mut mapping.columns;
    for (flag, slot) in [
        (&args.date_column, &mut c.date),
        (&args.time_column, &mut c.time),
        (&args.timestamp_column, &mut c.timestamp),
        (&args.count_column, &mut c.count),
        (&args.channel_column, &mut c.channel),
    ] {
        if flag.is_some() {
            slot.clone_from(flag);
        }
    }
    if args.timestamp_column.is_some() {
        (c.date, c.time) = (None, None);
    }
    if args.date_format.is_some() {
        mapping.date_format.clone_from(&args.date_format);
    }
    super::output::log_fit(
        path,
        super::output::LOG_BYTES_PER_ROW,
        super::output::available_memory(),
    )?;
    let file = std::fs::File::open(path)
        .map_err(|e| flag_error(format!("cannot read {}: {e}", path.display())))?;
    counts::read(
        std::io::BufReader::new(file),
        &mapping,
        args.channel.as_deref(),
    )
    .map_err(|e| flag_error(format!("{}: {e}", path.display())))
}
