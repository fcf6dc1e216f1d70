//! A backtest's calendar of closed days (`backtest --closed`): on a holiday no agent works,
//! while the tickets opened that day are still replayed.

use crate::util::{json_out, root, supportsim};

#[test]
fn on_a_closed_day_no_agent_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, scenario) = crate::tickets::round_trip_log(dir.path());
    let backtest = |closed: &str| {
        let mut cmd = supportsim();
        cmd.arg("backtest")
            .arg(&log)
            .arg("--events")
            .arg(root().join("mappings/supportsim-events.toml"))
            .args(["--from", "2024-01-15", "--replications", "20", "--json"])
            .arg("--scenario")
            .arg(&scenario);
        if !closed.is_empty() {
            cmd.args(["--closed", closed]);
        }
        cmd
    };
    let v = json_out(&mut backtest("2024-01-17"));
    assert_eq!(v["closed"][0], "2024-01-17", "{v}");
    let on = |metric: &str, date: &str| {
        v["figures"]
            .as_array()
            .expect("figures")
            .iter()
            .find(|f| f["metric"] == metric && f["date"] == date)
            .cloned()
            .unwrap_or_else(|| panic!("no {metric} on {date}"))
    };
    // Wednesday 17 January: nothing answered or resolved in any simulation; the backlog grows
    // by the day's tickets. The day before and after, the desk works.
    for metric in ["first_responses", "resolutions"] {
        let f = on(metric, "2024-01-17");
        assert_eq!(
            (f["p05"].as_f64(), f["p95"].as_f64()),
            (Some(0.0), Some(0.0)),
            "{f}"
        );
        assert!(on(metric, "2024-01-16")["p05"].as_f64().expect("p05") > 100.0);
        assert!(on(metric, "2024-01-18")["p05"].as_f64().expect("p05") > 100.0);
    }
    let backlog = |d: &str| on("backlog", d)["mean"].as_f64().expect("mean");
    assert!(backlog("2024-01-17") > backlog("2024-01-16") + 200.0);
    // A date outside the scored days is refused.
    let out = backtest("2024-01-05").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--closed 2024-01-05 is not one of the scored days"),
        "{err}"
    );
}
