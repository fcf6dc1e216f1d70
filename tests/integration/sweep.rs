//! `supportsim sweep`: any numeric or duration field by path, the same seeds at every point.

use assert_cmd::Command;
use serde_json::Value;

use crate::util::root;

fn sweep(args: &[&str], threads: &str) -> (i32, Vec<u8>, String) {
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .arg("sweep")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().expect("exit code"),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn service_level_rises_with_agents_within_noise_whatever_the_threads() {
    let args = [
        "scenarios/quick-start.toml",
        "--set",
        "agents.desk.shifts.0.count=5..12",
        "--days",
        "4",
        "--replications",
        "10",
        "--metric",
        "phone.service_level",
        "--json",
    ];
    let (code, one, err) = sweep(&args, "1");
    assert_eq!(code, 0, "{err}");
    let (_, four, _) = sweep(&args, "4");
    assert!(one == four, "the same bytes with 1 and 4 threads");
    let v: Value = serde_json::from_slice(&one).expect("JSON");
    let pts = v["points"].as_array().expect("points");
    assert_eq!(pts.len(), 8);
    let sl: Vec<(f64, f64)> = pts
        .iter()
        .map(|p| {
            let m = &p["metrics"]["phone.service_level"];
            (
                m["mean"].as_f64().expect("mean"),
                m["std_err"].as_f64().expect("s.e."),
            )
        })
        .collect();
    for w in sl.windows(2) {
        let noise = 3.0 * (w[0].1.powi(2) + w[1].1.powi(2)).sqrt();
        assert!(
            w[1].0 > w[0].0 - noise,
            "service level falls beyond noise: {w:?}"
        );
    }
    let (first, last) = (sl[0], sl[sl.len() - 1]);
    assert!(
        last.0 - first.0 > 3.0 * (first.1.powi(2) + last.1.powi(2)).sqrt(),
        "{first:?} → {last:?}"
    );
}

#[test]
fn durations_and_two_dimensional_grids() {
    let (code, out, err) = sweep(
        &[
            "scenarios/quick-start.toml",
            "--set",
            "channels.phone.answer_within=20s,1m",
            "--set",
            "volume.per_day=800,1200",
            "--days",
            "3",
            "--replications",
            "3",
            "--json",
        ],
        "2",
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_slice(&out).expect("JSON");
    let pts = v["points"].as_array().expect("points");
    assert_eq!(pts.len(), 4);
    assert_eq!(pts[1]["values"]["channels.phone.answer_within"], "20s");
    assert_eq!(pts[1]["values"]["volume.per_day"], "1200");
    let sl = |i: usize| {
        pts[i]["metrics"]["phone.service_level"]["mean"]
            .as_f64()
            .expect("sl")
    };
    assert!(sl(2) > sl(0), "a longer threshold is met more often");
}

#[test]
fn bad_paths_and_values_are_explained() {
    for (set, needle) in [
        (
            "agents.tier9.count=1..3",
            "the scenario has no `agents.tier9`: `agents` holds desk",
        ),
        ("volumes.per_day=1,2", "did you mean `volume`?"),
        ("agents.desk.shifts.0.count=1.5,2", "is a whole number"),
        ("channels.phone.handle_time.mean=3,4", "is a duration"),
        ("channels.phone.kind=1,2", "text that is not a duration"),
        ("agents.desk.shifts.0.count=5..1", "ends before it starts"),
        ("volume.per_day", "is not PATH=VALUES"),
        (
            "agents.desk.shifts.0.count=10,1e308",
            "is a whole number, so `1e308` does not fit",
        ),
        (
            "agents.desk.shifts.0.count=10,-3",
            "this key takes a whole number from 0 to 4,294,967,295",
        ),
    ] {
        let (code, out, err) = sweep(&["scenarios/quick-start.toml", "--set", set], "2");
        assert_eq!(code, 2, "{set}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(needle), "{set}: {err}");
    }
    // A value the field accepts but the scenario rules refuse is reported like any scenario error.
    let (code, _, err) = sweep(
        &[
            "scenarios/quick-start.toml",
            "--set",
            "channels.phone.handle_time.cv=0.5,50",
        ],
        "2",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("must be between 0.001 and 20, not 50"),
        "{err}"
    );
}

#[test]
fn a_sweep_that_would_change_nothing_is_refused_with_what_overrides_it() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--set", "agents.desk.count=5,10"],
            "error: `agents.desk.count` changes nothing at any of its values: it is overridden by the counts of desk's 2 shift(s)\n  = help: sweep `agents.desk.shifts.0.count` (and the other shifts' counts) instead\n",
        ),
        (
            &["--set", "simulation.replications=5,10"],
            "error: `simulation.replications` is a run setting, the same at every point of a sweep\n  = help: use --replications instead; to compare run lengths or seeds, run one sweep each\n",
        ),
        (
            &["--set", "simulation.seed=1,2"],
            "error: `simulation.seed` is a run setting, the same at every point of a sweep\n  = help: use --seed instead; to compare run lengths or seeds, run one sweep each\n",
        ),
        (
            &[
                "--set",
                "volume.per_day=900",
                "--set",
                "volume.per_day=1000",
            ],
            "error: `volume.per_day` is given to --set twice; give each path once, with all its values\n",
        ),
        (
            &["--set", "volume.per_day=1h,2h"],
            "error: `volume.per_day` is a number, so `1h` does not fit: give numbers, e.g. 0,0.1,0.2\n",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["scenarios/quick-start.toml"];
        all.extend(args);
        let (code, out, err) = sweep(&all, "2");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty());
        assert_eq!(err, expected, "{args:?}");
    }
    // With every topic setting its own containment, the bot's default is read nowhere: a
    // warning in validate, a refusal in sweep.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root().join("scenarios/automation-investment.toml"))
        .expect("scenario")
        .replace(
            "name = \"account\"\n",
            "name = \"account\"\ncontainment = 0.2\n",
        );
    let file = dir.path().join("all-topics.toml");
    std::fs::write(&file, text).expect("write");
    let file = file.to_str().expect("utf-8 path");
    let (code, _, err) = sweep(&[file, "--set", "automation.containment=0.1,0.5"], "2");
    assert_eq!(code, 2);
    assert!(
        err.contains("error: `automation.containment` changes nothing at any of its values: every topic sets its own `containment`\n  = help: sweep `topics.NAME.containment` instead\n"),
        "{err}"
    );
    let out = crate::util::supportsim()
        .args(["validate", file])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: `automation.containment` is overridden by the `containment` of all 3 topics, so it changes nothing"),
        "{err}"
    );
}

#[test]
fn any_number_of_settings_make_a_full_grid_and_a_shift_can_be_dropped() {
    let (code, out, err) = sweep(
        &[
            "scenarios/quick-start.toml",
            "--set",
            "agents.desk.shifts.0.count=8,9",
            "--set",
            "agents.desk.shifts.1.count=0,8",
            "--set",
            "channels.phone.answer_within=20s,30s",
            "--days",
            "2",
            "--replications",
            "3",
            "--json",
        ],
        "2",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("sweeping 8 points × 3 replications"), "{err}");
    let v: Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["points"].as_array().expect("points").len(), 8);
}

/// Every number and duration in a typed scenario document, as a sweep path.
fn leaf_paths(v: &toml::Value, prefix: &mut Vec<String>, out: &mut Vec<(String, toml::Value)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                prefix.push(if k.contains('.') || k.contains(' ') {
                    format!("\"{k}\"")
                } else {
                    k.clone()
                });
                leaf_paths(x, prefix, out);
                prefix.pop();
            }
        }
        toml::Value::Array(list) if list.iter().all(toml::Value::is_table) => {
            for (i, x) in list.iter().enumerate() {
                prefix.push(i.to_string());
                leaf_paths(x, prefix, out);
                prefix.pop();
            }
        }
        toml::Value::Integer(_) | toml::Value::Float(_) => out.push((prefix.join("."), v.clone())),
        toml::Value::String(s) if supportsim::duration::parse_duration(s).is_ok() => {
            out.push((prefix.join("."), v.clone()))
        }
        _ => {}
    }
}

/// For every sweepable path of the bundled scenarios and a spread of second values: either
/// the sweep's points are different models, or the sweep is refused (exit 2) — never rows
/// that silently all describe the same operation.
#[test]
fn every_sweepable_path_either_changes_the_model_or_is_refused() {
    let factors = [0.0, 0.5, 1.5, 2.0, 3.0];
    let (mut checked, mut swept) = (0, 0);
    for name in [
        "quick-start",
        "mid-size",
        "automation-investment",
        "outage",
        "slow-response-churn",
    ] {
        let path = root().join(format!("scenarios/{name}.toml"));
        let text = std::fs::read_to_string(&path).expect("scenario");
        let base = supportsim::scenario::parse(name, &text, name)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .model;
        let doc = supportsim::sweep::document(&text).expect("typed document");
        let mut leaves = Vec::new();
        leaf_paths(
            &toml::Value::Table(doc.clone()),
            &mut Vec::new(),
            &mut leaves,
        );
        for (i, (p, value)) in leaves.iter().enumerate() {
            let f = factors[i % factors.len()];
            let second = match value {
                toml::Value::Integer(n) => ((*n as f64) * f).round().to_string(),
                toml::Value::Float(x) => format!("{}", x * f),
                toml::Value::String(s) => {
                    let secs = supportsim::duration::parse_duration(s).expect("duration");
                    format!("{}s", (secs * f).round())
                }
                _ => unreachable!("only numbers and durations are collected"),
            };
            let first = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let Ok(setting) = supportsim::sweep::parse_setting(&format!("{p}={first},{second}"))
            else {
                continue; // a value list that does not parse is refused before any model
            };
            // A refusal is an exit 2 with the reason; a plan must hold different models.
            if let Ok(plan) = supportsim::sweep::plan(&doc, name, &base, &[setting]) {
                let a = format!("{:?}", plan.models[0]);
                let b = format!("{:?}", plan.models[1]);
                assert!(
                    a != b || first == second,
                    "{name}: `{p}` = {first},{second} swept into identical models"
                );
                swept += 1;
            }
            checked += 1;
        }
    }
    eprintln!("{checked} paths checked, {swept} swept, the rest refused");
    assert!(
        checked > 200 && swept > 100,
        "{checked} paths checked, {swept} swept"
    );
}

#[test]
fn sweep_charts_are_drawn_against_the_swept_value_with_the_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sweep");
    let (code, _, err) = sweep(
        &[
            "scenarios/quick-start.toml",
            "--set",
            "channels.phone.answer_within=10s,20s,30s,1m",
            "--days",
            "2",
            "--replications",
            "3",
            "--metric",
            "phone.service_level",
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
        "2",
    );
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(out.join("sweep-phone-service-level.svg")).expect("chart");
    let flat = svg.replace('\n', " ");
    let texts: Vec<String> = flat
        .split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split_once("</text>")))
        .map(|(text, _)| text.trim().to_string())
        .collect();
    for expected in [
        "channels.phone.answer_within (duration)",
        "20s",
        "1m00s",
        "target 80%",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "no {expected:?} in {texts:?}"
        );
    }
    // Not a time-of-day axis.
    assert!(!texts.iter().any(|t| t.starts_with("Mon")), "{texts:?}");
}
