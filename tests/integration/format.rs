//! The typed scenario format: every scenario the reader accepts is represented exactly (written
//! back from the types, it gives the same model), and the JSON Schema generated from the types
//! accepts every bundled scenario and refuses misspelt keys.

use std::path::PathBuf;

use supportsim::scenario::{self, format};

use crate::util::{conformance_dir, root};

/// Every scenario that ships or is shared: bundled, benchmark and conformance files.
fn scenario_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    for dir in [
        root.join("scenarios"),
        root.join("benches"),
        root.join("tests/data"),
    ] {
        for e in std::fs::read_dir(&dir)
            .expect("a folder of the repository")
            .flatten()
        {
            if e.path().extension().is_some_and(|x| x == "toml") {
                files.push(e.path());
            }
        }
    }
    for e in std::fs::read_dir(conformance_dir())
        .expect("readable")
        .flatten()
    {
        if e.path().extension().is_some_and(|x| x == "toml") {
            files.push(e.path());
        }
    }
    files.sort();
    files
}

fn model_of(label: &str, text: &str) -> supportsim::model::Model {
    match scenario::parse(label, text, "scenario") {
        Ok(l) => l.model,
        Err(e) => panic!("{label}: {e}"),
    }
}

#[test]
fn every_scenario_written_back_from_the_types_gives_the_same_model() {
    for path in scenario_files() {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        let file: format::ScenarioFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{label}: {e}"));
        let written = format::to_toml(&file, &[], &[]).expect("writes");
        let again = model_of(&label, &written);
        assert_eq!(
            format!("{:?}", model_of(&label, &text)),
            format!("{again:?}"),
            "{label} written back:\n{written}"
        );
    }
}

/// The scenario as JSON, the way an editor checks TOML against a JSON Schema.
fn as_json(text: &str) -> serde_json::Value {
    toml::from_str(text).expect("TOML")
}

#[test]
fn the_schema_accepts_every_scenario_and_refuses_a_misspelt_key() {
    let schema = format::schema();
    let validator = jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema");
    for path in scenario_files() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let errors: Vec<String> = validator
            .iter_errors(&as_json(&text))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    let text = std::fs::read_to_string(root().join("scenarios/quick-start.toml")).expect("bundled");
    for (from, to, what) in [
        ("handle_time", "handle_tme", "a misspelt key in a channel"),
        ("[simulation]", "[simulaton]", "a misspelt section"),
        ("days = 8", "days = \"8\"", "a number written as text"),
        (
            "kind = \"call\"",
            "kind = \"phone\"",
            "an unknown channel kind",
        ),
        ("mean = \"5m\"", "mean = \"5\"", "a duration without a unit"),
    ] {
        assert!(text.contains(from), "quick-start has `{from}`");
        let broken = as_json(&text.replacen(from, to, 1));
        assert!(!validator.is_valid(&broken), "{what} passes the schema");
    }
}

#[test]
fn the_schema_command_prints_the_schema() {
    let out = assert_cmd::Command::cargo_bin("supportsim")
        .expect("binary")
        .arg("schema")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(printed, format::schema());
    assert_eq!(
        printed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = assert_cmd::Command::cargo_bin("supportsim")
            .expect("binary")
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("supportsim") && script.contains("backtest"),
            "{shell}"
        );
    }
}
