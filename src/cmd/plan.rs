//! `supportsim plan`: the long range week by week — headcount, leavers, absence, occupancy,
//! service level and cost per week with their bands across replications, and the hiring
//! classes marked.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use supportsim::plan::{Plan, Unit};
use supportsim::{numbers, plot};

use super::{
    Failure, INTERRUPTED, check_out, flag_error, prepared, progress_bar, stopped, write_all,
};

#[derive(clap::Args)]
pub struct PlanArgs {
    /// Scenario file (TOML).
    pub(super) scenario: PathBuf,
    /// Weeks to simulate from day 0 (replaces [simulation] days with 7 × WEEKS).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=5_200))]
    weeks: Option<u32>,
    /// Number of replications (overrides [simulation] replications).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    replications: Option<u32>,
    /// Base random seed (overrides [simulation] seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Write plan.json, weeks.csv and the charts (SVG) into this folder (with --hire-for:
    /// hiring.json and hires.toml, the classes with the sizes found).
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
    /// Print the plan as JSON instead of a table.
    #[arg(long)]
    pub(super) json: bool,
    /// With --out, also write the charts as PNG (they are always written as SVG).
    #[arg(long, requires = "out", conflicts_with = "hire_for")]
    png: bool,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    pub(super) force: bool,
    /// Size the scenario's hiring classes: the fewest hires that keep every week's
    /// service-level targets met in this share of replications (e.g. 0.9), searched by
    /// simulation on common random numbers and checked on fresh seeds.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub(super) hire_for: Option<f64>,
    /// With --hire-for, the seed of the fresh replications the plan found is checked on
    /// (default: the seed with its lowest bit flipped).
    #[arg(long, requires = "hire_for")]
    pub(super) check_seed: Option<u64>,
    /// With --hire-for, the replications of that check (default: the search's). One hire in a
    /// large team moves a week's chance of meeting its target by a few points; more
    /// replications tell that from chance.
    #[arg(long, requires = "hire_for", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(super) check_replications: Option<u32>,
    /// With --hire-for, go on from the plan found with the same search on this many
    /// replications (more than the scenario's): a class sized on a few replications lands a
    /// hire or two either side of its edge, on more, closer to it.
    #[arg(long, requires = "hire_for", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(super) refine_replications: Option<u32>,
}

/// A share in (0, 1].
fn share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!(
            "`{s}` is not a share of replications between 0 and 1, e.g. 0.9"
        )),
    }
}

pub fn plan(args: &PlanArgs) -> Result<(), Failure> {
    let mut model = prepared(&args.scenario, args.replications, args.seed, None)?;
    if let Some(w) = args.weeks {
        let days = w * 7;
        if model.warmup_days >= days {
            return Err(flag_error(format!(
                "--weeks {w} is {days} days, no more than the scenario's warm-up of {} days\n  = help: plan more weeks, or shorten warmup_days",
                model.warmup_days
            )));
        }
        if let Some(dated) = &model.demand.dated
            && days as usize > dated.days.len()
        {
            return Err(flag_error(format!(
                "--weeks {w} is {days} days, and the forecast of {} covers {} days from its start_date\n  = help: plan {} weeks or fewer, or forecast further",
                args.scenario.display(),
                dated.days.len(),
                dated.days.len() / 7
            )));
        }
        model.days = days;
    }
    let inputs = [args.scenario.as_path()];
    check_out(args.out.as_ref(), args.force, &inputs)?;
    fits_in_memory(&model)?;
    if let Some(p) = args.hire_for {
        return super::hire_for::hire_for(&model, p, args);
    }
    let bar = progress_bar(u64::from(model.replications));
    let reps = supportsim::plan::simulate(&model, Some(&INTERRUPTED), &|| bar.inc(1))
        .map_err(|e| stopped(e, &model.name, &bar))?;
    bar.finish_and_clear();
    let plan = Plan::of(&model, &reps);
    let json = serde_json::to_vec_pretty(&to_json(&plan)).context("rendering JSON")?;
    if let Some(dir) = &args.out {
        let mut files = vec![
            ("plan.json".to_string(), json.clone()),
            ("weeks.csv".to_string(), super::csv_bytes(&csv_rows(&plan))?),
        ];
        for chart in supportsim::plan::chart(&model, &plan) {
            let name = supportsim::charts::slug(chart.title());
            let svg = plot::svg(&chart).context("drawing the charts")?;
            files.push((format!("{name}.svg"), svg.into_bytes()));
            if args.png {
                let png = plot::png(&chart).context("drawing the charts")?;
                files.push((format!("{name}.png"), png));
            }
        }
        write_all(dir, &files, &inputs)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        out.write_all(&json).context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
    } else {
        write!(out, "{}", table(&plan)).context("writing to standard output")?;
    }
    Ok(())
}

/// Refuses a plan whose replications in flight would not fit in memory (each keeps its time
/// series until it finishes and folds them into weeks).
fn fits_in_memory(m: &supportsim::model::Model) -> Result<(), Failure> {
    let per_rep = super::output::series_bytes(m) / u64::from(m.replications.max(1));
    let need = per_rep.saturating_mul(rayon::current_num_threads() as u64);
    match super::output::available_memory() {
        Some(free) if need.saturating_mul(10) > free.saturating_mul(9) => Err(flag_error(format!(
            "each replication of this plan keeps {:.1} GB of time series while it runs, {:.1} GB on {} threads, and the machine has {:.1} GB available\n  = help: use a longer [simulation] interval (\"1h\"), or fewer threads (RAYON_NUM_THREADS)",
            per_rep as f64 / 1e9,
            need as f64 / 1e9,
            rayon::current_num_threads(),
            free as f64 / 1e9
        ))),
        _ => Ok(()),
    }
}

/// The plan as JSON: each week with its hiring classes and each column's mean and band.
fn to_json(plan: &Plan) -> serde_json::Value {
    let num = |x: Option<f64>| x.map_or(serde_json::Value::Null, serde_json::Value::from);
    let weeks: Vec<serde_json::Value> = plan
        .weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let mut figures = serde_json::Map::new();
            for (c, b) in plan.columns.iter().zip(&w.values) {
                figures.insert(
                    c.name.clone(),
                    serde_json::json!({"mean": num(b.mean), "p10": num(b.p10), "p90": num(b.p90)}),
                );
            }
            let hiring: Vec<serde_json::Value> = w
                .hiring
                .iter()
                .map(|h| {
                    serde_json::json!({
                        "class": h.class,
                        "group": h.group,
                        "size": h.size,
                        "event": if h.hired { "hired" } else { "joins the floor" },
                    })
                })
                .collect();
            serde_json::json!({
                "week": i + 1,
                "start_day": w.start_day,
                "days": w.days,
                "hiring": hiring,
                "figures": figures,
            })
        })
        .collect();
    serde_json::json!({
        "scenario": plan.name,
        "replications": plan.replications,
        "seed": plan.seed,
        "weeks": weeks,
    })
}

/// `weeks.csv`: one row per week, each column's mean, P10 and P90.
fn csv_rows(plan: &Plan) -> Vec<Vec<String>> {
    let mut head = vec!["week".to_string(), "start_day".to_string()];
    for c in &plan.columns {
        for s in ["mean", "p10", "p90"] {
            head.push(format!("{}_{s}", c.name));
        }
    }
    let cell = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    let mut rows = vec![head];
    for (i, w) in plan.weeks.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), w.start_day.to_string()];
        for b in &w.values {
            row.extend([cell(b.mean), cell(b.p10), cell(b.p90)]);
        }
        rows.push(row);
    }
    rows
}

/// The columns the table shows (the CSV and JSON have them all).
const SHOWN: [&str; 7] = [
    "headcount",
    "leavers",
    "absence",
    "occupancy",
    "targets_met",
    "nps_expected",
    "agent_cost",
];

/// The plan as a text table: per week the workforce, each channel's service level with its
/// P10–P90 band, and the hiring classes.
fn table(plan: &Plan) -> String {
    let mut cols: Vec<usize> = SHOWN.iter().filter_map(|n| plan.column(n)).collect();
    cols.extend(
        plan.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name.ends_with(".service_level"))
            .map(|(k, _)| k),
    );
    let mut out = format!(
        "{}: {} week{}, {} replication{} (mean, and P10–P90 where it varies)\n\n",
        plan.name,
        plan.weeks.len(),
        if plan.weeks.len() == 1 { "" } else { "s" },
        plan.replications,
        if plan.replications == 1 { "" } else { "s" },
    );
    let mut head = vec!["week".to_string()];
    head.extend(cols.iter().map(|&k| plan.columns[k].name.clone()));
    head.push("hiring".to_string());
    let mut rows = vec![head];
    for (i, w) in plan.weeks.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        for &k in &cols {
            let mut b = w.values[k];
            if plan.columns[k].name == "targets_met" {
                // A share of replications: its band across them says nothing more.
                (b.p10, b.p90) = (None, None);
            }
            row.push(shown(plan.columns[k].unit, &b));
        }
        row.push(hiring_cell(w));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(x, w)| format!("{x:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The week's hiring classes, their agents summed per group and event: "5 phone hired".
fn hiring_cell(w: &supportsim::plan::Week) -> String {
    let mut seen: Vec<(&str, bool, u32)> = Vec::new();
    for h in &w.hiring {
        match seen
            .iter_mut()
            .find(|(g, hired, _)| *g == h.group && *hired == h.hired)
        {
            Some(s) => s.2 += h.size,
            None => seen.push((&h.group, h.hired, h.size)),
        }
    }
    let parts: Vec<String> = seen
        .iter()
        .map(|(g, hired, n)| {
            let what = if *hired { "hired" } else { "on floor" };
            format!("{n} {g} {what}")
        })
        .collect();
    parts.join(", ")
}

/// A band as the table shows it: the mean, and its P10–P90 when they differ.
fn shown(unit: Unit, b: &supportsim::report::Band) -> String {
    let f = |x: f64| match unit {
        Unit::Share => format!("{:.1}%", x * 100.0),
        Unit::Seconds => supportsim::duration::format_duration(x),
        Unit::Count => numbers::plain((x * 10.0).round() / 10.0),
        Unit::Money => numbers::plain(x.round()),
        Unit::Score => format!("{x:+.1}"),
    };
    match (b.mean, b.p10, b.p90) {
        (Some(m), Some(lo), Some(hi)) if hi - lo > 1e-9 * m.abs().max(1.0) => {
            format!("{} ({}–{})", f(m), f(lo), f(hi))
        }
        (Some(m), _, _) => f(m),
        _ => "–".to_string(),
    }
}
