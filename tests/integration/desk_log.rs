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
    // older incidents, are quiet days, left out of the rota's weekdays; no ordinary day is.
    let quiet: Vec<&str> = v["quiet_days"]
        .as_array()
        .expect("quiet days")
        .iter()
        .filter_map(|q| q["date"].as_str())
        .collect();
    assert_eq!(
        quiet,
        ["2016-02-29", "2016-03-01", "2016-03-13", "2016-03-25"],
        "{v}"
    );
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
}
