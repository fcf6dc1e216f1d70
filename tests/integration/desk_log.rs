//! The real service desk's event log (UCI data set 498, Amaral, Fantinato & Peres 2018,
//! CC BY 4.0), read from `../shared/data/`; the tests say so and skip when it is absent.

use crate::tickets::fit_json;
use crate::util::{root, supportsim};

/// The ServiceNow incident log (Amaral, Fantinato & Peres 2018, UCI data set 498, CC BY 4.0):
/// every incident is read, and its fitted scenario runs.
#[test]
fn the_servicenow_log_is_fitted_into_a_scenario_that_runs() {
    let p = root().join("../shared/data/servicenow-incidents-2016/incidents_to_2016-04-15.csv");
    if !p.is_file() {
        eprintln!(
            "SKIPPED: the ServiceNow log is not at {}; the real-data check did not run",
            p.display()
        );
        return;
    }
    let mapping = root().join("mappings/servicenow-incidents.toml");
    let v = fit_json(&p, &mapping, &["--effort", "20m"]);
    assert_eq!(v["tickets"], 13_698);
    assert_eq!(v["skipped"].as_array().map(Vec::len), Some(0));
    // The answer target comes from the data: far from a call's seconds.
    assert!(
        v["answer_within_seconds"].as_f64().expect("number") > 3600.0,
        "{v}"
    );
    // The desk never caught up: a ticket had waited over an hour for its first response in
    // every working hour, so its agents are sized at full occupancy. A quarter of its first
    // responses were followed by a hold on the desk (3,142 ended, in the README).
    assert_eq!(v["saturated_share"].as_f64(), Some(1.0), "{v}");
    assert_eq!(v["occupancy"].as_f64(), Some(1.0));
    assert_eq!(v["held_on_desk"][0], 3142, "{v}");
    // Good Friday (25 March) and the log's first two days, before it shows the resolution of
    // older incidents, are quiet days, left out of the rota's weekdays; no ordinary day is,
    // nor a quiet Sunday (13 March): a weekend crew's quiet dates are its usual spread.
    let quiet: Vec<&str> = v["quiet_days"]
        .as_array()
        .expect("quiet days")
        .iter()
        .filter_map(|q| q["date"].as_str())
        .collect();
    assert_eq!(quiet, ["2016-02-29", "2016-03-01", "2016-03-25"], "{v}");
    // Its daily actions vary beyond counting noise, read as presence (absence and its spread)
    // that a beta can carry.
    let (a, sd) = (
        v["presence"]["absence"].as_f64().expect("absence"),
        v["presence"]["absence_sd"].as_f64().expect("absence_sd"),
    );
    assert_eq!(v["presence"]["dates"], 32, "{v}");
    assert!(a > 0.0 && sd > 0.0 && sd * sd < a * (1.0 - a), "{v}");
    // Its weekend crew, read from the 12 Saturdays and Sundays alone, is away far more often
    // and varies far more (some weekends one person, some a team catching up).
    let weekend = &v["weekend_presence"];
    assert_eq!(weekend["dates"], 12, "{v}");
    let (wa, wsd) = (
        weekend["absence"].as_f64().expect("absence"),
        weekend["absence_sd"].as_f64().expect("absence_sd"),
    );
    assert!(wa > a && wsd > sd && wsd * wsd < wa * (1.0 - wa), "{v}");
    // Holidays for the arrivals: the log's first, partial day, a quiet Sunday, Good Friday.
    let quiet_openings: Vec<&str> = v["quiet_opening_days"]
        .as_array()
        .expect("quiet opening days")
        .iter()
        .filter_map(|q| q["date"].as_str())
        .collect();
    assert_eq!(quiet_openings, ["2016-02-29", "2016-03-13", "2016-03-25"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("fitted.toml");
    supportsim()
        .arg("fit")
        .arg(&p)
        .arg("--events")
        .arg(&mapping)
        .args(["--effort", "20m", "--out"])
        .arg(&scenario)
        .assert()
        .success();
    supportsim()
        .arg("run")
        .arg(&scenario)
        .args(["--replications", "2", "--days", "14", "--json"])
        .assert()
        .success();
    // A queue per group: every group whose presence varies shares part of it with the others
    // (the desk's spread against theirs), and the groups with a weekend crew have its own.
    let groups = dir.path().join("groups.toml");
    supportsim()
        .arg("fit")
        .arg(&p)
        .arg("--events")
        .arg(&mapping)
        .args(["--effort", "20m", "--queues", "groups", "--out"])
        .arg(&groups)
        .assert()
        .success();
    let text = std::fs::read_to_string(&groups).expect("reads");
    let m = supportsim::scenario::parse("groups.toml", &text, "groups")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let varying: Vec<_> = m.groups.iter().filter(|g| g.absence_sd > 0.0).collect();
    assert!(varying.len() >= 2, "{text}");
    let shared = varying[0].absence_shared;
    assert!(
        (0.0..=1.0).contains(&shared) && varying.iter().all(|g| g.absence_shared == shared),
        "{text}"
    );
    let weekend: Vec<_> = m
        .groups
        .iter()
        .filter(|g| g.weekend_absence_sd > 0.0 && g.weekend_absence != g.absence)
        .collect();
    assert!(!weekend.is_empty(), "{text}");
    // The weekend's days are shared more than the weekdays' (0.26 against 0.04 in the README's
    // fit to 31 March; 0.23 against 0.09 on the whole log).
    assert!(weekend[0].weekend_absence_shared > shared, "{text}");
}

/// The README's service-desk backtest: fitted on the incidents opened to 31 March, scored 1–15
/// April. The daily first responses, their P90, the resolutions and the backlog at the day's
/// end fall inside the simulated 90% band on at least 80% of the days (the first-response
/// median does not: one pooled queue answers a new ticket far sooner than the desk's groups).
#[test]
fn the_servicenow_backtest_covers_the_days_it_scores() {
    let p = root().join("../shared/data/servicenow-incidents-2016/incidents_to_2016-04-15.csv");
    if !p.is_file() {
        eprintln!(
            "SKIPPED: the ServiceNow log is not at {}; the real-data backtest did not run",
            p.display()
        );
        return;
    }
    let out = supportsim()
        .arg("backtest")
        .arg(&p)
        .arg("--events")
        .arg(root().join("mappings/servicenow-incidents.toml"))
        .args(["--from", "2016-04-01", "--effort", "20m", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let scores = v["scores"].as_array().expect("scores");
    for metric in ["first_responses", "frt_p90", "resolutions", "backlog"] {
        let s = scores
            .iter()
            .find(|s| s["metric"] == metric)
            .unwrap_or_else(|| panic!("no score for {metric}: {v}"));
        let inside = s["coverage"].as_f64().expect("coverage");
        assert!(inside >= 0.8, "{metric}: {s}");
    }
}
