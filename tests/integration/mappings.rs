//! Reading logs through mappings: every row left out is counted by reason, a mapping's mistakes
//! are shown where they are with their fix, and the fit table fits a 100-column terminal.

use std::path::Path;

use crate::util::supportsim;

const MAPPING: &str = r#"[columns]
date = "date"
time = "time"
wait = "wait"
handle = "talk"
outcome = "outcome"
queued = "queued"
[formats]
date = "yyyy-mm-dd"
[values]
answered = ["OK"]
abandoned = ["LOST"]
ignore = ["TEST"]
not_queued = ["no"]
[keep]
tier = ["1"]
"#;

/// A log of 40 answered and 10 abandoned contacts, and a row of each reason to skip.
fn write_log(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("date,time,wait,talk,outcome,queued,tier\n");
    for i in 0..50 {
        let outcome = if i % 5 == 0 { "LOST" } else { "OK" };
        let day = 1 + i % 7;
        text.push_str(&format!(
            "2024-01-0{day},9:{:02}:00,{},{},{outcome},yes,1\n",
            i % 60,
            10 + i,
            100 + 7 * i
        ));
    }
    text.push_str("2024-01-02,9:00:00,0,0,TEST,yes,1\n"); // line 52: ignored outcome
    text.push_str("2024-01-02,9:00:00,0,0,TEST,yes,1\n");
    text.push_str("2024-01-02,9:00:00,0,0,TRANSFER,yes,1\n"); // line 54: unknown outcome
    text.push_str("2024-01-02,9:00:00,0,0,LOST,no,1\n"); // line 55: never queued
    text.push_str("2024-01-02,9:00:00,0,0,OK,yes,2\n"); // line 56: another tier
    text.push_str("2024-01-02,9:00:00,soon,0,OK,yes,1\n"); // line 57: unreadable wait
    let log = dir.join("log.csv");
    std::fs::write(&log, text).expect("write log");
    log
}

#[test]
fn fit_counts_every_row_it_skips_by_reason_in_text_and_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = write_log(dir.path());
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, MAPPING).expect("write mapping");
    let fit = |extra: &[&str]| {
        let out = supportsim()
            .arg("fit")
            .arg(&log)
            .arg("--mapping")
            .arg(&mapping)
            .args(extra)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let json: serde_json::Value = serde_json::from_str(&fit(&["--json"])).expect("json");
    assert_eq!(json["schema"], "supportsim.fit/2");
    assert_eq!(json["rows"], 56);
    assert_eq!(json["offered"], 50);
    let skipped: Vec<(String, String, u64, u64)> = json["skipped"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["reason"].as_str().unwrap_or("").to_string(),
                s["subject"].as_str().unwrap_or("").to_string(),
                s["rows"].as_u64().unwrap_or(0),
                s["first_line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expected = [
        ("ignored_outcome", "TEST", 2, 52),
        ("unknown_outcome", "TRANSFER", 1, 54),
        ("not_queued", "", 1, 55),
        ("not_kept", "tier", 1, 56),
        ("unreadable", "wait", 1, 57),
    ];
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), *c, *d))
        .collect();
    assert_eq!(skipped, expected);

    let out_file = dir.path().join("fitted.toml");
    let text = fit(&["--out", out_file.to_str().expect("utf-8 path")]);
    for line in [
        "rows read               56 (50 contacts offered to the queue, 6 skipped)",
        "  skipped 2             outcome `TEST` (ignored by the mapping); first at line 52",
        "  skipped 1             outcome `TRANSFER` (not in the mapping's [values];",
        "                          list it under answered, abandoned or ignore); first at line 54",
        "  skipped 1             hung up before reaching the queue; first at line 55",
        "  skipped 1             column `tier` not among the mapping's `keep` values; first at line 56",
        "  skipped 1             column `wait` could not be read;",
        "                          first at line 57: column `wait` holds `soon`, which is not seconds",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in\n{text}"
        );
    }
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "wider than 100 columns: {line:?}"
        );
    }
}

/// Runs `fit` on the test log with a mapping of `text`; its standard error (it must exit 2).
fn refused(text: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = write_log(dir.path());
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, text).expect("write mapping");
    let out = supportsim()
        .arg("fit")
        .arg(&log)
        .arg("--mapping")
        .arg(&mapping)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    String::from_utf8_lossy(&out.stderr).replace(&mapping.display().to_string(), "m.toml")
}

#[test]
fn an_outcome_mapped_to_two_meanings_is_refused_where_it_is() {
    let err = refused(&MAPPING.replace(r#"ignore = ["TEST"]"#, r#"ignore = ["TEST", "OK"]"#));
    assert_eq!(
        err,
        r#"error: the outcome "OK" is listed under both `values.answered` and `values.ignore`
  --> m.toml:13:10
   |
13 | ignore = ["TEST", "OK"]
   |          ^^^^^^^^^^^^^^
   = help: an outcome means one thing: keep "OK" in one of the two lists

1 error in m.toml
"#
    );
}

#[test]
fn a_column_the_log_lacks_is_shown_at_its_key_in_the_mapping() {
    let err = refused(&MAPPING.replace(r#"wait = "wait""#, r#"wait = "queue_time""#));
    let err = err.replace(&std::env::temp_dir().display().to_string(), "TMP");
    let expected_tail = r#"has no column `queue_time`
 --> m.toml:4:8
  |
4 | wait = "queue_time"
  |        ^^^^^^^^^^^^
  = help: name one of the log's columns: date, time, wait, talk, outcome, queued, tier

1 error in m.toml
"#;
    assert!(err.starts_with("error: the log "), "{err}");
    assert!(err.ends_with(expected_tail), "{err}");
}

#[test]
fn a_mapping_missing_a_column_says_which_and_where() {
    let err = refused(&MAPPING.replace("wait = \"wait\"\n", ""));
    assert_eq!(
        err,
        r#"error: missing field `wait`
 --> m.toml:1:1
  |
1 | [columns]
  | ^^^^^^^^^
  = help: add wait = "COLUMN" here, naming the log's column; see mappings/anonymous-bank.toml

1 error in m.toml
"#
    );
}

/// The ServiceNow incident log (Amaral, Fantinato & Peres 2018, UCI data set 498, CC BY 4.0),
/// read from the shared data folder: every row and incident accounted for.
#[test]
fn the_servicenow_event_log_becomes_ticket_lifecycles() {
    let p = crate::util::root()
        .join("../shared/data/servicenow-incidents-2016/incidents_to_2016-04-15.csv");
    if !p.is_file() {
        eprintln!(
            "SKIPPED: the ServiceNow log is not at {}; the real-data check did not run",
            p.display()
        );
        return;
    }
    let text =
        std::fs::read_to_string(crate::util::root().join("mappings/servicenow-incidents.toml"))
            .expect("mapping");
    let mapping = supportsim::tickets::EventMapping::parse(&text).expect("valid mapping");
    let log =
        supportsim::tickets::read(std::fs::File::open(&p).expect("log"), &mapping).expect("reads");
    // The data set's documented size: 83,526 rows, 13,698 incidents.
    assert_eq!(log.rows, 83_526);
    let skipped: u64 = log.skipped.values().map(|s| s.0).sum();
    assert_eq!(
        log.tickets.len() as u64
            + log
                .skipped
                .get(&supportsim::tickets::Skip::NoOpened)
                .map_or(0, |s| s.0),
        13_698,
        "{:?}",
        log.skipped
    );
    assert_eq!(skipped, 0, "{:?}", log.skipped);
    let responded = log
        .tickets
        .iter()
        .filter(|t| t.first_response.is_some())
        .count();
    let resolved = log.tickets.iter().filter(|t| t.resolved.is_some()).count();
    assert!(
        responded > 13_000 && resolved > 13_000,
        "{responded} responded, {resolved} resolved"
    );
}
