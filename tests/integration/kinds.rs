//! Figures never blend calls and chats (seconds, customers who hang up) with written work
//! (hours, a backlog): headlines, overall rows and topic rows come per kind group in the
//! table, the JSON, the report, compare and sweep.

use serde_json::Value;

use crate::util::{conformance_dir, run_json, supportsim};

fn mid_size_json() -> Value {
    let out = run_json(
        &[
            "run",
            "scenarios/mid-size.toml",
            "--days",
            "3",
            "--replications",
            "3",
            "--json",
        ],
        "2",
    );
    serde_json::from_slice(&out).expect("JSON")
}

fn mean(v: &Value) -> f64 {
    v["mean"].as_f64().expect("a mean")
}

#[test]
fn kind_groups_split_the_contacts_of_channels_and_topics() {
    let v = mid_size_json();
    let offered = |x: &Value| mean(&x["offered"]);
    // phone and chat are calls and chats; email is written work.
    let live = offered(&v["channels"]["phone"]) + offered(&v["channels"]["chat"]);
    assert!((offered(&v["kinds"]["live"]) - live).abs() < 1e-6 * live);
    let email = offered(&v["channels"]["email"]);
    assert!((offered(&v["kinds"]["written"]) - email).abs() < 1e-6 * email);
    // Each topic reaches phone, chat and email: its row over both kinds keeps only what adds
    // up, and its rows per kind add up to it.
    let topics = v["topics"].as_object().expect("topics");
    for (name, t) in topics {
        assert!(t.get("service_level").is_none(), "{name} blends kinds");
        assert!(t.get("asa_seconds").is_none(), "{name} blends kinds");
        let parts = offered(&v["topics_by_kind"]["live"][name])
            + offered(&v["topics_by_kind"]["written"][name]);
        assert!((parts - offered(t)).abs() < 1e-6 * parts.max(1.0), "{name}");
        for kind in ["live", "written"] {
            let sl = mean(&v["topics_by_kind"][kind][name]["service_level"]);
            assert!((0.0..=1.0).contains(&sl), "{kind} {name} {sl}");
        }
    }
    // Written work answers in hours, calls in seconds: the groups' waits are far apart, which
    // is why no figure blends them.
    assert!(
        mean(&v["kinds"]["written"]["asa_seconds"])
            > 60.0 * mean(&v["kinds"]["live"]["asa_seconds"])
    );
}

#[test]
fn a_scenario_of_one_kind_keeps_its_overall_figures() {
    let path = conformance_dir().join("erlang-c.toml");
    let out = run_json(
        &[
            "run",
            path.to_str().expect("path"),
            "--replications",
            "3",
            "--days",
            "2",
            "--json",
        ],
        "2",
    );
    let v: Value = serde_json::from_slice(&out).expect("JSON");
    assert!(v.get("topics_by_kind").is_none());
    assert_eq!(
        v["overall"]["service_level"],
        v["kinds"]["live"]["service_level"]
    );
    assert_eq!(
        v["overall"]["frt_p90_seconds"],
        v["kinds"]["live"]["frt_p90_seconds"]
    );
}

#[test]
fn the_table_and_the_report_give_headlines_and_topics_per_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = supportsim()
        .args([
            "run",
            "scenarios/mid-size.toml",
            "--days",
            "3",
            "--replications",
            "3",
        ])
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let line = |start: &str| {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("a line starting {start:?} in\n{text}"))
            .to_string()
    };
    assert!(line("calls and chats: ").contains(" contacts/day, service level "));
    assert!(line("calls and chats: ").contains(", ASA "));
    assert!(line("written work: ").contains(", first response "));
    assert!(line("written work: ").contains(", open at end "));
    let overall = line("overall: ");
    assert!(
        !overall.contains("service level") && !overall.contains("ASA"),
        "{overall}"
    );
    // Topic rows per kind: 4 topics × 2 kinds.
    let header = line("topic ");
    assert!(header.contains(" kind "), "{header}");
    let rows = |kind: &str| {
        text.lines()
            .filter(|l| l.contains(&format!(" {kind} ")) && !l.starts_with(kind))
            .count()
    };
    assert_eq!(rows("calls and chats"), 4, "{text}");
    assert_eq!(rows("written work"), 4, "{text}");

    let html = std::fs::read_to_string(dir.path().join("out/report.html")).expect("report");
    for card in [
        "Calls and chats — service level (each channel&#39;s target time)",
        "Calls and chats — average speed of answer",
        "Written work — first response (mean)",
        "Written work — open at the end",
    ] {
        assert!(html.contains(card), "card {card}");
    }
    assert!(
        !html.contains(">Service level (each channel"),
        "a blended headline"
    );
    let topics = html
        .split("<h2>Topics</h2>")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("a topic table in the report");
    assert_eq!(topics.matches("<td>written work</td>").count(), 4);
    assert_eq!(topics.matches("<td>calls and chats</td>").count(), 4);
    assert!(topics.contains("<td>technical</td>"));
}

/// A small sweep of quick-start (phone and email) with `extra` flags.
fn sweep(extra: &[&str]) -> std::process::Output {
    supportsim()
        .args([
            "sweep",
            "scenarios/quick-start.toml",
            "--set",
            "volume.per_day=300,330",
            "--replications",
            "2",
            "--days",
            "2",
        ])
        .args(extra)
        .output()
        .expect("runs")
}

#[test]
fn sweep_defaults_and_metrics_are_per_kind_group() {
    let out = sweep(&["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for key in [
        "live.service_level",
        "written.service_level",
        "live.abandon_rate",
    ] {
        assert!(text.contains(&format!("\"{key}\"")), "default metric {key}");
    }
    assert!(!text.contains("\"service_level\""), "no blended default");

    let out = sweep(&["--metric", "asa_seconds"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.ends_with("error: no metric `asa_seconds`: give a key such as occupancy (overall), NAME.service_level for a channel, topic or agent group, or live.service_level / written.service_level for calls and chats / written work\n"), "{err}");
}
