//! The customer-experience chain, measured with common random numbers: the same seed gives the
//! same customers in both plans, so paired differences per replication isolate the effect of
//! the change. Each claim must hold at more than three standard errors of the paired mean.

use supportsim::metrics::RepResult;
use supportsim::model::Model;

use crate::util::root;

fn load(name: &str) -> Model {
    let path = root().join("scenarios").join(name);
    supportsim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

fn run(m: &Model) -> Vec<RepResult> {
    supportsim::run_replications(m, &|| {}, Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean and standard error of the paired differences `b − a`.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Asserts that `b` is larger than `a` (or smaller, with `up` false) by more than three
/// standard errors of the paired difference.
fn moves(what: &str, a: &[f64], b: &[f64], up: bool) {
    let (mean, se) = paired(a, b);
    let z = if se > 0.0 {
        mean / se
    } else {
        mean.signum() * f64::INFINITY
    };
    println!("{what:40} paired difference {mean:+14.4} ± {se:10.4} (z = {z:+.1})");
    if up {
        assert!(z > 3.0, "{what} should rise: {mean} ± {se}");
    } else {
        assert!(z < -3.0, "{what} should fall: {mean} ± {se}");
    }
}

fn total(r: &RepResult, f: impl Fn(&supportsim::metrics::Tally) -> f64) -> f64 {
    r.channels.iter().map(f).sum()
}

fn frt(r: &RepResult) -> f64 {
    total(r, |t| t.wait_answered) / total(r, |t| t.answered as f64)
}

fn csat_surveyed(r: &RepResult) -> f64 {
    total(r, |t| t.satisfied as f64) / total(r, |t| t.surveys as f64)
}

fn csat_expected(r: &RepResult) -> f64 {
    total(r, |t| t.p_satisfied) / total(r, |t| t.served as f64)
}

fn churned(r: &RepResult) -> f64 {
    r.customers.as_ref().map_or(0.0, |c| c.churned as f64)
}

fn revenue_lost(r: &RepResult) -> f64 {
    r.customers.as_ref().map_or(0.0, |c| c.revenue_lost)
}

fn col(reps: &[RepResult], f: impl Fn(&RepResult) -> f64) -> Vec<f64> {
    reps.iter().map(f).collect()
}

#[test]
fn fewer_agents_slower_answers_less_satisfaction_more_churn() {
    let base = load("slow-response-churn.toml");
    let mut thin = base.clone();
    for g in &mut thin.groups {
        for s in &mut g.shifts {
            s.count = s.count.saturating_sub(1).max(1);
        }
    }
    let (a, b) = (run(&base), run(&thin));
    moves(
        "mean FRT of answered contacts (s)",
        &col(&a, frt),
        &col(&b, frt),
        true,
    );
    moves(
        "CSAT, census",
        &col(&a, csat_expected),
        &col(&b, csat_expected),
        false,
    );
    moves(
        "CSAT, surveyed",
        &col(&a, csat_surveyed),
        &col(&b, csat_surveyed),
        false,
    );
    moves(
        "customers lost over service",
        &col(&a, churned),
        &col(&b, churned),
        true,
    );
    moves(
        "revenue lost",
        &col(&a, revenue_lost),
        &col(&b, revenue_lost),
        true,
    );
}

/// Emailers who hear nothing chase on the phone (`chase_after`): with one full-time email agent
/// fewer, more of them do, so repeat contacts, channel switches and the effort per resolved
/// issue rise as service gets worse, and the phones take the extra calls. (Without chasing,
/// repeats and switches fell: nobody came back about a ticket still waiting.)
#[test]
fn a_thin_written_desk_makes_customers_chase_and_switch() {
    let base = load("slow-response-churn.toml");
    let email = base.channels.iter().position(|c| c.name == "email");
    let email = email.expect("an email channel");
    assert!(base.channels[email].chase.is_some(), "emailers chase");
    let mut thin = base.clone();
    let desk = thin.groups.iter_mut().find(|g| g.name == "email desk");
    desk.expect("an email desk").shifts[0].count -= 1;
    let (a, b) = (run(&base), run(&thin));
    let ratio = |f: fn(&supportsim::metrics::Tally) -> u64,
                 g: fn(&supportsim::metrics::Tally) -> u64| {
        move |r: &RepResult| total(r, |t| f(t) as f64) / total(r, |t| g(t) as f64)
    };
    let repeat_rate = ratio(|t| t.repeats, |t| t.arrived);
    let switches = ratio(|t| t.switches, |t| t.resolved);
    let effort = ratio(|t| t.arrived, |t| t.resolved);
    let chased = move |r: &RepResult| r.channels[email].abandoned as f64;
    let calls =
        move |r: &RepResult| total(r, |t| t.arrived as f64) - r.channels[email].arrived as f64;
    moves("emails chased", &col(&a, chased), &col(&b, chased), true);
    moves("calls", &col(&a, calls), &col(&b, calls), true);
    moves(
        "repeat rate",
        &col(&a, repeat_rate),
        &col(&b, repeat_rate),
        true,
    );
    moves(
        "switches per resolved issue",
        &col(&a, switches),
        &col(&b, switches),
        true,
    );
    moves(
        "contacts per resolved issue",
        &col(&a, effort),
        &col(&b, effort),
        true,
    );
}

#[test]
fn higher_containment_fewer_agent_contacts_lower_agent_cost() {
    let mut base = load("automation-investment.toml");
    // Billed per handled hour, as outsourced desks often are, agent cost follows the work.
    for g in &mut base.groups {
        g.billed_by_handle_time = true;
    }
    let mut more = base.clone();
    for t in &mut more.topics {
        t.containment = (t.containment + 0.25).min(1.0);
    }
    let (a, b) = (run(&base), run(&more));
    let handled = |r: &RepResult| total(r, |t| t.answered as f64);
    let contained = |r: &RepResult| total(r, |t| t.contained as f64);
    let agent_cost = |m: &Model| {
        let m = m.clone();
        move |r: &RepResult| -> f64 {
            m.groups
                .iter()
                .zip(&r.groups)
                .map(|(g, s)| g.cost_per_hour * s.busy / 3600.0)
                .sum()
        }
    };
    moves(
        "contained conversations",
        &col(&a, contained),
        &col(&b, contained),
        true,
    );
    moves(
        "contacts handled by agents",
        &col(&a, handled),
        &col(&b, handled),
        false,
    );
    moves(
        "agent cost (billed by handle time)",
        &col(&a, agent_cost(&base)),
        &col(&b, agent_cost(&more)),
        false,
    );
    // The summary reports the same, through its own path.
    let sa = supportsim::report::summarize(&base, "a", &a);
    let sb = supportsim::report::summarize(&more, "b", &b);
    let cost = |s: &supportsim::report::Summary| {
        s.overall
            .get(supportsim::report::Metric::AgentCost)
            .and_then(|x| x.mean)
            .expect("agent_cost")
    };
    assert!(cost(&sb) < cost(&sa));
}

#[test]
fn false_containment_brings_more_repeat_contacts() {
    let base = load("automation-investment.toml");
    let mut honest = base.clone();
    let mut sloppy = base.clone();
    if let Some(a) = &mut honest.automation {
        a.false_containment = 0.0;
    }
    if let Some(a) = &mut sloppy.automation {
        a.false_containment = 0.4;
    }
    let (a, b) = (run(&honest), run(&sloppy));
    let repeats = |r: &RepResult| total(r, |t| t.repeats as f64);
    moves(
        "repeat contacts",
        &col(&a, repeats),
        &col(&b, repeats),
        true,
    );
}

#[test]
fn knowledge_base_removes_contacts_before_they_arrive() {
    let base = load("automation-investment.toml");
    let mut none = base.clone();
    for t in &mut none.topics {
        t.kb_deflection = 0.0;
    }
    let (a, b) = (run(&none), run(&base));
    let arrived = |r: &RepResult| total(r, |t| (t.arrived - t.repeats) as f64);
    let deflected = |r: &RepResult| total(r, |t| t.deflected as f64);
    moves(
        "first contacts arriving",
        &col(&a, arrived),
        &col(&b, arrived),
        false,
    );
    moves(
        "answered by the knowledge base",
        &col(&a, deflected),
        &col(&b, deflected),
        true,
    );
}

#[test]
fn containment_ramps_over_the_rollout() {
    let m = load("automation-investment.toml");
    let reps = run(&m);
    let ramp = m
        .automation
        .as_ref()
        .and_then(|a| a.ramp.clone())
        .expect("the scenario ramps");
    let days = |from: f64, to: f64| {
        let mut conv = 0.0;
        let mut cont = 0.0;
        for r in &reps {
            for (i, row) in r.channel_intervals.iter().enumerate() {
                let t = m.warmup_end() + i as f64 * m.interval;
                if t >= from && t < to {
                    for c in row {
                        conv += c.tally.bot_conversations as f64;
                        cont += c.tally.contained as f64;
                    }
                }
            }
        }
        cont / conv
    };
    let before = days(0.0, ramp.start);
    let after = days(ramp.end, m.horizon());
    println!("containment before the rollout {before:.3}, after {after:.3}");
    assert_eq!(before, 0.0);
    assert!(after > 0.2);
}

#[test]
fn without_experience_keys_nothing_is_contained_repeated_or_lost() {
    for f in ["quick-start.toml", "mid-size.toml"] {
        let m = load(f);
        let mut m2 = m.clone();
        m2.days = 3;
        m2.replications = 2;
        for r in run(&m2) {
            let c = &r.conservation;
            assert_eq!((c.contained, c.repeats_scheduled), (0, 0), "{f}");
            assert_eq!(total(&r, |t| t.deflected as f64), 0.0);
            assert!(r.customers.is_none());
        }
    }
}
