//! # supportsim
//!
//! A support-operations simulator and capacity planner. A scenario (TOML) describes arrivals,
//! channels (call, chat, async), contact reasons, agent groups with skills and shifts; supportsim
//! runs a discrete-event simulation of it for many replications in parallel and reports service
//! level, waits, abandonment, backlog and occupancy with confidence intervals.
//!
//! The pipeline runs one way, each stage knowing nothing of the next:
//!
//! ```text
//! TOML ─▶ scenario (spanned document, checks) ─▶ model (typed ids, seconds, calendars)
//!      ─▶ engine (events, queues, agents) ─▶ metrics (online, per replication)
//!      ─▶ replications (rayon, in order) ─▶ report (Summary) ─▶ export (table, JSON, CSV)
//! ```
//!
//! ```
//! let text = r#"
//! [simulation]
//! days = 2
//! replications = 4
//! [volume]
//! per_day = 2400
//! [channels.phone]
//! kind = "call"
//! handle_time = { dist = "exponential", mean = "4m" }
//! patience = { dist = "exponential", mean = "2m" }
//! [[agents]]
//! name = "team"
//! count = 8
//! channels = ["phone"]
//! "#;
//! let loaded = supportsim::scenario::parse("doc.toml", text, "doc").expect("valid scenario");
//! let reps = supportsim::run_replications(&loaded.model, &|| {}).expect("keeps up");
//! let summary = supportsim::report::summarize(&loaded.model, "doc.toml", &reps);
//! let sl = summary.channels.get("phone").unwrap().get("service_level").unwrap();
//! assert!(sl.mean.unwrap() > 0.0 && sl.mean.unwrap() <= 1.0);
//! ```

pub mod backtest;
pub mod charts;
pub mod compare;
pub mod contact_log;
pub mod diagnostic;
pub mod dist;
pub mod duration;
pub mod engine;
pub mod erlang;
pub mod experience;
pub mod export;
pub mod fit;
pub mod html;
pub mod metrics;
pub mod mle;
pub mod model;
pub mod plot;
pub mod queueing;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod staff;
pub mod sweep;

use rayon::prelude::*;

/// Runs every replication of `model` in parallel and returns their results in replication
/// order, so that the outcome does not depend on the number of threads. `progress` is called
/// once per finished replication, from any thread. Fails when a replication overloads (see
/// [`engine::MAX_LIVE_CONTACTS`]); the first such replication is named.
pub fn run_replications(
    model: &model::Model,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<metrics::RepResult>, engine::Overload> {
    let all: Vec<_> = (0..model.replications)
        .into_par_iter()
        .map(|rep| {
            let r = engine::simulate(model, rep);
            progress();
            r
        })
        .collect();
    all.into_iter().collect()
}

/// Like [`run_replications`], but stops soon after `cancel` is set; keeps per-interval time
/// series only when `series` is set.
pub fn run_replications_cancellable(
    model: &model::Model,
    progress: &(dyn Fn() + Sync),
    cancel: &std::sync::atomic::AtomicBool,
    series: bool,
) -> Result<Vec<metrics::RepResult>, engine::Stopped> {
    let all: Vec<_> = (0..model.replications)
        .into_par_iter()
        .map(|rep| {
            let r = engine::simulate_cancellable(model, rep, cancel, series);
            progress();
            r
        })
        .collect();
    gather(all)
}

/// Like [`run_replications_cancellable`], and passes every contact leg of the first
/// replication to `sink` as it ends (the other replications run alongside it). The results are
/// those of the same run without a sink.
pub fn run_replications_logged(
    model: &model::Model,
    progress: &(dyn Fn() + Sync),
    cancel: &std::sync::atomic::AtomicBool,
    series: bool,
    sink: &mut (dyn engine::ContactSink + Send),
) -> Result<Vec<metrics::RepResult>, engine::Stopped> {
    let (first, rest) = rayon::join(
        || {
            let r = engine::simulate_logged(model, 0, cancel, series, sink);
            progress();
            r
        },
        || {
            (1..model.replications)
                .into_par_iter()
                .map(|rep| {
                    let r = engine::simulate_cancellable(model, rep, cancel, series);
                    progress();
                    r
                })
                .collect::<Vec<_>>()
        },
    );
    let mut all = vec![first];
    all.extend(rest);
    gather(all)
}

/// Results in replication order; a cancellation wins over an overload, and of several
/// overloads the first replication's is told, so the outcome does not depend on threads.
fn gather(
    all: Vec<Result<metrics::RepResult, engine::Stopped>>,
) -> Result<Vec<metrics::RepResult>, engine::Stopped> {
    if all
        .iter()
        .any(|r| matches!(r, Err(engine::Stopped::Cancelled)))
    {
        return Err(engine::Stopped::Cancelled);
    }
    all.into_iter().collect()
}
