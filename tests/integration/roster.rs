//! `supportsim roster`: every shift, break and person-week of the schedule obeys the group's
//! work rules (checked row by row from the CSV files), a cross-skilled group is split between
//! its channels interval by interval and the rostered scenario meets its targets in
//! simulation, and bad rules are refused with the key named.

use std::path::Path;

use crate::util::{refused, root, supportsim};

/// The rules of a group as the tests check them.
struct Rules {
    lengths: &'static [u32],
    starts: (u32, u32, u32),
    /// (kind, length, earliest start, latest end) in minutes after the shift's start.
    breaks: &'static [(&'static str, u32, u32, u32)],
    days: usize,
    hours: (f64, f64),
}

/// The rules of `tests/data/cross-skilled.toml` and of both groups of mid-size (lengths and
/// starts aside).
const BREAKS: &[(&str, u32, u32, u32)] = &[
    ("paid", 15, 90, 180),
    ("meal", 30, 210, 330),
    ("paid", 15, 360, 480),
];

fn minutes(hhmm: &str) -> u32 {
    let (h, m) = hhmm.split_once(':').expect("HH:MM");
    h.parse::<u32>().expect("hour") * 60 + m.parse::<u32>().expect("minute")
}

fn csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).expect("CSV");
    r.records()
        .map(|x| x.expect("row").iter().map(String::from).collect())
        .collect()
}

/// Checks one `roster.csv` row (group, weekday, start, end, paid_hours, breaks, count).
fn check_row(row: &[String], rules: &Rules) {
    let start = minutes(&row[2]);
    let length = (minutes(&row[3]) + 1440 - start) % 1440;
    let (from, to, step) = rules.starts;
    assert!(
        start >= from && start <= to && (start - from).is_multiple_of(step),
        "start outside the rules: {row:?}"
    );
    assert!(rules.lengths.contains(&length), "length: {row:?}");
    let due: Vec<_> = rules.breaks.iter().filter(|b| b.3 <= length).collect();
    let breaks: Vec<&str> = row[5].split("; ").filter(|s| !s.is_empty()).collect();
    assert_eq!(breaks.len(), due.len(), "breaks: {row:?}");
    let mut unpaid = 0;
    let mut last_end = 0;
    for (text, rule) in breaks.iter().zip(due) {
        let (span, kind) = text.split_once(' ').expect("a time and a kind");
        let (a, b) = span.split_once('-').expect("from-to");
        let off = (minutes(a) + 1440 - start) % 1440;
        let len = (minutes(b) + 1440 - minutes(a)) % 1440;
        assert_eq!(kind, rule.0, "{row:?}");
        assert_eq!(len, rule.1, "{row:?}");
        assert!(
            off >= rule.2 && off + len <= rule.3,
            "break outside its window: {row:?}"
        );
        assert!(off >= last_end, "breaks overlap: {row:?}");
        last_end = off + len;
        if kind != "paid" {
            unpaid += len;
        }
    }
    let paid: f64 = row[4].parse().expect("paid hours");
    assert!(
        (paid - f64::from(length - unpaid) / 60.0).abs() < 0.01,
        "{row:?}"
    );
    assert!(row[6].parse::<u32>().expect("count") > 0);
}

/// Checks one `people.csv` row: the days worked, the days off together, the hours.
fn check_person(row: &[String], rules: &Rules) {
    let off: Vec<bool> = row[3..10].iter().map(|d| d == "off").collect();
    assert_eq!(off.iter().filter(|o| !**o).count(), rules.days, "{row:?}");
    // Days off in one run, Sunday wrapping to Monday.
    let runs = (0..7).filter(|d| off[*d] && !off[(d + 6) % 7]).count();
    assert!(runs <= 1, "days off apart: {row:?}");
    let hours: f64 = row[2].parse().expect("hours");
    assert!(
        hours >= rules.hours.0 - 1e-9 && hours <= rules.hours.1 + 1e-9,
        "{row:?}"
    );
}

fn roster(dir: &Path, scenario: &Path, extra: &[&str]) -> serde_json::Value {
    let out = supportsim()
        .arg("roster")
        .arg(scenario)
        .args(["--json", "--people", "--out"])
        .arg(dir.join("out"))
        .args(extra)
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
fn a_cross_skilled_team_is_rostered_within_its_rules_and_meets_its_targets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = root().join("tests/data/cross-skilled.toml");
    let args = ["--gap", "0.05", "--replications", "4"];
    let json = roster(dir.path(), &scenario, &args);
    let rules = Rules {
        lengths: &[510, 240],
        starts: (420, 840, 30),
        breaks: BREAKS,
        days: 5,
        hours: (20.0, 40.0),
    };
    let out = dir.path().join("out");
    let rows = csv(&out.join("roster.csv"));
    assert!(!rows.is_empty());
    rows.iter().for_each(|r| check_row(r, &rules));
    let people = csv(&out.join("people.csv"));
    people.iter().for_each(|r| check_person(r, &rules));
    // Every person-day is a roster row's person, and the other way round.
    let person_days = people
        .iter()
        .flat_map(|p| p[3..10].iter())
        .filter(|d| *d != "off")
        .count();
    let row_people: u32 = rows
        .iter()
        .map(|r| r[6].parse::<u32>().expect("count"))
        .sum();
    assert_eq!(person_days as u32, row_people);
    assert_eq!(json["groups"][0]["people"], people.len());
    // The goal holds in simulation, and the solver's bound is below the schedule.
    assert!(json["intervals_meeting_target"].as_f64().expect("share") >= 0.95);
    for r in json["rounds"].as_array().expect("rounds") {
        assert!(r["lower_bound"].as_f64() <= r["objective"].as_f64());
    }
    // The team is split between phone and chat interval by interval: both channels get
    // agents in the same intervals, each as much as it needs.
    let cover = csv(&out.join("coverage.csv"));
    let both = cover
        .iter()
        .filter(|r| r[0] == "channel" && r[4].parse::<f64>().expect("required") > 0.0)
        .inspect(|r| {
            let (need, got): (f64, f64) = (r[4].parse().expect("f"), r[5].parse().expect("f"));
            assert!(got >= need - 0.01, "{r:?}");
        })
        .count();
    assert!(both > 100);
    // The rostered scenario runs, each channel with its service level.
    let run = supportsim()
        .arg("run")
        .arg(out.join("rostered.toml"))
        .args(["--json", "--replications", "4"])
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    for ch in ["phone", "chat"] {
        let sl = s["channels"][ch]["service_level"]["mean"]
            .as_f64()
            .expect("SL");
        assert!(sl > 0.7, "{ch}: {sl}");
    }
}

#[test]
fn the_same_roster_and_spreadsheet_come_out_twice() {
    let scenario = root().join("tests/data/cross-skilled.toml");
    let args = [
        "--gap",
        "0.05",
        "--rounds",
        "0",
        "--replications",
        "2",
        "--days",
        "2",
    ];
    let [a, b] = [0, 1].map(|_| {
        let dir = tempfile::tempdir().expect("tempdir");
        roster(dir.path(), &scenario, &args);
        ["roster.csv", "roster.xlsx", "people.csv", "rostered.toml"]
            .map(|f| std::fs::read(dir.path().join("out").join(f)).expect("written"))
    });
    assert_eq!(a, b);
    // The spreadsheet is a real workbook (a zip) with the same sheets.
    assert!(a[1].starts_with(b"PK"));
}

#[test]
fn the_mid_size_roster_obeys_every_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = root().join("scenarios/mid-size.toml");
    let args = [
        "--rounds",
        "0",
        "--replications",
        "2",
        "--days",
        "2",
        "--time-limit",
        "20s",
    ];
    roster(dir.path(), &scenario, &args);
    let out = dir.path().join("out");
    let generalists = Rules {
        lengths: &[510, 240],
        starts: (390, 1050, 30),
        breaks: BREAKS,
        days: 5,
        hours: (20.0, 40.0),
    };
    let specialists = Rules {
        lengths: &[510],
        starts: (420, 1320, 30),
        breaks: BREAKS,
        days: 5,
        hours: (40.0, 40.0),
    };
    let rules = |group: &str| match group {
        "generalists" => &generalists,
        "specialists" => &specialists,
        other => panic!("unexpected group {other}"),
    };
    let rows = csv(&out.join("roster.csv"));
    assert!(rows.len() > 50);
    rows.iter().for_each(|r| check_row(r, rules(&r[0])));
    csv(&out.join("people.csv"))
        .iter()
        .for_each(|r| check_person(r, rules(&r[1])));
    let rostered = std::fs::read_to_string(out.join("rostered.toml")).expect("rostered");
    assert!(supportsim::scenario::parse("rostered.toml", &rostered, "r").is_ok());
}

#[test]
fn bad_rules_are_refused_with_the_key_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = std::fs::read_to_string(root().join("tests/data/cross-skilled.toml")).expect("read");
    let cases = [
        (
            "shift_lengths = [\"8h30m\", \"4h\"]",
            "shift_lenghts = [\"8h\"]",
            "did you mean `shift_lengths`?",
        ),
        (
            "window = [\"3h30m\", \"5h30m\"]",
            "window = [\"2h\", \"5h30m\"]",
            "overlap",
        ),
        (
            "week_hours = { min = 20, max = 40 }",
            "week_hours = { min = 45, max = 50 }",
            "no shift length",
        ),
        (
            "kind = \"meal\"",
            "kind = \"lunch\"",
            "unknown break kind `lunch`",
        ),
        ("step = \"30m\"", "step = \"1m\"", "at least 5m"),
    ];
    for (from, to, says) in cases {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, base.replacen(from, to, 1)).expect("write");
        let err = refused(supportsim().arg("roster").arg(&path));
        assert!(
            err.contains(says) && err.contains("bad.toml"),
            "{to}: {err}"
        );
    }
    // A group without rules: the roster says which and how to add them.
    let path = dir.path().join("none.toml");
    let cut = base.find("[agents.rules]").expect("rules");
    std::fs::write(&path, &base[..cut]).expect("write");
    let out = supportsim()
        .arg("roster")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`team` has no `rules`"));
}
