//! `supportsim fit LOG --events MAPPING`: a scenario of written work from a service desk's
//! event log, with what the log shows and what it cannot (agent effort) said plainly.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use supportsim::duration::format_duration;
use supportsim::fit::{self, Effort, Est, FitOptions};
use supportsim::numbers::group_thousands;
use supportsim::tickets::{self, EventLog, EventMapping, PriorityMeasures, Spread, TicketMeasures};

use super::history::{FitArgs, Kind};
use super::{Failure, flag_duration, flag_error};

/// Reads an event log through the mapping at `mapping_path`; every problem is an input error
/// naming the file.
pub fn read_events(log: &Path, mapping_path: &Path) -> Result<EventLog, Failure> {
    let text = std::fs::read_to_string(mapping_path).map_err(|e| {
        flag_error(format!(
            "cannot read mapping {}: {e}",
            mapping_path.display()
        ))
    })?;
    let mapping = EventMapping::parse(&text)
        .map_err(|e| flag_error(format!("in mapping {}: {e}", mapping_path.display())))?;
    super::output::log_fit(
        log,
        super::output::EVENT_LOG_BYTES_PER_ROW,
        super::output::available_memory(),
    )?;
    let file = std::fs::File::open(log)
        .map_err(|e| flag_error(format!("cannot read log {}: {e}", log.display())))?;
    let events = tickets::read(file, &mapping)
        .map_err(|e| flag_error(format!("in event log {}: {e}", log.display())))?;
    if events.tickets.is_empty() {
        return Err(flag_error(format!(
            "the event log {} holds no ticket that could be read ({} rows)\n  = help: check the mapping's [columns] and [states] against the log's header and state names",
            log.display(),
            events.rows
        )));
    }
    Ok(events)
}

/// The effort per touch: from --effort or --agents; the log cannot give it.
pub(super) fn effort(
    effort: Option<&str>,
    agents: Option<u32>,
    log: &Path,
) -> Result<Effort, Failure> {
    match (effort, agents) {
        (Some(e), _) => Ok(Effort::Given(flag_duration("effort", e)?)),
        (None, Some(n)) => Ok(Effort::FromAgents(n)),
        (None, None) => Err(flag_error(format!(
            "the event log {} records when tickets changed state, not how long anyone worked on them, so agent effort cannot be fitted from it\n  = help: give the effort per touch (--effort 20m), or the agents working the desk on a weekday (--agents 40) to estimate it from the tickets they resolve",
            log.display()
        ))),
    }
}

pub fn fit_events(
    args: &FitArgs,
    mapping: &Path,
    opts: &FitOptions,
    answer_within: Option<f64>,
) -> Result<(), Failure> {
    if matches!(args.kind, Some(Kind::Call | Kind::Chat)) {
        return Err(flag_error(
            "--events reads tickets, which are written work: use --kind async (the default with --events)".into(),
        ));
    }
    let path = &args.input.log;
    let effort = effort(args.effort.as_deref(), args.agents, path)?;
    if let Some(out) = &args.out {
        super::output::check_file("--out", out, &[path.as_path(), mapping])?;
    }
    let mut events = read_events(path, mapping)?;
    let queues = super::history::queues(args.queues, &events, mapping)?;
    events.handoffs = queues == tickets::Queues::Groups;
    let m = tickets::measure(&events);
    let as_log = tickets::as_contact_log(&events, &m, queues);
    let opts = FitOptions {
        skip_days: tickets::quiet_opening_days(&events, &m),
        ..opts.clone()
    };
    let fitted = fit::fit(&as_log, &opts);
    let target = fit::answer_target(&m, answer_within).unwrap_or(f64::NAN);
    let spec = fit::ChannelSpec {
        name: "tickets".into(),
        kind: supportsim::model::ChannelKind::Async,
        answer_within: target,
    };
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (file, header, notes) =
        fit::ticket_scenario(&fitted, &events, &m, queues, &source, &spec, effort);
    let text = supportsim::scenario::format::to_toml(&file, &header, &notes)
        .context("writing the fitted scenario")?;
    supportsim::scenario::parse("fitted.toml", &text, "fitted")
        .map_err(|e| anyhow::anyhow!("the fitted scenario does not load: {e:?}"))?;
    if m.reassigned.0 > 0.0 {
        match queues {
            tickets::Queues::Pooled => eprintln!(
                "warning: {:.1}% of tickets were reassigned to another group (mean {:.2} times); the scenario has one pooled queue and does not model their hand-offs (--queues groups gives each group its own queue and hands tickets between them): their waits and touches are in its figures",
                100.0 * m.reassigned.0,
                m.reassigned.1
            ),
            tickets::Queues::Groups => eprintln!(
                "note: {:.1}% of tickets were reassigned to another group (mean {:.2} times); each topic's `reassign` hands its tickets to another group's queue after their first response, once: a ticket passed on again stays with the second group",
                100.0 * m.reassigned.0,
                m.reassigned.1
            ),
        }
    }
    if let Some(out) = &args.out {
        super::output::write_file(out, text.as_bytes())?;
    }
    let mut stdout = std::io::stdout().lock();
    use std::io::Write;
    if args.json {
        let report = report(&events, &m, &fitted, path, effort.seconds(&m), target);
        serde_json::to_writer_pretty(&mut stdout, &report).context("writing to standard output")?;
        writeln!(stdout).context("writing to standard output")?;
    } else if args.out.is_none() {
        write!(stdout, "{text}").context("writing to standard output")?;
    } else {
        write!(stdout, "{}", summary(&events, &m, &fitted, effort, target))
            .context("writing to standard output")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct SkipReport {
    reason: String,
    count: u64,
    first_line: u64,
}

#[derive(Serialize)]
struct BetweenTouches {
    family: &'static str,
    mean_seconds: Est,
    cv: Est,
    events: usize,
    censored: usize,
}

impl BetweenTouches {
    fn of(d: &supportsim::mle::DistFit) -> Self {
        BetweenTouches {
            family: supportsim::dist::Family::NAMES[d.family as usize],
            mean_seconds: Est {
                value: d.mean,
                se: d.mean_se,
            },
            cv: Est {
                value: d.cv,
                se: d.cv_se,
            },
            events: d.events,
            censored: d.censored,
        }
    }
}

#[derive(Serialize)]
struct TicketReport<'a> {
    schema: &'static str,
    log: String,
    rows: u64,
    skipped: Vec<SkipReport>,
    tickets: usize,
    responded: usize,
    resolved: usize,
    days: u32,
    per_day: Est,
    day_cv: Est,
    /// Topics (categories × priority, small ones pooled) and their shares.
    topics: Vec<(String, Est)>,
    first_response_seconds: Option<Spread>,
    resolution_seconds: Option<Spread>,
    touches: Est,
    /// The wait between two touches: mean and cv (seconds) with standard errors, by the
    /// family that fits best.
    between_touches: Option<BetweenTouches>,
    /// The same fitted to each kind of wait on its own (`customer`, `third_party`, `desk`;
    /// kinds with 30 ended spans or more).
    between_touches_by_state: BTreeMap<&'static str, BetweenTouches>,
    pending_spans_customer: (usize, usize),
    pending_spans_third_party: (usize, usize),
    /// Holds on the desk past an hour after the first response: ended, still open.
    held_on_desk: (usize, usize),
    /// Share of the desk's working hours with a ticket waiting over an hour for its first
    /// response.
    saturated_share: Option<f64>,
    /// The occupancy at which the log's touches were made (1 for a desk that never caught
    /// up), used for the effort or agents estimated.
    occupancy: f64,
    reassigned_share: f64,
    reassignments_mean: f64,
    /// Share of first responses given while an older ticket of the group still waited.
    out_of_order_share: Option<f64>,
    /// How much likelier the desk took its newer waiting tickets: the `newest_bias` read by
    /// maximum likelihood, its standard error, the picks read and the share taking the newest.
    pick_bias: Option<supportsim::tickets::PickBias>,
    reopened_share: f64,
    opened_per_day: f64,
    priorities: &'a [PriorityMeasures],
    /// Dates with under half their weekday's usual first responses and resolutions (a
    /// holiday, the first days of a log that starts empty), left out of the rota's weekdays.
    quiet_days: &'a [tickets::QuietDay],
    /// Dates with under half their weekday's usual openings (holidays), left out of the
    /// arrivals' weekday means, profiles and day-to-day variation (`actions` counts openings).
    quiet_opening_days: &'a [tickets::QuietDay],
    /// For a desk that never caught up, the spread of its daily actions read as its presence
    /// varying from day to day (the scenario's `absence` and `absence_sd`).
    presence: Option<fit::Presence>,
    /// The same for its weekend crew, from its Saturdays and Sundays.
    weekend_presence: Option<fit::Presence>,
    effort_seconds: f64,
    answer_within_seconds: f64,
}

fn report<'a>(
    events: &EventLog,
    m: &'a TicketMeasures,
    fitted: &fit::Fit,
    path: &Path,
    effort_s: f64,
    target: f64,
) -> TicketReport<'a> {
    let spans = |w| {
        m.pending
            .get(&w)
            .map_or((0, 0), |(e, c)| (e.len(), c.len()))
    };
    TicketReport {
        schema: "supportsim.fit-events/1",
        log: path.display().to_string(),
        rows: events.rows,
        skipped: events
            .skipped
            .iter()
            .map(|(k, (n, l))| SkipReport {
                reason: k.to_string(),
                count: *n,
                first_line: *l,
            })
            .collect(),
        tickets: m.tickets,
        responded: m.responded,
        resolved: m.resolved,
        days: fitted.days,
        per_day: fitted.per_day,
        day_cv: fitted.day_cv,
        topics: fitted
            .topics
            .iter()
            .map(|t| (t.name.clone(), t.share))
            .collect(),
        first_response_seconds: m.first_response,
        resolution_seconds: m.resolution,
        touches: Est {
            value: m.touches.0,
            se: m.touches.1,
        },
        between_touches: m.between_touches.first().map(BetweenTouches::of),
        between_touches_by_state: m
            .pending_fits
            .iter()
            .filter_map(|(w, f)| Some((w.key(), BetweenTouches::of(f.first()?))))
            .collect(),
        pending_spans_customer: spans(tickets::Waiting::Customer),
        pending_spans_third_party: spans(tickets::Waiting::ThirdParty),
        held_on_desk: spans(tickets::Waiting::Desk),
        saturated_share: m.saturated,
        occupancy: fit::occupancy(m),
        out_of_order_share: m.out_of_order,
        pick_bias: m.pick_bias,
        reassigned_share: m.reassigned.0,
        reassignments_mean: m.reassigned.1,
        reopened_share: m.reopened,
        opened_per_day: m.opened_per_day,
        priorities: &m.priorities,
        quiet_days: &m.activity.quiet,
        quiet_opening_days: &m.activity.quiet_openings,
        presence: fit::desk_presence(m),
        weekend_presence: fit::weekend_presence(m),
        effort_seconds: effort_s,
        answer_within_seconds: target,
    }
}

fn spread_text(s: Option<Spread>) -> String {
    s.map_or("none".into(), |s| {
        format!(
            "median {}, 80% within {}, 90% within {} (n = {})",
            format_duration(s.p50),
            format_duration(s.p80),
            format_duration(s.p90),
            group_thousands(s.n as f64)
        )
    })
}

/// A quiet day, for the summary.
fn quiet_text(q: &tickets::QuietDay) -> String {
    format!(
        "{} {}: {} first responses and resolutions, usual {:.0} (left out of the rota)",
        q.date.format("%a"),
        q.date,
        q.actions,
        q.usual
    )
}

/// The summary's rows on how much of the desk was there: its presence from day to day, and
/// the quiet days left out of the rota and of the arrivals.
fn desk_days(m: &TicketMeasures) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let kinds = [
        ("presence", fit::desk_presence(m), "usual dates"),
        (
            "weekend presence",
            fit::weekend_presence(m),
            "weekend dates",
        ),
    ];
    for (label, p, dates) in kinds {
        let Some(p) = p else { continue };
        rows.push(vec![
            label.into(),
            format!(
                "daily actions vary by {:.1}% ({:.1}% beyond counting noise) over {} {dates}: absence {:.1}% ± {:.1}% a day (ESTIMATE)",
                100.0 * p.cv,
                100.0 * p.cv_beyond_poisson,
                p.dates,
                100.0 * p.absence,
                100.0 * p.absence_sd
            ),
        ]);
    }
    for q in &m.activity.quiet {
        rows.push(vec!["quiet day".into(), quiet_text(q)]);
    }
    for q in &m.activity.quiet_openings {
        rows.push(vec![
            "quiet openings".into(),
            format!(
                "{} {}: {} tickets opened, usual {:.0} (left out of the arrivals' weekdays)",
                q.date.format("%a"),
                q.date,
                q.actions,
                q.usual
            ),
        ]);
    }
    rows
}

fn summary(
    events: &EventLog,
    m: &TicketMeasures,
    fitted: &fit::Fit,
    effort: Effort,
    target: f64,
) -> String {
    let skipped: u64 = events.skipped.values().map(|s| s.0).sum();
    let mut rows = vec![vec![
        "rows read".to_string(),
        format!(
            "{} ({} tickets; {} rows or tickets left out)",
            group_thousands(events.rows as f64),
            group_thousands(m.tickets as f64),
            group_thousands(skipped as f64)
        ),
    ]];
    for (reason, (n, line)) in &events.skipped {
        rows.push(vec![
            format!("  left out {}", group_thousands(*n as f64)),
            format!("{reason}; first at line {line}"),
        ]);
    }
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    rows.extend([
        vec![
            "days".into(),
            format!("{} from {}", fitted.days, fitted.first_date),
        ],
        vec![
            "opened per day".into(),
            format!("{:.1} ± {:.1}", fitted.per_day.value, fitted.per_day.se),
        ],
        vec!["first response".into(), spread_text(m.first_response)],
        vec!["resolution (elapsed)".into(), spread_text(m.resolution)],
        vec![
            "touches".into(),
            format!(
                "{:.3} ± {:.3} per resolved ticket",
                m.touches.0, m.touches.1
            ),
        ],
    ]);
    rows.extend(order_rows(m));
    rows.extend([
        vec![
            "reassigned".into(),
            format!(
                "{} of tickets (hand-offs: `reassign` with --queues groups)",
                pct(m.reassigned.0)
            ),
        ],
        vec![
            "reopened".into(),
            format!(
                "{} of resolved tickets (as a further touch)",
                pct(m.reopened)
            ),
        ],
        vec![
            "effort per touch".into(),
            match effort {
                Effort::Given(s) => format!("{} (--effort)", format_duration(s)),
                Effort::FromAgents(n) => format!(
                    "{} — an ESTIMATE from {n} agents (--agents)",
                    format_duration(effort.seconds(m))
                ),
            },
        ],
        vec!["answer target".into(), format_duration(target)],
    ]);
    rows.extend(desk_days(m));
    for p in &m.priorities {
        rows.push(vec![
            format!("priority {}", p.name),
            format!(
                "{} tickets; first response median {}, 90% {}; resolution median {}, 90% {}",
                group_thousands(p.tickets as f64),
                p.first_response
                    .map_or("—".into(), |s| format_duration(s.p50)),
                p.first_response
                    .map_or("—".into(), |s| format_duration(s.p90)),
                p.resolution.map_or("—".into(), |s| format_duration(s.p50)),
                p.resolution.map_or("—".into(), |s| format_duration(s.p90)),
            ),
        ]);
    }
    super::fit_report::listing(rows)
}

/// The table's lines on the order the desk answered in: how often a first response overtook
/// an older waiting ticket, the picks' extremes and bias, and the days one person swept.
fn order_rows(m: &TicketMeasures) -> Vec<Vec<String>> {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let Some(share) = m.out_of_order else {
        return vec![vec!["answered out of order".into(), "—".into()]];
    };
    let newest = share > 0.5;
    let mut rows = vec![vec![
        "answered out of order".into(),
        format!(
            "{} of first responses came while an older ticket of the group waited{}",
            pct(share),
            if newest {
                " (queue_order = \"newest_first\")"
            } else {
                ""
            }
        ),
    ]];
    let Some(p) = m.pick_bias.filter(|_| newest) else {
        return rows;
    };
    if let Some(se) = p.se {
        let sampled = if p.sampled > 0 {
            format!(
                " ({} of {} picks met more waiting tickets than the fit keeps: a uniform sample of them)",
                p.sampled, p.picks
            )
        } else {
            String::new()
        };
        rows.push(vec![
            "picks".into(),
            format!(
                "{} took the newest waiting, {} the oldest; as random order, newest_bias = {:.2} ± {:.2}{sampled}",
                pct(p.newest_share),
                pct(p.oldest_share),
                p.bias.max(0.0),
                se
            ),
        ]);
    }
    if let Some(s) = p.sweeps {
        rows.push(vec![
            "sweeps".into(),
            format!(
                "{} of {} person-days took the oldest in turn, {} of picks (sweep_days)",
                s.swept_days,
                s.person_days,
                pct(s.share)
            ),
        ]);
    }
    rows
}
