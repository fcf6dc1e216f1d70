//! `--shard K/N` and `merge`: the merge of any number of shards is byte for byte the output of
//! the unsharded command, and parts that do not make up one whole are refused by name.

use std::path::Path;

use crate::util::{files, run_json, supportsim};

const RUN: &[&str] = &[
    "run",
    "scenarios/quick-start.toml",
    "--replications",
    "7",
    "--days",
    "2",
];

/// Runs supportsim, expecting it to refuse with exit code 2; its message.
fn refused(args: &[&str]) -> String {
    let out = supportsim().args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "supportsim {} should refuse: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Computes every shard of `n` of `command` into `dir` (shards on one thread and on two
/// alternately: the thread count must not matter either).
fn shard_all(command: &[&str], n: u32, dir: &Path) {
    for k in 1..=n {
        let shard = format!("{k}/{n}");
        let mut args = command.to_vec();
        args.extend(["--shard", &shard, "--out", dir.to_str().expect("utf-8")]);
        run_json(&args, if k % 2 == 0 { "2" } else { "1" });
    }
}

/// Merges the parts in `parts` into the folder `out`.
fn merge_out(parts: &Path, out: &Path) {
    run_json(
        &[
            "merge",
            parts.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
        "2",
    );
}

fn merged_json(dir: &Path) -> Vec<u8> {
    run_json(&["merge", dir.to_str().expect("utf-8"), "--json"], "2")
}

#[test]
fn run_json_is_the_merge_of_1_3_and_7_shards() {
    let whole = run_json(&[RUN, &["--json"]].concat(), "2");
    let tmp = tempfile::tempdir().expect("temp");
    for n in [1, 3, 7] {
        let dir = tmp.path().join(format!("parts{n}"));
        shard_all(RUN, n, &dir);
        assert!(
            merged_json(&dir) == whole,
            "run --json differs when merged from {n} shards"
        );
    }
}

#[test]
fn run_out_is_the_merge_of_3_shards() {
    let tmp = tempfile::tempdir().expect("temp");
    let whole = tmp.path().join("whole");
    run_json(
        &[RUN, &["--out", whole.to_str().expect("utf-8")]].concat(),
        "2",
    );
    let parts = tmp.path().join("parts");
    shard_all(RUN, 3, &parts);
    let merged = tmp.path().join("merged");
    merge_out(&parts, &merged);
    let (a, b) = (files(&whole), files(&merged));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            *bytes == b[name],
            "{name} differs when merged from 3 shards"
        );
    }
}

#[test]
fn compare_json_is_the_merge_of_1_3_and_7_shards() {
    let cmd = [
        "compare",
        "scenarios/quick-start.toml",
        "scenarios/mid-size.toml",
        "--replications",
        "4",
        "--days",
        "2",
    ];
    let whole = run_json(&[&cmd[..], &["--json"]].concat(), "2");
    let tmp = tempfile::tempdir().expect("temp");
    for n in [1, 3, 7] {
        let dir = tmp.path().join(format!("parts{n}"));
        shard_all(&cmd, n, &dir);
        assert!(
            merged_json(&dir) == whole,
            "compare --json differs when merged from {n} shards"
        );
    }
}

#[test]
fn sweep_out_is_the_merge_of_1_3_and_7_shards() {
    let cmd = [
        "sweep",
        "scenarios/quick-start.toml",
        "--set",
        "agents.desk.shifts.0.count=7..9",
        "--replications",
        "3",
        "--days",
        "2",
    ];
    let tmp = tempfile::tempdir().expect("temp");
    let whole = tmp.path().join("whole");
    run_json(
        &[&cmd[..], &["--out", whole.to_str().expect("utf-8")]].concat(),
        "2",
    );
    let expected = files(&whole);
    for n in [1, 3, 7] {
        let parts = tmp.path().join(format!("parts{n}"));
        shard_all(&cmd, n, &parts);
        let merged = tmp.path().join(format!("merged{n}"));
        merge_out(&parts, &merged);
        let got = files(&merged);
        assert_eq!(
            expected.keys().collect::<Vec<_>>(),
            got.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &expected {
            assert!(
                *bytes == got[name],
                "{name} differs when merged from {n} shards"
            );
        }
    }
}

#[test]
fn parts_that_are_not_one_whole_are_refused() {
    let tmp = tempfile::tempdir().expect("temp");
    let parts = tmp.path().join("parts");
    shard_all(RUN, 3, &parts);
    let part = |k: u32| parts.join(format!("part-{k}-of-3.cbor"));
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();

    let missing = refused(&["merge", &s(&part(1)), &s(&part(3)), "--json"]);
    assert!(missing.contains("shard 2 of 3 is missing"), "{missing}");

    let twice = refused(&["merge", &s(&parts), &s(&part(2)), "--json"]);
    assert!(twice.contains("shard 2 of 3 is given twice"), "{twice}");

    let seeded = tmp.path().join("seeded");
    let mut other_seed = RUN.to_vec();
    other_seed.extend([
        "--seed",
        "99",
        "--shard",
        "2/3",
        "--out",
        seeded.to_str().expect("utf-8"),
    ]);
    run_json(&other_seed, "2");
    let seed = refused(&[
        "merge",
        &s(&part(1)),
        &s(&seeded.join("part-2-of-3.cbor")),
        &s(&part(3)),
        "--json",
    ]);
    assert!(seed.contains("seed 99"), "{seed}");

    let other = tmp.path().join("other");
    run_json(
        &[
            "run",
            "scenarios/mid-size.toml",
            "--replications",
            "7",
            "--days",
            "2",
            "--shard",
            "2/3",
            "--out",
            other.to_str().expect("utf-8"),
        ],
        "2",
    );
    let scenario = refused(&[
        "merge",
        &s(&part(1)),
        &s(&other.join("part-2-of-3.cbor")),
        &s(&part(3)),
        "--json",
    ]);
    assert!(scenario.contains("come from different work"), "{scenario}");
    assert!(scenario.contains("mid-size"), "{scenario}");

    // A part cut short (a copy that did not finish), and a file that is no part at all.
    let bytes = std::fs::read(part(2)).expect("part");
    let cut = tmp.path().join("cut").join("part-2-of-3.cbor");
    std::fs::create_dir_all(cut.parent().expect("folder")).expect("folder");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let damaged = refused(&["merge", &s(&part(1)), &s(&cut), &s(&part(3)), "--json"]);
    assert!(
        damaged.contains("part-2-of-3.cbor: it is damaged, or was written by another build"),
        "{damaged}"
    );
    let text = tmp.path().join("notes.cbor");
    std::fs::write(&text, "shard two, from memory").expect("write");
    let alien = refused(&["merge", &s(&part(1)), &s(&text), &s(&part(3)), "--json"]);
    assert!(alien.contains("not a part file"), "{alien}");

    // Nothing is written by a refused merge.
    let out = tmp.path().join("refused-out");
    refused(&["merge", &s(&part(1)), "--out", &s(&out)]);
    assert!(!out.exists());
}

#[test]
fn a_scenario_changed_since_the_shards_is_refused() {
    let tmp = tempfile::tempdir().expect("temp");
    let scenario = tmp.path().join("s.toml");
    let text = std::fs::read_to_string(crate::util::root().join("scenarios/quick-start.toml"))
        .expect("reads");
    std::fs::write(&scenario, &text).expect("writes");
    let cmd = [
        "run",
        scenario.to_str().expect("utf-8"),
        "--replications",
        "3",
        "--days",
        "2",
    ];
    let parts = tmp.path().join("parts");
    shard_all(&cmd, 2, &parts);
    std::fs::write(&scenario, text.replace("count = 9", "count = 10")).expect("writes");
    let changed = refused(&["merge", parts.to_str().expect("utf-8"), "--json"]);
    assert!(changed.contains("changed since"), "{changed}");
}

#[test]
fn the_shard_index_comes_from_the_scheduler() {
    let tmp = tempfile::tempdir().expect("temp");
    let dir = tmp.path().join("parts");
    let d = dir.to_str().expect("utf-8");
    let mut args = RUN.to_vec();
    args.extend(["--shard", "/2", "--out", d]);
    // A Slurm array numbered from 5 and a Kubernetes Indexed Job numbered from 0.
    supportsim()
        .env("SLURM_ARRAY_TASK_ID", "5")
        .env("SLURM_ARRAY_TASK_MIN", "5")
        .args(&args)
        .assert()
        .success();
    supportsim()
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("JOB_COMPLETION_INDEX", "1")
        .args(&args)
        .assert()
        .success();
    assert!(dir.join("part-1-of-2.cbor").is_file() && dir.join("part-2-of-2.cbor").is_file());
    let whole = run_json(&[RUN, &["--json"]].concat(), "2");
    assert!(merged_json(&dir) == whole);
    let none = supportsim()
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .args(&args)
        .output()
        .expect("runs");
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("SLURM_ARRAY_TASK_ID"));
}

#[test]
fn shard_flags_that_would_be_ignored_are_refused() {
    let no_out = refused(&[RUN, &["--shard", "1/2"]].concat());
    assert!(no_out.contains("--out"), "{no_out}");
    refused(&[RUN, &["--shard", "1/2", "--out", "x", "--json"]].concat());
    refused(&[RUN, &["--shard", "3/2", "--out", "x"]].concat());
    let png = tempfile::tempdir().expect("temp");
    let parts = png.path().join("p");
    let cmd = [
        "compare",
        "scenarios/quick-start.toml",
        "scenarios/mid-size.toml",
        "--replications",
        "2",
        "--days",
        "2",
    ];
    shard_all(&cmd, 1, &parts);
    let out = png.path().join("o");
    let msg = refused(&[
        "merge",
        parts.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--png",
    ]);
    assert!(msg.contains("--png"), "{msg}");
}
