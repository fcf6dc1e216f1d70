//! No input crashes: arbitrary text, mangled scenarios and extreme values either give a clear
//! error or a sane result, never a panic, a hang or a NaN.

use proptest::prelude::*;

fn bundled() -> Vec<String> {
    [
        "quick-start.toml",
        "mid-size.toml",
        "slow-response-churn.toml",
        "automation-investment.toml",
        "outage.toml",
        "growing-year.toml",
        "growing-year-email-bot.toml",
        "lessons/slow-response.toml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(crate::util::root().join("scenarios").join(f)).expect("read"))
    .collect()
}

/// `cases` cases, or as many as `PROPTEST_CASES` says (for long runs); no failure files.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Simulates a parsed model briefly when it is small enough to finish quickly, and checks the
/// summary has no NaN or infinity.
fn run_briefly(mut m: supportsim::model::Model) {
    let agents: u32 = m.groups.iter().map(|g| g.headcount()).sum();
    if m.demand.per_day * m.demand.weekday.iter().cloned().fold(0.0, f64::max) > 200_000.0
        || agents > 20_000
    {
        return;
    }
    m.days = m.warmup_days + 1;
    m.replications = 1;
    let reps = match supportsim::run_replications(&m, &|| {}, Default::default()) {
        Ok(reps) => reps,
        // Hopelessly short of capacity: stopped with an explanation, which is a sane answer.
        Err(supportsim::engine::Stopped::Overloaded(o)) => {
            assert!(o.open > supportsim::engine::MAX_LIVE_CONTACTS, "{o}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let s = supportsim::report::summarize(&m, "x", &reps);
    let json = serde_json::to_string(&s).expect("serialises");
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_text_is_refused_or_accepted_never_crashes(text in ".{0,400}") {
        let _ = supportsim::scenario::parse("fuzz.toml", &text, "fuzz");
    }

    #[test]
    fn mangled_scenarios_never_crash(which in 0usize..8, cuts in prop::collection::vec((0usize..20_000, 0usize..40, ".{0,12}"), 1..4)) {
        let mut text = bundled()[which].clone();
        for (at, len, insert) in cuts {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, &insert);
        }
        match supportsim::scenario::parse("mangled.toml", &text, "mangled") {
            Ok(l) => run_briefly(l.model),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(!msg.is_empty());
            }
        }
    }

    #[test]
    fn extreme_values_give_sane_results(
        per_day in prop::sample::select(vec![0.001, 0.5, 3.0, 500.0, 50_000.0]),
        handle in prop::sample::select(vec!["1s", "30s", "20m", "8h", "3d"]),
        patience in prop::sample::select(vec!["", "1s", "10m", "2d"]),
        agents in prop::sample::select(vec![1u32, 3, 50, 10_000]),
        containment in prop::sample::select(vec![0.0, 0.5, 1.0]),
        kind in prop::sample::select(vec!["call", "chat", "async"]),
        cv in prop::sample::select(vec![0.05, 1.0, 5.0]),
        touches in prop::sample::select(vec![1.0, 1.01, 50.0]),
        surge in prop::sample::select(vec![-1.0, 0.0, 0.5, 1000.0]),
        growth in prop::sample::select(vec![-0.5, 0.0, 1.0]),
    ) {
        let patience_line = if kind == "async" {
            format!("touches = {touches}\nreply_delay = {{ dist = \"lognormal\", mean = \"{handle}\", cv = {cv} }}\n")
        } else if patience.is_empty() {
            String::new()
        } else {
            format!("patience = {{ dist = \"exponential\", mean = \"{patience}\" }}\n")
        };
        let surge_table = if surge < 0.0 {
            String::new()
        } else {
            format!("[[surges]]\nday = 0\nstart = \"23:59\"\nduration = \"3d\"\nfactor = {surge}\n")
        };
        let text = format!(
            "[simulation]\ndays = 1\nreplications = 1\n[volume]\nper_day = {per_day}\n[channels.c]\nkind = \"{kind}\"\nhandle_time = {{ dist = \"lognormal\", mean = \"{handle}\", cv = {cv} }}\n{patience_line}[automation]\nchannels = [\"c\"]\ncontainment = {containment}\nfalse_containment = 0.5\n[[topics]]\nname = \"t\"\nshare = 1\nfcr = 0.5\n[resolution]\nretry_share = 0.5\n[customers]\nactive = 1000\nrevenue_per_month = 10\n[[agents]]\nname = \"a\"\ncount = {agents}\nchannels = [\"c\"]\n{surge_table}"
        );
        let text = text.replace(
            "[volume]\nper_day",
            &format!("[volume]\nday_cv = 0.5\ngrowth_per_month = {growth}\nper_day"),
        );
        // With [customers] the volume may still be given per day only without contacts_per_month.
        let loaded = supportsim::scenario::parse("extreme.toml", &text, "extreme");
        let l = match loaded {
            Ok(l) => l,
            Err(e) => panic!("extreme but valid:\n{e}\n{text}"),
        };
        run_briefly(l.model);
    }
}

/// One row of a contact log in supportsim's layout, from fields that are mostly sensible and
/// sometimes not.
fn log_row() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("1".to_string()), Just("2".to_string()), "[0-9]{1,6}", ".{0,4}"],
        prop_oneof![Just("mon"), Just("sat"), Just("xyz")],
        prop_oneof![
            (0u32..24, 0u32..60, 0u32..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
            ".{0,8}".prop_map(|s| s),
        ],
        prop_oneof![Just("0".to_string()), "[0-9]{1,4}(\\.[0-9])?", Just("-5".to_string()), Just("NaN".to_string())],
        prop_oneof![Just("answered"), Just("abandoned"), Just("open"), Just("??")],
        prop_oneof![Just("0".to_string()), "[0-9]{1,5}", Just("1e308".to_string())],
        prop_oneof![Just("a"), Just("b"), Just("")],
        prop_oneof![
            Just("1".to_string()),
            Just("2".to_string()),
            Just("0".to_string()),
            Just("x".to_string()),
            "[0-9]{1,5}",
        ],
        prop_oneof![Just("team-1"), Just("team-2"), Just("")],
    )
        .prop_map(|(day, wd, time, wait, outcome, handle, topic, prio, agent)| {
            format!("{day},{wd},{time},0,phone,{topic},{prio},0,0,{outcome},{wait},{handle},team,{agent}")
        })
}

proptest! {
    #![proptest_config(config(64))]

    /// Reading, fitting and backtesting any log gives an error or a scenario that loads and
    /// scores without NaN; nothing panics.
    #[test]
    fn any_log_is_read_fitted_and_backtested_or_refused(rows in prop::collection::vec(log_row(), 0..60)) {
        use supportsim::contact_log::{self, Mapping};
        let text = format!("{}\n{}\n", contact_log::HEADER, rows.join("\n"));
        let Ok(log) = contact_log::read(std::io::Cursor::new(text.as_bytes()), &Mapping::supportsim(), None) else {
            return Ok(());
        };
        let fit = supportsim::fit::fit(&log, &supportsim::fit::FitOptions::default());
        if fit.handle.is_empty() {
            return Ok(());
        }
        let scenario = supportsim::fit::scenario_text(&fit, "fuzz", &supportsim::fit::ChannelSpec::phone(20.0))
            .unwrap_or_else(|e| panic!("{e}"));
        let model = match supportsim::scenario::parse("fitted.toml", &scenario, "fitted") {
            Ok(l) => l.model,
            Err(e) => panic!("the fitted scenario does not load: {e:?}\n{scenario}"),
        };
        if let Some(staffing) = &fit.staffing {
            let opts = supportsim::backtest::BacktestOptions {
                replications: 10,
                seed: 1,
                answer_within: 20.0,
                staffing_slot: 300.0,
            };
            let never = std::sync::atomic::AtomicBool::new(false);
            let b = supportsim::backtest::backtest(&log, &model, &fit.topics, staffing, &opts, &never)
                .expect("not cancelled");
            for s in &b.scores {
                prop_assert!(s.coverage.is_finite() && s.bias.is_finite() && s.mape.is_none_or(f64::is_finite), "{s:?}");
            }
        }
    }
}
