//! A group shared by channels serves them in the order it is given: strict, non-preemptive
//! priority between channels, checked against Cobham's formula, and a warning when one channel
//! of a shared group meets its target while another misses it badly.

use supportsim::queueing;
use supportsim::report::Summary;

use crate::util::{refused, run_file, supportsim};

/// Phone and chat (one chat at a time) share 8 agents, 5-minute exponential handle times for
/// both, 84 contacts an hour (7 Erlangs), nobody abandons: an M/M/8 queue with two classes.
fn blended(order: &str) -> String {
    format!(
        r#"[simulation]
name = "blended"
days = 60
warmup_days = 1
interval = "1h"
replications = 16
seed = 14

[volume]
per_day = 2016

[channels.phone]
kind = "call"
share = 0.4
handle_time = {{ dist = "exponential", mean = "5m" }}
answer_within = "20s"

[channels.chat]
kind = "chat"
share = 0.6
concurrency = 1
handle_time = {{ dist = "exponential", mean = "5m" }}
answer_within = "1m"

[[agents]]
name = "team"
count = 8
channels = ["phone", "chat"]
{order}
"#
    )
}

fn run_text(dir: &std::path::Path, name: &str, text: &str) -> Summary {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    run_file(&path).1
}

/// |simulated − exact| within four of the run's standard errors.
fn agree(s: &Summary, channel: &str, key: &str, exact: f64) {
    let m = s.channels.get(channel).expect("channel");
    let st = m.named(key).expect("metric");
    let (mean, se) = (st.mean.expect("mean"), st.std_err.expect("s.e."));
    let z = (mean - exact) / se;
    println!(
        "{channel:6} {key:12} simulated {mean:10.4} ± {se:8.4}  exact {exact:10.4}  z = {z:+.2}"
    );
    assert!(
        z.abs() <= 4.0,
        "{channel} {key}: {mean} (s.e. {se}) vs {exact}: z = {z:.2}"
    );
}

#[test]
fn channel_order_is_non_preemptive_priority_cobham() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (lambda, s, c) = (2016.0 / 86_400.0, 300.0, 8);
    let (phone, chat) = (0.4 * lambda, 0.6 * lambda);
    // Gross & Harris §3.4 (Cobham 1954): classes in priority order, most urgent first.
    let w = queueing::mmc_priority_waits(&[phone, chat], s, c);
    let run = run_text(
        dir.path(),
        "phone-first.toml",
        &blended("channel_order = [\"phone\", \"chat\"]"),
    );
    agree(&run, "phone", "asa_seconds", w[0]);
    agree(&run, "chat", "asa_seconds", w[1]);
    // The other way round, the same formula with the classes swapped.
    let w = queueing::mmc_priority_waits(&[chat, phone], s, c);
    let run = run_text(
        dir.path(),
        "chat-first.toml",
        &blended("channel_order = [\"chat\"]"),
    );
    agree(&run, "chat", "asa_seconds", w[0]);
    agree(&run, "phone", "asa_seconds", w[1]);
    // Work conservation: whatever the order, every contact together waits as under FCFS.
    let fcfs = queueing::mmc(lambda, s, c, 20.0);
    let live = run.kinds.get("live").expect("calls and chats");
    let st = live.named("asa_seconds").expect("asa");
    let z = (st.mean.expect("mean") - fcfs.asa) / st.std_err.expect("s.e.");
    assert!(z.abs() <= 4.0, "all contacts: z = {z:.2}");
}

#[test]
fn a_bad_channel_order_is_located_and_explained() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (order, message) in [
        (
            "channel_order = [\"phone\", \"email\"]",
            "error: agent group `team` names channel `email`, which is not defined",
        ),
        (
            "channel_order = [\"phone\", \"phone\"]",
            "error: `channel_order` of agent group `team` lists `phone` twice",
        ),
        (
            "channel_order = \"phone\"",
            "error: `channel_order` of agent group `team` must be a list of channel names, not text",
        ),
    ] {
        std::fs::write(dir.path().join("s.toml"), blended(order)).expect("write");
        let err = refused(
            supportsim()
                .current_dir(dir.path())
                .args(["validate", "s.toml"]),
        );
        assert!(err.starts_with(message), "{order}: {err}");
        assert!(err.contains("--> s.toml:29:"), "{order}: located: {err}");
    }
}

/// The "needs attention" lines of a run of `file` (3 replications).
fn attention(dir: &std::path::Path, file: &str) -> Vec<String> {
    let out = supportsim()
        .current_dir(dir)
        .args(["run", file, "--replications", "3"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .filter_map(|l| l.strip_prefix("  - "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_shared_group_that_starves_one_channel_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(crate::util::root().join("scenarios/mid-size.toml"))
        .expect("scenario");
    std::fs::write(dir.path().join("mid.toml"), &text).expect("write");
    let lines = attention(dir.path(), "mid.toml");
    let line = lines
        .iter()
        .find(|l| l.starts_with("generalists serve chat and phone: "))
        .unwrap_or_else(|| panic!("a warning about generalists in {lines:#?}"));
    assert!(
        line.starts_with("generalists serve chat and phone: chat meets its 80% target ("),
        "{line}"
    );
    assert!(
        line.contains(") while phone misses its 80% target badly ("),
        "{line}"
    );
    assert!(
        line.ends_with("%); nothing says which comes first: give the group channel_order = [\"phone\", \"chat\"], or more agents."),
        "{line}"
    );
    // An order that serves the met channel first is named as the cause.
    let chat_first = text.replace(
        "name = \"generalists\"\n",
        "name = \"generalists\"\nchannel_order = [\"chat\", \"phone\"]\n",
    );
    assert_ne!(chat_first, text);
    std::fs::write(dir.path().join("chat-first.toml"), chat_first).expect("write");
    let lines = attention(dir.path(), "chat-first.toml");
    let line = lines
        .iter()
        .find(|l| l.starts_with("generalists serve chat and phone: "))
        .unwrap_or_else(|| panic!("a warning about generalists in {lines:#?}"));
    assert!(
        line.ends_with("%); its channel_order serves chat first: put phone first, or add agents."),
        "{line}"
    );
}

/// Repeat contacts sent (`repeat_channels`) to a channel where no group serves their topic
/// would wait there unseen to the end of the run: refused, at the channel they come from, as
/// far as repeats lead (phone → email → chat); accepted when no answer leaves an issue
/// unresolved or nobody comes back.
/// A change made to a scenario's text.
type Edit = dyn Fn(&str) -> String;

/// A group answering email.
const EMAIL_DESK: &str = "[[agents]]\nname = \"desk\"\ncount = 3\nchannels = [\"email\"]\n";

#[test]
fn repeats_sent_where_nobody_serves_them_are_refused() {
    let text = r#"[simulation]
name = "repeats elsewhere"
days = 2
replications = 2
seed = 3

[volume]
per_day = 500

[channels.phone]
kind = "call"
share = 1
handle_time = { dist = "exponential", mean = "5m" }
repeat_channels = { email = 1 }

[channels.email]
kind = "async"
share = 0
handle_time = { dist = "exponential", mean = "8m" }

[channels.chat]
kind = "chat"
share = 0
handle_time = { dist = "exponential", mean = "6m" }

[[topics]]
name = "billing"
fcr = 0.8

[[agents]]
name = "phones"
count = 10
channels = ["phone"]
"#;
    let dir = tempfile::tempdir().expect("temp dir");
    let check = |edit: &Edit| {
        let file = dir.path().join("s.toml");
        std::fs::write(&file, edit(text)).expect("write");
        supportsim()
            .arg("validate")
            .arg(&file)
            .output()
            .expect("runs")
    };
    let refusals: [(&Edit, &str, &str); 3] = [
        (
            &|t| t.to_string(),
            "repeat contacts about topic `billing` from channel `phone` come to `email`, where no agent group can serve topic `billing`",
            "add `email` to the channels of a group with skill `billing`, or send them elsewhere (`repeat_channels` of `phone`)",
        ),
        (
            &|t| {
                let t = t.replacen(
                    "kind = \"async\"\n",
                    "kind = \"async\"\nrepeat_channels = { chat = 1 }\n",
                    1,
                );
                format!("{t}{EMAIL_DESK}")
            },
            "repeat contacts about topic `billing` from channel `email` come to `chat`",
            "(`repeat_channels` of `email`)",
        ),
        (
            &|t| {
                let t = t.replacen("fcr = 0.8\n", "fcr = 0.8\nescalation = 0.5\n", 1);
                let tier2 = "[[agents]]\nname = \"second line\"\ntier = 2\ncount = 2\nchannels = [\"phone\"]\n";
                format!("{t}{EMAIL_DESK}{tier2}")
            },
            "repeat contacts about topic `billing` from channel `phone` come to `email`, where no tier-2 group takes topic `billing`'s escalations",
            "add `email` to the channels of a group with skill `billing`",
        ),
    ];
    for (edit, message, help) in refusals {
        let out = check(edit);
        let err = String::from_utf8_lossy(&out.stderr);
        println!("{err}");
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(err.contains(help), "{err}");
        assert!(err.contains("s.toml:"), "names the file and line: {err}");
    }
    let accepted: [&Edit; 3] = [
        &|t| t.replacen("fcr = 0.8\n", "", 1),
        &|t| format!("{t}\n[resolution]\nmax_attempts = 1\n"),
        &|t| format!("{t}{EMAIL_DESK}"),
    ];
    for edit in accepted {
        let out = check(edit);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
    }
}
