//! Work cut into numbered shards for a cluster's scheduler, and put back together.
//!
//! A command's work is a list of units: (plan, replication) pairs, plan by plan (a `run` has
//! one plan, a `compare` one per scenario, a `sweep` one per grid point). Shard K of N computes
//! a contiguous block of that list and writes a [`Part`]: its units' per-replication results
//! with what they were computed from — each plan's model fingerprint and seed, the command and
//! its settings, the supportsim version. Every replication draws from its own named random
//! streams, so a unit's result does not depend on which shard computed it: [`merge`] checks
//! that every unit appears exactly once from matching inputs and hands back the results the
//! unsharded command would have computed, bit for bit.
//!
//! A merge holds one part at a time: the parts are first read without their time series
//! ([`PartHead`]) to be checked and to give their summaries, and the series are read again,
//! part by part, only when the command that completes the merge keeps them.

use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::metrics::RepResult;
use crate::model::Model;
use crate::report::CompactSeries;

/// Schema tag of a part file.
pub const SCHEMA: &str = "supportsim.part/1";

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, from 1.
    pub index: u32,
    /// How many shards the work is cut into.
    pub count: u32,
}

/// The scheduler variables a shard index is taken from when `--shard /N` omits it.
pub const INDEX_VARIABLES: &str =
    "SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX";

impl Shard {
    /// Parses `K/N`, or `/N` with K from the scheduler's environment (`env` looks a variable
    /// up): a Slurm job array's task (counted from the array's first task) or a Kubernetes
    /// Indexed Job's completion index (from 0).
    pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let help = "give K/N, e.g. --shard 2/4 for the second of four shards, or /N to take K from the scheduler";
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard `{text}` is not K/N\n  = help: {help}"))?;
        let count: u32 = n.trim().parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
            format!("--shard `{text}`: N must be a whole number of 1 or more\n  = help: {help}")
        })?;
        let index = if k.trim().is_empty() {
            from_scheduler(env)?
        } else {
            k.trim().parse().map_err(|_| {
                format!("--shard `{text}`: K must be a whole number\n  = help: {help}")
            })?
        };
        if index < 1 || index > count {
            return Err(format!(
                "--shard: shard {index} of {count} does not exist\n  = help: K runs from 1 to {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// This shard's block of `total` units: shard K of N takes units ⌊(K−1)·T/N⌋ to ⌊K·T/N⌋,
    /// so the blocks cover every unit once and differ in size by one at most.
    pub fn units(&self, total: u64) -> Range<u64> {
        let at = |k: u32| (u128::from(total) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

fn from_scheduler(env: &dyn Fn(&str) -> Option<String>) -> Result<u32, String> {
    let number = |name: &str| -> Result<Option<i64>, String> {
        env(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("--shard: {name} is `{v}`, not a whole number"))
            })
            .transpose()
    };
    if let Some(task) = number("SLURM_ARRAY_TASK_ID")? {
        let first = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        return u32::try_from(task - first + 1).map_err(|_| {
            format!("--shard: SLURM_ARRAY_TASK_ID {task} is below SLURM_ARRAY_TASK_MIN {first}")
        });
    }
    if let Some(i) = number("JOB_COMPLETION_INDEX")? {
        return u32::try_from(i + 1)
            .map_err(|_| format!("--shard: JOB_COMPLETION_INDEX {i} is negative"));
    }
    Err(format!(
        "--shard without K needs the scheduler to give it, and neither {INDEX_VARIABLES} is set\n  = help: give K/N, e.g. --shard 2/4"
    ))
}

/// What one plan of the work was: its label (the scenario file or grid point), the
/// fingerprint of its model (every setting, after the command line's overrides), its seed
/// and its replications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTag {
    /// The scenario file, with the grid point for a sweep.
    pub label: String,
    /// [`fingerprint`] of the model.
    pub fingerprint: u64,
    /// Base seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
}

impl PlanTag {
    /// The tag of `model`, labelled `label`.
    pub fn of(model: &Model, label: String) -> PlanTag {
        PlanTag {
            label,
            fingerprint: fingerprint(model),
            seed: model.seed,
            replications: model.replications,
        }
    }
}

/// A stable fingerprint of everything a model holds: FNV-1a (64 bits) of its debug form, in
/// which every number is written so that it reads back exactly.
pub fn fingerprint(model: &Model) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(format!("{model:?}").as_bytes());
    h.finish()
}

/// One replication of one plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    /// Index of the plan.
    pub plan: u32,
    /// Replication.
    pub rep: u32,
    /// What it measured, without its time series.
    pub result: RepResult,
    /// Its time series as the report uses them (empty when the command keeps none).
    pub series: CompactSeries,
}

/// A shard's results and what they were computed from; with `U` = [`UnitHead`] (a
/// [`PartHead`]), read without its units' time series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part<U = Unit> {
    /// [`SCHEMA`].
    pub schema: String,
    /// The supportsim version that computed it.
    pub version: String,
    /// The command (`run`, `compare`, `sweep`).
    pub command: String,
    /// The command's settings (JSON), without its output options.
    pub settings: String,
    /// Which shard.
    pub shard: Shard,
    /// Every plan of the whole work, in order.
    pub plans: Vec<PlanTag>,
    /// This shard's units, in order.
    pub units: Vec<U>,
}

/// Units of all `plans`, plan by plan.
pub fn unit_list(plans: &[PlanTag]) -> Vec<(u32, u32)> {
    plans
        .iter()
        .enumerate()
        .flat_map(|(p, t)| (0..t.replications).map(move |r| (p as u32, r)))
        .collect()
}

/// One replication of one plan without its time series, as a merge first reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct UnitHead {
    /// Index of the plan.
    pub plan: u32,
    /// Replication.
    pub rep: u32,
    /// What it measured, without its time series.
    pub result: RepResult,
}

/// A [`Part`] read without its units' time series: all a merge checks, and the summaries.
pub type PartHead = Part<UnitHead>;

/// Reads a part file's content as `T` (a [`Part`] or a [`PartHead`]), streaming from `r`:
/// nothing but `T` is held. When that fails, looks at the start of the file to say whether it
/// is a part file of another schema, not a part file at all, or a damaged one (cut short, say).
fn read_as<T: serde::de::DeserializeOwned>(
    mut r: impl Read + Seek,
    schema: fn(&T) -> &str,
) -> Result<T, String> {
    let read: Result<T, _> = ciborium::from_reader(&mut r);
    let damage = match read {
        Ok(t) if schema(&t) == SCHEMA => return Ok(t),
        Ok(t) => {
            return Err(format!(
                "it is a `{}` file; this supportsim reads `{SCHEMA}`",
                schema(&t)
            ));
        }
        Err(e) => e,
    };
    let mut start = [0u8; 64];
    r.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let n = r.read(&mut start).map_err(|e| e.to_string())?;
    match schema_at_start(&start[..n]) {
        None => Err("it is not a part file written by supportsim --shard".into()),
        Some(s) if s != SCHEMA => Err(format!(
            "it is a `{s}` file; this supportsim reads `{SCHEMA}`"
        )),
        Some(_) => Err(format!(
            "it is damaged, or was written by another build of supportsim ({damage})\n  = help: compute it again with this one"
        )),
    }
}

/// The schema a part file names at its start: a CBOR map whose first entry is the text
/// `schema` and a short text (as [`Part::write`] writes it), if the bytes begin so.
fn schema_at_start(b: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\x66schema";
    // A map (major type 5), then the key.
    if b.first()? >> 5 != 5 || b.get(1..1 + KEY.len())? != KEY {
        return None;
    }
    let rest = &b[1 + KEY.len()..];
    // A text (major type 3) of fewer than 24 bytes, or with a one-byte length.
    let (len, from) = match *rest.first()? {
        h @ 0x60..=0x77 => (usize::from(h - 0x60), 1),
        0x78 => (usize::from(*rest.get(1)?), 2),
        _ => return None,
    };
    let text = rest.get(from..from + len)?;
    String::from_utf8(text.to_vec()).ok()
}

impl Part<Unit> {
    /// Writes the part (CBOR: every number exactly as computed).
    pub fn write(&self, w: impl Write) -> Result<(), String> {
        ciborium::into_writer(self, w).map_err(|e| e.to_string())
    }
}

impl<U: serde::de::DeserializeOwned> Part<U> {
    /// Reads a part written by [`Part::write`]: whole, or as a [`PartHead`] without its time
    /// series.
    pub fn read(r: impl Read + Seek) -> Result<Part<U>, String> {
        read_as(r, |p: &Part<U>| &p.schema)
    }
}

/// The parts put back together.
#[derive(Debug)]
pub struct Merged {
    /// The command.
    pub command: String,
    /// Its settings (JSON).
    pub settings: String,
    /// Every plan.
    pub plans: Vec<PlanTag>,
    /// Per plan, its replications' results in order.
    pub results: Vec<Vec<RepResult>>,
    /// Per shard (index − 1), the plans its part holds units of.
    pub holds: Vec<Range<u32>>,
}

/// Puts named parts together: refuses parts from other inputs (version, command, settings,
/// scenario or seed), a shard given twice, a missing shard, or units that are not the ones
/// their shard computes, naming the files.
pub fn merge(parts: Vec<(String, PartHead)>) -> Result<Merged, String> {
    let Some((first_name, first)) = parts.first() else {
        return Err("no part files given".into());
    };
    let version = env!("CARGO_PKG_VERSION");
    for (name, p) in &parts {
        if p.version != version {
            return Err(format!(
                "{name} was computed by supportsim {}, this is {version}\n  = help: merge with the version that computed the parts, or compute them again",
                p.version
            ));
        }
        agrees(first_name, first, name, p)?;
    }
    let count = first.shard.count;
    let mut by_index: Vec<Option<&str>> = vec![None; count as usize];
    for (name, p) in &parts {
        if p.shard.index == 0 || p.shard.index > count {
            return Err(format!(
                "{name} names shard {} of {count}, which does not exist: it is damaged\n  = help: compute it again",
                p.shard.index
            ));
        }
        let slot = &mut by_index[(p.shard.index - 1) as usize];
        if let Some(other) = slot {
            return Err(format!(
                "shard {} of {count} is given twice: {other} and {name}\n  = help: give each part once",
                p.shard.index
            ));
        }
        *slot = Some(name);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| by_index[(*k - 1) as usize].is_none())
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard{} {} of {count} {} missing\n  = help: run the missing shard{} (--shard K/{count}) and merge all {count} parts",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "" } else { "s" },
        ));
    }
    let (command, settings, plans) = (
        first.command.clone(),
        first.settings.clone(),
        first.plans.clone(),
    );
    let all = unit_list(&plans);
    let mut results: Vec<Vec<Option<RepResult>>> = plans
        .iter()
        .map(|t| vec![None; t.replications as usize])
        .collect();
    let mut holds = vec![0..0; count as usize];
    for (name, p) in parts {
        let share = p.shard.units(all.len() as u64);
        let expected = &all[share.start as usize..share.end as usize];
        let got: Vec<(u32, u32)> = p.units.iter().map(|u| (u.plan, u.rep)).collect();
        if got != expected {
            return Err(format!(
                "{name} does not hold the replications shard {} of {count} computes\n  = help: compute it again with --shard {}/{count}",
                p.shard.index, p.shard.index
            ));
        }
        if let (Some(a), Some(b)) = (p.units.first(), p.units.last()) {
            holds[(p.shard.index - 1) as usize] = a.plan..b.plan + 1;
        }
        for u in p.units {
            results[u.plan as usize][u.rep as usize] = Some(u.result);
        }
    }
    let results = results
        .into_iter()
        .map(|plan| plan.into_iter().flatten().collect())
        .collect();
    Ok(Merged {
        command,
        settings,
        plans,
        results,
        holds,
    })
}

/// Whether part `b` comes from the same work as part `a`, or what tells them apart.
fn agrees(an: &str, a: &PartHead, bn: &str, b: &PartHead) -> Result<(), String> {
    let differ = |what: String| {
        Err(format!(
            "{bn} and {an} come from different work: {what}\n  = help: merge only the parts of one sharded command"
        ))
    };
    if a.command != b.command {
        return differ(format!("`{}` against `{}`", b.command, a.command));
    }
    if a.shard.count != b.shard.count {
        return differ(format!(
            "shard {} of {} against shard {} of {}",
            b.shard.index, b.shard.count, a.shard.index, a.shard.count
        ));
    }
    if a.plans.len() != b.plans.len() {
        return differ(format!("{} plans against {}", b.plans.len(), a.plans.len()));
    }
    for (x, y) in a.plans.iter().zip(&b.plans) {
        // The seed and the replications are part of the model too: name them when only
        // they differ.
        if x.label != y.label {
            return differ(format!("scenario {} against {}", y.label, x.label));
        }
        if x.seed != y.seed {
            return differ(format!("seed {} against {}", y.seed, x.seed));
        }
        if x.replications != y.replications {
            return differ(format!(
                "{} replications against {}",
                y.replications, x.replications
            ));
        }
        if x.fingerprint != y.fingerprint {
            return differ(format!(
                "scenario {} was not the same (a setting, a file it reads or an override differs)",
                y.label
            ));
        }
    }
    if a.settings != b.settings {
        return differ("the command's settings differ".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shard_from_text_and_scheduler() {
        let none = env(&[]);
        assert_eq!(Shard::parse("2/4", &none), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("0/4", &none).is_err());
        assert!(Shard::parse("5/4", &none).is_err());
        assert!(Shard::parse("4", &none).is_err());
        assert!(Shard::parse("/4", &none).is_err());
        // A Slurm array 0-3 and one 1-4 both give shards 1 to 4.
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_MIN", "0")]);
        assert_eq!(Shard::parse("/4", &slurm).map(|s| s.index), Ok(1));
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "1")]);
        assert_eq!(Shard::parse("/4", &slurm).map(|s| s.index), Ok(4));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2")]);
        assert_eq!(Shard::parse("/4", &k8s).map(|s| s.index), Ok(3));
        let bad = env(&[("JOB_COMPLETION_INDEX", "x")]);
        assert!(Shard::parse("/4", &bad).is_err());
    }

    #[test]
    fn the_schema_is_read_from_the_start_of_a_part() {
        let part = Part {
            schema: SCHEMA.into(),
            version: "0".into(),
            command: "run".into(),
            settings: "{}".into(),
            shard: Shard { index: 1, count: 1 },
            plans: Vec::new(),
            units: Vec::new(),
        };
        let mut bytes = Vec::new();
        part.write(&mut bytes).expect("writes");
        assert_eq!(schema_at_start(&bytes).as_deref(), Some(SCHEMA));
        assert_eq!(schema_at_start(&bytes[..10]), None);
        assert_eq!(schema_at_start(b"schema = 1"), None);
        assert_eq!(schema_at_start(&[]), None);
    }

    #[test]
    fn blocks_cover_every_unit_once() {
        for total in [0u64, 1, 6, 7, 50, 101] {
            for count in 1..=9u32 {
                let mut next = 0;
                for index in 1..=count {
                    let r = Shard { index, count }.units(total);
                    assert_eq!(r.start, next);
                    assert!(r.end - r.start <= total / u64::from(count) + 1);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }
}
