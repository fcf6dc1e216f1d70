//! The time series of `run --out` within a memory budget: past it, replications' series are
//! kept in temporary files, and every file written is the same as with them all in memory.

use crate::util::{files, refused, supportsim};

#[test]
fn spilled_series_give_the_same_files() {
    let tmp = tempfile::tempdir().expect("temp");
    let mut outputs = Vec::new();
    // All in memory; the first replications in memory and the rest on disk; all on disk.
    for budget in ["1GB", "200KB", "0"] {
        let dir = tmp.path().join(budget);
        supportsim()
            .args([
                "run",
                "scenarios/mid-size.toml",
                "--replications",
                "6",
                "--days",
                "4",
                "--series-memory",
                budget,
                "--out",
                dir.to_str().expect("utf-8"),
            ])
            .assert()
            .success();
        outputs.push(files(&dir));
    }
    assert!(outputs[0].len() > 5);
    for other in &outputs[1..] {
        assert_eq!(
            outputs[0].keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &outputs[0] {
            assert!(
                *bytes == other[name],
                "{name} differs when the series spill to disk"
            );
        }
    }
}

#[test]
fn a_size_that_is_not_one_is_refused() {
    let err = refused(supportsim().args([
        "run",
        "scenarios/quick-start.toml",
        "--series-memory",
        "lots",
    ]));
    assert!(err.contains("512MB"));
}

/// `compare --out` keeps the series of its overlay charts within the same budget: all in
/// memory or all on disk, the same files.
#[test]
fn compare_within_a_series_budget_gives_the_same_files() {
    let tmp = tempfile::tempdir().expect("temp");
    let mut outputs = Vec::new();
    for budget in ["1GB", "0"] {
        let dir = tmp.path().join(budget);
        supportsim()
            .args([
                "compare",
                "scenarios/quick-start.toml",
                "scenarios/mid-size.toml",
                "--replications",
                "4",
                "--days",
                "3",
                "--series-memory",
                budget,
                "--out",
                dir.to_str().expect("utf-8"),
            ])
            .assert()
            .success();
        outputs.push(files(&dir));
    }
    assert!(outputs[0].len() > 2, "{:?}", outputs[0].keys());
    assert_eq!(
        outputs[0], outputs[1],
        "compare's files differ when the series spill to disk"
    );
}

/// Without `--out` compare keeps no series, so a budget for them is refused, not ignored.
#[test]
fn a_compare_series_budget_without_out_is_refused() {
    let out = supportsim()
        .args([
            "compare",
            "scenarios/quick-start.toml",
            "scenarios/mid-size.toml",
            "--series-memory",
            "1GB",
            "--json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out <DIR>"));
}
