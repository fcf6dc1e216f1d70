//! One rule for the delimiter of every file supportsim reads: the mapping's `delimiter` (a
//! name or the character), else the header line's tab or semicolon, else a comma; a name that
//! is none is refused at its line in the mapping.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{json_out, refused, root, supportsim};

/// `log` with every comma turned into `delimiter` (the logs supportsim writes quote nothing),
/// written beside it.
fn delimited(log: &Path, delimiter: char, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(log).expect("log");
    assert!(!text.contains('"'), "a log without quotes");
    let out = log.with_file_name(name);
    std::fs::write(&out, text.replace(',', &delimiter.to_string())).expect("write");
    out
}

/// A fit's JSON without the name of the log it read.
fn without_log(mut v: Value) -> Value {
    v.as_object_mut().expect("object").remove("log");
    v
}

/// `mappings/supportsim-events.toml` with `line` added at its top, in `dir`.
fn event_mapping(dir: &Path, line: &str) -> PathBuf {
    let text =
        std::fs::read_to_string(root().join("mappings/supportsim-events.toml")).expect("mapping");
    let out = dir.join("events.toml");
    std::fs::write(&out, format!("{line}\n{text}")).expect("write");
    out
}

#[test]
fn a_ticket_event_log_reads_the_same_with_tabs_semicolons_or_a_named_delimiter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = crate::tickets::round_trip_log(dir.path());
    let mapping = root().join("mappings/supportsim-events.toml");
    let fit = |log: &Path, mapping: &Path| {
        without_log(crate::tickets::fit_json(log, mapping, &["--effort", "12m"]))
    };
    let commas = fit(&log, &mapping);
    let tabs = delimited(&log, '\t', "tabs.tsv");
    let semicolons = delimited(&log, ';', "semicolons.csv");
    assert_eq!(fit(&tabs, &mapping), commas, "tabs read from the header");
    assert_eq!(
        fit(&semicolons, &mapping),
        commas,
        "semicolons read from the header"
    );
    let pipes = delimited(&log, '|', "pipes.txt");
    let named = event_mapping(dir.path(), "delimiter = \"pipe\"");
    assert_eq!(fit(&pipes, &named), commas, "a named delimiter");
}

#[test]
fn a_delimiter_that_names_none_is_refused_at_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = crate::tickets::round_trip_log(dir.path());
    let mapping = event_mapping(dir.path(), "delimiter = \"tabs\"");
    let err = crate::tickets::fit_refused(&log, &mapping, &["--effort", "12m", "--json"]);
    assert!(
        err.contains("events.toml")
            && err.contains("line 1")
            && err.contains("`delimiter = \"tabs\"` is not a delimiter")
            && err.contains("\"pipe\""),
        "{err}"
    );
    // A contact-log mapping: the same refusal, shown at its line.
    let bank = std::fs::read_to_string(root().join("mappings/anonymous-bank.toml"))
        .expect("mapping")
        .replace("delimiter = \"tab\"", "delimiter = \"t\"");
    let line = 1 + bank
        .lines()
        .position(|l| l.starts_with("delimiter"))
        .expect("a delimiter line");
    std::fs::write(dir.path().join("calls.toml"), bank).expect("write");
    let err = refused(
        supportsim()
            .arg("fit")
            .arg(&log)
            .arg("--mapping")
            .arg(dir.path().join("calls.toml")),
    );
    assert!(
        err.contains(&format!("calls.toml:{line}"))
            && err.contains("`delimiter = \"t\"` is not a delimiter"),
        "{err}"
    );
}

#[test]
fn a_contact_log_with_tabs_or_semicolons_is_read_as_with_commas() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("contacts.csv");
    supportsim()
        .arg("run")
        .arg(root().join("scenarios/quick-start.toml"))
        .args([
            "--replications",
            "1",
            "--days",
            "7",
            "--json",
            "--contacts-log",
        ])
        .arg(&log)
        .assert()
        .success();
    let fit = |log: &Path| without_log(json_out(supportsim().arg("fit").arg(log).arg("--json")));
    let commas = fit(&log);
    // The log has a channel column, so it is read twice (the channel with most rows first):
    // the second pass takes its delimiter from the header line too.
    for (delimiter, name) in [('\t', "tabs.tsv"), (';', "semicolons.csv")] {
        assert_eq!(fit(&delimited(&log, delimiter, name)), commas, "{name}");
    }
}
