//! `supportsim staff`: agents needed per weekday and interval.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use supportsim::duration::{WEEKDAY_LABELS, format_duration, hhmm};
use supportsim::model::Model;
use supportsim::scenario::format;
use supportsim::staff::{self, Plan, PlanOptions, ShiftLimits, Team};
use supportsim::{charts, plot};

use super::{
    Failure, check_out, csv_bytes, flag_duration, flag_error, flag_share, prepared, progress_bar,
    replicate, write_all,
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
    /// Share of scheduled time off the floor for every group planned, in place of its
    /// planned shrinkage, absence and breaks (default: each group's own).
    #[arg(long, value_name = "SHARE")]
    shrinkage: Option<f64>,
    /// Shortest shift an agent works: shorter pieces of the stacked plan are lengthened to it.
    #[arg(long, default_value = "4h", value_name = "DURATION")]
    min_shift: String,
    /// Longest shift an agent works: longer runs of the stacked plan are cut into consecutive
    /// shifts (at least twice --min-shift).
    #[arg(long, default_value = "10h", value_name = "DURATION")]
    max_shift: String,
    /// Hours of a full-time week.
    #[arg(long, default_value_t = 37.5)]
    fte_hours: f64,
    /// Write staffing.csv, staffed.toml (the scenario with this schedule) and heatmaps.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
    /// Also staff one cross-trained team shared by every channel (trimmed by simulation from
    /// the dedicated plan), and compare its full-time equivalents.
    #[arg(long)]
    blend: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// What the command reports: the plans and their full-time equivalents.
struct Outcome {
    /// Shortest and longest shift.
    limits: ShiftLimits,
    /// Stacked pieces shorter than `min_shift`, and the agent-hours a week lengthening adds.
    short: (u32, f64),
    plan: Plan,
    team: Option<Team>,
    /// Scheduled agent-hours a week per group of the dedicated plan, and its people.
    groups: Vec<(String, f64, u32)>,
    fte: f64,
    team_fte: Option<f64>,
}

pub fn staff(args: &StaffArgs) -> Result<(), Failure> {
    let inputs = [args.scenario.as_path()];
    check_out(args.out.as_ref(), args.force, &inputs)?;
    let mut base = prepared(
        &args.scenario,
        Some(args.replications),
        args.seed,
        args.days,
    )?;
    super::steady_workforce(&base, &args.scenario, "staff")?;
    if !(args.goal > 0.0 && args.goal <= 1.0) {
        return Err(flag_error(format!(
            "--goal is a share between 0 and 1, got {}",
            args.goal
        )));
    }
    if !(args.fte_hours.is_finite() && args.fte_hours > 0.0) {
        return Err(flag_error("--fte-hours must be above 0".into()));
    }
    breaks_as_shrinkage(&mut base);
    // `--shrinkage` replaces every tier-1 group's planned shrinkage and absence: the plan,
    // its full-time equivalents and staffed.toml then all use it.
    if let Some(x) = args.shrinkage {
        let x = flag_share("shrinkage", x, false, true)?;
        for g in base.groups.iter_mut().filter(|g| g.tier == 1) {
            g.planned_shrinkage = x;
            g.absence = 0.0;
            g.absence_sd = 0.0;
            g.weekend_absence = 0.0;
            g.weekend_absence_sd = 0.0;
        }
    }
    typical_week(&mut base);
    let limits = shift_limits(args)?;
    let options = PlanOptions {
        rounds: args.rounds,
        goal: args.goal,
        limits,
    };
    let bar = progress_bar(u64::from(base.replications) * u64::from(args.rounds + 1));
    let mut simulate = |m: &Model| replicate(m, &bar, true);
    let plan = staff::plan(&base, &options, &mut simulate)?;
    let team = if args.blend {
        Some(
            staff::blend(&base, &plan.reqs, &options, &mut simulate)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "no shared team met the goal in {} rounds; raise --rounds",
                    args.rounds
                )
            })?,
        )
    } else {
        None
    };
    bar.finish_and_clear();
    let outcome = Outcome {
        limits,
        short: staff::short_pieces(&base, &plan.reqs, limits),
        fte: staff::fte(&base, &plan.reqs, args.fte_hours, limits),
        team_fte: team
            .as_ref()
            .map(|t| staff::team_fte(&base, &t.agents, args.fte_hours, limits)),
        groups: {
            let staffed = staff::staffed_model(&base, &plan.reqs, limits);
            staff::group_hours(&base, &plan.reqs, limits)
                .into_iter()
                .map(|(name, hours)| {
                    let people = staffed.groups.iter().find(|g| g.name == name);
                    (name, hours, people.map_or(0, |g| g.headcount()))
                })
                .collect()
        },
        plan,
        team,
    };
    if let Some(dir) = &args.out {
        write_all(dir, &files(args, &base, &outcome)?, &inputs)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let json =
            serde_json::to_string_pretty(&json(args, &base, &outcome)).context("writing JSON")?;
        writeln!(out, "{json}").context("writing to standard output")?;
    } else {
        write!(out, "{}", table(args, &base, &outcome)).context("writing to standard output")?;
    }
    Ok(())
}

/// The plan's shifts are new and carry no breaks: a group whose shifts have breaks at set times
/// plans their share of its time off the floor as planned shrinkage instead, and says so.
fn breaks_as_shrinkage(base: &mut Model) {
    for g in base.groups.iter_mut().filter(|g| g.tier == 1) {
        let with_breaks = g.shifts.iter().filter(|s| !s.breaks.is_empty());
        let (off, on) = with_breaks.fold((0.0, 0.0), |(off, on), s| {
            let n = f64::from(s.count);
            let breaks: f64 = s.breaks.iter().map(|b| b.length).sum();
            (off + n * breaks, on + n * (s.end - s.start))
        });
        if on > 0.0 {
            let share = off / on;
            let planned = g.planned_shrinkage.max(share);
            eprintln!(
                "note: the planned shifts of `{}` carry no breaks: their breaks ({:.1}% of its shifts' time) are planned as {:.1}% planned shrinkage",
                g.name,
                share * 100.0,
                planned * 100.0
            );
            g.planned_shrinkage = planned;
        }
    }
}

/// `--min-shift` and `--max-shift`, checked: a long run must cut into shifts no shorter than
/// the shortest.
fn shift_limits(args: &StaffArgs) -> Result<ShiftLimits, Failure> {
    let min = flag_duration("min-shift", &args.min_shift)?;
    if min > 12.0 * 3600.0 {
        return Err(flag_error(format!(
            "--min-shift {} is longer than 12 hours\n  = help: give the shortest shift agents work, e.g. 4h",
            args.min_shift
        )));
    }
    let max = flag_duration("max-shift", &args.max_shift)?;
    if max > 24.0 * 3600.0 || max < 2.0 * min {
        return Err(flag_error(format!(
            "--max-shift {} must be at most 24 hours and at least twice --min-shift ({})\n  = help: a run longer than the longest shift is cut into shifts of at least half of it, e.g. --min-shift 4h --max-shift 10h",
            args.max_shift, args.min_shift
        )));
    }
    Ok(ShiftLimits { min, max })
}

/// Requirements are per weekday and time of day: a typical week, without one-off surges or a
/// trend. Says so when the scenario has them, and that the first, analytic estimate knows only
/// the channels' answer targets when some topics have their own.
pub(super) fn typical_week(base: &mut Model) {
    if base.topics.iter().any(|t| t.answer_within.is_some()) {
        eprintln!(
            "note: some topics have their own answer target: the first, analytic estimate sizes each channel for its `answer_within`; the correcting simulations count each topic against its own"
        );
    }
    let surges = !base.surges.is_empty();
    let growth = base.demand.growth_per_month != 0.0;
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
}

/// The output files: requirements, the staffed scenarios, heatmaps.
fn files(args: &StaffArgs, base: &Model, o: &Outcome) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let text = std::fs::read_to_string(&args.scenario).context("reading the scenario")?;
    let file: format::ScenarioFile = toml::from_str(&text).with_context(|| {
        format!(
            "{} cannot be rewritten with the staffed schedule",
            args.scenario.display()
        )
    })?;
    let header = |what: &str| {
        vec![
            format!(
                "{} staffed by `supportsim {what}`: shifts of {} to {} (--min-shift,",
                base.name,
                format_duration(o.limits.min),
                format_duration(o.limits.max)
            ),
            "--max-shift) scheduling each group for its share of the work, grossed up for its"
                .to_string(),
            "shrinkage and absence. Run it with `supportsim run`.".to_string(),
        ]
    };
    let staffed = staff::staffed_file(&file, base, &o.plan.reqs, o.limits);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("staffing.csv".into(), requirements_csv(base, &o.plan)?),
        (
            "staffed.toml".into(),
            format::to_toml(&staffed, &header("staff"), &[])
                .context("writing the staffed scenario")?
                .into_bytes(),
        ),
    ];
    let per_day = o.plan.reqs.len() / (7 * base.channels.len()).max(1);
    for (c, ch) in base.channels.iter().enumerate() {
        let values: Vec<Vec<f64>> = (0..7)
            .map(|wd| {
                (0..per_day)
                    .map(|slot| f64::from(o.plan.reqs[(c * 7 + wd) * per_day + slot].required))
                    .collect()
            })
            .collect();
        let title = format!("{}: agents needed on the floor per interval", ch.name);
        files.push((
            format!("staffing-{}.svg", charts::slug(&ch.name)),
            heatmap(base, title, values)?,
        ));
    }
    if let Some(team) = &o.team {
        let blended = staff::blended_file(&file, base, &team.agents, o.limits);
        files.push((
            "staffed-blended.toml".into(),
            format::to_toml(&blended, &header("staff --blend"), &[])
                .context("writing the blended scenario")?
                .into_bytes(),
        ));
        files.push(("staffing-team.csv".into(), team_csv(base, team)?));
        let values = team
            .agents
            .iter()
            .map(|d| d.iter().map(|&n| f64::from(n)).collect())
            .collect();
        let title = "Shared team: agents needed on the floor per interval".to_string();
        files.push(("staffing-team.svg".into(), heatmap(base, title, values)?));
    }
    Ok(files)
}

/// A weekday × interval heatmap as SVG.
fn heatmap(base: &Model, title: String, values: Vec<Vec<f64>>) -> Result<Vec<u8>, Failure> {
    let per_day = values.first().map_or(0, Vec::len);
    let chart = plot::Chart::Heat(plot::HeatChart {
        title,
        columns: (0..per_day)
            .map(|slot| hhmm(slot as f64 * base.interval))
            .collect(),
        rows: WEEKDAY_LABELS.iter().map(|d| d.to_string()).collect(),
        values,
    });
    Ok(plot::svg(&chart)
        .context("drawing the heatmap")?
        .into_bytes())
}

/// `staffing.csv`: every requirement with its analytic guess and simulated service level.
fn requirements_csv(base: &Model, plan: &Plan) -> Result<Vec<u8>, Failure> {
    let mut rows = vec![
        [
            "channel",
            "weekday",
            "time",
            "offered",
            "aht_seconds",
            "analytic_agents",
            "required_agents",
            "simulated_service_level",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (r, sl) in plan.reqs.iter().zip(&plan.simulated_sl) {
        rows.push(vec![
            base.channels[r.channel].name.clone(),
            WEEKDAY_LABELS[r.weekday].to_string(),
            hhmm(r.slot as f64 * base.interval),
            format!("{:.3}", r.offered),
            format!("{:.1}", r.aht),
            r.analytic.to_string(),
            r.required.to_string(),
            sl.map_or(String::new(), |x| format!("{x:.4}")),
        ]);
    }
    csv_bytes(&rows)
}

/// `staffing-team.csv`: the shared team per weekday and interval.
fn team_csv(base: &Model, team: &Team) -> Result<Vec<u8>, Failure> {
    let mut rows = vec![vec!["weekday".into(), "time".into(), "agents".into()]];
    for (wd, day) in team.agents.iter().enumerate() {
        for (slot, n) in day.iter().enumerate() {
            rows.push(vec![
                WEEKDAY_LABELS[wd].to_string(),
                hhmm(slot as f64 * base.interval),
                n.to_string(),
            ]);
        }
    }
    csv_bytes(&rows)
}

/// The `--json` report (schema `supportsim.staff/1`).
fn json(args: &StaffArgs, base: &Model, o: &Outcome) -> serde_json::Value {
    let hhmm = |slot: usize| hhmm(slot as f64 * base.interval);
    serde_json::json!({
        "schema": "supportsim.staff/2",
        "scenario": args.scenario.display().to_string(),
        "interval_minutes": (base.interval / 60.0).round(),
        "rounds": o.plan.rounds,
        "intervals_meeting_target": o.plan.met_share,
        "fte": o.fte,
        "groups": o.groups.iter().map(|(name, hours, people)| {
            let g = base.groups.iter().find(|g| &g.name == name);
            serde_json::json!({
                "name": name,
                "scheduled_hours_per_week": hours,
                "headcount": people,
                "fte": hours / args.fte_hours,
                "planned_shrinkage": g.map_or(0.0, |g| g.planned_shrinkage),
                "absence": g.map_or(0.0, |g| g.absence),
                "cost_per_week": g.filter(|g| !g.billed_by_handle_time).map(|g| g.cost_per_hour * hours),
            })
        }).collect::<Vec<_>>(),
        "blended": o.team.as_ref().map(|team| serde_json::json!({
            "fte": o.team_fte,
            "intervals_meeting_target": team.met_share,
            "team": team.agents.iter().enumerate().flat_map(|(wd, day)| {
                day.iter().enumerate().map(move |(slot, n)| (wd, slot, *n))
            }).map(|(wd, slot, n)| serde_json::json!({
                "weekday": WEEKDAY_LABELS[wd],
                "time": hhmm(slot),
                "agents": n,
            })).collect::<Vec<_>>(),
        })),
        "requirements": o.plan.reqs.iter().zip(&o.plan.simulated_sl).map(|(r, sl)| serde_json::json!({
            "channel": base.channels[r.channel].name,
            "weekday": WEEKDAY_LABELS[r.weekday],
            "time": hhmm(r.slot),
            "offered": r.offered,
            "analytic_agents": r.analytic,
            "required_agents": r.required,
            "simulated_service_level": sl,
        })).collect::<Vec<_>>(),
    })
}

/// The table: per channel and weekday, opening hours, peak and agent-hours; then FTEs.
fn table(args: &StaffArgs, base: &Model, o: &Outcome) -> String {
    let hhmm = |slot: usize| hhmm(slot as f64 * base.interval);
    let rounds = o.plan.rounds;
    let mut t = format!(
        "{}: agents needed on the floor per {}-minute interval (analytic first guess, then {} simulation round{})\n{:.1}% of intervals with traffic meet their target in simulation.\n\n",
        base.name,
        (base.interval / 60.0).round(),
        rounds,
        if rounds == 1 { "" } else { "s" },
        o.plan.met_share * 100.0
    );
    let per_day = o.plan.reqs.len() / (7 * base.channels.len()).max(1);
    for (c, ch) in base.channels.iter().enumerate() {
        t += &format!(
            "{} ({}, {:.0}% within {}):\n",
            ch.name,
            ch.kind.name(),
            staff::target(base, c) * 100.0,
            format_duration(ch.answer_within)
        );
        let week = &o.plan.reqs[c * 7 * per_day..(c + 1) * 7 * per_day];
        for (label, day) in WEEKDAY_LABELS.iter().zip(week.chunks(per_day.max(1))) {
            let hours: f64 = day
                .iter()
                .map(|r| f64::from(r.required) * base.interval / 3600.0)
                .sum();
            let Some(peak) = day.iter().max_by_key(|r| r.required) else {
                continue;
            };
            if peak.required == 0 {
                t += &format!("  {label}  closed\n");
                continue;
            }
            let first = day.iter().position(|r| r.required > 0).unwrap_or(0);
            let last = day.iter().rposition(|r| r.required > 0).unwrap_or(0);
            t += &format!(
                "  {label}  {}–{}  peak {:>3} at {}  {:>6.1} agent-hours (Erlang alone: {:.1})\n",
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
        "\nfull-time equivalents: {:.1} ({}-hour weeks; each group scheduled for its share of the work, grossed up for its own shrinkage and absence)\n",
        o.fte, args.fte_hours,
    );
    t += &group_lines(args, base, o);
    let (pieces, added) = o.short;
    if pieces > 0 {
        t += &format!(
            "shifts of at least {}: {pieces} shorter piece{} of the stacked plan lengthened, adding {added:.1} agent-hours a week (counted above)\n",
            format_duration(o.limits.min),
            if pieces == 1 { "" } else { "s" },
        );
    }
    if let (Some(team), Some(fte)) = (&o.team, o.team_fte) {
        t += &format!(
            "shared team, every agent on every channel: {:.1} full-time equivalents ({:+.1}% against the scenario's groups); {:.1}% of intervals with traffic meet their target\n",
            fte,
            if o.fte > 0.0 {
                100.0 * (fte / o.fte - 1.0)
            } else {
                0.0
            },
            team.met_share * 100.0
        );
    }
    t
}

/// One line per group of the dedicated plan: its full-time equivalents, what they allow for and
/// what they cost.
fn group_lines(args: &StaffArgs, base: &Model, o: &Outcome) -> String {
    let mut t = String::new();
    for (name, hours, people) in &o.groups {
        let g = base.groups.iter().find(|g| &g.name == name);
        let terms = g.map_or("no shrinkage or absence (a group of its own: no group of the scenario takes this channel's work)".to_string(), |g| {
            format!(
                "{:.0}% shrinkage, {:.0}% absence",
                g.planned_shrinkage * 100.0,
                g.absence * 100.0
            )
        });
        let cost = match g {
            Some(g) if g.cost_per_hour > 0.0 && !g.billed_by_handle_time => format!(
                ", {} a week",
                supportsim::numbers::group_thousands((g.cost_per_hour * hours).round())
            ),
            _ => String::new(),
        };
        t += &format!(
            "  {name}: {people} people, {:.1} FTE, {:.0} agent-hours a week scheduled ({terms}){cost}\n",
            hours / args.fte_hours,
            hours,
        );
    }
    t
}
