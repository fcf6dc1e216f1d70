//! Queue order against theory. In an M/M/c queue the order in which waiting customers are
//! taken does not change the mean wait (the agents work whenever anyone waits, and the order
//! does not look at service times), so both orders meet Erlang C's mean wait. The spread does
//! change: a customer who must wait waits, first come first served, an exponential time with
//! rate cμ − λ (second moment 2/(cμ − λ)²); newest first, a busy period of an M/M/1 queue with
//! service rate cμ, of second moment 2cμ/(cμ − λ)³ — larger by 1/(1 − ρ) (the M/G/1 busy
//! period's moments, Kleinrock, Queueing Systems vol. 1, 1975); in random order, 2/(cμ − λ)²
//! × 2/(2 − ρ) with ρ = λ/(cμ) (Kingman, "On queues in which customers are served in random
//! order", Proc. Camb. Phil. Soc. 58, 1962: the M/M/1 queue while all c agents are busy; the
//! same value comes out of solving the tagged customer's Markov chain numerically).

use supportsim::engine::{ContactOutcome, ContactRecord, ContactSink};

use crate::util::{mean_se, root};

/// Waits of answered first contacts that arrived after the warm-up: count, sum, sum of
/// squares, and how many waited at all.
#[derive(Default)]
struct Waits {
    after: f64,
    n: f64,
    sum: f64,
    sum2: f64,
    waited: f64,
}

impl ContactSink for Waits {
    fn contact(&mut self, r: &ContactRecord) -> std::io::Result<()> {
        if r.outcome == ContactOutcome::Answered && r.arrival >= self.after {
            self.n += 1.0;
            self.sum += r.wait;
            self.sum2 += r.wait * r.wait;
            self.waited += f64::from(u8::from(r.wait > 0.0));
        }
        Ok(())
    }
}

fn check(order: &str) {
    check_with(order, "")
}

/// The M/M/10 desk of these checks (100 tickets an hour, 5 minutes each) taken in `order`,
/// with the lines `channel` on its channel and `group` on its agent group.
pub(crate) fn desk(order: &str, channel: &str, group: &str) -> String {
    format!(
        r#"[simulation]
days = 12
warmup_days = 2
seed = 3

[volume]
per_day = 2400
intraday = "flat"

[channels.desk]
kind = "async"
handle_time = {{ dist = "exponential", mean = "5m" }}
queue_order = "{order}"
{channel}

[[agents]]
name = "team"
count = 10
channels = ["desk"]
{group}"#
    )
}

/// [`check`] with `extra` keys on the channel.
fn check_with(order: &str, extra: &str) {
    let text = desk(order, extra, "");
    let model = supportsim::scenario::parse("order.toml", &text, "order")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let (lambda, mu, c) = (100.0 / 3600.0, 1.0 / 300.0, 10.0);
    let rate = c * mu - lambda;
    let pw = supportsim::queueing::erlang_c(10, lambda / mu);
    let rho = lambda / (c * mu);
    let second = match order {
        "newest_first" => 2.0 * c * mu / rate.powi(3),
        "random" => 2.0 / rate.powi(2) * 2.0 / (2.0 - rho),
        _ => 2.0 / rate.powi(2),
    };
    let (mut m1, mut m2, mut p) = (Vec::new(), Vec::new(), Vec::new());
    for rep in 0..40 {
        let mut w = Waits {
            after: 2.0 * 86_400.0,
            ..Waits::default()
        };
        crate::util::simulate_into(&model, rep, &mut w);
        m1.push(w.sum / w.n);
        m2.push(w.sum2 / w.n);
        p.push(w.waited / w.n);
    }
    let mut checks = vec![("P(wait)", &p, pw), ("mean wait", &m1, pw / rate)];
    if extra.is_empty() {
        checks.push(("second moment of the wait", &m2, pw * second));
    }
    for (what, x, truth) in checks {
        let (m, se) = mean_se(x);
        assert!(
            (m - truth).abs() <= 4.0 * se,
            "{order}: {what} {m} ± {se}, theory {truth} is more than 4 standard errors away"
        );
    }
}

#[test]
fn oldest_first_meets_the_fifo_waits_of_erlang_c() {
    check("oldest_first");
}

#[test]
fn newest_first_keeps_the_mean_wait_and_spreads_it_as_a_busy_period() {
    check("newest_first");
}

#[test]
fn random_order_keeps_the_mean_wait_and_spreads_it_as_kingman_found() {
    check("random");
}

#[test]
fn random_order_favouring_the_newest_keeps_the_mean_wait() {
    // No closed form for the spread; the mean and the chance to wait are Erlang C's in any
    // order that does not look at service times.
    check_with("random", "newest_bias = 0.5");
}

/// The message of loading a one-agent desk with `key` (a line) on its channel, which must be
/// refused.
fn refused(key: &str) -> String {
    let text = format!(
        r#"[simulation]
days = 1

[volume]
per_day = 100

[channels.desk]
kind = "async"
handle_time = {{ dist = "exponential", mean = "5m" }}
{key}

[[agents]]
name = "team"
count = 1
channels = ["desk"]
"#
    );
    match supportsim::scenario::parse("order.toml", &text, "order") {
        Ok(_) => panic!("`{key}` was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_newest_bias_without_random_order_is_refused() {
    let err = refused("newest_bias = 0.5");
    assert!(
        err.contains("`newest_bias = 0.5`")
            && err.contains("queue_order = \"random\"")
            && err.contains(":10:"),
        "{err}"
    );
}

#[test]
fn an_unknown_queue_order_is_refused_at_its_key() {
    let err = refused("queue_order = \"sorted\"");
    assert!(
        err.contains("queue_order") && err.contains("newest_first") && err.contains(":10:"),
        "{err}"
    );
}

/// A channel taken in random order favouring the newest.
const RANDOM: &str = "queue_order = \"random\"\nnewest_bias = 0.5\n";

/// `text` with `lines` after its line `after`, which it must have.
fn inserted(text: &str, after: &str, lines: &str) -> String {
    let after = format!("{after}\n");
    assert!(text.contains(&after), "no line {after}");
    text.replace(&after, &format!("{after}{lines}"))
}

/// A round trip of the bias: the round-trip desk taking its tickets in random order with
/// `newest_bias = 0.5`, written as an event log by `run --ticket-events`, reads back as 0.5
/// within four standard errors (the picks among first responses are a conditional logit of
/// the log of the wait whatever else waits beside them, such as follow-up touches).
#[test]
fn a_desk_taking_newer_tickets_likelier_is_read_back_from_its_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join("tests/data/tickets-round-trip.toml"))
        .expect("scenario");
    let text = inserted(&text, "answer_within = \"8h\"", RANDOM);
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, text).expect("writes");
    let v = crate::tickets::fit_own_log(dir.path(), &scenario);
    let pick = &v["pick_bias"];
    let (bias, se) = (
        pick["bias"].as_f64().expect("bias"),
        pick["se"].as_f64().expect("se"),
    );
    assert!(
        (bias - 0.5).abs() <= 4.0 * se && se < 0.1,
        "newest_bias read back as {bias} ± {se}: {pick}"
    );
    // Newer tickets likelier, yet any may be drawn: both extremes are taken, the newest more.
    let share = |k: &str| pick[k].as_f64().expect("share");
    assert!(
        share("oldest_share") > 0.0 && share("oldest_share") < share("newest_share"),
        "{pick}"
    );
}

/// A desk answering first come, first served takes the oldest waiting ticket at every first
/// response, and the fit counts it so: only picks among tickets opened within the minute
/// under which waits are not told apart count as neither.
#[test]
fn a_first_come_first_served_desk_takes_the_oldest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = crate::tickets::fit_own_log(
        dir.path(),
        &root().join("tests/data/tickets-round-trip.toml"),
    );
    let pick = &v["pick_bias"];
    let share = |k: &str| pick[k].as_f64().expect("share");
    assert!(share("oldest_share") > 0.95, "{pick}");
    assert!(share("newest_share") < 0.05, "{pick}");
}

/// With exponential patience the queue's length is a birth-and-death process whatever the
/// order (each waiting caller abandons at the same rate), so a random order favouring the
/// newest meets Erlang A's chance to wait, mean wait of all callers, abandonment and
/// occupancy (`../shared/conformance/erlang-a.toml`, its agents drawing instead). Abandoned
/// callers leave the middle of such a queue, which the draw clears as it goes.
#[test]
fn random_order_with_abandonment_meets_erlang_a() {
    let file = crate::util::conformance_dir().join("erlang-a.toml");
    let text = std::fs::read_to_string(&file).expect("conformance scenario");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("erlang-a-random.toml");
    std::fs::write(&path, inserted(&text, "answer_within = \"30s\"", RANDOM)).expect("writes");
    let (_, s) = crate::util::run_file(&path);
    // 120 calls an hour, 5-minute handle time, 10 agents, 4-minute patience.
    let exact = supportsim::queueing::erlang_a(120.0 / 3600.0, 300.0, 10, 240.0, 30.0);
    let (ch, team) = (&s.channels.0[0].1, &s.agents.0[0].1);
    for (m, key, x) in [
        (ch, "p_wait", exact.p_wait),
        (ch, "mean_wait_seconds", exact.mean_wait),
        (ch, "abandon_rate", exact.abandon_rate),
        (team, "occupancy", exact.occupancy),
    ] {
        crate::conformance::agree("erlang-a, random order", "", m, key, x);
    }
}
