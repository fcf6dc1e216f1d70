//! `supportsim compare`: common random numbers make paired differences exact for identical
//! plans and far tighter than independent runs for different ones.

use assert_cmd::Command;
use serde_json::Value;

use crate::util::root;

fn compare(files: &[&std::path::Path], extra: &[&str]) -> Value {
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(root())
        .arg("compare")
        .args(files)
        .args(extra)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn diff<'a>(v: &'a Value, scope: &str, name: &str, metric: &str) -> &'a Value {
    v["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .find(|d| d["scope"] == scope && d["name"] == name && d["metric"] == metric)
        .unwrap_or_else(|| panic!("{scope} {name} {metric}"))
}

#[test]
fn a_scenario_against_itself_differs_by_nothing() {
    let f = root().join("scenarios/mid-size.toml");
    let v = compare(&[&f, &f], &["--days", "3", "--replications", "4"]);
    let diffs = v["differences"].as_array().expect("differences");
    assert!(diffs.len() > 100, "every metric is compared");
    for d in diffs {
        if d["mean"].is_null() {
            continue;
        }
        assert_eq!(d["mean"].as_f64(), Some(0.0), "{d}");
        assert_eq!(d["ci_low"].as_f64(), Some(0.0), "{d}");
        assert_eq!(d["ci_high"].as_f64(), Some(0.0), "{d}");
    }
}

#[test]
fn paired_intervals_are_at_least_three_times_narrower() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = root().join("scenarios/quick-start.toml");
    let text = std::fs::read_to_string(&base).expect("read");
    let more = text.replace(
        "end = \"16:30\", count = 9 }",
        "end = \"16:30\", count = 10 }",
    );
    assert_ne!(text, more, "the staffing line changed");
    let plus_one = dir.path().join("plus-one.toml");
    std::fs::write(&plus_one, more).expect("write");
    let v = compare(&[&base, &plus_one], &["--replications", "20"]);
    for (scope, name, metric) in [
        ("kind", "live", "service_level"),
        ("channel", "phone", "service_level"),
        ("channel", "phone", "asa_seconds"),
        ("channel", "phone", "abandon_rate"),
    ] {
        let d = diff(&v, scope, name, metric);
        let paired = d["std_err"].as_f64().expect("paired s.e.");
        let unpaired = d["unpaired_std_err"].as_f64().expect("unpaired s.e.");
        println!(
            "{scope} {name} {metric}: paired s.e. {paired:.6}, unpaired {unpaired:.6}, ratio {:.1}",
            unpaired / paired
        );
        assert!(
            unpaired >= 3.0 * paired,
            "{metric}: paired {paired} vs unpaired {unpaired}"
        );
    }
    let sl = diff(&v, "kind", "live", "service_level");
    assert!(
        sl["ci_low"].as_f64().expect("low") > 0.0,
        "one more agent improves the service level, significantly"
    );
}

#[test]
fn different_horizons_are_refused() {
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(root())
        .args([
            "compare",
            "scenarios/quick-start.toml",
            "scenarios/mid-size.toml",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --days"));
}
