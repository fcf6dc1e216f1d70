//! `supportsim plan --hire-for SHARE`: sizes the scenario's hiring classes — the fewest hires
//! that keep every week's service-level targets met in that share of replications — and checks
//! the plan found, and each class with one hire fewer, on fresh seeds.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::Context;

use supportsim::model::Model;
use supportsim::plan::hiring::{Found, Met, Search, needed};

use super::plan::PlanArgs;
use super::{Failure, INTERRUPTED, check_out, flag_error, stopped, write_all};

/// What the fresh seeds say.
struct Check {
    seed: u64,
    replications: u32,
    /// The plan found, on fresh seeds.
    met: Met,
    /// Per class with agents: the first week short with one hire fewer, on fresh seeds.
    one_fewer: Vec<Option<Option<usize>>>,
}

pub fn hire_for(model: &Model, p: f64, args: &PlanArgs) -> Result<(), Failure> {
    let file = args.scenario.display();
    if model.hires.is_empty() {
        return Err(flag_error(format!(
            "--hire-for sizes the scenario's hiring classes, and {file} has no [[hires]]\n  = help: add a [[hires]] table per class to size (group, day, training, shift); its size is what the search sets"
        )));
    }
    if model
        .channels
        .iter()
        .all(|c| c.service_level_target.is_none())
    {
        return Err(flag_error(format!(
            "--hire-for keeps each week's service-level targets, and no channel of {file} has a service_level_target\n  = help: set service_level_target on the channels the hires must keep, e.g. 0.8"
        )));
    }
    let n = model.replications;
    if let Some(more) = args.refine_replications
        && more <= n
    {
        return Err(flag_error(format!(
            "--refine-replications {more} goes on from a search on {n} replications, and is not more\n  = help: give more than {n}, e.g. --refine-replications {}",
            n.saturating_mul(4)
        )));
    }
    if needed(p, n) > n {
        let help = if p < 1.0 {
            // k / (k + 1) ≥ p from k = p / (1 − p); the float may land a hair either side.
            let from = (p / (1.0 - p) - 1e-6)
                .ceil()
                .clamp(1.0, f64::from(u32::MAX)) as u32;
            let least = (from..=from.saturating_add(2))
                .find(|k| needed(p, *k) <= *k)
                .unwrap_or(from);
            format!(
                "run at least {least} replications (--replications {least}), or ask for a smaller share"
            )
        } else {
            "ask for a share below 1, e.g. 0.95: no number of replications shows that every one will meet".into()
        };
        return Err(flag_error(format!(
            "--hire-for {p} cannot be judged on {n} replications: a plan that meets all {n} is met by a fresh replication with a probability of {n}/{} = {:.3} on average\n  = help: {help}",
            n + 1,
            f64::from(n) / f64::from(n + 1)
        )));
    }
    let inputs = [args.scenario.as_path()];
    check_out(args.out.as_ref(), args.force, &inputs)?;
    let started = Instant::now();
    let bar = indicatif::ProgressBar::hidden();
    let chatty = std::io::stderr().is_terminal();
    let mut say = |s: &str| {
        if chatty {
            eprintln!("  {s}");
        }
    };
    let mut run = |m: &Model| supportsim::plan::simulate(m, Some(&INTERRUPTED), &|| {});
    let mut found = Search {
        base: model,
        probability: p,
        start: &[],
        run: &mut run,
        report: &mut say,
    }
    .run()
    .map_err(|e| stopped(e, &model.name, &bar))?;
    if let Some(more) = args.refine_replications {
        // The same search on more replications, from the sizes found: a class sized on a few
        // lands a hire or two either side of its edge; on more, closer to it.
        let mut wider = model.clone();
        wider.replications = more;
        let refined = Search {
            base: &wider,
            probability: p,
            start: &found.sizes,
            run: &mut run,
            report: &mut say,
        }
        .run()
        .map_err(|e| stopped(e, &model.name, &bar))?;
        found = Found {
            runs: found.runs + refined.runs,
            ..refined
        };
    }
    let mut fresh = model.clone();
    fresh.seed = args.check_seed.unwrap_or(model.seed ^ 1);
    fresh.replications = args.check_replications.unwrap_or(model.replications);
    let check = check(&fresh, &found).map_err(|e| stopped(e, &model.name, &bar))?;
    let json = to_json(model, p, &found, &check);
    let bytes = serde_json::to_vec_pretty(&json).context("rendering JSON")?;
    if let Some(dir) = &args.out {
        let files = vec![
            ("hiring.json".to_string(), bytes.clone()),
            (
                "hires.toml".to_string(),
                hires_toml(model, &found.sizes).into_bytes(),
            ),
        ];
        write_all(dir, &files, &inputs)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        out.write_all(&bytes)
            .context("writing to standard output")?;
        writeln!(out).context("writing to standard output")?;
    } else {
        let text = text(model, p, &found, &check, started.elapsed().as_secs_f64());
        write!(out, "{text}").context("writing to standard output")?;
    }
    Ok(())
}

/// The plan found and each class with one hire fewer, on the replications of `fresh` (the
/// scenario with the check's seed and replications).
fn check(fresh: &Model, found: &Found) -> Result<Check, supportsim::engine::Stopped> {
    let mut m = fresh.clone();
    for (h, size) in m.hires.iter_mut().zip(&found.sizes) {
        h.size = *size;
    }
    let met_of = |m: &Model| -> Result<Met, supportsim::engine::Stopped> {
        let reps = supportsim::plan::simulate(m, Some(&INTERRUPTED), &|| {})?;
        Ok(Met::of(m, &reps))
    };
    let met = met_of(&m)?;
    let skip = found.unreachable();
    let p = found.probability;
    let mut one_fewer = Vec::new();
    for k in 0..m.hires.len() {
        if m.hires[k].size == 0 {
            one_fewer.push(None);
            continue;
        }
        m.hires[k].size -= 1;
        let fewer = met_of(&m)?;
        m.hires[k].size += 1;
        // A week short of `p` that the hire taken away made worse: a week the plan itself
        // leaves short on these seeds, by as much, is not the missing hire's doing.
        let short = (0..fewer.all.len()).find(|w| {
            !skip.contains(w)
                && match (fewer.all[*w], met.all.get(*w).copied().flatten()) {
                    (Some(x), Some(with)) => x.share() < p && x.met < with.met,
                    _ => false,
                }
        });
        one_fewer.push(Some(short));
    }
    Ok(Check {
        seed: fresh.seed,
        replications: fresh.replications,
        met,
        one_fewer,
    })
}

/// The weeks of `met` below `p`, but `skip`: (week from 1, share, whether the share is still
/// consistent with `p` — not short beyond chance).
fn short_weeks(met: &Met, p: f64, skip: &[usize]) -> Vec<(usize, f64, bool)> {
    let beyond = met.short_beyond_chance(p, skip);
    met.all
        .iter()
        .enumerate()
        .filter_map(|(w, x)| Some((w, x.as_ref()?.share())))
        .filter(|(w, x)| !skip.contains(w) && *x < p)
        .map(|(w, x)| (w + 1, x, !beyond.contains(&w)))
        .collect()
}

/// The classes as `[[hires]]` tables with the sizes found.
fn hires_toml(m: &Model, sizes: &[u32]) -> String {
    let mut s = format!(
        "# Hiring classes sized by `supportsim plan --hire-for` for \"{}\".\n",
        m.name
    );
    for (k, (h, size)) in m.hires.iter().zip(sizes).enumerate() {
        let group = &m.groups[h.group as usize].name;
        if *size == 0 {
            // A scenario refuses a class of none: say so instead.
            s.push_str(&format!(
                "\n# class {} ({group}, day {}): no hires needed\n",
                k + 1,
                h.day
            ));
            continue;
        }
        s.push_str(&format!(
            "\n[[hires]]\ngroup = \"{}\"\nday = {}\nsize = {size}\ntraining = \"{}d\"\n",
            group,
            h.day,
            h.joins - h.day
        ));
        if let Some(shift) = h.shift {
            s.push_str(&format!("shift = {}\n", shift + 1));
        }
    }
    s
}

fn to_json(m: &Model, p: f64, found: &Found, check: &Check) -> serde_json::Value {
    let skip = found.unreachable();
    let short = short_weeks(&check.met, p, &skip);
    let weeks_of = |within: bool| -> Vec<usize> {
        short
            .iter()
            .filter(|s| s.2 == within)
            .map(|s| s.0)
            .collect()
    };
    let classes: Vec<serde_json::Value> = m
        .hires
        .iter()
        .enumerate()
        .map(|(k, h)| {
            serde_json::json!({
                "class": k + 1,
                "group": m.groups[h.group as usize].name,
                "day": h.day,
                "joins": h.joins,
                "shift": h.shift.map(|s| s + 1),
                "scenario_size": h.size,
                "size": found.sizes[k],
                "one_fewer_short_week": found.one_fewer[k].map(|w| w + 1),
                "one_fewer_short_week_fresh_seeds": check.one_fewer[k].map(|s| s.map(|w| w + 1)),
            })
        })
        .collect();
    let weeks = |met: &Met| -> Vec<Option<f64>> { met.shares() };
    serde_json::json!({
        "scenario": m.name,
        "probability": p,
        "replications": m.replications,
        "refine_replications": (found.replications != m.replications).then_some(found.replications),
        "replications_needed": needed(p, found.replications),
        "seed": m.seed,
        "check_seed": check.seed,
        "check_replications": check.replications,
        "simulations": found.runs,
        "hires": found.sizes.iter().map(|x| u64::from(*x)).sum::<u64>(),
        "scenario_hires": m.hires.iter().map(|h| u64::from(h.size)).sum::<u64>(),
        "classes": classes,
        "weeks_met": weeks(&found.met),
        "weeks_met_fresh_seeds": weeks(&check.met),
        "weeks_before_any_class": found.before_reach,
        "short_weeks_fresh_seeds": weeks_of(false),
        "below_within_sampling_error_fresh_seeds": weeks_of(true),
        "out_of_reach": found.out_of_reach.iter().map(|o| serde_json::json!({"week": o.week + 1, "why": o.why})).collect::<Vec<_>>(),
    })
}

fn text(m: &Model, p: f64, found: &Found, check: &Check, seconds: f64) -> String {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let mut out = format!(
        "{}: the fewest hires that meet every week's service-level targets in {} of {} replications (seed {}), so that a fresh replication meets them with a probability of {} on average; found in {} simulations ({:.0} s)\n\n",
        m.name,
        needed(p, found.replications),
        found.replications,
        m.seed,
        pct(p),
        found.runs,
        seconds
    );
    let header = [
        "class",
        "group",
        "hired",
        "on floor",
        "shift",
        "size",
        "scenario",
        "one fewer: short in",
    ];
    let mut rows = Vec::new();
    let week = |w: Option<usize>| w.map_or("no week".to_string(), |w| format!("week {}", w + 1));
    for (k, h) in m.hires.iter().enumerate() {
        let fewer = match (found.sizes[k], found.one_fewer[k], check.one_fewer[k]) {
            (0, _, _) => String::new(),
            (_, search, Some(fresh)) => format!("{} (fresh seeds: {})", week(search), week(fresh)),
            (_, search, None) => week(search),
        };
        rows.push(vec![
            (k + 1).to_string(),
            m.groups[h.group as usize].name.clone(),
            format!("day {}", h.day),
            format!("day {}", h.joins),
            h.shift.map_or("–".into(), |s| (s + 1).to_string()),
            found.sizes[k].to_string(),
            h.size.to_string(),
            fewer,
        ]);
    }
    supportsim::export::render_table(&mut out, &header, &rows);
    let total: u32 = found.sizes.iter().sum();
    let scenario: u32 = m.hires.iter().map(|h| h.size).sum();
    out.push_str(&format!(
        "\n{total} hires in all (the scenario's classes: {scenario})\n"
    ));
    for o in found
        .out_of_reach
        .iter()
        .filter(|o| o.week >= found.before_reach)
    {
        out.push_str(&format!("week {} is out of reach: {}\n", o.week + 1, o.why));
    }
    if found.before_reach > 0 {
        out.push_str(&format!(
            "weeks 1–{} come before the first class joins the floor: no hiring changes them\n",
            found.before_reach
        ));
    }
    let skip = found.unreachable();
    let counted = (0..check.met.all.len())
        .filter(|w| !skip.contains(w) && check.met.all[*w].is_some())
        .count();
    let short = short_weeks(&check.met, p, &skip);
    let list = |within: bool| -> String {
        let weeks: Vec<String> = short
            .iter()
            .filter(|s| s.2 == within)
            .map(|(w, x, _)| format!("week {w} {}", pct(*x)))
            .collect();
        weeks.join(", ")
    };
    out.push_str(&format!(
        "\non fresh seeds (seed {}, {} replications): {} of {} weeks met in at least {}",
        check.seed,
        check.replications,
        counted - short.len(),
        counted,
        pct(p)
    ));
    let (within, below) = (list(true), list(false));
    if !within.is_empty() {
        out.push_str(&format!(
            "; below it but within sampling error (one-sided binomial tests at 5% with Holm's correction for the {counted} weeks): {within}"
        ));
    }
    if !below.is_empty() {
        out.push_str(&format!("; short: {below}"));
    }
    out.push('\n');
    let sized: Vec<usize> = (0..m.hires.len()).filter(|k| found.sizes[*k] > 0).collect();
    let still: Vec<String> = sized
        .iter()
        .filter(|k| check.one_fewer[**k] == Some(None))
        .map(|k| (k + 1).to_string())
        .collect();
    out.push_str(&format!(
        "one hire fewer, on fresh seeds: some week short for {} of {} classes",
        sized.len() - still.len(),
        sized.len()
    ));
    if still.is_empty() {
        out.push('\n');
    } else {
        out.push_str(&format!(
            "; every week still met without one of class {}\n",
            still.join(", ")
        ));
    }
    out
}
