//! `supportsim staff`: agents needed per weekday and interval.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use supportsim::duration::WEEKDAY_LABELS;
use supportsim::scenario;
use supportsim::{charts, plot, report};

use super::{
    Failure, check_out, flag_error, flag_share, prepared, progress_bar, replicate, write_all,
};

#[derive(clap::Args)]
pub struct StaffArgs {
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
    /// Also staff one cross-trained team shared by every channel (trimmed by simulation from
    /// the dedicated plan), and compare its full-time equivalents.
    #[arg(long)]
    blend: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn staff(args: &StaffArgs) -> Result<(), Failure> {
    use supportsim::staff;
    check_out(args.out.as_ref())?;
    let mut base = prepared(
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
    let mut doc: toml::Table =
        toml::from_str(&text).map_err(|e| flag_error(e.message().to_string()))?;
    // Requirements are per weekday and time of day: a typical week, without one-off surges
    // or a trend.
    let surges = doc.remove("surges").is_some();
    let growth = doc
        .get_mut("volume")
        .and_then(|v| v.as_table_mut())
        .and_then(|v| v.remove("growth_per_month"))
        .is_some();
    if surges || growth {
        base.surges.clear();
        base.demand.growth_per_month = 0.0;
        eprintln!(
            "note: staff plans a typical week, so the scenario's {} left out; `supportsim run` simulates {}",
            match (surges, growth) {
                (true, true) => "surges and growth trend are",
                (true, false) => "surges are",
                _ => "growth trend is",
            },
            if surges { "them" } else { "it" }
        );
    }
    let mut reqs = staff::analytic(&base);
    let per_day = (supportsim::duration::DAY / base.interval).round() as usize;
    let key = |c: usize, wd: usize, slot: usize| (c * 7 + wd) * per_day + slot;
    let bar = progress_bar(u64::from(base.replications) * u64::from(args.rounds + 1));
    let mut met_share = 0.0;
    let mut simulated_sl: Vec<Option<f64>> = vec![None; reqs.len()];
    let mut rounds_run = 0;
    for round in 0..=args.rounds {
        let d = staff::staffed_document(&doc, &base, &reqs);
        let e = evaluate(&d, &base, &bar, reqs.len(), &key)?;
        simulated_sl = e.sl;
        met_share = e.met_share;
        rounds_run = round;
        if met_share >= args.goal || round == args.rounds {
            break;
        }
        for (k, r) in reqs.iter_mut().enumerate() {
            if e.fails[k] {
                // Larger shortfalls in larger teams: step by a tenth, at least one agent.
                r.required += (f64::from(r.required) * 0.1).ceil().max(1.0) as u32;
            }
        }
    }
    // Cross-trained agents shared by every channel: start from the dedicated plan's total and
    // trim interval by interval while every channel still meets its target there.
    let blended = if args.blend {
        let mut team: Vec<Vec<u32>> = (0..7)
            .map(|wd| {
                (0..per_day)
                    .map(|slot| {
                        (0..base.channels.len())
                            .map(|c| reqs[key(c, wd, slot)].required)
                            .sum()
                    })
                    .collect()
            })
            .collect();
        let mut locked = vec![vec![false; per_day]; 7];
        let mut best: Option<(Vec<Vec<u32>>, f64)> = None;
        for _ in 0..=args.rounds {
            let d = staff::blended_document(&doc, &base, &team);
            let e = evaluate(&d, &base, &bar, reqs.len(), &key)?;
            let hours = |t: &Vec<Vec<u32>>| t.iter().flatten().map(|&n| u64::from(n)).sum::<u64>();
            if e.met_share >= args.goal && best.as_ref().is_none_or(|b| hours(&team) <= hours(&b.0))
            {
                best = Some((team.clone(), e.met_share));
            }
            let mut changed = false;
            for wd in 0..7 {
                for slot in 0..per_day {
                    let failed = (0..base.channels.len()).any(|c| e.fails[key(c, wd, slot)]);
                    let n = &mut team[wd][slot];
                    if failed {
                        *n += (f64::from(*n) * 0.1).ceil().max(1.0) as u32;
                        locked[wd][slot] = true;
                        changed = true;
                    } else if !locked[wd][slot] && *n > 0 {
                        *n -= (f64::from(*n) * 0.05).ceil().max(1.0) as u32;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Some(best.ok_or_else(|| {
            anyhow::anyhow!(
                "no shared team met the goal in {} rounds; raise --rounds",
                args.rounds
            )
        })?)
    } else {
        None
    };
    bar.finish_and_clear();
    let total_fte = staff::fte(&base, &reqs, shrinkage, args.fte_hours);
    let blend_fte = blended
        .as_ref()
        .map(|(team, _)| staff::team_fte(&base, team, shrinkage, args.fte_hours));

    let hhmm = |slot: usize| supportsim::duration::hhmm(slot as f64 * base.interval);
    let mut csv = String::from(
        "channel,weekday,time,offered,aht_seconds,analytic_agents,required_agents,simulated_service_level\n",
    );
    for (k, r) in reqs.iter().enumerate() {
        csv += &format!(
            "{},{},{},{:.3},{:.1},{},{},{}\n",
            base.channels[r.channel].name,
            WEEKDAY_LABELS[r.weekday],
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
                rows: WEEKDAY_LABELS.iter().map(|d| d.to_string()).collect(),
                values,
            });
            files.push((
                format!("staffing-{}.svg", charts::slug(&ch.name)),
                plot::svg(&chart)
                    .context("drawing the heatmap")?
                    .into_bytes(),
            ));
        }
        if let Some((team, _)) = &blended {
            let text = toml::to_string(&staff::blended_document(&doc, &base, team))
                .context("writing the blended scenario")?;
            files.push((
                "staffed-blended.toml".into(),
                format!(
                    "# {} staffed by `supportsim staff --blend`: one team sharing every channel, agents on\n# the floor per weekday and interval (before shrinkage).\n\n{text}",
                    base.name
                )
                .into_bytes(),
            ));
            let mut csv = String::from("weekday,time,agents\n");
            for (wd, day) in team.iter().enumerate() {
                for (slot, n) in day.iter().enumerate() {
                    csv += &format!("{},{},{n}\n", WEEKDAY_LABELS[wd], hhmm(slot));
                }
            }
            files.push(("staffing-team.csv".into(), csv.into_bytes()));
            let chart = plot::Chart::Heat(plot::HeatChart {
                title: "Shared team: agents needed on the floor per interval".into(),
                columns: (0..per_day).map(hhmm).collect(),
                rows: WEEKDAY_LABELS.iter().map(|d| d.to_string()).collect(),
                values: team
                    .iter()
                    .map(|d| d.iter().map(|&n| f64::from(n)).collect())
                    .collect(),
            });
            files.push((
                "staffing-team.svg".into(),
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
            "blended": blended.as_ref().map(|(team, met)| serde_json::json!({
                "fte": blend_fte,
                "intervals_meeting_target": met,
                "team": team.iter().enumerate().flat_map(|(wd, day)| {
                    day.iter().enumerate().map(move |(slot, n)| (wd, slot, *n))
                }).map(|(wd, slot, n)| serde_json::json!({
                    "weekday": WEEKDAY_LABELS[wd],
                    "time": hhmm(slot),
                    "agents": n,
                })).collect::<Vec<_>>(),
            })),
            "requirements": reqs.iter().enumerate().map(|(k, r)| serde_json::json!({
                "channel": base.channels[r.channel].name,
                "weekday": WEEKDAY_LABELS[r.weekday],
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
                t += &format!("  {}  closed\n", WEEKDAY_LABELS[wd]);
                continue;
            }
            let first = day.iter().position(|r| r.required > 0).unwrap_or(0);
            let last = day.iter().rposition(|r| r.required > 0).unwrap_or(0);
            t += &format!(
                "  {}  {}–{}  peak {:>3} at {}  {:>6.1} agent-hours (Erlang alone: {:.1})\n",
                WEEKDAY_LABELS[wd],
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
    if let (Some((_, met)), Some(fte)) = (&blended, blend_fte) {
        t += &format!(
            "shared team, every agent on every channel: {:.1} full-time equivalents ({:+.1}% against one team per channel); {:.1}% of intervals with traffic meet their target\n",
            fte,
            if total_fte > 0.0 {
                100.0 * (fte / total_fte - 1.0)
            } else {
                0.0
            },
            met * 100.0
        );
    }
    write!(out, "{t}").context("writing to standard output")?;
    Ok(())
}

/// What a simulated plan achieves: per (channel, weekday, interval) key whether any occurrence
/// with traffic missed its target and the mean simulated service level, and the share of
/// interval occurrences with traffic meeting their target.
struct Evaluation {
    fails: Vec<bool>,
    sl: Vec<Option<f64>>,
    met_share: f64,
}

/// Simulates the scenario document `d` (with the base run's replications, seed and days) and
/// scores every interval against its channel's target.
fn evaluate(
    d: &toml::Table,
    base: &supportsim::model::Model,
    bar: &indicatif::ProgressBar,
    keys: usize,
    key: &dyn Fn(usize, usize, usize) -> usize,
) -> Result<Evaluation, Failure> {
    use supportsim::staff;
    let per_day = (supportsim::duration::DAY / base.interval).round() as usize;
    let staffed_text = toml::to_string(d).context("writing the staffed scenario")?;
    let mut m = match scenario::parse("staffed scenario", &staffed_text, &base.name) {
        Ok(l) => l.model,
        Err(e) => return Err(anyhow::anyhow!("the staffed scenario is invalid: {e}").into()),
    };
    (m.replications, m.seed, m.days) = (base.replications, base.seed, base.days);
    let reps = replicate(&m, bar, true)?;
    let (rows, _) = report::intervals(&m, &reps);
    // An interval key fails if any of its occurrences with traffic misses the target.
    let mut fails = vec![false; keys];
    let mut sl_sum = vec![(0.0, 0.0); keys];
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
    Ok(Evaluation {
        fails,
        sl: sl_sum
            .iter()
            .map(|(s, n)| (*n > 0.0).then(|| s / n))
            .collect(),
        met_share: if with_traffic > 0 {
            met as f64 / with_traffic as f64
        } else {
            1.0
        },
    })
}
