//! The fitted scenario: the fit's values in the typed scenario format, each with its standard
//! error and what it rests on as a comment.

use indexmap::IndexMap;

use super::{EMPIRICAL_KS, Fit, TopicFit};
use crate::dist::Family;
use crate::duration::{DAY, WEEKDAYS, hhmm};
use crate::mle::DistFit;
use crate::model::ChannelKind;
use crate::scenario::format::{
    self, AgentGroup, Channel, Days, Distribution, Duration, Intraday, Note, ScenarioFile,
    Simulation, TimeOfDay, Topic, Volume, Weekday, WeekdayIntraday, WeekdayWeights,
};

/// `x` with four significant digits (at least two decimals), so that small volumes do not
/// round to zero.
fn sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(2, 12) as usize;
    rounded(x, decimals)
}

/// `x` rounded to `decimals` decimals (as written in decimal, then read back).
fn rounded(x: f64, decimals: usize) -> f64 {
    format!("{x:.decimals$}").parse().unwrap_or(x)
}

/// Seconds for people and scenarios: whole seconds from 100 s, else to a tenth.
pub(super) fn secs(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}s")
    } else {
        format!("{x:.1}s")
    }
}

/// A fitted distribution in the scenario format: the mean to a tenth of a second (whole
/// seconds from 100 s), the cv to three decimals.
pub(super) fn dist(d: &DistFit) -> Distribution {
    let mean = Duration(secs(d.mean));
    let cv = rounded(d.cv, 3);
    match d.family {
        Family::Exponential => Distribution::Exponential { mean, cv: None },
        Family::Lognormal => Distribution::Lognormal { mean, cv },
        Family::Gamma => Distribution::Gamma { mean, cv },
        Family::Fixed => Distribution::Fixed { mean, cv: Some(cv) },
    }
}

/// One line describing a fit and its competitors.
pub fn dist_note(fits: &[DistFit]) -> String {
    let Some(best) = fits.first() else {
        return "no data".into();
    };
    let name = |f: Family| Family::NAMES[f as usize];
    let mut s = format!(
        "{}: mean {} ± {:.1}s, cv {:.3} ± {:.3}; n = {}",
        name(best.family),
        secs(best.mean),
        best.mean_se,
        best.cv,
        best.cv_se,
        best.events
    );
    if best.censored > 0 {
        s.push_str(&format!(" (+{} censored)", best.censored));
    }
    s.push_str(&format!("; KS distance {:.3}", best.distance));
    for other in &fits[1..] {
        s.push_str(&format!(
            "; {} ΔAIC {:+.1}",
            name(other.family),
            other.aic - best.aic
        ));
    }
    s
}

/// The channel a fitted scenario describes.
#[derive(Debug, Clone)]
pub struct ChannelSpec {
    /// Its name.
    pub name: String,
    /// Call, chat or async (no patience is fitted into an async channel).
    pub kind: ChannelKind,
    /// Its service-level threshold, seconds.
    pub answer_within: f64,
}

impl ChannelSpec {
    /// A call channel named `phone`.
    pub fn phone(answer_within: f64) -> Self {
        Self {
            name: "phone".into(),
            kind: ChannelKind::Call,
            answer_within,
        }
    }
}

/// Why a fit cannot be written as a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// No answered contact had a handle time, so the channel has none.
    #[error("no answered contact in the log has a handle time, so no scenario can be written")]
    NoHandleTimes,
    /// The scenario could not be written as TOML.
    #[error(transparent)]
    Write(#[from] format::WriteError),
}

/// The fit as a commented scenario file.
pub fn scenario_text(
    fit: &Fit,
    source: &str,
    channel: &ChannelSpec,
) -> Result<String, ScenarioError> {
    let (file, header, notes) =
        scenario(fit, source, channel).ok_or(ScenarioError::NoHandleTimes)?;
    Ok(format::to_toml(&file, &header, &notes)?)
}

/// The fit as a scenario, with the header and the notes that explain it; `None` when the log
/// gives no handle time.
pub fn scenario(
    fit: &Fit,
    source: &str,
    channel: &ChannelSpec,
) -> Option<(ScenarioFile, Vec<String>, Vec<Note>)> {
    let handle = dist(fit.handle.first()?);
    // The source is named in comments: keep it on one line.
    let source = source.replace(['\n', '\r'], " ");
    let header = vec![
        format!("Fitted by `supportsim fit` from {source}"),
        format!(
            "{} days from {} ({}): {} contacts offered to agents, {} answered, {} abandoned.",
            fit.days,
            fit.first_date,
            WEEKDAYS[fit.start_weekday],
            fit.offered,
            fit.answered,
            fit.abandoned
        ),
        "Every fitted value is followed by its standard error (±) in a comment.".into(),
    ];
    let mut notes = Vec::new();
    let (topics, topic_notes) = topics(fit, channel);
    let (agents, agent_notes) = agents(fit, channel);
    let file = ScenarioFile {
        simulation: simulation(fit, &source),
        volume: volume(fit, &mut notes),
        channels: IndexMap::from([(
            channel.name.clone(),
            self::channel(fit, channel, handle, &mut notes),
        )]),
        topics,
        agents,
        automation: None,
        knowledge_base: None,
        resolution: None,
        csat: None,
        customers: None,
        surges: Vec::new(),
        hires: Vec::new(),
        lesson: None,
    };
    notes.extend(topic_notes);
    notes.extend(agent_notes);
    Some((file, header, notes))
}

/// `[simulation]` of a fitted scenario: the log's days from its first weekday.
pub(super) fn simulation(fit: &Fit, source: &str) -> Simulation {
    Simulation {
        name: Some(format!("fitted from {source}")),
        days: fit.days.max(1),
        warmup_days: None,
        interval: Some(Duration(format!("{}m", (fit.interval / 60.0).round()))),
        replications: Some(20),
        seed: Some(1),
        start_weekday: Some(Weekday::of(fit.start_weekday)),
        start_date: None,
    }
}

/// Arrivals: contacts a day, weekday weights, the intraday profile overall and per weekday.
pub(super) fn volume(fit: &Fit, notes: &mut Vec<Note>) -> Volume {
    notes.push(Note::after(
        &["volume", "per_day"],
        format!(
            "± {:.1}: mean contacts a day over the weekdays seen",
            fit.per_day.se
        ),
    ));
    let day_cv_se = if fit.day_cv.se.is_finite() {
        fit.day_cv.se
    } else {
        0.0
    };
    notes.push(Note::after(
        &["volume", "day_cv"],
        format!("± {day_cv_se:.3}: day-to-day variation beyond Poisson (at most 5)"),
    ));
    let mut weights = [1.0; 7];
    let mut said = Vec::new();
    for (w, name) in WEEKDAYS.iter().enumerate() {
        match fit.weekday[w] {
            Some((e, n)) => {
                weights[w] = sig(e.value);
                said.push(format!("{name} ± {:.3} ({n} days)", e.se));
            }
            None => said.push(format!("{name}: not in the log, taken as an average day")),
        }
    }
    notes.push(Note::before(&["volume", "weekday"], said.join("; ")));
    let overall: Vec<f64> = (0..fit.profile[0].len())
        .map(|s| fit.profile.iter().map(|p| p[s].value).sum::<f64>())
        .collect();
    let list = |v: &[f64]| v.iter().map(|x| sig(*x)).collect::<Vec<_>>();
    let mut per_weekday = WeekdayIntraday::default();
    for w in 0..7 {
        let v: Vec<f64> = fit.profile[w].iter().map(|e| e.value).collect();
        if v.iter().sum::<f64>() > 0.0 {
            *per_weekday.day_mut(w) = Some(Intraday::Weights(list(&v)));
        }
    }
    notes.push(Note::before(
        &["volume", "weekday_intraday"],
        format!(
            "Mean contacts per {}-minute interval from midnight, per weekday; relative standard\n\
             errors are in the fit report (`supportsim fit --json`).",
            (fit.interval / 60.0).round()
        ),
    ));
    Volume {
        per_day: Some(sig(fit.per_day.value)),
        weekday: Some(WeekdayWeights::from_array(weights)),
        intraday: (overall.iter().sum::<f64>() > 0.0).then(|| Intraday::Weights(list(&overall))),
        weekday_intraday: Some(per_weekday),
        day_cv: Some(rounded(fit.day_cv.value.min(5.0), 3)),
        growth_per_month: None,
        forecast: None,
    }
}

/// The channel: handle time, patience, after-call work and the answer target.
fn channel(fit: &Fit, spec: &ChannelSpec, handle: Distribution, notes: &mut Vec<Note>) -> Channel {
    let at = |key: &str| vec!["channels".to_string(), spec.name.clone(), key.to_string()];
    let mut note = |key: &str, text: String| {
        notes.push(Note {
            at: at(key),
            text,
            after: false,
        })
    };
    let waits = spec.kind != ChannelKind::Async;
    let mut ch = Channel::new(spec.kind.into(), handle);
    note("handle_time", dist_note(&fit.handle));
    if let Some(p) = fit.patience.first().filter(|_| waits) {
        ch.patience = Some(dist(p));
        let km: Vec<String> = [30.0, 60.0, 120.0, 300.0]
            .iter()
            .map(|t| {
                let s = fit
                    .patience_km
                    .iter()
                    .take_while(|p| p.time <= *t)
                    .last()
                    .map_or((1.0, 0.0), |p| (p.survival, p.se));
                format!("{:.0}s {:.3} ± {:.3}", t, s.0, s.1)
            })
            .collect();
        note(
            "patience",
            format!(
                "{}\nKaplan–Meier share still willing to wait at {}",
                dist_note(&fit.patience),
                km.join(", ")
            ),
        );
    }
    if !waits && fit.abandoned > 0 {
        // Written customers do not abandon in the model; those who gave up waiting may have
        // chased the ticket elsewhere, which the log cannot say.
        note(
            "answer_within",
            format!(
                "{} of {} tickets were abandoned before a first answer, which a written channel does not do here: if their customers chased them on another channel, give this channel `chase_after` and `chase_channels` and perhaps `chase_share` (the waits before giving up, answered ones censored, as if every customer chased: {})",
                fit.abandoned,
                fit.offered,
                dist_note(&fit.patience)
            ),
        );
    }
    if !waits {
        // Written work: gaps between an agent's tickets are not wrap-up after a call.
        ch.answer_within = Some(Duration(secs(spec.answer_within)));
        return ch;
    }
    let empirical = fit
        .after_call
        .first()
        .is_some_and(|w| w.distance > EMPIRICAL_KS && !fit.after_call_quantiles.is_empty());
    let mut said = Vec::new();
    if empirical {
        ch.after_call_work = Some(Distribution::Empirical {
            quantiles: fit
                .after_call_quantiles
                .iter()
                .map(|q| Duration(secs(*q)))
                .collect(),
        });
        said.push(
            "No family fits the after-call gaps (best below), so they are written as measured:\n\
             their percentiles 0, 1, …, 100, linear in between."
                .to_string(),
        );
    } else if let Some(w) = fit.after_call.first() {
        ch.after_call_work = Some(dist(w));
    }
    if !fit.after_call.is_empty() {
        said.push(format!(
            "From {} gaps between an agent's consecutive contacts while callers were waiting (median {}): {}",
            fit.after_call_gaps.1,
            secs(fit.after_call_gaps.0),
            dist_note(&fit.after_call)
        ));
        note("after_call_work", said.join("\n"));
    }
    ch.answer_within = Some(Duration(secs(spec.answer_within)));
    ch
}

/// Topics with their shares (rounded; the largest takes up the rounding so that they add to
/// 1), priorities, patience per priority class and handle times.
pub(super) fn topics(fit: &Fit, spec: &ChannelSpec) -> (Vec<Topic>, Vec<Note>) {
    let waits = spec.kind != ChannelKind::Async;
    let mut shares: Vec<f64> = fit
        .topics
        .iter()
        .map(|t| (t.share.value * 1e6).round() / 1e6)
        .collect();
    if let Some(big) = (0..shares.len()).max_by(|&a, &b| shares[a].total_cmp(&shares[b])) {
        let rest: f64 = shares
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != big)
            .map(|(_, x)| x)
            .sum();
        shares[big] = ((1.0 - rest) * 1e6).round() / 1e6;
    }
    // The log's priority values, ranked 1, 2, … in their order (a scenario's are 1 to 1000).
    let mut ranks: Vec<u32> = fit.topics.iter().map(|t| t.priority).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let rank = |p: u32| {
        ranks
            .iter()
            .position(|&x| x == p)
            .map_or(1, |i| i as u32 + 1)
    };
    let mut notes = Vec::new();
    if !fit.priorities_honoured && !fit.topics.is_empty() {
        let asa: Vec<String> = fit
            .priority_asa
            .iter()
            .map(|(p, (a, n))| format!("priority {p}: ASA {} over {n} answered", secs(*a)))
            .collect();
        notes.push(Note::before(
            &["topics"],
            format!(
                "The log's priority classes are not served first ({}): strict priority would\n\
                 contradict it, so every topic gets priority 1 (their names keep the class).",
                asa.join(", ")
            ),
        ));
    }
    let mut topics = Vec::new();
    for (i, (t, share)) in fit.topics.iter().zip(&shares).enumerate() {
        let at = |key: &str| vec!["topics".to_string(), i.to_string(), key.to_string()];
        notes.push(Note {
            at: at("share"),
            text: format!("± {:.5}, {} contacts", t.share.se, t.offered),
            after: true,
        });
        let priority = if fit.priorities_honoured {
            rank(t.priority)
        } else {
            1
        };
        let mut topic = Topic {
            name: t.name.clone(),
            share: Some(rounded(*share, 6)),
            priority: Some(priority),
            ..Topic::default()
        };
        if let Some(p) = fit.patience_by_priority.get(&t.priority)
            && let Some(best) = p.first()
            && waits
        {
            topic.patience = Some(dist(best));
            notes.push(Note {
                at: at("patience"),
                text: format!(
                    "patience of priority-{} customers: {}",
                    t.priority,
                    dist_note(p)
                ),
                after: false,
            });
        }
        if fit.handle.is_empty() {
            // The log records no agent time at all (an event log): the channel's effort is
            // the only one.
            if t.values.is_empty() {
                notes.push(Note {
                    at: at("priority"),
                    text: "pools the topics each under the minimum share".into(),
                    after: false,
                });
            }
        } else {
            notes.push(topic_handle(t, &mut topic, &at));
        }
        topics.push(topic);
    }
    (topics, notes)
}

/// A topic's own handle time, if it has enough answered contacts, and the note saying so.
fn topic_handle(t: &TopicFit, topic: &mut Topic, at: &dyn Fn(&str) -> Vec<String>) -> Note {
    let mut lines = Vec::new();
    if t.values.is_empty() {
        lines.push("pools the topics each under the minimum share".to_string());
    }
    match t.handle.first() {
        Some(h) => {
            topic.handle_time = Some(dist(h));
            lines.push(dist_note(&t.handle));
            Note {
                at: at("handle_time"),
                text: lines.join("\n"),
                after: false,
            }
        }
        None => {
            lines.push(
                "too few answered contacts for a handle-time fit of its own: the channel's is used"
                    .to_string(),
            );
            Note {
                at: at("priority"),
                text: lines.join("\n"),
                after: false,
            }
        }
    }
}

/// The agents: shifts following the agents on duty the log shows, or a count from the load.
fn agents(fit: &Fit, spec: &ChannelSpec) -> (Vec<AgentGroup>, Vec<Note>) {
    let mut group = AgentGroup {
        name: "agents".into(),
        channels: vec![spec.name.clone()],
        ..AgentGroup::default()
    };
    let note = match &fit.staffing {
        Some(s) => {
            let week = super::weekday_staffing(fit, s);
            let mut shifts = Vec::new();
            for (w, profile) in week.iter().enumerate() {
                for ((a, b), count) in crate::staff::stack(profile) {
                    shifts.push(format::Shift {
                        days: Some(Days::Named(WEEKDAYS[w].to_string())),
                        start: TimeOfDay(hhmm(a as f64 * fit.interval)),
                        end: TimeOfDay(hhmm(b as f64 * fit.interval)),
                        count: Some(count),
                        overnight: None,
                        breaks: None,
                    });
                }
            }
            let key = if shifts.is_empty() {
                group.count = Some(1);
                "count"
            } else {
                group.shifts = Some(shifts);
                "shifts"
            };
            Note::before(
                &["agents", "0", key],
                format!(
                    "Agents on duty reconstructed from {} named agents' own contacts: a lower bound\n\
                     (an agent idle for a stretch, or on other work, is not seen).",
                    s.agents
                ),
            )
        }
        None => {
            let load = fit.per_day.value / DAY * fit.handle.first().map_or(0.0, |h| h.mean);
            group.count = Some((load * 1.2).ceil().clamp(1.0, 1_000_000.0) as u32);
            Note::before(
                &["agents", "0", "count"],
                "The log names no agents: staffing cannot be reconstructed. This count is\n\
                 the mean offered load plus 20%; replace it with the real schedule.",
            )
        }
    };
    (vec![group], vec![note])
}
