//! The floor supportsim's engine is measured against: a minimal discrete-event simulation of
//! the benchmark call centre (M/M/c+M, as `benches/large-call-centre.toml`: 600 calls an hour,
//! exponential 5-minute handle time, 55 agents, exponential patience with a 3-minute mean,
//! 1,008 hours), written for this comparison and nothing else. One random stream (the same
//! generator as supportsim's), a heap of service ends, a first-come-first-served queue in which
//! a caller whose patience ran out before an agent came is counted as abandoned when the queue
//! reaches them (the same outcome as an abandonment event, without the event), and counts only.
//!
//! - `cargo bench --bench minimal_des` times one replication of each, side by side (criterion),
//!   after printing both against Erlang A (the exact answer of this model);
//! - `cargo bench --bench minimal_des -- --replications N` runs the minimal simulation alone N
//!   times and prints its counts: run it under cachegrind at two values of N, and the
//!   difference over the difference in contacts is its instructions per contact;
//! - `-- --kept --replications N` does the same for the minimal simulation that keeps what the
//!   engine promises every scenario (named random streams, satisfaction and surveys, the
//!   report's tallies): the ceiling of any core that keeps those promises.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

use criterion::{Criterion, Throughput};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp, Exp1};

const CALLS_PER_HOUR: f64 = 600.0;
const HANDLE_MEAN: f64 = 300.0;
const PATIENCE_MEAN: f64 = 180.0;
const AGENTS: u32 = 55;
const HOURS: f64 = 1008.0;
const ANSWER_WITHIN: f64 = 20.0;
/// A caller's wait tolerance, the engine's default for calls (the wait at which satisfaction
/// has lost half of what waiting can take from it), seconds.
const TOLERANCE: f64 = 240.0;

/// What one replication counted.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    arrived: u64,
    answered: u64,
    abandoned: u64,
    within: u64,
}

/// A service end in the heap: the time's bits order as the time (non-negative floats).
type End = Reverse<u64>;

/// One replication of the minimal simulation.
fn minimal(seed: u64) -> Counts {
    let mut rng = supportsim::rng::Rng::seed_from_u64(seed);
    let (Ok(gap), Ok(handle), Ok(patience)) = (
        Exp::new(CALLS_PER_HOUR / 3600.0),
        Exp::new(1.0 / HANDLE_MEAN),
        Exp::new(1.0 / PATIENCE_MEAN),
    ) else {
        unreachable!("positive rates")
    };
    let horizon = HOURS * 3600.0;
    let mut ends: BinaryHeap<End> = BinaryHeap::with_capacity(AGENTS as usize);
    // Waiting callers: arrival, the moment their patience runs out, their handle time.
    let mut queue: VecDeque<(f64, f64, f64)> = VecDeque::new();
    let mut free = AGENTS;
    let mut counts = Counts::default();
    let mut next_arrival = gap.sample(&mut rng);
    while next_arrival < horizon {
        let next_end = ends.peek().map(|Reverse(bits)| f64::from_bits(*bits));
        if let Some(end) = next_end.filter(|e| *e <= next_arrival) {
            ends.pop();
            free += 1;
            // The agent takes the first caller still willing to wait.
            while let Some((arrived, gives_up, work)) = queue.pop_front() {
                if gives_up < end {
                    counts.abandoned += 1;
                    continue;
                }
                counts.answered += 1;
                counts.within += u64::from(end - arrived <= ANSWER_WITHIN);
                ends.push(Reverse((end + work).to_bits()));
                free -= 1;
                break;
            }
            continue;
        }
        let now = next_arrival;
        counts.arrived += 1;
        let work = handle.sample(&mut rng);
        let willing = patience.sample(&mut rng);
        if free > 0 {
            counts.answered += 1;
            counts.within += 1;
            ends.push(Reverse((now + work).to_bits()));
            free -= 1;
        } else {
            queue.push_back((now, now + willing, work));
        }
        next_arrival = now + gap.sample(&mut rng);
    }
    counts
}

/// What the minimal simulation keeping the engine's promises counted: [`Counts`] and what the
/// report of every scenario needs besides.
#[derive(Debug, Default, Clone)]
struct Kept {
    counts: Counts,
    /// Waits of answered and abandoned callers, and agents' busy time, seconds.
    waited: f64,
    waited_abandoned: f64,
    busy: f64,
    /// Answered callers satisfied, surveyed, promoters and detractors (abandoned callers are
    /// surveyed too).
    satisfied: u64,
    /// The satisfaction model's probabilities summed (the report's expected CSAT).
    expected: f64,
    surveyed: u64,
    promoters: u64,
    detractors: u64,
    /// Waits (for their percentiles) and times to resolution.
    waits: supportsim::metrics::Histogram,
    resolutions: supportsim::metrics::Histogram,
}

/// The same minimal simulation keeping what the engine promises every scenario, and nothing
/// more: the engine's named random streams (arrivals, customers and each customer's own draws,
/// so that two plans differ only where they differ — common random numbers), a satisfaction
/// draw and a survey for every customer (the report's CSAT and NPS, measured by default), and
/// the tallies behind its figures (waits and their percentiles, busy time, times to
/// resolution). The ceiling of any core that keeps those promises on this scenario.
fn kept(seed: u64) -> Kept {
    use rand::RngExt;
    use supportsim::experience::{Outcome, Satisfaction, WaitCsat};
    use supportsim::rng::{DrawKey, Purpose, Stream, stream};
    let mut arrivals = stream(seed, 0, Stream::Arrivals(0));
    let mut customers = stream(seed, 0, Stream::Callers(0));
    let mut experience = stream(seed, 0, Stream::Experience(0));
    let (Ok(handle), Ok(patience)) = (Exp::new(1.0 / HANDLE_MEAN), Exp::new(1.0 / PATIENCE_MEAN))
    else {
        unreachable!("positive rates")
    };
    let csat = WaitCsat::default();
    let (tolerance, response) = (TOLERANCE, csat.survey_response);
    let rate = CALLS_PER_HOUR / 3600.0;
    let horizon = HOURS * 3600.0;
    let mut ends: BinaryHeap<End> = BinaryHeap::with_capacity(AGENTS as usize);
    // Waiting callers: arrival, the moment their patience runs out, their handle time, the
    // seed of their own draws.
    let mut queue: VecDeque<(f64, f64, f64, u64)> = VecDeque::new();
    let mut free = AGENTS;
    let mut k = Kept::default();
    let answer = |k: &mut Kept, now: f64, arrived: f64, work: f64, seed: u64| {
        let wait = now - arrived;
        let key = DrawKey {
            seed,
            attempt: 0,
            tier: 0,
        };
        let o = Outcome {
            wait,
            tolerance,
            resolved: true,
            failed_bot: false,
            attempt: 0,
            contained: false,
        };
        let p = csat.p_satisfied(&o);
        let satisfied = key.unit(Purpose::Satisfy) < p;
        k.expected += p;
        let surveyed = key.unit(Purpose::Survey) < response;
        if surveyed {
            let u = key.unit(Purpose::Recommend);
            k.promoters += u64::from(satisfied && u < csat.promoters_if_satisfied);
            k.detractors += u64::from(!satisfied && u < csat.detractors_if_dissatisfied);
        }
        k.satisfied += u64::from(satisfied);
        k.surveyed += u64::from(surveyed);
        k.counts.answered += 1;
        k.counts.within += u64::from(wait <= ANSWER_WITHIN);
        k.waited += wait;
        k.busy += work;
        k.waits.record(wait);
        k.resolutions.record(wait + work);
        now + work
    };
    let mut gap = || -> f64 { Exp1.sample(&mut arrivals) };
    let mut next_arrival = gap() / rate;
    while next_arrival < horizon {
        let next_end = ends.peek().map(|Reverse(bits)| f64::from_bits(*bits));
        if let Some(end) = next_end.filter(|e| *e <= next_arrival) {
            ends.pop();
            free += 1;
            while let Some((arrived, gives_up, work, seed)) = queue.pop_front() {
                if gives_up < end {
                    let key = DrawKey {
                        seed,
                        attempt: 0,
                        tier: 0,
                    };
                    let surveyed = key.unit(Purpose::Survey) < response;
                    k.surveyed += u64::from(surveyed);
                    k.detractors += u64::from(
                        surveyed && key.unit(Purpose::Recommend) < csat.detractors_if_dissatisfied,
                    );
                    k.counts.abandoned += 1;
                    k.waited_abandoned += gives_up - arrived;
                    continue;
                }
                ends.push(Reverse(answer(&mut k, end, arrived, work, seed).to_bits()));
                free -= 1;
                break;
            }
            continue;
        }
        let now = next_arrival;
        k.counts.arrived += 1;
        let _topic: f64 = customers.random();
        let work = handle.sample(&mut customers);
        let willing = patience.sample(&mut customers);
        let seed: u64 = experience.random();
        if free > 0 {
            ends.push(Reverse(answer(&mut k, now, now, work, seed).to_bits()));
            free -= 1;
        } else {
            queue.push_back((now, now + willing, work, seed));
        }
        next_arrival = now + gap() / rate;
    }
    k
}

/// The engine's model of the same call centre.
fn engine_model() -> supportsim::model::Model {
    supportsim::scenario::parse(
        "large-call-centre.toml",
        include_str!("large-call-centre.toml"),
        "bench",
    )
    .expect("the benchmark scenario is valid")
    .model
}

/// Both simulations against Erlang A, so that the comparison is of the same model.
fn agreement(model: &supportsim::model::Model) -> u64 {
    let exact = supportsim::queueing::erlang_a(
        CALLS_PER_HOUR / 3600.0,
        HANDLE_MEAN,
        AGENTS,
        PATIENCE_MEAN,
        ANSWER_WITHIN,
    );
    let m = minimal(1);
    let k = kept(1).counts;
    let r = supportsim::engine::simulate(model, 0, Default::default()).expect("keeps up");
    let t = &r.channels[0];
    let share = |x: u64, of: u64| x as f64 / of as f64;
    eprintln!(
        "abandoned: minimal {:.4}, kept {:.4}, engine {:.4}, Erlang A {:.4}; answered within 20 s: minimal {:.4}, kept {:.4}, engine {:.4}, Erlang A {:.4}",
        share(m.abandoned, m.arrived),
        share(k.abandoned, k.arrived),
        share(t.abandoned, t.arrived),
        exact.abandon_rate,
        share(m.within, m.arrived),
        share(k.within, k.arrived),
        share(t.within, t.arrived),
        exact.service_level
    );
    r.conservation.arrived
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--replications") {
        let n: u64 = args
            .get(i + 1)
            .and_then(|x| x.parse().ok())
            .expect("--replications needs a count");
        if args.iter().any(|a| a == "--kept") {
            let kept: Vec<Kept> = (1..=n).map(kept).collect();
            let arrived: u64 = kept.iter().map(|k| k.counts.arrived).sum();
            let answered: u64 = kept.iter().map(|k| k.counts.answered).sum();
            let satisfied: u64 = kept.iter().map(|k| k.satisfied).sum();
            let waited: f64 = kept.iter().map(|k| k.waited).sum();
            let p90 = kept
                .iter()
                .map(|k| k.waits.quantile(0.9).unwrap_or(0.0))
                .sum::<f64>()
                / n as f64;
            println!(
                "{arrived} arrived, {answered} answered, {satisfied} satisfied, mean wait {:.2} s, 90th percentile {p90:.1} s",
                waited / answered as f64
            );
            return;
        }
        let total = (1..=n).map(minimal).fold(Counts::default(), |a, c| Counts {
            arrived: a.arrived + c.arrived,
            answered: a.answered + c.answered,
            abandoned: a.abandoned + c.abandoned,
            within: a.within + c.within,
        });
        println!("{total:?}");
        return;
    }
    let model = engine_model();
    let contacts = agreement(&model);
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("floor");
    group.sample_size(10);
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("engine_large_call_centre", |b| {
        b.iter(|| {
            black_box(supportsim::engine::simulate(
                black_box(&model),
                0,
                Default::default(),
            ))
        })
    });
    group.bench_function("minimal_des_large_call_centre", |b| {
        b.iter(|| black_box(minimal(black_box(1))))
    });
    group.finish();
    c.final_summary();
}
