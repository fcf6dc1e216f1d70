//! Rendered diagnostics for invalid scenarios: every case reports every problem with
//! file:line:col, the line, a caret and a fix, exits with code 2 and never panics.

use assert_cmd::Command;

const BASE: &str = r#"[simulation]
name = "desk"
days = 7
replications = 2

[volume]
per_day = 1000

[channels.phone]
kind = "call"
share = 0.6
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[channels.email]
kind = "async"
share = 0.4
handle_time = { dist = "lognormal", mean = "8m", cv = 0.8 }
answer_within = "8h"

[[topics]]
name = "billing"
share = 0.5

[[topics]]
name = "technical"
share = 0.5

[[agents]]
name = "tier1"
count = 8
channels = ["phone", "email"]
"#;

/// Runs `supportsim validate NAME.toml` on `text` in a fresh folder; returns (exit code, stdout,
/// stderr).
fn validate(name: &str, text: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(format!("{name}.toml")), text).expect("write scenario");
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(dir.path())
        .args(["validate", &format!("{name}.toml")])
        .output()
        .expect("runs");
    (
        out.status.code().expect("exit code, not a signal"),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// An invalid scenario: exit code 2, nothing on stdout; returns stderr.
fn invalid(name: &str, text: &str) -> String {
    let (code, stdout, stderr) = validate(name, text);
    assert_eq!(code, 2, "{name}: exit code\n{stderr}");
    assert_eq!(stdout, "", "{name}: nothing on stdout");
    assert!(!stderr.contains("panicked"), "{name}: panic\n{stderr}");
    stderr
}

#[test]
fn base_is_valid() {
    let (code, stdout, stderr) = validate("base", BASE);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "base.toml is valid: 2 channels, 2 topics, 1 agent group, 8 agents.\n"
    );
    assert_eq!(stderr, "");
}

#[test]
fn unknown_key_suggests_the_closest() {
    let text = BASE.replace(
        "handle_time = { dist = \"exponential\"",
        "handel_time = { dist = \"exponential\"",
    );
    insta::assert_snapshot!(invalid("unknown-key", &text));
}

#[test]
fn wrong_type() {
    let text = BASE
        .replace("days = 7", "days = \"a week\"")
        .replace("count = 8", "count = [8]");
    insta::assert_snapshot!(invalid("wrong-type", &text));
}

#[test]
fn zero_and_negative_counts_and_rates() {
    let text = BASE
        .replace("per_day = 1000", "per_day = -50")
        .replace("count = 8", "count = 0")
        .replace("replications = 2", "replications = 0");
    insta::assert_snapshot!(invalid("zero-and-negative", &text));
}

#[test]
fn shares_that_do_not_add_up() {
    let text = BASE.replace("share = 0.4", "share = 0.3").replace(
        "name = \"technical\"\nshare = 0.5",
        "name = \"technical\"\nshare = 0.45",
    );
    insta::assert_snapshot!(invalid("shares", &text));
}

#[test]
fn malformed_duration() {
    let text = BASE
        .replace("mean = \"3m\"", "mean = \"3 parsecs\"")
        .replace("answer_within = \"8h\"", "answer_within = 8");
    insta::assert_snapshot!(invalid("duration", &text));
}

#[test]
fn more_agents_than_a_run_holds() {
    // Each shift row within its own limit, a million and a half in all: refused when read,
    // at the largest group, rather than left to exhaust memory on every thread.
    let text = BASE.replace(
        "count = 8\n",
        "shifts = [\n  { days = \"weekdays\", start = \"08:00\", end = \"16:00\", count = 1000000 },\n  { days = \"weekdays\", start = \"12:00\", end = \"20:00\", count = 500000 },\n]\n",
    );
    let err = invalid("crowded", &text);
    assert!(
        err.contains("the scenario has 1,500,000 agents in all (every place in every shift row and hiring class), more than the 1,000,000 a run holds\n  --> crowded.toml:29:1"),
        "{err}"
    );
}

#[test]
fn shift_that_ends_before_it_starts() {
    let text = BASE.replace(
        "count = 8\n",
        "shifts = [\n  { days = \"weekdays\", start = \"08:00\", end = \"16:00\", count = 5 },\n  { days = \"weekdays\", start = \"22:00\", end = \"06:00\", count = 2 },\n]\n",
    );
    insta::assert_snapshot!(invalid("shift", &text));
}

#[test]
fn overnight_shift_is_accepted() {
    let text = BASE.replace(
        "count = 8\n",
        "shifts = [\n  { days = \"daily\", start = \"22:00\", end = \"06:00\", count = 2, overnight = true },\n  { days = \"daily\", start = \"06:00\", end = \"22:00\", count = 8 },\n]\n",
    );
    let (code, _, stderr) = validate("overnight", &text);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn undefined_channel() {
    let text = BASE.replace(
        "channels = [\"phone\", \"email\"]",
        "channels = [\"phone\", \"emial\"]",
    );
    insta::assert_snapshot!(invalid("undefined-channel", &text));
}

#[test]
fn topic_or_channel_nobody_serves() {
    let text = BASE.replace(
        "channels = [\"phone\", \"email\"]",
        "channels = [\"phone\"]\nskills = { billing = 1.0 }",
    );
    insta::assert_snapshot!(invalid("unserved", &text));
}

#[test]
fn call_queue_without_patience_or_capacity_warns() {
    let text = BASE
        .replace("patience = { dist = \"exponential\", mean = \"3m\" }\n", "")
        .replace("per_day = 1000", "per_day = 5000");
    let (code, stdout, stderr) = validate("unbounded", &text);
    assert_eq!(code, 0, "a warning does not stop the run");
    assert!(stdout.contains("is valid"));
    insta::assert_snapshot!(stderr);
}

#[test]
fn empty_file() {
    insta::assert_snapshot!(invalid("empty", "  \n"));
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .current_dir(dir.path())
        .args(["run", "nowhere.toml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8(out.stderr).expect("utf-8"));
}

#[test]
fn broken_toml_syntax() {
    let text = BASE.replace("[channels.email]", "[channels.email");
    insta::assert_snapshot!(invalid("syntax", &text));
}

#[test]
fn distribution_mistakes() {
    let text = BASE
        .replace(
            "{ dist = \"lognormal\", mean = \"8m\", cv = 0.8 }",
            "{ dist = \"lognormal\", mean = \"8m\" }",
        )
        .replace(
            "{ dist = \"exponential\", mean = \"4m\" }",
            "{ dist = \"weibull\", mean = \"4m\" }",
        );
    insta::assert_snapshot!(invalid("distributions", &text));
}

#[test]
fn a_horizon_shorter_than_a_day_is_refused_in_plain_words() {
    let out = invalid("minute", &BASE.replace("days = 7", "days = \"1m\""));
    assert!(out.contains("a run covers whole days"), "{out}");
    assert!(out.contains("1 error in minute.toml"), "{out}");
}

#[test]
fn every_problem_at_once() {
    let text = BASE
        .replace("days = 7", "days = 0")
        .replace("kind = \"call\"", "kind = \"phone\"")
        .replace(
            "name = \"technical\"\nshare = 0.5",
            "name = \"technical\"\nshare = 0.5\nprioriti = 2",
        );
    let out = invalid("many", &text);
    assert!(out.contains("3 errors in many.toml"), "{out}");
}

#[test]
fn carets_line_up_under_tab_indented_values() {
    let text = BASE.replace("count = 8", "\tcount\t= 0");
    assert_eq!(
        invalid("tabs", &text),
        "error: `count` in agent group `tier1` must be at least 1, not 0
  --> tabs.toml:31:10
   |
31 |     count   = 0
   |               ^
   = help: a group needs agents: give at least 1, or remove the group

1 error in tabs.toml
"
    );
}

/// A megabyte on one line (a pasted log, a runaway generator): the message shows the culprit
/// and its surroundings, and quotes at most 200 characters of any value.
#[test]
fn a_megabyte_line_is_not_echoed() {
    let huge = "x".repeat(1 << 20);
    let text = BASE.replace(
        "name = \"tier1\"",
        &format!("name = \"tier1\"\nskill_typo = \"{huge}\""),
    );
    let err = invalid("huge", &text);
    assert!(err.len() < 2000, "{} bytes", err.len());
    assert!(
        err.starts_with("error: unknown key `skill_typo` in agent group `tier1`\n"),
        "{err}"
    );
    let err = invalid(
        "huge-key",
        &BASE.replace("[[topics]]", &format!("{huge} = 1\n[[topics]]")),
    );
    assert!(err.len() < 2000, "{} bytes", err.len());
}

/// Keys that change nothing in the model a scenario describes are warned of at the key: repeat
/// settings where every answer resolves its issue, retry settings where nobody can abandon or
/// find the line busy, a priority with one topic. Each warning goes once the key matters.
#[test]
fn keys_that_change_nothing_warn() {
    let extra =
        "\n[resolution]\nrepeat_share = 0.5\nretry_share = 0.3\n[csat]\nbot_contained = 0.6\n";
    let text = BASE.replace(
        "answer_within = \"8h\"\n",
        "answer_within = \"8h\"\nrepeat_channels = { phone = 1 }\n",
    ) + extra;
    let warned = |text: &str| {
        let (code, stdout, stderr) = validate("idle", text);
        assert_eq!(code, 0, "a warning does not stop the run\n{stderr}");
        assert!(stdout.contains("is valid"), "{stdout}");
        stderr
    };
    let said = |stderr: &str, what: &str| assert!(stderr.contains(what), "{what}\n{stderr}");
    let repeats = "changes nothing: every answered contact resolves its issue";
    let stderr = warned(&text);
    println!("{stderr}");
    said(
        &stderr,
        &format!("`repeat_share` in [resolution] {repeats}"),
    );
    said(
        &stderr,
        &format!("`repeat_channels` in [channels.email] {repeats}"),
    );
    said(
        &stderr,
        "`bot_contained` in [csat] changes nothing: no bot answers first",
    );
    said(&stderr, "idle.toml:");
    // The phone's callers abandon, so they may try again.
    assert!(!stderr.contains("retry_share"), "{stderr}");
    // With a resolution chance, repeats happen; without patience, nobody abandons.
    let text = text
        .replacen("share = 0.5\n", "share = 0.5\nfcr = 0.8\n", 1)
        .replace("patience = { dist = \"exponential\", mean = \"3m\" }\n", "");
    let stderr = warned(&text);
    assert!(!stderr.contains("repeat"), "{stderr}");
    said(
        &stderr,
        "`retry_share` in [resolution] changes nothing: nobody abandons or finds the line busy",
    );
    // One topic: its priority orders nothing, and without `fcr` nothing is left to escalate.
    let tier2 =
        "[[agents]]\nname = \"tier2\"\ntier = 2\ncount = 2\nchannels = [\"phone\", \"email\"]\n";
    let one = BASE.replace(
        "share = 0.5\n\n[[topics]]\nname = \"technical\"\nshare = 0.5\n",
        "priority = 2\nescalation = 0.2\n",
    ) + tier2;
    let stderr = warned(&one);
    said(&stderr, "`priority` in topic `billing` changes nothing");
    said(
        &stderr,
        "`escalation` in topic `billing` changes nothing: without `fcr`",
    );
    // A bot on email that contains nothing: nothing it contains can be false, and nobody it
    // passes on abandons.
    let bot = "\n[automation]\nchannels = [\"email\"]\ncontainment = 0\nfalse_containment = 0.2\nescalation_patience_factor = 0.5\n";
    let stderr = warned(&(BASE.to_string() + bot));
    said(
        &stderr,
        "`false_containment` in [automation] changes nothing: the bot contains nothing",
    );
    said(
        &stderr,
        "`escalation_patience_factor` in [automation] changes nothing: nobody the bot passes on can abandon",
    );
}
