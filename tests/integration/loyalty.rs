//! Loyalty beyond CSAT, against answers known in closed form: the NPS of customers who never
//! wait, the NPS of an Erlang-A queue whose abandoning callers count as dissatisfied, and the
//! customer effort (contacts and channel switches per resolved issue) of repeats that follow a
//! truncated geometric law. Every mean must lie within four standard errors of the run's own.

use supportsim::queueing::erlang_a;
use supportsim::report::{Metric, Stat, Summary};

use crate::util::{conformance_dir, root, run_file};

fn stat(s: &Summary, m: Metric) -> Stat {
    s.overall
        .get(m)
        .copied()
        .unwrap_or_else(|| panic!("{m} missing"))
}

/// Asserts that `m`'s mean over replications lies within four standard errors of `expected`.
fn near(s: &Summary, m: Metric, expected: f64) {
    let x = stat(s, m);
    let (mean, se) = (x.mean.expect("mean"), x.std_err.expect("standard error"));
    println!("{m:28} {mean:10.4} ± {se:.4}   closed form {expected:.4}");
    assert!(
        (mean - expected).abs() <= 4.0 * se.max(1e-9),
        "{m}: {mean} ± {se}, closed form {expected}"
    );
}

#[test]
fn nps_of_customers_who_never_wait_is_the_mapping_of_base_satisfaction() {
    // Nobody waits and every issue is resolved, so p = base = 0.8 for every customer:
    // NPS = 100 × (0.5 × 0.8 − 0.7 × 0.2) = +26 exactly for the census, and the survey's
    // answers are drawn around it.
    let (_, s) = run_file(&root().join("tests/data/loyalty.toml"));
    let expected = 100.0 * (0.5 * 0.8 - 0.7 * 0.2);
    let census = stat(&s, Metric::NpsExpected);
    assert!((census.mean.expect("mean") - expected).abs() < 1e-9);
    assert!(census.std_err.expect("se") < 1e-9);
    near(&s, Metric::Nps, expected);
    near(&s, Metric::Csat, 0.8);
    // Every issue is resolved at its only contact: one contact, no switch, per resolution.
    assert_eq!(stat(&s, Metric::ContactsPerResolution).mean, Some(1.0));
    assert_eq!(stat(&s, Metric::SwitchesPerResolution).mean, Some(0.0));
}

#[test]
fn abandoning_callers_count_against_nps_as_erlang_a_says() {
    // The Erlang-A conformance queue with satisfaction that does not depend on the wait
    // (floor 1): served customers are satisfied with probability 0.9, and the share P(ab) that
    // abandons counts as dissatisfied. NPS = 100 × ((1 − P(ab)) · (a·0.9 − b·0.1) − P(ab) · b).
    let text = std::fs::read_to_string(conformance_dir().join("erlang-a.toml")).expect("reads");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("erlang-a-nps.toml");
    std::fs::write(
        &path,
        format!("{text}\n[csat]\nbase = 0.9\nfloor = 1\nsurvey_response = 0.4\n"),
    )
    .expect("writes");
    let (_, s) = run_file(&path);
    let q = erlang_a(2880.0 / 86_400.0, 300.0, 10, 240.0, 30.0);
    let (a, b) = (0.6, 0.8);
    let expected = 100.0 * ((1.0 - q.abandon_rate) * (a * 0.9 - b * 0.1) - q.abandon_rate * b);
    near(&s, Metric::AbandonRate, q.abandon_rate);
    near(&s, Metric::NpsExpected, expected);
    near(&s, Metric::Nps, expected);
    // CSAT covers served contacts only, and does not see the abandons.
    near(&s, Metric::CsatExpected, 0.9);
}

#[test]
fn effort_per_resolved_issue_follows_the_repeat_law() {
    // An agent resolves with probability f = 0.5; an unresolved customer always comes back, up
    // to K = 4 contacts, on the other channel with probability s = 0.25, and nobody waits. An
    // issue takes (1 − (1 − f)^K) / f contacts on average and is resolved with probability
    // 1 − (1 − f)^K: contacts per resolution = 1/f whatever K; each of its repeats switches
    // with probability s, so switches per resolution = s · (1/f − 1/(1 − (1 − f)^K)).
    let (_, s) = run_file(&root().join("tests/data/effort.toml"));
    let (f, k, sw) = (0.5f64, 4, 0.25);
    let resolved = 1.0 - (1.0 - f).powi(k);
    near(&s, Metric::ContactsPerResolution, 1.0 / f);
    near(
        &s,
        Metric::SwitchesPerResolution,
        sw * (1.0 / f - 1.0 / resolved),
    );
    near(&s, Metric::Fcr, f);
}

#[test]
fn a_thinner_desk_never_raises_nps_or_lowers_effort() {
    // The Erlang-A queue with 10 and then 8 agents on the same customers: more abandon, more
    // retry, fewer are served; NPS must fall and effort rise.
    let text = std::fs::read_to_string(conformance_dir().join("erlang-a.toml")).expect("reads");
    assert!(
        text.contains("count = 10"),
        "the conformance queue has 10 agents"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let variant = |agents: u32| {
        let body = text.replace("count = 10", &format!("count = {agents}"));
        let path = dir.path().join(format!("a{agents}.toml"));
        std::fs::write(&path, format!("{body}\n[resolution]\nretry_share = 0.7\n"))
            .expect("writes");
        run_file(&path).1
    };
    let (full, thin) = (variant(10), variant(8));
    let mean = |s: &Summary, m| stat(s, m).mean.expect("mean");
    for m in [
        Metric::AbandonRate,
        Metric::NpsExpected,
        Metric::ContactsPerResolution,
    ] {
        println!(
            "{m:24} 10 agents {:9.4}   8 agents {:9.4}",
            mean(&full, m),
            mean(&thin, m)
        );
    }
    assert!(mean(&thin, Metric::NpsExpected) < mean(&full, Metric::NpsExpected) - 1.0);
    assert!(
        mean(&thin, Metric::ContactsPerResolution) > mean(&full, Metric::ContactsPerResolution)
    );
}

/// The census figures count every customer whether or not anybody answers the survey: with
/// `survey_response = 0` the Erlang-A queue with a bot in front gives the same `csat_expected`
/// and `nps_expected` as with 40% answering (the survey is a draw of its own, and changes
/// nothing else), while `csat` and `nps`, which need answers, have none to report. (They once
/// counted only the bot's conversations then.)
#[test]
fn census_satisfaction_does_not_depend_on_the_survey() {
    let text = std::fs::read_to_string(conformance_dir().join("erlang-a.toml")).expect("reads");
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |response: f64| {
        let path = dir.path().join(format!("survey-{response}.toml"));
        let bot = "[automation]\nchannels = [\"phone\"]\ncontainment = 0.3\n";
        std::fs::write(
            &path,
            format!("{text}\n{bot}[csat]\nbase = 0.6\nsurvey_response = {response}\n"),
        )
        .expect("writes");
        run_file(&path).1
    };
    let (none, some) = (run(0.0), run(0.4));
    for m in [Metric::CsatExpected, Metric::NpsExpected] {
        let (a, b) = (stat(&none, m), stat(&some, m));
        println!(
            "{m:14} nobody surveyed {:?}, 40% surveyed {:?}",
            a.mean, b.mean
        );
        assert_eq!(a.mean, b.mean, "{m}");
    }
    let served = stat(&none, Metric::CsatExpected).mean.expect("mean");
    assert!(
        served < 0.7,
        "agents' answers (base 0.6) are in it, not only the bot's 0.75: {served}"
    );
    for m in [Metric::Csat, Metric::Nps] {
        assert_eq!(stat(&none, m).mean, None, "{m}");
        assert!(stat(&some, m).mean.is_some(), "{m}");
    }
}
