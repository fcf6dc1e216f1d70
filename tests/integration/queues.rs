//! A desk of several queues: `fit --events --queues groups` reads each assignment group's
//! tickets as its own topic, served only by that group's agents, sized from what the group did.

use serde_json::Value;

use crate::tickets::fit_json;
use crate::util::{json_out, root, supportsim};

fn run_json(scenario: &std::path::Path) -> Value {
    json_out(supportsim().arg("run").arg(scenario).arg("--json"))
}

/// Two groups, `front` taking the `access` topic (70%) and `hardware desk` the `hardware`
/// topic (30%), with the same effort per touch: fitted back by group, the topics are the
/// groups with the true shares (within four standard errors), each topic needs its group's
/// skill and only that group has it, and the agent-hours each group gets follow its touches:
/// 7 : 3. That ratio's error is about 4% (the two groups' ticket counts and touches over 28
/// days, and the rota's half hours), so 15% is about four of them. The tickets still
/// unanswered at the end, in no group in the log, go to the busiest group's queue.
#[test]
fn each_group_gets_its_own_queue_and_agents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("events.csv");
    let fitted = dir.path().join("fitted.toml");
    supportsim()
        .arg("run")
        .arg(root().join("tests/data/tickets-two-queues.toml"))
        .arg("--ticket-events")
        .arg(&log)
        .assert()
        .success();
    let mapping = root().join("mappings/supportsim-events.toml");
    let fitted_arg = fitted.to_string_lossy().into_owned();
    let v = fit_json(
        &log,
        &mapping,
        &[
            "--effort",
            "12m",
            "--queues",
            "groups",
            "--out",
            &fitted_arg,
        ],
    );
    let topics = v["topics"].as_array().expect("topics");
    let share = |name: &str| {
        let t = topics
            .iter()
            .find(|t| t[0] == name)
            .unwrap_or_else(|| panic!("no topic {name} in {v}"));
        (
            t[1]["value"].as_f64().expect("value"),
            t[1]["se"].as_f64().expect("se"),
        )
    };
    // The tickets still unanswered at the end (about 1%) are a topic of their own in the
    // fit's shares: of the two groups' tickets, front's share is 0.7.
    let ((f, se), (h, _)) = (share("front"), share("hardware desk"));
    let front = f / (f + h);
    assert!(
        (front - 0.7).abs() <= 4.0 * se / (f + h),
        "front {front} ± {}",
        se / (f + h)
    );
    let text = std::fs::read_to_string(&fitted).expect("fitted scenario");
    assert!(text.contains("skill = \"front\""), "{text}");
    assert!(
        text.contains("skills = { \"hardware desk\" = 1.0 }"),
        "{text}"
    );
    let r = run_json(&fitted);
    let agents = r["agents"].as_object().expect("agents");
    let names: Vec<&String> = agents.keys().collect();
    assert_eq!(names, ["front", "hardware desk"], "{r}");
    let hours = |g: &str| {
        agents[g]["scheduled_hours"]["mean"]
            .as_f64()
            .expect("hours")
    };
    let ratio = hours("front") / hours("hardware desk");
    assert!(
        (ratio / (7.0 / 3.0) - 1.0).abs() < 0.15,
        "agent-hours front ÷ hardware desk {ratio}, true 7 : 3"
    );
    // Both groups work their own queue.
    for g in ["front", "hardware desk"] {
        assert!(
            agents[g]["handled"]["mean"].as_f64().expect("handled") > 1000.0,
            "{r}"
        );
    }
    // A backtest replays each ticket into its group's queue.
    let v = json_out(
        supportsim()
            .arg("backtest")
            .arg(&log)
            .arg("--events")
            .arg(&mapping)
            .args([
                "--from",
                "2024-01-15",
                "--effort",
                "12m",
                "--queues",
                "groups",
                "--replications",
                "20",
                "--json",
            ]),
    );
    assert_eq!(v["days"], 14, "{v}");
}

/// Per-group queues need a log that names its groups.
#[test]
fn queues_by_group_need_a_group_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("events.csv");
    std::fs::write(
        &log,
        "ticket,state,updated_at,opened_at\nT1,New,2024-01-01 09:00:00,2024-01-01 09:00:00\n",
    )
    .expect("log");
    let mapping = dir.path().join("m.toml");
    std::fs::write(
        &mapping,
        "date_format = \"iso\"\n[columns]\nticket = \"ticket\"\nstate = \"state\"\nupdated_at = \"updated_at\"\nopened_at = \"opened_at\"\n[states]\nnew = [\"New\"]\nactive = [\"Active\"]\nresolved = [\"Resolved\"]\nclosed = [\"Closed\"]\n",
    )
    .expect("mapping");
    let err =
        crate::tickets::fit_refused(&log, &mapping, &["--effort", "10m", "--queues", "groups"]);
    assert!(
        err.contains("--queues groups") && err.contains("group"),
        "{err}"
    );
}
