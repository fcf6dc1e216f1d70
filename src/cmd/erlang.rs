//! `supportsim erlang b|c|a`: the analytic calculators.

use std::io::Write;

use anyhow::Context;

use super::{Failure, flag_duration, flag_duration_or_zero, flag_error, flag_share};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ErlangModel {
    /// Erlang B: no queue, callers who find every agent busy are lost.
    B,
    /// Erlang C: callers wait as long as it takes.
    C,
    /// Erlang A: callers abandon after an exponential patience (needs --patience).
    A,
}

/// The most agents `--agents` evaluates.
const MAX_EVALUATED: u32 = 10_000_000;

#[derive(clap::Args)]
pub struct ErlangArgs {
    /// Which model.
    #[arg(value_enum)]
    model: ErlangModel,
    /// Contacts arriving per hour.
    #[arg(long, value_name = "RATE")]
    per_hour: f64,
    /// Average handle time, e.g. "4m" or "330s".
    #[arg(long, value_name = "DURATION")]
    aht: String,
    /// Evaluate this many agents (1 to 10,000,000).
    #[arg(long, value_name = "N", conflicts_with = "target_sl")]
    agents: Option<u32>,
    /// Find the fewest agents answering this share within --answer-within, e.g. 0.8.
    #[arg(long, value_name = "SHARE")]
    target_sl: Option<f64>,
    /// Service-level threshold, e.g. "20s" (Erlang C and A); "0s" targets the share answered
    /// without waiting at all, i.e. a probability of waiting.
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

pub fn erlang(args: &ErlangArgs) -> Result<(), Failure> {
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
        (Some(t), _) => flag_duration_or_zero("answer-within", t)?,
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
    if let Some(n) = args.agents
        && n > MAX_EVALUATED
    {
        return Err(flag_error(format!(
            "--agents {n} is more than the {MAX_EVALUATED} agents the calculators evaluate\n  = help: no contact centre is that large; check the number"
        )));
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
