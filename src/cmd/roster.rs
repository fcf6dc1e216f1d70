//! `supportsim roster`: a weekly schedule within each group's work rules, chosen by a
//! mixed-integer program and proven by simulation.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use supportsim::duration::{WEEKDAY_LABELS, format_duration, hhmm};
use supportsim::model::Model;
use supportsim::roster::mip::SolveOptions;
use supportsim::roster::{self, Roster, RosterError, RosterOptions, files};
use supportsim::scenario::format;
use supportsim::staff::{self, ShiftLimits};
use supportsim::{charts, plot};

use super::staff::typical_week;
use super::{
    Failure, check_out, csv_bytes, flag_duration, flag_error, prepared, progress_bar, replicate,
    write_all,
};

#[derive(clap::Args)]
pub struct RosterArgs {
    /// Scenario file (TOML); each tier-1 agent group needs `rules`.
    scenario: PathBuf,
    /// Replications of each simulation round.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=1000))]
    replications: u32,
    /// Seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Days to simulate in each round (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_600))]
    days: Option<u32>,
    /// Most simulation rounds after the first.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=50))]
    rounds: u32,
    /// Share of intervals with traffic that must meet their target before stopping.
    #[arg(long, default_value_t = 0.95)]
    goal: f64,
    /// Longest the solver works on one round's schedule; then the best found is kept (and
    /// the output says so).
    #[arg(long, default_value = "1m", value_name = "DURATION")]
    time_limit: String,
    /// Stop a solve once the schedule is proven within this share of the cheapest possible.
    #[arg(long, default_value_t = 0.02, value_name = "SHARE")]
    gap: f64,
    /// Hours of a full-time week, for full-time equivalents.
    #[arg(long, default_value_t = 37.5)]
    fte_hours: f64,
    /// Write roster.csv, coverage.csv, roster.xlsx (the same sheets), rostered.toml and a
    /// heatmap per group.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write people.csv: one row per person-week, to publish.
    #[arg(long, requires = "out")]
    people: bool,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn roster(args: &RosterArgs) -> Result<(), Failure> {
    let inputs = [args.scenario.as_path()];
    check_out(args.out.as_ref(), args.force, &inputs)?;
    let mut base = prepared(
        &args.scenario,
        Some(args.replications),
        args.seed,
        args.days,
    )?;
    super::steady_workforce(&base, &args.scenario, "roster")?;
    let options = options(args)?;
    check_groups(&args.scenario, &base)?;
    typical_week(&mut base);
    let bar = progress_bar(u64::from(base.replications) * u64::from(args.rounds + 1));
    let spinner = solving_spinner();
    let mut simulate = |m: &Model| {
        spinner.set_message("simulating the schedule");
        replicate(m, &bar, true)
    };
    let mut progress = |round: u32| {
        spinner.set_message(format!("round {}: solving the schedule", round + 1));
    };
    let result = roster::roster(&base, &options, &mut simulate, &mut progress);
    spinner.finish_and_clear();
    bar.finish_and_clear();
    let r = result.map_err(|e| match e {
        RosterError::Simulate(f) => f,
        RosterError::Solve(e) => Failure::from(anyhow::anyhow!(
            "error: no schedule: {}\n  = help: allow more time (--time-limit) or wider rules",
            e.0
        )),
    })?;
    let stacked = stacked_fte(&base, &r, args.fte_hours);
    if let Some(dir) = &args.out {
        write_all(dir, &outputs(args, &base, &r)?, &inputs)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = serde_json::to_string_pretty(&json(args, &base, &r, stacked))
            .context("writing JSON")?;
        writeln!(out, "{json}").context("writing to standard output")?;
    } else {
        write!(out, "{}", table(args, &base, &r, stacked)).context("writing to standard output")?;
    }
    Ok(())
}

/// The flags as roster options, checked.
fn options(args: &RosterArgs) -> Result<RosterOptions, Failure> {
    if !(args.goal > 0.0 && args.goal <= 1.0) {
        return Err(flag_error(format!(
            "--goal is a share between 0 and 1, got {}",
            args.goal
        )));
    }
    if !(args.gap >= 0.0 && args.gap < 1.0) {
        return Err(flag_error(format!(
            "--gap is a share from 0 to below 1, got {}",
            args.gap
        )));
    }
    if !(args.fte_hours.is_finite() && args.fte_hours > 0.0) {
        return Err(flag_error("--fte-hours must be above 0".into()));
    }
    Ok(RosterOptions {
        rounds: args.rounds,
        goal: args.goal,
        solve: SolveOptions {
            time_limit: flag_duration("time-limit", &args.time_limit)?,
            gap: args.gap,
        },
    })
}

/// Every tier-1 group needs rules, and every channel's work a rostered group to take it.
fn check_groups(path: &std::path::Path, base: &Model) -> Result<(), Failure> {
    let without: Vec<&str> = base
        .groups
        .iter()
        .filter(|g| g.tier == 1 && g.rules.is_none())
        .map(|g| g.name.as_str())
        .collect();
    if !without.is_empty() {
        return Err(Failure::input(anyhow::anyhow!(
            "error: {}: agent group{} {} {} no `rules`: a roster needs each tier-1 group's work rules\n  = help: add e.g. rules = {{ shift_lengths = [\"8h30m\"], starts = {{ from = \"07:00\", to = \"13:30\", step = \"30m\" }} }} to each group (see docs/scenario-format.md, \"Work rules\")",
            path.display(),
            if without.len() == 1 { "" } else { "s" },
            without
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if without.len() == 1 { "has" } else { "have" },
        )));
    }
    if let Some((c, t)) = roster::untaken(base).first() {
        return Err(Failure::input(anyhow::anyhow!(
            "error: {}: no tier-1 group takes topic `{}` on channel `{}`, so no roster can cover it\n  = help: give a group the channel and the topic's skill",
            path.display(),
            base.topics[*t].name,
            base.channels[*c].name
        )));
    }
    Ok(())
}

/// A spinner on stderr (when it is a terminal) saying what the roster is doing.
fn solving_spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let s = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        s.set_style(style);
    }
    s.enable_steady_tick(Duration::from_millis(120));
    s
}

/// Full-time equivalents of `staff`'s stacked shifts (4 to 10 hours, on site) for the same
/// requirements, each rostered group allowing for the same time off the floor as its roster's
/// breaks: the price of real shifts is the roster's hours on site against these.
fn stacked_fte(base: &Model, r: &Roster, fte_hours: f64) -> f64 {
    let mut like = base.clone();
    for &g in &r.groups {
        like.groups[g].planned_shrinkage = roster::break_share(&r.rows, g);
    }
    staff::fte(&like, &r.reqs, fte_hours, ShiftLimits::default())
}

/// The files of `--out`.
fn outputs(args: &RosterArgs, base: &Model, r: &Roster) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let text = std::fs::read_to_string(&args.scenario).context("reading the scenario")?;
    let file: format::ScenarioFile = toml::from_str(&text).with_context(|| {
        format!(
            "{} cannot be rewritten with the roster",
            args.scenario.display()
        )
    })?;
    let header = vec![
        format!(
            "{} rostered by `supportsim roster`: each group's shifts chosen within its",
            base.name
        ),
        "work rules by a mixed-integer program and checked by simulation; the breaks are the"
            .to_string(),
        "groups' time off the floor. Run it with `supportsim run`.".to_string(),
    ];
    let rostered = files::rostered_file(&file, r);
    let (shifts, coverage) = (
        files::roster_rows(base, &r.rows),
        files::coverage_rows(base, r),
    );
    let people = args.people.then(|| files::people_rows(base, r));
    let mut sheets: Vec<(&str, &[Vec<String>])> = vec![("roster", &shifts)];
    if let Some(p) = &people {
        sheets.push(("people", p));
    }
    sheets.push(("coverage", &coverage));
    let book = supportsim::export::xlsx_bytes(&sheets).context("writing roster.xlsx")?;
    let mut out = vec![
        ("roster.csv".to_string(), csv_bytes(&shifts)?),
        ("coverage.csv".to_string(), csv_bytes(&coverage)?),
        ("roster.xlsx".to_string(), book),
        (
            "rostered.toml".to_string(),
            format::to_toml(&rostered, &header, &[])
                .context("writing the rostered scenario")?
                .into_bytes(),
        ),
    ];
    if let Some(p) = &people {
        out.push(("people.csv".to_string(), csv_bytes(p)?));
    }
    for (gi, c) in r.choices.iter().enumerate() {
        let g = c.group;
        let floor = supportsim::roster::schedule::on_floor(&r.rows, g, base.interval);
        let mut asked = vec![0.0; floor.len()];
        for (n, nd) in r.needs.iter().enumerate() {
            asked[nd.slot] += r.solution.given[gi][n];
        }
        let per_day = floor.len() / 7;
        let values = (0..7)
            .map(|d| {
                (0..per_day)
                    .map(|s| floor[d * per_day + s] * c.present[d] - asked[d * per_day + s])
                    .collect()
            })
            .collect();
        let name = &base.groups[g].name;
        let chart = plot::Chart::Heat(plot::HeatChart {
            title: format!("{name}: agents present minus agents the schedule asks of it"),
            columns: (0..per_day)
                .map(|s| hhmm(s as f64 * base.interval))
                .collect(),
            rows: WEEKDAY_LABELS.iter().map(|d| d.to_string()).collect(),
            values,
        });
        let svg = plot::svg(&chart).context("drawing the heatmap")?;
        out.push((
            format!("coverage-{}.svg", charts::slug(name)),
            svg.into_bytes(),
        ));
    }
    Ok(out)
}

/// Per rostered group: people, paid hours and cost a week.
fn group_figures(base: &Model, r: &Roster) -> Vec<(String, u32, f64, f64)> {
    r.choices
        .iter()
        .enumerate()
        .map(|(gi, c)| {
            let g = &base.groups[c.group];
            let people: u32 = r.solution.people[gi].iter().flatten().sum();
            let rows: Vec<_> = r
                .rows
                .iter()
                .filter(|x| x.group == c.group)
                .cloned()
                .collect();
            let hours = roster::week_hours(&rows);
            (g.name.clone(), people, hours, hours * g.cost_per_hour)
        })
        .collect()
}

/// The `--json` report (schema `supportsim.roster/1`).
fn json(args: &RosterArgs, base: &Model, r: &Roster, stacked_fte: f64) -> serde_json::Value {
    let last = r.rounds.last();
    serde_json::json!({
        "schema": "supportsim.roster/1",
        "scenario": args.scenario.display().to_string(),
        "rounds": r.rounds.iter().map(|x| serde_json::json!({
            "people": x.people,
            "cost_per_week": x.cost,
            "objective": x.objective,
            "lower_bound": x.bound,
            "gap": x.gap,
            "time_limit_reached": x.timed_out,
            "solve_seconds": x.seconds,
            "intervals_meeting_target": x.met_share,
        })).collect::<Vec<_>>(),
        "intervals_meeting_target": last.map(|x| x.met_share),
        "fte": roster::week_hours(&r.rows) / args.fte_hours,
        "site_fte": roster::site_hours(&r.rows) / args.fte_hours,
        "stacked_site_fte": stacked_fte,
        "cost_per_week": roster::week_cost(base, &r.rows),
        "groups": group_figures(base, r).iter().map(|(name, people, hours, cost)| serde_json::json!({
            "name": name,
            "people": people,
            "paid_hours_per_week": hours,
            "fte": hours / args.fte_hours,
            "cost_per_week": cost,
        })).collect::<Vec<_>>(),
        "short": shortfalls(base, r).iter().map(|(c, t, wd, time, n)| serde_json::json!({
            "channel": c, "topic": t, "weekday": wd, "time": time, "agents": n,
        })).collect::<Vec<_>>(),
        "shifts": r.rows.iter().map(|x| serde_json::json!({
            "group": base.groups[x.group].name,
            "weekday": WEEKDAY_LABELS[x.weekday],
            "start": hhmm(x.start),
            "end": hhmm((x.start + x.length) % 86_400.0),
            "paid_hours": x.paid_hours,
            "breaks": files::breaks_text(x),
            "count": x.count,
        })).collect::<Vec<_>>(),
    })
}

/// Needs the schedule leaves short by more than a hundredth of an agent: channel, topic,
/// weekday, time and agents short.
fn shortfalls(base: &Model, r: &Roster) -> Vec<(String, String, &'static str, String, f64)> {
    let per_day = (86_400.0 / base.interval).round() as usize;
    r.needs
        .iter()
        .zip(&r.solution.short)
        .filter(|(_, s)| **s > 0.01)
        .map(|(n, s)| {
            (
                base.channels[n.channel].name.clone(),
                n.topics
                    .iter()
                    .map(|t| base.topics[*t].name.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
                WEEKDAY_LABELS[n.slot / per_day],
                hhmm((n.slot % per_day) as f64 * base.interval),
                *s,
            )
        })
        .collect()
}

/// The table: rounds, the schedule's price against stacked shifts, groups, shortfalls.
fn table(args: &RosterArgs, base: &Model, r: &Roster, stacked_fte: f64) -> String {
    let mut t = format!(
        "{}: a weekly roster within each group's work rules\n\n",
        base.name
    );
    t += "round  people  paid hours/week  objective  lower bound   gap  solve  intervals meeting target\n";
    for (i, x) in r.rounds.iter().enumerate() {
        t += &format!(
            "{:>5}  {:>6}  {:>15}  {:>9}  {:>11}  {:>3.1}%  {:>5}  {:>5.1}%{}\n",
            i + 1,
            x.people,
            supportsim::numbers::group_thousands(x.hours.round()),
            supportsim::numbers::group_thousands(x.objective.round()),
            supportsim::numbers::group_thousands(x.bound.round()),
            x.gap * 100.0,
            format_duration(x.seconds.max(1.0).round()),
            x.met_share * 100.0,
            if x.timed_out {
                "  (time limit: the best schedule found so far)"
            } else {
                ""
            }
        );
    }
    t += &format!(
        "objective: {}; the lower bound is the solver's proof that no schedule within the rules does better\n",
        if base.groups.iter().any(|g| g.cost_per_hour > 0.0) {
            "cost of the paid hours a week, plus a penalty for agents short"
        } else {
            "paid hours a week (no group has a cost_per_hour), plus a penalty for agents short"
        }
    );
    let hours = roster::week_hours(&r.rows);
    let site = roster::site_hours(&r.rows) / args.fte_hours;
    let price = if stacked_fte > 0.0 {
        100.0 * (site / stacked_fte - 1.0)
    } else {
        0.0
    };
    t += &format!(
        "\nfull-time equivalents: {:.1} paid ({hours:.0} paid hours a week, {}-hour weeks), {site:.1} on site; staff's stacked shifts for the same requirements and breaks: {stacked_fte:.1} on site ({price:+.1}%, the price of real shifts)\n",
        hours / args.fte_hours,
        args.fte_hours,
    );
    for (name, people, hours, cost) in group_figures(base, r) {
        t += &format!(
            "  {name}: {people} people, {:.1} FTE, {hours:.0} paid hours a week{}\n",
            hours / args.fte_hours,
            if cost > 0.0 {
                format!(
                    ", {} a week",
                    supportsim::numbers::group_thousands(cost.round())
                )
            } else {
                String::new()
            }
        );
    }
    t += &uncovered_lines(base, r);
    let short = shortfalls(base, r);
    if let Some(last) = r.rounds.last()
        && last.met_share < args.goal
    {
        t += &format!(
            "\nthe goal ({:.0}% of intervals meeting target) was not reached in {} rounds; raise --rounds, or see the intervals below\n",
            args.goal * 100.0,
            r.rounds.len()
        );
    }
    if !short.is_empty() {
        t += &format!(
            "\nthe schedule leaves {} interval need{} short (max_people reached, or cheaper than any shift that covers them):\n",
            short.len(),
            if short.len() == 1 { "" } else { "s" }
        );
        for (c, topic, wd, time, n) in short.iter().take(12) {
            t += &format!("  {c} / {topic}: {wd} {time}, {n:.2} agents short\n");
        }
    }
    t
}

/// The needs no allowed shift covers, per channel: the times of day (on any weekday).
fn uncovered_lines(base: &Model, r: &Roster) -> String {
    let per_day = (86_400.0 / base.interval).round() as usize;
    let mut t = String::new();
    for (c, ch) in base.channels.iter().enumerate() {
        let mut slots = vec![false; per_day];
        let mut agents = 0.0;
        for n in r.uncovered.iter().filter(|n| n.channel == c) {
            slots[n.slot % per_day] = true;
            agents += n.agents * base.interval / 3600.0;
        }
        if agents <= 0.0 {
            continue;
        }
        let mut ranges = Vec::new();
        let mut k = 0;
        while k < per_day {
            if !slots[k] {
                k += 1;
                continue;
            }
            let from = k;
            while k < per_day && slots[k] {
                k += 1;
            }
            ranges.push(format!(
                "{}–{}",
                hhmm(from as f64 * base.interval),
                hhmm(k as f64 * base.interval)
            ));
        }
        t += &format!(
            "\n{}: no allowed shift of a group that takes its work covers {} ({:.0} agent-hours a week left to the next shifts); widen the groups' start windows or skills to cover them\n",
            ch.name,
            ranges.join(", "),
            agents
        );
    }
    t
}
