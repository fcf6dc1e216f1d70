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
//!   difference over the difference in contacts is its instructions per contact.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

use criterion::{Criterion, Throughput};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};

const CALLS_PER_HOUR: f64 = 600.0;
const HANDLE_MEAN: f64 = 300.0;
const PATIENCE_MEAN: f64 = 180.0;
const AGENTS: u32 = 55;
const HOURS: f64 = 1008.0;
const ANSWER_WITHIN: f64 = 20.0;

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
    let r = supportsim::engine::simulate(model, 0, Default::default()).expect("keeps up");
    let t = &r.channels[0];
    eprintln!(
        "abandoned: minimal {:.4}, engine {:.4}, Erlang A {:.4}; answered within 20 s: minimal {:.4}, engine {:.4}, Erlang A {:.4}",
        m.abandoned as f64 / m.arrived as f64,
        t.abandoned as f64 / t.arrived as f64,
        exact.abandon_rate,
        m.within as f64 / m.arrived as f64,
        t.within as f64 / t.arrived as f64,
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
