//! A sweep's plan: the grid of points, each point's model built from the scenario's typed
//! document, and the proof that every swept path changes the model — a path that changes
//! nothing is refused with what overrides it, never swept into rows that all look alike.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use toml::{Table, Value};

use super::{MAX_POINTS, Point, Setting, SweepError, set};
use crate::model::Model;
use crate::scenario::{self, LoadError, format};

/// Run settings a sweep keeps the same at every point, and the flag that sets each.
const RUN_SETTINGS: [(&str, &str); 3] = [
    ("days", "days"),
    ("seed", "seed"),
    ("replications", "replications"),
];

/// Every point of a sweep: its values (one per setting) and its model.
pub struct Plan {
    /// The values of each point, the first setting varying slowest.
    pub grid: Vec<Vec<Point>>,
    /// The model of each point, with the base's seed, replications and days.
    pub models: Vec<Model>,
}

/// Scenario text as a document of the typed format, ready for settings by path: the keys a
/// sweep can address are those of the format, whatever layout the file uses.
pub fn document(text: &str) -> Result<Table, String> {
    let file: format::ScenarioFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
    match Value::try_from(&file).map_err(|e| e.to_string())? {
        Value::Table(t) => Ok(t),
        _ => Err("a scenario is a table".into()),
    }
}

/// The grid of values, the first setting varying slowest.
pub fn grid(settings: &[Setting]) -> Vec<Vec<Point>> {
    let mut grid: Vec<Vec<Point>> = vec![vec![]];
    for s in settings {
        grid = grid
            .into_iter()
            .flat_map(|prefix| {
                s.points.iter().map(move |p| {
                    let mut v = prefix.clone();
                    v.push(p.clone());
                    v
                })
            })
            .collect();
    }
    grid
}

/// Checks the settings, builds every point's model and refuses a path that changes nothing.
/// `doc` is the scenario as a typed document, `file` labels diagnostics, `base` is the loaded
/// scenario (its run settings apply to every point).
pub fn plan(
    doc: &Table,
    file: &str,
    base: &Model,
    settings: &[Setting],
) -> Result<Plan, SweepError> {
    for (i, s) in settings.iter().enumerate() {
        if settings[..i].iter().any(|o| o.path == s.path) {
            return Err(SweepError::Duplicate(s.path_text.clone()));
        }
        if let [section, key] = s.path.as_slice()
            && section == "simulation"
            && let Some((_, flag)) = RUN_SETTINGS.iter().find(|(k, _)| k == key)
        {
            return Err(SweepError::RunSetting(s.path_text.clone(), flag));
        }
    }
    let points = settings
        .iter()
        .try_fold(1usize, |n, s| n.checked_mul(s.points.len()))
        .unwrap_or(usize::MAX);
    if points > MAX_POINTS {
        return Err(SweepError::TooMany(points));
    }
    let grid = grid(settings);
    let models = grid
        .iter()
        .map(|values| model_at(doc, file, base, settings, values))
        .collect::<Result<Vec<_>, _>>()?;
    let hashes: Vec<u64> = models.iter().map(fingerprint).collect();
    for (k, s) in settings.iter().enumerate() {
        let changes = if s.points.len() > 1 {
            varies(&grid, &hashes, k)
        } else {
            // One value: does another value of the same path give another model?
            let probe = probe(&s.points[0]);
            let mut values = grid[0].clone();
            values[k] = probe;
            match model_at(doc, file, base, settings, &values) {
                Ok(m) => fingerprint(&m) != hashes[0],
                Err(_) => true,
            }
        };
        if !changes {
            return Err(SweepError::NoEffect {
                path: s.path_text.clone(),
                reason: why_unchanged(doc, &s.path),
            });
        }
    }
    Ok(Plan { grid, models })
}

/// The scenario with `values` set at the settings' paths, read like any scenario file.
fn model_at(
    doc: &Table,
    file: &str,
    base: &Model,
    settings: &[Setting],
    values: &[Point],
) -> Result<Model, SweepError> {
    let mut d = doc.clone();
    let mut label = Vec::new();
    for (s, v) in settings.iter().zip(values) {
        set(&mut d, &s.path, v)?;
        label.push(format!("{}={}", s.path_text, v.text));
    }
    let file = format!("{file} with {}", label.join(", "));
    let point: format::ScenarioFile =
        Value::Table(d).try_into().map_err(|e: toml::de::Error| {
            SweepError::Invalid(format!(
                "error: {file}: {}{}",
                e.message(),
                range_help(e.message())
            ))
        })?;
    let text = format::to_toml(&point, &[], &[])
        .map_err(|e| SweepError::Invalid(format!("error: {file}: {e}")))?;
    let mut m = match scenario::parse(&file, &text, &base.name) {
        Ok(l) => l.model,
        Err(LoadError::Invalid(r)) => return Err(SweepError::Invalid(r.render())),
        Err(e) => return Err(SweepError::Invalid(format!("error: {e}"))),
    };
    m.replications = base.replications;
    m.seed = base.seed;
    m.days = base.days;
    Ok(m)
}

/// For serde's "expected u32" and the like: the range such a key takes, as help.
fn range_help(message: &str) -> String {
    let widths = [
        ("u8", u64::from(u8::MAX)),
        ("u16", u64::from(u16::MAX)),
        ("u32", u64::from(u32::MAX)),
        ("u64", u64::MAX),
    ];
    widths
        .iter()
        .find(|(w, _)| message.ends_with(&format!("expected {w}")))
        .map_or_else(String::new, |(_, max)| {
            let max = crate::numbers::group_digits(&max.to_string());
            format!("\n  = help: this key takes a whole number from 0 to {max}")
        })
}

/// A fingerprint of everything a model holds.
fn fingerprint(m: &Model) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{m:?}").hash(&mut h);
    h.finish()
}

/// Whether setting `k` changes the model for some values of the other settings.
fn varies(grid: &[Vec<Point>], hashes: &[u64], k: usize) -> bool {
    let mut seen: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for (values, h) in grid.iter().zip(hashes) {
        let others: Vec<String> = values
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != k)
            .map(|(_, p)| p.text.clone())
            .collect();
        match seen.get(&others) {
            Some(first) if first != h => return true,
            Some(_) => {}
            None => {
                seen.insert(others, *h);
            }
        }
    }
    false
}

/// Another value of the same kind as `p`, to see whether the path matters at all.
fn probe(p: &Point) -> Point {
    let x = if p.x == 0.0 { 1.0 } else { p.x * 2.0 };
    let duration = p.text.parse::<f64>().is_err();
    let text = if duration {
        format!("{}s", x.round().max(1.0))
    } else if p.text.contains('.') || x.fract() != 0.0 {
        format!("{}", x / 4.0)
    } else {
        format!("{}", x as i64)
    };
    let x = if duration {
        x.round().max(1.0)
    } else {
        text.parse().unwrap_or(x)
    };
    Point { text, x }
}

/// Why a path changes nothing, in the scenario's terms, and what to sweep instead.
fn why_unchanged(doc: &Table, path: &[String]) -> String {
    let topics_all = |key: &str| {
        doc.get("topics")
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
            .is_some_and(|l| l.iter().all(|t| t.get(key).is_some()))
    };
    match path {
        [a, group, c] if a == "agents" && c == "count" => {
            let shifts = doc
                .get("agents")
                .and_then(Value::as_array)
                .and_then(|l| {
                    l.iter()
                        .find(|g| g.get("name").and_then(Value::as_str) == Some(group.as_str()))
                })
                .and_then(|g| g.get("shifts"))
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if shifts > 0 {
                return format!(
                    "it is overridden by the counts of {group}'s {shifts} shift(s)\n  = help: sweep `agents.{group}.shifts.0.count` (and the other shifts' counts) instead"
                );
            }
        }
        [a, c] if a == "automation" && c == "containment" && topics_all("containment") => {
            return "every topic sets its own `containment`\n  = help: sweep `topics.NAME.containment` instead".into();
        }
        [a, c] if a == "knowledge_base" && c == "deflection" && topics_all("kb_deflection") => {
            return "every topic sets its own `kb_deflection`\n  = help: sweep `topics.NAME.kb_deflection` instead".into();
        }
        _ => {}
    }
    "the scenario is the same at every value (something more specific sets it, or nothing reads it here)\n  = help: sweep the key that decides it; `supportsim validate` warns about keys that are overridden".into()
}
