//! `supportsim plan`: the long range week by week. Its weekly figures are checked where the
//! answer is known — a hiring class's agents in training and joining the floor, exactly; the
//! absence burnout brings to a team kept fully busy, within its binomial standard error — and
//! its output is the same on any number of threads.

use crate::util::{json_out, refused, run_json, supportsim};

/// Week `w`'s (from 1) figure `name` in a plan's JSON: (mean, p10, p90).
fn figure(json: &serde_json::Value, w: usize, name: &str) -> (f64, f64, f64) {
    let f = &json["weeks"][w - 1]["figures"][name];
    match (f["mean"].as_f64(), f["p10"].as_f64(), f["p90"].as_f64()) {
        (Some(m), Some(lo), Some(hi)) => (m, lo, hi),
        _ => panic!("no `{name}` in week {w}: {}", json["weeks"][w - 1]),
    }
}

#[test]
fn a_hiring_class_trains_then_joins_the_floor_in_the_weeks_it_says() {
    // tests/data/hires.toml without attrition: 30 hired on day 61 (week 9), two weeks of
    // training, on the floor from day 75 (week 11).
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("hires.toml");
    let text = std::fs::read_to_string("tests/data/hires.toml").expect("scenario");
    assert!(text.contains("attrition = 0.1\n"));
    std::fs::write(&scenario, text.replace("attrition = 0.1\n", "")).expect("write");
    let json = json_out(supportsim().arg("plan").arg(&scenario).args([
        "--weeks",
        "13",
        "--replications",
        "5",
        "--json",
    ]));
    assert_eq!(json["weeks"].as_array().map(Vec::len), Some(13));
    let hiring = &json["weeks"][8]["hiring"][0];
    assert_eq!(hiring["event"], "hired", "{hiring}");
    assert_eq!(hiring["size"], 30);
    assert_eq!(json["weeks"][10]["hiring"][0]["event"], "joins the floor");
    // In training: 30 on each of days 61–74 and nobody else; week 9 (days 56–62) has two of
    // its days, week 10 all seven, week 11 (days 70–76) five.
    for (w, days) in [(8, 0.0), (9, 2.0), (10, 7.0), (11, 5.0), (12, 0.0)] {
        let (t, lo, hi) = figure(&json, w, "in_training");
        assert!(
            (t - 30.0 * days / 7.0).abs() < 1e-9 && lo == hi,
            "week {w}: {t} in training"
        );
    }
    let (joined, lo, hi) = figure(&json, 11, "hires_on_floor");
    assert_eq!((joined, lo, hi), (30.0, 30.0, 30.0));
    // Headcount on strength: the team of 50, then 80 from the class's first day on the floor
    // (day 75: the last two days of week 11).
    assert_eq!(figure(&json, 10, "headcount"), (50.0, 50.0, 50.0));
    let (h, _, _) = figure(&json, 11, "headcount");
    assert!((h - (50.0 + 30.0 * 2.0 / 7.0)).abs() < 1e-9, "{h}");
    assert_eq!(figure(&json, 12, "headcount"), (80.0, 80.0, 80.0));
}

#[test]
fn burnout_absence_shows_in_the_weeks_within_its_binomial_error() {
    let json = json_out(supportsim().args([
        "plan",
        "tests/data/burnout.toml",
        "--replications",
        "10",
        "--json",
    ]));
    // Weeks 2–8: every day after the first has an excess e = (occupancy − 0.5) ÷ 0.5 ≈ 1.
    let (mut sum, mut agent_days) = (0.0, 0.0);
    for w in 2..=8 {
        let (occupancy, _, _) = figure(&json, w, "occupancy");
        let (absence, _, _) = figure(&json, w, "absence");
        let (headcount, _, _) = figure(&json, w, "headcount");
        let e = (occupancy - 0.5) / 0.5;
        sum += absence - 0.2 * e;
        agent_days += headcount * 7.0 * 10.0;
    }
    let bias = sum / 7.0;
    // Each agent-day is absent with probability 0.2e, independently.
    let se = (0.2 * 0.8 / agent_days).sqrt();
    assert!(
        bias.abs() < 4.0 * se,
        "absence off by {bias:.4} (s.e. {se:.4})"
    );
}

#[test]
fn a_plan_is_the_same_on_any_number_of_threads() {
    let args = [
        "plan",
        "tests/data/hires.toml",
        "--weeks",
        "10",
        "--replications",
        "6",
        "--json",
    ];
    assert_eq!(run_json(&args, "1"), run_json(&args, "3"));
}

#[test]
fn a_plan_writes_its_weeks_and_charts_and_refuses_a_horizon_inside_the_warm_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan");
    supportsim()
        .args(["plan", "tests/data/hires.toml", "--weeks", "4"])
        .args(["--replications", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("weeks.csv")).expect("weeks.csv");
    assert!(csv.starts_with("week,start_day,headcount_mean,headcount_p10,headcount_p90,"));
    assert_eq!(csv.lines().count(), 5, "{csv}");
    let svgs = std::fs::read_dir(&out)
        .expect("folder")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "svg"))
        })
        .count();
    assert_eq!(svgs, 2);

    let scenario = dir.path().join("warm.toml");
    let text = std::fs::read_to_string("tests/data/hires.toml").expect("scenario");
    std::fs::write(
        &scenario,
        text.replace("days = 183", "days = 183\nwarmup_days = 14"),
    )
    .expect("write");
    let err = refused(
        supportsim()
            .arg("plan")
            .arg(&scenario)
            .args(["--weeks", "2"]),
    );
    assert!(err.contains("warm-up"), "{err}");
}

#[test]
fn a_week_with_nothing_offered_has_no_targets_met_figure() {
    // A week of warm-up: no contact counted, so nothing met or missed; the week after has one.
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("warm.toml");
    let text = std::fs::read_to_string("scenarios/growing-year.toml").expect("scenario");
    assert!(text.contains("days = 364"));
    std::fs::write(
        &scenario,
        text.replacen("days = 364", "days = 364\nwarmup_days = 7", 1),
    )
    .expect("write");
    let json = json_out(supportsim().arg("plan").arg(&scenario).args([
        "--weeks",
        "2",
        "--replications",
        "2",
        "--json",
    ]));
    assert!(
        json["weeks"][0]["figures"]["targets_met"]["mean"].is_null(),
        "{}",
        json["weeks"][0]["figures"]["targets_met"]
    );
    let met = json["weeks"][1]["figures"]["targets_met"]["mean"].as_f64();
    assert!(met.is_some_and(|x| (0.0..=1.0).contains(&x)), "{met:?}");
}
