//! A [`ScenarioFile`] as TOML a person can read: sections as `[tables]`, channels as
//! `[channels.NAME]`, topics, agent groups and surges as `[[lists]]`, distributions and shifts
//! inline, long lists wrapped — with comments where the writer wants them ([`Note`]).

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::ScenarioFile;

/// A comment attached to a key of the written scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The key: table names, then the key; list entries by position from 0, e.g.
    /// `["topics", "0", "share"]`.
    pub at: Vec<String>,
    /// The comment, without `#`; several lines are several comment lines.
    pub text: String,
    /// After the value, on its line (else on the lines before the key).
    pub after: bool,
}

impl Note {
    /// A comment on the lines before the key at `at`.
    pub fn before(at: &[&str], text: impl Into<String>) -> Note {
        Note {
            at: at.iter().map(|s| s.to_string()).collect(),
            text: text.into(),
            after: false,
        }
    }

    /// A comment after the value at `at`, on its line.
    pub fn after(at: &[&str], text: impl Into<String>) -> Note {
        Note {
            after: true,
            ..Note::before(at, text)
        }
    }
}

/// Why a scenario could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A value has no TOML form (cannot happen for a [`ScenarioFile`] of finite numbers).
    #[error("cannot write the scenario as TOML: {0}")]
    Serialize(#[from] toml_edit::ser::Error),
    /// A note names a key the scenario does not have.
    #[error("no `{0}` in the scenario to comment on")]
    NoKey(String),
}

/// Numbers per line of a wrapped list.
const PER_LINE: usize = 12;

/// `file` as TOML: `header` lines as comments at the top, then the scenario with `notes`.
pub fn to_toml(
    file: &ScenarioFile,
    header: &[String],
    notes: &[Note],
) -> Result<String, WriteError> {
    let mut doc = toml_edit::ser::to_document(file)?;
    layout(doc.as_table_mut());
    for note in notes {
        annotate(&mut doc, note)?;
    }
    let mut out = String::new();
    for line in header {
        out.push_str(&comment(line));
    }
    if !header.is_empty() {
        out.push('\n');
    }
    out.push_str(doc.to_string().trim_start_matches('\n'));
    Ok(out)
}

/// `text` as comment lines, each ending in a newline.
fn comment(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "#\n".to_string()
            } else {
                format!("# {l}\n")
            }
        })
        .collect()
}

/// Sections become tables, lists of tables `[[…]]`, channels `[channels.NAME]`; what is left
/// inline (distributions, shifts, weights) stays on one line unless it is long.
fn layout(root: &mut Table) {
    let keys: Vec<String> = root.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        let Some(item) = root.get_mut(&key) else {
            continue;
        };
        let taken = std::mem::take(item);
        *item = match (key.as_str(), taken) {
            ("channels", Item::Value(Value::InlineTable(channels))) => {
                let mut t = Table::new();
                t.set_implicit(true);
                for (name, v) in channels {
                    let mut channel = section(v);
                    // Each pending state on a line of its own, in `[channels.NAME.pending]`.
                    if let Some(p) = channel.get_mut("pending")
                        && let Item::Value(v @ Value::InlineTable(_)) = std::mem::take(p)
                    {
                        *p = section(v);
                    }
                    t.insert(&name, channel);
                }
                Item::Table(t)
            }
            (_, Item::Value(Value::Array(list)))
                if list.iter().all(|v| v.is_inline_table()) && !list.is_empty() =>
            {
                let mut tables = ArrayOfTables::new();
                for v in list {
                    if let Item::Table(t) = section(v) {
                        tables.push(t);
                    }
                }
                Item::ArrayOfTables(tables)
            }
            (_, Item::Value(v @ Value::InlineTable(_))) => section(v),
            (_, other) => other,
        };
    }
    if let Some(Item::Table(volume)) = root.get_mut("volume")
        && let Some(w) = volume.get_mut("weekday_intraday")
        && let Item::Value(v @ Value::InlineTable(_)) = std::mem::take(w)
    {
        *w = section(v);
    }
}

/// An inline table as a table of its own, its lists of tables one per line and long lists of
/// numbers wrapped; anything else as it is.
fn section(v: Value) -> Item {
    let Value::InlineTable(inline) = v else {
        return Item::Value(v);
    };
    let mut t = inline.into_table();
    t.decor_mut().set_prefix("\n");
    for (_, item) in t.iter_mut() {
        if let Item::Value(Value::Array(list)) = item {
            tidy(list);
        } else if let Item::Value(Value::InlineTable(inner)) = item {
            for (_, v) in inner.iter_mut() {
                if let Value::Array(list) = v {
                    tidy(list);
                }
            }
        }
    }
    Item::Table(t)
}

/// A list of tables (shifts) one per line; a long list of numbers or texts wrapped.
fn tidy(list: &mut Array) {
    if list.iter().any(|v| v.is_inline_table()) {
        for v in list.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
    } else if list.len() > PER_LINE {
        for (i, v) in list.iter_mut().enumerate() {
            v.decor_mut()
                .set_prefix(if i % PER_LINE == 0 { "\n  " } else { " " });
        }
    } else {
        return;
    }
    list.set_trailing_comma(true);
    list.set_trailing("\n");
}

/// Attaches `note` to its key.
fn annotate(doc: &mut DocumentMut, note: &Note) -> Result<(), WriteError> {
    let missing = || WriteError::NoKey(note.at.join("."));
    let (last, parents) = note.at.split_last().ok_or_else(missing)?;
    let mut table = doc.as_table_mut();
    let mut rest = parents.iter();
    while let Some(seg) = rest.next() {
        table = match table.get_mut(seg).ok_or_else(missing)? {
            Item::Table(t) => t,
            Item::ArrayOfTables(list) => {
                let i: usize = rest
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(missing)?;
                list.get_mut(i).ok_or_else(missing)?
            }
            _ => return Err(missing()),
        };
    }
    if note.after {
        let value = table
            .get_mut(last)
            .and_then(|i| i.as_value_mut())
            .ok_or_else(missing)?;
        value.decor_mut().set_suffix(format!("  # {}", note.text));
        return Ok(());
    }
    let text = comment(&note.text);
    match table.get_mut(last).ok_or_else(missing)? {
        Item::Table(t) => prepend(t.decor_mut(), &text),
        Item::ArrayOfTables(list) => {
            if let Some(first) = list.get_mut(0) {
                prepend(first.decor_mut(), &text);
            }
        }
        _ => {
            let mut key = table.key_mut(last).ok_or_else(missing)?;
            prepend(key.leaf_decor_mut(), &text);
        }
    }
    Ok(())
}

/// Adds `text` before what a decor already holds (a table's blank line stays first).
fn prepend(decor: &mut toml_edit::Decor, text: &str) {
    let before = decor
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string();
    let (blank, rest) = if let Some(r) = before.strip_prefix('\n') {
        ("\n", r)
    } else {
        ("", before.as_str())
    };
    decor.set_prefix(format!("{blank}{text}{rest}"));
}
