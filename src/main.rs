//! The `supportsim` command line: parse options, load and check the scenario, run, export.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

mod history_cmd;

use supportsim::scenario::{self, LoadError};
use supportsim::{charts, export, html, plot, report};

#[derive(Parser)]
#[command(
    name = "supportsim",
    version,
    about = "Support-operations simulator and capacity planner"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and report service level, waits, abandonment, backlog and occupancy.
    Run(RunArgs),
    /// Check a scenario and report every problem in it.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Analytic staffing calculators: Erlang B (busy signals), C (queue) and A (queue with
    /// abandonment).
    Erlang(ErlangArgs),
    /// Run several scenarios on the same seeds and report each one's difference to the first.
    Compare(CompareArgs),
    /// Run a scenario over a grid of one or two values (same seeds at every point).
    Sweep(SweepArgs),
    /// Agents needed per weekday and interval for each channel to meet its target: Erlang
    /// first, then corrected by simulation.
    Staff(StaffArgs),
    /// Fit a scenario to a contact log: arrival profile, topics, handle times, patience and
    /// agents on duty, each with its uncertainty.
    Fit(history_cmd::FitArgs),
    /// Replay a contact log's arrivals and agents on duty through the model and set the
    /// actual waits, service level, abandonment and occupancy against the simulated spread.
    Backtest(history_cmd::BacktestArgs),
}

#[derive(clap::Args)]
struct StaffArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Replications of each correcting simulation.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=1000))]
    replications: u32,
    /// Seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Days to simulate in each correcting round (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_600))]
    days: Option<u32>,
    /// Most simulation rounds after the analytic guess.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=50))]
    rounds: u32,
    /// Share of intervals with traffic that must meet their target before stopping.
    #[arg(long, default_value_t = 0.97)]
    goal: f64,
    /// Shrinkage for full-time equivalents (default: the scenario's groups' planned shrinkage
    /// and absence).
    #[arg(long, value_name = "SHARE")]
    shrinkage: Option<f64>,
    /// Hours of a full-time week.
    #[arg(long, default_value_t = 37.5)]
    fte_hours: f64,
    /// Write staffing.csv, staffed.toml (the scenario with this schedule) and heatmaps.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// A value to sweep: PATH=VALUES, e.g. agents.tier1.count=8..20 or
    /// automation.containment=0,0.1,0.2 or channels.phone.answer_within=20s,30s. At most two.
    #[arg(long = "set", value_name = "PATH=VALUES", required = true)]
    sets: Vec<String>,
    /// A metric to report, e.g. service_level (overall) or phone.service_level (a channel,
    /// topic or agent group); repeat for several. Default: the key ones.
    #[arg(long = "metric", value_name = "KEY")]
    metrics: Vec<String>,
    #[command(flatten)]
    overrides: Overrides,
    /// Write sweep.csv, sweep.json and a chart per metric into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Scenario files: the first is the base the others are compared with.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    /// Replications of every scenario (default: the first scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    replications: Option<u32>,
    /// Seed of every scenario (default: the first scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Days every scenario simulates (default: each scenario's, which must then agree).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_600))]
    days: Option<u32>,
    /// Write compare.json and overlay charts into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ErlangModel {
    /// Erlang B: no queue, callers who find every agent busy are lost.
    B,
    /// Erlang C: callers wait as long as it takes.
    C,
    /// Erlang A: callers abandon after an exponential patience (needs --patience).
    A,
}

#[derive(clap::Args)]
struct ErlangArgs {
    /// Which model.
    #[arg(value_enum)]
    model: ErlangModel,
    /// Contacts arriving per hour.
    #[arg(long, value_name = "RATE")]
    per_hour: f64,
    /// Average handle time, e.g. "4m" or "330s".
    #[arg(long, value_name = "DURATION")]
    aht: String,
    /// Evaluate this many agents.
    #[arg(long, value_name = "N", conflicts_with = "target_sl")]
    agents: Option<u32>,
    /// Find the fewest agents answering this share within --answer-within, e.g. 0.8.
    #[arg(long, value_name = "SHARE")]
    target_sl: Option<f64>,
    /// Service-level threshold, e.g. "20s" (Erlang C and A).
    #[arg(long, value_name = "DURATION")]
    answer_within: Option<String>,
    /// With a target: keep occupancy at or below this share, e.g. 0.85.
    #[arg(long, value_name = "SHARE")]
    max_occupancy: Option<f64>,
    /// Also report the agents to schedule when this share of their time is off the phones.
    #[arg(long, value_name = "SHARE")]
    shrinkage: Option<f64>,
    /// Mean patience before abandoning, e.g. "3m" (Erlang A).
    #[arg(long, value_name = "DURATION")]
    patience: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Flags that override the scenario's `[simulation]` values.
#[derive(clap::Args)]
struct Overrides {
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

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    #[command(flatten)]
    overrides: Overrides,
    /// Write summary.json, intervals.csv, agents_intervals.csv, the charts (SVG) and report.html
    /// into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the summary as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// With --out, also write every chart as PNG (charts are always written as SVG).
    #[arg(long, requires = "out")]
    png: bool,
    /// Write one CSV row per contact of the first replication to FILE (streamed; the format
    /// `supportsim fit` reads by default).
    #[arg(long, value_name = "FILE")]
    contacts_log: Option<PathBuf>,
}

/// An error with the exit code it maps to.
struct Failure {
    code: u8,
    error: anyhow::Error,
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

fn main() -> ExitCode {
    // Ctrl-C asks the simulation to stop; results are only written once every run is done,
    // so stopping leaves no partial file behind.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate { scenario } => validate(&scenario),
        Command::Erlang(args) => erlang(&args),
        Command::Compare(args) => compare(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Staff(args) => staff(&args),
        Command::Fit(args) => history_cmd::fit_command(&args),
        Command::Backtest(args) => history_cmd::backtest_command(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`| head`) is not a failure.
        Err(f) if is_broken_pipe(&f.error) => ExitCode::SUCCESS,
        Err(f) => {
            let text = format!("{:#}", f.error);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{text}");
            if !text.ends_with('\n') {
                let _ = writeln!(err);
            }
            ExitCode::from(f.code)
        }
    }
}

fn compare(args: &CompareArgs) -> Result<(), Failure> {
    check_out(args.out.as_ref())?;
    let mut models = Vec::new();
    for path in &args.scenarios {
        models.push(prepared(path, args.replications, args.seed, args.days)?);
    }
    // Common random numbers: every scenario on the first one's seed and replications.
    let (seed, reps_n) = (models[0].seed, models[0].replications);
    for m in &mut models {
        m.seed = seed;
        m.replications = reps_n;
    }
    if reps_n < 2 {
        return Err(flag_error("a comparison needs at least 2 replications for its intervals; give --replications 10 or more".into()));
    }
    if let Some((i, m)) = models
        .iter()
        .enumerate()
        .find(|(_, m)| (m.days, m.warmup_days) != (models[0].days, models[0].warmup_days))
    {
        return Err(flag_error(format!(
            "{} simulates {} days ({} warm-up) but {} simulates {} ({}): paired differences need the same horizon; give --days",
            args.scenarios[0].display(),
            models[0].days,
            models[0].warmup_days,
            args.scenarios[i].display(),
            m.days,
            m.warmup_days
        )));
    }
    let bar = progress_bar(u64::from(reps_n) * models.len() as u64);
    let mut summaries = Vec::new();
    let mut runs = Vec::new();
    for (m, path) in models.iter().zip(&args.scenarios) {
        // Time series only feed the overlay charts.
        let reps = replicate(m, &bar, args.out.is_some())?;
        let mut s = report::summarize(m, &path.display().to_string(), &reps);
        // Two files may share a scenario name; the comparison needs to tell them apart.
        if summaries
            .iter()
            .any(|o: &report::Summary| o.scenario.name == s.scenario.name)
        {
            s.scenario.name = format!("{} ({})", s.scenario.name, path.display());
        }
        runs.push(report::intervals(m, &reps));
        summaries.push(s);
    }
    bar.finish_and_clear();
    let cmp = supportsim::compare::compare(summaries);
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let json = serde_json::to_vec_pretty(&cmp).context("rendering compare.json")?;
        files.push(("compare.json".into(), json));
        let labels: Vec<String> = cmp
            .scenarios
            .iter()
            .map(|s| s.scenario.name.clone())
            .collect();
        for c in charts::overlays(&models, &labels, &runs) {
            files.push((
                format!("{}.svg", c.name),
                plot::svg(&c.chart)
                    .context("drawing the charts")?
                    .into_bytes(),
            ));
        }
        write_all(dir, &files)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &cmp).context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
    } else {
        write!(out, "{}", supportsim::compare::render_text(&cmp))
            .context("writing to standard output")?;
    }
    Ok(())
}

fn staff(args: &StaffArgs) -> Result<(), Failure> {
    use supportsim::staff;
    check_out(args.out.as_ref())?;
    let base = prepared(
        &args.scenario,
        Some(args.replications),
        args.seed,
        args.days,
    )?;
    if !(args.goal > 0.0 && args.goal <= 1.0) {
        return Err(flag_error(format!(
            "--goal is a share between 0 and 1, got {}",
            args.goal
        )));
    }
    if !(args.fte_hours.is_finite() && args.fte_hours > 0.0) {
        return Err(flag_error("--fte-hours must be above 0".into()));
    }
    let shrinkage = match args.shrinkage {
        Some(x) => flag_share("shrinkage", x, false, true)?,
        None => {
            let n = base.groups.len().max(1) as f64;
            base.groups
                .iter()
                .map(|g| 1.0 - (1.0 - g.planned_shrinkage) * (1.0 - g.absence))
                .sum::<f64>()
                / n
        }
    };
    let text = std::fs::read_to_string(&args.scenario).context("reading the scenario")?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| flag_error(e.message().to_string()))?;
    let mut reqs = staff::analytic(&base);
    let per_day = (supportsim::duration::DAY / base.interval).round() as usize;
    let key = |c: usize, wd: usize, slot: usize| (c * 7 + wd) * per_day + slot;
    let bar = progress_bar(u64::from(base.replications) * u64::from(args.rounds + 1));
    let mut met_share = 0.0;
    let mut simulated_sl: Vec<Option<f64>> = vec![None; reqs.len()];
    let mut rounds_run = 0;
    for round in 0..=args.rounds {
        let d = staff::staffed_document(&doc, &base, &reqs);
        let staffed_text = toml::to_string(&d).context("writing the staffed scenario")?;
        let mut m = match scenario::parse("staffed scenario", &staffed_text, &base.name) {
            Ok(l) => l.model,
            Err(e) => return Err(anyhow::anyhow!("the staffed scenario is invalid: {e}").into()),
        };
        (m.replications, m.seed, m.days) = (base.replications, base.seed, base.days);
        let reps = replicate(&m, &bar, true)?;
        let (rows, _) = report::intervals(&m, &reps);
        // An interval key fails if any of its occurrences with traffic misses the target.
        let mut fails = vec![false; reqs.len()];
        let mut sl_sum = vec![(0.0, 0.0); reqs.len()];
        let (mut with_traffic, mut met) = (0usize, 0usize);
        for r in &rows {
            let Some(c) = m.channels.iter().position(|ch| ch.name == r.channel) else {
                continue;
            };
            let traffic = r
                .get("offered")
                .and_then(|b| b.mean)
                .is_some_and(|x| x >= 1.0);
            let Some(sl) = r.get("service_level").and_then(|b| b.mean) else {
                continue;
            };
            if !traffic {
                continue;
            }
            let day = (r.start / supportsim::duration::DAY).floor() as usize;
            let wd = (m.demand.start_weekday + day) % 7;
            let slot = ((r.start - day as f64 * supportsim::duration::DAY) / m.interval).round()
                as usize
                % per_day;
            let k = key(c, wd, slot);
            with_traffic += 1;
            sl_sum[k].0 += sl;
            sl_sum[k].1 += 1.0;
            if sl >= staff::target(&m, c) {
                met += 1;
            } else {
                fails[k] = true;
            }
        }
        simulated_sl = sl_sum
            .iter()
            .map(|(s, n)| (*n > 0.0).then(|| s / n))
            .collect();
        met_share = if with_traffic > 0 {
            met as f64 / with_traffic as f64
        } else {
            1.0
        };
        rounds_run = round;
        if met_share >= args.goal || round == args.rounds {
            break;
        }
        for (k, r) in reqs.iter_mut().enumerate() {
            if fails[k] {
                // Larger shortfalls in larger teams: step by a tenth, at least one agent.
                r.required += (f64::from(r.required) * 0.1).ceil().max(1.0) as u32;
            }
        }
    }
    bar.finish_and_clear();
    let total_fte = staff::fte(&base, &reqs, shrinkage, args.fte_hours);

    let hhmm = |slot: usize| {
        let m = (slot as f64 * base.interval / 60.0).round() as u32;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    const WD: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut csv = String::from(
        "channel,weekday,time,offered,aht_seconds,analytic_agents,required_agents,simulated_service_level\n",
    );
    for (k, r) in reqs.iter().enumerate() {
        csv += &format!(
            "{},{},{},{:.3},{:.1},{},{},{}\n",
            base.channels[r.channel].name,
            WD[r.weekday],
            hhmm(r.slot),
            r.offered,
            r.aht,
            r.analytic,
            r.required,
            simulated_sl[k].map_or(String::new(), |x| format!("{x:.4}"))
        );
    }
    if let Some(dir) = &args.out {
        let staffed = toml::to_string(&staff::staffed_document(&doc, &base, &reqs))
            .context("writing the staffed scenario")?;
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("staffing.csv".into(), csv.clone().into_bytes()),
            (
                "staffed.toml".into(),
                format!(
                    "# {} staffed by `supportsim staff`: one group per channel, agents on the floor per\n# weekday and interval (before shrinkage). Run it with `supportsim run staffed.toml`.\n\n{staffed}",
                    base.name
                )
                .into_bytes(),
            ),
        ];
        for (c, ch) in base.channels.iter().enumerate() {
            let values: Vec<Vec<f64>> = (0..7)
                .map(|wd| {
                    (0..per_day)
                        .map(|slot| f64::from(reqs[key(c, wd, slot)].required))
                        .collect()
                })
                .collect();
            let chart = plot::Chart::Heat(plot::HeatChart {
                title: format!("{}: agents needed on the floor per interval", ch.name),
                columns: (0..per_day).map(hhmm).collect(),
                rows: WD.iter().map(|d| d.to_string()).collect(),
                values,
            });
            files.push((
                format!("staffing-{}.svg", charts::slug(&ch.name)),
                plot::svg(&chart)
                    .context("drawing the heatmap")?
                    .into_bytes(),
            ));
        }
        write_all(dir, &files)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = serde_json::json!({
            "schema": "supportsim.staff/1",
            "scenario": args.scenario.display().to_string(),
            "interval_minutes": (base.interval / 60.0).round(),
            "rounds": rounds_run,
            "intervals_meeting_target": met_share,
            "shrinkage": shrinkage,
            "fte": total_fte,
            "requirements": reqs.iter().enumerate().map(|(k, r)| serde_json::json!({
                "channel": base.channels[r.channel].name,
                "weekday": WD[r.weekday],
                "time": hhmm(r.slot),
                "offered": r.offered,
                "analytic_agents": r.analytic,
                "required_agents": r.required,
                "simulated_service_level": simulated_sl[k],
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut out, &json).context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
        return Ok(());
    }
    let mut t = format!(
        "{}: agents needed on the floor per {}-minute interval (analytic first guess, then {} simulation round{})\n{:.1}% of intervals with traffic meet their target in simulation.\n\n",
        base.name,
        (base.interval / 60.0).round(),
        rounds_run,
        if rounds_run == 1 { "" } else { "s" },
        met_share * 100.0
    );
    for (c, ch) in base.channels.iter().enumerate() {
        t += &format!(
            "{} ({}, {:.0}% within {}):\n",
            ch.name,
            ch.kind.name(),
            staff::target(&base, c) * 100.0,
            supportsim::duration::format_duration(ch.answer_within)
        );
        for wd in 0..7 {
            let day: Vec<&staff::Requirement> =
                (0..per_day).map(|slot| &reqs[key(c, wd, slot)]).collect();
            let hours: f64 = day
                .iter()
                .map(|r| f64::from(r.required) * base.interval / 3600.0)
                .sum();
            let Some(peak) = day.iter().max_by_key(|r| r.required) else {
                continue;
            };
            if peak.required == 0 {
                t += &format!("  {}  closed\n", WD[wd]);
                continue;
            }
            let first = day.iter().position(|r| r.required > 0).unwrap_or(0);
            let last = day.iter().rposition(|r| r.required > 0).unwrap_or(0);
            t += &format!(
                "  {}  {}–{}  peak {:>3} at {}  {:>6.1} agent-hours (Erlang alone: {:.1})\n",
                WD[wd],
                hhmm(first),
                hhmm(last + 1),
                peak.required,
                hhmm(peak.slot),
                hours,
                day.iter()
                    .map(|r| f64::from(r.analytic) * base.interval / 3600.0)
                    .sum::<f64>()
            );
        }
    }
    t += &format!(
        "\nfull-time equivalents: {:.1} ({}-hour weeks, {:.0}% shrinkage)\n",
        total_fte,
        args.fte_hours,
        shrinkage * 100.0
    );
    write!(out, "{t}").context("writing to standard output")?;
    Ok(())
}

/// One point of a sweep: the value of each setting and the summary there.
struct SweepPoint {
    values: Vec<supportsim::sweep::Point>,
    summary: report::Summary,
}

/// Finds a metric of a summary: `key` (overall) or `name.key` (channel, topic or group).
fn find_metric<'a>(s: &'a report::Summary, spec: &str) -> Option<&'a report::Stat> {
    match spec.rsplit_once('.') {
        None => s.overall.get(spec),
        Some((name, key)) => s
            .channels
            .get(name)
            .or_else(|| s.topics.get(name))
            .or_else(|| s.agents.get(name))
            .and_then(|m| m.get(key)),
    }
}

fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    use supportsim::sweep::{self, Point};
    check_out(args.out.as_ref())?;
    let o = &args.overrides;
    let base = prepared(&args.scenario, o.replications, o.seed, o.days)?;
    if args.sets.len() > 2 {
        return Err(flag_error(
            "a sweep takes one or two --set; run several sweeps for more".into(),
        ));
    }
    let settings = args
        .sets
        .iter()
        .map(|t| sweep::parse_setting(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| flag_error(e.to_string()))?;
    let text = std::fs::read_to_string(&args.scenario).map_err(|e| {
        Failure::input(anyhow::anyhow!(
            "error: cannot read {}: {e}",
            args.scenario.display()
        ))
    })?;
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| flag_error(format!("{}: {}", args.scenario.display(), e.message())))?;
    // The grid, first setting varying slowest.
    let mut grid: Vec<Vec<Point>> = vec![vec![]];
    for s in &settings {
        grid = grid
            .into_iter()
            .flat_map(|prefix| {
                s.points.iter().map(move |p| {
                    let mut v = prefix.clone();
                    v.push(p.clone());
                    v
                })
            })
            .collect();
    }
    // Build and check every point before running any.
    let mut models = Vec::new();
    for values in &grid {
        let mut d = doc.clone();
        let mut label = Vec::new();
        for (s, v) in settings.iter().zip(values) {
            sweep::set(&mut d, &s.path, v).map_err(|e| flag_error(e.to_string()))?;
            label.push(format!("{}={}", s.path_text, v.text));
        }
        let text = toml::to_string(&d).context("writing the swept scenario")?;
        let file = format!("{} with {}", args.scenario.display(), label.join(", "));
        let mut m = match scenario::parse(&file, &text, &base.name) {
            Ok(l) => l.model,
            Err(LoadError::Invalid(r)) => return Err(Failure::input(anyhow::anyhow!(r.render()))),
            Err(e) => return Err(Failure::input(anyhow::anyhow!("error: {e}"))),
        };
        m.replications = base.replications;
        m.seed = base.seed;
        m.days = base.days;
        models.push(m);
    }
    let default_metrics = {
        let mut v: Vec<String> = [
            "service_level",
            "asa_seconds",
            "abandon_rate",
            "occupancy",
            "csat",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(
            base.channels
                .iter()
                .map(|c| format!("{}.service_level", c.name)),
        );
        v
    };
    let metrics = if args.metrics.is_empty() {
        default_metrics
    } else {
        args.metrics.clone()
    };
    let bar = progress_bar(u64::from(base.replications) * models.len() as u64);
    let mut points = Vec::new();
    for (m, values) in models.iter().zip(&grid) {
        let reps = replicate(m, &bar, false)?;
        points.push(SweepPoint {
            values: values.clone(),
            summary: report::summarize(m, &args.scenario.display().to_string(), &reps),
        });
    }
    bar.finish_and_clear();
    if let Some(bad) = metrics
        .iter()
        .find(|k| find_metric(&points[0].summary, k).is_none())
    {
        return Err(flag_error(format!(
            "no metric `{bad}`: give a key such as service_level (overall) or NAME.service_level for a channel, topic or agent group"
        )));
    }

    // Results as JSON and CSV.
    let json = serde_json::json!({
        "schema": "supportsim.sweep/1",
        "scenario": args.scenario.display().to_string(),
        "seed": base.seed,
        "replications": base.replications,
        "sets": settings.iter().map(|s| serde_json::json!({
            "path": s.path_text,
            "values": s.points.iter().map(|p| p.text.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "points": points.iter().map(|p| serde_json::json!({
            "values": settings.iter().zip(&p.values).map(|(s, v)| (s.path_text.clone(), serde_json::Value::String(v.text.clone()))).collect::<serde_json::Map<_, _>>(),
            "metrics": metrics.iter().map(|k| (k.clone(), serde_json::to_value(find_metric(&p.summary, k)).unwrap_or(serde_json::Value::Null))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    });
    let num = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    let mut csv = settings
        .iter()
        .map(|s| s.path_text.clone())
        .collect::<Vec<_>>();
    for k in &metrics {
        csv.push(format!("{k}_mean,{k}_ci_low,{k}_ci_high"));
    }
    let mut csv_text = csv.join(",") + "\n";
    for p in &points {
        let mut row: Vec<String> = p.values.iter().map(|v| v.text.clone()).collect();
        for k in &metrics {
            let st = find_metric(&p.summary, k);
            row.push(format!(
                "{},{},{}",
                num(st.and_then(|s| s.mean)),
                num(st.and_then(|s| s.ci_low)),
                num(st.and_then(|s| s.ci_high))
            ));
        }
        csv_text += &(row.join(",") + "\n");
    }
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (
                "sweep.json".into(),
                serde_json::to_vec_pretty(&json).context("rendering sweep.json")?,
            ),
            ("sweep.csv".into(), csv_text.clone().into_bytes()),
        ];
        for k in &metrics {
            let chart = sweep_chart(&settings, &points, k);
            files.push((
                format!("sweep-{}.svg", charts::slug(k)),
                plot::svg(&chart)
                    .context("drawing the charts")?
                    .into_bytes(),
            ));
        }
        write_all(dir, &files)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json).context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
    } else {
        writeln!(
            out,
            "{} — every point on the same {} replications (seed {}); means ± 95% interval half-width\n",
            base.name, base.replications, base.seed
        )
        .context("writing to standard output")?;
        let mut header: Vec<String> = settings.iter().map(|s| s.path_text.clone()).collect();
        header.extend(metrics.iter().cloned());
        let rows: Vec<Vec<String>> = points
            .iter()
            .map(|p| {
                let mut r: Vec<String> = p.values.iter().map(|v| v.text.clone()).collect();
                for k in &metrics {
                    r.push(match find_metric(&p.summary, k) {
                        Some(st) => match (st.mean, st.half_width()) {
                            (Some(m), Some(h)) => format!("{} ± {}", short(m), short(h)),
                            (Some(m), None) => short(m),
                            _ => "—".into(),
                        },
                        None => "—".into(),
                    });
                }
                r
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for r in std::iter::once(&header).chain(rows.iter()) {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:>w$}", w = widths[i]))
                .collect();
            writeln!(out, "{}", line.join("  ")).context("writing to standard output")?;
        }
    }
    Ok(())
}

/// A number for a sweep table: shares as they are (0–1), others rounded sensibly.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}

/// A chart of one metric against the first swept value, one line per value of the second.
fn sweep_chart(
    settings: &[supportsim::sweep::Setting],
    points: &[SweepPoint],
    metric: &str,
) -> plot::Chart {
    let first = &settings[0];
    let groups: Vec<Option<&supportsim::sweep::Point>> = match settings.get(1) {
        Some(s) => s.points.iter().map(Some).collect(),
        None => vec![None],
    };
    let lines = groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let mine: Vec<&SweepPoint> = points
                .iter()
                .filter(|p| g.is_none_or(|g| p.values.get(1) == Some(g)))
                .collect();
            let stat = |p: &SweepPoint| find_metric(&p.summary, metric).copied();
            plot::Line {
                label: match (g, settings.get(1)) {
                    (Some(g), Some(s)) => format!("{} = {}", s.path_text, g.text),
                    _ => metric.to_string(),
                },
                values: mine.iter().map(|p| stat(p).and_then(|s| s.mean)).collect(),
                band: Some((
                    mine.iter()
                        .map(|p| stat(p).and_then(|s| s.ci_low.or(s.mean)))
                        .collect(),
                    mine.iter()
                        .map(|p| stat(p).and_then(|s| s.ci_high.or(s.mean)))
                        .collect(),
                )),
                color: gi,
                dashed: false,
            }
        })
        .collect();
    let key = metric.rsplit('.').next().unwrap_or(metric);
    let unit = if key.ends_with("_seconds") {
        plot::YUnit::Duration
    } else if [
        "service_level",
        "abandon_rate",
        "occupancy",
        "csat",
        "p_wait",
        "fcr",
        "repeat_rate",
        "blocked_rate",
    ]
    .contains(&key)
    {
        plot::YUnit::Percent
    } else {
        plot::YUnit::Count
    };
    plot::Chart::Time(plot::TimeChart {
        title: format!("{metric} against {} (95% interval shaded)", first.path_text),
        y_label: metric.to_string(),
        unit,
        x: first.points.iter().map(|p| p.x).collect(),
        lines,
        targets: vec![],
        start_weekday: 0,
        x_label: Some(first.path_text.clone()),
    })
}

/// Set by Ctrl-C: simulations stop soon after, and nothing is written.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Runs every replication, ticking the progress bar; stops promptly on Ctrl-C. Keeps the
/// per-interval time series only with `series`.
fn replicate(
    model: &supportsim::model::Model,
    bar: &ProgressBar,
    series: bool,
) -> Result<Vec<supportsim::metrics::RepResult>, Failure> {
    supportsim::run_replications_cancellable(model, &|| bar.inc(1), &INTERRUPTED, series)
        .ok_or_else(|| {
            bar.finish_and_clear();
            Failure {
                code: 130,
                error: anyhow::anyhow!("interrupted: stopped before the end, nothing was written"),
            }
        })
}

/// Runs the replications and streams the first one's contacts to a temporary file beside
/// `path`, which the caller moves into place once everything else is written.
fn replicate_logged(
    model: &supportsim::model::Model,
    bar: &ProgressBar,
    series: bool,
    path: &Path,
) -> Result<(Vec<supportsim::metrics::RepResult>, tempfile::NamedTempFile), Failure> {
    if path.is_dir() {
        return Err(flag_error(format!(
            "--contacts-log {} is a folder
  = help: give a file name, e.g. contacts.csv",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(flag_error(format!(
            "--contacts-log: folder {} does not exist
  = help: create it first, or write the log elsewhere",
            dir.display()
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".contacts-log.")
        .tempfile_in(&dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let file = std::io::BufWriter::with_capacity(
        1 << 20,
        tmp.as_file()
            .try_clone()
            .context("opening the contact log")?,
    );
    let mut writer = supportsim::contact_log::ContactLogWriter::new(model, file)
        .context("writing the contact log")?;
    let reps = supportsim::run_replications_logged(
        model,
        &|| bar.inc(1),
        &INTERRUPTED,
        series,
        &mut writer,
    )
    .ok_or_else(|| {
        bar.finish_and_clear();
        Failure {
            code: 130,
            error: anyhow::anyhow!("interrupted: stopped before the end, nothing was written"),
        }
    })?;
    writer
        .finish()
        .and_then(|(w, _)| w.into_inner().map_err(|e| e.into_error()))
        .and_then(|f| readable(&f).and_then(|_| f.sync_all()))
        .with_context(|| format!("writing the contact log {}", path.display()))?;
    Ok((reps, tmp))
}

fn flag_error(msg: String) -> Failure {
    Failure::input(anyhow::anyhow!("error: {msg}"))
}

fn flag_duration(flag: &str, text: &str) -> Result<f64, Failure> {
    match supportsim::duration::parse_duration(text) {
        Ok(d) if d > 0.0 => Ok(d),
        Ok(_) => Err(flag_error(format!("--{flag} must be longer than zero"))),
        Err(msg) => Err(flag_error(format!("--{flag}: {msg}"))),
    }
}

fn flag_share(flag: &str, x: f64, lo_open: bool, hi_open: bool) -> Result<f64, Failure> {
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

fn erlang(args: &ErlangArgs) -> Result<(), Failure> {
    use supportsim::erlang::{self, Model, Question};
    let model = match args.model {
        ErlangModel::B => Model::B,
        ErlangModel::C => Model::C,
        ErlangModel::A => Model::A,
    };
    if !(args.per_hour.is_finite() && args.per_hour > 0.0) {
        return Err(flag_error(format!(
            "--per-hour must be a number above 0, got {}",
            args.per_hour
        )));
    }
    let aht = flag_duration("aht", &args.aht)?;
    let patience = match (&args.patience, model) {
        (Some(p), Model::A) => Some(flag_duration("patience", p)?),
        (None, Model::A) => return Err(flag_error("Erlang A needs --patience, the mean time callers wait before hanging up, e.g. --patience 3m".into())),
        (Some(_), _) => return Err(flag_error("--patience applies to Erlang A only; use `supportsim erlang a`".into())),
        (None, _) => None,
    };
    let answer_within = match (&args.answer_within, model) {
        (Some(_), Model::B) => return Err(flag_error("--answer-within has no meaning for Erlang B: nobody waits (the service level is the share not blocked)".into())),
        (Some(t), _) => flag_duration("answer-within", t)?,
        (None, Model::B) => 0.0,
        (None, _) if args.target_sl.is_some() => {
            return Err(flag_error("--target-sl needs --answer-within, e.g. --target-sl 0.8 --answer-within 20s".into()));
        }
        (None, _) => 20.0,
    };
    if args.agents.is_none() && args.target_sl.is_none() && args.max_occupancy.is_none() {
        return Err(flag_error("give --agents N to evaluate a staffing, or --target-sl SHARE --answer-within DURATION to find one".into()));
    }
    if args.agents == Some(0) {
        return Err(flag_error("--agents must be at least 1".into()));
    }
    let q = Question {
        model,
        per_hour: args.per_hour,
        aht,
        patience,
        answer_within,
        agents: args.agents,
        target_sl: args
            .target_sl
            .map(|x| flag_share("target-sl", x, true, true))
            .transpose()?,
        max_occupancy: args
            .max_occupancy
            .map(|x| flag_share("max-occupancy", x, true, false))
            .transpose()?,
        shrinkage: args
            .shrinkage
            .map(|x| flag_share("shrinkage", x, false, true))
            .transpose()?,
    };
    let ans = erlang::solve(&q).map_err(|e| Failure::input(anyhow::anyhow!("error: {e}")))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &ans).context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
        return Ok(());
    }
    let fmt = supportsim::duration::format_duration;
    let title = match model {
        Model::B => "Erlang B (no queue: busy signals)",
        Model::C => "Erlang C (callers wait)",
        Model::A => "Erlang A (callers abandon)",
    };
    let mut t = format!(
        "{title}: {} an hour, handle time {} = {:.2} Erlangs offered\n",
        args.per_hour,
        fmt(aht),
        ans.offered_erlangs
    );
    t += &format!("agents           {}", ans.agents);
    if let (Some(n), Some(s)) = (ans.agents_with_shrinkage, q.shrinkage) {
        t += &format!(" ({n} to schedule with {:.0}% shrinkage)", s * 100.0);
    }
    t.push('\n');
    match model {
        Model::B => {
            t += &format!(
                "blocked          {:.2}%\n",
                ans.blocking.unwrap_or(0.0) * 100.0
            );
            t += &format!("answered         {:.2}%\n", ans.service_level * 100.0);
        }
        _ => {
            t += &format!(
                "service level    {:.1}% answered within {}\n",
                ans.service_level * 100.0,
                fmt(answer_within)
            );
            t += &format!("waiting at all   {:.1}%\n", ans.p_wait * 100.0);
            t += &format!(
                "ASA              {}\n",
                if ans.asa_seconds.is_finite() {
                    fmt(ans.asa_seconds)
                } else {
                    "unbounded: too few agents".into()
                }
            );
            if let Some(ab) = ans.abandon_rate {
                t += &format!("abandoned        {:.1}%\n", ab * 100.0);
            }
        }
    }
    t += &format!("occupancy        {:.1}%\n", ans.occupancy * 100.0);
    write!(out, "{t}").context("writing to standard output")?;
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn load(path: &Path) -> Result<scenario::Loaded, Failure> {
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

fn validate(path: &Path) -> Result<(), Failure> {
    let loaded = load(path)?;
    let m = &loaded.model;
    println!(
        "{} is valid: {} channel{}, {} topic{}, {} agent group{}, {} agents.",
        path.display(),
        m.channels.len(),
        if m.channels.len() == 1 { "" } else { "s" },
        m.topics.len(),
        if m.topics.len() == 1 { "" } else { "s" },
        m.groups.len(),
        if m.groups.len() == 1 { "" } else { "s" },
        m.groups.iter().map(|g| g.headcount()).sum::<u32>()
    );
    Ok(())
}

/// Loads a scenario and applies the command line's overrides.
fn prepared(
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
        model.days = d;
    }
    Ok(model)
}

/// Refuses an `--out` that names a file.
fn check_out(out: Option<&PathBuf>) -> Result<(), Failure> {
    if let Some(dir) = out
        && dir.exists()
        && !dir.is_dir()
    {
        return Err(Failure::input(anyhow::anyhow!(
            "error: --out {} is a file, not a folder\n  = help: give a folder name; it is created if missing",
            dir.display()
        )));
    }
    Ok(())
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let o = &args.overrides;
    let model = prepared(&args.scenario, o.replications, o.seed, o.days)?;
    check_out(args.out.as_ref())?;

    let file = args.scenario.display().to_string();
    let bar = progress_bar(u64::from(model.replications));
    // The table's warnings and --out need the time series; --json alone needs none, and then
    // memory does not grow with the horizon.
    let series = args.out.is_some() || !args.json;
    let (reps, log) = match &args.contacts_log {
        None => (replicate(&model, &bar, series)?, None),
        Some(path) => {
            let (reps, log) = replicate_logged(&model, &bar, series, path)?;
            (reps, Some(log))
        }
    };
    bar.finish_and_clear();
    let summary = report::summarize(&model, &file, &reps);

    let (rows, grows) = report::intervals(&model, &reps);
    let warnings = report::warnings(&model, &summary, &rows, &grows);
    let mut written = Vec::new();
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut json = Vec::new();
        export::write_json(&summary, &mut json).context("rendering summary.json")?;
        files.push(("summary.json".into(), json));
        let mut csv = Vec::new();
        export::write_intervals_csv(&rows, model.demand.start_weekday, &mut csv)
            .context("rendering intervals.csv")?;
        files.push(("intervals.csv".into(), csv));
        let mut gcsv = Vec::new();
        export::write_group_intervals_csv(&grows, model.demand.start_weekday, &mut gcsv)
            .context("rendering agents_intervals.csv")?;
        files.push(("agents_intervals.csv".into(), gcsv));
        let days = report::daily(&model, &reps);
        let distribution = report::frt_distribution(&model, &reps);
        let charts = charts::charts(&model, &rows, &grows, &days, &distribution);
        let mut figures = Vec::new();
        for c in &charts {
            let svg = plot::svg(&c.chart).context("drawing the charts")?;
            if args.png {
                let png = plot::png(&c.chart).context("drawing the charts")?;
                files.push((format!("{}.png", c.name), png));
            }
            files.push((format!("{}.svg", c.name), svg.clone().into_bytes()));
            figures.push(html::Figure {
                name: c.name.clone(),
                title: c.chart.title().to_string(),
                svg,
            });
        }
        let page = html::render(&model, &summary, &warnings, &figures);
        files.push(("report.html".into(), page.into_bytes()));
        write_all(dir, &files)?;
        written = files.into_iter().map(|(n, _)| n).collect();
    }
    if let (Some(log), Some(path)) = (log, &args.contacts_log) {
        log.persist(path).map_err(|e| {
            anyhow::Error::new(e.error).context(format!("saving {}", path.display()))
        })?;
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        export::write_json(&summary, &mut stdout).context("writing to standard output")?;
    } else {
        write!(stdout, "{}", export::render_table_text(&summary))
            .context("writing to standard output")?;
        if !warnings.is_empty() {
            writeln!(stdout, "\nwhat needs attention:").context("writing to standard output")?;
            for w in &warnings {
                writeln!(stdout, "  - {w}").context("writing to standard output")?;
            }
        }
        if let Some(dir) = &args.out {
            writeln!(
                stdout,
                "\nwrote {} files to {}: open {} in a browser",
                written.len(),
                dir.display(),
                dir.join("report.html").display()
            )
            .context("writing to standard output")?;
        }
    }
    Ok(())
}

/// The one progress bar: on stderr, only when stderr is a terminal, and only once a run has
/// taken more than a second.
fn progress_bar(replications: u64) -> ProgressBar {
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
fn readable(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Writes every file to a temporary name in `dir` first, then renames them into place, so each
/// file is either whole or absent; if any step fails, nothing new is left behind.
fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let mut temps = Vec::new();
    for (name, bytes) in files {
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(dir)
            .with_context(|| format!("creating a file in {}", dir.display()))?;
        tmp.write_all(bytes)
            .and_then(|_| readable(tmp.as_file()))
            .and_then(|_| tmp.as_file().sync_all())
            .with_context(|| format!("writing {name} in {}", dir.display()))?;
        temps.push((tmp, name.as_str()));
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    for (tmp, name) in temps {
        let target = dir.join(name);
        if let Err(e) = tmp.persist(&target) {
            for p in &placed {
                let _ = std::fs::remove_file(p);
            }
            return Err(anyhow::Error::new(e.error)
                .context(format!("saving {}", target.display()))
                .into());
        }
        placed.push(target);
    }
    Ok(())
}
