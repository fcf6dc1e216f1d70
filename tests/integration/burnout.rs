//! Burnout: a group whose recent occupancy is above its threshold leaves faster and is absent
//! more often. A team kept fully busy from the first minute has, from its second day, a
//! constant excess e = (occupancy − threshold) ÷ (1 − threshold); its agents then leave at
//! (1 + e) times the plain rate r = −ln(1 − a) a month and are absent with probability 0.2e,
//! so the expected headcount and on-floor hours have closed forms the replications must meet.

use crate::util::{json_out, refused, supportsim};

/// The team's metric `name` (mean, standard error) in a run's JSON.
fn team(json: &serde_json::Value, name: &str) -> (f64, f64) {
    let m = &json["agents"]["team"][name];
    match (m["mean"].as_f64(), m["std_err"].as_f64()) {
        (Some(mean), Some(se)) => (mean, se),
        _ => panic!("no `{name}` for the team in {json}"),
    }
}

#[test]
fn a_team_kept_busy_leaves_and_is_absent_as_its_excess_says() {
    let json = json_out(supportsim().args(["run", "tests/data/burnout.toml", "--json"]));
    let (occupancy, _) = team(&json, "occupancy");
    assert!(occupancy > 0.999, "the team is kept busy: {occupancy}");
    let e = (occupancy - 0.5) / 0.5;
    let (n, days) = (100.0, 61.0);
    // Per day: the plain rate on day 0 (no occupancy seen yet), (1 + e) times it after.
    let r = -(0.9f64.ln()) / 30.4375;
    let fast = r * (1.0 + e);
    let expected_end = n * (-r - fast * (days - 1.0)).exp();
    let (end, se) = team(&json, "agents_end");
    assert!(se > 0.0, "agents leave at random");
    assert!(
        (end - expected_end).abs() < 4.0 * se,
        "{end:.2} ± {se:.3} agents remain, expected {expected_end:.2}"
    );
    let plain_end = n * 0.9f64.powf(days / 30.4375);
    assert!(
        end < plain_end - 10.0 * se,
        "burnout thins the team: {end:.2} against {plain_end:.2} without it"
    );
    // On-floor hours: ∫ N(t) dt over day 0, and (1 − 0.2e) of it over the days after.
    let day0 = n * (1.0 - (-r).exp()) / r;
    let later = n * (-r).exp() * (1.0 - (-fast * (days - 1.0)).exp()) / fast;
    let expected_hours = 24.0 * (day0 + (1.0 - 0.2 * e) * later);
    let (hours, se) = team(&json, "available_hours");
    assert!(
        (hours - expected_hours).abs() < 4.0 * se,
        "{hours:.1} ± {se:.2} hours on the floor, expected {expected_hours:.1}"
    );
}

#[test]
fn burnout_below_its_threshold_changes_nothing_but_rounding() {
    // Under a fifth of the calls: occupancy at most about 0.4, below the threshold of 0.5 every day. The
    // same agents leave at the same times, and no one is absent for it.
    let dir = tempfile::tempdir().expect("temp dir");
    let base = std::fs::read_to_string("tests/data/burnout.toml").expect("scenario");
    let quiet = |burnout: &str| {
        let text = base
            .replace("per_day = 8000", "per_day = 1500")
            .replace("replications = 50", "replications = 20");
        let from = text.find("burnout = {").expect("the burnout key");
        let path = dir.path().join(format!("{}.toml", burnout.len()));
        std::fs::write(&path, format!("{}burnout = {burnout}\n", &text[..from])).expect("write");
        json_out(supportsim().arg("run").arg(&path).arg("--json"))
    };
    let off = quiet("false");
    let on = quiet("{ threshold = 0.5, over = \"1w\", attrition = 1.0, absence = 0.2 }");
    let (occupancy, _) = team(&on, "occupancy");
    assert!(occupancy < 0.4, "below the threshold: {occupancy}");
    for metric in ["agents_end", "leavers", "available_hours", "busy_hours"] {
        let (a, _) = team(&off, metric);
        let (b, _) = team(&on, metric);
        assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            "{metric}: {a} off, {b} on below its threshold"
        );
    }
}

#[test]
fn a_burnout_that_cannot_act_is_said_and_a_malformed_one_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = std::fs::read_to_string("tests/data/burnout.toml").expect("scenario");
    let write = |name: &str, from: &str, to: &str| {
        assert!(base.contains(from), "{from}");
        let path = dir.path().join(name);
        std::fs::write(&path, base.replace(from, to)).expect("write");
        path
    };
    // No attrition to raise: a warning at the key, and the run goes on.
    let path = write("idle.toml", "attrition = 0.1\n", "");
    let out = supportsim()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("changes nothing: the group has no attrition"),
        "{err}"
    );
    // Neither true, false nor a table: refused with the line and the fix.
    let path = write(
        "bad.toml",
        "burnout = { threshold = 0.5, over = \"1w\", attrition = 1.0, absence = 0.2 }",
        "burnout = \"yes\"",
    );
    let err = refused(supportsim().arg("validate").arg(&path));
    assert!(
        err.contains("`burnout` of agent group `team` must be true, false or a table")
            && err.contains("bad.toml:"),
        "{err}"
    );
}
