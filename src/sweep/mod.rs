//! Sweeps: a grid over scenario values, addressed by path, every point run on the same seeds so
//! that differences between points are not noise between runs. A path that changes nothing
//! (overridden elsewhere, or a run setting) is refused rather than swept.
//!
//! A path walks the scenario's tables by key; lists of tables (`topics`, `agents`, `shifts`)
//! are entered by an element's `name` or by its position from 0: `agents.tier1.count`,
//! `channels.phone.patience.mean`, `topics.billing.fcr`, `agents.tier1.shifts.0.count`,
//! `automation.containment`. Names with dots or spaces go in double quotes:
//! `topics."order status".fcr`. A whole optional table is switched with `off,on`
//! (`automation=off,on`): off leaves it out, as if the scenario never had it.

use toml::{Table, Value};

mod plan;

pub use plan::{Plan, document, grid, plan};

/// Most points a sweep may have (over all `--set` combined).
pub const MAX_POINTS: usize = 10_000;

/// Why a sweep setting cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// The `--set` text is not `PATH=VALUES`.
    #[error("`{0}` is not PATH=VALUES; write e.g. --set agents.tier1.count=8..20")]
    Syntax(String),
    /// A value list is empty or malformed.
    #[error("`{text}`: {reason}")]
    Values {
        /// The values as given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// The path does not exist in the scenario.
    #[error("the scenario has no `{path}`: {hint}")]
    NoPath {
        /// The path up to the missing part.
        path: String,
        /// What exists there instead.
        hint: String,
    },
    /// The same path is swept twice.
    #[error("`{0}` is given to --set twice; give each path once, with all its values")]
    Duplicate(String),
    /// A run setting that a sweep keeps fixed.
    #[error(
        "`{0}` is a run setting, the same at every point of a sweep\n  = help: use --{1} instead; to compare run lengths or seeds, run one sweep each"
    )]
    RunSetting(String, &'static str),
    /// The path is valid but no value of it changes the model.
    #[error("`{path}` changes nothing at any of its values: {reason}")]
    NoEffect {
        /// The path.
        path: String,
        /// What overrides it, and what to sweep instead.
        reason: String,
    },
    /// A point of the grid is not a valid scenario (the rendered diagnostics).
    #[error("{0}")]
    Invalid(String),
    /// Too many points.
    #[error(
        "the grid has {0} points; at most {MAX_POINTS} can be swept\n  = help: use fewer values or a larger step"
    )]
    TooMany(usize),
    /// The value does not fit the field.
    #[error("`{path}` is {kind}, so `{value}` does not fit: {hint}")]
    Type {
        /// The path.
        path: String,
        /// The field's kind.
        kind: &'static str,
        /// The value given.
        value: String,
        /// How to write it.
        hint: &'static str,
    },
}

/// One swept value: as the user wrote it, for labels, and its numeric position for charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Text as given (or generated from a range).
    pub text: String,
    /// Numeric value (seconds for durations).
    pub x: f64,
}

/// A `--set PATH=VALUES` setting.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Path segments.
    pub path: Vec<String>,
    /// The path as written.
    pub path_text: String,
    /// Values.
    pub points: Vec<Point>,
}

/// Splits a path on dots outside double quotes.
fn split_path(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Parses `PATH=VALUES`: a comma list (`0,0.1,0.2`, `20s,30s`), or an inclusive range
/// `FROM..TO` with an optional step `FROM..TO:STEP` (numbers only).
pub fn parse_setting(text: &str) -> Result<Setting, SweepError> {
    let (path, values) = text
        .split_once('=')
        .ok_or_else(|| SweepError::Syntax(text.to_string()))?;
    let path = path.trim();
    if path.is_empty() || values.trim().is_empty() {
        return Err(SweepError::Syntax(text.to_string()));
    }
    let vtext = values.trim();
    let bad = |reason: &str| SweepError::Values {
        text: vtext.to_string(),
        reason: reason.to_string(),
    };
    let mut points = Vec::new();
    if let Some((from, rest)) = vtext.split_once("..") {
        let (to, step) = match rest.split_once(':') {
            Some((t, s)) => (t, Some(s)),
            None => (rest, None),
        };
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
        let (Some(a), Some(b)) = (num(from), num(to)) else {
            return Err(bad(
                "a range is FROM..TO of numbers, e.g. 8..20 or 0..1:0.1",
            ));
        };
        let step = match step {
            Some(s) => num(s)
                .filter(|x| *x > 0.0)
                .ok_or_else(|| bad("the step after `:` must be a number above 0"))?,
            None => 1.0,
        };
        if b < a {
            return Err(bad("the range ends before it starts"));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize + 1;
        if n > 1000 {
            return Err(bad("more than 1,000 points; use a larger step"));
        }
        for i in 0..n {
            let x = a + i as f64 * step;
            let x = (x * 1e9).round() / 1e9;
            points.push(Point {
                text: format_number(x),
                x,
            });
        }
    } else {
        for part in vtext.split(',') {
            let p = part.trim();
            if p.is_empty() {
                return Err(bad("an empty value in the list"));
            }
            // What a value must be depends on the field it goes to: checked when it is set.
            let x = match p.parse::<f64>() {
                Ok(x) if x.is_finite() => x,
                _ if p == "off" => 0.0,
                _ if p == "on" => 1.0,
                _ => crate::duration::parse_duration(p).unwrap_or(f64::NAN),
            };
            points.push(Point {
                text: p.to_string(),
                x,
            });
        }
    }
    Ok(Setting {
        path: split_path(path),
        path_text: path.to_string(),
        points,
    })
}

fn names(list: &[Value]) -> String {
    let v: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.get("name")
                .and_then(|n| n.as_str())
                .map_or(i.to_string(), |n| n.to_string())
        })
        .collect();
    v.join(", ")
}

/// Sets `value` at `path` in a scenario document, keeping the field's kind: whole numbers stay
/// whole, durations stay durations. A missing last key is added if its table exists.
pub fn set(doc: &mut Table, path: &[String], value: &Point) -> Result<(), SweepError> {
    let full = path.join(".");
    let mut table: &mut Table = doc;
    for (i, seg) in path.iter().enumerate() {
        let so_far = path[..=i].join(".");
        let last = i + 1 == path.len();
        if last {
            return assign(table, seg, &full, value);
        }
        let keys: Vec<String> = table.keys().cloned().collect();
        let Some(next) = table.get_mut(seg.as_str()) else {
            let best = keys
                .iter()
                .map(|k| (strsim::jaro_winkler(seg, k), k))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score > 0.8)
                .map_or(String::new(), |(_, k)| format!("did you mean `{k}`? "));
            return Err(SweepError::NoPath {
                path: so_far,
                hint: format!("{best}here there are: {}", keys.join(", ")),
            });
        };
        table = match next {
            Value::Table(t) => t,
            Value::Array(list) => {
                let rest = path.get(i + 1).cloned().unwrap_or_default();
                let listed = names(list);
                let pos = list
                    .iter()
                    .position(|e| e.get("name").and_then(|n| n.as_str()) == Some(rest.as_str()))
                    .or_else(|| rest.parse::<usize>().ok().filter(|p| *p < list.len()));
                let Some(pos) = pos else {
                    return Err(SweepError::NoPath {
                        path: format!("{so_far}.{rest}"),
                        hint: format!("`{so_far}` holds {listed} (by name or by position from 0)"),
                    });
                };
                match list.get_mut(pos) {
                    Some(Value::Table(t)) => {
                        // The element's name was consumed as the next segment.
                        return set(t, &path[i + 2..], value).map_err(|e| match e {
                            SweepError::NoPath { path: p, hint } => SweepError::NoPath {
                                path: format!("{so_far}.{rest}.{p}"),
                                hint,
                            },
                            other => other,
                        });
                    }
                    _ => {
                        return Err(SweepError::NoPath {
                            path: so_far,
                            hint: "it is a list of values, not of tables".into(),
                        });
                    }
                }
            }
            _ => {
                return Err(SweepError::NoPath {
                    path: path[..=i + 1].join("."),
                    hint: format!("`{so_far}` is a single value"),
                });
            }
        };
    }
    Err(SweepError::NoPath {
        path: full,
        hint: "the path is empty".into(),
    })
}

fn assign(table: &mut Table, key: &str, full: &str, value: &Point) -> Result<(), SweepError> {
    let is_duration = value.text.parse::<f64>().is_err();
    let new = match table.get(key) {
        Some(Value::Integer(_)) => {
            // Beyond ±2⁶³ a whole number is no longer one a scenario can hold.
            if value.x.fract() != 0.0 || is_duration || value.x.is_nan() || value.x.abs() >= 9.2e18
            {
                return Err(SweepError::Type {
                    path: full.into(),
                    kind: "a whole number",
                    value: value.text.clone(),
                    hint: "give whole numbers, e.g. 8..20",
                });
            }
            Value::Integer(value.x as i64)
        }
        Some(Value::Float(_)) => {
            if is_duration {
                return Err(SweepError::Type {
                    path: full.into(),
                    kind: "a number",
                    value: value.text.clone(),
                    hint: "give numbers, e.g. 0,0.1,0.2",
                });
            }
            Value::Float(value.x)
        }
        Some(Value::String(s)) => {
            if crate::duration::parse_duration(s).is_err() {
                return Err(SweepError::Type {
                    path: full.into(),
                    kind: "text that is not a duration",
                    value: value.text.clone(),
                    hint: "only numbers and durations can be swept",
                });
            }
            if !is_duration || value.x.is_nan() {
                return Err(SweepError::Type {
                    path: full.into(),
                    kind: "a duration",
                    value: value.text.clone(),
                    hint: "give durations with units, e.g. 20s,30s,1m",
                });
            }
            Value::String(value.text.clone())
        }
        Some(Value::Table(_))
            if value.text == "off" && ["simulation", "volume", "channels"].contains(&full) =>
        {
            return Err(SweepError::Type {
                path: full.into(),
                kind: "a table every scenario needs",
                value: value.text.clone(),
                hint: "switch an optional table (automation, knowledge_base, customers…) or a key inside this one",
            });
        }
        Some(Value::Table(_)) if value.text == "off" || value.text == "on" => {
            // A table switched off is left out, as if the scenario never had it.
            if value.text == "off" {
                table.remove(key);
            }
            return Ok(());
        }
        Some(_) => {
            return Err(SweepError::Type {
                path: full.into(),
                kind: "a table or list",
                value: value.text.clone(),
                hint: "address a number or duration inside it, or switch a whole table with off,on",
            });
        }
        None => {
            if value.x.is_nan() {
                return Err(SweepError::Type {
                    path: full.into(),
                    kind: "a new key",
                    value: value.text.clone(),
                    hint: "give numbers (e.g. 0,0.1) or durations with units (e.g. 20s,1m)",
                });
            }
            if is_duration {
                Value::String(value.text.clone())
            } else if value.x.fract() == 0.0 && !value.text.contains('.') {
                Value::Integer(value.x as i64)
            } else {
                Value::Float(value.x)
            }
        }
    };
    table.insert(key.to_string(), new);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Table {
        toml::from_str(
            r#"
[simulation]
days = 7
[channels.phone]
kind = "call"
handle_time = { dist = "exponential", mean = "4m" }
[[topics]]
name = "order status"
share = 1.0
[[agents]]
name = "tier1"
count = 10
channels = ["phone"]
shifts = [{ start = "08:00", end = "16:00", count = 4 }]
"#,
        )
        .expect("toml")
    }

    #[test]
    fn values_parse() {
        let s = parse_setting("agents.tier1.count=8..12").expect("ok");
        assert_eq!(
            s.points.iter().map(|p| p.x).collect::<Vec<_>>(),
            vec![8.0, 9.0, 10.0, 11.0, 12.0]
        );
        let s = parse_setting("x=0..0.3:0.1").expect("ok");
        assert_eq!(s.points.len(), 4);
        assert_eq!(s.points[3].text, "0.3");
        let s = parse_setting("channels.phone.answer_within=20s,1m").expect("ok");
        assert_eq!(s.points[1].x, 60.0);
        assert!(parse_setting("agents.count").is_err());
        assert!(parse_setting("a=5..1").is_err());
        assert!(parse_setting("a=1,,2").is_err());
    }

    #[test]
    fn paths_set_values_of_the_right_kind() {
        let mut d = doc();
        let p = |t: &str, x: f64| Point { text: t.into(), x };
        set(&mut d, &split_path("agents.tier1.count"), &p("12", 12.0)).expect("set");
        assert_eq!(d["agents"][0]["count"].as_integer(), Some(12));
        set(
            &mut d,
            &split_path("agents.tier1.shifts.0.count"),
            &p("6", 6.0),
        )
        .expect("set");
        set(
            &mut d,
            &split_path("channels.phone.handle_time.mean"),
            &p("5m", 300.0),
        )
        .expect("set");
        assert_eq!(
            d["channels"]["phone"]["handle_time"]["mean"].as_str(),
            Some("5m")
        );
        set(
            &mut d,
            &split_path("topics.\"order status\".share"),
            &p("1", 1.0),
        )
        .expect("set");
        set(
            &mut d,
            &split_path("channels.phone.queue_capacity"),
            &p("5", 5.0),
        )
        .expect("new key");
        assert_eq!(
            d["channels"]["phone"]["queue_capacity"].as_integer(),
            Some(5)
        );
        set(&mut d, &split_path("channels.phone"), &p("on", 1.0)).expect("on");
        assert!(d["channels"].get("phone").is_some());
        set(&mut d, &split_path("channels.phone"), &p("off", 0.0)).expect("off");
        assert!(d["channels"].get("phone").is_none());
        let e = set(&mut d, &split_path("simulation"), &p("off", 0.0)).expect_err("needed");
        assert!(
            e.to_string().contains("a table every scenario needs"),
            "{e}"
        );
    }

    #[test]
    fn bad_paths_say_what_exists() {
        let mut d = doc();
        let p = Point {
            text: "3".into(),
            x: 3.0,
        };
        let e = set(&mut d, &split_path("agents.tier3.count"), &p).expect_err("no tier3");
        assert_eq!(
            e.to_string(),
            "the scenario has no `agents.tier3`: `agents` holds tier1 (by name or by position from 0)"
        );
        let e = set(&mut d, &split_path("chanels.phone.kind"), &p).expect_err("typo");
        assert_eq!(
            e.to_string(),
            "the scenario has no `chanels`: did you mean `channels`? here there are: simulation, channels, topics, agents"
        );
        let e = set(&mut d, &split_path("channels.phone.handle_time.mean"), &p)
            .expect_err("needs a unit");
        assert!(e.to_string().contains("is a duration"), "{e}");
        let half = Point {
            text: "2.5".into(),
            x: 2.5,
        };
        assert!(set(&mut d, &split_path("agents.tier1.count"), &half).is_err());
    }
}
