//! `reassign` on a topic against theory. Two single-agent queues in tandem: `front` answers
//! every ticket (Poisson, λ = 3/h; exponential touches of 12 min, μ = 5/h), and half are then
//! handed to `back` for a touch of their own. `front` is an M/M/1 queue; by Burke's theorem
//! (Burke 1956, "The output of a queuing system", Operations Research 4) its departures are
//! Poisson at λ, so the hand-offs reach `back` as a Poisson stream of λ/2 and `back` is an
//! M/M/1 queue too (Jackson 1957, "Networks of waiting lines"). The mean wait of an M/M/1 queue
//! is ρ/(μ − λ): 1,080 s at `front`, 308.6 s at `back`; a ticket's mean time to resolution is
//! `front`'s sojourn plus, for half of them, `back`'s: 1,800 + (308.6 + 720)/2 = 2,314.3 s.

use serde_json::Value;

use crate::util::{json_out, root, supportsim};

fn mean_and_se(v: &Value) -> (f64, f64) {
    (
        v["mean"].as_f64().expect("mean"),
        v["std_err"].as_f64().expect("std_err"),
    )
}

fn within(what: &str, v: &Value, truth: f64) {
    let (m, se) = mean_and_se(v);
    assert!(
        se > 0.0 && (m - truth).abs() <= 4.0 * se,
        "{what}: simulated {m} ± {se}, theory {truth}: more than 4 standard errors apart"
    );
}

#[test]
fn tickets_handed_to_another_group_wait_in_its_queue_as_jackson_says() {
    let v = json_out(
        supportsim()
            .arg("run")
            .arg(root().join("tests/data/reassign-tandem.toml"))
            .arg("--json"),
    );
    let (lambda, mu) = (3.0 / 3600.0, 5.0 / 3600.0);
    let wq = |l: f64| (l / mu) / (mu - l);
    within(
        "front's mean wait",
        &v["agents"]["front"]["asa_seconds"],
        wq(lambda),
    );
    within(
        "back's mean wait",
        &v["agents"]["back"]["asa_seconds"],
        wq(lambda / 2.0),
    );
    within(
        "time to resolution",
        &v["topics"]["intake"]["resolution_time_seconds"],
        wq(lambda) + 1.0 / mu + 0.5 * (wq(lambda / 2.0) + 1.0 / mu),
    );
    // Half the tickets get a second touch, at `back`; the statistics stay with `intake`.
    let front = mean_and_se(&v["agents"]["front"]["handled"]).0;
    let back = mean_and_se(&v["agents"]["back"]["handled"]).0;
    // Binomial: over 20 replications of about 3,900 tickets the share's error is 0.0018.
    assert!(
        (back / front - 0.5).abs() < 4.0 * 0.0018,
        "{back} of {front}"
    );
    assert_eq!(v["topics"]["specialist"]["offered"]["mean"], 0.0, "{v}");
}

/// The hand-offs show in the event log `run --ticket-events` writes (the ticket moves to the
/// receiving group, with no wait on the customer in between), and `fit --events` reads their
/// share back within four standard errors.
#[test]
fn reassignments_are_written_to_the_event_log_and_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log =
        crate::tickets::ticket_events(dir.path(), &root().join("tests/data/reassign-tandem.toml"));
    let v = crate::tickets::fit_json(
        &log,
        &root().join("mappings/supportsim-events.toml"),
        &["--effort", "12m"],
    );
    let n = v["tickets"].as_f64().expect("tickets");
    let share = v["reassigned_share"].as_f64().expect("share");
    let se = (0.25 / n).sqrt();
    assert!((share - 0.5).abs() <= 4.0 * se, "{share} ± {se}");
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(
        !text.contains("Awaiting"),
        "no wait on the customer: touches = 1"
    );
}

fn refused(scenario: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, scenario).expect("writes");
    let out = supportsim()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{scenario}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_hand_off_nowhere_is_refused() {
    let base =
        std::fs::read_to_string(root().join("tests/data/reassign-tandem.toml")).expect("scenario");
    let with = |to: &str| {
        base.replace(
            "reassign = { share = 0.5, to = { specialist = 1.0 } }",
            &format!("reassign = {{ share = 0.5, to = {to} }}"),
        )
    };
    let e = refused(&with("{ nobody = 1.0 }"));
    assert!(
        e.contains("`nobody`") && e.contains("the topics are"),
        "{e}"
    );
    let e = refused(&with("{ specialist = 0.4 }"));
    assert!(e.contains("add up to 0.4"), "{e}");
    let e = refused(&with("{ intake = 1.0 }"));
    assert!(e.contains("their own topic"), "{e}");
    // No group serves the receiving topic.
    let e = refused(&base.replace("skills = { specialist = 1.0 }", "skills = { intake = 1.0 }"));
    assert!(e.contains("which no tier-1 group serves"), "{e}");
}

/// The round trip through an event log: a desk whose `front` hands 40% of its answered
/// `intake` tickets to `back` writes its tickets (`run --ticket-events`); fitted back with
/// per-group queues, `front`'s topic hands the same share to `back`'s (binomial error over its
/// answered tickets, four of them), the hand-offs are not taken for holds (touches come back
/// at 1.5 within four standard errors), and the refitted desk makes about the touches of the
/// original in each group: agent-hours front ÷ back as the model's workload says,
/// 0.7 · (0.6 · 1.5 + 0.4) ÷ (0.3 · 1.5 + 0.7 · 0.4 · 1.5) = 1.046, within 15% (about four
/// errors of the two groups' counts, touches and half-hour rota).
#[test]
fn hand_offs_are_fitted_back_from_the_event_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("events.csv");
    let fitted = dir.path().join("fitted.toml");
    supportsim()
        .arg("run")
        .arg(root().join("tests/data/reassign-desk.toml"))
        .arg("--ticket-events")
        .arg(&log)
        .assert()
        .success();
    let out = fitted.to_string_lossy().into_owned();
    let v = crate::tickets::fit_json(
        &log,
        &root().join("mappings/supportsim-events.toml"),
        &["--effort", "12m", "--queues", "groups", "--out", &out],
    );
    let touches = &v["touches"];
    let (t, se) = (
        touches["value"].as_f64().expect("touches"),
        touches["se"].as_f64().expect("se"),
    );
    assert!((t - 1.5).abs() <= 4.0 * se, "touches {t} ± {se}");
    let text = std::fs::read_to_string(&fitted).expect("fitted");
    let line = text
        .lines()
        .find(|l| l.starts_with("reassign"))
        .unwrap_or_else(|| panic!("no reassign in {text}"));
    assert!(line.ends_with("to = { back = 1.0 } }"), "{line}");
    let share: f64 = line
        .trim_start_matches("reassign = { share = ")
        .split(',')
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    // About 4,800 answered intake tickets.
    let se = (0.4_f64 * 0.6 / 4800.0).sqrt();
    assert!((share - 0.4).abs() <= 4.0 * se, "{share}");
    let r = json_out(supportsim().arg("run").arg(&fitted).arg("--json"));
    let hours = |g: &str| {
        r["agents"][g]["scheduled_hours"]["mean"]
            .as_f64()
            .unwrap_or_else(|| panic!("{g} in {r}"))
    };
    let ratio = hours("front") / hours("back");
    let expected = 0.7 * (0.6 * 1.5 + 0.4) / (0.3 * 1.5 + 0.7 * 0.4 * 1.5);
    assert!(
        (ratio / expected - 1.0).abs() < 0.15,
        "{ratio} vs {expected}"
    );
}
