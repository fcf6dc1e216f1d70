//! `fit --events`: a service desk's event log becomes a scenario of written work. A small log
//! whose every figure is known by hand checks the measures; the ServiceNow log (Amaral,
//! Fantinato & Peres 2018, UCI data set 498, CC BY 4.0) is fitted into a scenario that runs,
//! when it is present beside the repository.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{refused, root, supportsim};

const MAPPING: &str = r#"
missing = "?"
date_format = "d/m/yyyy"
[columns]
ticket = "number"
state = "state"
updated_at = "updated"
opened_at = "opened"
sequence = "seq"
group = "group"
priority = "priority"
category = "category"
[states]
new = ["New"]
active = ["Active"]
pending_customer = ["Awaiting User Info"]
pending_third_party = ["Awaiting Vendor"]
resolved = ["Resolved"]
closed = ["Closed"]
"#;

/// Four tickets over two days whose every figure is known:
/// - A: opened Mon 09:00, answered 09:30, resolved 10:00 (1 touch, first response 30 min);
/// - B: opened Mon 10:00, answered 12:00, waits on the customer 12:00–Tue 12:00 (24 h),
///   resolved Tue 13:00, reopened Tue 14:00, resolved Tue 15:00 (3 touches: answer, after
///   the wait, after the reopening), reassigned once (G1 → G2), first response 2 h;
/// - C: opened Tue 09:00, answered 09:10, waits on a vendor 10:00–14:00 (4 h), resolved
///   15:00 (2 touches), first response 10 min;
/// - D: opened Tue 11:00, answered 15:00, resolved 16:00 (1 touch), first response 4 h.
const LOG: &str = "\
number,state,updated,opened,seq,group,priority,category
A,New,7/3/2016 09:00,7/3/2016 09:00,0,G1,3 - Moderate,Mail
A,Active,7/3/2016 09:30,7/3/2016 09:00,1,G1,3 - Moderate,Mail
A,Resolved,7/3/2016 10:00,7/3/2016 09:00,2,G1,3 - Moderate,Mail
B,New,7/3/2016 10:00,7/3/2016 10:00,0,G1,1 - Critical,Network
B,Active,7/3/2016 12:00,7/3/2016 10:00,1,G2,1 - Critical,Network
B,Awaiting User Info,7/3/2016 12:00,7/3/2016 10:00,2,G2,1 - Critical,Network
B,Active,8/3/2016 12:00,7/3/2016 10:00,3,G2,1 - Critical,Network
B,Resolved,8/3/2016 13:00,7/3/2016 10:00,4,G2,1 - Critical,Network
B,Active,8/3/2016 14:00,7/3/2016 10:00,5,G2,1 - Critical,Network
B,Resolved,8/3/2016 15:00,7/3/2016 10:00,6,G2,1 - Critical,Network
C,New,8/3/2016 09:00,8/3/2016 09:00,0,G1,3 - Moderate,Mail
C,Active,8/3/2016 09:10,8/3/2016 09:00,1,G1,3 - Moderate,Mail
C,Awaiting Vendor,8/3/2016 10:00,8/3/2016 09:00,2,G1,3 - Moderate,Mail
C,Active,8/3/2016 14:00,8/3/2016 09:00,3,G1,3 - Moderate,Mail
C,Resolved,8/3/2016 15:00,8/3/2016 09:00,4,G1,3 - Moderate,Mail
D,New,8/3/2016 11:00,8/3/2016 11:00,0,G1,3 - Moderate,Mail
D,Active,8/3/2016 15:00,8/3/2016 11:00,1,G1,3 - Moderate,Mail
D,Resolved,8/3/2016 16:00,8/3/2016 11:00,2,G1,3 - Moderate,Mail
";

fn write(dir: &Path) -> (PathBuf, PathBuf) {
    let (log, mapping) = (dir.join("events.csv"), dir.join("mapping.toml"));
    std::fs::write(&log, LOG).expect("log");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    (log, mapping)
}

/// The round-trip scenario's tickets written by `run --ticket-events` into `dir`: the log and
/// the scenario.
pub(crate) fn round_trip_log(dir: &Path) -> (PathBuf, PathBuf) {
    let scenario = root().join("tests/data/tickets-round-trip.toml");
    (ticket_events(dir, &scenario), scenario)
}

/// The tickets of `scenario` written by `run --ticket-events` into `dir`: the log.
pub(crate) fn ticket_events(dir: &Path, scenario: &Path) -> PathBuf {
    let log = dir.join("events.csv");
    supportsim()
        .arg("run")
        .arg(scenario)
        .arg("--ticket-events")
        .arg(&log)
        .assert()
        .success();
    log
}

/// `supportsim fit LOG --events MAPPING EXTRA…`.
fn fit_events(log: &Path, mapping: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = supportsim();
    cmd.arg("fit")
        .arg(log)
        .arg("--events")
        .arg(mapping)
        .args(extra);
    cmd
}

/// The error of a `fit --events`, which must be refused (exit 2).
pub(crate) fn fit_refused(log: &Path, mapping: &Path, extra: &[&str]) -> String {
    refused(&mut fit_events(log, mapping, extra))
}

/// The tickets of `scenario`, written by `run --ticket-events` into `dir` and fitted back
/// through `mappings/supportsim-events.toml` with 12 minutes a touch: the fit's JSON.
pub(crate) fn fit_own_log(dir: &Path, scenario: &Path) -> Value {
    let log = ticket_events(dir, scenario);
    let mapping = root().join("mappings/supportsim-events.toml");
    fit_json(&log, &mapping, &["--effort", "12m"])
}

pub(crate) fn fit_json(log: &Path, mapping: &Path, extra: &[&str]) -> Value {
    let out = fit_events(log, mapping, extra)
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

#[test]
fn an_event_log_is_measured_as_written_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping) = write(dir.path());
    let v = fit_json(&log, &mapping, &["--effort", "10m"]);
    assert_eq!(v["tickets"], 4);
    assert_eq!(v["resolved"], 4);
    assert_eq!(v["skipped"].as_array().map(Vec::len), Some(0));
    // Touches 1, 3, 2, 1: mean 7/4.
    assert!(
        (v["touches"]["value"].as_f64().expect("number") - 1.75).abs() < 1e-12,
        "{v}"
    );
    // One ticket of four reassigned; one of four reopened.
    assert!((v["reassigned_share"].as_f64().expect("number") - 0.25).abs() < 1e-12);
    assert!((v["reopened_share"].as_f64().expect("number") - 0.25).abs() < 1e-12);
    // First responses 10 min, 30 min, 2 h, 4 h: median (type 1) 30 min, 80% and 90% 4 h.
    let frt = &v["first_response_seconds"];
    assert_eq!(frt["p50"], 1800.0);
    assert_eq!(frt["p90"], 14_400.0);
    // Pending spans: one on the customer (24 h), one on a third party (4 h), none open.
    assert_eq!(v["pending_spans_customer"], serde_json::json!([1, 0]));
    assert_eq!(v["pending_spans_third_party"], serde_json::json!([1, 0]));
    // The answer target is what 80% of tickets got, not a call's 20 seconds.
    assert_eq!(v["answer_within_seconds"], 14_400.0);
    assert_eq!(v["effort_seconds"], 600.0);
    // Priorities by their leading number, most urgent first.
    assert_eq!(v["priorities"][0]["name"], "1 - Critical");
    assert_eq!(v["priorities"][0]["first_response"]["p50"], 7200.0);
}

/// The hand log and two more tickets the desk held after answering them:
/// - E: opened Tue 12:00, answered 12:30, resolved 16:30 with no update between (held 4 h:
///   a second touch);
/// - F: opened Tue 13:00, answered 13:05, still in work at the log's last update, Tue 16:30
///   (held 3 h 25 min so far: open, censored).
const HELD: &str = "\
E,New,8/3/2016 12:00,8/3/2016 12:00,0,G1,3 - Moderate,Mail
E,Active,8/3/2016 12:30,8/3/2016 12:00,1,G1,3 - Moderate,Mail
E,Resolved,8/3/2016 16:30,8/3/2016 12:00,2,G1,3 - Moderate,Mail
F,New,8/3/2016 13:00,8/3/2016 13:00,0,G1,3 - Moderate,Mail
F,Active,8/3/2016 13:05,8/3/2016 13:00,1,G1,3 - Moderate,Mail
";

#[test]
fn a_ticket_held_on_the_desk_past_a_sitting_takes_another_touch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping) = write(dir.path());
    std::fs::write(&log, format!("{LOG}{HELD}")).expect("log");
    let v = fit_json(&log, &mapping, &["--effort", "10m"]);
    // Touch ends: A done; B again, again, done; C again, done; D done (answered 15:00,
    // resolved 16:00: one sitting, not more); E again (held), done; F again (held, open).
    // Another touch follows 5 of 10: geometric mean 2.
    assert!(
        (v["touches"]["value"].as_f64().expect("number") - 2.0).abs() < 1e-12,
        "{v}"
    );
    assert_eq!(v["held_on_desk"], serde_json::json!([1, 1]));
    assert_eq!(v["pending_spans_customer"], serde_json::json!([1, 0]));
    // The wait between touches is fitted to the pending spans and the holds: 3 events
    // (24 h, 4 h, 4 h) and one censored (3 h 25 min).
    assert_eq!(v["between_touches"]["events"], 3);
    assert_eq!(v["between_touches"]["censored"], 1);
}

#[test]
fn a_desk_that_never_catches_up_worked_at_full_occupancy() {
    // Tuesday's tickets are answered 20 minutes after opening, one an hour from 08:00 to
    // 17:00. With Z, opened Monday and never answered, a ticket waits over an hour at the
    // start of every working hour: the desk never caught up, and its touches are what it
    // could do. With Y instead, answered at once, none waits that long: occupancy is the
    // assumed ceiling. (The first day, with no history, is not judged.)
    let mut busy = String::from("Z,New,7/3/2016 08:00,7/3/2016 08:00,0,G1,3 - Moderate,Mail\n");
    let mut calm = String::from(
        "Y,New,7/3/2016 08:00,7/3/2016 08:00,0,G1,3 - Moderate,Mail\n\
         Y,Active,7/3/2016 08:10,7/3/2016 08:00,1,G1,3 - Moderate,Mail\n\
         Y,Resolved,7/3/2016 08:20,7/3/2016 08:00,2,G1,3 - Moderate,Mail\n",
    );
    for h in 8..18 {
        let rows = format!(
            "T{h},New,8/3/2016 {h:02}:00,8/3/2016 {h:02}:00,0,G1,3 - Moderate,Mail\n\
             T{h},Active,8/3/2016 {h:02}:20,8/3/2016 {h:02}:00,1,G1,3 - Moderate,Mail\n\
             T{h},Resolved,8/3/2016 {h:02}:30,8/3/2016 {h:02}:00,2,G1,3 - Moderate,Mail\n"
        );
        busy.push_str(&rows);
        calm.push_str(&rows);
    }
    let header = LOG.lines().next().expect("header");
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping) = write(dir.path());
    let occupancy = |rows: &str| {
        std::fs::write(&log, format!("{header}\n{rows}")).expect("log");
        let v = fit_json(&log, &mapping, &["--effort", "10m"]);
        (v["saturated_share"].as_f64(), v["occupancy"].as_f64())
    };
    assert_eq!(occupancy(&busy), (Some(1.0), Some(1.0)));
    assert_eq!(occupancy(&calm), (Some(0.0), Some(0.85)));
}

#[test]
fn the_scenario_of_an_event_log_loads_and_runs_with_no_call_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping) = write(dir.path());
    let scenario = dir.path().join("fitted.toml");
    supportsim()
        .arg("fit")
        .arg(&log)
        .arg("--events")
        .arg(&mapping)
        .args(["--agents", "2", "--out"])
        .arg(&scenario)
        .assert()
        .success();
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    assert!(text.contains("kind = \"async\""), "{text}");
    assert!(text.contains("touches = 1.75"), "{text}");
    // A wait on the customer and one on a third party: each its own state, with half the
    // waits (too few for fits of their own).
    assert!(
        text.contains("[channels.tickets.pending]")
            && text.contains("customer = { share = 0.5,")
            && text.contains("third_party = { share = 0.5,"),
        "{text}"
    );
    assert!(text.contains("ESTIMATE"), "{text}");
    for absent in ["patience", "after_call_work", "\"20.0s\""] {
        assert!(!text.contains(absent), "`{absent}` in\n{text}");
    }
    supportsim()
        .arg("run")
        .arg(&scenario)
        .args(["--replications", "2", "--json"])
        .assert()
        .success();
}

#[test]
fn an_event_log_without_effort_or_with_a_bad_mapping_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, mapping) = write(dir.path());
    let err = fit_refused(&log, &mapping, &[]);
    assert!(
        err.contains("--effort") && err.contains("--agents"),
        "{err}"
    );
    let out = supportsim()
        .arg("fit")
        .arg(&log)
        .arg("--events")
        .arg(&mapping)
        .args(["--effort", "10m", "--kind", "call"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, MAPPING.replace("\"updated\"", "\"changed\"")).expect("write");
    let err = fit_refused(&log, &bad, &["--effort", "10m"]);
    assert!(
        err.contains("changed") && err.contains("columns.updated_at"),
        "{err}"
    );
}

/// `fit --kind async` on a contact log: no patience, no after-call work, and an answer target
/// read from the log's own waits rather than a call's 20 seconds.
#[test]
fn an_async_fit_of_a_contact_log_has_no_call_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("contacts.csv");
    supportsim()
        .arg("run")
        .arg(root().join("tests/data/round-trip.toml"))
        .args([
            "--json",
            "--replications",
            "1",
            "--days",
            "7",
            "--contacts-log",
        ])
        .arg(&log)
        .assert()
        .success();
    let out = supportsim()
        .arg("fit")
        .arg(&log)
        .args(["--kind", "async"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for absent in ["patience =", "after_call_work", "\"20.0s\""] {
        assert!(!text.contains(absent), "`{absent}` in\n{text}");
    }
    assert!(text.contains("answer_within"), "{text}");
}

/// Checks `estimate ± k·se` covers `truth`.
fn covers(what: &str, est: &Value, truth: f64) {
    let (value, se) = (
        est["value"].as_f64().expect("value"),
        est["se"].as_f64().expect("se"),
    );
    assert!(
        se > 0.0 && (value - truth).abs() <= 4.0 * se,
        "{what}: fitted {value} ± {se}, true value {truth} is more than 4 standard errors away"
    );
}

/// A round trip: the tickets of a known scenario, written as an event log by `run
/// --ticket-events`, are fitted back to its parameters within four standard errors — volume,
/// topic shares, touches (geometric, mean 1.8), and the customer's reply delay (lognormal,
/// mean 6 h, cv 1.2, with the replies still awaited at the end as censored).
#[test]
fn a_ticket_event_log_written_by_run_is_fitted_back_to_its_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("events.csv");
    supportsim()
        .arg("run")
        .arg(root().join("tests/data/tickets-round-trip.toml"))
        .arg("--json")
        .arg("--ticket-events")
        .arg(&log)
        .assert()
        .success();
    let v = fit_json(
        &log,
        &root().join("mappings/supportsim-events.toml"),
        &["--effort", "12m"],
    );
    assert_eq!(v["skipped"].as_array().map(Vec::len), Some(0), "{v}");
    // 400 a day on weekday weights that average 5.7 / 7.
    covers("tickets a day", &v["per_day"], 400.0 * 5.7 / 7.0);
    covers("touches", &v["touches"], 1.8);
    // The scenario serves first come, first served, and the log shows it.
    assert!(
        v["out_of_order_share"].as_f64().expect("share") < 0.05,
        "{v}"
    );
    let between = &v["between_touches"];
    assert_eq!(between["family"], "lognormal", "{v}");
    covers("reply delay mean", &between["mean_seconds"], 6.0 * 3600.0);
    covers("reply delay cv", &between["cv"], 1.2);
    let topics = v["topics"].as_array().expect("topics");
    for (name, share) in [("access", 0.7), ("hardware", 0.3)] {
        let t = topics
            .iter()
            .find(|t| t[0] == name)
            .unwrap_or_else(|| panic!("no topic {name} in {v}"));
        covers(name, &t[1], share);
    }
    // Calls and chats have no tickets.
    refused(
        supportsim()
            .arg("run")
            .arg(root().join("tests/data/round-trip.toml"))
            .arg("--ticket-events")
            .arg(dir.path().join("none.csv")),
    );
    assert!(!dir.path().join("none.csv").exists());
}

/// A backtest of written work against the scenario that wrote the log: from day 15 on, the
/// log's own tickets are replayed with the backlog carried in, and the actual days fall inside
/// the simulated 90% bands about as often as they should. With 94 day-figures at a nominal 90%
/// the binomial standard deviation is 3 points (about twice that with the days' figures
/// correlated through the backlog); 75% pooled is more than two such deviations below.
#[test]
fn a_ticket_backtest_against_its_own_scenario_covers_the_actual_days() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("events.csv");
    let scenario = root().join("tests/data/tickets-round-trip.toml");
    supportsim()
        .arg("run")
        .arg(&scenario)
        .arg("--json")
        .arg("--ticket-events")
        .arg(&log)
        .assert()
        .success();
    let out_dir = dir.path().join("bt");
    let out = supportsim()
        .arg("backtest")
        .arg(&log)
        .arg("--events")
        .arg(root().join("mappings/supportsim-events.toml"))
        .args([
            "--from",
            "2024-01-15",
            "--replications",
            "200",
            "--json",
            "--scenario",
        ])
        .arg(&scenario)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["schema"], "supportsim.backtest-tickets/1");
    assert_eq!(v["days"], 14);
    // Every ticket is of a topic the scenario has.
    assert_eq!(v["unmatched_topic"], 0, "{v}");
    assert!(v["open_at_start"].as_u64().expect("open") > 0, "{v}");
    let figures = v["figures"].as_array().expect("figures");
    let inside = figures
        .iter()
        .filter(|f| {
            let a = f["actual"].as_f64().expect("actual");
            a >= f["p05"].as_f64().expect("p05") - 1e-9
                && a <= f["p95"].as_f64().expect("p95") + 1e-9
        })
        .count();
    assert!(
        inside as f64 >= 0.75 * figures.len() as f64,
        "{inside} of {} day-figures inside the band",
        figures.len()
    );
    for name in [
        "backtest.csv",
        "backtest.json",
        "backtest-frt-p90.svg",
        "backtest-backlog.svg",
    ] {
        assert!(out_dir.join(name).is_file(), "{name} not written");
    }
    // A scenario without one of the log's topics: its tickets are replayed as the first
    // topic, counted and said so, never silently.
    let renamed = dir.path().join("renamed.toml");
    let text = std::fs::read_to_string(&scenario).expect("reads");
    assert!(text.contains("name = \"hardware\""));
    std::fs::write(
        &renamed,
        text.replace("name = \"hardware\"", "name = \"devices\""),
    )
    .expect("writes");
    let out = supportsim()
        .arg("backtest")
        .arg(&log)
        .arg("--events")
        .arg(root().join("mappings/supportsim-events.toml"))
        .args(["--from", "2024-01-15", "--replications", "10", "--json"])
        .arg("--scenario")
        .arg(&renamed)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let unmatched = v["unmatched_topic"].as_u64().expect("count");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        unmatched > 0 && err.contains(&format!("warning: {unmatched} of the tickets")),
        "{err}"
    );
    // Refusals: a start before any ticket, and no effort for a fitted model.
    for args in [
        vec!["--from", "2023-01-01", "--effort", "10m"],
        vec!["--from", "2024-01-15"],
        vec!["--from", "15/01/2024", "--effort", "10m"],
    ] {
        refused(
            supportsim()
                .arg("backtest")
                .arg(&log)
                .arg("--events")
                .arg(root().join("mappings/supportsim-events.toml"))
                .args(&args),
        );
    }
}

/// An actual occupancy above 100% (a log whose agent works ten calls at once) cannot be right:
/// the backtest flags it and leaves it out of the scores instead of reporting it.
#[test]
fn an_impossible_actual_occupancy_is_flagged_not_scored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("contacts.csv");
    let mut text = String::from(supportsim::contact_log::HEADER);
    text.push('\n');
    for i in 0..60 {
        let t = 9.0 * 3600.0 + 60.0 * f64::from(i);
        let clock = format!(
            "{:02}:{:02}:00",
            (t / 3600.0) as u32,
            ((t % 3600.0) / 60.0) as u32
        );
        text.push_str(&format!(
            "1,mon,{clock},{t},phone,all,1,0,0,answered,0,600,team,team-1\n"
        ));
    }
    std::fs::write(&log, text).expect("log");
    let out = supportsim()
        .arg("backtest")
        .arg(&log)
        .args(["--replications", "20", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let flagged = v["flagged_occupancy"].as_array().expect("flagged");
    assert!(!flagged.is_empty(), "{v}");
    assert!(flagged.iter().all(|f| f[2].as_f64().expect("value") > 1.0));
}

/// A ticket escalated to tier 2 is written reassigned to the tier-2 group that takes it, and
/// resolved there: the fitted log shows exactly as many reassigned tickets as the same run's
/// contact log shows tier-2 legs answered.
#[test]
fn ticket_events_write_escalated_tickets_as_reassigned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join("tests/data/tickets-round-trip.toml"))
        .expect("scenario")
        .replace(
            "name = \"hardware\"\n",
            "name = \"hardware\"\nfcr = 0.5\nescalation = 0.6\n",
        )
        + "\n[[agents]]\nname = \"second line\"\ntier = 2\ncount = 3\nchannels = [\"email\"]\n";
    let scenario = dir.path().join("escalating.toml");
    std::fs::write(&scenario, text).expect("write");
    let (events, contacts) = (
        dir.path().join("events.csv"),
        dir.path().join("contacts.csv"),
    );
    for (flag, file) in [("--ticket-events", &events), ("--contacts-log", &contacts)] {
        supportsim()
            .arg("run")
            .arg(&scenario)
            .arg("--json")
            .arg(flag)
            .arg(file)
            .assert()
            .success();
    }
    let legs = std::fs::read_to_string(&contacts).expect("contacts");
    let tier2 = legs
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f.get(8) == Some(&"1") && f.get(9) == Some(&"answered")
        })
        .count();
    assert!(
        tier2 > 100,
        "{tier2} tier-2 legs: the scenario should escalate"
    );
    let v = fit_json(
        &events,
        &root().join("mappings/supportsim-events.toml"),
        &["--effort", "12m"],
    );
    let tickets = v["tickets"].as_f64().expect("tickets");
    let reassigned = v["reassigned_share"].as_f64().expect("share") * tickets;
    assert!(
        (reassigned - tier2 as f64).abs() < 1e-6,
        "{reassigned} vs {tier2}"
    );
    let log = std::fs::read_to_string(&events).expect("events");
    assert!(log.lines().any(|l| l.contains(",second line,")));
}
