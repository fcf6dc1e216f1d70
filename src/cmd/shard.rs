//! `--shard K/N` on `run`, `compare` and `sweep`, and `supportsim merge`: where a command's
//! replications come from — all computed here, this shard's computed and written as a part,
//! or read back from every shard's part.

use std::ops::Range;
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;

use supportsim::metrics::RepResult;
use supportsim::model::Model;
use supportsim::shard::{Merged, Part, PartHead, PlanTag, SCHEMA, Shard, Unit};

use supportsim::report::{CompactSeries, SeriesStore};

use super::{Failure, flag_error, replicate_into};

/// Where the replications come from.
pub enum Mode {
    /// Computed here, all of them.
    Whole,
    /// This shard's computed here and written as a part into the folder.
    Shard(Shard, PathBuf),
    /// Read from the parts of every shard.
    Merged(Box<Merging>),
}

/// What `merge` hands a command: the parts' results and the part files (inputs, never to be
/// overwritten), from which the time series are read again, one part at a time, when the
/// command keeps them.
pub struct Merging {
    merged: Merged,
    files: Vec<PathBuf>,
    /// Per shard (index − 1), its part file's index in `files`.
    by_shard: Vec<usize>,
    /// The part last read for its series: its shard (index − 1) and its content.
    open: Option<(usize, Part)>,
}

impl Merging {
    /// Moves the time series of plan `p`'s replications from the parts into `store`, reading
    /// each part that holds some of them (one at a time; a part read for the previous plan is
    /// still open when it holds this plan's first replications too).
    fn series_into(&mut self, p: usize, store: &SeriesStore) -> Result<(), Failure> {
        let plan = p as u32;
        for k in 0..self.by_shard.len() {
            if !self.merged.holds[k].contains(&plan) {
                continue;
            }
            if self.open.as_ref().is_none_or(|(open, _)| *open != k) {
                self.open = None;
                let f = &self.files[self.by_shard[k]];
                let part = read_part(f, Part::read)?;
                if part.shard.index as usize != k + 1 {
                    return Err(flag_error(format!(
                        "{} changed while it was merged\n  = help: merge again",
                        f.display()
                    )));
                }
                self.open = Some((k, part));
            }
            if let Some((_, part)) = &mut self.open {
                for u in part.units.iter_mut().filter(|u| u.plan == plan) {
                    store.put(u.rep, std::mem::take(&mut u.series));
                }
            }
        }
        Ok(())
    }
}

/// Reads the part file `f` with `read` (a whole [`Part`] or its [`PartHead`]).
fn read_part<T>(
    f: &Path,
    read: fn(std::io::BufReader<std::fs::File>) -> Result<T, String>,
) -> Result<T, Failure> {
    let file = std::fs::File::open(f)
        .map_err(|e| flag_error(format!("cannot read part {}: {e}", f.display())))?;
    read(std::io::BufReader::new(file)).map_err(|e| flag_error(format!("{}: {e}", f.display())))
}

impl Mode {
    /// The mode of a command given `--shard` (or not) and `--out`.
    pub fn of(shard: Option<&str>, out: Option<&PathBuf>) -> Result<Mode, Failure> {
        let Some(text) = shard else {
            return Ok(Mode::Whole);
        };
        let shard = Shard::parse(text, &|name| std::env::var(name).ok()).map_err(flag_error)?;
        let dir = out.cloned().ok_or_else(|| {
            flag_error("--shard needs --out PART_DIR, the folder its part is written to".into())
        })?;
        Ok(Mode::Shard(shard, dir))
    }

    /// The part files, which outputs must not replace.
    pub fn inputs(&self) -> Vec<PathBuf> {
        match self {
            Mode::Merged(m) => m.files.clone(),
            _ => Vec::new(),
        }
    }

    /// Whether this computes a shard's part (and writes nothing else).
    pub fn is_shard(&self) -> bool {
        matches!(self, Mode::Shard(..))
    }
}

/// The replications of a command's plans, by mode.
pub struct Units {
    mode: Mode,
    command: &'static str,
    settings: String,
    tags: Vec<PlanTag>,
    /// Index of each plan's first unit.
    offsets: Vec<u64>,
    /// This shard's units (all units without a shard).
    share: Range<u64>,
    computed: Vec<Unit>,
}

impl Units {
    /// The units of `plans` (each model with its label) for `command` with `settings` (its
    /// options as JSON, output options left out). A merge refuses plans that are not those
    /// its parts were computed for.
    pub fn new(
        mode: Mode,
        command: &'static str,
        settings: String,
        plans: &[(&Model, String)],
    ) -> Result<Units, Failure> {
        let tags: Vec<PlanTag> = plans
            .iter()
            .map(|(m, label)| PlanTag::of(m, label.clone()))
            .collect();
        let mut offsets = Vec::with_capacity(tags.len());
        let mut total = 0u64;
        for t in &tags {
            offsets.push(total);
            total += u64::from(t.replications);
        }
        if let Mode::Merged(m) = &mode {
            check_plans(&m.merged, &tags)?;
        }
        let share = match &mode {
            Mode::Shard(s, dir) => {
                super::output::check_part_dir(dir)?;
                s.units(total)
            }
            _ => 0..total,
        };
        Ok(Units {
            mode,
            command,
            settings,
            tags,
            offsets,
            share,
            computed: Vec::new(),
        })
    }

    /// Units this command computes here (for the progress bar).
    pub fn count(&self) -> u64 {
        match self.mode {
            Mode::Merged(_) => 0,
            _ => self.share.end - self.share.start,
        }
    }

    /// Every replication of plan `p` in order, or `None` when computing a shard (its share
    /// is kept for the part, time series and all). With `store`, their time series are moved
    /// into it.
    pub fn results(
        &mut self,
        p: usize,
        model: &Model,
        bar: &ProgressBar,
        series: bool,
        store: Option<&SeriesStore>,
    ) -> Result<Option<Vec<RepResult>>, Failure> {
        match &mut self.mode {
            Mode::Whole => replicate_into(model, bar, series, store).map(Some),
            Mode::Merged(m) => {
                let reps = std::mem::take(&mut m.merged.results[p]);
                if let Some(s) = store {
                    m.series_into(p, s)?;
                }
                Ok(Some(reps))
            }
            Mode::Shard(..) => {
                let first = self.offsets[p];
                let n = u64::from(self.tags[p].replications);
                let lo = self.share.start.clamp(first, first + n) - first;
                let hi = self.share.end.clamp(first, first + n) - first;
                if lo < hi {
                    // Each replication's series reduced as it finishes, as a store would.
                    let kept =
                        std::sync::Mutex::new(vec![CompactSeries::default(); (hi - lo) as usize]);
                    let keep = |rep: u32, r: &mut RepResult| {
                        let s = CompactSeries::take(model, r);
                        if let Ok(mut k) = kept.lock() {
                            k[(u64::from(rep) - lo) as usize] = s;
                        }
                    };
                    let options = supportsim::RunOptions {
                        cancel: Some(&super::INTERRUPTED),
                        series,
                        sink: None,
                        keep: Some(&keep),
                    };
                    let reps = supportsim::engine::run_range(
                        model,
                        lo as u32..hi as u32,
                        &|| bar.inc(1),
                        options,
                    )
                    .map_err(|e| super::stopped(e, &model.name, bar))?;
                    let kept = kept.into_inner().unwrap_or_default();
                    self.computed
                        .extend(reps.into_iter().zip(kept).zip(lo as u32..).map(
                            |((result, series), rep)| Unit {
                                plan: p as u32,
                                rep,
                                result,
                                series,
                            },
                        ));
                }
                Ok(None)
            }
        }
    }

    /// Writes the shard's part and says so, returning true; false (nothing done) otherwise.
    pub fn finish(self, inputs: &[&Path]) -> Result<bool, Failure> {
        let Mode::Shard(shard, dir) = self.mode else {
            return Ok(false);
        };
        let part = Part {
            schema: SCHEMA.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: self.command.into(),
            settings: self.settings,
            shard,
            plans: self.tags,
            units: self.computed,
        };
        let mut bytes = Vec::new();
        part.write(&mut bytes)
            .map_err(|e| Failure::from(anyhow::anyhow!("encoding the part: {e}")))?;
        let name = part_name(shard);
        super::output::write_part(&dir, &name, &bytes, inputs)?;
        println!(
            "shard {} of {}: {} of {} replications, written to {}\n  merge all {} parts with: supportsim merge {} --json (or --out DIR)",
            shard.index,
            shard.count,
            part.units.len(),
            part.plans
                .iter()
                .map(|t| u64::from(t.replications))
                .sum::<u64>(),
            dir.join(&name).display(),
            shard.count,
            dir.display()
        );
        Ok(true)
    }
}

/// The file a shard's part is written to.
fn part_name(s: Shard) -> String {
    format!("part-{}-of-{}.cbor", s.index, s.count)
}

/// Refuses a merge whose command builds other plans than the parts were computed for: the
/// scenario or a file it reads changed since.
fn check_plans(merged: &Merged, tags: &[PlanTag]) -> Result<(), Failure> {
    if merged.plans.len() != tags.len() {
        return Err(flag_error(format!(
            "the parts were computed for {} plans, the command now makes {}: a scenario changed since\n  = help: compute the parts again",
            merged.plans.len(),
            tags.len()
        )));
    }
    for (was, now) in merged.plans.iter().zip(tags) {
        if was != now {
            return Err(flag_error(format!(
                "{} is not what the parts were computed from: it (or a file it reads) changed since\n  = help: restore it, or compute the parts again",
                now.label
            )));
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// Part files written by `--shard K/N --out PART_DIR`, or folders holding them.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Write what the unsharded command writes with --out into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the JSON the unsharded command prints with --json.
    #[arg(long)]
    json: bool,
    /// With --out, also write every chart as PNG (a sharded `run`).
    #[arg(long, requires = "out")]
    png: bool,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long, requires = "out")]
    force: bool,
}

/// The output options `merge` passes to the command it completes.
pub struct Outputs {
    pub out: Option<PathBuf>,
    pub json: bool,
    pub png: bool,
    pub force: bool,
}

/// `supportsim merge`: reads the parts, checks them, and completes the command they came from.
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let files = part_files(&args.parts)?;
    let mut parts = Vec::with_capacity(files.len());
    let mut shard_of = Vec::with_capacity(files.len());
    for f in &files {
        let part = read_part(f, PartHead::read)?;
        shard_of.push(part.shard.index as usize);
        parts.push((f.display().to_string(), part));
    }
    let merged = supportsim::shard::merge(parts).map_err(flag_error)?;
    // The merge checked that every shard is given exactly once.
    let mut by_shard = vec![0; shard_of.len()];
    for (i, k) in shard_of.into_iter().enumerate() {
        by_shard[k - 1] = i;
    }
    let outputs = Outputs {
        out: args.out.clone(),
        json: args.json,
        png: args.png,
        force: args.force,
    };
    let command = merged.command.clone();
    let settings = merged.settings.clone();
    let merging = Merging {
        merged,
        files,
        by_shard,
        open: None,
    };
    let bad = |e: serde_json::Error| {
        flag_error(format!(
            "the parts' `{command}` settings cannot be read ({e}): they come from another supportsim"
        ))
    };
    if args.png && command != "run" {
        return Err(flag_error(format!(
            "--png: the merged `{command}` writes SVG charts only\n  = help: leave out --png"
        )));
    }
    match command.as_str() {
        "run" => super::run::merged(
            serde_json::from_str(&settings).map_err(bad)?,
            outputs,
            merging,
        ),
        "compare" => super::compare::merged(
            serde_json::from_str(&settings).map_err(bad)?,
            outputs,
            merging,
        ),
        "sweep" => super::sweep::merged(
            serde_json::from_str(&settings).map_err(bad)?,
            outputs,
            merging,
        ),
        other => Err(flag_error(format!(
            "the parts come from `{other}`, which this supportsim cannot merge"
        ))),
    }
}

/// The part files given: files as they are, folders by their `part-K-of-N.cbor` files.
fn part_files(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for g in given {
        if g.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(g)
                .map_err(|e| flag_error(format!("cannot list {}: {e}", g.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("part-") && n.ends_with(".cbor"))
                })
                .collect();
            if found.is_empty() {
                return Err(flag_error(format!(
                    "{} holds no part files (part-K-of-N.cbor)\n  = help: give the folder a sharded command wrote with --shard K/N --out",
                    g.display()
                )));
            }
            found.sort();
            files.extend(found);
        } else if g.exists() {
            files.push(g.clone());
        } else {
            return Err(flag_error(format!(
                "part {} does not exist\n  = help: check the path",
                g.display()
            )));
        }
    }
    Ok(files)
}
