//! Attrition: each agent of a group with `attrition = a` leaves at an exponential time of rate
//! −ln(1 − a) a month, so that after t months a share (1 − a)^t of the group remains — a
//! binomial count whose mean the replications must meet within their standard error.

use crate::util::{json_out, refused, supportsim};

/// The group's metric `name` (mean, standard error) in a run's JSON.
fn group_metric(json: &serde_json::Value, name: &str) -> (f64, f64) {
    let m = &json["agents"]["team"][name];
    match (m["mean"].as_f64(), m["std_err"].as_f64()) {
        (Some(mean), Some(se)) => (mean, se),
        _ => panic!("no `{name}` for the team in {json}"),
    }
}

#[test]
fn headcount_decays_as_the_monthly_attrition_rate_says() {
    for days in ["61", "183"] {
        let json = json_out(supportsim().args([
            "run",
            "tests/data/attrition.toml",
            "--days",
            days,
            "--json",
        ]));
        let months = days.parse::<f64>().expect("days") / 30.4375;
        let expected = 100.0 * 0.9f64.powf(months);
        let (left, se) = group_metric(&json, "agents_end");
        assert!(se > 0.0, "agents leave at random");
        assert!(
            (left - expected).abs() < 4.0 * se,
            "{days} days: {left:.2} ± {se:.3} agents remain, expected 100 × 0.9^{months:.3} = {expected:.2}"
        );
        // Binomial: the spread across replications is √(n p (1 − p)).
        let sd = se * 200f64.sqrt();
        let p = expected / 100.0;
        let want = (100.0 * p * (1.0 - p)).sqrt();
        assert!(
            (sd / want - 1.0).abs() < 0.2,
            "{days} days: spread {sd:.2}, binomial {want:.2}"
        );
        // Without a warm-up every leaver is counted: leavers and those left make the team.
        let (gone, _) = group_metric(&json, "leavers");
        assert!((gone + left - 100.0).abs() < 1e-9, "{gone} + {left}");
    }
}

#[test]
fn the_agents_who_stay_are_busier() {
    let json = json_out(supportsim().args(["run", "tests/data/attrition.toml", "--json"]));
    let occupancy = |j: &serde_json::Value| j["agents"]["team"]["occupancy"]["mean"].as_f64();
    let text = std::fs::read_to_string(crate::util::root().join("tests/data/attrition.toml"))
        .expect("scenario");
    let dir = tempfile::tempdir().expect("temp");
    let kept = dir.path().join("kept.toml");
    std::fs::write(&kept, text.replace("attrition = 0.1\n", "")).expect("write");
    let whole = json_out(supportsim().args(["run", kept.to_str().expect("utf-8"), "--json"]));
    assert!(
        occupancy(&json) > occupancy(&whole),
        "the agents who stay are busier: {:?} against {:?}",
        occupancy(&json),
        occupancy(&whole)
    );
    assert!(whole["agents"]["team"].get("leavers").is_none());
}

#[test]
fn no_attrition_is_the_model_without_it() {
    let text = std::fs::read_to_string(crate::util::root().join("scenarios/quick-start.toml"))
        .expect("scenario");
    let dir = tempfile::tempdir().expect("temp");
    let with_zero = dir.path().join("a.toml");
    let without = dir.path().join("b.toml");
    std::fs::write(&without, &text).expect("write");
    let zero = text.replacen("[[agents]]\n", "[[agents]]\nattrition = 0\n", 1);
    assert_ne!(zero, text, "the scenario has an agent group");
    std::fs::write(&with_zero, zero).expect("write");
    let run = |p: &std::path::Path| {
        let mut j = json_out(supportsim().args([
            "run",
            p.to_str().expect("utf-8"),
            "--replications",
            "4",
            "--days",
            "3",
            "--json",
        ]));
        j["scenario"]["file"] = serde_json::Value::Null;
        j
    };
    assert_eq!(run(&with_zero), run(&without));
}

#[test]
fn an_attrition_that_is_not_a_monthly_share_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(crate::util::root().join("tests/data/attrition.toml"))
        .expect("scenario");
    std::fs::write(&bad, text.replace("attrition = 0.1", "attrition = 1.5")).expect("write");
    let err = refused(supportsim().args(["validate", bad.to_str().expect("utf-8")]));
    assert!(err.contains("attrition"), "{err}");
    assert!(err.contains("bad.toml:23"), "{err}");
}

#[test]
fn the_table_shows_who_left_and_who_is_still_there() {
    let out = supportsim()
        .args(["run", "tests/data/attrition.toml", "--days", "30"])
        .args(["--replications", "4"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text
        .lines()
        .find(|l| l.starts_with("agents "))
        .unwrap_or_else(|| panic!("no agents table in {text}"));
    assert!(
        header.contains("leavers") && header.contains("at the end"),
        "{header}"
    );
    // A steady operation's table stays as it was.
    let out = supportsim()
        .args(["run", "scenarios/quick-start.toml", "--replications", "2"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("leavers"));
}
