//! When an event log stamps its updates: a backtest stamps the simulated first responses as
//! the log's mapping says the log does.

use std::path::Path;

use crate::util::{json_out, root, supportsim};

/// A log that stamps an update at the end of the work it records (`stamped = "end"`, as
/// ticketing systems save a form) gets its simulated first responses stamped there too: the
/// same replay scored against such a log moves each day's simulated median first response
/// later by about a touch (lognormal, mean 12 min: median 9.4 min), the actual figures
/// unchanged.
#[test]
fn first_responses_are_stamped_as_the_log_stamps_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, scenario) = crate::tickets::round_trip_log(dir.path());
    let start = root().join("mappings/supportsim-events.toml");
    let end = dir.path().join("end.toml");
    let text = std::fs::read_to_string(&start).expect("mapping");
    std::fs::write(
        &end,
        text.replace("stamped = \"start\"", "stamped = \"end\""),
    )
    .expect("writes");
    let p50 = |mapping: &Path| -> Vec<(f64, f64)> {
        let v = json_out(
            supportsim()
                .arg("backtest")
                .arg(&log)
                .arg("--events")
                .arg(mapping)
                .args([
                    "--from",
                    "2024-01-15",
                    "--replications",
                    "40",
                    "--json",
                    "--scenario",
                ])
                .arg(&scenario),
        );
        v["figures"]
            .as_array()
            .expect("figures")
            .iter()
            .filter(|f| f["metric"] == "frt_p50")
            .map(|f| {
                (
                    f["actual"].as_f64().unwrap_or(f64::NAN),
                    f["mean"].as_f64().unwrap_or(f64::NAN),
                )
            })
            .collect()
    };
    let (a, b) = (p50(&start), p50(&end));
    assert_eq!(a.len(), b.len());
    let shift: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y.1 - x.1).collect();
    for (x, y) in a.iter().zip(&b) {
        assert!(
            x.0 == y.0 || (x.0.is_nan() && y.0.is_nan()),
            "actual changed: {a:?} {b:?}"
        );
    }
    let mean = shift.iter().sum::<f64>() / shift.len() as f64;
    assert!((300.0..1200.0).contains(&mean), "shift {mean} s: {shift:?}");
}
