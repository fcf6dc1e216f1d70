//! Absence that varies from day to day (`absence_sd`): the agents present on a day are
//! beta-binomial — n scheduled, each absent with the day's rate, which is drawn from a beta of
//! mean a and standard deviation s — so their mean is n(1 − a) and their variance
//! n·a(1 − a) + n(n − 1)·s² (the beta-binomial's, e.g. Johnson, Kemp & Kotz, *Univariate
//! Discrete Distributions*, 3rd ed., 2005, §6.7.2); with s = 0 it is the binomial n·a(1 − a)
//! and the run is exactly the one without the key. A weekend crew's own absence
//! (`weekend_absence`, `weekend_absence_sd`) gives Saturdays and Sundays its own beta-binomial;
//! two groups fully sharing their days (`absence_shared = 1`) are one beta-binomial of both.

use supportsim::metrics::RepResult;

use crate::util::{mean_se, refused, supportsim};

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

/// Agents present on each simulated day of every replication, over every group, as
/// `(weekday, present)` (day 0 a Monday): the day's agent time on the floor over the shift's
/// length (a one-second call can keep an agent a moment past 17:00).
fn present_total(reps: &[RepResult]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for r in reps {
        // Per interval, per group.
        assert_eq!(
            r.group_intervals.len(),
            24 * DAYS,
            "hourly intervals over {DAYS} days"
        );
        for (d, day) in r.group_intervals.chunks(24).enumerate() {
            let floor: f64 = day.iter().flat_map(|h| h.iter().map(|g| g.available)).sum();
            out.push((d % 7, (floor / SHIFT).round()));
        }
    }
    out
}

/// [`present_total`] without the weekdays.
fn present(reps: &[RepResult]) -> Vec<f64> {
    present_total(reps).into_iter().map(|p| p.1).collect()
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

/// The mean and variance of `x` against theirs, each within four of its standard errors.
fn assert_moments(x: &[f64], mean: f64, var: f64, what: &str) {
    let (m, se) = mean_se(x);
    assert!(
        (m - mean).abs() <= 4.0 * se,
        "{what}: {m:.3} ± {se:.3} agents present, expected {mean}"
    );
    let (v, v_se) = variance_se(x);
    assert!(
        (v - var).abs() <= 4.0 * v_se,
        "{what}: variance {v:.3} ± {v_se:.3} of the agents present, expected {var:.3}"
    );
}

/// The beta-binomial's moments for `n` agents of mean absence `a` and spread `sd`.
fn beta_binomial(n: f64, a: f64, sd: f64) -> (f64, f64) {
    (n * (1.0 - a), n * a * (1.0 - a) + n * (n - 1.0) * sd * sd)
}

fn assert_present(x: &[f64], sd: f64) {
    let (mean, var) = beta_binomial(N, ABSENCE, sd);
    assert_moments(x, mean, var, &format!("absence_sd = {sd}"));
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
    let err = refused(supportsim().arg("validate").arg(&path));
    assert!(
        err.contains("`absence_sd = 0.45`") && err.contains("wide.toml:"),
        "{err}"
    );
}

/// Two groups, each of N / 2 agents on the day shift, with `left` and `right` keys of their
/// own.
fn halves_text(left: &str, right: &str) -> String {
    let group = |name: &str, extra: &str| {
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
    one[..one.find("[[agents]]").unwrap_or(one.len())].to_string()
        + &group("left", left)
        + &group("right", right)
}

/// The replications of [`halves_text`] with the same `extra` keys on both.
fn halves(extra: &str) -> Vec<RepResult> {
    let m = supportsim::scenario::parse("halves.toml", &halves_text(extra, extra), "halves")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    supportsim::run_replications(&m, &|| {}, Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The warnings of loading `text`, rendered.
fn warnings(text: &str) -> String {
    supportsim::scenario::parse("w.toml", text, "w")
        .unwrap_or_else(|e| panic!("{e}"))
        .warnings
        .render()
}

#[test]
fn groups_that_share_their_days_are_absent_together() {
    // Fully shared (`absence_shared = 1`): both halves draw the same rate each day, so the
    // agents present over both are one beta-binomial of N (variance 7.0); drawn apart, two of
    // N / 2 (variance 2 × (10 × 0.16 + 90 × 0.01) = 5.0). Either way a group's own days keep
    // their beta (mean N(1 − a)).
    for (extra, var) in [
        ("", 2.0 * beta_binomial(N / 2.0, ABSENCE, 0.1).1),
        ("absence_shared = 1", beta_binomial(N, ABSENCE, 0.1).1),
    ] {
        let x: Vec<f64> = present_total(&halves(extra)).iter().map(|p| p.1).collect();
        assert_moments(&x, N * (1.0 - ABSENCE), var, extra);
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
        let (mean, var) = beta_binomial(N, a, sd);
        assert_moments(&x, mean, var, &format!("weekend {weekend}"));
    }
}

#[test]
fn weekend_absence_on_a_group_that_never_works_weekends_is_a_warning() {
    let keys = "weekend_absence = 0.4\nweekend_absence_sd = 0.2";
    let weekdays = scenario(keys).replace("\"daily\"", "\"weekdays\"");
    let w = warnings(&weekdays);
    for key in ["weekend_absence", "weekend_absence_sd"] {
        assert!(
            w.contains(&format!("warning: `{key}` of agent group `team` has no effect: none of the group's shifts starts on a Saturday or Sunday")),
            "{w}"
        );
    }
    assert!(w.contains("--> w.toml:"), "located: {w}");
    // Worked every day, the same keys are the weekend crew's.
    assert!(!warnings(&scenario(keys)).contains("has no effect"));
}

#[test]
fn sharing_days_with_no_other_group_is_a_warning() {
    let alone = warnings(&halves_text("absence_shared = 0.5", ""));
    assert!(
        alone.contains("warning: `absence_shared` of agent group `left` has no effect: no other group shares its day-to-day absence on any day"),
        "{alone}"
    );
    assert!(
        !warnings(&halves_text("absence_shared = 0.5", "absence_shared = 0.2"))
            .contains("has no effect")
    );
    // Both share on weekdays; only the left one at weekends.
    let weekend = warnings(&halves_text(
        "absence_shared = 0.5",
        "absence_shared = 0.5\nweekend_absence_shared = 0",
    ));
    assert!(
        !weekend.contains("has no effect"),
        "the left group's share still ties its weekdays: {weekend}"
    );
    let weekend = warnings(&halves_text(
        "absence_shared = 0.5\nweekend_absence_shared = 0.3",
        "absence_shared = 0.5\nweekend_absence_shared = 0",
    ));
    assert!(
        weekend.contains("warning: `weekend_absence_shared` of agent group `left` has no effect: no other group shares its day-to-day absence at weekends"),
        "{weekend}"
    );
}
