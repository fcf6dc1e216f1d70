//! Absence that varies from day to day (`absence_sd`): the agents present on a day are
//! beta-binomial — n scheduled, each absent with the day's rate, which is drawn from a beta of
//! mean a and standard deviation s — so their mean is n(1 − a) and their variance
//! n·a(1 − a) + n(n − 1)·s² (the beta-binomial's, e.g. Johnson, Kemp & Kotz, *Univariate
//! Discrete Distributions*, 3rd ed., 2005, §6.7.2); with s = 0 it is the binomial n·a(1 − a)
//! and the run is exactly the one without the key.

use supportsim::metrics::RepResult;

use crate::util::{mean_se, supportsim};

const N: f64 = 20.0;
const ABSENCE: f64 = 0.2;
const DAYS: usize = 10;
const SHIFT: f64 = 8.0 * 3600.0;

fn scenario(extra: &str) -> String {
    format!(
        r#"[simulation]
days = {DAYS}
interval = "1h"
replications = 60
seed = 5

[volume]
per_day = 1
intraday = "flat"

[channels.phone]
kind = "call"
handle_time = {{ dist = "exponential", mean = "1s" }}

[[agents]]
name = "team"
channels = ["phone"]
absence = {ABSENCE}
{extra}
shifts = [{{ days = "daily", start = "09:00", end = "17:00", count = {N} }}]
"#
    )
}

fn runs(extra: &str) -> Vec<RepResult> {
    let m = supportsim::scenario::parse("absence.toml", &scenario(extra), "absence")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    supportsim::run_replications(&m, &|| {}, Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Agents present on each simulated day of every replication: the day's agent time on the
/// floor over the shift's length (a one-second call can keep an agent a moment past 17:00).
fn present(reps: &[RepResult]) -> Vec<f64> {
    let mut out = Vec::new();
    for r in reps {
        // Per interval, per group.
        let hours = &r.group_intervals;
        let per_day = hours.len() / DAYS;
        assert_eq!(per_day, 24, "hourly intervals over {DAYS} days");
        for day in hours.chunks(per_day) {
            let floor: f64 = day.iter().map(|h| h[0].available).sum();
            out.push((floor / SHIFT).round());
        }
    }
    out
}

/// The sample variance of `x` and its standard error, from the sample's own fourth central
/// moment: se(s²) = √((m₄ − s⁴(k − 3)/(k − 1)) / k).
fn variance_se(x: &[f64]) -> (f64, f64) {
    let k = x.len() as f64;
    let m = x.iter().sum::<f64>() / k;
    let v = x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / (k - 1.0);
    let m4 = x.iter().map(|y| (y - m).powi(4)).sum::<f64>() / k;
    (v, ((m4 - v * v * (k - 3.0) / (k - 1.0)) / k).sqrt())
}

fn assert_present(x: &[f64], sd: f64) {
    let (m, se) = mean_se(x);
    let mean = N * (1.0 - ABSENCE);
    assert!(
        (m - mean).abs() <= 4.0 * se,
        "absence_sd = {sd}: {m:.3} ± {se:.3} agents present, expected {mean}"
    );
    let (v, v_se) = variance_se(x);
    let var = N * ABSENCE * (1.0 - ABSENCE) + N * (N - 1.0) * sd * sd;
    assert!(
        (v - var).abs() <= 4.0 * v_se,
        "absence_sd = {sd}: variance {v:.3} ± {v_se:.3} of the agents present, expected {var:.3}"
    );
}

#[test]
fn absences_that_come_together_spread_the_agents_present_as_a_beta_binomial() {
    let independent = runs("");
    assert_present(&present(&independent), 0.0);
    // Variance 7.0 against the binomial 3.2: the spread doubles it.
    assert_present(&present(&runs("absence_sd = 0.1")), 0.1);
    // Every figure of every replication as without the key.
    assert_eq!(
        format!("{:?}", runs("absence_sd = 0")),
        format!("{independent:?}")
    );
}

#[test]
fn a_spread_too_wide_for_its_mean_absence_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("wide.toml");
    std::fs::write(&path, scenario("absence_sd = 0.45")).expect("writes");
    let out = supportsim()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`absence_sd = 0.45`") && err.contains("wide.toml:"),
        "{err}"
    );
}

/// The replications of two groups, each of N / 2 agents on the day shift, with `extra` keys.
fn halves(extra: &str) -> Vec<RepResult> {
    let group = |name: &str| {
        format!(
            r#"
[[agents]]
name = "{name}"
channels = ["phone"]
absence = {ABSENCE}
absence_sd = 0.1
{extra}
shifts = [{{ days = "daily", start = "09:00", end = "17:00", count = {} }}]
"#,
            N / 2.0
        )
    };
    // The header of the one-group scenario, then the two halves.
    let one = scenario("");
    let text = one[..one.find("[[agents]]").unwrap_or(one.len())].to_string()
        + &group("left")
        + &group("right");
    let m = supportsim::scenario::parse("halves.toml", &text, "halves")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    supportsim::run_replications(&m, &|| {}, Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Agents present each day over every group, `(weekday, present)` with day 0 a Monday.
fn present_total(reps: &[RepResult]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for r in reps {
        for (d, day) in r.group_intervals.chunks(24).enumerate() {
            let floor: f64 = day.iter().flat_map(|h| h.iter().map(|g| g.available)).sum();
            out.push((d % 7, (floor / SHIFT).round()));
        }
    }
    out
}

#[test]
fn groups_that_share_their_days_are_absent_together() {
    // Fully shared (`absence_shared = 1`): both halves draw the same rate each day, so the
    // agents present over both are one beta-binomial of N (variance 7.0); drawn apart, two of
    // N / 2 (variance 2 × (10 × 0.16 + 90 × 0.01) = 5.0). Either way a group's own days keep
    // their beta (mean N(1 − a)).
    for (extra, var) in [
        (
            "",
            2.0 * (N / 2.0 * ABSENCE * (1.0 - ABSENCE) + N / 2.0 * (N / 2.0 - 1.0) * 0.01),
        ),
        (
            "absence_shared = 1",
            N * ABSENCE * (1.0 - ABSENCE) + N * (N - 1.0) * 0.01,
        ),
    ] {
        let x: Vec<f64> = present_total(&halves(extra)).iter().map(|p| p.1).collect();
        let (m, se) = mean_se(&x);
        let mean = N * (1.0 - ABSENCE);
        assert!(
            (m - mean).abs() <= 4.0 * se,
            "{extra}: {m} ± {se}, expected {mean}"
        );
        let (v, v_se) = variance_se(&x);
        assert!(
            (v - var).abs() <= 4.0 * v_se,
            "{extra}: variance {v:.3} ± {v_se:.3}, expected {var:.3}"
        );
    }
}

#[test]
fn a_weekend_crew_has_its_own_absence() {
    // Saturdays and Sundays take `weekend_absence` and its spread; weekdays keep theirs.
    let reps = runs("absence_sd = 0.1\nweekend_absence = 0.5\nweekend_absence_sd = 0.3");
    let days = present_total(&reps);
    for (weekend, a, sd) in [(false, ABSENCE, 0.1), (true, 0.5, 0.3)] {
        let x: Vec<f64> = days
            .iter()
            .filter(|p| (p.0 >= 5) == weekend)
            .map(|p| p.1)
            .collect();
        let (m, se) = mean_se(&x);
        let mean = N * (1.0 - a);
        assert!(
            (m - mean).abs() <= 4.0 * se,
            "weekend {weekend}: {m} ± {se}, expected {mean}"
        );
        let (v, v_se) = variance_se(&x);
        let var = N * a * (1.0 - a) + N * (N - 1.0) * sd * sd;
        assert!(
            (v - var).abs() <= 4.0 * v_se,
            "weekend {weekend}: variance {v:.3} ± {v_se:.3}, expected {var:.3}"
        );
    }
}
