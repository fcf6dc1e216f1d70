//! Problems found in a scenario, with their place in the file, rendered the way compilers do:
//! `file:line:col`, the offending line, a caret under the culprit and a fix in plain words.

use std::fmt::Write as _;
use std::ops::Range;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The scenario cannot be run.
    Error,
    /// The scenario runs, but probably not as intended.
    Warning,
}

/// One problem in a scenario.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Byte range in the source the problem points at, if any.
    pub span: Option<Range<usize>>,
    /// How to fix it, in the user's words.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Option<Range<usize>>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Option<Range<usize>>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Adds a one-line fix.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one scenario file, with the text needed to show them.
#[derive(Debug, Clone)]
pub struct Report {
    /// File name as the user gave it.
    pub file: String,
    /// The file's text.
    pub source: String,
    /// Problems in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Line and column (both 1-based) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let before = &self.source[..floor_char_boundary(&self.source, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// Renders every problem, then a one-line count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            self.render_one(&mut out, d);
            out.push('\n');
        }
        let errors = self.error_count();
        let warnings = self.diagnostics.len() - errors;
        if errors > 0 {
            let _ = writeln!(
                out,
                "{} in {}{}",
                plural(errors, "error"),
                self.file,
                if warnings > 0 {
                    format!(" (and {})", plural(warnings, "warning"))
                } else {
                    String::new()
                }
            );
        } else if warnings > 0 {
            let _ = writeln!(out, "{} in {}", plural(warnings, "warning"), self.file);
        }
        out
    }

    fn render_one(&self, out: &mut String, d: &Diagnostic) {
        let label = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}: {}", clip_quoted(&d.message));
        match &d.span {
            Some(span) if !self.source.is_empty() => {
                let (line, col) = self.line_col(span.start);
                let width = line.to_string().len();
                let pad = " ".repeat(width);
                let _ = writeln!(out, "{pad}--> {}:{line}:{col}", self.file);
                let text = self.source.lines().nth(line - 1).unwrap_or("");
                let text = text.trim_end_matches('\r');
                // A very long line is shown around the culprit only.
                let (shown, before) = window(text, col - 1);
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{line} | {}", expand_tabs(&shown));
                // Carets go under the culprit as the terminal shows it: tabs expanded, wide
                // characters (CJK, emoji) two columns.
                let start = display_width(&before, 0);
                let span_text = &self.source[floor_char_boundary(&self.source, span.start)
                    ..floor_char_boundary(&self.source, span.end.max(span.start))];
                let first = span_text.split('\n').next().unwrap_or("");
                let first = first.trim_end_matches('\r');
                let line_width = display_width(&shown, 0);
                let carets =
                    display_width(first, start).clamp(1, line_width.saturating_sub(start).max(1));
                let _ = writeln!(out, "{pad} | {}{}", " ".repeat(start), "^".repeat(carets));
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "{pad} = help: {}", clip_quoted(help));
                }
            }
            _ => {
                let _ = writeln!(out, " --> {}", self.file);
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "  = help: {}", clip_quoted(help));
                }
            }
        }
    }
}

/// Widest source line shown whole, in characters; a longer one is shown around the culprit.
const MAX_LINE: usize = 120;

/// The part of `line` to show for a culprit at character `at`, and the part of it before the
/// culprit: the whole line when it is short, else 40 characters before and 80 after, with `…`
/// where it was cut.
fn window(line: &str, at: usize) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let at = at.min(chars.len());
    if chars.len() <= MAX_LINE {
        return (line.to_string(), chars[..at].iter().collect());
    }
    let from = at.saturating_sub(40);
    let to = (at + 80).min(chars.len());
    let lead = if from > 0 { "…" } else { "" };
    let trail = if to < chars.len() { "…" } else { "" };
    let before: String = chars[from..at].iter().collect();
    let middle: String = chars[from..to].iter().collect();
    (format!("{lead}{middle}{trail}"), format!("{lead}{before}"))
}

/// Longest text shown between backticks in a message, in characters.
const MAX_QUOTED: usize = 200;

/// `text` with every `quoted` part longer than `MAX_QUOTED` (200) characters cut short with `…`,
/// so that a message never echoes a megabyte of what the user wrote.
pub fn clip_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && part.chars().count() > MAX_QUOTED {
            out.extend(part.chars().take(MAX_QUOTED - 10));
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Columns between tab stops when a source line is shown.
const TAB: usize = 4;

/// Columns `s` takes on a terminal when it starts at column `from`: tabs to the next tab stop,
/// wide characters two columns, combining marks none.
fn display_width(s: &str, from: usize) -> usize {
    let mut col = from;
    for c in s.chars() {
        col += if c == '\t' {
            TAB - col % TAB
        } else {
            unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
        };
    }
    col - from
}

/// `line` with its tabs replaced by spaces to the next tab stop.
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = TAB - col % TAB;
            out.push_str(&" ".repeat(n));
            col += n;
        } else {
            out.push(c);
            col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_caret() {
        let source = "[simulation]\ndays = 0\n".to_string();
        let r = Report {
            file: "s.toml".into(),
            source,
            diagnostics: vec![
                Diagnostic::error("`days` must be at least 1", Some(20..21))
                    .help("write days = 7 for a week"),
            ],
        };
        assert_eq!(
            r.render(),
            "error: `days` must be at least 1\n --> s.toml:2:8\n  |\n2 | days = 0\n  |        ^\n  = help: write days = 7 for a week\n\n1 error in s.toml\n"
        );
    }

    fn one(source: &str, span: std::ops::Range<usize>) -> String {
        Report {
            file: "s.toml".into(),
            source: source.into(),
            diagnostics: vec![Diagnostic::error("wrong", Some(span)).help("fix it")],
        }
        .render()
    }

    #[test]
    fn a_long_line_is_shown_around_its_culprit_and_long_values_are_cut() {
        let long = "x".repeat(5000);
        let source = format!("name = \"{long}\" days = oops\n");
        let at = source.find("oops").expect("value");
        let r = Report {
            file: "s.toml".into(),
            source: source.clone(),
            diagnostics: vec![Diagnostic::error(
                format!("`{long}` is wrong"),
                Some(at..at + 4),
            )],
        };
        let shown = r.render();
        assert!(shown.len() < 800, "{shown}");
        let expected = format!(
            "error: `{}…` is wrong\n --> s.toml:1:{}\n  |\n1 | …{}\" days = oops\n  | {}^^^^\n\n1 error in s.toml\n",
            "x".repeat(190),
            at + 1,
            "x".repeat(31),
            " ".repeat(41)
        );
        assert_eq!(shown, expected);
    }

    #[test]
    fn a_caret_under_a_tab_indented_value_lines_up_with_it() {
        // "\tdays\t= 0": the value is the 9th character, in column 15 once the tabs are shown
        // as spaces to the next stop of four.
        let source = "[simulation]\n\tdays\t= 0\n";
        let at = source.find('0').expect("a value");
        assert_eq!(
            one(source, at..at + 1),
            "error: wrong\n --> s.toml:2:9\n  |\n2 |     days    = 0\n  |               ^\n  = help: fix it\n\n1 error in s.toml\n"
        );
    }

    #[test]
    fn carets_count_wide_characters_as_two_columns() {
        let source = "name = \"客服\" days = x\n";
        let name = source.find('"').expect("quote");
        let end = source[name + 1..].find('"').expect("closing") + name + 2;
        let x = source.find('x').expect("x");
        assert_eq!(
            one(source, name..end),
            "error: wrong\n --> s.toml:1:8\n  |\n1 | name = \"客服\" days = x\n  |        ^^^^^^\n  = help: fix it\n\n1 error in s.toml\n"
        );
        assert_eq!(
            one(source, x..x + 1),
            "error: wrong\n --> s.toml:1:20\n  |\n1 | name = \"客服\" days = x\n  |                      ^\n  = help: fix it\n\n1 error in s.toml\n"
        );
    }
}
