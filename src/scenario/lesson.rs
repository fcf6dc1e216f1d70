//! `[lesson]`: what `supportsim lesson` makes of the scenario — its levers (`vary`, as
//! `--vary` takes them) and an exercise (`question`). The model does not read it; `run` and
//! the other commands leave it aside.

use toml::de::{DeTable as Table, DeValue};

use super::keys;
use super::reader::{Cx, span_of, type_name};

/// The `[lesson]` table of a scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonSpec {
    /// The levers, `PATH=VALUES` each.
    pub vary: Vec<String>,
    /// The exercise, if any.
    pub question: Option<String>,
}

/// Reads `[lesson]`, checking each lever's syntax and the question's form (whether the paths
/// exist is checked when the lesson is built, against the scenario's own keys).
pub(super) fn read(cx: &mut Cx, doc: &Table<'_>) -> Option<LessonSpec> {
    let v = doc.get("lesson")?;
    let t = cx.table(v, "lesson")?;
    cx.check_keys(t, keys::LESSON, "[lesson]");
    let mut spec = LessonSpec::default();
    if let Some(list) = t.get("vary") {
        match list.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    let example = "\"agents.desk.count=2..6\"";
                    let Some(text) = cx.string_value(item, "vary", "[lesson]", example) else {
                        continue;
                    };
                    let parsed = crate::lesson::split_label(text).and_then(|(_, rest)| {
                        crate::sweep::parse_setting(rest).map_err(|e| e.to_string())
                    });
                    match parsed {
                        Ok(_) => spec.vary.push(text.to_string()),
                        Err(e) => cx.err(
                            format!("this lever cannot be read: {}", first_line(&e.to_string())),
                            span_of(item),
                            "write PATH=VALUES as `sweep --set` takes it, e.g. \"automation=off,on\"",
                        ),
                    }
                }
            }
            other => cx.err(
                format!(
                    "`vary` of [lesson] must be a list of PATH=VALUES texts, not {}",
                    type_name(other)
                ),
                span_of(list),
                "write e.g. vary = [\"agents.desk.count=2..6\", \"automation=off,on\"]",
            ),
        }
    }
    let example = "\"minimize total_cost where churned_customers < 300\"";
    if let Some((q, span)) = cx.string(t, "question", "[lesson]", example) {
        match crate::lesson::Question::parse(q) {
            Ok(_) => spec.question = Some(q.to_string()),
            Err(e) => cx.err(
                format!(
                    "this question cannot be read: {}",
                    first_line(&e.to_string())
                ),
                span,
                format!("write e.g. question = {example}"),
            ),
        }
    }
    Some(spec)
}

/// The message of an error without its help lines (the diagnostic gives its own).
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
