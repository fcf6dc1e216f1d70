//! `backtest --from DATE` on a call log: the service model fitted on the days before the date,
//! the days from it scored, out of sample. A log supportsim writes numbers its days; dated here
//! (day 1 = Monday 1 January 2024) and read through a mapping that says so.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{json_out, root, supportsim};

const MAPPING: &str = r#"delimiter = "comma"

[columns]
date = "day"
time = "time"
wait = "wait_seconds"
handle = "handle_seconds"
outcome = "outcome"
topic = "topic"
priority = "priority"
channel = "channel"
agent = "agent"

[formats]
date = "yyyy-mm-dd"

[values]
ignore = ["blocked", "contained", "deflected", "open", "follow_up"]

[keep]
tier = ["0"]
"#;

/// Four weeks of `tests/data/round-trip.toml` as a dated contact log in `dir`, its mapping,
/// and the day-numbered log it came from.
fn dated_log(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let numbered = dir.join("numbered.csv");
    supportsim()
        .arg("run")
        .arg(root().join("tests/data/round-trip.toml"))
        .args(["--json", "--replications", "1", "--contacts-log"])
        .arg(&numbered)
        .assert()
        .success();
    let text = std::fs::read_to_string(&numbered).expect("log");
    let monday = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let (day, rest) = line.split_once(',').expect("columns");
        if i == 0 {
            out.push_str(line);
        } else {
            let n: i64 = day.parse().expect("day number");
            let date = monday + chrono::TimeDelta::days(n - 1);
            out.push_str(&format!("{date},{rest}"));
        }
        out.push('\n');
    }
    let (log, mapping) = (dir.join("dated.csv"), dir.join("mapping.toml"));
    std::fs::write(&log, out).expect("writes");
    std::fs::write(&mapping, MAPPING).expect("writes");
    (log, mapping, numbered)
}

/// `backtest LOG --mapping MAPPING` with 40 simulations a day, JSON, and `extra`.
fn backtest(log: &Path, mapping: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = supportsim();
    cmd.arg("backtest")
        .arg(log)
        .arg("--mapping")
        .arg(mapping)
        .args(["--replications", "40", "--json"])
        .args(extra);
    cmd
}

/// The split is exact (every contact on one side), the scored days are those asked, and
/// against its own scenario the scored fortnight's hours fall in the band as the whole log's
/// do (`history::a_backtest_of_a_log_against_its_own_scenario_covers_the_actuals`); fitted on
/// the first fortnight alone, the model still loads and scores the second.
#[test]
fn a_call_log_is_scored_from_a_date_on_with_a_model_of_the_days_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping, _) = dated_log(dir.path());
    let whole = json_out(&mut backtest(&log, &mapping, &[]));
    let scenario = root().join("tests/data/round-trip.toml");
    let args = ["--from", "2024-01-15", "--scenario"];
    let own = json_out(&mut backtest(
        &log,
        &mapping,
        &[&args[..], &[scenario.to_str().expect("path")]].concat(),
    ));
    assert_eq!(own["from"], "2024-01-15");
    assert_eq!(own["until"], "2024-01-28");
    assert_eq!(own["days"], 14);
    let count = |v: &Value, k: &str| v[k].as_u64().expect("count");
    assert_eq!(
        count(&own, "history_contacts") + count(&own, "contacts"),
        count(&whole, "contacts")
    );
    for s in own["scores"].as_array().expect("scores") {
        if s["level"] == "hour" && s["metric"] != "occupancy" {
            assert!(s["coverage"].as_f64().expect("coverage") >= 0.8, "{s}");
        }
    }
    let fitted = json_out(&mut backtest(
        &log,
        &mapping,
        &["--from", "2024-01-15", "--until", "2024-01-21"],
    ));
    assert_eq!(fitted["days"], 7, "{fitted}");
    assert_eq!(fitted["unmatched_topic"], 0, "{fitted}");
}

/// Dates that leave nothing to fit or to score, an --until before --from, and a log without
/// dates are refused, with exit code 2 and what to do.
#[test]
fn dates_the_log_cannot_split_at_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping, numbered) = dated_log(dir.path());
    for (args, says) in [
        (&["--from", "2024-01-01"][..], "leaves no history to fit"),
        (
            &["--from", "2024-03-01"][..],
            "runs from 2024-01-01 to 2024-01-28",
        ),
        (
            &["--from", "2024-01-15", "--until", "2024-01-10"][..],
            "--until 2024-01-10 is before --from 2024-01-15",
        ),
        (&["--from", "15 January"][..], "is not a date"),
    ] {
        let out = backtest(&log, &mapping, args).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let out = supportsim()
        .arg("backtest")
        .arg(&numbered)
        .args(["--from", "2024-01-15"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("numbers its days instead of dating them"),
        "{err}"
    );
}
