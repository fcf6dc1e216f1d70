//! Sweeps (`sweep_days`): on that share of its working days an agent takes its channels oldest
//! first. Checked where the answer is known: sweeping every day is first come, first served
//! exactly; in an M/M/c queue any mix of orders that does not look at service times keeps the
//! chance to wait and the mean wait of Erlang C (the agents work whenever anyone waits, so the
//! number waiting does not depend on whom they take); and a desk's sweeps are read back from
//! the event log `run --ticket-events` writes.

use supportsim::engine::{ContactOutcome, ContactRecord, ContactSink};

use crate::util::{mean_se, root};

/// Every answered contact's arrival and wait, in the order they are reported.
#[derive(Default)]
struct Waits(Vec<(f64, f64)>);

impl ContactSink for Waits {
    fn contact(&mut self, r: &ContactRecord) -> std::io::Result<()> {
        if r.outcome == ContactOutcome::Answered {
            self.0.push((r.arrival, r.wait));
        }
        Ok(())
    }
}

/// The M/M/10 desk of the queue-order checks taken in `order`, its agents sweeping on the
/// share `sweep` of their days.
fn desk(order: &str, sweep: Option<f64>) -> String {
    let sweep = sweep.map_or(String::new(), |s| format!("sweep_days = {s}\n"));
    crate::order::desk(order, "", &sweep)
}

fn waits(text: &str, rep: u32) -> Vec<(f64, f64)> {
    let model = supportsim::scenario::parse("sweeps.toml", text, "sweeps")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let mut w = Waits::default();
    crate::util::simulate_into(&model, rep, &mut w);
    w.0
}

#[test]
fn sweeping_every_day_is_first_come_first_served_and_never_is_the_channels_order() {
    let fifo = waits(&desk("oldest_first", None), 0);
    assert_eq!(waits(&desk("newest_first", Some(1.0)), 0), fifo);
    let newest = waits(&desk("newest_first", None), 0);
    assert_ne!(newest, fifo);
    assert_eq!(waits(&desk("newest_first", Some(0.0)), 0), newest);
}

#[test]
fn a_desk_sweeping_some_days_keeps_erlang_c_chance_to_wait_and_mean_wait() {
    let text = desk("newest_first", Some(0.3));
    let (lambda, mu, c) = (100.0 / 3600.0, 1.0 / 300.0, 10.0);
    let pw = supportsim::queueing::erlang_c(10, lambda / mu);
    let (mut p, mut m1) = (Vec::new(), Vec::new());
    for rep in 0..40 {
        let w: Vec<f64> = waits(&text, rep)
            .into_iter()
            .filter(|x| x.0 >= 2.0 * 86_400.0)
            .map(|x| x.1)
            .collect();
        let n = w.len() as f64;
        p.push(w.iter().filter(|&&x| x > 0.0).count() as f64 / n);
        m1.push(w.iter().sum::<f64>() / n);
    }
    for (what, x, truth) in [
        ("P(wait)", &p, pw),
        ("mean wait", &m1, pw / (c * mu - lambda)),
    ] {
        let (m, se) = mean_se(x);
        assert!(
            (m - truth).abs() <= 4.0 * se,
            "{what} {m} ± {se}, Erlang C {truth} is more than 4 standard errors away"
        );
    }
}

/// The diagnostics of loading the M/M/10 desk with `sweep_days = share` in `order`.
fn loaded(order: &str, share: &str) -> Result<String, String> {
    let text = desk(order, None) + &format!("sweep_days = {share}\n");
    supportsim::scenario::parse("sweeps.toml", &text, "sweeps")
        .map(|l| l.warnings.render())
        .map_err(|e| e.to_string())
}

#[test]
fn sweeps_that_change_nothing_are_warned_of_and_a_share_above_one_is_refused() {
    let w = loaded("oldest_first", "0.1").expect("loads");
    assert!(
        w.contains("`sweep_days`") && w.contains("has no effect") && w.contains(":20:"),
        "{w}"
    );
    assert!(
        !loaded("newest_first", "0.1")
            .expect("loads")
            .contains("sweep_days")
    );
    let e = loaded("newest_first", "1.5").expect_err("refused");
    assert!(e.contains("sweep_days") && e.contains(":20:"), "{e}");
}

/// The round-trip desk (`tests/data/tickets-round-trip.toml`) answering newest first, with
/// one touch a ticket and half its agents (9 on weekdays, 2 at weekends: about as many
/// agent-hours as the work, so a backlog of new tickets waits most of the day, as on the
/// desks that sweep), and `sweep` on its group; written by `run --ticket-events` and fitted
/// back: what the fit reads of its sweeps.
fn read_back(sweep: Option<f64>) -> (f64, serde_json::Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = std::fs::read_to_string(root().join("tests/data/tickets-round-trip.toml"))
        .expect("scenario");
    for (from, to) in [
        (
            "answer_within = \"8h\"\n",
            "answer_within = \"8h\"\nqueue_order = \"newest_first\"\n",
        ),
        ("touches = 1.8\n", ""),
        (
            "reply_delay = { dist = \"lognormal\", mean = \"6h\", cv = 1.2 }\n",
            "",
        ),
        ("count = 18 }", "count = 9 }"),
        ("count = 4 }", "count = 2 }"),
    ] {
        assert!(text.contains(from), "no {from}");
        text = text.replace(from, to);
    }
    if let Some(s) = sweep {
        text = text.replace(
            "channels = [\"email\"]\n",
            &format!("channels = [\"email\"]\nsweep_days = {s}\n"),
        );
    }
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, text).expect("writes");
    let v = crate::tickets::fit_own_log(dir.path(), &scenario);
    let sweeps = v["pick_bias"]["sweeps"].clone();
    (sweeps["share"].as_f64().expect("share"), sweeps)
}

/// Sweeps written into a log are read back: agent-days sweep with chance 0.15, so over the
/// run's 196 agent-days the share sweeping has a standard error of √(0.15 × 0.85 ÷ 196) =
/// 0.026; with every pick a first response among others waiting, each agent-day makes about
/// as many picks, and the fit's share of picks made sweeping must lie within four of those
/// errors of 0.15. A desk that never sweeps reads as (almost) none.
#[test]
fn a_desk_s_sweeping_days_are_read_back_from_its_log() {
    let (share, sweeps) = read_back(Some(0.15));
    let se = (0.15f64 * 0.85 / 196.0).sqrt();
    assert!((share - 0.15).abs() <= 4.0 * se, "{sweeps}");
    assert!(
        sweeps["oldest_decile"].as_f64().expect("decile") > 0.9,
        "{sweeps}"
    );
    let (none, sweeps) = read_back(None);
    assert!(none < 0.01, "{sweeps}");
}

/// A desk that draws its picks at random, newer likelier (`newest_bias = 0.5`), never sweeps,
/// yet some of its person-days take older tickets than others: the mixture's class at the
/// oldest end is then a spread of older picks (under half in the oldest tenth), and the fitted
/// scenario gets no `sweep_days`.
#[test]
fn a_desk_drawing_at_random_is_not_fitted_with_sweeps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join("tests/data/tickets-round-trip.toml"))
        .expect("scenario");
    let from = "answer_within = \"8h\"\n";
    assert!(text.contains(from));
    let text = text.replace(
        from,
        "answer_within = \"8h\"\nqueue_order = \"random\"\nnewest_bias = 0.5\n",
    );
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, text).expect("writes");
    let log = crate::tickets::ticket_events(dir.path(), &scenario);
    let mapping = root().join("mappings/supportsim-events.toml");
    let v = crate::tickets::fit_json(&log, &mapping, &["--effort", "12m"]);
    let sweeps = &v["pick_bias"]["sweeps"];
    assert!(
        sweeps["oldest_decile"].as_f64().expect("decile") < 0.5,
        "{sweeps}"
    );
    let fitted = dir.path().join("fitted.toml");
    crate::util::supportsim()
        .arg("fit")
        .arg(&log)
        .arg("--events")
        .arg(&mapping)
        .args(["--effort", "12m", "--out"])
        .arg(&fitted)
        .assert()
        .success();
    let written = std::fs::read_to_string(&fitted).expect("fitted scenario");
    assert!(
        written.contains("queue_order = \"newest_first\""),
        "{written}"
    );
    assert!(!written.contains("sweep_days"), "{written}");
}
