//! Engine throughput on one thread: the large call centre of `benches/large-call-centre.toml`
//! (about 1,000 simulated hours, ≈ 600,000 contacts) and a multi-channel week with bots, repeats,
//! satisfaction and churn (`benches/multi-channel-week.toml`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Benchmarks one replication of a scenario, with contacts as the throughput unit.
fn bench_scenario(c: &mut Criterion, id: &str, file: &str, text: &str) {
    let loaded =
        supportsim::scenario::parse(file, text, "bench").expect("the benchmark scenario is valid");
    let model = loaded.model;
    let probe = supportsim::engine::simulate(&model, 0, Default::default())
        .expect("the benchmark scenario keeps up");
    let contacts = probe.conservation.arrived;
    // Criterion reports contacts per second; events per second follow from this ratio.
    eprintln!(
        "{file}: {contacts} contacts, {} events per replication ({:.2} events per contact)",
        probe.events,
        probe.events as f64 / contacts as f64
    );
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(contacts));
    group.bench_function(id, |b| {
        b.iter(|| {
            black_box(supportsim::engine::simulate(
                black_box(&model),
                0,
                Default::default(),
            ))
        })
    });
    group.finish();
}

fn large_call_centre(c: &mut Criterion) {
    bench_scenario(
        c,
        "large_call_centre_1000h",
        "large-call-centre.toml",
        include_str!("large-call-centre.toml"),
    );
}

/// A week of a 300-agent operation on phone, chat (with a bot) and email, with repeats,
/// satisfaction and churn.
fn multi_channel_week(c: &mut Criterion) {
    bench_scenario(
        c,
        "multi_channel_week_300_agents",
        "multi-channel-week.toml",
        include_str!("multi-channel-week.toml"),
    );
}

#[allow(missing_docs)]
mod harness {
    use super::*;
    criterion_group!(benches, large_call_centre, multi_channel_week);
}
criterion_main!(harness::benches);
