//! Times to resolution against theory, and against customers who give up.
//!
//! One agent, Poisson calls at λ = 3/h, exponential handle times of 12 minutes (μ = 5/h), no
//! abandonment: an M/M/1 queue, whose time in system is exponential with rate μ − λ (e.g.
//! Kleinrock, *Queueing Systems* I, 1975, §3.2). Topic `sure` is always resolved at its one
//! contact: its time to resolution T has median ln 2/(μ − λ) and 90th percentile
//! ln 10/(μ − λ). Topic `unsure` is resolved with probability f = 0.8 and otherwise given up
//! (no repeats), whatever the wait: P(T ≤ t) = f·(1 − e^{−(μ−λ)t}), a median of
//! ln(f/(f − ½))/(μ − λ), and no 90th percentile at all (a fifth never resolve).

use serde_json::Value;

use crate::util::{json_out, supportsim};

const SCENARIO: &str = r#"[simulation]
days = 400
warmup_days = 2
replications = 20
seed = 3

[volume]
per_day = 72
intraday = "flat"

[channels.phone]
kind = "call"
handle_time = { dist = "exponential", mean = "12m" }

[[topics]]
name = "sure"
share = 0.5
fcr = 1.0

[[topics]]
name = "unsure"
share = 0.5
fcr = 0.8

[resolution]
repeat_share = 0.0

[[agents]]
name = "one"
count = 1
channels = ["phone"]
"#;

/// Relative width of the histograms' bins, within which a quantile is interpolated.
const BIN: f64 = 0.011;

fn run(text: &str) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("resolution.toml");
    std::fs::write(&path, text).expect("write scenario");
    json_out(supportsim().arg("run").arg(&path).arg("--json"))
}

/// The mean and standard error of a metric.
fn stat(v: &Value, what: &str) -> (f64, f64) {
    let m = v["mean"].as_f64().unwrap_or_else(|| panic!("{what}: {v}"));
    (m, v["std_err"].as_f64().unwrap_or(0.0))
}

fn within(what: &str, v: &Value, truth: f64) {
    let (m, se) = stat(v, what);
    assert!(
        se > 0.0 && (m - truth).abs() <= 4.0 * se + BIN * truth,
        "{what}: simulated {m} ± {se}, theory {truth}"
    );
}

#[test]
fn times_to_resolution_follow_the_m_m_1_time_in_system() {
    let v = run(SCENARIO);
    let rate = (5.0 - 3.0) / 3600.0;
    let sure = &v["topics"]["sure"];
    within(
        "sure P50",
        &sure["resolution_p50_seconds"],
        2f64.ln() / rate,
    );
    within(
        "sure P90",
        &sure["resolution_p90_seconds"],
        10f64.ln() / rate,
    );
    within("sure mean", &sure["resolution_time_seconds"], 1.0 / rate);
    let unsure = &v["topics"]["unsure"];
    within(
        "unsure P50",
        &unsure["resolution_p50_seconds"],
        (0.8f64 / 0.3).ln() / rate,
    );
    assert!(
        unsure["resolution_p90_seconds"]["mean"].is_null(),
        "a fifth never resolve: no 90th percentile, {}",
        unsure["resolution_p90_seconds"]
    );
}

#[test]
fn customers_who_give_up_cannot_shorten_the_median() {
    // Callers who abandon and try again, or give up: a thin team resolves fewer issues, and
    // the ones it does resolve sooner on average (the long ones are given up on the way), but
    // its median over every issue is longer.
    let scenario = |agents: u32| {
        SCENARIO
            .replace("days = 400", "days = 30")
            .replace("per_day = 72", "per_day = 1200")
            .replace(
                "handle_time = { dist = \"exponential\", mean = \"12m\" }",
                "handle_time = { dist = \"exponential\", mean = \"5m\" }\npatience = { dist = \"exponential\", mean = \"2m\" }",
            )
            .replace("repeat_share = 0.0", "repeat_share = 0.8\nretry_share = 0.5")
            .replace("count = 1", &format!("count = {agents}"))
    };
    let (thin, full) = (run(&scenario(3)), run(&scenario(6)));
    let p50 = |v: &Value| stat(&v["channels"]["phone"]["resolution_p50_seconds"], "P50");
    let ((a, sa), (b, sb)) = (p50(&thin), p50(&full));
    assert!(
        a - b > 4.0 * (sa * sa + sb * sb).sqrt(),
        "3 agents: {a} ± {sa}; 6 agents: {b} ± {sb}"
    );
}
