//! `supportsim sweep`: a scenario over a grid of one or two values.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use supportsim::model::Model;
use supportsim::sweep::{self, Setting};
use supportsim::{charts, plot, report};

use super::shard::{Merging, Mode, Outputs, Units};
use super::{
    Failure, Overrides, check_out, csv_bytes, flag_error, prepared, progress_bar, write_all,
};

#[derive(clap::Args, Clone, serde::Serialize, serde::Deserialize)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// A value to sweep: PATH=VALUES, e.g. agents.tier1.count=8..20 or
    /// automation.containment=0,0.1,0.2 or channels.phone.answer_within=20s,30s. Repeat for a
    /// grid over several paths (every combination is run).
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
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Compute only shard K of N of the (point, replication) pairs and write them as a part
    /// into --out, for `supportsim merge` to complete; /N takes K from the scheduler.
    #[arg(long, value_name = "K/N", requires = "out", conflicts_with_all = ["json", "force"])]
    shard: Option<String>,
}

/// The options a part records: everything but the output options, which `merge` gives.
fn recorded(args: &SweepArgs) -> Result<String, Failure> {
    let mut a = args.clone();
    (a.out, a.json, a.force, a.shard) = (None, false, false, None);
    Ok(serde_json::to_string(&a).context("recording the options")?)
}

/// `sweep` completed from the parts of its shards, with `merge`'s output options.
pub fn merged(mut args: SweepArgs, o: Outputs, parts: Merging) -> Result<(), Failure> {
    (args.out, args.json, args.force, args.shard) = (o.out, o.json, o.force, None);
    sweep_with(&args, Mode::Merged(Box::new(parts)))
}

pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let mode = Mode::of(args.shard.as_deref(), args.out.as_ref())?;
    sweep_with(args, mode)
}

/// One point of a sweep: the value of each setting and the summary there.
pub struct SweepPoint {
    values: Vec<supportsim::sweep::Point>,
    summary: report::Summary,
}

/// Finds a metric of a summary: `key` (overall), `name.key` (channel, topic or group) or
/// `live.key` / `written.key` (a kind group: calls and chats; written work).
pub fn find_metric<'a>(s: &'a report::Summary, spec: &str) -> Option<&'a report::Stat> {
    s.metric(spec)
}

/// The scenario at `path` as a document of the typed format, ready for settings by path.
pub fn typed_document(path: &std::path::Path) -> Result<toml::Table, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::input(anyhow::anyhow!(
            "error: cannot read {}: {e}",
            path.display()
        ))
    })?;
    sweep::document(&text).map_err(|e| flag_error(format!("{}: {e}", path.display())))
}

/// A sweep error as an input error: rendered diagnostics as they are, others as one message.
pub fn sweep_error(e: sweep::SweepError) -> Failure {
    match e {
        sweep::SweepError::Invalid(text) => Failure::input(anyhow::anyhow!(text)),
        other => flag_error(other.to_string()),
    }
}

fn sweep_with(args: &SweepArgs, mode: Mode) -> Result<(), Failure> {
    let parts = mode.inputs();
    let mut inputs = vec![args.scenario.as_path()];
    inputs.extend(parts.iter().map(PathBuf::as_path));
    if !mode.is_shard() {
        check_out(args.out.as_ref(), args.force, &inputs)?;
    }
    let o = &args.overrides;
    let base = prepared(&args.scenario, o.replications, o.seed, o.days)?;
    let settings = args
        .sets
        .iter()
        .map(|t| sweep::parse_setting(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(sweep_error)?;
    // Build and check every point before running any.
    let doc = typed_document(&args.scenario)?;
    let sweep::Plan { grid, models } =
        sweep::plan(&doc, &args.scenario.display().to_string(), &base, &settings)
            .map_err(sweep_error)?;
    let metrics = if args.metrics.is_empty() {
        // Waits and service levels per kind group when the channels mix calls or chats with
        // written work, so that no column blends seconds with hours.
        let kinds = base.kind_groups();
        let mut v: Vec<String> = Vec::new();
        for k in &kinds {
            let prefix = if kinds.len() > 1 {
                format!("{}.", k.key())
            } else {
                String::new()
            };
            v.push(format!("{prefix}service_level"));
            v.push(format!("{prefix}asa_seconds"));
            if *k == supportsim::model::KindGroup::Live {
                v.push(format!("{prefix}abandon_rate"));
            }
        }
        v.extend(["occupancy".to_string(), "csat".to_string()]);
        v.extend(
            base.channels
                .iter()
                .map(|c| format!("{}.service_level", c.name)),
        );
        v
    } else {
        args.metrics.clone()
    };
    let file = args.scenario.display().to_string();
    let plans: Vec<_> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (m, format!("{file}, point {}", i + 1)))
        .collect();
    let mut units = Units::new(mode, "sweep", recorded(args)?, &plans)?;
    announce(units.count(), models.len(), base.replications);
    let bar = progress_bar(units.count());
    let mut points = Vec::new();
    for (p, (m, values)) in models.iter().zip(&grid).enumerate() {
        let Some(reps) = units.results(p, m, &bar, false, None)? else {
            continue;
        };
        points.push(SweepPoint {
            values: values.clone(),
            summary: report::summarize(m, &args.scenario.display().to_string(), &reps),
        });
    }
    bar.finish_and_clear();
    if units.finish(&inputs)? {
        return Ok(());
    }
    if let Some(bad) = metrics
        .iter()
        .find(|k| find_metric(&points[0].summary, k).is_none())
    {
        return Err(flag_error(format!(
            "no metric `{bad}`: give a key such as occupancy (overall), NAME.service_level for a channel, topic or agent group, or live.service_level / written.service_level for calls and chats / written work"
        )));
    }
    let json = json(args, &base, &settings, &points, &metrics);
    if let Some(dir) = &args.out {
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (
                "sweep.json".into(),
                serde_json::to_vec_pretty(&json).context("rendering sweep.json")?,
            ),
            ("sweep.csv".into(), csv(&settings, &points, &metrics)?),
        ];
        for k in &metrics {
            let chart = sweep_chart(&base, &settings, &points, k);
            files.push((
                format!("sweep-{}.svg", charts::slug(k)),
                plot::svg(&chart)
                    .context("drawing the charts")?
                    .into_bytes(),
            ));
        }
        write_all(dir, &files, &inputs)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json).context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
    } else {
        write!(out, "{}", table(&base, &settings, &points, &metrics))
            .context("writing to standard output")?;
    }
    Ok(())
}

/// Says how much is simulated: the whole grid, or a shard's share of it; nothing for a merge,
/// which simulates nothing.
fn announce(here: u64, points: usize, replications: u32) {
    if here == 0 {
        return;
    }
    let total = u64::from(replications) * points as u64;
    eprintln!(
        "sweeping {points} point{} × {replications} replications{}",
        if points == 1 { "" } else { "s" },
        if here < total {
            format!(" ({here} of the {total} here)")
        } else {
            String::new()
        }
    );
}

/// `sweep.json` (schema `supportsim.sweep/1`).
fn json(
    args: &SweepArgs,
    base: &Model,
    settings: &[Setting],
    points: &[SweepPoint],
    metrics: &[String],
) -> serde_json::Value {
    serde_json::json!({
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
    })
}

/// `sweep.csv`: the values of each point, then each metric's mean and 95% interval.
fn csv(
    settings: &[Setting],
    points: &[SweepPoint],
    metrics: &[String],
) -> Result<Vec<u8>, Failure> {
    let num = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    let mut header: Vec<String> = settings.iter().map(|s| s.path_text.clone()).collect();
    for k in metrics {
        header.extend([
            format!("{k}_mean"),
            format!("{k}_ci_low"),
            format!("{k}_ci_high"),
        ]);
    }
    let mut rows = vec![header];
    for p in points {
        let mut row: Vec<String> = p.values.iter().map(|v| v.text.clone()).collect();
        for k in metrics {
            let st = find_metric(&p.summary, k);
            row.extend([
                num(st.and_then(|s| s.mean)),
                num(st.and_then(|s| s.ci_low)),
                num(st.and_then(|s| s.ci_high)),
            ]);
        }
        rows.push(row);
    }
    csv_bytes(&rows)
}

/// The table: one row per point, one column per metric (mean ± 95% half-width).
fn table(base: &Model, settings: &[Setting], points: &[SweepPoint], metrics: &[String]) -> String {
    let mut out = format!(
        "{} — every point on the same {} replications (seed {}); means ± 95% interval half-width\n\n",
        base.name, base.replications, base.seed
    );
    let mut header: Vec<String> = settings.iter().map(|s| s.path_text.clone()).collect();
    header.extend(metrics.iter().cloned());
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            let mut r: Vec<String> = p.values.iter().map(|v| v.text.clone()).collect();
            for k in metrics {
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
        out.push_str(&line.join("  "));
        out.push('\n');
    }
    out
}

/// A number for a sweep table: shares as they are (0–1), others rounded sensibly.
pub fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}

/// A chart of one metric against the first swept value, one line per value of the second.
pub fn sweep_chart(
    base: &Model,
    settings: &[supportsim::sweep::Setting],
    points: &[SweepPoint],
    metric: &str,
) -> plot::Chart {
    let first = &settings[0];
    // One line per combination of the other settings' values, in grid order.
    let mut groups: Vec<&[supportsim::sweep::Point]> = Vec::new();
    for p in points {
        let rest = p.values.get(1..).unwrap_or(&[]);
        if !groups.contains(&rest) {
            groups.push(rest);
        }
    }
    let lines = groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let mine: Vec<&SweepPoint> = points
                .iter()
                .filter(|p| p.values.get(1..).unwrap_or(&[]) == *g)
                .collect();
            let stat = |p: &SweepPoint| find_metric(&p.summary, metric).copied();
            let label: Vec<String> = settings[1..]
                .iter()
                .zip(g.iter())
                .map(|(s, v)| format!("{} = {}", s.path_text, v.text))
                .collect();
            plot::Line {
                label: if label.is_empty() {
                    metric.to_string()
                } else {
                    label.join(", ")
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
    let target = service_level_target(base, metric, key);
    let durations = first.points.iter().any(|p| p.text.parse::<f64>().is_err());
    plot::Chart::Time(plot::TimeChart {
        title: format!("{metric} against {} (95% interval shaded)", first.path_text),
        y_label: metric.to_string(),
        unit,
        x: first.points.iter().map(|p| p.x).collect(),
        lines,
        targets: target
            .map(|value| plot::Target {
                label: format!("target {:.0}%", value * 100.0),
                value,
                color: 7,
            })
            .into_iter()
            .collect(),
        start_weekday: 0,
        marks: Vec::new(),
        x_axis: Some(plot::XAxis {
            label: if durations {
                format!("{} (duration)", first.path_text)
            } else {
                first.path_text.clone()
            },
            unit: if durations {
                plot::YUnit::Duration
            } else {
                plot::YUnit::Count
            },
        }),
    })
}

/// The target line of a swept metric, where it has one: a channel's service-level target, or
/// the one all channels of a kind group (or all channels) share.
fn service_level_target(base: &supportsim::model::Model, metric: &str, key: &str) -> Option<f64> {
    let shared = |of: &dyn Fn(&supportsim::model::Channel) -> bool| {
        let all: Vec<Option<f64>> = base
            .channels
            .iter()
            .filter(|c| of(c))
            .map(|c| c.service_level_target)
            .collect();
        all.first()
            .copied()
            .flatten()
            .filter(|t| all.iter().all(|x| *x == Some(*t)))
    };
    match (metric.rsplit_once('.'), key) {
        (Some((name, _)), "service_level") => match base.channels.iter().find(|c| c.name == name) {
            Some(c) => c.service_level_target,
            None => supportsim::model::KindGroup::from_key(name)
                .and_then(|k| shared(&|c| c.kind.group() == k)),
        },
        (None, "service_level") => shared(&|_| true),
        _ => None,
    }
}
