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
        let _ = writeln!(out, "{label}: {}", d.message);
        match &d.span {
            Some(span) if !self.source.is_empty() => {
                let (line, col) = self.line_col(span.start);
                let width = line.to_string().len();
                let pad = " ".repeat(width);
                let _ = writeln!(out, "{pad}--> {}:{line}:{col}", self.file);
                let text = self.source.lines().nth(line - 1).unwrap_or("");
                let text = text.trim_end_matches('\r');
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{line} | {text}");
                let start_col = col - 1;
                let line_chars = text.chars().count();
                let span_text = &self.source[floor_char_boundary(&self.source, span.start)
                    ..floor_char_boundary(&self.source, span.end.max(span.start))];
                let span_chars = span_text.split('\n').next().unwrap_or("").chars().count();
                let carets = span_chars.clamp(1, line_chars.saturating_sub(start_col).max(1));
                let _ = writeln!(
                    out,
                    "{pad} | {}{}",
                    " ".repeat(start_col),
                    "^".repeat(carets)
                );
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "{pad} = help: {help}");
                }
            }
            _ => {
                let _ = writeln!(out, " --> {}", self.file);
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "  = help: {help}");
                }
            }
        }
    }
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
}
