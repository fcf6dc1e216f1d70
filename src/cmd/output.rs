//! Where results go, and the rules that keep them from doing harm: an output never replaces an
//! input, a device, a FIFO or a symlink (it writes through them); a folder of results holds one
//! run's files, listed in a manifest, so a later run never leaves stale files beside its own;
//! a folder that cannot be written is found before any simulating.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{Failure, flag_error, readable};

/// The file in an `--out` folder that lists what supportsim wrote there.
pub const MANIFEST: &str = ".supportsim-manifest.json";

#[derive(Serialize, Deserialize)]
struct Manifest {
    schema: String,
    files: Vec<String>,
}

/// Whether `a` and `b` are the same file (through links); false when either is absent.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        matches!(
            (a.canonicalize(), b.canonicalize()),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// Refuses (exit 2) an output path that is one of the inputs.
fn not_an_input(flag: &str, path: &Path, inputs: &[&Path]) -> Result<(), Failure> {
    if let Some(input) = inputs.iter().find(|i| same_file(path, i)) {
        return Err(flag_error(format!(
            "{flag} {} is the input {}; writing there would destroy it\n  = help: give another file name",
            path.display(),
            input.display()
        )));
    }
    Ok(())
}

/// Whether a file can be created in `dir` (tried with an empty file, removed at once).
fn can_write_in(dir: &Path) -> Result<(), String> {
    let probe = dir.join(format!(".supportsim-probe.{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The folder an output file goes to ("." for a bare name).
pub(super) fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks an output file given by `flag` before any work: not an input, not a folder, in a
/// folder that exists and can be written (a device or FIFO is written through as it is).
pub fn check_file(flag: &str, path: &Path, inputs: &[&Path]) -> Result<(), Failure> {
    not_an_input(flag, path, inputs)?;
    if path.is_dir() {
        return Err(flag_error(format!(
            "{flag} {} is a folder\n  = help: give a file name",
            path.display()
        )));
    }
    if is_special(path) {
        return Ok(());
    }
    let target = resolved(path);
    let dir = folder_of(&target);
    if !dir.is_dir() {
        return Err(flag_error(format!(
            "{flag}: folder {} does not exist\n  = help: create it first, or write elsewhere",
            dir.display()
        )));
    }
    can_write_in(&dir).map_err(|e| {
        flag_error(format!(
            "{flag} {}: cannot create files in {}: {e}\n  = help: choose a folder you can write to",
            path.display(),
            dir.display()
        ))
    })
}

/// `--out DIR` is a folder, or can be made one, that can be written.
fn writable_folder(dir: &Path) -> Result<(), Failure> {
    if dir.exists() && !dir.is_dir() {
        return Err(flag_error(format!(
            "--out {} is a file, not a folder\n  = help: give a folder name; it is created if missing",
            dir.display()
        )));
    }
    // The nearest path that exists must be a folder that can be written; missing ones are
    // created when writing.
    let existing = dir
        .ancestors()
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find(|a| a.exists())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    if !existing.is_dir() {
        return Err(flag_error(format!(
            "--out {}: {} is a file, so the folder cannot be made
  = help: give a folder name whose parents are folders",
            dir.display(),
            existing.display()
        )));
    }
    can_write_in(&existing).map_err(|e| {
        flag_error(format!(
            "--out {}: cannot create files in {}: {e}\n  = help: choose a folder you can write to",
            dir.display(),
            existing.display()
        ))
    })?;
    Ok(())
}

/// Checks `--out` before any work: a folder (created if missing) that can be written, holding
/// no input, and either empty, holding an earlier run of supportsim (its manifest), or allowed
/// with `--force`.
pub fn check_out(out: Option<&PathBuf>, force: bool, inputs: &[&Path]) -> Result<(), Failure> {
    let Some(dir) = out else { return Ok(()) };
    writable_folder(dir)?;
    if !dir.is_dir() {
        return Ok(());
    }
    if let Some(input) = inputs
        .iter()
        .find(|i| same_file(&folder_of(&resolved(i)), dir))
    {
        return Err(flag_error(format!(
            "--out {} holds the input {}; results there could overwrite it\n  = help: write the results to a folder of their own, e.g. --out results/",
            dir.display(),
            input.display()
        )));
    }
    let others = entries(dir)?
        .into_iter()
        .filter(|n| n != MANIFEST)
        .collect::<Vec<_>>();
    if !others.is_empty() && !dir.join(MANIFEST).is_file() && !force {
        let shown: Vec<&str> = others.iter().take(3).map(String::as_str).collect();
        return Err(flag_error(format!(
            "--out {} already holds files supportsim did not write there ({}{}); new results beside them would look like one set\n  = help: choose an empty folder, or add --force to write beside them",
            dir.display(),
            shown.join(", "),
            if others.len() > 3 { ", …" } else { "" }
        )));
    }
    Ok(())
}

/// Names in a folder.
fn entries(dir: &Path) -> Result<Vec<String>, Failure> {
    let mut names = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("reading folder {}", dir.display()))? {
        let e = e.with_context(|| format!("reading folder {}", dir.display()))?;
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// A device, FIFO or socket (not a regular file, not a folder), through any links.
pub(super) fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The file a path names, with symlinks followed (the path itself when it is not a link).
pub(super) fn resolved(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => path.canonicalize().unwrap_or_else(|_| {
            // A dangling link: write where it points.
            std::fs::read_link(path)
                .map(|t| folder_of(path).join(t))
                .unwrap_or_else(|_| path.to_path_buf())
        }),
        _ => path.to_path_buf(),
    }
}

/// Writes one file: through a device or FIFO as it is; otherwise to a temporary file beside
/// the target (a symlink's target), renamed into place once whole.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let _gate = super::interrupt::gate().ok_or_else(super::interrupt::stopped)?;
    if is_special(path) {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        f.write_all(bytes)
            .and_then(|_| f.flush())
            .with_context(|| format!("writing {}", path.display()))?;
        return Ok(());
    }
    let target = resolved(path);
    let tmp = temp_with(&folder_of(&target), &target, bytes)?;
    tmp.persist(&target)
        .map_err(|e| anyhow::Error::new(e.error).context(format!("saving {}", path.display())))?;
    Ok(())
}

/// A private temporary file in `dir` holding `bytes`, synced, made readable.
fn temp_with(dir: &Path, target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Failure> {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempfile_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| readable(tmp.as_file()))
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", target.display()))?;
    Ok(tmp)
}

/// Writes a run's files into `dir`: every file to a temporary name first, then renamed into
/// place, so each is whole or absent (devices and FIFOs already there are written through).
/// The manifest then lists them, and the files an earlier run listed that this one did not
/// write are removed. A file that is one of `inputs` is refused before anything is written.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)], inputs: &[&Path]) -> Result<(), Failure> {
    for (name, _) in files {
        not_an_input("--out", &dir.join(name), inputs)?;
    }
    let _gate = super::interrupt::gate().ok_or_else(super::interrupt::stopped)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let previous: Vec<String> = std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .map(|m| m.files)
        .unwrap_or_default();
    let mut temps = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if is_special(&path) {
            write_file(&path, bytes)?;
            continue;
        }
        let target = resolved(&path);
        temps.push((temp_with(&folder_of(&target), &target, bytes)?, target));
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    for (tmp, target) in temps {
        if let Err(e) = tmp.persist(&target) {
            for p in &placed {
                let _ = std::fs::remove_file(p);
            }
            return Err(anyhow::Error::new(e.error)
                .context(format!("saving {}", target.display()))
                .into());
        }
        placed.push(target);
    }
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let manifest = Manifest {
        schema: "supportsim.manifest/1".into(),
        files: names.clone(),
    };
    let bytes = serde_json::to_vec_pretty(&manifest).context("rendering the manifest")?;
    write_file(&dir.join(MANIFEST), &bytes)?;
    for stale in previous.iter().filter(|p| !names.contains(p)) {
        // Only plain names of regular files this program wrote; never a path elsewhere.
        let path = dir.join(stale);
        let plain = Path::new(stale)
            .file_name()
            .is_some_and(|n| n == stale.as_str());
        if plain && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&path)
                .with_context(|| format!("removing the earlier run's {}", path.display()))?;
        }
    }
    Ok(())
}

/// Memory the machine has available, in bytes (Linux; `None` elsewhere or when unknown).
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Bytes the per-interval time series of every replication of `m` take.
pub fn series_bytes(m: &supportsim::model::Model) -> u64 {
    use supportsim::metrics::{ChannelInterval, Staffing};
    let intervals = m.stat_intervals() as u64;
    let per_interval = m.channels.len() * std::mem::size_of::<ChannelInterval>()
        + m.groups.len() * std::mem::size_of::<Staffing>()
        + 2 * std::mem::size_of::<Vec<u8>>()
        + std::mem::size_of::<f64>();
    u64::from(m.replications)
        .saturating_mul(intervals)
        .saturating_mul(per_interval as u64)
}

/// Refuses (exit 2), before it starts, a run whose time series would not fit in the memory
/// the machine has, with the estimate and the ways out.
pub fn series_fit(
    m: &supportsim::model::Model,
    budget: Option<u64>,
    available: Option<u64>,
) -> Result<(), Failure> {
    let ni = m.stat_intervals() as u64;
    let gb = |b: u64| b as f64 / 1e9;
    let shape = format!(
        "{} replications × {} intervals × {} channels and {} groups",
        m.replications,
        m.stat_intervals(),
        m.channels.len(),
        m.groups.len()
    );
    let (need, spill) = match budget {
        // The store within its budget, one whole series per replication running, and the rows
        // of the output; the rest of the store on disk.
        Some(b) => {
            let total = u64::from(m.replications)
                .saturating_mul(supportsim::report::SeriesStore::bytes_per_replication(m));
            let running = series_bytes(m) / u64::from(m.replications.max(1))
                * rayon::current_num_threads() as u64;
            let rows = ni.saturating_mul((m.channels.len() * 832 + m.groups.len() * 256) as u64);
            (
                total.min(b).saturating_add(running).saturating_add(rows),
                total.saturating_sub(b),
            )
        }
        None => (series_bytes(m), 0),
    };
    let tmp = std::env::temp_dir();
    if let Some(free) = free_disk(&tmp)
        && spill.saturating_mul(10) > free.saturating_mul(9)
    {
        return Err(flag_error(format!(
            "the time series of this run would take {:.1} GB in temporary files past --series-memory ({shape}); {} has {:.1} GB free\n  = help: add --json without --out (no time series are kept), or set TMPDIR to a folder on a larger disk, or simulate fewer days or replications, or use a longer [simulation] interval",
            gb(spill),
            tmp.display(),
            gb(free)
        )));
    }
    let Some(have) = available else { return Ok(()) };
    if need.saturating_mul(10) <= have.saturating_mul(8) {
        return Ok(());
    }
    Err(flag_error(format!(
        "the time series of this run would take {:.1} GB of memory ({shape}); the machine has {:.1} GB available\n  = help: add --json without --out (no time series are kept), or give a smaller --series-memory, or simulate fewer days or replications, or use a longer [simulation] interval",
        gb(need),
        gb(have)
    )))
}

/// Bytes free to an unprivileged user on the filesystem of `dir`.
fn free_disk(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

/// Peak bytes `fit` and `backtest` hold per row of a log: the contact itself (40 bytes: names
/// are kept once, contacts hold their index; times in single precision) and the passes over it
/// (waits, services per agent, handle times). Measured: 44 MB at peak for 533,504 rows of the
/// Feb-1999 bank log repeated 16 times (83 bytes a row), with room to spare.
pub const LOG_BYTES_PER_ROW: u64 = 112;

/// Peak bytes `fit --events` and the ticket backtest hold per row of an event log: the row
/// until its ticket's timeline is built (about 100 bytes: the names of groups, categories and
/// agents are kept once), the timelines, and each first response's waiting tickets (at most
/// 64 MB in all, then sampled). Measured: 343 bytes a row on the ServiceNow log (83,526 rows,
/// 39.4 MB at peak with 10.8 MB for the program itself), 300 on a year of the round-trip desk
/// (543,772 rows), with room to spare.
pub const EVENT_LOG_BYTES_PER_ROW: u64 = 500;

/// Refuses (exit 2), before reading it, a log whose rows would not fit in the memory the
/// machine has at `per_row` bytes each: rows estimated from the file's size and the length of
/// its first lines.
pub fn log_fit(path: &Path, per_row: u64, available: Option<u64>) -> Result<(), Failure> {
    use std::io::Read;
    let Some(have) = available else { return Ok(()) };
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Ok(());
    }
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(1 << 16).read_to_end(&mut head);
    }
    let lines = head.iter().filter(|b| **b == b'\n').count().max(1) as u64;
    let rows = meta.len() * lines / (head.len() as u64).max(1);
    let need = rows.saturating_mul(per_row);
    if need.saturating_mul(10) <= have.saturating_mul(8) {
        return Ok(());
    }
    let gb = |b: u64| b as f64 / 1e9;
    Err(flag_error(format!(
        "the log {} holds about {} rows, which would take about {:.1} GB to read; the machine has {:.1} GB available\n  = help: read part of it: a span of dates (split the file), or one --channel",
        path.display(),
        supportsim::numbers::group_thousands(rows as f64),
        gb(need),
        gb(have)
    )))
}

/// Checks a shard's part folder before any work: a folder (created if missing) that can be
/// written. Other shards' parts may already be there.
pub fn check_part_dir(dir: &Path) -> Result<(), Failure> {
    writable_folder(dir)
}

/// Writes a shard's part `name` into `dir` (created if missing), whole or not at all; a part
/// of the same shard already there (an earlier attempt) is replaced.
pub fn write_part(dir: &Path, name: &str, bytes: &[u8], inputs: &[&Path]) -> Result<(), Failure> {
    let path = dir.join(name);
    not_an_input("--out", &path, inputs)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    write_file(&path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_too_large_for_the_memory_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("log.csv");
        let row = "1999-02-01,07:00:00,5,AGENT\n";
        std::fs::write(&path, row.repeat(1000)).expect("write");
        // 1,000 rows need about 112 kB.
        assert!(log_fit(&path, LOG_BYTES_PER_ROW, Some(1 << 20)).is_ok());
        assert!(log_fit(&path, LOG_BYTES_PER_ROW, None).is_ok());
        let err = log_fit(&path, LOG_BYTES_PER_ROW, Some(100_000)).expect_err("refused");
        assert_eq!(err.code, 2);
        let text = err.error.to_string();
        assert!(
            text.contains("holds about 1,000 rows, which would take about 0.0 GB to read; the machine has 0.0 GB available\n  = help: read part of it"),
            "{text}"
        );
    }
}
