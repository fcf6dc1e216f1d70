//! Replications of a model: one, all of them in parallel, or a range of them (a shard's), each
//! on its own random streams so that results do not depend on threads or on how the work is
//! cut.

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::{ContactSink, Engine, Overload};
use crate::metrics::RepResult;
use crate::model::Model;

/// What is called with each replication's number and result as it finishes.
pub type Keep<'a> = &'a (dyn Fn(u32, &mut RepResult) + Sync);

/// How replications run: whether they can be stopped, whether they keep time series, and where
/// the first replication's contacts go.
pub struct RunOptions<'a> {
    /// Set (from another thread, e.g. on Ctrl-C) to stop every replication soon after; `None`
    /// runs to the end.
    pub cancel: Option<&'a AtomicBool>,
    /// Keep per-interval figures (tables, `--out`, staffing); without them memory is
    /// independent of the horizon as well as of the number of contacts.
    pub series: bool,
    /// Receives every contact leg of the first replication as it ends; the results are those of
    /// the same run without it.
    pub sink: Option<&'a mut (dyn ContactSink + Send)>,
    /// Called with each replication's number and result as it finishes, on its thread: e.g. to
    /// move its time series into a store of bounded memory.
    pub keep: Option<Keep<'a>>,
}

impl Default for RunOptions<'_> {
    /// Runs to the end, keeps the time series, logs nothing.
    fn default() -> Self {
        RunOptions {
            cancel: None,
            series: true,
            sink: None,
            keep: None,
        }
    }
}

/// Why a replication stopped before its horizon.
#[derive(Debug, thiserror::Error)]
pub enum Stopped {
    /// The cancel flag was set (Ctrl-C).
    #[error("interrupted")]
    Cancelled,
    /// More than [`super::MAX_LIVE_CONTACTS`] contacts were open at once.
    #[error("{0}")]
    Overloaded(Overload),
    /// The contact sink failed (e.g. the disk is full); the replication stopped there.
    #[error("writing the contact log: {0}")]
    Sink(std::io::Error),
    /// The model has more than [`super::MAX_AGENTS`] agents; nothing ran.
    #[error(
        "{} agents to simulate (every place in every shift row and hiring class), more than the {} a run holds",
        crate::numbers::group_thousands(*.0 as f64),
        crate::numbers::group_thousands(super::MAX_AGENTS as f64)
    )]
    TooManyAgents(u64),
}

/// Runs replication `rep` of `model` to its horizon, or until it is cancelled, overloads or its
/// sink fails.
pub fn simulate(model: &Model, rep: u32, options: RunOptions<'_>) -> Result<RepResult, Stopped> {
    replication(model, rep, options.cancel, options.series, options.sink)
}

/// One replication with the parts of [`RunOptions`].
fn replication(
    model: &Model,
    rep: u32,
    cancel: Option<&AtomicBool>,
    series: bool,
    sink: Option<&mut (dyn ContactSink + Send)>,
) -> Result<RepResult, Stopped> {
    let agents = model.agents_in_all();
    if agents > super::MAX_AGENTS {
        return Err(Stopped::TooManyAgents(agents));
    }
    let mut engine = Engine::new(model, rep, series);
    engine.sink = sink.map(|s| s as &mut dyn ContactSink);
    engine.run(cancel)
}

/// Runs every replication of `model` in parallel and returns their results in replication
/// order, so that the outcome does not depend on the number of threads. `progress` is called
/// once per finished replication, from any thread. The sink, if any, receives the first
/// replication's contacts while the others run alongside it.
///
/// Of several replications that stop early, a cancellation is told first, then the first
/// replication's reason, so the outcome does not depend on threads either.
pub fn run_replications(
    model: &Model,
    progress: &(dyn Fn() + Sync),
    options: RunOptions<'_>,
) -> Result<Vec<RepResult>, Stopped> {
    let RunOptions {
        cancel,
        series,
        sink,
        keep,
    } = options;
    let one = |rep: u32, sink: Option<&mut (dyn ContactSink + Send)>| {
        finished(
            model,
            rep,
            &options_of(cancel, series, keep),
            sink,
            progress,
        )
    };
    let Some(sink) = sink else {
        let options = options_of(cancel, series, keep);
        return run_range(model, 0..model.replications, progress, options);
    };
    let (first, rest) = rayon::join(
        || one(0, Some(sink)),
        || {
            (1..model.replications)
                .into_par_iter()
                .map(|rep| one(rep, None))
                .collect::<Vec<_>>()
        },
    );
    let all: Vec<_> = std::iter::once(first).chain(rest).collect();
    gathered(all)
}

/// The options without a sink.
fn options_of<'a>(
    cancel: Option<&'a AtomicBool>,
    series: bool,
    keep: Option<Keep<'a>>,
) -> RunOptions<'a> {
    RunOptions {
        cancel,
        series,
        sink: None,
        keep,
    }
}

/// Replication `rep` run to its end, handed to `keep` and counted by `progress`. One not yet
/// started when Ctrl-C comes is not started at all: with many short replications, none would
/// otherwise run long enough to look at the flag.
fn finished(
    model: &Model,
    rep: u32,
    options: &RunOptions<'_>,
    sink: Option<&mut (dyn ContactSink + Send)>,
    progress: &(dyn Fn() + Sync),
) -> Result<RepResult, Stopped> {
    if options
        .cancel
        .is_some_and(|c| c.load(AtomicOrdering::Relaxed))
    {
        return Err(Stopped::Cancelled);
    }
    let mut r = replication(model, rep, options.cancel, options.series, sink);
    if let (Some(keep), Ok(r)) = (options.keep, &mut r) {
        keep(rep, r);
    }
    progress();
    r
}

/// A cancellation first, then the first replication's reason, else every result in order.
fn gathered(all: Vec<Result<RepResult, Stopped>>) -> Result<Vec<RepResult>, Stopped> {
    if all.iter().any(|r| matches!(r, Err(Stopped::Cancelled))) {
        return Err(Stopped::Cancelled);
    }
    all.into_iter().collect()
}

/// Runs replications `reps` of `model` (a share of them, as a shard computes) in parallel and
/// returns their results in replication order; each is the same as in [`run_replications`],
/// whatever the range and the number of threads. A sink in `options` is not used.
pub fn run_range(
    model: &Model,
    reps: std::ops::Range<u32>,
    progress: &(dyn Fn() + Sync),
    options: RunOptions<'_>,
) -> Result<Vec<RepResult>, Stopped> {
    let RunOptions {
        cancel,
        series,
        keep,
        ..
    } = options;
    let all: Vec<_> = reps
        .into_par_iter()
        .map(|rep| {
            finished(
                model,
                rep,
                &options_of(cancel, series, keep),
                None,
                progress,
            )
        })
        .collect();
    gathered(all)
}
