//! Written customers who chase a ticket with no first answer on another channel
//! (`chase_after`, `chase_channels`): checked against Erlang A, and refused where they mean
//! nothing.

use supportsim::queueing;

use crate::conformance::agree;
use crate::util::{
    abandoned_work_costs_whole_minutes, conformance_dir, refused, root, run_file, supportsim,
};

/// With Poisson arrivals, exponential handle times and an exponential wait before chasing, the
/// email desk is an M/M/c+M queue (Palm's model; Erlang A, Garnett, Mandelbaum & Reiman 2002):
/// a chased ticket leaves its queue as an abandoned call does, so the share chased is Erlang A's
/// abandonment, and the service level, waits and occupancy are its own. Every chase is a call:
/// a repeat contact on another channel.
#[test]
fn chased_tickets_follow_erlang_a() {
    let (m, s) = run_file(&root().join("tests/data/chase.toml"));
    let email = &m.channels[0];
    let after = email.chase.as_ref().expect("chase").after.mean();
    let lambda = m.demand.per_day * email.share / 86_400.0;
    let exact = queueing::erlang_a(
        lambda,
        email.handle_time.mean(),
        10,
        after,
        email.answer_within,
    );
    let (e, phone) = (&s.channels.0[0].1, &s.channels.0[1].1);
    for (key, x) in [
        ("p_wait", exact.p_wait),
        ("service_level", exact.service_level),
        ("asa_seconds", exact.asa),
        ("mean_wait_seconds", exact.mean_wait),
        ("abandon_rate", exact.abandon_rate),
    ] {
        agree("chase.toml", "email", e, key, x);
    }
    agree(
        "chase.toml",
        "desk",
        &s.agents.0[0].1,
        "occupancy",
        exact.occupancy,
    );
    let mean = |m: &supportsim::report::Metrics, k: &str| {
        m.named(k)
            .and_then(|x| x.mean)
            .unwrap_or_else(|| panic!("{k}"))
    };
    assert_eq!(mean(phone, "repeat_rate"), 1.0, "every call is a chase");
    assert_eq!(mean(phone, "switches_per_resolution"), 1.0);
    // Chases of tickets that arrived in the warm-up count on the phone only: within 0.5%.
    let (chased, called) = (mean(e, "abandoned"), mean(phone, "offered"));
    println!("chased {chased:.1}, calls {called:.1}");
    assert!(
        (called / chased - 1.0).abs() < 0.005,
        "{called} vs {chased}"
    );
}

/// Chasing is abandonment under another name, draw for draw: the email desk of
/// `tests/data/chase.toml` on the seed of the shared Erlang A scenario (the same arrivals,
/// handle times and waits before giving up, which the customer draws alike on both kinds of
/// channel) gives exactly the figures of that call centre.
#[test]
fn a_chased_ticket_is_drawn_as_an_abandoned_call() {
    let text = std::fs::read_to_string(root().join("tests/data/chase.toml")).expect("scenario");
    let call = std::fs::read_to_string(conformance_dir().join("erlang-a.toml")).expect("scenario");
    assert!(call.contains("seed = 12"));
    let email = supportsim::scenario::parse(
        "chase.toml",
        &text.replace("seed = 7", "seed = 12"),
        "chase",
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .model;
    let phone = supportsim::scenario::parse("erlang-a.toml", &call, "erlang-a")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let run = |m| supportsim::run_replications(m, &|| {}, Default::default()).expect("runs");
    let (a, b) = (run(&email), run(&phone));
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(&b) {
        let (e, p) = (&a.channels[0], &b.channels[0]);
        assert!(e.arrived > 100_000 && e.abandoned > 10_000);
        assert_eq!(
            (e.arrived, e.answered, e.within, e.abandoned),
            (p.arrived, p.answered, p.within, p.abandoned)
        );
        assert_eq!(e.wait_answered, p.wait_answered);
        assert_eq!(a.groups[0].busy, b.groups[0].busy);
    }
}

/// A ticket chased on its last allowed contact (`max_attempts`) is not withdrawn: the customer
/// waits for the answer instead.
#[test]
fn customers_do_not_chase_past_the_most_contacts_about_an_issue() {
    let path = root().join("tests/data/chase.toml");
    let text = std::fs::read_to_string(&path).expect("scenario");
    let text = format!("{text}\n[resolution]\nmax_attempts = 1\n");
    let m = supportsim::scenario::parse("chase.toml", &text, "chase")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let reps = supportsim::run_replications(&m, &|| {}, Default::default()).expect("runs");
    for r in &reps {
        assert_eq!(r.channels[0].abandoned, 0);
        assert_eq!(r.channels[1].arrived, 0);
        assert!(r.channels[0].answered > 0);
    }
}

/// Each mistake with chasing is refused at its line, saying how to fix it.
#[test]
fn chasing_where_it_means_nothing_is_refused() {
    let text = std::fs::read_to_string(root().join("tests/data/chase.toml")).expect("scenario");
    let chase = "chase_channels = { phone = 1 }\n";
    let after = "chase_after = { dist = \"exponential\", mean = \"4m\" }\n";
    let call = "kind = \"call\"\n";
    let cases = [
        (
            call,
            format!("{call}{after}"),
            "`chase_after` applies to async channels only, and [channels.phone] is a call",
            "remove it, or make the channel kind = \"async\"",
        ),
        (
            chase,
            "chase_channels = { email = 1 }\n".to_string(),
            "a chase of [channels.email] on the same channel (a reminder about the ticket) is not yet supported",
            "send chases to another channel",
        ),
        (
            chase,
            String::new(),
            "[channels.email] has `chase_after` but no `chase_channels`",
            "chase_channels = { phone = 1 }",
        ),
        (
            after,
            String::new(),
            "[channels.email] has `chase_channels` but no `chase_after`",
            "chase_after = {",
        ),
        (
            chase,
            "chase_channels = { phnoe = 1 }\n".to_string(),
            "`chase_channels` of [channels.email] names channel `phnoe`, which is not defined",
            "did you mean `phone`?",
        ),
        (
            chase,
            "chase_channels = { phone = 0.5 }\n".to_string(),
            "the chase channels of [channels.email] add up to 0.5, not 1",
            "make them add up to 1",
        ),
        (
            chase,
            format!("{chase}chase_share = 0\n"),
            "`chase_share` in [channels.email] must be more than 0 and at most 1, not 0",
            "to have nobody chase, remove the chase keys",
        ),
        (
            after,
            "chase_share = 0.5\n".to_string(),
            "[channels.email] has `chase_share` but no `chase_after`",
            "add those, or remove chase_share",
        ),
        (
            chase,
            "chase_channels = \"phone\"\n".to_string(),
            "`chase_channels` of [channels.email] must be a table of shares, not text",
            "write e.g. chase_channels = { phone = 1 }",
        ),
    ];
    let phones = "[[agents]]\nname = \"phones\"\ncount = 30\nchannels = [\"phone\"]\n";
    let cases = cases.into_iter().chain([(
        phones,
        String::new(),
        "chases about topic `all` from channel `email` come to `phone`, where no agent group can serve topic `all`: they would wait unseen",
        "add `phone` to the channels of a group",
    )]);
    let dir = tempfile::tempdir().expect("temp dir");
    for (old, new, message, help) in cases {
        assert!(text.contains(old), "{old}");
        let file = dir.path().join("s.toml");
        std::fs::write(&file, text.replacen(old, &new, 1)).expect("write");
        let err = refused(supportsim().arg("validate").arg(&file));
        println!("{err}");
        assert!(err.contains(message), "{err}");
        assert!(err.contains(help), "{err}");
        assert!(err.contains("s.toml:"), "names the file and line: {err}");
    }
}

/// With `abandoned_work`, the desk still opens a chased ticket when it reaches it: the desk's
/// busy time exceeds the handle time of its answers by exactly a minute per ticket opened so,
/// and there are at most as many of those as tickets chased. Arrivals stop on the last day, so
/// all work is done within the run.
#[test]
fn a_chased_ticket_can_still_cost_the_desk_time() {
    let text = std::fs::read_to_string(root().join("tests/data/chase.toml")).expect("scenario");
    let text = text.replace("days = 40\nwarmup_days = 1", "days = 3\nwarmup_days = 0");
    let text = format!("{text}\n[[surges]]\nday = 2\nduration = \"1d\"\nfactor = 0\n");
    let ghosts = text.replace(
        "chase_channels = { phone = 1 }\n",
        "chase_channels = { phone = 1 }\nabandoned_work = { dist = \"fixed\", mean = \"1m\" }\n",
    );
    let run = |t: &str| {
        let m = supportsim::scenario::parse("chase.toml", t, "chase")
            .unwrap_or_else(|e| panic!("{e}"))
            .model;
        supportsim::run_replications(&m, &|| {}, Default::default()).expect("runs")
    };
    abandoned_work_costs_whole_minutes(&run(&text), &run(&ghosts));
}

/// A log cannot say where a customer who gave up on a ticket went: `fit` of a written channel
/// whose tickets were abandoned says so beside the channel instead of dropping them silently.
#[test]
fn fit_notes_tickets_abandoned_before_a_first_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, fitted) = (dir.path().join("log.csv"), dir.path().join("fitted.toml"));
    let scenario = root().join("tests/data/chase.toml");
    supportsim()
        .args(["run", "--replications", "1", "--days", "5", "--json"])
        .arg(&scenario)
        .arg("--contacts-log")
        .arg(&log)
        .assert()
        .success();
    supportsim()
        .args(["fit", "--channel", "email", "--kind", "async", "--out"])
        .arg(&fitted)
        .arg(&log)
        .assert()
        .success();
    let text = std::fs::read_to_string(&fitted).expect("fitted scenario");
    assert!(
        text.contains("tickets were abandoned before a first answer")
            && text.contains("give this channel `chase_after` and `chase_channels`"),
        "{text}"
    );
}

/// A ticket event log has no state for a ticket withdrawn by a chase that would read back as
/// anything but an answer: `run --ticket-events` refuses such a scenario, writing nothing.
#[test]
fn ticket_events_of_chased_tickets_are_not_yet_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = dir.path().join("events.csv");
    let err = refused(
        supportsim()
            .args(["run", "--replications", "1", "--json", "--ticket-events"])
            .arg(&events)
            .arg(root().join("tests/data/chase.toml")),
    );
    assert!(
        err.contains("does not yet write the tickets withdrawn"),
        "{err}"
    );
    assert!(err.contains("[channels.email]"), "{err}");
    assert!(!events.exists());
}
