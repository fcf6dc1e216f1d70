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
//! Where things live:
//!
//! - [`scenario`]: one module per TOML section, the reader's helpers, the calendar (intraday
//!   profiles, shifts as written) and [`scenario::format`], the format as types (for writing
//!   scenarios and the JSON Schema);
//! - [`engine`]: `event` (the agenda), `arrivals`, `routing` (who takes which contact),
//!   `roster` (shifts, breaks, absence as simulated), `journey` (bot, answers, repeats,
//!   churn), `observe` (tallies → [`metrics::RepResult`]);
//! - [`experience`]: the CSAT and churn models; [`report`]: figures across replications,
//!   named by [`report::Metric`]; [`export`]: what a run writes;
//! - planning on top: [`staff`], [`sweep`], [`compare`], [`fit`], [`backtest`].
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
//! let options = supportsim::RunOptions::default();
//! let reps = supportsim::run_replications(&loaded.model, &|| {}, options).expect("keeps up");
//! let summary = supportsim::report::summarize(&loaded.model, "doc.toml", &reps);
//! let sl = summary.channels.get("phone").unwrap().get(supportsim::report::Metric::ServiceLevel).unwrap();
//! assert!(sl.mean.unwrap() > 0.0 && sl.mean.unwrap() <= 1.0);
//! ```

pub mod backtest;
pub mod charts;
pub mod compare;
pub mod contact_log;
pub mod delimiter;
pub mod diagnostic;
pub mod dist;
pub mod duration;
pub mod engine;
pub mod erlang;
pub mod experience;
pub mod export;
pub mod fit;
pub mod forecast;
pub mod gaps;
pub mod html;
pub mod lesson;
pub mod metrics;
pub mod mle;
pub mod model;
pub mod numbers;
pub mod plan;
pub mod plot;
pub mod queueing;
pub mod report;
pub mod rng;
pub mod roster;
pub mod scenario;
pub mod shard;
pub mod staff;
pub mod stats;
pub mod sweep;
pub mod tickets;

pub use engine::{RunOptions, run_replications};
