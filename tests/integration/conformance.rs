//! Every scenario of `../shared/conformance/` agrees with its exact closed form within four
//! standard errors of the run itself (16 replications, fixed seeds in the files).

use supportsim::queueing::{self, Measures};
use supportsim::report::{Metrics, Summary};

use crate::util::{conformance_dir, run_file};

/// Asserts |simulated mean − exact| ≤ 4 standard errors, printing both.
pub(crate) fn agree(file: &str, scope: &str, m: &Metrics, key: &str, exact: f64) {
    let s = m
        .named(key)
        .unwrap_or_else(|| panic!("{file}: no metric {key}"));
    let mean = s.mean.unwrap_or_else(|| panic!("{file}: {key} undefined"));
    let se = s
        .std_err
        .expect("several replications give a standard error");
    let z = if se > 0.0 {
        (mean - exact) / se
    } else if mean == exact {
        0.0
    } else {
        f64::INFINITY
    };
    println!(
        "{file:24} {scope:10} {key:18} simulated {mean:12.6} ± {se:10.6}  exact {exact:12.6}  z = {z:+.2}"
    );
    assert!(
        z.abs() <= 4.0,
        "{file} {scope} {key}: simulated {mean} (s.e. {se}) vs exact {exact}: {z:.2} standard errors apart"
    );
}

/// The figures of a summary, one line per metric, pinned by a snapshot so that results of the
/// conformance scenarios cannot change unnoticed (e.g. when features they do not use are added).
fn pin(file: &str, s: &Summary) {
    let mut out = String::new();
    let sections = s
        .channels
        .0
        .iter()
        .map(|(n, m)| (format!("channel {n}"), m))
        .chain(s.topics.0.iter().map(|(n, m)| (format!("topic {n}"), m)))
        .chain(s.agents.0.iter().map(|(n, m)| (format!("agents {n}"), m)));
    for (scope, m) in sections {
        for (k, v) in &m.0 {
            if let Some(x) = v.mean {
                out.push_str(&format!("{scope} {k} {x:?}\n"));
            }
        }
    }
    insta::assert_snapshot!(format!("conformance-{file}"), out);
}

fn check_all(file: &str, s: &Summary, exact: &Measures, keys: &[&str]) {
    pin(file, s);
    let ch = &s.channels.0[0].1;
    let team = &s.agents.0[0].1;
    for key in keys {
        let x = match *key {
            "p_wait" => exact.p_wait,
            "service_level" => exact.service_level,
            "asa_seconds" => exact.asa,
            "mean_wait_seconds" => exact.mean_wait,
            "abandon_rate" => exact.abandon_rate,
            "blocked_rate" => exact.blocked_rate,
            "occupancy" => {
                agree(file, "agents", team, "occupancy", exact.occupancy);
                continue;
            }
            other => panic!("unknown key {other}"),
        };
        agree(file, "channel", ch, key, x);
    }
}

struct Params {
    lambda: f64,
    s: f64,
    cv: f64,
    c: u32,
    threshold: f64,
    patience: Option<f64>,
    places: Option<u32>,
}

fn params(m: &supportsim::model::Model) -> Params {
    let ch = &m.channels[0];
    Params {
        lambda: m.demand.per_day * ch.share / 86_400.0,
        s: ch.handle_time.mean(),
        cv: ch.handle_time.cv(),
        c: m.groups.iter().map(|g| g.headcount()).sum(),
        threshold: ch.answer_within,
        patience: ch.patience.as_ref().map(|p| p.mean()),
        places: ch.queue_capacity,
    }
}

#[test]
fn erlang_c() {
    let (m, s) = run_file(&conformance_dir().join("erlang-c.toml"));
    let p = params(&m);
    let exact = queueing::mmc(p.lambda, p.s, p.c, p.threshold);
    check_all(
        "erlang-c",
        &s,
        &exact,
        &[
            "p_wait",
            "service_level",
            "asa_seconds",
            "mean_wait_seconds",
            "abandon_rate",
            "blocked_rate",
            "occupancy",
        ],
    );
}

#[test]
fn erlang_a() {
    let (m, s) = run_file(&conformance_dir().join("erlang-a.toml"));
    let p = params(&m);
    let exact = queueing::erlang_a(
        p.lambda,
        p.s,
        p.c,
        p.patience.expect("patience"),
        p.threshold,
    );
    check_all(
        "erlang-a",
        &s,
        &exact,
        &[
            "p_wait",
            "service_level",
            "asa_seconds",
            "mean_wait_seconds",
            "abandon_rate",
            "blocked_rate",
            "occupancy",
        ],
    );
}

#[test]
fn busy_signal_mmck() {
    let (m, s) = run_file(&conformance_dir().join("busy-signal.toml"));
    let p = params(&m);
    let exact = queueing::mmck(
        p.lambda,
        p.s,
        p.c,
        p.places.expect("queue capacity"),
        p.threshold,
    );
    check_all(
        "busy-signal",
        &s,
        &exact,
        &[
            "p_wait",
            "service_level",
            "asa_seconds",
            "mean_wait_seconds",
            "abandon_rate",
            "blocked_rate",
            "occupancy",
        ],
    );
}

#[test]
fn lognormal_service_pollaczek_khinchine() {
    let (m, s) = run_file(&conformance_dir().join("lognormal-service.toml"));
    let p = params(&m);
    assert_eq!(p.c, 1);
    let exact = queueing::mg1(p.lambda, p.s, p.cv);
    check_all(
        "lognormal-service",
        &s,
        &exact,
        &[
            "p_wait",
            "asa_seconds",
            "mean_wait_seconds",
            "abandon_rate",
            "blocked_rate",
            "occupancy",
        ],
    );
}

#[test]
fn priority_cobham() {
    let (m, s) = run_file(&conformance_dir().join("priority.toml"));
    let p = params(&m);
    let mut order: Vec<usize> = (0..m.topics.len()).collect();
    order.sort_by_key(|&t| m.topics[t].priority);
    let lambdas: Vec<f64> = order
        .iter()
        .map(|&t| p.lambda * m.topics[t].share)
        .collect();
    let waits = queueing::mmc_priority_waits(&lambdas, p.s, p.c);
    let fcfs = queueing::mmc(p.lambda, p.s, p.c, p.threshold);
    for (k, &t) in order.iter().enumerate() {
        let name = &m.topics[t].name;
        let tm = s.topics.get(name).expect("topic in summary");
        agree("priority", name, tm, "asa_seconds", waits[k]);
        agree("priority", name, tm, "mean_wait_seconds", waits[k]);
        // Every class sees the same chance that all agents are busy (PASTA).
        agree("priority", name, tm, "p_wait", fcfs.p_wait);
    }
    pin("priority", &s);
    let ch = &s.channels.0[0].1;
    // Work conservation: with one service-time distribution the overall mean wait is FCFS's.
    agree("priority", "channel", ch, "asa_seconds", fcfs.asa);
    agree("priority", "channel", ch, "p_wait", fcfs.p_wait);
    agree(
        "priority",
        "agents",
        &s.agents.0[0].1,
        "occupancy",
        fcfs.occupancy,
    );
}
