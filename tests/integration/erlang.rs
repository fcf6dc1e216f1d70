//! `supportsim erlang` against published worked examples, to their printed precision.

use assert_cmd::Command;
use serde_json::Value;

fn erlang(args: &[&str]) -> Value {
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .arg("erlang")
        .args(args)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// VR Telecom's Erlang C calculator page (personal.telefonica.terra.es/web/vr/erlang,
/// "Erlang C calculator", worked example): 600 calls an hour of 120 s are 20 Erlangs; a 15%
/// target probability of delay needs 26 agents, with an average delay of 3 s per call; with 30
/// agents the probability of delay falls to 2.5%.
#[test]
fn vr_erlang_c_example() {
    let at = |n: &str| erlang(&["c", "--per-hour", "600", "--aht", "120s", "--agents", n]);
    let n26 = at("26");
    assert_eq!(f(&n26, "offered_erlangs"), 20.0);
    assert!(f(&n26, "p_wait") <= 0.15);
    assert!(f(&at("25"), "p_wait") > 0.15, "26 is the fewest");
    assert_eq!(f(&n26, "asa_seconds").round(), 3.0);
    assert_eq!((f(&at("30"), "p_wait") * 1000.0).round() / 10.0, 2.5);
}

/// Jones the Net, "Erlang uplift" (jonesthenet.com/budgeting/service-levels-erlang): an
/// average hour of 250 calls with a 330-second AHT needs 28 advisors to answer 80% of calls in
/// 30 seconds, against the "accountant's" 22.9.
#[test]
fn jones_the_net_80_30_example() {
    let v = erlang(&[
        "c",
        "--per-hour",
        "250",
        "--aht",
        "330s",
        "--target-sl",
        "0.8",
        "--answer-within",
        "30s",
    ]);
    assert_eq!((f(&v, "offered_erlangs") * 10.0).round() / 10.0, 22.9);
    assert_eq!(v["agents"], 28);
}

/// Westbay's Erlang calculator manual (erlang.com/calculatormanual, "How much traffic?"): a
/// trunk group of 15 lines accepting 1 call in 100 blocked can be offered at most 8.108 Erlangs.
#[test]
fn westbay_erlang_b_example() {
    let at = |traffic: &str| erlang(&["b", "--per-hour", traffic, "--aht", "1h", "--agents", "15"]);
    assert!(f(&at("8.108"), "blocking") <= 0.01);
    assert!(
        f(&at("8.109"), "blocking") > 0.01,
        "8.108 is the most, to three decimals"
    );
}

/// A several-hundred-agent case: 6,000 calls an hour of 5 minutes (500 Erlangs) at 80/20 needs
/// 513 agents. The reference probability of waiting with 513 agents, 0.451619124740379, was
/// computed with exact rational arithmetic (Python `fractions`, the recursion of Erlang B then
/// C = cB / (c − A(1 − B))), independent of this code's floating-point path.
#[test]
fn several_hundred_agents() {
    let v = erlang(&[
        "c",
        "--per-hour",
        "6000",
        "--aht",
        "5m",
        "--target-sl",
        "0.8",
        "--answer-within",
        "20s",
    ]);
    assert_eq!(v["agents"], 513);
    assert!((f(&v, "p_wait") - 0.451_619_124_740_379).abs() < 1e-12);
    let shrunk = erlang(&[
        "c",
        "--per-hour",
        "6000",
        "--aht",
        "5m",
        "--agents",
        "513",
        "--shrinkage",
        "0.3",
    ]);
    assert_eq!(shrunk["agents_with_shrinkage"], 733);
}

/// Tijms, "A First Course in Stochastic Models" (Wiley, 2003), §5.3, Table 5.3.2 (p. 201):
/// the exact fewest agents c* keeping the M/M/c probability of delay at or below α, for offered
/// loads R from 1 to 1,000 Erlangs — the several-hundred- and thousand-agent cases. A
/// probability of delay is a service level with a zero threshold: P(wait ≤ 0) = 1 − P(delay).
#[test]
fn tijms_square_root_staffing_table() {
    // (R, c* at α = 0.5, 0.2, 0.1), as printed.
    let table: [(u32, [u64; 3]); 8] = [
        (1, [2, 3, 3]),
        (5, [7, 8, 9]),
        (10, [12, 14, 16]),
        (50, [54, 58, 61]),
        (100, [106, 111, 115]),
        (250, [259, 268, 274]),
        (500, [512, 525, 533]),
        (1000, [1017, 1034, 1046]),
    ];
    for (load, printed) in table {
        // R Erlangs as calls of one hour each.
        let per_hour = load.to_string();
        for (alpha, want) in [0.5, 0.2, 0.1].into_iter().zip(printed) {
            let target = format!("{}", 1.0 - alpha);
            let v = erlang(&[
                "c",
                "--per-hour",
                &per_hour,
                "--aht",
                "1h",
                "--target-sl",
                &target,
                "--answer-within",
                "0s",
            ]);
            assert_eq!(v["agents"], want, "R = {load}, alpha = {alpha}");
            assert!(f(&v, "p_wait") <= alpha + 1e-12);
            assert!((f(&v, "service_level") - (1.0 - f(&v, "p_wait"))).abs() < 1e-12);
        }
    }
}

/// Erlang A with patience so long nobody abandons is Erlang C (Garnett, Mandelbaum & Reiman
/// 2002 note the limit); a finite patience needs fewer agents for the same target.
#[test]
fn erlang_a_meets_erlang_c_in_the_limit() {
    let c = erlang(&[
        "c",
        "--per-hour",
        "250",
        "--aht",
        "330s",
        "--target-sl",
        "0.8",
        "--answer-within",
        "30s",
    ]);
    let a = erlang(&[
        "a",
        "--per-hour",
        "250",
        "--aht",
        "330s",
        "--patience",
        "1000d",
        "--target-sl",
        "0.8",
        "--answer-within",
        "30s",
    ]);
    assert_eq!(a["agents"], c["agents"]);
    assert!((f(&a, "service_level") - f(&c, "service_level")).abs() < 1e-6);
    let impatient = erlang(&[
        "a",
        "--per-hour",
        "250",
        "--aht",
        "330s",
        "--patience",
        "2m",
        "--target-sl",
        "0.8",
        "--answer-within",
        "30s",
    ]);
    assert!(impatient["agents"].as_u64() < c["agents"].as_u64());
    assert!(f(&impatient, "abandon_rate") > 0.0);
}

#[test]
fn bad_flags_are_explained() {
    for (args, needle) in [
        (
            vec!["a", "--per-hour", "100", "--aht", "3m", "--agents", "5"],
            "needs --patience",
        ),
        (
            vec![
                "c",
                "--per-hour",
                "100",
                "--aht",
                "3m",
                "--target-sl",
                "0.8",
            ],
            "needs --answer-within",
        ),
        (
            vec![
                "c",
                "--per-hour",
                "100",
                "--aht",
                "3 parsecs",
                "--agents",
                "5",
            ],
            "--aht",
        ),
        (
            vec!["c", "--per-hour", "100", "--aht", "3m"],
            "give --agents",
        ),
        (
            vec![
                "c",
                "--per-hour",
                "100",
                "--aht",
                "3m",
                "--target-sl",
                "80",
                "--answer-within",
                "20s",
            ],
            "between 0 and 1",
        ),
        (
            vec![
                "b",
                "--per-hour",
                "100",
                "--aht",
                "3m",
                "--agents",
                "5",
                "--answer-within",
                "20s",
            ],
            "no meaning for Erlang B",
        ),
        (
            vec!["c", "--per-hour", "0", "--aht", "3m", "--agents", "5"],
            "--per-hour",
        ),
    ] {
        let out = Command::cargo_bin("supportsim")
            .expect("binary")
            .arg("erlang")
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

/// Erlang A at the scale of the largest operations: 100,000 calls an hour (8,333 Erlangs) is
/// staffed in well under a second; millions of agents are evaluated without a panic or a
/// runaway loop; an absurd count is refused with a reason; an overload far past the agents
/// gives the fluid limit's abandonment (1 − cμ/λ).
#[test]
fn erlang_a_at_scale() {
    let started = std::time::Instant::now();
    let v = erlang(&[
        "a",
        "--per-hour",
        "100000",
        "--aht",
        "5m",
        "--patience",
        "3m",
        "--target-sl",
        "0.8",
        "--answer-within",
        "20s",
    ]);
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(f(&v, "agents"), 7587.0);
    assert!(f(&v, "service_level") >= 0.8);
    let big = erlang(&[
        "a",
        "--per-hour",
        "100",
        "--aht",
        "5m",
        "--patience",
        "3m",
        "--agents",
        "3000000",
    ]);
    assert_eq!(f(&big, "service_level"), 1.0);
    let flood = erlang(&[
        "a",
        "--per-hour",
        "1e9",
        "--aht",
        "5m",
        "--patience",
        "3m",
        "--agents",
        "10000000",
    ]);
    // 83,333,333 Erlangs on 10,000,000 agents: 1 − 10/83.33 abandon.
    assert!((f(&flood, "abandon_rate") - 0.88).abs() < 1e-3, "{flood}");
    let out = Command::cargo_bin("supportsim")
        .expect("binary")
        .args([
            "erlang",
            "c",
            "--per-hour",
            "100",
            "--aht",
            "5m",
            "--agents",
            "4000000000",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --agents 4000000000 is more than the 10000000 agents the calculators evaluate\n  = help: no contact centre is that large; check the number\n"
    );
}
