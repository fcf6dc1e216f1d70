//! Breaks at set times: agents leave the floor when a break begins (after the contact in hand)
//! and return at its planned end; a shift with breaks takes no random block of shrinkage.

use crate::util::{refused, supportsim};

/// Six agents 08:00–16:00 every day, with 15, 30 and 15 minutes of breaks (an eighth of the
/// shift), `per_day` calls of `handle`.
fn scenario(per_day: u32, handle: &str, extra: &str) -> String {
    format!(
        r#"[simulation]
name = "breaks"
days = 8
warmup_days = 1
interval = "15m"
replications = 4
seed = 3

[volume]
per_day = {per_day}
intraday = "business-hours"

[channels.phone]
kind = "call"
handle_time = {handle}
answer_within = "20s"

[[agents]]
name = "team"
channels = ["phone"]
{extra}
shifts = [
  {{ start = "08:00", end = "16:00", count = 6, breaks = [
    {{ start = "10:00", length = "15m" }},
    {{ start = "12:00", length = "30m" }},
    {{ start = "14:00", length = "15m" }},
  ] }},
]
"#
    )
}

fn run(dir: &std::path::Path, text: &str, extra: &[&str]) -> (serde_json::Value, String) {
    std::fs::write(dir.join("s.toml"), text).expect("write");
    let out = supportsim()
        .current_dir(dir)
        .args(["run", "s.toml", "--json"])
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).expect("JSON"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn agents_are_off_the_floor_for_exactly_their_breaks_when_idle() {
    // Almost no traffic, one-second calls: no break is held up, so the time off the floor is
    // exactly the breaks', an eighth of every shift.
    let dir = tempfile::tempdir().expect("temp dir");
    let (v, _) = run(
        dir.path(),
        &scenario(20, "{ dist = \"fixed\", mean = \"1s\" }", ""),
        &[],
    );
    let team = &v["agents"]["team"];
    let shrinkage = team["shrinkage"]["mean"].as_f64().expect("shrinkage");
    assert!((shrinkage - 0.125).abs() < 1e-4, "{shrinkage}");
    let available = team["available_hours"]["mean"].as_f64().expect("available");
    assert!((available - 6.0 * 7.0 * 7.0).abs() < 0.01, "{available}");
}

#[test]
fn nobody_takes_a_contact_during_a_break() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = scenario(700, "{ dist = \"exponential\", mean = \"4m\" }", "");
    let (_, _) = run(dir.path(), &text, &["--contacts-log", "log.csv"]);
    let log = std::fs::read_to_string(dir.path().join("log.csv")).expect("log");
    let mut answered = 0;
    let mut during_break = 0;
    for line in log.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[9] != "answered" {
            continue;
        }
        answered += 1;
        let start: f64 =
            f[3].parse::<f64>().expect("arrival") + f[10].parse::<f64>().expect("wait");
        let clock = start % 86_400.0;
        let inside = |a: f64, b: f64| clock > a + 1e-6 && clock < b - 1e-6;
        if inside(36_000.0, 36_900.0) || inside(43_200.0, 45_000.0) || inside(50_400.0, 51_300.0) {
            during_break += 1;
        }
    }
    assert!(answered > 3000, "{answered}");
    assert_eq!(during_break, 0, "answers that began during a break");
}

#[test]
fn breaks_outside_the_shift_or_overlapping_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (from, to, message) in [
        (
            "{ start = \"14:00\", length = \"15m\" }",
            "{ start = \"15:50\", length = \"15m\" }",
            "error: a break of shift 1 of agent group `team` (15:50–16:05) is not within the shift (08:00–16:00)",
        ),
        (
            "{ start = \"10:00\", length = \"15m\" }",
            "{ start = \"10:00\", length = \"2h15m\" }",
            "error: two breaks of shift 1 of agent group `team` overlap",
        ),
    ] {
        let text = scenario(700, "{ dist = \"exponential\", mean = \"4m\" }", "").replace(from, to);
        std::fs::write(dir.path().join("s.toml"), text).expect("write");
        let err = refused(
            supportsim()
                .current_dir(dir.path())
                .args(["validate", "s.toml"]),
        );
        assert!(err.starts_with(message), "{err}");
        assert!(err.contains("--> s.toml:"), "located: {err}");
    }
}

#[test]
fn planned_shrinkage_beside_breaks_is_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = scenario(
        700,
        "{ dist = \"exponential\", mean = \"4m\" }",
        "planned_shrinkage = 0.15",
    );
    let (_, err) = run(dir.path(), &text, &[]);
    assert!(
        err.contains("warning: `planned_shrinkage = 0.15` of agent group `team` has no effect: every shift of the group has breaks at set times\n"),
        "{err}"
    );
}

#[test]
fn a_night_shift_takes_its_break_after_midnight_from_the_first_day() {
    // The shift that began the evening before the horizon takes its 02:00 break on day 0 too.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "[simulation]\ndays = 2\nwarmup_days = 0\ninterval = \"15m\"\nreplications = 1\nseed = 3\n[volume]\nper_day = 2000\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"exponential\", mean = \"4m\" }\n[[agents]]\nname = \"night\"\nchannels = [\"phone\"]\nshifts = [\n  { start = \"22:00\", end = \"06:00\", overnight = true, count = 6, breaks = [ { start = \"02:00\", length = \"30m\" } ] },\n]\n";
    run(dir.path(), text, &["--contacts-log", "log.csv"]);
    let log = std::fs::read_to_string(dir.path().join("log.csv")).expect("log");
    let (mut answered, mut during_break) = (0, 0);
    for line in log.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[9] == "answered" {
            answered += 1;
            let start = f[3].parse::<f64>().expect("arrival") + f[10].parse::<f64>().expect("wait");
            let clock = start % 86_400.0;
            during_break += usize::from(clock > 7_200.0 + 1e-6 && clock < 9_000.0 - 1e-6);
        }
    }
    assert!(answered > 500, "{answered}");
    assert_eq!(during_break, 0);
}

#[test]
fn staff_plans_a_groups_breaks_as_its_shrinkage() {
    // The planned shifts are new and carry no breaks: their eighth of the shift off the floor
    // becomes planned shrinkage, in the plan and in staffed.toml.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = scenario(700, "{ dist = \"exponential\", mean = \"4m\" }", "");
    std::fs::write(dir.path().join("s.toml"), text).expect("write");
    let out = supportsim()
        .current_dir(dir.path())
        .args([
            "staff",
            "s.toml",
            "--replications",
            "2",
            "--rounds",
            "0",
            "--out",
            "plan",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("note: the planned shifts of `team` carry no breaks: their breaks (12.5% of its shifts' time) are planned as 12.5% planned shrinkage\n"),
        "{err}"
    );
    let staffed = std::fs::read_to_string(dir.path().join("plan/staffed.toml")).expect("plan");
    let v: toml::Table = toml::from_str(&staffed).expect("toml");
    let team = &v["agents"].as_array().expect("agents")[0];
    assert_eq!(
        team["planned_shrinkage"].as_float(),
        Some(0.125),
        "{staffed}"
    );
}
