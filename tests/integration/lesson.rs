//! `supportsim lesson`: the figures a lesson embeds for a grid point are `run --json`'s for the
//! scenario with those settings written out as a plain file (same seed), its per-replication
//! values give `compare`'s paired differences, the page is the same bytes on any thread count,
//! and a lesson that cannot be built is refused with nothing written.

use std::path::{Path, PathBuf};

use supportsim::report::Stat;

use crate::util::{files, json_out, root, supportsim};

const LESSON: &str = "scenarios/lessons/slow-response.toml";
const SHIFT: &str = r#"{ days = "weekdays", start = "08:00", end = "17:00", count = 2 }"#;

/// The bundled lesson's scenario with the email desk's full-timers at `count` and the bot on
/// or off, as a plain scenario file in `dir` (text edits, not the lesson's own path setting).
fn variant(dir: &Path, count: u32, bot: bool) -> PathBuf {
    let text = std::fs::read_to_string(root().join(LESSON)).expect("reads the lesson");
    assert!(
        text.contains(SHIFT),
        "the lesson's email shift changed: update this test"
    );
    let mut t = text.replace(
        SHIFT,
        &SHIFT.replace("count = 2", &format!("count = {count}")),
    );
    if !bot {
        let from = t.find("\n[automation]").expect("a bot table");
        let to = t.find("\n[lesson]").expect("a lesson table");
        t.replace_range(from..to, "");
    }
    let path = dir.join(format!("variant-{count}-{bot}.toml"));
    std::fs::write(&path, t).expect("writes");
    path
}

fn lesson_args(out: &Path) -> Vec<String> {
    [
        "lesson",
        LESSON,
        "--vary",
        "agents.email desk.shifts.0.count=1,3",
        "--vary",
        "automation=off,on",
        "--question",
        "minimize total_cost where churned_customers < 100000",
        "--replications",
        "4",
        "--days",
        "14",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.display().to_string()])
    .collect()
}

/// The value at `key` (`written.csat`, `total_cost`) of a `run --json` summary.
fn at<'a>(summary: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    match key.rsplit_once('.') {
        Some((kind, name)) => &summary["kinds"][kind][name],
        None => &summary["overall"][key],
    }
}

fn reps(point: &serde_json::Value, key: &str) -> Vec<Option<f64>> {
    point["figures"][key]["reps"]
        .as_array()
        .expect("replications")
        .iter()
        .map(serde_json::Value::as_f64)
        .collect()
}

#[test]
fn a_lessons_figures_are_run_json_at_that_point_and_its_replications_give_compares_differences() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("lesson");
    supportsim().args(lesson_args(&out)).assert().success();
    let lesson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("lesson.json")).expect("lesson.json"))
            .expect("json");
    assert_eq!(lesson["schema"], "supportsim.lesson/1");
    let points = lesson["points"].as_array().expect("points");
    assert_eq!(points.len(), 4);
    let keys: Vec<String> = lesson["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .map(|f| f["key"].as_str().expect("key").to_string())
        .collect();
    assert!(keys.iter().any(|k| k == "written.frt_mean_seconds"));
    assert!(keys.iter().any(|k| k == "churned_customers"));
    let mut runs = Vec::new();
    for p in points {
        let at_ = p["at"].as_array().expect("at");
        let count = [1, 3][at_[0].as_u64().expect("index") as usize];
        let bot = at_[1] == 1;
        let file = variant(tmp.path(), count, bot);
        let run = json_out(supportsim().args([
            "run",
            file.to_str().expect("path"),
            "--replications",
            "4",
            "--days",
            "14",
            "--json",
        ]));
        for k in &keys {
            let fig = &p["figures"][k];
            for part in ["mean", "ci_low", "ci_high", "std_err"] {
                assert_eq!(
                    fig[part],
                    at(&run, k)[part],
                    "{k} {part} at {count} agents, bot {bot}"
                );
            }
        }
        runs.push(file);
    }
    // A/B: point 0 (1 agent, no bot) against point 3 (3 agents and the bot).
    let cmp = json_out(supportsim().args([
        "compare",
        runs[0].to_str().expect("path"),
        runs[3].to_str().expect("path"),
        "--replications",
        "4",
        "--days",
        "14",
        "--json",
    ]));
    let diffs = cmp["differences"].as_array().expect("differences");
    for k in [
        "written.frt_mean_seconds",
        "churned_customers",
        "total_cost",
    ] {
        let (scope, name, metric) = match k.rsplit_once('.') {
            Some((kind, m)) => ("kind", kind, m),
            None => ("overall", "", k),
        };
        let d = diffs
            .iter()
            .find(|d| d["scope"] == scope && d["name"] == name && d["metric"] == metric)
            .unwrap_or_else(|| panic!("compare has {k}"));
        let (a, b) = (reps(&points[0], k), reps(&points[3], k));
        let paired: Vec<Option<f64>> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| Some(y.expect("defined") - x.expect("defined")))
            .collect();
        let s = Stat::of(&paired);
        assert_eq!(d["mean"].as_f64(), s.mean, "{k}");
        assert_eq!(d["ci_low"].as_f64(), s.ci_low, "{k}");
        assert_eq!(d["ci_high"].as_f64(), s.ci_high, "{k}");
    }
    // The page holds the same data, and nothing it needs comes from elsewhere.
    let page = std::fs::read_to_string(out.join("lesson.html")).expect("page");
    assert!(page.contains("\"schema\":\"supportsim.lesson/1\""));
    assert!(page.contains("default-src 'none'"));
    for needle in [
        "<script src",
        "<link",
        "@import",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(
            !page.contains(needle),
            "the page must not load anything: {needle}"
        );
    }
}

#[test]
fn a_lesson_is_the_same_bytes_on_one_thread_or_two() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut pages = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(threads);
        supportsim()
            .env("RAYON_NUM_THREADS", threads)
            .args(lesson_args(&out))
            .assert()
            .success();
        pages.push(files(&out));
    }
    assert_eq!(pages[0]["lesson.html"], pages[1]["lesson.html"]);
    assert_eq!(pages[0]["lesson.json"], pages[1]["lesson.json"]);
}

#[test]
fn lessons_that_cannot_be_built_are_refused_with_nothing_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("lesson");
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--vary",
                "agents.email desk.shifts.0.count=1..40",
                "--vary",
                "channels.email.handle_time.mean=1m,2m,3m,4m,5m,6m,7m,8m,9m,10m",
                "--replications",
                "50",
            ],
            "MB; a lesson page stays under 5 MB",
        ),
        (
            &[
                "--vary",
                "agents.email desk.shifts.0.count=1,2",
                "--question",
                "cheapest plan",
                "--replications",
                "2",
            ],
            "is not a question supportsim reads",
        ),
        (
            &[
                "--vary",
                "agents.email desk.shifts.0.count=1,2",
                "--question",
                "minimize no_such_metric",
                "--replications",
                "2",
            ],
            "which the scenario's results do not have",
        ),
        (
            &[
                "--vary",
                "agents.email desk.shifts.0.count=1,2",
                "--question",
                "minimize total_cost where automation = off",
                "--replications",
                "2",
            ],
            "which is not a lever at one of its values",
        ),
        (
            &["--vary", "simulation.seed=1,2", "--replications", "2"],
            "is a run setting",
        ),
    ];
    for (extra, says) in cases {
        let o = supportsim()
            .args(["lesson", LESSON, "--days", "7"])
            .args(extra)
            .args(["--out", out.to_str().expect("path")])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
    // A scenario without [lesson] and no --vary.
    let o = supportsim()
        .args(["lesson", "scenarios/quick-start.toml", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no levers for a lesson"));
    // A [lesson] table that cannot be read is a scenario error at its line.
    let bad = tmp.path().join("bad.toml");
    let text = std::fs::read_to_string(root().join(LESSON)).expect("reads");
    std::fs::write(
        &bad,
        text.replace(
            "\"email bot: automation=off,on\"",
            "\"email bot: automation\"",
        )
        .replace("question = \"minimize", "question = \"cheapest"),
    )
    .expect("writes");
    let o = supportsim()
        .args(["validate", bad.to_str().expect("path")])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("this lever cannot be read"), "{err}");
    assert!(err.contains("this question cannot be read"), "{err}");
    assert!(err.contains("bad.toml:"), "{err}");
}

/// The replay counts, read back from the contact log `run --contacts-log` writes of the same
/// first replication: per channel, contacts waiting at each five minutes of the day and those
/// answered within the target, later, or lost during the day.
#[test]
fn the_replay_of_a_day_is_the_first_replications_contacts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let scenario = "scenarios/lessons/outage-afternoon.toml";
    let out = tmp.path().join("lesson");
    supportsim()
        .args([
            "lesson",
            scenario,
            "--replications",
            "3",
            "--question",
            "maximize csat",
        ])
        .args(["--vary", "outage length: surges.0.duration=10m"])
        .args(["--vary", "morning agents: agents.desk.shifts.0.count=9"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let lesson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("lesson.json")).expect("json"))
            .expect("json");
    let log = tmp.path().join("contacts.csv");
    supportsim()
        .args(["run", scenario, "--replications", "3", "--contacts-log"])
        .arg(&log)
        .assert()
        .success();
    let text = std::fs::read_to_string(&log).expect("log");
    let day = lesson["replay_day"].as_f64().expect("day") * 86_400.0;
    let frame = lesson["replay_frame_seconds"].as_f64().expect("frame");
    let channels = lesson["channels"].as_array().expect("channels");
    let replay = &lesson["points"][0]["replay"];
    let mut seen = 0;
    for (c, ch) in channels.iter().enumerate() {
        let name = ch["name"].as_str().expect("name");
        let target = ch["answer_within"].as_f64().expect("target");
        let mut waiting = vec![0u64; 288];
        let (mut within, mut late, mut lost) = (0u64, 0u64, 0u64);
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let outcome = f[9];
            if f[4] != name || !["answered", "abandoned", "open", "follow_up"].contains(&outcome) {
                continue;
            }
            seen += 1;
            let arrival: f64 = f[3].parse().expect("arrival");
            let wait: f64 = f[10].parse().expect("wait");
            for (k, w) in waiting.iter_mut().enumerate() {
                let t = day + k as f64 * frame;
                *w += u64::from(arrival <= t && t < arrival + wait);
            }
            let end = arrival + wait;
            if end >= day && end < day + 86_400.0 {
                match outcome {
                    "abandoned" => lost += 1,
                    "answered" if wait <= target => within += 1,
                    "answered" => late += 1,
                    _ => {}
                }
            }
        }
        let sum = |key: &str| -> u64 {
            replay["channels"][c][key]
                .as_array()
                .expect("frames")
                .iter()
                .map(|x| x.as_u64().expect("count"))
                .sum()
        };
        assert_eq!(sum("within"), within, "{name}: answered within target");
        assert_eq!(sum("late"), late, "{name}: answered later");
        assert_eq!(sum("abandoned"), lost, "{name}: hung up");
        let shown: Vec<u64> = replay["channels"][c]["waiting"]
            .as_array()
            .expect("frames")
            .iter()
            .map(|x| x.as_u64().expect("count"))
            .collect();
        assert_eq!(shown, waiting, "{name}: waiting at each five minutes");
        assert!(within + late > 100, "{name}: a day with contacts");
    }
    assert!(seen > 0);
}
