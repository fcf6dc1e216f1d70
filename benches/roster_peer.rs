//! The roster's program against pyworkforce 0.5 (OR-Tools CP-SAT) on the same problem: the
//! agents mid-size's phone channel needs per weekday and half hour
//! (`benches/peers/roster-profile.csv`), covered by 8-hour shifts starting every half hour from
//! 07:00 to 14:00 and 4-hour shifts from 07:00 to 18:00, each costing its hours, every day
//! scheduled on its own (pyworkforce's `MinRequiredResources`: coverage is a hard constraint,
//! no breaks, no weekly patterns). Prints the cost, the solver's bound and the time as JSON;
//! `benches/peers/roster.sh` runs it beside pyworkforce.

use std::time::Instant;

use supportsim::roster::mip::{GroupChoices, Need, Problem, SolveOptions, solve};
use supportsim::roster::patterns::Candidate;

/// The shifts, as (start hour, length in hours).
fn shifts() -> Vec<(f64, f64)> {
    let eight = (0..=14).map(|k| (7.0 + 0.5 * f64::from(k), 8.0));
    let four = (0..=22).map(|k| (7.0 + 0.5 * f64::from(k), 4.0));
    eight.chain(four).collect()
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/peers/roster-profile.csv"
    );
    let text = std::fs::read_to_string(path).expect("the profile");
    let mut needs = Vec::new();
    for (d, line) in text.lines().skip(1).enumerate() {
        for (t, v) in line.split(',').skip(1).enumerate() {
            let agents: f64 = v.trim().parse().expect("a whole number");
            if agents > 0.0 {
                needs.push(Need {
                    channel: 0,
                    topics: vec![0],
                    slot: d * 48 + t,
                    agents,
                });
            }
        }
    }
    let candidates = shifts()
        .into_iter()
        .map(|(start, hours)| Candidate {
            start: start * 3600.0,
            length: hours * 3600.0,
            paid_hours: hours,
            breaks: Vec::new(),
        })
        .collect();
    let group = GroupChoices {
        group: 0,
        candidates,
        // Every day on its own, as pyworkforce schedules them.
        patterns: (0..7).map(|d| 1u8 << d).collect(),
        unit_cost: 1.0,
        present: [1.0; 7],
        max_people: None,
        takes: vec![Some(1.0); needs.len()],
    };
    let problem = Problem {
        interval: 1800.0,
        groups: vec![group],
        needs,
        penalty: 1e4,
    };
    let started = Instant::now();
    let s = solve(
        &problem,
        SolveOptions {
            time_limit: 120.0,
            gap: 0.0,
        },
    )
    .expect("a schedule");
    let short: f64 = s.short.iter().sum();
    println!(
        "{{\"tool\": \"supportsim (HiGHS)\", \"cost\": {}, \"bound\": {:.3}, \"short\": {short:.3}, \"seconds\": {:.3}}}",
        s.objective,
        s.bound,
        started.elapsed().as_secs_f64()
    );
}
