//! Hiring classes (`[[hires]]`): agents hired on a day, on the floor after their training,
//! leaving like the rest of their group from the day they are hired.

use crate::util::{json_out, refused, root, supportsim};

/// The group's metric `name` (mean, standard error) in a run's JSON.
fn metric(json: &serde_json::Value, group: &str, name: &str) -> (f64, f64) {
    let m = &json["agents"][group][name];
    match (m["mean"].as_f64(), m["std_err"].as_f64()) {
        (Some(mean), Some(se)) => (mean, se),
        _ => panic!("no `{name}` for {group} in {json}"),
    }
}

/// Runs `text` as a scenario file in a temporary folder, with `args`.
fn run_text(text: &str, args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).expect("write");
    let mut all = vec!["run", path.to_str().expect("utf-8")];
    all.extend(args);
    all.push("--json");
    json_out(supportsim().args(&all))
}

#[test]
fn a_class_works_from_the_day_its_training_ends() {
    let text = "[simulation]\ndays = 6\nreplications = 2\n[volume]\nper_day = 100\n\
        [channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"exponential\", mean = \"3m\" }\n\
        [[agents]]\nname = \"desk\"\ncount = 10\nchannels = [\"phone\"]\n\
        [[hires]]\ngroup = \"desk\"\nday = 2\nsize = 10\ntraining = \"2d\"\n";
    let json = run_text(text, &[]);
    // Ten agents all six days, ten more on days 4 and 5: 1,920 agent-hours exactly.
    let (hours, _) = metric(&json, "desk", "available_hours");
    assert!((hours - 1920.0).abs() < 1e-6, "{hours} agent-hours");
    assert_eq!(metric(&json, "desk", "hired").0, 10.0);
    assert_eq!(metric(&json, "desk", "agents_end").0, 20.0);
    assert_eq!(metric(&json, "desk", "leavers").0, 0.0);
    // Paid in training on days 2 and 3: 10 × 2 × 24 hours, in the group's cost at 20 an hour.
    assert_eq!(metric(&json, "desk", "training_hours").0, 480.0);
    let json = run_text(
        &text.replace("count = 10\n", "count = 10\ncost_per_hour = 20\n"),
        &[],
    );
    let (cost, _) = metric(&json, "desk", "agent_cost");
    assert!((cost - 20.0 * (1920.0 + 480.0)).abs() < 1e-6, "{cost}");
}

#[test]
fn a_class_is_paid_in_training_while_it_stays() {
    // tests/data/hires.toml: 30 hired on day 61, trained for 14 days around the clock, each
    // paid 24 hours on every day it starts still there: survival e^(−r·d) on day d.
    let json = json_out(supportsim().args(["run", "tests/data/hires.toml", "--json"]));
    let r = -(0.9f64.ln()) / 30.4375;
    let expected: f64 = (0..14)
        .map(|d| 30.0 * 24.0 * (-r * f64::from(d)).exp())
        .sum();
    let (hours, se) = metric(&json, "team", "training_hours");
    assert!(
        (hours - expected).abs() < 4.0 * se,
        "{hours:.1} ± {se:.2} hours in training, expected {expected:.1}"
    );
}

#[test]
fn hires_leave_at_the_groups_rate_from_the_day_they_are_hired() {
    let json = json_out(supportsim().args(["run", "tests/data/hires.toml", "--json"]));
    let month = 30.4375;
    let (p1, p2) = (0.9f64.powf(183.0 / month), 0.9f64.powf(122.0 / month));
    let expected = 50.0 * p1 + 30.0 * p2;
    let (left, se) = metric(&json, "team", "agents_end");
    assert!(
        (left - expected).abs() < 4.0 * se,
        "{left:.2} ± {se:.3} agents at the end, expected 50 × {p1:.4} + 30 × {p2:.4} = {expected:.2}"
    );
    // The two binomials' spread.
    let want = (50.0 * p1 * (1.0 - p1) + 30.0 * p2 * (1.0 - p2)).sqrt();
    let sd = se * 300f64.sqrt();
    assert!(
        (sd / want - 1.0).abs() < 0.2,
        "spread {sd:.2}, binomial {want:.2}"
    );
    let (gone, _) = metric(&json, "team", "leavers");
    assert!((gone + left - 80.0).abs() < 1e-9, "{gone} + {left}");
}

#[test]
fn classes_that_cannot_be_are_refused_by_key() {
    let base = std::fs::read_to_string(root().join("tests/data/hires.toml")).expect("scenario");
    let dir = tempfile::tempdir().expect("temp");
    let cases = [
        (
            "group = \"team\"",
            "group = \"nights\"",
            "names group `nights`",
        ),
        ("day = 61", "day = 200", "hired on day 200"),
        ("size = 30", "size = 0", "size"),
        (
            "training = \"2w\"",
            "training = \"2w\"\nshift = 1",
            "works around the clock",
        ),
    ];
    for (from, to, says) in cases {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, base.replace(from, to)).expect("write");
        let err = refused(supportsim().args(["validate", path.to_str().expect("utf-8")]));
        assert!(err.contains(says), "{to}: {err}");
        assert!(err.contains("bad.toml:"), "{to}: {err}");
    }
}

#[test]
fn staffing_plans_refuse_a_changing_workforce_by_name() {
    for command in ["staff", "roster"] {
        let err = refused(supportsim().args([command, "tests/data/hires.toml"]));
        assert!(err.contains("tests/data/hires.toml"), "{err}");
        assert!(err.contains("`attrition` (group `team`)"), "{err}");
    }
}

#[test]
fn new_hires_come_up_to_speed_as_the_ramp_says() {
    let json = json_out(supportsim().args(["run", "tests/data/ramp.toml", "--json"]));
    // Proficiency r(t) = 0.5 + 0.5 t/T over the whole run, contacts uniform over it: the mean
    // of 1/r is ln(1/0.5)/(1 − 0.5) = 2 ln 2, the mean of r is 0.75.
    let (aht, se) = metric(&json, "new", "aht_seconds");
    let want = 240.0 * 2.0 * 2f64.ln();
    assert!(
        (aht - want).abs() < 4.0 * se,
        "AHT {aht:.1} ± {se:.2} s, the ramp says {want:.1} s"
    );
    let fcr = &json["overall"]["fcr"];
    let (f, fse) = (
        fcr["mean"].as_f64().expect("fcr"),
        fcr["std_err"].as_f64().expect("se"),
    );
    assert!(
        (f - 0.6).abs() < 4.0 * fse,
        "FCR {f:.4} ± {fse:.4}, the ramp says 0.8 × 0.75 = 0.6"
    );
    // Without the ramp the same hires handle at full speed.
    let text = std::fs::read_to_string(root().join("tests/data/ramp.toml")).expect("scenario");
    let flat = run_text(
        &text.replace("ramp_up = { from = 0.5, over = \"6d\" }\n", ""),
        &[],
    );
    let (aht0, se0) = metric(&flat, "new", "aht_seconds");
    // A ramp for a group nobody is hired into changes nothing, and says so.
    let dir = tempfile::tempdir().expect("temp");
    let idle = dir.path().join("idle.toml");
    let text2 = text
        .replace("count = 0", "count = 50")
        .replace("[[hires]]\ngroup = \"new\"\nday = 0\nsize = 50\n", "");
    std::fs::write(&idle, text2).expect("write");
    let out = supportsim()
        .args(["validate", idle.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`ramp_up` of agent group `new` changes nothing"),
        "{err}"
    );
    assert!((aht0 - 240.0).abs() < 4.0 * se0, "{aht0} ± {se0}");
}

/// A topic's mean and standard error of `metric` in a run's JSON.
fn topic_metric(json: &serde_json::Value, topic: &str, metric: &str) -> (f64, f64) {
    let m = &json["topics"][topic][metric];
    (
        m["mean"]
            .as_f64()
            .unwrap_or_else(|| panic!("{topic} {metric}")),
        m["std_err"].as_f64().expect("se"),
    )
}

#[test]
fn each_skill_comes_up_to_speed_on_its_own_curve() {
    let json = json_out(supportsim().args(["run", "tests/data/ramp-skills.toml", "--json"]));
    // Billing: r(t) = 0.5 + 0.5 t/6 d over the run: mean 1/r = 2 ln 2, mean r = 0.75.
    // Technical: r(t) = 0.25 + 0.75 t/3 d for the first half, then 1: mean 1/r =
    // ½ · ln(1/0.25)/(1 − 0.25) + ½, mean r = ½ · 0.625 + ½.
    let cases = [
        ("billing", 2.0 * 2f64.ln(), 0.75),
        ("technical", 0.5 * 4f64.ln() / 0.75 + 0.5, 0.5 * 0.625 + 0.5),
    ];
    for (topic, inverse, mean) in cases {
        let (aht, se) = topic_metric(&json, topic, "aht_seconds");
        let want = 240.0 * inverse;
        println!("{topic}: AHT {aht:.1} ± {se:.2} s, the curve says {want:.1} s");
        assert!(
            (aht - want).abs() < 4.0 * se,
            "{topic} AHT {aht} ± {se}, want {want}"
        );
        let (fcr, se) = topic_metric(&json, topic, "fcr");
        println!(
            "{topic}: FCR {fcr:.4} ± {se:.4}, the curve says {:.4}",
            0.8 * mean
        );
        assert!(
            (fcr - 0.8 * mean).abs() < 4.0 * se,
            "{topic} FCR {fcr} ± {se}"
        );
    }
    // A skill the group does not have, or a topic that does not exist, is refused by name.
    let text = std::fs::read_to_string(root().join("tests/data/ramp-skills.toml")).expect("reads");
    let dir = tempfile::tempdir().expect("temp");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text.replace("skills = { technical", "skills = { tecnical"),
    )
    .expect("w");
    let err = refused(supportsim().args(["validate", bad.to_str().expect("utf-8")]));
    assert!(err.contains("no topic is called `tecnical`"), "{err}");
    assert!(err.contains("bad.toml:"), "{err}");
}
