//! Surges, dips and a growth trend of demand: the simulated arrivals against their exact
//! expectation (a non-homogeneous Poisson process has mean ∫ rate), and, thanks to the
//! surges' own random streams, every other contact exactly as without them.

use supportsim::metrics::RepResult;
use supportsim::model::Model;

use crate::util::mean_se;

const DAYS: usize = 3;
/// Calls a day: 400 an hour on a flat profile, a quarter of them about `outage`.
const PER_DAY: f64 = 9600.0;

fn scenario(extra: &str) -> String {
    format!(
        r#"[simulation]
days = {DAYS}
interval = "30m"
replications = 40
seed = 11

[volume]
per_day = {PER_DAY}
intraday = "flat"

[channels.phone]
kind = "call"
handle_time = {{ dist = "exponential", mean = "3m" }}
patience = {{ dist = "exponential", mean = "5m" }}

[[topics]]
name = "outage"
share = 0.25

[[topics]]
name = "other"
share = 0.75

[[agents]]
name = "team"
count = 40
channels = ["phone"]
{extra}"#
    )
}

fn model(extra: &str) -> Model {
    supportsim::scenario::parse("demand.toml", &scenario(extra), "demand")
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

fn runs(m: &Model) -> Vec<RepResult> {
    supportsim::run_replications(m, &|| {}, Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Arrivals per replication in the half-hour intervals `from..to` (index from 00:00 of day 0).
fn arrivals(reps: &[RepResult], from: usize, to: usize) -> Vec<f64> {
    reps.iter()
        .map(|r| {
            r.channel_intervals[from..to]
                .iter()
                .map(|i| i[0].tally.arrived as f64)
                .sum()
        })
        .collect()
}

fn assert_near(x: &[f64], expected: f64, what: &str) {
    let (m, se) = mean_se(x);
    assert!(
        (m - expected).abs() <= 4.0 * se,
        "{what}: simulated {m:.1} ± {se:.1} (standard error), expected {expected:.1}"
    );
}

/// An outage that triples the `outage` topic for three hours on day 1 from 09:00: in the
/// window 400 × 3 × (0.75 + 3 × 0.25) = 1,800 calls instead of 1,200; every other call, and
/// every call of the other topic, exactly as without it.
#[test]
fn a_surge_adds_its_topics_contacts_and_leaves_the_rest_untouched() {
    let base = runs(&model(""));
    let surged = runs(&model(
        r#"
[[surges]]
name = "outage"
day = 1
start = "09:00"
duration = "3h"
factor = 3
topic = "outage"
"#,
    ));
    // Day 1, 09:00–12:00: half-hour intervals 48 + 18 .. 48 + 24.
    let (from, to) = (66, 72);
    assert_near(&arrivals(&base, from, to), 1200.0, "without the surge");
    assert_near(&arrivals(&surged, from, to), 1800.0, "with the surge");
    for (b, s) in base.iter().zip(&surged) {
        for i in (0..DAYS * 48).filter(|i| !(from..to).contains(i)) {
            assert_eq!(
                b.channel_intervals[i][0].tally.arrived, s.channel_intervals[i][0].tally.arrived,
                "interval {i} is outside the surge"
            );
        }
        assert_eq!(b.topics[1].arrived, s.topics[1].arrived, "the other topic");
        assert!(s.topics[0].arrived > b.topics[0].arrived);
    }
}

/// A quiet spell at 40% of the volume (all topics) on day 2 from 13:00 for 2 hours: 400 × 2 ×
/// 0.4 = 320 calls; outside it the same calls as without it.
#[test]
fn a_dip_thins_the_contacts_it_concerns() {
    let base = runs(&model(""));
    let dipped = runs(&model(
        r#"
[[surges]]
name = "holiday afternoon"
day = 2
start = "13:00"
duration = "2h"
factor = 0.4
"#,
    ));
    let (from, to) = (96 + 26, 96 + 30);
    assert_near(&arrivals(&dipped, from, to), 320.0, "in the dip");
    for (b, d) in base.iter().zip(&dipped) {
        for i in (0..DAYS * 48).filter(|i| !(from..to).contains(i)) {
            assert_eq!(
                b.channel_intervals[i][0].tally.arrived, d.channel_intervals[i][0].tally.arrived,
                "interval {i} is outside the dip"
            );
        }
    }
}

/// 5% a month compounding day by day: day d brings 9,600 × 1.05^(d / 30.4375) calls.
#[test]
fn growth_compounds_day_by_day() {
    let grown = runs(&model("").with_growth(0.05));
    for day in 0..DAYS {
        let expected = PER_DAY * 1.05f64.powf(day as f64 / 30.4375);
        assert_near(
            &arrivals(&grown, day * 48, (day + 1) * 48),
            expected,
            &format!("day {day}"),
        );
    }
    // Over a year the factor is 1.05^12: a long run checks the compounding itself.
    let mut year = model("").with_growth(0.05);
    year.days = 366;
    year.replications = 4;
    let reps = runs(&year);
    let last = arrivals(&reps, 365 * 48, 366 * 48);
    let expected = PER_DAY * 1.05f64.powf(365.0 / 30.4375);
    assert_near(&last, expected, "day 365");
}

trait WithGrowth {
    fn with_growth(self, g: f64) -> Self;
}

impl WithGrowth for Model {
    fn with_growth(mut self, g: f64) -> Model {
        self.demand.growth_per_month = g;
        self
    }
}

/// Mistakes in [[surges]] are explained with the key and what to write.
#[test]
fn bad_surges_are_explained() {
    for (extra, needle) in [
        (
            "[[surges]]\nday = 5\nstart = \"09:00\"\nduration = \"1h\"\nfactor = 2\n",
            "on day 5, but the run simulates days 0 to 2",
        ),
        (
            "[[surges]]\nday = 1\nduration = \"1h\"\nfactor = 2\ntopic = \"billing\"\n",
            "names topic `billing`, which is not defined",
        ),
        (
            "[[surges]]\nday = 1\nduration = \"1h\"\nfactor = -1\n",
            "factor",
        ),
        ("[[surges]]\nday = 1\nfactor = 2\n", "needs `duration`"),
        (
            "[[surges]]\nday = 1\nduration = \"1h\"\nfactor = 2\nchannels = [\"fax\"]\n",
            "names channel `fax`",
        ),
        (
            "[[surges]]\nday = 1\nstart = \"25:00\"\nduration = \"1h\"\nfactor = 2\n",
            "start",
        ),
        (
            "[[surges]]\nday = 1\nduration = \"1h\"\nfactr = 2\n",
            "did you mean `factor`?",
        ),
    ] {
        let err = supportsim::scenario::parse("demand.toml", &scenario(extra), "demand")
            .err()
            .unwrap_or_else(|| panic!("should be refused:\n{extra}"))
            .to_string();
        assert!(err.contains(needle), "{needle:?} not in\n{err}");
        assert!(
            err.contains("demand.toml:"),
            "names the file and line:\n{err}"
        );
    }
    let growth = scenario("").replace(
        "intraday = \"flat\"",
        "intraday = \"flat\"\ngrowth_per_month = 2",
    );
    let Err(err) = supportsim::scenario::parse("demand.toml", &growth, "demand") else {
        panic!("growth_per_month = 2 should be refused");
    };
    let err = err.to_string();
    assert!(err.contains("growth_per_month"), "{err}");
}

/// E-mail tickets that need 2.5 touches on average: after each touch another follows with
/// probability 0.6, the customer replying after an hour. Arrivals stop for the last two days (a
/// dip to 0), so every ticket of the run is finished and the expectations are exact: agent
/// touches ÷ tickets = 2.5, and agent time per ticket = 6 min + 1.5 × 3 min.
#[test]
fn tickets_with_several_touches() {
    let text = r#"[simulation]
days = 12
replications = 20
seed = 5

[volume]
per_day = 600
intraday = "flat"

[channels.email]
kind = "async"
handle_time = { dist = "exponential", mean = "6m" }
touches = 2.5
reply_delay = { dist = "exponential", mean = "1h" }
follow_up_handle_time = { dist = "exponential", mean = "3m" }
answer_within = "4h"

[[agents]]
name = "desk"
count = 6
channels = ["email"]

[[surges]]
name = "no new tickets at the end"
day = 10
duration = "2d"
factor = 0
"#;
    let m = supportsim::scenario::parse("touches.toml", text, "touches")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let reps = runs(&m);
    let touches: Vec<f64> = reps
        .iter()
        .map(|r| r.group_tally[0].answered as f64 / r.channels[0].answered as f64)
        .collect();
    assert_near(&touches, 2.5, "touches per ticket");
    let work: Vec<f64> = reps
        .iter()
        .map(|r| r.group_tally[0].handle / r.channels[0].answered as f64)
        .collect();
    assert_near(&work, 360.0 + 1.5 * 180.0, "agent seconds per ticket");
    for r in &reps {
        let c = &r.conservation;
        assert_eq!(c.open_end, 0, "every ticket is finished");
        assert_eq!(
            c.arrived, c.answered,
            "each ticket is answered once, at its last touch"
        );
        // The first answer alone counts for FRT and service level.
        assert_eq!(r.channels[0].answered, r.channels[0].arrived);
        assert_eq!(r.channels[0].resolved, r.channels[0].answered);
    }
    // With one touch, the same run has the agents do a third of the work.
    let single = supportsim::scenario::parse(
        "touches.toml",
        &text.replace("touches = 2.5", "touches = 1"),
        "touches",
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .model;
    let one = runs(&single);
    for (a, b) in one.iter().zip(&reps) {
        assert_eq!(a.group_tally[0].answered, a.channels[0].answered);
        assert!(b.group_tally[0].handle > 1.5 * a.group_tally[0].handle);
    }
}

/// Touches belong to async channels and need the customer's reply delay.
#[test]
fn bad_touches_are_explained() {
    for (extra, needle) in [
        ("touches = 2\n", "applies to async channels only"),
        (
            "reply_delay = { dist = \"exponential\", mean = \"1h\" }\n",
            "applies to async channels only",
        ),
    ] {
        let text = scenario("").replace("kind = \"call\"\n", &format!("kind = \"call\"\n{extra}"));
        let Err(err) = supportsim::scenario::parse("demand.toml", &text, "demand") else {
            panic!("should be refused:\n{extra}");
        };
        let err = err.to_string();
        assert!(err.contains(needle), "{needle:?} not in\n{err}");
    }
    let text = scenario("")
        .replace("kind = \"call\"", "kind = \"async\"\ntouches = 2")
        .replace("patience = { dist = \"exponential\", mean = \"5m\" }\n", "");
    let Err(err) = supportsim::scenario::parse("demand.toml", &text, "demand") else {
        panic!("touches without reply_delay should be refused");
    };
    assert!(err.to_string().contains("no `reply_delay`"), "{err}");
}

/// Chats whose customers left while waiting still cost the agent who opens them a minute
/// (`abandoned_work`). Arrivals stop on the last day, so all work is done within the run: the
/// agents' busy time exceeds the handle time of answered chats by exactly a minute per opened
/// abandoned chat, and there are at most as many of those as abandoned chats.
#[test]
fn abandoned_chats_can_still_cost_agent_time() {
    let text = |extra: &str| {
        format!(
            r#"[simulation]
days = 3
replications = 10
seed = 2

[volume]
per_day = 2000
intraday = "business-hours"

[channels.chat]
kind = "chat"
concurrency = 1
handle_time = {{ dist = "exponential", mean = "8m" }}
patience = {{ dist = "exponential", mean = "2m" }}
{extra}
[[agents]]
name = "team"
count = 8
channels = ["chat"]

[[surges]]
day = 2
duration = "1d"
factor = 0
"#
        )
    };
    let parse = |t: &str| {
        supportsim::scenario::parse("ghosts.toml", t, "ghosts")
            .unwrap_or_else(|e| panic!("{e}"))
            .model
    };
    let plain = runs(&parse(&text("")));
    let ghosts = runs(&parse(&text(
        "abandoned_work = { dist = \"fixed\", mean = \"1m\" }\n",
    )));
    // Minutes spent on empty chats are minutes not spent answering.
    crate::util::abandoned_work_costs_whole_minutes(&plain, &ghosts);
    let Err(err) = supportsim::scenario::parse(
        "ghosts.toml",
        &text("abandoned_work = { dist = \"fixed\", mean = \"1m\" }\n")
            .replace("kind = \"chat\"\nconcurrency = 1", "kind = \"call\""),
        "ghosts",
    ) else {
        panic!("abandoned_work on a call should be refused");
    };
    assert!(
        err.to_string().contains("applies to chat channels"),
        "{err}"
    );
}

/// A measured (empirical) handle-time distribution in an M/G/1 queue: the mean wait agrees
/// with Pollaczek–Khinchine, Wq = λ·E[S²] / (2(1 − ρ)) (Kleinrock, *Queueing Systems* I,
/// §5.6), within four standard errors of the replications.
#[test]
fn an_empirical_handle_time_meets_pollaczek_khinchine() {
    let quantiles = [30.0, 60.0, 90.0, 120.0, 300.0, 900.0];
    let d = supportsim::dist::Dist::empirical(&quantiles).expect("valid");
    let rho = 0.7;
    let per_day = rho / d.mean() * 86_400.0;
    let list: Vec<String> = quantiles.iter().map(|q| format!("\"{q}s\"")).collect();
    let text = format!(
        r#"[simulation]
days = 40
warmup_days = 2
replications = 30
seed = 9

[volume]
per_day = {per_day}

[channels.line]
kind = "call"
handle_time = {{ dist = "empirical", quantiles = [{}] }}

[[agents]]
name = "one"
count = 1
channels = ["line"]
"#,
        list.join(", ")
    );
    let m = supportsim::scenario::parse("mg1.toml", &text, "mg1")
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let waits: Vec<f64> = runs(&m)
        .iter()
        .map(|r| r.channels[0].wait_answered / r.channels[0].answered as f64)
        .collect();
    let exact = supportsim::queueing::mg1(per_day / 86_400.0, d.mean(), d.cv()).mean_wait;
    assert_near(&waits, exact, "M/G/1 mean wait");
    // Quantiles must be durations that do not decrease.
    for (bad, needle) in [
        ("[\"2m\", \"1m\"]", "must not decrease"),
        ("[\"2m\"]", "at least two quantiles"),
        ("[60, 120]", "text with a unit"),
        ("\"2m\"", "must be a list"),
    ] {
        let t = text.replace(&format!("[{}]", list.join(", ")), bad);
        let Err(err) = supportsim::scenario::parse("mg1.toml", &t, "mg1") else {
            panic!("{bad} should be refused");
        };
        assert!(err.to_string().contains(needle), "{needle:?} not in\n{err}");
    }
}
