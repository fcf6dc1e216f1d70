//! The command line as a user meets it: the contract of design.md.

use serde_json::Value;

use crate::util::{conformance_dir, refused, root, run_json, supportsim};

#[test]
fn run_prints_a_table() {
    let out = supportsim()
        .args([
            "run",
            "scenarios/quick-start.toml",
            "--days",
            "3",
            "--replications",
            "4",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(out.stdout).expect("utf-8"));
}

/// The metric keys the contract fixes for channels and overall.
const CONTRACT_KEYS: [&str; 13] = [
    "offered",
    "handled",
    "abandoned",
    "blocked",
    "service_level",
    "asa_seconds",
    "mean_wait_seconds",
    "p_wait",
    "abandon_rate",
    "blocked_rate",
    "frt_p50_seconds",
    "frt_p90_seconds",
    "aht_seconds",
];

fn assert_metric(v: &Value, path: &str) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{path} is an object"));
    for k in ["mean", "ci_low", "ci_high", "std_err"] {
        assert!(obj.contains_key(k), "{path} has {k}");
    }
}

#[test]
fn json_follows_the_summary_schema() {
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
    let v: Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(v["schema"], "supportsim.summary/1");
    assert_eq!(v["scenario"]["name"], "mid-size retailer");
    assert_eq!(v["scenario"]["file"], "scenarios/mid-size.toml");
    assert_eq!(v["replications"], 3);
    assert_eq!(v["days"], 3);
    assert_eq!(v["warmup_days"], 1);
    assert_eq!(v["seed"], 2026);
    let channels = v["channels"].as_object().expect("channels map");
    assert_eq!(channels.len(), 3);
    // Maps keep the scenario's order in the file.
    let text = String::from_utf8(out.clone()).expect("utf-8");
    let at = |k: &str| {
        text.find(&format!("\"{k}\": {{"))
            .unwrap_or_else(|| panic!("{k} in JSON"))
    };
    assert!(at("phone") < at("chat") && at("chat") < at("email"));
    assert!(at("generalists") < at("specialists"));
    for (name, ch) in channels {
        for k in CONTRACT_KEYS {
            assert_metric(&ch[k], &format!("channels.{name}.{k}"));
        }
    }
    // Calls and chats beside email: figures that would blend seconds with hours come per kind
    // group, and the overall figures keep only what adds up.
    for kind in ["live", "written"] {
        for k in CONTRACT_KEYS {
            assert_metric(&v["kinds"][kind][k], &format!("kinds.{kind}.{k}"));
        }
    }
    for k in [
        "offered",
        "handled",
        "abandoned",
        "blocked",
        "aht_seconds",
        "occupancy",
    ] {
        assert_metric(&v["overall"][k], &format!("overall.{k}"));
    }
    for k in [
        "service_level",
        "asa_seconds",
        "abandon_rate",
        "frt_p90_seconds",
    ] {
        assert!(
            v["overall"].get(k).is_none(),
            "overall.{k} would blend kinds"
        );
    }
    let offered = |x: &Value| x["offered"]["mean"].as_f64().expect("offered");
    let by_kind = offered(&v["kinds"]["live"]) + offered(&v["kinds"]["written"]);
    assert!((by_kind - offered(&v["overall"])).abs() < 1e-6 * by_kind);
    let topics = v["topics"].as_object().expect("topics map");
    assert_eq!(topics.len(), 4);
    for (name, t) in topics {
        assert_metric(&t["offered"], &format!("topics.{name}.offered"));
        for kind in ["live", "written"] {
            let path = format!("topics_by_kind.{kind}.{name}.service_level");
            assert_metric(&v["topics_by_kind"][kind][name]["service_level"], &path);
        }
    }
    let agents = v["agents"].as_object().expect("agents map");
    assert_eq!(agents.len(), 2);
    for (name, a) in agents {
        assert_metric(&a["occupancy"], &format!("agents.{name}.occupancy"));
        let occ = a["occupancy"]["mean"].as_f64().expect("occupancy defined");
        assert!((0.0..=1.0).contains(&occ));
    }
}

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let args = [
        "run",
        "scenarios/mid-size.toml",
        "--days",
        "4",
        "--replications",
        "6",
        "--json",
    ];
    let one = run_json(&args, "1");
    let four = run_json(&args, "4");
    assert!(one == four, "summary differs between 1 and 4 threads");
    let other_seed = run_json(
        &[
            "run",
            "scenarios/mid-size.toml",
            "--days",
            "4",
            "--replications",
            "6",
            "--json",
            "--seed",
            "9",
        ],
        "4",
    );
    assert!(one != other_seed, "another seed gives other numbers");
}

#[test]
fn flags_override_the_scenario() {
    let out = run_json(
        &[
            "run",
            "../shared/conformance/erlang-c.toml",
            "--days",
            "2",
            "--replications",
            "2",
            "--seed",
            "99",
            "--json",
        ],
        "2",
    );
    let v: Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(
        (
            v["days"].as_u64(),
            v["replications"].as_u64(),
            v["seed"].as_u64()
        ),
        (Some(2), Some(2), Some(99))
    );
}

#[test]
fn bad_flags_exit_with_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("taken");
    std::fs::write(&file, "keep me").expect("write");
    for args in [
        vec!["run", "scenarios/quick-start.toml", "--replications", "0"],
        vec!["run", "scenarios/quick-start.toml", "--days", "1"],
        vec!["run", "scenarios/quick-start.toml", "--seed", "-3"],
        vec!["run", "scenarios/quick-start.toml", "--speed", "2"],
        vec!["run"],
        vec!["explode"],
    ] {
        let out = supportsim().args(&args).output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let err = refused(
        supportsim()
            .args(["run", "scenarios/quick-start.toml", "--out"])
            .arg(&file),
    );
    insta::assert_snapshot!(err.replace(&file.display().to_string(), "FILE"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "keep me"
    );
}

#[test]
fn days_shorter_than_warmup_is_explained() {
    let out = supportsim()
        .args(["run", "scenarios/quick-start.toml", "--days", "1"])
        .output()
        .expect("runs");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[cfg(target_os = "linux")]
#[test]
fn other_failures_exit_with_1() {
    // A disk that fills while writing is not the input's fault.
    let out = supportsim()
        .args([
            "run",
            "scenarios/quick-start.toml",
            "--days",
            "2",
            "--replications",
            "2",
            "--contacts-log",
            "/dev/full",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_bundled_and_conformance_scenario_runs() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .chain(std::fs::read_dir(conformance_dir()).expect("conformance"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.push(root().join("benches/large-call-centre.toml"));
    files.push(root().join("benches/multi-channel-week.toml"));
    files.push(root().join("benches/thousand-agents.toml"));
    assert!(files.len() >= 8, "{files:?}");
    for f in files {
        let v = supportsim().arg("validate").arg(&f).output().expect("runs");
        assert_eq!(
            v.status.code(),
            Some(0),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&v.stderr)
        );
        assert!(
            v.stderr.is_empty(),
            "{} has warnings: {}",
            f.display(),
            String::from_utf8_lossy(&v.stderr)
        );
        let loaded = supportsim::scenario::load(&f).expect("valid");
        let days = (loaded.model.warmup_days + 2).max(3).to_string();
        let out = supportsim()
            .arg("run")
            .arg(&f)
            .args(["--days", &days, "--replications", "2", "--json"])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert!(
            v["overall"]["offered"]["mean"].as_f64().expect("offered") > 0.0,
            "{}",
            f.display()
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_promptly_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("never");
    let bin = assert_cmd::cargo::cargo_bin("supportsim");
    let mut child = std::process::Command::new(bin)
        .current_dir(root())
        .args([
            "run",
            "benches/large-call-centre.toml",
            "--days",
            "5000",
            "--replications",
            "4",
            "--out",
        ])
        .arg(&out_dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = std::time::Instant::now();
    let status = child.wait().expect("exits");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "stopped promptly"
    );
    assert_eq!(status.code(), Some(130));
    assert!(!out_dir.exists(), "no output folder, no partial file");
}

/// Agents keep up, but 95% of eight million calls a day come back twenty days later: the
/// contacts due to return fill the memory the run allows. The message names that cause, not a
/// queue that does not exist.
#[test]
fn an_overload_of_returning_contacts_is_explained_as_such() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("repeats.toml");
    std::fs::write(
        &scenario,
        "[simulation]\nname = \"repeats\"\ndays = 3\nreplications = 1\n[volume]\nper_day = 8000000\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"fixed\", mean = \"1s\" }\n[[topics]]\nname = \"hard\"\nshare = 1.0\nfcr = 0.05\n[resolution]\nrepeat_delay = { dist = \"fixed\", mean = \"20d\" }\nmax_attempts = 20\n[[agents]]\nname = \"desk\"\ncount = 400\nchannels = [\"phone\"]\n",
    )
    .expect("writes");
    let out = supportsim()
        .arg("run")
        .arg(&scenario)
        .args(["--json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: scenario `repeats`: 4,016,449 contacts were due to come back at once as repeats or retries on day 0 of replication 1 (days count from 0; 4,016,449 contacts open in all), more than the 4,000,000 a run holds before it stops rather than exhaust memory; nothing was written
  = help: fewer contacts come back: raise topics' `fcr`, lower `repeat_share` or `retry_share` in [resolution], shorten `repeat_delay`; or simulate a smaller operation
"
    );
    assert!(out.stdout.is_empty());
}

/// Ten million e-mails a day for two agents: the backlog would grow past any memory. The run
/// stops once it holds more open contacts than `MAX_LIVE_CONTACTS`, says why, exits with 2 and
/// writes nothing.
#[test]
fn a_hopelessly_overloaded_operation_is_stopped_and_explained() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("flood.toml");
    std::fs::write(
        &scenario,
        r#"[simulation]
name = "flood"
days = 1
replications = 2
seed = 1

[volume]
per_day = 10000000
intraday = "flat"

[channels.email]
kind = "async"
share = 1.0
handle_time = { dist = "exponential", mean = "8m" }
answer_within = "4h"

[[agents]]
name = "desk"
channels = ["email"]
shifts = [ { days = "all", start = "00:00", end = "24:00", count = 2 } ]
"#,
    )
    .expect("writes");
    let out_dir = dir.path().join("never");
    let log = dir.path().join("contacts.csv");
    let out = supportsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out_dir)
        .arg("--contacts-log")
        .arg(&log)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.ends_with("error: scenario `flood`: the operation cannot keep up: 4,062,903 contacts were waiting for an agent (4,062,903 on `email`) on day 0 of replication 1 (days count from 0; 4,062,903 contacts open in all), more than the 4,000,000 a run holds before it stops rather than exhaust memory; nothing was written
  = help: add agents or opening hours for `email`, lower the volume, or let its customers chase unanswered tickets on another channel (`chase_after`, `chase_channels`)
"),
        "{err}"
    );
    assert!(!out_dir.exists(), "no output folder");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("flood.toml")],
        "nothing half-written"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_run_whose_time_series_cannot_fit_is_refused_before_it_starts() {
    // A century of half-hours, a thousand times over: 456 GB of time series past the memory
    // budget, more than the temporary folder's disk holds.
    let out = supportsim()
        .args([
            "run",
            "scenarios/quick-start.toml",
            "--days",
            "36000",
            "--replications",
            "1000",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: the time series of this run would take 456.0 GB in temporary files past --series-memory (1000 replications × 1727952 intervals × 2 channels and 1 groups); "),
        "{err}"
    );
    assert!(
        err.ends_with("GB free\n  = help: add --json without --out (no time series are kept), or set TMPDIR to a folder on a larger disk, or simulate fewer days or replications, or use a longer [simulation] interval\n"),
        "{err}"
    );
}
