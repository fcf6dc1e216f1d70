//! Scenario files (TOML, format v1): reading, checking and building the [`Model`].
//!
//! The file is parsed into a spanned document tree, then walked key by key so that every
//! problem (unknown keys, wrong types, values out of range, names that do not resolve, shares
//! that do not add up) is reported at once with its place in the file. The walk produces a
//! [`Model`] only when no error was found.
//!
//! One module per section of the file, in the order they are read:
//!
//! | module | reads |
//! |---|---|
//! | `simulation` | `[simulation]`: horizon, warm-up, interval, replications, seed |
//! | `volume` | `[volume]`: contacts a day, weekday weights, intraday profiles, day factor, growth |
//! | `channels` | `[channels.NAME]`: kinds, shares, handle times, patience, targets, queues, touches |
//! | `topics` | `[[topics]]`: contact reasons, priorities, skills, channel mix, FCR, containment |
//! | `agents` | `[[agents]]`: groups, channels, skills, concurrency, shifts, shrinkage, cost |
//! | `automation` | `[automation]` and `[knowledge_base]` |
//! | `experience` | `[resolution]` and `[csat]` |
//! | `customers` | `[customers]` |
//! | `surges` | `[[surges]]` |
//! | `lesson` | `[lesson]`: levers and an exercise for `supportsim lesson` (not the model's) |
//!
//! and what they share: `reader` (typed reads with places), `dists` (distributions),
//! `calendar` (intraday profiles, weekdays, shifts), `checks` (checks across sections and the
//! warnings of a valid model).

mod absence;
mod agents;
mod automation;
mod breaks;
mod burnout;
mod calendar;
mod channels;
mod checks;
mod customers;
mod dated;
mod dists;
mod experience;
pub mod format;
mod hires;
mod idle;
pub(crate) mod keys;
mod lesson;
mod mixes;
mod overrides;
mod pending;
mod ramp;
mod reader;
mod reassign;
mod rules;
mod simulation;
mod surges;
mod topics;
mod volume;

use std::collections::BTreeSet;
use std::path::Path;

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Report};
use crate::model::{Demand, Model};

pub use lesson::LessonSpec;
use reader::{Cx, Table};

/// Errors of loading a scenario.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read scenario `{path}`: {reason}")]
    Read {
        /// Path as given.
        path: String,
        /// Why, in plain words.
        reason: String,
    },
    /// The file was read but has errors; the report holds every one of them.
    #[error("{}", .0.render())]
    Invalid(Box<Report>),
}

/// A model that passed every check, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The model.
    pub model: Model,
    /// Warnings (no errors); may be empty.
    pub warnings: Report,
    /// The `[lesson]` table, for `supportsim lesson`.
    pub lesson: Option<LessonSpec>,
}

/// Reads and checks a scenario file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::Read {
        path: label.clone(),
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file; check the path".to_string(),
            std::io::ErrorKind::IsADirectory => "it is a folder, not a file".to_string(),
            _ => e.to_string(),
        },
    })?;
    let source = String::from_utf8(bytes).map_err(|_| LoadError::Read {
        path: label.clone(),
        reason: "it is not UTF-8 text; save it as UTF-8".to_string(),
    })?;
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    parse(&label, &source, &default_name)
}

/// Checks scenario text and builds its model. `file` labels the diagnostics; `default_name` is
/// the scenario name used when `[simulation] name` is absent.
pub fn parse(file: &str, source: &str, default_name: &str) -> Result<Loaded, LoadError> {
    let mut cx = Cx { diags: Vec::new() };
    let mut lesson = None;
    let model = if source.trim().is_empty() {
        cx.diags.push(
            Diagnostic::error("the scenario is empty", Some(0..0)).help(
                "a scenario needs at least [simulation] days, [volume] per_day, one [channels.NAME] and one [[agents]] group; start from scenarios/quick-start.toml",
            ),
        );
        None
    } else {
        match DeTable::parse(source) {
            Ok(doc) => {
                let model = build(&mut cx, doc.get_ref(), file, default_name);
                lesson = lesson::read(&mut cx, doc.get_ref());
                model
            }
            Err(e) => {
                let msg = e.message().trim().to_string();
                cx.diags.push(
                    Diagnostic::error(format!("this is not valid TOML: {msg}"), e.span())
                        .help("fix the syntax here; a string needs quotes, a table header looks like [name]"),
                );
                None
            }
        }
    };
    if model.is_none() && !cx.has_errors() {
        // Every reason to refuse a scenario should have said so on the way; this one did not.
        cx.diags.push(
            Diagnostic::error(
                "the scenario could not be read, for a reason supportsim failed to name",
                Some(0..0),
            )
            .help("this is a defect of supportsim: please report it with the file"),
        );
    }
    let report = Report {
        file: file.to_string(),
        source: source.to_string(),
        diagnostics: cx.diags,
    };
    match model {
        Some(model) if report.error_count() == 0 => Ok(Loaded {
            model,
            warnings: report,
            lesson,
        }),
        _ => Err(LoadError::Invalid(Box::new(report))),
    }
}

/// Builds the model from the document, reading its sections in a fixed order so that problems
/// are reported in the order of the file's concerns; `None` when any error was found.
fn build(cx: &mut Cx, doc: &Table<'_>, file: &str, default_name: &str) -> Option<Model> {
    cx.check_keys(doc, keys::SCENARIO, "the scenario");
    let sim = simulation::read(cx, doc, default_name);
    let volume = volume::read(cx, doc);
    let (raw_channels, channels_span) = channels::read(cx, doc);
    let names = channels::Names(raw_channels.iter().map(|c| c.name.clone()).collect());
    let (channel_share, shares_given) = channels::shares(cx, &raw_channels, &channels_span);
    let mut topics = topics::read(cx, doc, &channel_share, &names);
    topics::check_split(
        cx,
        &topics,
        raw_channels.len(),
        shares_given,
        &channels_span,
    );
    let skill_names: BTreeSet<String> = topics.topics.iter().map(|t| t.skill.clone()).collect();
    let refs = agents::Refs {
        channels: &raw_channels,
        names: &names,
        topics: &topics.topics,
        skill_names: &skill_names,
    };
    let (groups, group_spans) = agents::read(cx, doc, &refs);
    let automation = automation::read(cx, doc, &names.0);
    let knowledge_base = automation::knowledge_base(cx, doc);
    let resolution = experience::resolution(cx, doc);
    let csat = experience::csat(cx, doc);
    let customers = customers::read(cx, doc);
    let repeat_mixes = mixes::repeat_mixes(cx, &raw_channels, &names);
    let chases = mixes::chases(cx, &raw_channels, &names);
    overrides::check(cx, doc);
    if cx.has_errors() {
        return None;
    }
    let days = sim.days.as_ref()?.0 as u32;
    let per_day = match &customers {
        Some((c, Some(cpm))) => {
            let mean_weight = volume.weekday.iter().sum::<f64>() / 7.0;
            if mean_weight > 0.0 {
                c.active * cpm / crate::model::MONTH_DAYS / mean_weight
            } else {
                0.0
            }
        }
        _ if volume.forecast.is_some() => 0.0,
        _ => volume.per_day.as_ref()?.0,
    };
    let from_customers = matches!(customers, Some((_, Some(_))));
    let dated = forecast(cx, file, &sim, &volume, &raw_channels, days, from_customers);
    let customers = customers.map(|c| c.0);
    // Topics without their own containment or deflection take the bot's and the knowledge
    // base's.
    let default_containment = automation.as_ref().map_or(0.0, |a| a.1);
    let default_kb = knowledge_base.as_ref().map_or(0.0, |k| k.1);
    for t in &mut topics.topics {
        if t.containment.is_nan() {
            t.containment = default_containment;
        }
        if t.kb_deflection.is_nan() {
            t.kb_deflection = default_kb;
        }
    }
    let model_channels =
        channels::build(raw_channels, &channel_share, &repeat_mixes, chases, &volume)?;
    let hires = hires::read(cx, doc, &groups, days);
    checks::coverage(cx, &topics, &model_channels, &groups, &group_spans, &hires);
    reassign::check(cx, &topics, &model_channels, &groups);
    if cx.has_errors() {
        return None;
    }
    let channel_names: Vec<String> = model_channels.iter().map(|(c, _)| c.name.clone()).collect();
    let topic_names: Vec<String> = topics.topics.iter().map(|t| t.name.clone()).collect();
    let surges = surges::read(cx, doc, &channel_names, &topic_names, days);
    if cx.has_errors() {
        return None;
    }
    let topics = topics.topics;
    let mut model_ch = Vec::new();
    let mut spans = Vec::new();
    for (mut c, span) in model_channels {
        // The share of all contacts that arrive on this channel, over every topic.
        let ci = model_ch.len();
        c.share = topics.iter().map(|t| t.share * t.channel_mix[ci]).sum();
        model_ch.push(c);
        spans.push(span);
    }
    let mut model = Model {
        name: sim.name,
        days,
        warmup_days: sim.warmup_days,
        interval: sim.interval,
        replications: sim.replications,
        seed: sim.seed,
        demand: Demand {
            per_day,
            weekday: volume.weekday,
            day_cv: volume.day_cv,
            start_weekday: sim.start_weekday,
            growth_per_month: volume.growth_per_month,
            dated: None,
        },
        channels: model_ch,
        topics,
        groups,
        automation: automation.map(|a| a.0),
        knowledge_base: knowledge_base.map(|k| k.0),
        resolution,
        csat,
        customers,
        trace: None,
        closed_days: Vec::new(),
        surges,
        hires,
    };
    if let Some(d) = dated {
        typical_week(&mut model, d);
    }
    checks::whole_model(cx, doc, &model, &spans);
    Some(model)
}

/// Reads `[volume] forecast` for the run's days; `None` without one or when it cannot be used
/// (each reason reported at the key).
fn forecast(
    cx: &mut Cx,
    file: &str,
    sim: &simulation::Simulation,
    volume: &volume::Volume,
    raw_channels: &[channels::RawChannel],
    days: u32,
    customers: bool,
) -> Option<crate::model::DatedDemand> {
    let (name, span) = volume.forecast.as_ref()?;
    let help = "see docs/scenario-format.md, `forecast` in [volume]";
    if customers {
        cx.err(
            "a forecast and a customer base both set the volume",
            span.clone(),
            "remove `forecast`, or [customers] contacts_per_month",
        );
        return None;
    }
    if let Some(c) = raw_channels.iter().find(|c| c.intraday.is_some()) {
        cx.err(
            format!(
                "channel `{}` has its own intraday profile, which a forecast replaces",
                c.name
            ),
            span.clone(),
            "remove the channel's `intraday`: the forecast gives each date's profile",
        );
        return None;
    }
    let Some((start, _)) = sim.start_date else {
        cx.err(
            "a forecast needs the date of day 0",
            span.clone(),
            "add start_date = \"YYYY-MM-DD\" to [simulation]",
        );
        return None;
    };
    match dated::read(&dated::path_of(file, name), start, days) {
        Ok(r) => {
            if let Some(w) = r.warning {
                cx.warn(w, span.clone(), help);
            }
            Some(r.demand)
        }
        Err(e) => {
            cx.err(e, span.clone(), help);
            None
        }
    }
}

/// With a forecast, `per_day`, the weekday weights and every channel's profile hold the
/// forecast's typical week (the mean of each weekday over the run), which staffing reads; the
/// engine draws from the dates themselves.
fn typical_week(model: &mut Model, dated: crate::model::DatedDemand) {
    let slots = dated.days.first().map_or(1, Vec::len).max(1);
    let mut sums = [(); 7].map(|_| vec![0.0; slots]);
    let mut count = [0usize; 7];
    for (d, v) in dated.days.iter().enumerate().take(model.days as usize) {
        let w = (model.demand.start_weekday + d) % 7;
        count[w] += 1;
        for (s, x) in sums[w].iter_mut().zip(v) {
            *s += x;
        }
    }
    let totals: [f64; 7] =
        std::array::from_fn(|w| sums[w].iter().sum::<f64>() / count[w].max(1) as f64);
    let open: Vec<f64> = totals.iter().copied().filter(|t| *t > 0.0).collect();
    let per_day = open.iter().sum::<f64>() / open.len().max(1) as f64;
    let profile: [Vec<f64>; 7] = std::array::from_fn(|w| {
        let t: f64 = sums[w].iter().sum();
        if t > 0.0 {
            sums[w].iter().map(|x| x / t).collect()
        } else {
            vec![1.0 / slots as f64; slots]
        }
    });
    model.demand.per_day = per_day;
    model.demand.weekday = totals.map(|t| if per_day > 0.0 { t / per_day } else { 0.0 });
    for c in &mut model.channels {
        c.intraday = profile.clone();
    }
    model.demand.dated = Some(dated);
}
