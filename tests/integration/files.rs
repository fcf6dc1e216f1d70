//! Outputs never destroy what they touch: an input named as an output is refused before any
//! work, devices, FIFOs and symlinks are written through, a full disk is a failure, an
//! unwritable `--out` is found before simulating, and a folder of results holds one run's set.

use std::path::Path;

use crate::util::{root, supportsim};

/// Runs supportsim in `dir` with `args`: exit code, stdout, stderr.
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = supportsim()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder holding a copy of the quick-start scenario, `q.toml`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        root().join("scenarios/quick-start.toml"),
        dir.path().join("q.toml"),
    )
    .expect("copy scenario");
    dir
}

const QUICK: [&str; 4] = ["--replications", "2", "--days", "2"];

#[test]
fn an_output_that_is_an_input_is_refused_before_any_work() {
    let dir = workdir();
    let before = std::fs::read(dir.path().join("q.toml")).expect("read");
    let (code, out, err) = run_in(dir.path(), &["run", "q.toml", "--contacts-log", "q.toml"]);
    assert_eq!(code, Some(2));
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: --contacts-log q.toml is the input q.toml; writing there would destroy it\n  = help: give another file name\n"
    );
    let (code, _, err) = run_in(dir.path(), &["run", "q.toml", "--out", "."]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: --out . holds the input q.toml; results there could overwrite it\n  = help: write the results to a folder of their own, e.g. --out results/\n"
    );
    // A log fitted onto itself, through a link to it.
    let mut args = vec!["run", "q.toml", "--contacts-log", "log.csv"];
    args.extend(QUICK);
    assert_eq!(run_in(dir.path(), &args).0, Some(0));
    #[cfg(unix)]
    std::os::unix::fs::symlink("log.csv", dir.path().join("alias.csv")).expect("link");
    #[cfg(unix)]
    {
        let (code, _, err) = run_in(dir.path(), &["fit", "log.csv", "--out", "alias.csv"]);
        assert_eq!(code, Some(2));
        assert_eq!(
            err,
            "error: --out alias.csv is the input log.csv; writing there would destroy it\n  = help: give another file name\n"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("q.toml")).expect("read"),
        before
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "no temporary files left: {names:?}");
}

#[cfg(unix)]
#[test]
fn devices_fifos_and_links_are_written_through_and_a_full_disk_fails() {
    let dir = workdir();
    let mut args = vec!["run", "q.toml", "--contacts-log", "/dev/full"];
    args.extend(QUICK);
    let (code, out, err) = run_in(dir.path(), &args);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "");
    assert_eq!(
        err,
        "writing the contact log /dev/full: No space left on device (os error 28)\n"
    );

    // A link: the file it points to gets the log, the link stays a link.
    std::fs::write(dir.path().join("real.csv"), "old\n").expect("write");
    std::os::unix::fs::symlink("real.csv", dir.path().join("link.csv")).expect("link");
    let mut args = vec!["run", "q.toml", "--contacts-log", "link.csv"];
    args.extend(QUICK);
    assert_eq!(run_in(dir.path(), &args).0, Some(0));
    let meta = std::fs::symlink_metadata(dir.path().join("link.csv")).expect("meta");
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    let log = std::fs::read_to_string(dir.path().join("real.csv")).expect("read");
    assert!(
        log.starts_with("day,weekday,time"),
        "{}",
        &log[..20.min(log.len())]
    );

    // A FIFO: read by another thread while the run writes into it.
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let mut args = vec!["run", "q.toml", "--contacts-log", "pipe"];
    args.extend(QUICK);
    assert_eq!(run_in(dir.path(), &args).0, Some(0));
    let through = reader.join().expect("reader");
    assert_eq!(through, log, "the FIFO carried the same log");
    let meta = std::fs::symlink_metadata(&fifo).expect("meta");
    use std::os::unix::fs::FileTypeExt;
    assert!(meta.file_type().is_fifo(), "the FIFO is still a FIFO");
}

#[test]
fn an_out_folder_that_cannot_be_made_is_found_before_simulating() {
    let dir = workdir();
    std::fs::write(dir.path().join("notes.txt"), "x").expect("write");
    // A hundred thousand replications would run for minutes: the refusal comes first.
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "run",
            "q.toml",
            "--replications",
            "100000",
            "--out",
            "notes.txt/results",
        ],
    );
    assert_eq!(code, Some(2));
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: --out notes.txt/results: notes.txt is a file, so the folder cannot be made\n  = help: give a folder name whose parents are folders\n"
    );
    #[cfg(target_os = "linux")]
    {
        let (code, _, err) = run_in(
            dir.path(),
            &[
                "run",
                "q.toml",
                "--replications",
                "100000",
                "--out",
                "/proc/results",
            ],
        );
        assert_eq!(code, Some(2));
        assert_eq!(
            err,
            "error: --out /proc/results: cannot create files in /proc: No such file or directory (os error 2)\n  = help: choose a folder you can write to\n"
        );
    }
}

#[test]
fn a_results_folder_holds_one_run_and_a_foreign_folder_needs_force() {
    let dir = workdir();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "q.toml", "--out", "results"];
        args.extend(QUICK);
        args.extend(extra);
        run_in(dir.path(), &args)
    };
    assert_eq!(run(&["--png"]).0, Some(0));
    let results = dir.path().join("results");
    let pngs = |d: &Path| {
        std::fs::read_dir(d)
            .expect("list")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".png"))
            })
            .count()
    };
    assert!(pngs(&results) > 0);
    std::fs::write(results.join("my-notes.txt"), "mine").expect("write");
    // The second run writes no PNG: the first run's are removed, the user's file stays.
    assert_eq!(run(&[]).0, Some(0));
    assert_eq!(pngs(&results), 0, "stale charts of the earlier run removed");
    assert!(
        results.join("my-notes.txt").is_file(),
        "a file supportsim did not write stays"
    );
    let manifest =
        std::fs::read_to_string(results.join(".supportsim-manifest.json")).expect("manifest");
    assert!(
        manifest.contains("\"summary.json\"") && !manifest.contains(".png"),
        "{manifest}"
    );

    // A folder of someone else's files is refused without --force, and left as it was.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::write(other.join("a.csv"), "a").expect("write");
    let mut args = vec!["run", "q.toml", "--out", "other"];
    args.extend(QUICK);
    let (code, _, err) = run_in(dir.path(), &args);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: --out other already holds files supportsim did not write there (a.csv); new results beside them would look like one set\n  = help: choose an empty folder, or add --force to write beside them\n"
    );
    assert_eq!(std::fs::read_dir(&other).expect("list").count(), 1);
    args.push("--force");
    assert_eq!(run_in(dir.path(), &args).0, Some(0));
    assert!(other.join("a.csv").is_file() && other.join("summary.json").is_file());
}
