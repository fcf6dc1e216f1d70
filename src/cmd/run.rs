//! `supportsim run` and `supportsim validate`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use supportsim::{charts, export, report};

use super::shard::{Merging, Mode, Outputs, Units};
use super::{
    Failure, Overrides, check_out, load, prepared, progress_bar, replicate_logged, write_all,
};

#[derive(clap::Args, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunArgs {
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
    /// Write the first replication's tickets of the async channels to FILE as a service desk's
    /// event log, one row per update (streamed; read it back with `supportsim fit FILE
    /// --events mappings/supportsim-events.toml`).
    #[arg(long, value_name = "FILE", conflicts_with = "contacts_log")]
    ticket_events: Option<PathBuf>,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
    /// Memory the per-interval time series of all replications may take (e.g. 512MB, 2GB);
    /// past it they are kept in temporary files, exactly, and the output is the same.
    #[arg(long, value_name = "SIZE", default_value = "512MB", value_parser = super::parse_bytes)]
    series_memory: u64,
    /// Compute only shard K of N of the replications and write them as a part into --out, for
    /// `supportsim merge` to complete; /N takes K from the scheduler (SLURM_ARRAY_TASK_ID,
    /// JOB_COMPLETION_INDEX).
    #[arg(long, value_name = "K/N", requires = "out", conflicts_with_all = ["json", "png", "force", "contacts_log", "ticket_events"])]
    shard: Option<String>,
}

/// The options a part records: everything but the output options, which `merge` gives.
fn settings(args: &RunArgs) -> Result<String, Failure> {
    let mut a = args.clone();
    (a.out, a.json, a.png, a.force, a.shard) = (None, false, false, false, None);
    Ok(serde_json::to_string(&a).context("recording the options")?)
}

/// `run` completed from the parts of its shards, with `merge`'s output options.
pub fn merged(mut args: RunArgs, o: Outputs, parts: Merging) -> Result<(), Failure> {
    (args.out, args.json, args.png, args.force, args.shard) = (o.out, o.json, o.png, o.force, None);
    run_with(&args, Mode::Merged(Box::new(parts)))
}

pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let mode = Mode::of(args.shard.as_deref(), args.out.as_ref())?;
    run_with(args, mode)
}

fn run_with(args: &RunArgs, mode: Mode) -> Result<(), Failure> {
    let o = &args.overrides;
    let model = prepared(&args.scenario, o.replications, o.seed, o.days)?;
    let parts = mode.inputs();
    let mut inputs = vec![args.scenario.as_path()];
    inputs.extend(parts.iter().map(PathBuf::as_path));
    if !mode.is_shard() {
        check_out(args.out.as_ref(), args.force, &inputs)?;
    }
    let log_path = log_target(args, &model, &inputs)?;

    let file = args.scenario.display().to_string();
    // The table's warnings and --out need the time series; --json alone needs none, and then
    // memory does not grow with the horizon. A shard keeps them for whatever the merge writes.
    let series = mode.is_shard() || args.out.is_some() || !args.json;
    // A shard's part keeps its replications' series whole; otherwise they go to a store
    // within the memory budget as replications finish.
    let store = (series && !mode.is_shard())
        .then(|| report::SeriesStore::new(model.replications, args.series_memory));
    if series {
        let budget = store.as_ref().map(|_| args.series_memory);
        super::output::series_fit(&model, budget, super::output::available_memory())?;
    }
    let mut units = Units::new(mode, "run", settings(args)?, &[(&model, file.clone())])?;
    let bar = progress_bar(units.count());
    let (reps, log) = match log_path {
        None => match units.results(0, &model, &bar, series, store.as_ref())? {
            Some(reps) => (reps, None),
            None => {
                bar.finish_and_clear();
                units.finish(&inputs)?;
                return Ok(());
            }
        },
        Some((path, _, kind)) => {
            let (reps, log) = replicate_logged(&model, &bar, store.as_ref(), path, kind)?;
            (reps, Some(log))
        }
    };
    bar.finish_and_clear();
    let summary = report::summarize(&model, &file, &reps);

    let (rows, grows, days) = match &store {
        Some(s) => s
            .series(&model)
            .map_err(|e| Failure::from(anyhow::anyhow!(e)))?,
        None => Default::default(),
    };
    let warnings = report::warnings(&model, &summary, &rows, &grows);
    let mut written = Vec::new();
    // The files and the contact log are written together, or not at all on Ctrl-C.
    let gate = super::interrupt::gate().ok_or_else(super::interrupt::stopped)?;
    if let Some(dir) = &args.out {
        let distribution = report::frt_distribution(&model, &reps);
        let charts = charts::charts(&model, &rows, &grows, &days, &distribution);
        let figures = export::Run::figures(charts).context("drawing the charts")?;
        let run = export::Run {
            model: &model,
            summary: &summary,
            intervals: &rows,
            group_intervals: &grows,
            warnings: &warnings,
            figures: &figures,
        };
        let mut files = Vec::new();
        for exporter in export::run_exporters(args.png) {
            files.extend(exporter.files(&run).context("rendering the output files")?);
        }
        write_all(dir, &files, &inputs)?;
        written = files.into_iter().map(|(n, _)| n).collect();
    }
    if let (Some(log), Some((path, _, _))) = (log.flatten(), log_path) {
        let path = super::output::resolved(path);
        log.persist(&path).map_err(|e| {
            anyhow::Error::new(e.error).context(format!("saving {}", path.display()))
        })?;
    }
    drop(gate);
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

/// The contact or ticket-event log asked for, checked before any work.
fn log_target<'a>(
    args: &'a RunArgs,
    model: &supportsim::model::Model,
    inputs: &[&Path],
) -> Result<Option<(&'a PathBuf, &'static str, super::LogKind)>, Failure> {
    let log_path = match (&args.contacts_log, &args.ticket_events) {
        (Some(p), _) => Some((p, "--contacts-log", super::LogKind::Contacts)),
        (None, Some(p)) => Some((p, "--ticket-events", super::LogKind::TicketEvents)),
        (None, None) => None,
    };
    if let Some((path, flag, _)) = log_path {
        super::output::check_file(flag, path, inputs)?;
    }
    if args.ticket_events.is_some()
        && !model
            .channels
            .iter()
            .any(|c| c.kind == supportsim::model::ChannelKind::Async)
    {
        return Err(super::flag_error(format!(
            "--ticket-events writes the tickets of async channels, and {} has none\n  = help: use --contacts-log for calls and chats",
            args.scenario.display()
        )));
    }
    if args.ticket_events.is_some()
        && let Some(c) = model.channels.iter().find(|c| c.chase.is_some())
    {
        return Err(super::flag_error(format!(
            "--ticket-events does not yet write the tickets withdrawn when their customers chase them (`chase_after` on [channels.{}] of {}): a desk's log has no state for them that reads back as anything but an answer\n  = help: write the log without the chase keys, or use --contacts-log, which marks them abandoned",
            c.name,
            args.scenario.display()
        )));
    }
    Ok(log_path)
}

pub fn validate(path: &Path) -> Result<(), Failure> {
    let loaded = load(path)?;
    let m = &loaded.model;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut extra = String::new();
    if !m.surges.is_empty() {
        extra += &format!(", {}", plural(m.surges.len(), "surge"));
    }
    if m.demand.growth_per_month != 0.0 {
        extra += &format!(
            ", volume {:+.1}% a month",
            m.demand.growth_per_month * 100.0
        );
    }
    println!(
        "{} is valid: {}, {}, {}, {} agents{extra}.",
        path.display(),
        plural(m.channels.len(), "channel"),
        plural(m.topics.len(), "topic"),
        plural(m.groups.len(), "agent group"),
        m.groups.iter().map(|g| g.headcount()).sum::<u32>()
    );
    Ok(())
}
