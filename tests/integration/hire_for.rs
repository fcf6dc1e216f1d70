//! `plan --hire-for`: the hiring classes it sizes keep every week's target met in the share of
//! replications asked, on replications it never saw (a fresh seed), and one hire fewer in any
//! class leaves some week short. Checked here outside the command: its `hires.toml` is put back
//! into the scenario and run with `plan` on another seed.

use crate::util::{json_out, refused, supportsim};

const P: f64 = 0.8;

/// The scenario with its `[[hires]]` replaced by `hires`.
fn with_hires(hires: &str) -> String {
    let text = std::fs::read_to_string("tests/data/hire-for.toml").expect("scenario");
    let head = text.split("[[hires]]").next().expect("head");
    format!("{head}\n{hires}")
}

/// Each week's share of replications meeting every target, from `plan --json`, from week 3
/// (weeks 1–2 come before the first class joins the floor).
fn met_shares(path: &std::path::Path, seed: &str) -> Vec<f64> {
    let json = json_out(
        supportsim()
            .arg("plan")
            .arg(path)
            .args(["--seed", seed, "--json"]),
    );
    json["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .skip(2)
        .map(|w| w["figures"]["targets_met"]["mean"].as_f64().expect("share"))
        .collect()
}

#[test]
fn the_hires_found_meet_the_target_on_fresh_seeds_and_one_fewer_does_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("hiring");
    let json = json_out(
        supportsim()
            .args([
                "plan",
                "tests/data/hire-for.toml",
                "--hire-for",
                "0.8",
                "--json",
                "--out",
            ])
            .arg(&out),
    );
    let classes = json["classes"].as_array().expect("classes");
    let sizes: Vec<u64> = classes
        .iter()
        .map(|c| c["size"].as_u64().expect("size"))
        .collect();
    println!("sizes {sizes:?}, {} simulations", json["simulations"]);
    assert!(sizes.iter().sum::<u64>() > 0);
    assert_eq!(
        json["short_weeks_fresh_seeds"].as_array().map(Vec::len),
        Some(0)
    );
    for c in classes.iter().filter(|c| c["size"].as_u64() > Some(0)) {
        assert!(c["one_fewer_short_week"].is_u64(), "{c}");
        assert!(c["one_fewer_short_week_fresh_seeds"].is_u64(), "{c}");
    }

    // Outside the command: the classes written back into the scenario, on another seed.
    let hires = std::fs::read_to_string(out.join("hires.toml")).expect("hires.toml");
    let found = dir.path().join("found.toml");
    std::fs::write(&found, with_hires(&hires)).expect("writes");
    let n = 100.0;
    // A share below P by more than two of its standard errors would be a shortfall.
    let floor = P - 2.0 * (P * (1.0 - P) / n).sqrt();
    let shares = met_shares(&found, "4242");
    println!("found, seed 4242: {shares:?}");
    assert!(
        shares.iter().all(|x| *x >= floor),
        "{shares:?} under {floor}"
    );
    for (k, size) in sizes.iter().enumerate().filter(|(_, s)| **s > 0) {
        // The k-th class (after the file's header) with one hire fewer.
        let mut parts: Vec<String> = hires.split("[[hires]]").map(String::from).collect();
        let line = format!("size = {size}\n");
        assert!(parts[k + 1].contains(&line), "{}", parts[k + 1]);
        parts[k + 1] = parts[k + 1].replace(&line, &format!("size = {}\n", size - 1));
        let mut fewer = parts.join("[[hires]]");
        if *size == 1 {
            // A class of none is no class (a scenario refuses size = 0).
            parts.remove(k + 1);
            fewer = parts.join("[[hires]]");
        }
        let path = dir.path().join(format!("fewer-{k}.toml"));
        std::fs::write(&path, with_hires(&fewer)).expect("writes");
        let shares = met_shares(&path, "4242");
        println!("class {} one fewer, seed 4242: {shares:?}", k + 1);
        assert!(shares.iter().any(|x| *x < P), "class {} one fewer", k + 1);
    }
}

#[test]
fn hire_for_needs_classes_and_targets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let none = dir.path().join("none.toml");
    std::fs::write(&none, with_hires("")).expect("writes");
    let err = refused(
        supportsim()
            .args(["plan"])
            .arg(&none)
            .args(["--hire-for", "0.9"]),
    );
    assert!(err.contains("has no [[hires]]"));
    let text = std::fs::read_to_string("tests/data/hire-for.toml").expect("scenario");
    let untargeted = dir.path().join("untargeted.toml");
    std::fs::write(
        &untargeted,
        text.replace("service_level_target = 0.8\n", ""),
    )
    .expect("writes");
    let out = supportsim()
        .args(["plan"])
        .arg(&untargeted)
        .args(["--hire-for", "0.9"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("service_level_target"));
    // The search writes no charts: --png with it is refused, not ignored.
    refused(
        supportsim()
            .args([
                "plan",
                "tests/data/hire-for.toml",
                "--hire-for",
                "0.9",
                "--png",
                "--out",
            ])
            .arg(dir.path().join("charts")),
    );
    assert!(!dir.path().join("charts").exists());
    for bad in ["0", "1.5", "most"] {
        let out = supportsim()
            .args(["plan", "tests/data/hire-for.toml", "--hire-for", bad])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    // A plan that meets all of 10 replications meets a fresh one with 10/11 on average: 0.95
    // cannot be judged on 10 (19 are needed), and 1 on none. Refused before any search, with
    // nothing written.
    for (share, help) in [("0.95", "--replications 19"), ("1", "a share below 1")] {
        let err = refused(
            supportsim()
                .args(["plan", "tests/data/hire-for.toml", "--replications", "10"])
                .args(["--hire-for", share, "--out"])
                .arg(dir.path().join("few")),
        );
        assert!(err.contains("10/11") && err.contains(help), "{err}");
        assert!(!dir.path().join("few").exists());
    }
    let out = supportsim()
        .args([
            "plan",
            "tests/data/hire-for.toml",
            "--check-replications",
            "0",
        ])
        .args(["--hire-for", "0.9"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    // Refining goes on to more replications than the search's (100 in the scenario).
    let err = refused(
        supportsim()
            .args(["plan", "tests/data/hire-for.toml", "--hire-for", "0.9"])
            .args(["--refine-replications", "100"]),
    );
    assert!(err.contains("--refine-replications 400"));
}
