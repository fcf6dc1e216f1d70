//! The reader's helpers: the spanned document, the list of problems found so far, and typed
//! reads of numbers, whole numbers, text and durations that report a wrong type or an
//! out-of-range value where it is, with a fix in plain words.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Severity};
use crate::duration::parse_duration;

/// A table of the scenario document, with the place of every key and value.
pub(super) type Table<'a> = DeTable<'a>;
/// A value of the scenario document with its place.
pub(super) type Value<'a> = Spanned<DeValue<'a>>;

/// The problems found so far; every section adds to them, so that all are reported at once.
pub(super) struct Cx {
    pub(super) diags: Vec<Diagnostic>,
}

/// Where a value is in the file (a byte range).
pub(super) fn span_of(v: &Value<'_>) -> Range<usize> {
    v.span()
}

/// What kind of value the user wrote, in words.
pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// The accepted range of a number: from `lo` (excluded when `lo_open`) to `hi` included.
#[derive(Clone, Copy)]
pub(super) struct Bounds {
    lo: f64,
    lo_open: bool,
    hi: f64,
}

impl Bounds {
    /// From `lo` (excluded when `lo_open`) to `hi` included.
    pub(super) const fn new(lo: f64, lo_open: bool, hi: f64) -> Bounds {
        Bounds { lo, lo_open, hi }
    }
}

impl Cx {
    pub(super) fn err(
        &mut self,
        msg: impl Into<String>,
        span: Range<usize>,
        help: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::error(msg, Some(span)).help(help));
    }

    pub(super) fn warn(
        &mut self,
        msg: impl Into<String>,
        span: Range<usize>,
        help: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::warning(msg, Some(span)).help(help));
    }

    pub(super) fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }

    /// Reports keys of `table` not in `allowed`, suggesting the closest allowed one.
    pub(super) fn check_keys(&mut self, table: &Table<'_>, allowed: &[&str], context: &str) {
        for (key, _) in table.iter() {
            let k: &str = key.get_ref();
            if allowed.contains(&k) {
                continue;
            }
            let best = allowed
                .iter()
                .map(|a| (strsim::jaro_winkler(k, a), *a))
                .max_by(|x, y| x.0.total_cmp(&y.0));
            let help = match best {
                Some((score, a)) if score > 0.8 => format!("did you mean `{a}`?"),
                _ => format!("the keys allowed here are: {}", allowed.join(", ")),
            };
            self.err(format!("unknown key `{k}` in {context}"), key.span(), help);
        }
    }

    pub(super) fn table<'t, 'a>(&mut self, v: &'t Value<'a>, what: &str) -> Option<&'t Table<'a>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.err(
                    format!("{what} must be a table, not {}", type_name(other)),
                    span_of(v),
                    format!("write it as a section [{what}] with keys under it"),
                );
                None
            }
        }
    }

    pub(super) fn int(
        &mut self,
        t: &Table<'_>,
        key: &str,
        ctx: &str,
        min: i64,
        max: i64,
        why: &str,
    ) -> Option<(i64, Range<usize>)> {
        let v = t.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            DeValue::Float(f) => {
                let x: Option<f64> = f.as_str().replace('_', "").parse().ok();
                match x {
                    Some(x) if x.fract() == 0.0 && x.abs() < 9e15 => Some(x as i64),
                    _ => {
                        self.err(
                            format!(
                                "`{key}` in {ctx} must be a whole number, not {}",
                                f.as_str()
                            ),
                            span_of(v),
                            format!("write a whole number, e.g. {key} = {}", min.max(1)),
                        );
                        return None;
                    }
                }
            }
            other => {
                self.err(
                    format!(
                        "`{key}` in {ctx} must be a whole number, not {}",
                        type_name(other)
                    ),
                    span_of(v),
                    format!("write a number without quotes, e.g. {key} = {}", min.max(1)),
                );
                return None;
            }
        };
        let Some(x) = parsed else {
            self.err(
                format!("`{key}` in {ctx} is too large"),
                span_of(v),
                format!("use at most {max}"),
            );
            return None;
        };
        if x < min {
            self.err(
                format!("`{key}` in {ctx} must be at least {min}, not {x}"),
                span_of(v),
                why.to_string(),
            );
            return None;
        }
        if x > max {
            self.err(
                format!("`{key}` in {ctx} must be at most {max}, not {x}"),
                span_of(v),
                format!("give {max} or less"),
            );
            return None;
        }
        Some((x, span_of(v)))
    }

    /// A number in [lo, hi] (or (lo, hi] when `lo_open`).
    pub(super) fn num(
        &mut self,
        t: &Table<'_>,
        key: &str,
        ctx: &str,
        b: Bounds,
        why: &str,
    ) -> Option<(f64, Range<usize>)> {
        let v = t.get(key)?;
        self.num_value(v, key, ctx, b, why).map(|x| (x, span_of(v)))
    }

    pub(super) fn num_value(
        &mut self,
        v: &Value<'_>,
        key: &str,
        ctx: &str,
        b: Bounds,
        why: &str,
    ) -> Option<f64> {
        let x: Option<f64> = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|x| x as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
            other => {
                self.err(
                    format!(
                        "`{key}` in {ctx} must be a number, not {}",
                        type_name(other)
                    ),
                    span_of(v),
                    "write a number without quotes".to_string(),
                );
                return None;
            }
        };
        let Some(x) = x.filter(|x| x.is_finite()) else {
            self.err(
                format!("`{key}` in {ctx} must be a finite number"),
                span_of(v),
                why.to_string(),
            );
            return None;
        };
        let Bounds { lo, lo_open, hi } = b;
        let too_low = if lo_open { x <= lo } else { x < lo };
        if too_low || x > hi {
            let range = match (lo_open, hi.is_finite()) {
                (true, true) => format!("more than {lo} and at most {hi}"),
                (false, true) => format!("between {lo} and {hi}"),
                (true, false) => format!("more than {lo}"),
                (false, false) => format!("at least {lo}"),
            };
            // Too large: say the limit (the reason given for a lower bound would contradict).
            let help = if too_low {
                why.to_string()
            } else {
                format!("give {} or less", crate::numbers::plain(hi))
            };
            self.err(
                format!(
                    "`{key}` in {ctx} must be {range}, not {}",
                    crate::numbers::plain(x)
                ),
                span_of(v),
                help,
            );
            return None;
        }
        Some(x)
    }

    /// `true` or `false` at `key` of `t`, or `default` when absent (an error, then `default`,
    /// when it is something else).
    pub(super) fn boolean(
        &mut self,
        t: &Table<'_>,
        key: &str,
        ctx: &str,
        default: bool,
        help: &str,
    ) -> bool {
        match t.get(key) {
            None => default,
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => *b,
                other => {
                    self.err(
                        format!(
                            "`{key}` of {ctx} must be true or false, not {}",
                            type_name(other)
                        ),
                        span_of(v),
                        help,
                    );
                    default
                }
            },
        }
    }

    pub(super) fn string<'t>(
        &mut self,
        t: &'t Table<'_>,
        key: &str,
        ctx: &str,
        example: &str,
    ) -> Option<(&'t str, Range<usize>)> {
        let v = t.get(key)?;
        self.string_value(v, key, ctx, example)
            .map(|s| (s, span_of(v)))
    }

    pub(super) fn string_value<'t>(
        &mut self,
        v: &'t Value<'_>,
        key: &str,
        ctx: &str,
        example: &str,
    ) -> Option<&'t str> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            other => {
                self.err(
                    format!("`{key}` in {ctx} must be text, not {}", type_name(other)),
                    span_of(v),
                    format!("put it in quotes, e.g. {key} = {example}"),
                );
                None
            }
        }
    }

    /// `day` of `ctx`: a day of a run of `days` days, counted from 0. `said` is how the
    /// message says it (`("is on", "surge")`: "… is on day 9, …; move the surge …").
    pub(super) fn run_day(
        &mut self,
        t: &Table<'_>,
        ctx: &str,
        days: u32,
        said: (&str, &str),
    ) -> Option<(i64, Range<usize>)> {
        let day = self.int(
            t,
            "day",
            ctx,
            0,
            36_600,
            "days count from 0, the first simulated day",
        );
        if let Some((d, span)) = &day
            && *d >= i64::from(days)
        {
            self.err(
                format!(
                    "{ctx} {} day {d}, but the run simulates days 0 to {}",
                    said.0,
                    days - 1
                ),
                span.clone(),
                format!(
                    "days count from 0; move the {} into the horizon or simulate more days",
                    said.1
                ),
            );
        }
        day
    }

    pub(super) fn duration(
        &mut self,
        t: &Table<'_>,
        key: &str,
        ctx: &str,
        example: &str,
    ) -> Option<(f64, Range<usize>)> {
        let v = t.get(key)?;
        self.duration_value(v, key, ctx, example)
            .map(|d| (d, span_of(v)))
    }

    pub(super) fn duration_value(
        &mut self,
        v: &Value<'_>,
        key: &str,
        ctx: &str,
        example: &str,
    ) -> Option<f64> {
        let s = match v.get_ref() {
            DeValue::String(s) => s.as_ref(),
            DeValue::Integer(_) | DeValue::Float(_) => {
                self.err(
                    format!("`{key}` in {ctx} is a duration and needs a unit"),
                    span_of(v),
                    format!("write it as text with a unit, e.g. {key} = {example}"),
                );
                return None;
            }
            other => {
                self.err(
                    format!(
                        "`{key}` in {ctx} must be a duration, not {}",
                        type_name(other)
                    ),
                    span_of(v),
                    format!("write it as text with a unit, e.g. {key} = {example}"),
                );
                return None;
            }
        };
        match parse_duration(s) {
            Ok(d) if d > 0.0 => Some(d),
            Ok(_) => {
                self.err(
                    format!("`{key}` in {ctx} must be longer than zero"),
                    span_of(v),
                    format!("give a positive duration, e.g. {key} = {example}"),
                );
                None
            }
            Err(msg) => {
                self.err(
                    format!("`{key}` in {ctx}: {msg}"),
                    span_of(v),
                    format!("e.g. {key} = {example}"),
                );
                None
            }
        }
    }
}

/// `x` rounded to six decimals, for messages about sums.
pub(super) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
