//! A growing backlog never flatters: tickets still open at the end that already waited past
//! the answer target are misses, and every open ticket's wait so far enters the FRT
//! percentiles as a censored value. Removing agents, with common random numbers, never raises
//! the service level or lowers the FRT P90 beyond noise.

use supportsim::metrics::RepResult;

/// An email desk of `agents` on weekdays, two weeks, mail every day.
fn desk(agents: u32) -> String {
    format!(
        r#"[simulation]
name = "backlog {agents}"
days = 14
warmup_days = 0
replications = 30
seed = 11
[volume]
per_day = 300
intraday = "business-hours"
weekday = {{ mon = 1.0, tue = 1.0, wed = 1.0, thu = 1.0, fri = 1.0, sat = 0.5, sun = 0.5 }}
[channels.email]
kind = "async"
share = 1.0
handle_time = {{ dist = "lognormal", mean = "10m", cv = 0.8 }}
answer_within = "8h"
[[agents]]
name = "desk"
channels = ["email"]
shifts = [ {{ days = "weekdays", start = "09:00", end = "17:00", count = {agents} }} ]
"#
    )
}

fn replications(agents: u32) -> Vec<RepResult> {
    let loaded = supportsim::scenario::parse("desk.toml", &desk(agents), "desk")
        .unwrap_or_else(|e| panic!("{e:?}"));
    supportsim::run_replications(&loaded.model, &|| {}, Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Mean and standard error of paired differences `b[i] − a[i]`.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

fn service_levels(reps: &[RepResult]) -> Vec<f64> {
    reps.iter()
        .map(|r| r.channels[0].within as f64 / r.channels[0].offered() as f64)
        .collect()
}

fn p90s(reps: &[RepResult]) -> Vec<f64> {
    reps.iter()
        .map(|r| r.channel_frt[0].p90.expect("waits recorded"))
        .collect()
}

#[test]
fn removing_agents_never_improves_the_backlog_figures() {
    let runs: Vec<(u32, Vec<RepResult>)> = [6, 5, 4, 3, 2, 1]
        .into_iter()
        .map(|n| (n, replications(n)))
        .collect();
    for pair in runs.windows(2) {
        let ((more, a), (fewer, b)) = (&pair[0], &pair[1]);
        // Three standard errors of the paired difference: a rise beyond that is not noise.
        let (d_sl, se_sl) = paired(&service_levels(a), &service_levels(b));
        assert!(
            d_sl <= 3.0 * se_sl,
            "service level rose from {more} to {fewer} agents by {d_sl:.4} (se {se_sl:.4})"
        );
        let (d_p90, se_p90) = paired(&p90s(a), &p90s(b));
        assert!(
            d_p90 >= -3.0 * se_p90,
            "FRT P90 fell from {more} to {fewer} agents by {:.0}s (se {se_p90:.0}s)",
            -d_p90
        );
    }
    // The desk is thin enough for a backlog: open tickets past their target exist and count.
    for (n, reps) in &runs {
        let t = &reps[0].channels[0];
        assert!(t.open_late > 0, "{n} agents leave tickets open past 8h");
        assert_eq!(
            t.offered(),
            t.answered + t.abandoned + t.blocked + t.open_late
        );
        // Leaving them out (the flattering figure) would report a higher service level.
        let flattering = t.within as f64 / (t.answered + t.abandoned + t.blocked) as f64;
        assert!(flattering > t.within as f64 / t.offered() as f64);
    }
}

#[test]
fn a_desk_with_nobody_on_it_misses_every_ticket_past_its_target() {
    // One agent for one hour on the first Monday; the mail of two weeks then waits. Every
    // ticket older than 8 h at the end is a miss; every open ticket's age is in the FRT.
    let text = desk(1).replace(
        r#"shifts = [ { days = "weekdays", start = "09:00", end = "17:00", count = 1 } ]"#,
        r#"shifts = [ { days = "mon", start = "09:00", end = "10:00", count = 1 } ]"#,
    );
    let loaded =
        supportsim::scenario::parse("desk.toml", &text, "desk").unwrap_or_else(|e| panic!("{e:?}"));
    let reps = supportsim::run_replications(&loaded.model, &|| {}, Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    for r in &reps {
        let t = &r.channels[0];
        let frt = &r.channel_frt[0];
        assert_eq!(
            frt.count,
            t.answered + t.open,
            "every first wait, open or not"
        );
        assert!(
            t.open_late + 100 > t.open,
            "almost all open tickets are past 8 h"
        );
        assert!(t.within as f64 / t.offered() as f64 <= 0.02);
        // The median ticket has waited days, not the minutes of the few answered.
        assert!(frt.p50.expect("waits") > 86_400.0);
    }
}

/// A ticket still waiting at the end of a `run --ticket-events` log names the group whose
/// queue it is in, when only one group serves its channel and category: the fit then reads it
/// among that group's waiting tickets without guessing.
#[test]
fn tickets_never_taken_name_the_one_group_that_serves_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text =
        std::fs::read_to_string(crate::util::root().join("tests/data/tickets-two-queues.toml"))
            .expect("scenario")
            .replace("count = 13", "count = 4")
            .replace("count = 6 }", "count = 2 }");
    let scenario = dir.path().join("thin.toml");
    std::fs::write(&scenario, text).expect("write scenario");
    let log = crate::tickets::ticket_events(dir.path(), &scenario);
    let mut reader = csv::Reader::from_path(&log).expect("log");
    let mut updates: std::collections::BTreeMap<String, Vec<(String, String, String)>> =
        Default::default();
    for row in reader.records() {
        let row = row.expect("row");
        updates.entry(row[0].to_string()).or_default().push((
            row[1].to_string(),
            row[6].to_string(),
            row[8].to_string(),
        ));
    }
    let waiting: Vec<&(String, String, String)> = updates
        .values()
        .filter(|u| u.len() == 1)
        .map(|u| &u[0])
        .collect();
    assert!(
        waiting.len() > 100,
        "a thin desk leaves a backlog: {}",
        waiting.len()
    );
    for (state, category, group) in waiting {
        assert_eq!(state, "New");
        let serving = if category == "access" {
            "front"
        } else {
            "hardware desk"
        };
        assert_eq!(group, serving, "{category}");
    }
}
