//! `supportsim compare`: several scenarios on the same seeds, paired differences.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use supportsim::{charts, plot, report};

use super::shard::{Merging, Mode, Outputs, Units};
use super::{Failure, check_out, flag_error, prepared, progress_bar, write_all};

#[derive(clap::Args, Clone, serde::Serialize, serde::Deserialize)]
pub struct CompareArgs {
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
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Memory the per-interval time series of one scenario's replications may take for the
    /// overlay charts (e.g. 512MB, 2GB); past it they are kept in temporary files, exactly,
    /// and the charts are the same.
    #[arg(long, value_name = "SIZE", default_value = "512MB", value_parser = super::parse_bytes, requires = "out")]
    #[serde(default = "default_series_memory")]
    series_memory: u64,
    /// Compute only shard K of N of the (scenario, replication) pairs and write them as a part
    /// into --out, for `supportsim merge` to complete; /N takes K from the scheduler.
    #[arg(long, value_name = "K/N", requires = "out", conflicts_with_all = ["json", "force"])]
    shard: Option<String>,
}

fn default_series_memory() -> u64 {
    512_000_000
}

/// The options a part records: everything but the output options, which `merge` gives.
fn settings(args: &CompareArgs) -> Result<String, Failure> {
    let mut a = args.clone();
    (a.out, a.json, a.force, a.shard) = (None, false, false, None);
    Ok(serde_json::to_string(&a).context("recording the options")?)
}

/// `compare` completed from the parts of its shards, with `merge`'s output options.
pub fn merged(mut args: CompareArgs, o: Outputs, parts: Merging) -> Result<(), Failure> {
    (args.out, args.json, args.force, args.shard) = (o.out, o.json, o.force, None);
    compare_with(&args, Mode::Merged(Box::new(parts)))
}

pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let mode = Mode::of(args.shard.as_deref(), args.out.as_ref())?;
    compare_with(args, mode)
}

fn compare_with(args: &CompareArgs, mode: Mode) -> Result<(), Failure> {
    let parts = mode.inputs();
    let mut inputs: Vec<&std::path::Path> = args.scenarios.iter().map(PathBuf::as_path).collect();
    inputs.extend(parts.iter().map(PathBuf::as_path));
    if !mode.is_shard() {
        check_out(args.out.as_ref(), args.force, &inputs)?;
    }
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
    // Time series only feed the overlay charts (a shard keeps them for whatever the merge
    // writes).
    let series = args.out.is_some();
    if series {
        let available = super::output::available_memory();
        for m in &models {
            super::output::series_fit(m, Some(args.series_memory), available)?;
        }
    }
    let plans: Vec<_> = models
        .iter()
        .zip(&args.scenarios)
        .map(|(m, p)| (m, p.display().to_string()))
        .collect();
    let mut units = Units::new(mode, "compare", settings(args)?, &plans)?;
    let bar = progress_bar(units.count());
    let mut summaries = Vec::new();
    let mut runs = Vec::new();
    for (p, (m, path)) in models.iter().zip(&args.scenarios).enumerate() {
        let store = series.then(|| report::SeriesStore::new(m.replications, args.series_memory));
        let Some(reps) = units.results(p, m, &bar, series, store.as_ref())? else {
            continue;
        };
        let mut s = report::summarize(m, &path.display().to_string(), &reps);
        // Two files may share a scenario name; the comparison needs to tell them apart.
        if summaries
            .iter()
            .any(|o: &report::Summary| o.scenario.name == s.scenario.name)
        {
            s.scenario.name = format!("{} ({})", s.scenario.name, path.display());
        }
        if let Some(store) = &store {
            let (rows, grows, _) = store
                .series(m)
                .map_err(|e| Failure::from(anyhow::anyhow!(e)))?;
            runs.push((rows, grows));
        }
        summaries.push(s);
    }
    bar.finish_and_clear();
    if units.finish(&inputs)? {
        return Ok(());
    }
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
        write_all(dir, &files, &inputs)?;
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
