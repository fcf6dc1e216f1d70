//! The long-range chain, on common random numbers (paired differences with their 95%
//! intervals, from `compare`): fewer hires → higher occupancy → more of the team leaving (burnout)
//! → lower service level and NPS; and a shorter ramp-up → fewer repeats. The team's leavers differ only
//! through burnout: with it off, the same agents leave at the same times whatever the hires.

use crate::util::{json_out, supportsim};

/// `tests/data/chain.toml` with each `(from, to)` replaced, written into `dir` as `name`.
fn variant(dir: &std::path::Path, name: &str, edits: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string("tests/data/chain.toml").expect("scenario");
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// The paired difference (mean, low, high) of `metric` for `scenario` in scope `scope`/`name`.
fn diff(
    json: &serde_json::Value,
    scenario: &str,
    scope: &str,
    name: &str,
    metric: &str,
) -> (f64, f64, f64) {
    let d = json["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .find(|d| {
            d["scenario"] == scenario
                && d["scope"] == scope
                && d["name"] == name
                && d["metric"] == metric
        })
        .unwrap_or_else(|| panic!("no {scope} {name} {metric} for {scenario}"));
    let f = |k: &str| d[k].as_f64().unwrap_or_else(|| panic!("{k} of {d}"));
    (f("mean"), f("ci_low"), f("ci_high"))
}

#[test]
fn fewer_hires_raise_occupancy_then_leavers_then_lower_service_and_a_short_ramp_fewer_repeats() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = variant(dir.path(), "base.toml", &[]);
    let fewer = variant(
        dir.path(),
        "fewer.toml",
        &[
            ("size = 10", "size = 2"),
            ("\"ten hires\"", "\"two hires\""),
        ],
    );
    let quick = variant(
        dir.path(),
        "quick.toml",
        &[
            ("over = \"8w\"", "over = \"2w\""),
            ("\"ten hires\"", "\"short ramp\""),
        ],
    );
    let json = json_out(
        supportsim()
            .arg("compare")
            .args([&base, &fewer, &quick])
            .arg("--json"),
    );
    let (occ, lo, _) = diff(&json, "two hires", "agents", "team", "occupancy");
    assert!(
        lo > 0.0,
        "fewer hires: team occupancy {occ:+.4} [{lo:+.4}, …]"
    );
    let (left, lo, _) = diff(&json, "two hires", "agents", "team", "leavers");
    assert!(
        lo > 0.0,
        "… so more of the team leaves: {left:+.2} [{lo:+.2}, …]"
    );
    let (sl, _, hi) = diff(&json, "two hires", "overall", "", "service_level");
    assert!(hi < 0.0, "… and service falls: {sl:+.4} [… , {hi:+.4}]");
    // NPS counts the callers who gave up as dissatisfied: it falls with the service, although
    // the served customers, who meet fewer new hires, are a little more satisfied.
    let (nps, _, hi) = diff(&json, "two hires", "overall", "", "nps_expected");
    assert!(hi < 0.0, "… and NPS with it: {nps:+.2} [… , {hi:+.2}]");
    let (rep, _, hi) = diff(&json, "short ramp", "overall", "", "repeat_rate");
    assert!(
        hi < 0.0,
        "a shorter ramp: repeat rate {rep:+.4} [… , {hi:+.4}]"
    );

    // Without burnout the team's leavers are the same agents at the same times.
    let off = |path: &std::path::Path, name: &str| {
        let text = std::fs::read_to_string(path).expect("variant");
        let out = dir.path().join(name);
        std::fs::write(
            &out,
            text.replace("attrition = 0.05", "attrition = 0.05\nburnout = false"),
        )
        .expect("write");
        out
    };
    let json = json_out(
        supportsim()
            .arg("compare")
            .args([&off(&base, "base-off.toml"), &off(&fewer, "fewer-off.toml")])
            .args(["--replications", "10", "--json"]),
    );
    assert_eq!(
        diff(&json, "two hires", "agents", "team", "leavers"),
        (0.0, 0.0, 0.0)
    );
}
