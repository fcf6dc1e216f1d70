//! Hours with customers and nobody on shift are named — channel, days and times — in
//! `validate`, in the run's "needs attention" list and in the report.

use crate::util::{root, supportsim};

/// quick-start with Saturday phone and email traffic but weekday shifts only.
fn saturday_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/quick-start.toml"))
        .expect("scenario")
        .replace("sat = 0.0", "sat = 0.5");
    let path = dir.join("saturday.toml");
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn a_day_with_calls_and_nobody_on_shift_is_named_everywhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = saturday_scenario(dir.path());
    let out = supportsim()
        .current_dir(dir.path())
        .args(["validate", "saturday.toml"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "warning: channel `phone` has customers when nobody who works it is on shift: Sat 08:00–18:00\n  --> saturday.toml:20:11\n"
        ),
        "{err}"
    );
    // Email waits by design: no warning for written work.
    assert!(!err.contains("channel `email` has customers"), "{err}");

    let out = supportsim()
        .current_dir(dir.path())
        .args([
            "run",
            "saturday.toml",
            "--days",
            "8",
            "--replications",
            "2",
            "--out",
            "r",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let line = "  - Customers contact phone when nobody who works it is on shift: Sat 08:00–18:00.";
    assert!(table.lines().any(|l| l == line), "{table}");
    let page = std::fs::read_to_string(dir.path().join("r/report.html")).expect("report");
    assert!(
        page.contains(
            "Customers contact phone when nobody who works it is on shift: Sat 08:00–18:00."
        ),
        "the report names the gap"
    );
    drop(scenario);
}

#[test]
fn shifts_past_midnight_and_around_the_clock_cover_their_hours() {
    // A night shift from Sunday 22:00 runs into Monday 06:00; traffic all day every day.
    let text = r#"
[simulation]
days = 7
[volume]
per_day = 100
intraday = "flat"
[channels.phone]
kind = "call"
handle_time = { dist = "exponential", mean = "3m" }
answer_within = "20s"
[[agents]]
name = "day"
channels = ["phone"]
shifts = [ { days = "daily", start = "06:00", end = "22:00", count = 3 } ]
[[agents]]
name = "night"
channels = ["phone"]
shifts = [ { days = ["mon", "tue", "wed", "thu", "fri", "sat"], start = "22:00", end = "06:00", overnight = true, count = 1 } ]
"#;
    let m = supportsim::scenario::parse("n.toml", text, "n")
        .unwrap_or_else(|e| panic!("{e:?}"))
        .model;
    let gaps = supportsim::gaps::gaps(&m);
    // Only Sunday night (22:00 to midnight) and Monday early morning are left: the night shift
    // does not start on Sunday.
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].describe(), "Mon 00:00–06:00; Sun 22:00–24:00");
    let covered = text.replace(
        r#"["mon", "tue", "wed", "thu", "fri", "sat"]"#,
        r#""daily""#,
    );
    let m = supportsim::scenario::parse("n.toml", &covered, "n")
        .unwrap_or_else(|e| panic!("{e:?}"))
        .model;
    assert!(supportsim::gaps::gaps(&m).is_empty());
    // A group without shifts works around the clock.
    let always = text.replace(
        r#"shifts = [ { days = ["mon", "tue", "wed", "thu", "fri", "sat"], start = "22:00", end = "06:00", overnight = true, count = 1 } ]"#,
        "count = 1",
    );
    let m = supportsim::scenario::parse("n.toml", &always, "n")
        .unwrap_or_else(|e| panic!("{e:?}"))
        .model;
    assert!(supportsim::gaps::gaps(&m).is_empty());
}
