//! `supportsim staff`: requirements that, fed back as the schedule, meet the targets.

use assert_cmd::Command;

use crate::util::root;

/// Runs supportsim from the repository root and returns its standard output; fails the test
/// with its standard error if it does not succeed.
fn succeed(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(root())
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a staffed plan with the scenario's own replications and returns how many intervals
/// with traffic meet their target, and how many there are.
fn replay(plan: &std::path::Path, run: &std::path::Path) -> (u32, u32) {
    succeed(&[
        "run".as_ref(),
        plan.as_os_str(),
        "--out".as_ref(),
        run.as_os_str(),
    ]);
    meeting_targets(run)
}

/// Of the intervals with traffic in a run's intervals.csv (mid-size's channels), how many meet
/// their channel's target, and how many there are.
fn meeting_targets(run: &std::path::Path) -> (u32, u32) {
    let targets = [("phone", 0.8), ("chat", 0.8), ("email", 0.9)];
    let intervals = std::fs::read_to_string(run.join("intervals.csv")).expect("intervals");
    let mut lines = intervals.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (ch, offered, sl) = (
        col("channel"),
        col("offered_mean"),
        col("service_level_mean"),
    );
    let (mut with_traffic, mut met) = (0u32, 0u32);
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        let Ok(o) = f[offered].parse::<f64>() else {
            continue;
        };
        let Ok(s) = f[sl].parse::<f64>() else {
            continue;
        };
        if o < 1.0 {
            continue;
        }
        let target = targets
            .iter()
            .find(|t| t.0 == f[ch])
            .expect("known channel")
            .1;
        with_traffic += 1;
        met += u32::from(s >= target);
    }
    (met, with_traffic)
}

#[test]
fn a_shared_team_meets_targets_when_fed_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan");
    let table = succeed(&[
        "staff".as_ref(),
        "scenarios/mid-size.toml".as_ref(),
        "--blend".as_ref(),
        "--out".as_ref(),
        plan.as_os_str(),
    ]);
    assert!(
        table.contains("shared team, every agent on every channel"),
        "{table}"
    );
    for f in [
        "staffed-blended.toml",
        "staffing-team.csv",
        "staffing-team.svg",
    ] {
        assert!(plan.join(f).is_file(), "{f}");
    }
    let staffed = std::fs::read_to_string(plan.join("staffed-blended.toml")).expect("toml");
    assert!(staffed.contains("staff team") && !staffed.contains("staff phone"));
    let (met, with_traffic) = replay(&plan.join("staffed-blended.toml"), &dir.path().join("run"));
    assert!(with_traffic > 1000);
    assert!(
        f64::from(met) >= 0.95 * f64::from(with_traffic),
        "{met} of {with_traffic}"
    );
}

#[test]
fn mid_size_requirements_meet_targets_when_fed_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan");
    let table = succeed(&[
        "staff".as_ref(),
        "scenarios/mid-size.toml".as_ref(),
        "--out".as_ref(),
        plan.as_os_str(),
    ]);
    assert!(table.contains("full-time equivalents"), "{table}");
    for f in [
        "staffing.csv",
        "staffed.toml",
        "staffing-phone.svg",
        "staffing-chat.svg",
        "staffing-email.svg",
    ] {
        assert!(plan.join(f).is_file(), "{f}");
    }
    let csv = std::fs::read_to_string(plan.join("staffing.csv")).expect("csv");
    assert_eq!(
        csv.lines().count(),
        1 + 3 * 7 * 48,
        "every channel, weekday and half hour"
    );

    // Feed the requirements back as the schedule and simulate it with the scenario's own
    // replications: at least 95% of intervals with traffic meet their channel's target.
    let (met, with_traffic) = replay(&plan.join("staffed.toml"), &dir.path().join("run"));
    let share = f64::from(met) / f64::from(with_traffic);
    println!(
        "{met} of {with_traffic} intervals with traffic meet their target ({:.1}%)",
        share * 100.0
    );
    assert!(with_traffic > 1000);
    assert!(share >= 0.95, "{met} of {with_traffic}");
}

#[test]
fn simulation_corrects_an_analytic_guess_that_misses() {
    // Sharp half-hourly peaks with long, variable handle times: calls from a busy half hour
    // spill into the quiet one after it, which a per-interval Erlang guess cannot see; the
    // simulation rounds raise those intervals.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("small.toml");
    std::fs::write(
        &file,
        "[simulation]\ndays = 8\nwarmup_days = 1\ninterval = \"30m\"\nreplications = 8\n\n[volume]\nper_day = 600\n# Half-hours alternating between quiet and eight times busier.\nintraday = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 8, 1, 8, 1, 8, 1, 8, 1, 8, 1, 8, 1, 8, 1, 8, 1, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n\n[channels.phone]\nkind = \"call\"\nhandle_time = { dist = \"lognormal\", mean = \"12m\", cv = 1.5 }\nanswer_within = \"20s\"\nservice_level_target = 0.8\n\n[[agents]]\nname = \"desk\"\ncount = 30\nchannels = [\"phone\"]\n",
    )
    .expect("write");
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        // Half-hour pieces kept as they are: the test is of the rounds, not of shift lengths.
        .args(["staff", "--json", "--min-shift", "30m"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        v["intervals_meeting_target"].as_f64().expect("share") >= 0.97,
        "{}",
        v["intervals_meeting_target"]
    );
    let reqs = v["requirements"].as_array().expect("requirements");
    let raised = reqs
        .iter()
        .filter(|r| r["required_agents"].as_u64() > r["analytic_agents"].as_u64())
        .count();
    println!(
        "rounds {}, intervals raised above the Erlang guess: {raised}",
        v["rounds"]
    );
    assert!(
        v["rounds"].as_u64().expect("rounds") >= 1 && raised > 0,
        "the simulation had to correct the guess"
    );
}

#[test]
fn a_staffed_plan_has_no_shift_shorter_than_the_minimum_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("plan");
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(crate::util::root())
        .args([
            "staff",
            "scenarios/quick-start.toml",
            "--replications",
            "4",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    let note = table
        .lines()
        .find(|l| l.starts_with("shifts of at least 4h00m: "))
        .unwrap_or_else(|| panic!("no note on lengthened shifts in\n{table}"));
    assert!(
        note.contains("shorter pieces of the stacked plan lengthened, adding"),
        "{note}"
    );
    let text = std::fs::read_to_string(out_dir.join("staffed.toml")).expect("staffed.toml");
    let minutes = |t: &str| -> u32 {
        let (h, m) = t.split_once(':').expect("HH:MM");
        h.parse::<u32>().expect("hours") * 60 + m.parse::<u32>().expect("minutes")
    };
    let mut shifts = 0;
    for line in text.lines().filter(|l| l.contains("start = \"")) {
        let field = |key: &str| {
            let rest = line.split(&format!("{key} = \"")).nth(1).expect("field");
            rest.split('"').next().expect("value").to_string()
        };
        let (start, end) = (minutes(&field("start")), minutes(&field("end")));
        assert!(end - start >= 240, "a shift shorter than 4 h: {line}");
        shifts += 1;
    }
    assert!(shifts > 5, "{text}");
    // The run of the plan counts people, not shift rows.
    let run = Command::cargo_bin("supportsim")
        .expect("binary")
        .args(["validate"])
        .arg(out_dir.join("staffed.toml"))
        .output()
        .expect("runs");
    assert!(run.status.success());
    let said = String::from_utf8_lossy(&run.stdout).trim().to_string();
    let agents: u32 = said
        .split(", ")
        .find_map(|p| p.strip_suffix(" agents.").and_then(|n| n.parse().ok()))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        agents < shifts * 2,
        "{agents} agents for {shifts} shift rows: {said}"
    );
}

#[test]
fn a_bot_that_contains_everything_needs_no_agents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(crate::util::root().join("scenarios/quick-start.toml"))
        .expect("scenario")
        + "\n[automation]\nchannels = [\"email\"]\nbot_time = { dist = \"exponential\", mean = \"3m\" }\ncontainment = 1.0\n";
    let file = dir.path().join("bot.toml");
    std::fs::write(&file, text).expect("write");
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .args(["staff", "--json", "--replications", "4"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let reqs = v["requirements"].as_array().expect("requirements");
    let agents = |channel: &str| -> u64 {
        reqs.iter()
            .filter(|r| r["channel"] == channel)
            .map(|r| r["required_agents"].as_u64().expect("agents"))
            .sum()
    };
    assert_eq!(agents("email"), 0, "every email is contained");
    assert!(agents("phone") > 0);
}

#[test]
fn a_staffed_plan_keeps_the_groups_and_has_shifts_people_can_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = std::fs::read_to_string(root().join("scenarios/mid-size.toml"))
        .expect("scenario")
        .replace(
            "name = \"generalists\"\n",
            "name = \"generalists\"\ncost_per_hour = 28.5\nchannel_order = [\"phone\", \"chat\"]\n",
        );
    let scenario = dir.path().join("mid.toml");
    std::fs::write(&scenario, &original).expect("write");
    let plan = dir.path().join("plan");
    let table = succeed(&[
        "staff".as_ref(),
        scenario.as_os_str(),
        "--replications".as_ref(),
        "4".as_ref(),
        "--out".as_ref(),
        plan.as_os_str(),
    ]);
    // Each group keeps what the planner wrote; only its shifts are planned.
    let before: toml::Table = toml::from_str(&original).expect("scenario");
    let text = std::fs::read_to_string(plan.join("staffed.toml")).expect("staffed.toml");
    let after: toml::Table = toml::from_str(&text).expect("staffed.toml");
    let groups = |t: &toml::Table| t["agents"].as_array().expect("agents").clone();
    let (before, after) = (groups(&before), groups(&after));
    assert_eq!(before.len(), after.len(), "{text}");
    for (b, a) in before.iter().zip(&after) {
        for key in [
            "name",
            "channels",
            "skills",
            "planned_shrinkage",
            "absence",
            "cost_per_hour",
            "channel_order",
        ] {
            assert_eq!(b.get(key), a.get(key), "{key} of {}", b["name"]);
        }
        let shifts = a["shifts"].as_array().expect("planned shifts");
        let minutes = |v: &toml::Value| {
            let (h, m) = v.as_str().expect("time").split_once(':').expect("HH:MM");
            h.parse::<i64>().expect("h") * 60 + m.parse::<i64>().expect("m")
        };
        for s in shifts {
            let length = minutes(&s["end"]) - minutes(&s["start"]);
            assert!(
                (240..=600).contains(&length),
                "a shift of {length} minutes: {s}"
            );
        }
    }
    // The table counts people, full-time equivalents and money per group, with its shrinkage.
    let line = table
        .lines()
        .find(|l| l.starts_with("  generalists: "))
        .unwrap_or_else(|| panic!("{table}"));
    let (people, rest) = line["  generalists: ".len()..]
        .split_once(" people, ")
        .unwrap_or_else(|| panic!("{line}"));
    let people: u32 = people.parse().expect("people");
    let (fte, rest) = rest.split_once(" FTE, ").expect("FTE");
    let (hours, rest) = rest
        .split_once(" agent-hours a week scheduled (15% shrinkage, 5% absence), ")
        .unwrap_or_else(|| panic!("{line}"));
    let hours: f64 = hours.parse().expect("hours");
    assert!(
        (fte.parse::<f64>().expect("fte") - hours / 37.5).abs() < 0.06,
        "{line}"
    );
    let cost: f64 = rest
        .strip_suffix(" a week")
        .expect("cost")
        .replace(',', "")
        .parse()
        .expect("cost");
    assert!((cost - 28.5 * hours).abs() <= 28.5, "{line}");
    // At most 10 hours a day, at most five days a week: people work at least hours ÷ 50.
    assert!(f64::from(people) >= hours / 50.0, "{line}");
    // The plan's shrinkage is simulated: agents on the floor are fewer than scheduled.
    let out = succeed(&[
        "run".as_ref(),
        plan.join("staffed.toml").as_os_str(),
        "--replications".as_ref(),
        "2".as_ref(),
        "--json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let shrinkage = v["agents"]["generalists"]["shrinkage"]["mean"]
        .as_f64()
        .expect("shrinkage");
    assert!(shrinkage > 0.15, "planned 15% and 5% absence: {shrinkage}");
}

#[test]
fn shift_limits_that_cannot_hold_are_refused() {
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(root())
        .args([
            "staff",
            "scenarios/quick-start.toml",
            "--min-shift",
            "4h",
            "--max-shift",
            "6h",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --max-shift 6h must be at most 24 hours and at least twice --min-shift (4h)\n  = help: a run longer than the longest shift is cut into shifts of at least half of it, e.g. --min-shift 4h --max-shift 10h\n"
    );
}
