//! Helpers shared by the integration tests.

use std::path::PathBuf;

use supportsim::report::Summary;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared conformance scenarios, which sit beside the repository.
pub fn conformance_dir() -> PathBuf {
    let dir = root().join("../shared/conformance");
    assert!(
        dir.is_dir(),
        "the conformance scenarios are expected in {} (the shared folder beside the repository)",
        dir.display()
    );
    dir
}

/// Loads a scenario file, runs every replication and summarises.
pub fn run_file(path: &std::path::Path) -> (supportsim::model::Model, Summary) {
    let loaded = supportsim::scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    let reps = supportsim::run_replications(&loaded.model, &|| {}, Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = supportsim::report::summarize(&loaded.model, &path.display().to_string(), &reps);
    (loaded.model, summary)
}

/// Runs replication `rep` of `model`, reporting every contact to `sink`.
pub fn simulate_into(
    model: &supportsim::model::Model,
    rep: u32,
    sink: &mut (dyn supportsim::engine::ContactSink + Send),
) {
    let options = supportsim::RunOptions {
        cancel: None,
        series: false,
        sink: Some(sink),
        keep: None,
    };
    supportsim::engine::simulate(model, rep, options).expect("runs");
}

/// The supportsim binary, run from the repository root.
pub fn supportsim() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("supportsim").expect("binary");
    c.current_dir(root());
    c
}

/// Runs `cmd` (a [`supportsim`] command), which must be refused — exit code 2 — and returns
/// its standard error.
pub fn refused(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    err
}

/// Runs `cmd` (a [`supportsim`] command), which must succeed, and reads its standard output
/// as JSON.
pub fn json_out(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// Runs supportsim with `args` on `threads` threads; its standard output (it must succeed).
pub fn run_json(args: &[&str], threads: &str) -> Vec<u8> {
    let out = supportsim()
        .env("RAYON_NUM_THREADS", threads)
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Mean and standard error of independent values (replications).
pub fn mean_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

/// Every file of a folder by name, with its bytes.
pub fn files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("reads"),
            )
        })
        .collect()
}

/// Replications of a single-group scenario without and with a fixed minute of `abandoned_work`
/// (arrivals stopping before the end, so all work is done): the group's busy time exceeds the
/// handle time of its answers by exactly a minute per abandoned contact opened, there are at
/// most as many of those as abandoned contacts, the minutes cost answers (more abandon), and
/// every arrival is answered, abandoned or open.
pub fn abandoned_work_costs_whole_minutes(
    plain: &[supportsim::metrics::RepResult],
    ghosts: &[supportsim::metrics::RepResult],
) {
    for (p, g) in plain.iter().zip(ghosts) {
        let extra = g.groups[0].busy - g.group_tally[0].handle;
        let opened = (extra / 60.0).round();
        assert!(
            (extra - 60.0 * opened).abs() < 1e-3,
            "{extra} s is whole minutes"
        );
        assert!(opened >= 1.0 && opened <= g.channels[0].abandoned as f64);
        assert!((p.groups[0].busy - p.group_tally[0].handle).abs() < 1e-3);
        assert!(g.channels[0].abandoned > p.channels[0].abandoned);
        let c = &g.conservation;
        assert_eq!(c.arrived, c.answered + c.abandoned + c.open_end);
    }
}
