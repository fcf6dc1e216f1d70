//! `pending` on an async channel: whom a ticket waits on between two touches, each state with
//! its share and its own delay. Checked where the answer is known: fixed delays per state are
//! the exact spans of the event log `run --ticket-events` writes, the states come in their
//! shares (binomial), and `fit --events` reads each state's delay and share back.

use std::collections::HashMap;

use crate::util::{root, supportsim};

/// The round-trip desk with `lines` in place of its `reply_delay`, written to `dir`.
fn desk(dir: &std::path::Path, lines: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("tests/data/tickets-round-trip.toml"))
        .expect("scenario");
    let old = "reply_delay = { dist = \"lognormal\", mean = \"6h\", cv = 1.2 }\n";
    assert!(text.contains(old), "no reply_delay line");
    // The channel's sub-table goes last, after every key of the channel.
    let text = text.replace(old, "").replace(
        "[[topics]]\nname = \"access\"",
        &format!("{lines}\n[[topics]]\nname = \"access\""),
    );
    let path = dir.join("pending.toml");
    std::fs::write(&path, text).expect("writes");
    path
}

/// Each ticket's rows (state, seconds from the log's first day) in the order written.
fn tickets(log: &std::path::Path) -> HashMap<String, Vec<(String, f64)>> {
    let mut out: HashMap<String, Vec<(String, f64)>> = HashMap::new();
    let mut reader = csv::Reader::from_path(log).expect("log");
    for row in reader.records() {
        let row = row.expect("row");
        let at = chrono::NaiveDateTime::parse_from_str(&row[2], "%Y-%m-%d %H:%M:%S")
            .expect("time")
            .and_utc()
            .timestamp() as f64;
        out.entry(row[0].to_string())
            .or_default()
            .push((row[1].to_string(), at));
    }
    out
}

/// Fixed delays: every wait on the customer lasts exactly 10 h from the update that starts it
/// to the ticket's return to the queue, every wait on the desk 3 h (with no update starting
/// it: the ticket stays in work); and half the waits are of each kind, within four binomial
/// standard errors.
#[test]
fn each_state_waits_its_own_delay_in_its_share() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = desk(
        dir.path(),
        "[channels.email.pending]\n\
         customer = { share = 0.5, delay = { dist = \"fixed\", mean = \"10h\" } }\n\
         desk = { share = 0.5, delay = { dist = \"fixed\", mean = \"3h\" } }\n",
    );
    let log = crate::tickets::ticket_events(dir.path(), &scenario);
    let (mut customer, mut desk) = (0usize, 0usize);
    for rows in tickets(&log).values() {
        for pair in rows.windows(2) {
            let ((a, t0), (b, t1)) = (&pair[0], &pair[1]);
            match (a.as_str(), b.as_str()) {
                ("Awaiting User Info", "Active") => {
                    // Stamped to the second: the end of a touch and 10 h later each floored.
                    assert!((t1 - t0 - 36_000.0).abs() <= 1.0, "{rows:?}");
                    customer += 1;
                }
                // A later touch's return after a hold: its previous touch ended 3 h before,
                // which the log does not stamp; counted by the returns with no wait row.
                (x, "Active") if x != "New" => desk += 1,
                _ => {}
            }
        }
    }
    let n = (customer + desk) as f64;
    let share = customer as f64 / n;
    let se = (0.25 / n).sqrt();
    assert!(
        n > 2_000.0 && (share - 0.5).abs() <= 4.0 * se,
        "{customer} waits on the customer and {desk} on the desk"
    );
}

/// Two states with their own lognormal delays read back by `fit --events` from the log: each
/// state's mean and cv, and the third party's share of the waits, within four standard
/// errors.
#[test]
fn each_state_is_read_back_from_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = desk(
        dir.path(),
        "[channels.email.pending]\n\
         customer = { share = 0.7, delay = { dist = \"lognormal\", mean = \"6h\", cv = 1.2 } }\n\
         third_party = { share = 0.3, delay = { dist = \"lognormal\", mean = \"30h\", cv = 0.8 } }\n",
    );
    let v = crate::tickets::fit_own_log(dir.path(), &scenario);
    let by_state = &v["between_touches_by_state"];
    for (state, mean, cv) in [("customer", 21_600.0, 1.2), ("third_party", 108_000.0, 0.8)] {
        let fit = &by_state[state];
        let est = |k: &str| (fit[k]["value"].as_f64(), fit[k]["se"].as_f64());
        let (Some(m), Some(m_se)) = est("mean_seconds") else {
            panic!("no {state} fit: {v}");
        };
        let (Some(c), Some(c_se)) = est("cv") else {
            panic!("no {state} cv: {fit}");
        };
        assert!(
            (m - mean).abs() <= 4.0 * m_se && (c - cv).abs() <= 4.0 * c_se,
            "{state}: mean {m} ± {m_se} (true {mean}), cv {c} ± {c_se} (true {cv})"
        );
    }
    let spans = |k: &str| -> f64 {
        let p = &v[k];
        (p[0].as_u64().expect("ended") + p[1].as_u64().expect("open")) as f64
    };
    let (cu, tp) = (
        spans("pending_spans_customer"),
        spans("pending_spans_third_party"),
    );
    let share = tp / (cu + tp);
    let se = (0.21 / (cu + tp)).sqrt();
    assert!(
        (share - 0.3).abs() <= 4.0 * se,
        "third party's share {share} of {} waits",
        cu + tp
    );
}

/// The message of loading the round-trip desk with `lines` for its waits, which must be
/// refused.
fn refused(lines: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = desk(dir.path(), lines);
    let text = std::fs::read_to_string(&path).expect("reads");
    match supportsim::scenario::parse("pending.toml", &text, "pending") {
        Ok(_) => panic!("`{lines}` was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn shares_that_do_not_add_up_to_one_are_refused() {
    let err = refused(
        "[channels.email.pending]\n\
         customer = { share = 0.5, delay = { dist = \"fixed\", mean = \"1h\" } }\n\
         desk = { share = 0.4, delay = { dist = \"fixed\", mean = \"1h\" } }\n",
    );
    assert!(
        err.contains("add up to 0.9, not 1") && err.contains(":21:"),
        "{err}"
    );
}

#[test]
fn an_unknown_state_and_a_state_without_delay_are_refused_at_their_keys() {
    let err = refused(
        "[channels.email.pending]\n\
         customer = { share = 0.5 }\n\
         vendor = { share = 0.5, delay = { dist = \"fixed\", mean = \"1h\" } }\n",
    );
    assert!(
        err.contains("needs `delay`") && err.contains("vendor") && err.contains("third_party"),
        "{err}"
    );
}

#[test]
fn pending_beside_a_reply_delay_or_without_it_is_refused() {
    let both = refused(
        "reply_delay = { dist = \"fixed\", mean = \"1h\" }\n\
         [channels.email.pending]\n\
         customer = { share = 1, delay = { dist = \"fixed\", mean = \"1h\" } }\n",
    );
    assert!(both.contains("both `reply_delay` and `pending`"), "{both}");
    let none = refused("");
    assert!(
        none.contains("touches = 1.8 but no `reply_delay` or `pending`"),
        "{none}"
    );
}

/// `pending` on a desk of one touch per ticket changes nothing, and says so.
#[test]
fn pending_with_one_touch_is_warned_of() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = desk(
        dir.path(),
        "[channels.email.pending]\n\
         customer = { share = 1, delay = { dist = \"fixed\", mean = \"1h\" } }\n",
    );
    let text = std::fs::read_to_string(&path)
        .expect("reads")
        .replace("touches = 1.8\n", "");
    std::fs::write(&path, text).expect("writes");
    let out = supportsim()
        .args(["validate"])
        .arg(&path)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("one touch per ticket"),
        "{err}"
    );
}
