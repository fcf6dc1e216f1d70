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
            "agents.desk.shifts.0.count=0,1",
        ],
        "2",
    );
    assert_eq!(code, 2);
    assert!(err.contains("must be at least 1"), "{err}");
}
