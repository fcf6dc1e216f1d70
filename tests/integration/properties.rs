//! Invariants of the engine on random valid scenarios written as TOML: every arrival ends
//! answered, abandoned, blocked or still open; waits are never negative; occupancy stays in
//! [0, 1]; backlogs and ages are non-negative; no figure is NaN.

use proptest::prelude::*;
use supportsim::report::Metric;

#[derive(Debug, Clone)]
struct Ch {
    kind: &'static str,
    mean_s: u32,
    family: &'static str,
    patience_s: Option<u32>,
    capacity: Option<u32>,
    concurrency: u32,
    weight: u32,
    /// Mean touches and reply delay (seconds) of an async channel.
    touches: Option<(f64, u32)>,
}

fn channel() -> impl Strategy<Value = Ch> {
    (
        prop::sample::select(vec!["call", "chat", "async"]),
        1u32..7200,
        prop::sample::select(vec!["exponential", "lognormal", "gamma", "fixed"]),
        prop::option::of(1u32..1800),
        prop::option::of(0u32..20),
        1u32..5,
        1u32..10,
        prop::option::of((1.0f64..6.0, 1u32..86_400)),
    )
        .prop_map(
            |(kind, mean_s, family, patience_s, capacity, concurrency, weight, touches)| Ch {
                kind,
                mean_s,
                family,
                patience_s: if kind == "async" { None } else { patience_s },
                capacity: if kind == "async" { None } else { capacity },
                concurrency,
                weight,
                touches: if kind == "async" { touches } else { None },
            },
        )
}

#[derive(Debug, Clone)]
struct Grp {
    count: u32,
    shifts: Vec<(u32, u32, u32, bool)>,
    planned: f64,
    absence: f64,
}

fn group() -> impl Strategy<Value = Grp> {
    (
        1u32..25,
        prop::collection::vec((0u32..24, 1u32..16, 1u32..10, any::<bool>()), 0..3),
        0.0f64..0.4,
        0.0f64..0.3,
    )
        .prop_map(|(count, shifts, planned, absence)| Grp {
            count,
            shifts,
            planned,
            absence,
        })
}

/// Optional experience sections: bot, FCR, repeats and retries, customers, tier 2.
#[derive(Debug, Clone)]
struct Extras {
    bot: Option<(f64, f64, bool)>,
    fcr: Option<f64>,
    repeat: (f64, f64),
    customers: Option<(u32, f64)>,
    tier2: Option<f64>,
    kb: Option<f64>,
    growth: Option<f64>,
    /// (day, start hour, minutes, factor, only topic t0, only channel c0)
    surges: Vec<(u32, u32, u32, f64, bool, bool)>,
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        prop::option::of((0.0f64..=1.0, 0.0f64..=1.0, any::<bool>())),
        prop::option::of(0.0f64..=1.0),
        (0.0f64..=1.0, 0.0f64..=1.0),
        prop::option::of((1u32..100_000, 0.0f64..0.5)),
        prop::option::of(0.0f64..=1.0),
        prop::option::of(0.0f64..=1.0),
        prop::option::of(-0.5f64..=1.0),
        prop::collection::vec(
            (
                0u32..4,
                0u32..24,
                1u32..3000,
                prop_oneof![Just(0.0), 0.0f64..1.0, 1.0f64..20.0],
                any::<bool>(),
                any::<bool>(),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(bot, fcr, repeat, customers, tier2, kb, growth, surges)| Extras {
                bot,
                fcr,
                repeat,
                customers,
                tier2,
                kb,
                growth,
                surges,
            },
        )
}

fn render_extras(e: &Extras, channels: usize, days: u32) -> String {
    let mut s = String::new();
    for (i, (day, hour, minutes, factor, topic, channel)) in e.surges.iter().enumerate() {
        s += &format!(
            "[[surges]]\nname = \"s{i}\"\nday = {}\nstart = \"{hour:02}:00\"\nduration = \"{minutes}m\"\nfactor = {factor}\n",
            day % days.max(1)
        );
        if *topic {
            s += "topic = \"t0\"\n";
        }
        if *channel {
            s += "channels = [\"c0\"]\n";
        }
        s += "\n";
    }
    if let Some((containment, false_share, ramp)) = e.bot {
        s += &format!(
            "[automation]\nchannels = [\"c0\"]\ncontainment = {containment}\nfalse_containment = {false_share}\nbot_time = {{ dist = \"exponential\", mean = \"2m\" }}\ncost_per_conversation = 0.5\n"
        );
        if ramp {
            s += &format!(
                "ramp = {{ start_day = 0, end_day = {}, from = 0.1 }}\n",
                days.max(1)
            );
        }
        s += "\n";
    }
    if let Some(k) = e.kb {
        s += &format!("[knowledge_base]\ndeflection = {k}\nmonthly_cost = 100\n\n");
    }
    s += &format!(
        "[resolution]\nrepeat_share = {}\nretry_share = {}\nrepeat_delay = {{ dist = \"exponential\", mean = \"3h\" }}\nretry_delay = {{ dist = \"exponential\", mean = \"10m\" }}\n\n",
        e.repeat.0, e.repeat.1
    );
    if let Some((active, cpm)) = e.customers {
        s += &format!(
            "[customers]\nactive = {active}\nacquisitions_per_month = {}\nrevenue_per_month = 20\nbaseline_churn_per_month = {cpm}\n\n",
            active / 10
        );
    }
    if e.tier2.is_some() {
        let list: Vec<String> = (0..channels).map(|i| format!("\"c{i}\"")).collect();
        s += &format!(
            "[[agents]]\nname = \"tier2\"\ntier = 2\ncount = 2\nchannels = [{}]\n\n",
            list.join(", ")
        );
    }
    s
}

fn scenario() -> impl Strategy<Value = String> {
    (base_scenario(), extras()).prop_map(|((text, channels, days), e)| {
        let mut text = text;
        if let Some(f) = e.fcr {
            text = text.replace("priority = ", &format!("fcr = {f}\npriority = "));
        }
        if let Some(x) = e.tier2 {
            text = text.replace("priority = ", &format!("escalation = {x}\npriority = "));
        }
        if let Some(g) = e.growth {
            text = text.replace("day_cv = ", &format!("growth_per_month = {g}\nday_cv = "));
        }
        text + &render_extras(&e, channels, days)
    })
}

fn base_scenario() -> impl Strategy<Value = (String, usize, u32)> {
    (
        1u32..4,
        any::<bool>(),
        1.0f64..4000.0,
        0.0f64..0.4,
        prop::sample::select(vec!["flat", "business-hours", "extended-hours", "around-the-clock"]),
        prop::collection::vec(channel(), 1..4),
        prop::collection::vec((1u32..4, 1u32..10, 0.3f64..2.0), 1..4),
        prop::collection::vec(group(), 1..3),
        any::<u32>(),
    )
        .prop_map(|(days, warm, per_day, day_cv, intraday, chans, topics, groups, seed)| {
            let mut s = format!(
                "[simulation]\ndays = {days}\nwarmup_days = {}\ninterval = \"1h\"\nreplications = 1\nseed = {seed}\n\n[volume]\nper_day = {per_day}\nday_cv = {day_cv}\nintraday = \"{intraday}\"\n\n",
                u32::from(warm && days > 1)
            );
            let total: u32 = chans.iter().map(|c| c.weight).sum();
            for (i, c) in chans.iter().enumerate() {
                s += &format!("[channels.c{i}]\nkind = \"{}\"\nshare = {:.12}\n", c.kind, f64::from(c.weight) / f64::from(total));
                let cv = if c.family == "lognormal" || c.family == "gamma" { ", cv = 1.3" } else { "" };
                s += &format!("handle_time = {{ dist = \"{}\", mean = \"{}s\"{cv} }}\n", c.family, c.mean_s);
                if let Some(p) = c.patience_s {
                    s += &format!("patience = {{ dist = \"exponential\", mean = \"{p}s\" }}\n");
                }
                if let Some(q) = c.capacity {
                    s += &format!("queue_capacity = {q}\n");
                }
                if c.kind == "chat" {
                    s += &format!("concurrency = {}\n", c.concurrency);
                    if c.mean_s % 2 == 0 {
                        s += &format!("abandoned_work = {{ dist = \"exponential\", mean = \"{}s\" }}\n", c.mean_s / 4 + 1);
                    }
                }
                // Customers of a written channel may chase its tickets on the next channel.
                if c.kind == "async" && chans.len() > 1 && c.mean_s % 3 != 1 {
                    s += &format!(
                        "chase_after = {{ dist = \"exponential\", mean = \"{}s\" }}\nchase_channels = {{ c{} = 1 }}\n",
                        2 * c.mean_s + 1,
                        (i + 1) % chans.len()
                    );
                    if c.mean_s % 3 == 2 {
                        s += &format!("chase_share = 0.5\nabandoned_work = {{ dist = \"exponential\", mean = \"{}s\" }}\n", c.mean_s / 4 + 1);
                    }
                }
                if let Some((touches, reply_s)) = c.touches {
                    s += &format!("touches = {touches}\nreply_delay = {{ dist = \"exponential\", mean = \"{reply_s}s\" }}\n");
                }
                s += "\n";
            }
            let ttotal: u32 = topics.iter().map(|t| t.1).sum();
            for (i, (prio, w, f)) in topics.iter().enumerate() {
                s += &format!(
                    "[[topics]]\nname = \"t{i}\"\nshare = {:.12}\npriority = {prio}\nhandle_time_factor = {f}\n\n",
                    f64::from(*w) / f64::from(ttotal)
                );
            }
            let chan_list: Vec<String> = (0..chans.len()).map(|i| format!("\"c{i}\"")).collect();
            for (gi, g) in groups.iter().enumerate() {
                s += &format!(
                    "[[agents]]\nname = \"g{gi}\"\nchannels = [{}]\nplanned_shrinkage = {}\nabsence = {}\n",
                    chan_list.join(", "),
                    g.planned,
                    g.absence
                );
                let skills: Vec<String> = (0..topics.len()).map(|t| format!("t{t} = {}", 0.5 + 0.25 * ((t + gi) % 3) as f64)).collect();
                s += &format!("skills = {{ {} }}\n", skills.join(", "));
                if g.shifts.is_empty() {
                    s += &format!("count = {}\n", g.count);
                } else {
                    s += "shifts = [\n";
                    for (start, len, count, weekdays) in &g.shifts {
                        let end = (start + len) % 24;
                        let overnight = start + len >= 24;
                        s += &format!(
                            "  {{ days = \"{}\", start = \"{start:02}:00\", end = \"{end:02}:00\", count = {count}, overnight = {overnight} }},\n",
                            if *weekdays { "weekdays" } else { "daily" }
                        );
                    }
                    s += "]\n";
                }
                s += "\n";
            }
            (s, chans.len(), days)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold(text in scenario()) {
        let loaded = supportsim::scenario::parse("random.toml", &text, "random");
        let loaded = match loaded {
            Ok(l) => l,
            Err(e) => panic!("generated scenario should be valid:\n{e}\n{text}"),
        };
        let m = &loaded.model;
        let r = supportsim::engine::simulate(m, 0, Default::default()).unwrap_or_else(|e| panic!("{e}"));
        let c = &r.conservation;
        prop_assert_eq!(
            c.arrived,
            c.answered + c.abandoned + c.blocked + c.contained + c.open_end,
            "every arrival is answered, abandoned, blocked, contained or still open\n{}",
            text
        );
        prop_assert_eq!(c.repeats_scheduled, c.repeats_arrived + c.repeats_pending, "every repeat arrives or is pending");
        // Every repeat follows an earlier contact that gave it a reason to come back.
        prop_assert_eq!(
            c.repeats_scheduled,
            c.repeats_after_unresolved + c.repeats_after_false_containment + c.retries
        );
        prop_assert!(c.repeats_after_unresolved <= c.unresolved);
        prop_assert!(c.repeats_after_false_containment <= c.falsely_contained);
        prop_assert!(c.retries <= c.abandoned + c.blocked);
        prop_assert!(c.falsely_contained <= c.contained);
        let repeats: u64 = r.channels.iter().map(|t| t.repeats).sum();
        prop_assert!(repeats <= c.repeats_arrived);
        prop_assert!(r.min_wait >= 0.0 || c.answered == 0);
        for (g, s) in r.groups.iter().enumerate() {
            prop_assert!(s.busy >= 0.0 && s.busy <= s.available * (1.0 + 1e-9) + 1e-6, "group {} busy {} > available {}", g, s.busy, s.available);
            prop_assert!(s.available <= s.scheduled * (1.0 + 1e-9) + 1e-6);
        }
        for row in &r.group_intervals {
            for s in row {
                prop_assert!(s.busy <= s.available * (1.0 + 1e-9) + 1e-6);
            }
        }
        for row in &r.channel_intervals {
            for ci in row {
                prop_assert!(ci.oldest_end >= 0.0 && ci.oldest_end.is_finite());
                prop_assert!(ci.tally.arrived >= ci.tally.offered());
            }
        }
        for t in &r.channels {
            prop_assert!(t.arrived >= t.offered());
            prop_assert!(t.within <= t.answered && t.delayed <= t.offered());
        }
        let summary = supportsim::report::summarize(m, "random.toml", &[r]);
        let json = serde_json::to_string(&summary).expect("serialises");
        prop_assert!(!json.contains("NaN") && !json.contains("inf"), "{}", json);
        for (_, ch) in &summary.channels.0 {
            for (k, s) in &ch.0 {
                if let Some(x) = s.mean {
                    // A net promoter score runs from −100 to +100; every other figure is ≥ 0.
                    let low = if matches!(k, Metric::Nps | Metric::NpsExpected) { -100.0 } else { 0.0 };
                    prop_assert!(x.is_finite() && x >= low && (low == 0.0 || x <= 100.0), "{} = {}", k, x);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any valid scenario read into the typed format and written back gives the same model, so
    /// commands that rewrite scenarios (staff, sweep) change only what they mean to.
    #[test]
    fn the_typed_format_writes_back_any_valid_scenario(text in scenario()) {
        let model = |t: &str| match supportsim::scenario::parse("random.toml", t, "random") {
            Ok(l) => format!("{:?}", l.model),
            Err(e) => panic!("{e}\n{t}"),
        };
        let file: supportsim::scenario::format::ScenarioFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let written = supportsim::scenario::format::to_toml(&file, &[], &[]).expect("writes");
        prop_assert_eq!(model(&text), model(&written), "{}", written);
    }
}
