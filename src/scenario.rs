//! Scenario files (TOML, format v1): reading, checking and building the [`Model`].
//!
//! The file is parsed into a spanned document tree, then walked key by key so that every
//! problem (unknown keys, wrong types, values out of range, names that do not resolve, shares
//! that do not add up) is reported at once with its place in the file. The walk produces a
//! [`Model`] only when no error was found.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::dist::{Dist, Family};
use crate::duration::{DAY, WEEKDAYS, parse_duration, parse_time_of_day};
use crate::experience::WaitCsat;
use crate::model::{
    Automation, Channel, ChannelId, ChannelKind, Customers, Demand, Group, KnowledgeBase, Model,
    Ramp, Resolution, Shift, Surge, Topic, TopicId,
};

/// Errors of loading a scenario.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read scenario `{path}`: {reason}")]
    Read {
        /// Path as given.
        path: String,
        /// Why, in plain words.
        reason: String,
    },
    /// The file was read but has errors; the report holds every one of them.
    #[error("{}", .0.render())]
    Invalid(Box<Report>),
}

/// A model that passed every check, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The model.
    pub model: Model,
    /// Warnings (no errors); may be empty.
    pub warnings: Report,
}

/// Reads and checks a scenario file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::Read {
        path: label.clone(),
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file; check the path".to_string(),
            std::io::ErrorKind::IsADirectory => "it is a folder, not a file".to_string(),
            _ => e.to_string(),
        },
    })?;
    let source = String::from_utf8(bytes).map_err(|_| LoadError::Read {
        path: label.clone(),
        reason: "it is not UTF-8 text; save it as UTF-8".to_string(),
    })?;
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    parse(&label, &source, &default_name)
}

/// Checks scenario text and builds its model. `file` labels the diagnostics; `default_name` is
/// the scenario name used when `[simulation] name` is absent.
pub fn parse(file: &str, source: &str, default_name: &str) -> Result<Loaded, LoadError> {
    let mut cx = Cx { diags: Vec::new() };
    let model = if source.trim().is_empty() {
        cx.diags.push(
            Diagnostic::error("the scenario is empty", Some(0..0)).help(
                "a scenario needs at least [simulation] days, [volume] per_day, one [channels.NAME] and one [[agents]] group; start from scenarios/quick-start.toml",
            ),
        );
        None
    } else {
        match DeTable::parse(source) {
            Ok(doc) => build(&mut cx, doc.get_ref(), default_name),
            Err(e) => {
                let msg = e.message().trim().to_string();
                cx.diags.push(
                    Diagnostic::error(format!("this is not valid TOML: {msg}"), e.span())
                        .help("fix the syntax here; a string needs quotes, a table header looks like [name]"),
                );
                None
            }
        }
    };
    let report = Report {
        file: file.to_string(),
        source: source.to_string(),
        diagnostics: cx.diags,
    };
    match model {
        Some(model) if report.error_count() == 0 => Ok(Loaded {
            model,
            warnings: report,
        }),
        _ => Err(LoadError::Invalid(Box::new(report))),
    }
}

type Table<'a> = DeTable<'a>;
type Value<'a> = Spanned<DeValue<'a>>;

struct Cx {
    diags: Vec<Diagnostic>,
}

fn span_of(v: &Value<'_>) -> Range<usize> {
    v.span()
}

fn type_name(v: &DeValue<'_>) -> &'static str {
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
struct Bounds {
    lo: f64,
    lo_open: bool,
    hi: f64,
}

impl Bounds {
    const fn new(lo: f64, lo_open: bool, hi: f64) -> Bounds {
        Bounds { lo, lo_open, hi }
    }
}

impl Cx {
    fn err(&mut self, msg: impl Into<String>, span: Range<usize>, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(msg, Some(span)).help(help));
    }

    fn warn(&mut self, msg: impl Into<String>, span: Range<usize>, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::warning(msg, Some(span)).help(help));
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }

    /// Reports keys of `table` not in `allowed`, suggesting the closest allowed one.
    fn check_keys(&mut self, table: &Table<'_>, allowed: &[&str], context: &str) {
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

    fn table<'t, 'a>(&mut self, v: &'t Value<'a>, what: &str) -> Option<&'t Table<'a>> {
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

    fn int(
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
                why.to_string(),
            );
            return None;
        }
        Some((x, span_of(v)))
    }

    /// A number in [lo, hi] (or (lo, hi] when `lo_open`).
    fn num(
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

    fn num_value(
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
            self.err(
                format!("`{key}` in {ctx} must be {range}, not {x}"),
                span_of(v),
                why.to_string(),
            );
            return None;
        }
        Some(x)
    }

    fn string<'t>(
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

    fn string_value<'t>(
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

    fn duration(
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

    fn duration_value(
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

    fn dist(&mut self, t: &Table<'_>, key: &str, ctx: &str) -> Option<Dist> {
        let v = t.get(key)?;
        let example = r#"{ dist = "exponential", mean = "4m" }"#;
        let DeValue::Table(d) = v.get_ref() else {
            self.err(
                format!(
                    "`{key}` in {ctx} must be a distribution, not {}",
                    type_name(v.get_ref())
                ),
                span_of(v),
                format!("write e.g. {key} = {example}"),
            );
            return None;
        };
        let dctx = format!("`{key}` of {ctx}");
        if d.get("dist")
            .and_then(|x| x.get_ref().as_str())
            .is_some_and(|n| n == "empirical")
        {
            return self.empirical(v, d, key, &dctx);
        }
        self.check_keys(d, &["dist", "mean", "cv"], &dctx);
        let family = match self.string(d, "dist", &dctx, "\"lognormal\"") {
            Some((name, span)) => match Family::from_name(name) {
                Some(f) => Some(f),
                None => {
                    self.err(
                        format!("unknown distribution `{name}` in {dctx}"),
                        span,
                        format!("use one of: {}, empirical", Family::NAMES.join(", ")),
                    );
                    None
                }
            },
            None => {
                if !d.contains_key("dist") {
                    self.err(
                        format!("{dctx} needs `dist`"),
                        span_of(v),
                        format!("name the distribution, e.g. {key} = {example}"),
                    );
                }
                None
            }
        };
        let mean = self.duration(d, "mean", &dctx, "\"4m\"");
        if mean.is_none() && !d.contains_key("mean") {
            self.err(
                format!("{dctx} needs `mean`"),
                span_of(v),
                format!("give the mean duration, e.g. {key} = {example}"),
            );
        }
        let cv = self.num(
            d,
            "cv",
            &dctx,
            Bounds::new(0.0, true, 20.0),
            "cv is the standard deviation divided by the mean, e.g. cv = 0.8",
        );
        let family = family?;
        let (mean, _) = mean?;
        let cv = match family {
            Family::Lognormal | Family::Gamma => match cv {
                Some((c, _)) => c,
                None => {
                    if !d.contains_key("cv") {
                        self.err(
                            format!("{dctx} needs `cv` for a {} distribution", Family::NAMES[family as usize]),
                            span_of(v),
                            "add the coefficient of variation (standard deviation ÷ mean), e.g. cv = 0.8",
                        );
                    }
                    return None;
                }
            },
            Family::Exponential => {
                if let Some((c, span)) = cv
                    && (c - 1.0).abs() > 1e-9
                {
                    self.err(
                        format!("an exponential distribution has cv 1, not {c}"),
                        span,
                        "remove cv, or use dist = \"lognormal\" or \"gamma\" for another variability",
                    );
                }
                1.0
            }
            Family::Fixed => 0.0,
        };
        Dist::new(family, mean, cv)
    }
}

impl Cx {
    /// `{ dist = "empirical", quantiles = ["5s", "12s", …] }`: quantiles at equal steps of
    /// probability from the smallest to the largest value.
    fn empirical(&mut self, v: &Value<'_>, d: &Table<'_>, key: &str, dctx: &str) -> Option<Dist> {
        self.check_keys(d, &["dist", "quantiles"], dctx);
        let example = format!(
            "{key} = {{ dist = \"empirical\", quantiles = [\"0s\", \"20s\", \"45s\", \"2m\", \"10m\"] }}"
        );
        let Some(qv) = d.get("quantiles") else {
            self.err(
                format!("{dctx} is empirical and needs `quantiles`"),
                span_of(v),
                format!("list durations from the smallest to the largest, at equal steps of probability, e.g. {example}"),
            );
            return None;
        };
        let DeValue::Array(list) = qv.get_ref() else {
            self.err(
                format!(
                    "`quantiles` of {dctx} must be a list of durations, not {}",
                    type_name(qv.get_ref())
                ),
                span_of(qv),
                format!("e.g. {example}"),
            );
            return None;
        };
        let mut points = Vec::new();
        let mut ok = true;
        for item in list.iter() {
            let parsed = match item.get_ref() {
                DeValue::String(s) => parse_duration(s.as_ref()).map_err(|m| m.to_string()),
                other => Err(format!(
                    "a duration is text with a unit, not {}",
                    type_name(other)
                )),
            };
            match parsed {
                Ok(x) if x >= 0.0 => {
                    if points.last().is_some_and(|p| x < *p) {
                        self.err(
                            format!("the quantiles of {dctx} must not decrease"),
                            span_of(item),
                            "list them from the smallest to the largest",
                        );
                        ok = false;
                    }
                    points.push(x);
                }
                Ok(_) => {
                    self.err(
                        format!("a quantile of {dctx} is negative"),
                        span_of(item),
                        "durations are zero or more",
                    );
                    ok = false;
                }
                Err(msg) => {
                    self.err(
                        format!("a quantile of {dctx}: {msg}"),
                        span_of(item),
                        format!("e.g. {example}"),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match Dist::empirical(&points) {
            Some(dist) => Some(dist),
            None => {
                self.err(
                    format!("{dctx} needs at least two quantiles, the largest above zero"),
                    span_of(qv),
                    format!("e.g. {example}"),
                );
                None
            }
        }
    }
}

/// Named intraday shapes, hourly weights from midnight.
fn named_intraday(name: &str) -> Option<Vec<f64>> {
    match name {
        "flat" => Some(vec![1.0; 24]),
        // Office hours 08:00–18:00 with the morning peak and after-lunch shoulder typical of
        // business-to-consumer support lines.
        "business-hours" => Some(vec![
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.6, 1.0, 1.2, 1.15, 0.9, 1.0, 1.1, 1.0, 0.85,
            0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        ]),
        // 07:00–22:00 with a quieter evening, typical of consumer retail and telecom.
        "extended-hours" => Some(vec![
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 0.8, 1.1, 1.2, 1.15, 1.0, 1.05, 1.1, 1.05,
            0.95, 0.85, 0.8, 0.75, 0.6, 0.4, 0.0, 0.0,
        ]),
        // Contacts around the clock, low at night and peaking mid-morning (email, web forms).
        "around-the-clock" => Some(vec![
            0.25, 0.2, 0.15, 0.15, 0.15, 0.2, 0.35, 0.6, 0.9, 1.1, 1.2, 1.2, 1.1, 1.1, 1.1, 1.05,
            1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.5, 0.35,
        ]),
        _ => None,
    }
}
const INTRADAY_NAMES: &str = "flat, business-hours, extended-hours, around-the-clock";

fn intraday(cx: &mut Cx, t: &Table<'_>, ctx: &str) -> Option<Vec<f64>> {
    intraday_value(cx, t.get("intraday")?, ctx)
}

fn intraday_value(cx: &mut Cx, v: &Value<'_>, ctx: &str) -> Option<Vec<f64>> {
    let weights = match v.get_ref() {
        DeValue::String(name) => match named_intraday(name) {
            Some(w) => w,
            None => {
                cx.err(
                    format!("unknown intraday shape `{name}` in {ctx}"),
                    span_of(v),
                    format!("use one of: {INTRADAY_NAMES}; or give weights, e.g. 24 numbers, one per hour"),
                );
                return None;
            }
        },
        DeValue::Array(items) => {
            let n = items.len();
            if n == 0 || 86_400 % n != 0 || n > 1440 {
                cx.err(
                    format!("`intraday` in {ctx} has {n} weights; they must split the day evenly"),
                    span_of(v),
                    "give 24 (hourly), 48 (half-hourly) or 96 (quarter-hourly) weights",
                );
                return None;
            }
            let mut w = Vec::with_capacity(n);
            for item in items.iter() {
                w.push(cx.num_value(
                    item,
                    "intraday",
                    ctx,
                    Bounds::new(0.0, false, f64::INFINITY),
                    "weights are relative volumes and cannot be negative",
                )?);
            }
            w
        }
        other => {
            cx.err(
                format!(
                    "`intraday` in {ctx} must be a shape name or a list of weights, not {}",
                    type_name(other)
                ),
                span_of(v),
                format!("write e.g. intraday = \"business-hours\" (shapes: {INTRADAY_NAMES})"),
            );
            return None;
        }
    };
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || !sum.is_finite() {
        cx.err(
            format!("the intraday weights in {ctx} are all zero"),
            span_of(v),
            "at least one interval of the day must receive contacts",
        );
        return None;
    }
    Some(weights.iter().map(|w| w / sum).collect())
}

/// The seven weekday profiles of a channel: each weekday's own profile or `default`, brought to
/// one common number of slots (every length divides the day, so a step profile is repeated
/// exactly at a finer slot length). Each day's weights keep summing to 1.
fn week_profile(own: &[Option<Vec<f64>>; 7], default: &[f64]) -> [Vec<f64>; 7] {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let days: [&[f64]; 7] = std::array::from_fn(|i| own[i].as_deref().unwrap_or(default));
    // Lengths divide 86 400, so their least common multiple divides 86 400 too.
    let len = days
        .iter()
        .fold(1usize, |l, d| l / gcd(l, d.len().max(1)) * d.len().max(1));
    days.map(|d| {
        let n = d.len().max(1);
        let k = (len / n).max(1);
        d.iter()
            .flat_map(|w| std::iter::repeat_n(w / k as f64, k))
            .collect()
    })
}

fn weekday_index(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    let short = lower.get(..3)?;
    WEEKDAYS.iter().position(|d| *d == short).filter(|_| {
        // accept "mon", "monday"
        let full = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        lower.len() == 3 || full.contains(&lower.as_str())
    })
}

/// A channel's `repeat_channels` before channel names are resolved: (name, span, share) and
/// the table's span.
type RepeatRaw = (Vec<(String, Range<usize>, Option<f64>)>, Range<usize>);

fn build(cx: &mut Cx, doc: &Table<'_>, default_name: &str) -> Option<Model> {
    cx.check_keys(
        doc,
        &[
            "simulation",
            "volume",
            "channels",
            "topics",
            "agents",
            "automation",
            "knowledge_base",
            "resolution",
            "csat",
            "customers",
            "surges",
        ],
        "the scenario",
    );
    let whole = 0..0;

    // [simulation]
    let mut name = default_name.to_string();
    let mut days = None;
    let mut warmup_days = 0;
    let mut interval = 1800.0;
    let mut replications = 10;
    let mut seed = 1u64;
    let mut start_weekday = 0;
    match doc.get("simulation") {
        None => cx.diags.push(
            Diagnostic::error(
                "the scenario has no [simulation] section",
                Some(whole.clone()),
            )
            .help("add [simulation] with at least days = 7"),
        ),
        Some(v) => {
            if let Some(t) = cx.table(v, "simulation") {
                let ctx = "[simulation]";
                cx.check_keys(
                    t,
                    &[
                        "name",
                        "days",
                        "warmup_days",
                        "interval",
                        "replications",
                        "seed",
                        "start_weekday",
                    ],
                    ctx,
                );
                if let Some((n, _)) = cx.string(t, "name", ctx, "\"my support desk\"") {
                    name = n.to_string();
                }
                // A horizon written as a duration: say plainly that runs are whole days.
                let sub_day = t.get("days").and_then(|d| match d.get_ref() {
                    DeValue::String(text) => parse_duration(text)
                        .ok()
                        .filter(|x| *x < DAY)
                        .map(|_| (text.to_string(), span_of(d))),
                    _ => None,
                });
                if let Some((text, span)) = &sub_day {
                    cx.err(
                        format!("`days` in [simulation] is \"{text}\": a run covers whole days"),
                        span.clone(),
                        "simulate one day (days = 1) and read the figures of the interval you want; intervals can be 15m",
                    );
                }
                days = if sub_day.is_some() {
                    None
                } else {
                    cx.int(
                        t,
                        "days",
                        ctx,
                        1,
                        36_600,
                        "simulate at least one day, e.g. days = 7",
                    )
                };
                if days.is_none() && !t.contains_key("days") {
                    cx.err(
                        "[simulation] needs `days`",
                        span_of(v),
                        "add e.g. days = 7 to simulate a week",
                    );
                }
                if let Some((w, span)) = cx.int(
                    t,
                    "warmup_days",
                    ctx,
                    0,
                    36_600,
                    "warm-up days cannot be negative; 0 starts statistics at once",
                ) {
                    if let Some((d, _)) = days
                        && w >= d
                    {
                        cx.err(
                            format!("`warmup_days` ({w}) must be fewer than `days` ({d})"),
                            span,
                            "statistics are collected after the warm-up; leave at least one day",
                        );
                    }
                    warmup_days = w as u32;
                }
                if let Some((i, span)) = cx.duration(t, "interval", ctx, "\"30m\"") {
                    if [900.0, 1800.0, 3600.0].contains(&i) {
                        interval = i;
                    } else {
                        cx.err(
                            "`interval` must be 15, 30 or 60 minutes",
                            span,
                            "write interval = \"15m\", \"30m\" or \"1h\"",
                        );
                    }
                }
                if let Some((r, _)) = cx.int(
                    t,
                    "replications",
                    ctx,
                    1,
                    100_000,
                    "run at least one replication; 10 or more give useful intervals",
                ) {
                    replications = r as u32;
                }
                if let Some((s, _)) = cx.int(
                    t,
                    "seed",
                    ctx,
                    0,
                    i64::MAX,
                    "the seed is any whole number from 0 up",
                ) {
                    seed = s as u64;
                }
                if let Some((wd, span)) = cx.string(t, "start_weekday", ctx, "\"mon\"") {
                    match weekday_index(wd) {
                        Some(i) => start_weekday = i,
                        None => cx.err(
                            format!("`{wd}` is not a weekday"),
                            span,
                            "write one of mon, tue, wed, thu, fri, sat, sun",
                        ),
                    }
                }
            }
        }
    }

    // [volume]
    let mut per_day = None;
    let mut weekday = [1.0; 7];
    let mut intraday_default = vec![1.0 / 24.0; 24];
    let mut intraday_weekday: [Option<Vec<f64>>; 7] = Default::default();
    let mut day_cv = 0.0;
    let mut growth_per_month = 0.0;
    match doc.get("volume") {
        None => cx.diags.push(
            Diagnostic::error("the scenario has no [volume] section", Some(whole.clone()))
                .help("add [volume] with per_day = the mean number of contacts a day"),
        ),
        Some(v) => {
            if let Some(t) = cx.table(v, "volume") {
                let ctx = "[volume]";
                cx.check_keys(
                    t,
                    &[
                        "per_day",
                        "weekday",
                        "intraday",
                        "weekday_intraday",
                        "day_cv",
                        "growth_per_month",
                    ],
                    ctx,
                );
                per_day = cx.num(
                    t,
                    "per_day",
                    ctx,
                    Bounds::new(0.0, true, 1e9),
                    "a scenario needs contacts: give the mean number a day, e.g. per_day = 1200",
                );
                let from_customers = doc
                    .get("customers")
                    .and_then(|c| c.get_ref().as_table())
                    .is_some_and(|c| c.contains_key("contacts_per_month"));
                if from_customers {
                    if let Some(pv) = t.get("per_day") {
                        cx.err(
                            "give either `per_day` in [volume] or `contacts_per_month` in [customers], not both",
                            span_of(pv),
                            "with a customer base, volume follows the customers: remove per_day",
                        );
                    }
                } else if per_day.is_none() && !t.contains_key("per_day") {
                    cx.err(
                        "[volume] needs `per_day`",
                        span_of(v),
                        "add the mean number of contacts a day, e.g. per_day = 1200",
                    );
                }
                if let Some(wv) = t.get("weekday") {
                    match wv.get_ref() {
                        DeValue::Table(wt) => {
                            cx.check_keys(wt, &WEEKDAYS, "`weekday` of [volume]");
                            let mut w = [0.0; 7];
                            let mut all = true;
                            let mut missing = Vec::new();
                            for (i, d) in WEEKDAYS.iter().enumerate() {
                                match cx.num(wt, d, "`weekday` of [volume]", Bounds::new(0.0, false, 1e6), "weekday weights are relative volumes and cannot be negative") {
                                    Some((x, _)) => w[i] = x,
                                    None if wt.contains_key(*d) => all = false,
                                    None => missing.push(*d),
                                }
                            }
                            if !missing.is_empty() {
                                all = false;
                                cx.err(
                                    format!("`weekday` in [volume] has no weight for {}", missing.join(", ")),
                                    span_of(wv),
                                    "give all seven days, e.g. { mon = 1.2, tue = 1.1, wed = 1, thu = 1, fri = 0.9, sat = 0.5, sun = 0.3 }; 0 closes a day",
                                );
                            }
                            let mean = w.iter().sum::<f64>() / 7.0;
                            if all && mean > 0.0 {
                                weekday = w;
                            } else if all {
                                cx.err("the weekday weights are all zero", span_of(wv), "at least one day must receive contacts");
                            }
                        }
                        other => cx.err(
                            format!("`weekday` in [volume] must be a table of weights, not {}", type_name(other)),
                            span_of(wv),
                            "write weekday = { mon = 1.2, tue = 1.1, wed = 1, thu = 1, fri = 0.9, sat = 0.5, sun = 0.3 }",
                        ),
                    }
                }
                if let Some(w) = intraday(cx, t, ctx) {
                    intraday_default = w;
                }
                if let Some(wv) = t.get("weekday_intraday") {
                    match wv.get_ref() {
                        DeValue::Table(wt) => {
                            let wctx = "`weekday_intraday` of [volume]";
                            cx.check_keys(wt, &WEEKDAYS, wctx);
                            for (i, d) in WEEKDAYS.iter().enumerate() {
                                if let Some(dv) = wt.get(*d) {
                                    intraday_weekday[i] =
                                        intraday_value(cx, dv, &format!("`{d}` of {wctx}"));
                                }
                            }
                        }
                        other => cx.err(
                            format!(
                                "`weekday_intraday` in [volume] must be a table of profiles, not {}",
                                type_name(other)
                            ),
                            span_of(wv),
                            "write e.g. weekday_intraday = { fri = \"business-hours\" }",
                        ),
                    }
                }
                if let Some((c, _)) = cx.num(
                    t,
                    "day_cv",
                    ctx,
                    Bounds::new(0.0, false, 5.0),
                    "day_cv is the day-to-day variation of volume, e.g. 0.1 for ±10%",
                ) {
                    day_cv = c;
                }
                if let Some((g, _)) = cx.num(
                    t,
                    "growth_per_month",
                    ctx,
                    Bounds::new(-0.5, false, 1.0),
                    "growth_per_month is a share per month, e.g. 0.02 for +2% a month or -0.01 for a 1% decline",
                ) {
                    growth_per_month = g;
                }
            }
        }
    }

    // [channels.NAME]
    struct RawChannel {
        name: String,
        key_span: Range<usize>,
        kind: Option<ChannelKind>,
        share: Option<(f64, Range<usize>)>,
        handle_time: Option<Dist>,
        patience: Option<Dist>,
        after_call: Option<Dist>,
        touches: Option<(f64, Range<usize>)>,
        reply_delay: Option<Dist>,
        follow_up_handle: Option<Dist>,
        abandoned_work: Option<Dist>,
        answer_within: Option<f64>,
        target: Option<f64>,
        queue_capacity: Option<u32>,
        concurrency: u32,
        stretch: f64,
        intraday: Option<Vec<f64>>,
        wait_tolerance: Option<f64>,
        repeat_raw: Option<RepeatRaw>,
    }
    let mut channels: Vec<RawChannel> = Vec::new();
    let mut channels_span = whole.clone();
    match doc.get("channels") {
        None => cx.diags.push(
            Diagnostic::error("the scenario has no channels", Some(whole.clone())).help(
                "add a channel, e.g. [channels.phone] with kind = \"call\" and a handle_time",
            ),
        ),
        Some(v) => {
            channels_span = span_of(v);
            if let Some(t) = cx.table(v, "channels") {
                if t.is_empty() {
                    cx.err(
                        "[channels] has no channels",
                        span_of(v),
                        "add a channel, e.g. [channels.phone]",
                    );
                }
                for (key, cv) in t.iter() {
                    let cname: &str = key.get_ref();
                    let ctx = format!("[channels.{cname}]");
                    let Some(ct) = cx.table(cv, &format!("channels.{cname}")) else {
                        continue;
                    };
                    cx.check_keys(
                        ct,
                        &[
                            "kind",
                            "share",
                            "handle_time",
                            "patience",
                            "after_call_work",
                            "answer_within",
                            "service_level_target",
                            "queue_capacity",
                            "concurrency",
                            "concurrency_stretch",
                            "intraday",
                            "wait_tolerance",
                            "repeat_channels",
                            "touches",
                            "reply_delay",
                            "follow_up_handle_time",
                            "abandoned_work",
                        ],
                        &ctx,
                    );
                    let kind = match cx.string(ct, "kind", &ctx, "\"call\"") {
                        Some((k, span)) => match k {
                            "call" => Some(ChannelKind::Call),
                            "chat" => Some(ChannelKind::Chat),
                            "async" => Some(ChannelKind::Async),
                            other => {
                                cx.err(format!("unknown channel kind `{other}` in {ctx}"), span, "use \"call\" (phone), \"chat\" (live chat) or \"async\" (email, web form)");
                                None
                            }
                        },
                        None => {
                            if !ct.contains_key("kind") {
                                cx.err(
                                    format!("{ctx} needs `kind`"),
                                    key.span(),
                                    "add kind = \"call\", \"chat\" or \"async\"",
                                );
                            }
                            None
                        }
                    };
                    let share = cx.num(
                        ct,
                        "share",
                        &ctx,
                        Bounds::new(0.0, false, 1.0),
                        "a share is a fraction between 0 and 1",
                    );
                    let handle_time = cx.dist(ct, "handle_time", &ctx);
                    if !ct.contains_key("handle_time") {
                        cx.err(format!("{ctx} needs `handle_time`"), key.span(), "add e.g. handle_time = { dist = \"lognormal\", mean = \"6m\", cv = 0.8 }");
                    }
                    let patience = cx.dist(ct, "patience", &ctx);
                    let after_call = cx.dist(ct, "after_call_work", &ctx);
                    let touches = cx.num(
                        ct,
                        "touches",
                        &ctx,
                        Bounds::new(1.0, false, 50.0),
                        "touches is the mean number of agent answers a ticket needs, at least 1 (e.g. 1.8)",
                    );
                    let reply_delay = cx.dist(ct, "reply_delay", &ctx);
                    let follow_up_handle = cx.dist(ct, "follow_up_handle_time", &ctx);
                    let abandoned_work = cx.dist(ct, "abandoned_work", &ctx);
                    if let (Some(k), Some(v)) = (kind, ct.get("abandoned_work"))
                        && k != ChannelKind::Chat
                    {
                        cx.err(
                            format!("`abandoned_work` applies to chat channels only, and {ctx} is a {}", k.name()),
                            span_of(v),
                            "an abandoned call is gone at once; remove it, or make the channel kind = \"chat\"",
                        );
                    }
                    for key in ["touches", "reply_delay", "follow_up_handle_time"] {
                        if let (Some(k), Some(v)) = (kind, ct.get(key))
                            && k != ChannelKind::Async
                        {
                            cx.err(
                                format!("`{key}` applies to async channels only, and {ctx} is a {}", k.name()),
                                span_of(v),
                                "a call or chat ends when it is answered; remove it, or make the channel kind = \"async\"",
                            );
                        }
                    }
                    if let Some((n, span)) = &touches
                        && *n > 1.0
                        && !ct.contains_key("reply_delay")
                    {
                        cx.err(
                            format!("{ctx} has touches = {n} but no `reply_delay`"),
                            span.clone(),
                            "say how long customers take to reply between touches, e.g. reply_delay = { dist = \"lognormal\", mean = \"6h\", cv = 1.2 }",
                        );
                    }
                    if let (Some(ChannelKind::Async), Some(pv)) = (kind, ct.get("patience")) {
                        cx.err(format!("{ctx} is async: its contacts do not abandon, so `patience` has no meaning"), span_of(pv), "remove patience, or make the channel a \"call\" or \"chat\"");
                    }
                    let default_within = match kind {
                        Some(ChannelKind::Async) => "\"24h\"",
                        Some(ChannelKind::Chat) => "\"1m\"",
                        _ => "\"20s\"",
                    };
                    let answer_within = cx
                        .duration(ct, "answer_within", &ctx, default_within)
                        .map(|x| x.0);
                    let target = cx
                        .num(
                            ct,
                            "service_level_target",
                            &ctx,
                            Bounds::new(0.0, true, 1.0),
                            "a target is a share, e.g. 0.8 for 80%",
                        )
                        .map(|x| x.0);
                    let queue_capacity = cx
                        .int(
                            ct,
                            "queue_capacity",
                            &ctx,
                            0,
                            10_000_000,
                            "the number of waiting places; 0 means nobody can wait",
                        )
                        .map(|x| x.0 as u32);
                    if let (Some(ChannelKind::Async), Some(qv)) = (kind, ct.get("queue_capacity")) {
                        cx.err(
                            format!("{ctx} is async: its backlog has no capacity limit"),
                            span_of(qv),
                            "remove queue_capacity",
                        );
                    }
                    let concurrency = cx.int(
                        ct,
                        "concurrency",
                        &ctx,
                        1,
                        50,
                        "concurrency is the number of chats an agent holds at once, at least 1",
                    );
                    if let (Some(k), Some((_, span))) = (kind, &concurrency)
                        && k != ChannelKind::Chat
                    {
                        cx.err(
                            format!(
                                "`concurrency` applies to chat channels only, and {ctx} is a {}",
                                k.name()
                            ),
                            span.clone(),
                            "remove it, or make the channel kind = \"chat\"",
                        );
                    }
                    let stretch = cx
                        .num(
                            ct,
                            "concurrency_stretch",
                            &ctx,
                            Bounds::new(0.0, false, 10.0),
                            "the extra handle time per additional chat, e.g. 0.25 for +25%",
                        )
                        .map_or(0.25, |x| x.0);
                    let intraday = intraday(cx, ct, &ctx);
                    let wait_tolerance = cx
                        .duration(ct, "wait_tolerance", &ctx, "\"5m\"")
                        .map(|x| x.0);
                    let repeat_raw = ct.get("repeat_channels").and_then(|rv| match rv.get_ref() {
                        DeValue::Table(rt) => Some((
                            rt.iter()
                                .map(|(k, v)| {
                                    let x = cx.num_value(
                                        v,
                                        k.get_ref(),
                                        &format!("`repeat_channels` of {ctx}"),
                                        Bounds::new(0.0, false, 1.0),
                                        "a share is a fraction between 0 and 1",
                                    );
                                    (k.get_ref().to_string(), k.span(), x)
                                })
                                .collect::<Vec<_>>(),
                            span_of(rv),
                        )),
                        other => {
                            cx.err(
                                format!(
                                    "`repeat_channels` of {ctx} must be a table of shares, not {}",
                                    type_name(other)
                                ),
                                span_of(rv),
                                "write e.g. repeat_channels = { phone = 0.5, email = 0.5 }",
                            );
                            None
                        }
                    });
                    channels.push(RawChannel {
                        name: cname.to_string(),
                        key_span: key.span(),
                        kind,
                        share,
                        handle_time,
                        patience,
                        after_call,
                        touches,
                        reply_delay,
                        follow_up_handle,
                        abandoned_work,
                        answer_within,
                        target,
                        queue_capacity,
                        concurrency: concurrency.map_or(
                            if kind == Some(ChannelKind::Chat) {
                                3
                            } else {
                                1
                            },
                            |x| x.0 as u32,
                        ),
                        stretch,
                        intraday,
                        wait_tolerance,
                        repeat_raw,
                    });
                }
            }
        }
    }
    let channel_index = |name: &str| channels.iter().position(|c| c.name == name);
    let channel_names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
    let unknown_channel = |cx: &mut Cx, name: &str, span: Range<usize>, ctx: &str| {
        let best = channel_names
            .iter()
            .map(|a| (strsim::jaro_winkler(name, a), a))
            .max_by(|x, y| x.0.total_cmp(&y.0));
        let help = match best {
            Some((s, a)) if s > 0.7 => format!(
                "did you mean `{a}`? channels are: {}",
                channel_names.join(", ")
            ),
            _ => format!(
                "define it as [channels.{name}], or use one of: {}",
                channel_names.join(", ")
            ),
        };
        cx.err(
            format!("{ctx} names channel `{name}`, which is not defined"),
            span,
            help,
        );
    };

    // Channel shares.
    let nch = channels.len();
    let mut channel_share = vec![0.0; nch];
    let shares_given = channels.iter().filter(|c| c.share.is_some()).count();
    if nch == 1 {
        channel_share[0] = channels[0].share.as_ref().map_or(1.0, |s| s.0);
    } else if shares_given > 0 {
        let mut sum = 0.0;
        for (i, c) in channels.iter().enumerate() {
            match &c.share {
                Some((s, _)) => {
                    channel_share[i] = *s;
                    sum += s;
                }
                None => cx.err(
                    format!(
                        "[channels.{}] needs `share` because the other channels have one",
                        c.name
                    ),
                    c.key_span.clone(),
                    "give every channel the share of contacts it receives; they add up to 1",
                ),
            }
        }
        if shares_given == nch && (sum - 1.0).abs() > 1e-6 {
            let parts: Vec<String> = channels
                .iter()
                .filter_map(|c| c.share.as_ref().map(|s| format!("{} {}", c.name, s.0)))
                .collect();
            let at = channels
                .iter()
                .find_map(|c| c.share.as_ref().map(|s| s.1.clone()))
                .unwrap_or_else(|| channels_span.clone());
            cx.err(
                format!(
                    "the channel shares add up to {} ({}), not 1",
                    round6(sum),
                    parts.join(" + ")
                ),
                at,
                "shares are fractions of all contacts: make them add up to 1",
            );
        }
    }

    // [[topics]]
    let mut topics: Vec<Topic> = Vec::new();
    let mut topic_spans: Vec<Range<usize>> = Vec::new();
    let mut topics_have_mix = Vec::new();
    match doc.get("topics") {
        None => {
            topics.push(Topic {
                name: "all".into(),
                share: 1.0,
                priority: 1,
                skill: "all".into(),
                handle_time_factor: 1.0,
                handle_time: None,
                patience: None,
                channel_mix: channel_share.clone(),
                fcr: None,
                containment: f64::NAN,
                kb_deflection: f64::NAN,
                escalation: 0.0,
            });
            topic_spans.push(whole.clone());
            topics_have_mix.push(false);
        }
        Some(v) => match v.get_ref() {
            DeValue::Array(items) if !items.is_empty() => {
                let n = items.len();
                let mut share_sum = 0.0;
                let mut all_shares = true;
                let mut seen = BTreeSet::new();
                for (i, item) in items.iter().enumerate() {
                    let ctx0 = format!("topic {}", i + 1);
                    let Some(t) = cx.table(item, "[[topics]]") else {
                        continue;
                    };
                    let tname = cx
                        .string(t, "name", &ctx0, "\"billing\"")
                        .map(|x| x.0.to_string());
                    let ctx = tname
                        .as_ref()
                        .map_or(ctx0.clone(), |n| format!("topic `{n}`"));
                    cx.check_keys(
                        t,
                        &[
                            "name",
                            "share",
                            "priority",
                            "skill",
                            "handle_time_factor",
                            "handle_time",
                            "patience",
                            "channels",
                            "fcr",
                            "containment",
                            "kb_deflection",
                            "escalation",
                        ],
                        &ctx,
                    );
                    if tname.is_none() && !t.contains_key("name") {
                        cx.err(
                            format!("{ctx0} needs a `name`"),
                            span_of(item),
                            "add name = \"billing\" (the contact reason)",
                        );
                    }
                    if let Some(n) = &tname
                        && !seen.insert(n.clone())
                    {
                        cx.err(
                            format!("topic `{n}` is defined twice"),
                            span_of(item),
                            "give each topic its own name",
                        );
                    }
                    let share = cx.num(
                        t,
                        "share",
                        &ctx,
                        Bounds::new(0.0, false, 1.0),
                        "a share is a fraction of all contacts, between 0 and 1",
                    );
                    match &share {
                        Some((s, _)) => share_sum += s,
                        None => {
                            if !t.contains_key("share") && n > 1 {
                                cx.err(format!("{ctx} needs `share`"), span_of(item), "give the fraction of contacts about this topic, e.g. share = 0.25");
                            }
                            all_shares = false;
                        }
                    }
                    let priority = cx
                        .int(
                            t,
                            "priority",
                            &ctx,
                            1,
                            1000,
                            "priority 1 is the most urgent; 2, 3… come after",
                        )
                        .map_or(1, |x| x.0 as u32);
                    let skill = cx
                        .string(t, "skill", &ctx, "\"billing\"")
                        .map(|x| x.0.to_string());
                    let factor = cx
                        .num(
                            t,
                            "handle_time_factor",
                            &ctx,
                            Bounds::new(0.0, true, 100.0),
                            "1 is the channel's handle time; 1.5 is half as long again",
                        )
                        .map_or(1.0, |x| x.0);
                    let topic_handle = cx.dist(t, "handle_time", &ctx);
                    let topic_patience = cx.dist(t, "patience", &ctx);
                    if let (Some(a), Some(_)) = (t.get("handle_time_factor"), &topic_handle) {
                        cx.err(
                            format!("{ctx} has both `handle_time` and `handle_time_factor`"),
                            span_of(a),
                            "give the topic's own handle_time, or a factor on the channel's, not both",
                        );
                    }
                    let mut mix = channel_share.clone();
                    let mut has_mix = false;
                    if let Some(mv) = t.get("channels") {
                        match mv.get_ref() {
                            DeValue::Table(mt) => {
                                has_mix = true;
                                mix = vec![0.0; nch];
                                let mut sum = 0.0;
                                for (ck, cval) in mt.iter() {
                                    let cn: &str = ck.get_ref();
                                    let x = cx.num_value(
                                        cval,
                                        cn,
                                        &format!("`channels` of {ctx}"),
                                        Bounds::new(0.0, false, 1.0),
                                        "a share is a fraction between 0 and 1",
                                    );
                                    match channel_index(cn) {
                                        Some(ci) => {
                                            if let Some(x) = x {
                                                mix[ci] = x;
                                                sum += x;
                                            }
                                        }
                                        None => unknown_channel(
                                            cx,
                                            cn,
                                            ck.span(),
                                            &format!("`channels` of {ctx}"),
                                        ),
                                    }
                                }
                                if (sum - 1.0).abs() > 1e-6 && !mt.is_empty() {
                                    cx.err(
                                        format!("the channel shares of {ctx} add up to {}, not 1", round6(sum)),
                                        span_of(mv),
                                        "they are the fractions of this topic's contacts on each channel: make them add up to 1",
                                    );
                                }
                            }
                            other => cx.err(
                                format!(
                                    "`channels` of {ctx} must be a table of shares, not {}",
                                    type_name(other)
                                ),
                                span_of(mv),
                                "write e.g. channels = { phone = 0.7, email = 0.3 }",
                            ),
                        }
                    }
                    let unit = |cx: &mut Cx, key: &str, why: &str| {
                        cx.num(t, key, &ctx, Bounds::new(0.0, false, 1.0), why)
                            .map(|x| x.0)
                    };
                    let fcr = unit(
                        cx,
                        "fcr",
                        "first-contact resolution is a probability, e.g. fcr = 0.75",
                    );
                    // NaN marks "not given": filled from [automation] / [knowledge_base] below.
                    let containment = unit(
                        cx,
                        "containment",
                        "containment is the share the bot resolves, e.g. 0.3",
                    )
                    .unwrap_or(f64::NAN);
                    let kb_deflection = unit(
                        cx,
                        "kb_deflection",
                        "the share the knowledge base answers, e.g. 0.05",
                    )
                    .unwrap_or(f64::NAN);
                    let escalation = unit(
                        cx,
                        "escalation",
                        "the share of unresolved contacts sent to tier 2, e.g. 0.3",
                    )
                    .unwrap_or(0.0);
                    let name = tname.unwrap_or_else(|| format!("topic{}", i + 1));
                    topics.push(Topic {
                        skill: skill.unwrap_or_else(|| name.clone()),
                        name,
                        share: share.map_or(if n == 1 { 1.0 } else { 0.0 }, |s| s.0),
                        priority,
                        handle_time_factor: factor,
                        handle_time: topic_handle,
                        patience: topic_patience,
                        channel_mix: mix,
                        fcr,
                        containment,
                        kb_deflection,
                        escalation,
                    });
                    topic_spans.push(span_of(item));
                    topics_have_mix.push(has_mix);
                }
                if all_shares && (share_sum - 1.0).abs() > 1e-6 {
                    cx.err(
                        format!("the topic shares add up to {}, not 1", round6(share_sum)),
                        span_of(v),
                        "shares are fractions of all contacts: make them add up to 1",
                    );
                }
            }
            DeValue::Array(_) => cx.err(
                "`topics` is empty",
                span_of(v),
                "remove it for a single topic, or add [[topics]] entries",
            ),
            other => cx.err(
                format!(
                    "`topics` must be a list of [[topics]] entries, not {}",
                    type_name(other)
                ),
                span_of(v),
                "write each topic as a [[topics]] section with name and share",
            ),
        },
    }
    // Without channel shares, a topic without its own mix has no channel to go to.
    if nch > 1 && shares_given == 0 {
        for (i, has) in topics_have_mix.iter().enumerate() {
            if !has {
                cx.err(
                    format!("with {nch} channels, say how contacts split between them"),
                    if topic_spans[i].is_empty() { channels_span.clone() } else { topic_spans[i].clone() },
                    "give each channel a share (e.g. share = 0.6), or each topic its own channels = { … }",
                );
                break;
            }
        }
    }
    let skill_names: BTreeSet<String> = topics.iter().map(|t| t.skill.clone()).collect();

    // [[agents]]
    let mut groups: Vec<Group> = Vec::new();
    let mut group_spans: Vec<Range<usize>> = Vec::new();
    match doc.get("agents") {
        None => cx.diags.push(
            Diagnostic::error("the scenario has no agents", Some(whole.clone()))
                .help("add an [[agents]] group with name, count and channels"),
        ),
        Some(v) => {
            match v.get_ref() {
                DeValue::Array(items) if !items.is_empty() => {
                    let mut seen = BTreeSet::new();
                    for (i, item) in items.iter().enumerate() {
                        let ctx0 = format!("agent group {}", i + 1);
                        let Some(t) = cx.table(item, "[[agents]]") else {
                            continue;
                        };
                        let gname = cx
                            .string(t, "name", &ctx0, "\"tier1\"")
                            .map(|x| x.0.to_string());
                        let ctx = gname
                            .as_ref()
                            .map_or(ctx0.clone(), |n| format!("agent group `{n}`"));
                        cx.check_keys(
                            t,
                            &[
                                "name",
                                "count",
                                "channels",
                                "skills",
                                "concurrency",
                                "shifts",
                                "planned_shrinkage",
                                "absence",
                                "tier",
                                "cost_per_hour",
                                "cost_basis",
                            ],
                            &ctx,
                        );
                        if gname.is_none() && !t.contains_key("name") {
                            cx.err(
                                format!("{ctx0} needs a `name`"),
                                span_of(item),
                                "add name = \"tier1\"",
                            );
                        }
                        if let Some(n) = &gname
                            && !seen.insert(n.clone())
                        {
                            cx.err(
                                format!("agent group `{n}` is defined twice"),
                                span_of(item),
                                "give each group its own name",
                            );
                        }
                        let count = cx.int(
                            t,
                            "count",
                            &ctx,
                            1,
                            1_000_000,
                            "a group needs agents: give at least 1, or remove the group",
                        );
                        let mut chans = vec![false; nch];
                        match t.get("channels") {
                        None => cx.err(format!("{ctx} needs `channels`"), span_of(item), format!("list the channels it works, e.g. channels = [\"{}\"]", channel_names.first().map_or("phone", |s| s.as_str()))),
                        Some(cv) => match cv.get_ref() {
                            DeValue::Array(list) => {
                                if list.is_empty() {
                                    cx.err(format!("{ctx} works no channel"), span_of(cv), "list at least one channel");
                                }
                                for c in list.iter() {
                                    if let Some(cn) = cx.string_value(c, "channels", &ctx, "[\"phone\"]") {
                                        match channel_index(cn) {
                                            Some(ci) => chans[ci] = true,
                                            None => unknown_channel(cx, cn, span_of(c), &ctx),
                                        }
                                    }
                                }
                            }
                            other => cx.err(
                                format!("`channels` of {ctx} must be a list of channel names, not {}", type_name(other)),
                                span_of(cv),
                                "write e.g. channels = [\"phone\", \"email\"]",
                            ),
                        },
                    }
                        let mut prof: Vec<Option<f64>> = vec![Some(1.0); topics.len()];
                        if let Some(sv) = t.get("skills") {
                            match sv.get_ref() {
                            DeValue::Table(st) => {
                                prof = vec![None; topics.len()];
                                for (sk, sval) in st.iter() {
                                    let sn: &str = sk.get_ref();
                                    let p = cx.num_value(sval, sn, &format!("`skills` of {ctx}"), Bounds::new(0.0, true, 2.0), "proficiency 1 is fully trained; 0.5 takes twice as long");
                                    if !skill_names.contains(sn) {
                                        let best = skill_names
                                            .iter()
                                            .map(|a| (strsim::jaro_winkler(sn, a), a))
                                            .max_by(|x, y| x.0.total_cmp(&y.0));
                                        let names: Vec<&str> = skill_names.iter().map(|s| s.as_str()).collect();
                                        let help = match best {
                                            Some((s, a)) if s > 0.7 => format!("did you mean `{a}`? skills used by topics are: {}", names.join(", ")),
                                            _ => format!("skills used by topics are: {}", names.join(", ")),
                                        };
                                        cx.err(format!("{ctx} has skill `{sn}`, which no topic needs"), sk.span(), help);
                                    }
                                    for (ti, topic) in topics.iter().enumerate() {
                                        if topic.skill == sn {
                                            prof[ti] = p;
                                        }
                                    }
                                }
                            }
                            other => cx.err(
                                format!("`skills` of {ctx} must be a table of proficiencies, not {}", type_name(other)),
                                span_of(sv),
                                "write e.g. skills = { billing = 1.0, technical = 0.7 }",
                            ),
                        }
                        }
                        let concurrency = cx.int(t, "concurrency", &ctx, 1, 50, "concurrency is the number of chats an agent holds at once, at least 1").map(|x| x.0 as u32);
                        let chat_conc = channels
                            .iter()
                            .zip(&chans)
                            .filter(|(c, on)| **on && c.kind == Some(ChannelKind::Chat))
                            .map(|(c, _)| c.concurrency)
                            .max();
                        let planned = cx
                            .num(
                                t,
                                "planned_shrinkage",
                                &ctx,
                                Bounds::new(0.0, false, 0.95),
                                "the share of scheduled time off the phones, e.g. 0.15 for 15%",
                            )
                            .map_or(0.0, |x| x.0);
                        let absence = cx
                            .num(
                                t,
                                "absence",
                                &ctx,
                                Bounds::new(0.0, false, 0.95),
                                "the chance an agent is absent on a scheduled day, e.g. 0.05",
                            )
                            .map_or(0.0, |x| x.0);
                        let tier = cx
                            .int(
                                t,
                                "tier",
                                &ctx,
                                1,
                                2,
                                "tier 1 takes new contacts; tier 2 takes what tier 1 escalates",
                            )
                            .map_or(1, |x| x.0 as u8);
                        let cost_per_hour = cx
                            .num(
                                t,
                                "cost_per_hour",
                                &ctx,
                                Bounds::new(0.0, false, 1e6),
                                "the cost of an agent-hour on shift, e.g. 32",
                            )
                            .map_or(0.0, |x| x.0);
                        let billed_by_handle_time = match cx.string(
                            t,
                            "cost_basis",
                            &ctx,
                            "\"scheduled\"",
                        ) {
                            None | Some(("scheduled", _)) => false,
                            Some(("handled", _)) => true,
                            Some((other, span)) => {
                                cx.err(
                                    format!("unknown cost basis `{other}` in {ctx}"),
                                    span,
                                    "use \"scheduled\" (paid for every hour on shift) or \"handled\" (paid for time on contacts, as outsourcers often bill)",
                                );
                                false
                            }
                        };
                        let mut shifts = Vec::new();
                        if let Some(sv) = t.get("shifts") {
                            match sv.get_ref() {
                            DeValue::Array(list) if !list.is_empty() => {
                                for (si, s) in list.iter().enumerate() {
                                    let sctx = format!("shift {} of {ctx}", si + 1);
                                    if let Some(shift) = parse_shift(cx, s, &sctx, count.as_ref().map(|c| c.0 as u32)) {
                                        shifts.push(shift);
                                    }
                                }
                            }
                            DeValue::Array(_) => cx.err(format!("`shifts` of {ctx} is empty"), span_of(sv), "remove it for agents working around the clock, or add shifts"),
                            other => cx.err(
                                format!("`shifts` of {ctx} must be a list of shifts, not {}", type_name(other)),
                                span_of(sv),
                                "write e.g. shifts = [{ days = \"weekdays\", start = \"08:00\", end = \"16:30\", count = 5 }]",
                            ),
                        }
                        } else if count.is_none() && !t.contains_key("count") {
                            cx.err(
                                format!("{ctx} needs `count`"),
                                span_of(item),
                                "give the number of agents, e.g. count = 10",
                            );
                        }
                        groups.push(Group {
                            name: gname.unwrap_or_else(|| format!("group{}", i + 1)),
                            channels: chans,
                            proficiency: prof,
                            concurrency: concurrency.or(chat_conc).unwrap_or(1),
                            around_the_clock: if t.contains_key("shifts") {
                                0
                            } else {
                                count.map_or(0, |c| c.0 as u32)
                            },
                            shifts,
                            planned_shrinkage: planned,
                            absence,
                            tier,
                            cost_per_hour,
                            billed_by_handle_time,
                        });
                        group_spans.push(span_of(item));
                    }
                }
                DeValue::Array(_) => cx.err(
                    "`agents` is empty",
                    span_of(v),
                    "add at least one [[agents]] group",
                ),
                other => cx.err(
                    format!(
                        "`agents` must be a list of [[agents]] groups, not {}",
                        type_name(other)
                    ),
                    span_of(v),
                    "write each group as an [[agents]] section with name, count and channels",
                ),
            }
        }
    }

    let automation = parse_automation(cx, doc, &channel_names);
    let knowledge_base = parse_knowledge_base(cx, doc);
    let resolution = parse_resolution(cx, doc);
    let csat = parse_csat(cx, doc);
    let customers = parse_customers(cx, doc);
    // Repeat channels, now that every channel is known.
    let mut repeat_mixes = Vec::with_capacity(nch);
    for (ci, c) in channels.iter().enumerate() {
        let mut mix = vec![0.0; nch];
        match &c.repeat_raw {
            None => mix[ci] = 1.0,
            Some((entries, span)) => {
                let mut sum = 0.0;
                for (name, nspan, x) in entries {
                    match channel_index(name) {
                        Some(j) => {
                            if let Some(x) = x {
                                mix[j] = *x;
                                sum += x;
                            }
                        }
                        None => unknown_channel(
                            cx,
                            name,
                            nspan.clone(),
                            &format!("`repeat_channels` of [channels.{}]", c.name),
                        ),
                    }
                }
                if (sum - 1.0).abs() > 1e-6 {
                    cx.err(
                        format!("the repeat channels of [channels.{}] add up to {}, not 1", c.name, round6(sum)),
                        span.clone(),
                        "they are the fractions of repeat contacts coming back on each channel: make them add up to 1",
                    );
                }
            }
        }
        repeat_mixes.push(mix);
    }
    if cx.has_errors() {
        return None;
    }
    let days = days?.0 as u32;
    let per_day = match &customers {
        Some((c, Some(cpm))) => {
            let mean_weight = weekday.iter().sum::<f64>() / 7.0;
            if mean_weight > 0.0 {
                c.active * cpm / crate::model::MONTH_DAYS / mean_weight
            } else {
                0.0
            }
        }
        _ => per_day?.0,
    };
    let customers = customers.map(|c| c.0);
    let (default_containment, bot_channels) = match &automation {
        Some((a, containment)) => (*containment, Some(a.channels.clone())),
        None => (0.0, None),
    };
    let default_kb = knowledge_base.as_ref().map_or(0.0, |k| k.1);
    for t in &mut topics {
        if t.containment.is_nan() {
            t.containment = default_containment;
        }
        if t.kb_deflection.is_nan() {
            t.kb_deflection = default_kb;
        }
    }
    let _ = bot_channels;

    let mut model_channels = Vec::with_capacity(nch);
    for (i, c) in channels.into_iter().enumerate() {
        let kind = c.kind?;
        let within = c.answer_within.unwrap_or(match kind {
            ChannelKind::Call => 20.0,
            ChannelKind::Chat => 60.0,
            ChannelKind::Async => DAY,
        });
        model_channels.push((
            Channel {
                name: c.name,
                kind,
                share: channel_share[i],
                handle_time: c.handle_time?,
                patience: c.patience,
                after_call: c.after_call,
                answer_within: within,
                service_level_target: c.target,
                queue_capacity: c.queue_capacity,
                concurrency: if kind == ChannelKind::Chat {
                    c.concurrency
                } else {
                    1
                },
                concurrency_stretch: c.stretch,
                intraday: match c.intraday {
                    Some(own) => week_profile(&Default::default(), &own),
                    None => week_profile(&intraday_weekday, &intraday_default),
                },
                wait_tolerance: c.wait_tolerance.unwrap_or(match kind {
                    ChannelKind::Call => 240.0,
                    ChannelKind::Chat => 300.0,
                    ChannelKind::Async => DAY,
                }),
                repeat_mix: repeat_mixes[i].clone(),
                touches: c.touches.map_or(1.0, |x| x.0),
                reply_delay: c.reply_delay,
                follow_up_handle: c.follow_up_handle,
                abandoned_work: c.abandoned_work,
            },
            c.key_span,
        ));
    }

    // Coverage: every (topic, channel) that receives contacts has a group to serve it.
    for (ti, topic) in topics.iter().enumerate() {
        for (ci, (ch, cspan)) in model_channels.iter().enumerate() {
            if topic.channel_mix[ci] * topic.share <= 0.0 {
                continue;
            }
            let served = groups
                .iter()
                .any(|g| g.tier == 1 && g.channels[ci] && g.proficiency[ti].is_some());
            if !served {
                let span = if topic_spans[ti].is_empty() {
                    cspan.clone()
                } else {
                    topic_spans[ti].clone()
                };
                let what = if topics.len() == 1 {
                    format!("channel `{}`", ch.name)
                } else {
                    format!("topic `{}` on channel `{}`", topic.name, ch.name)
                };
                cx.err(
                    format!("no agent group can serve {what}"),
                    span,
                    format!("add `{}` to the channels of a group that has skill `{}`, or give this channel a share of 0", ch.name, topic.skill),
                );
            }
        }
    }
    let has_tier2 = groups.iter().any(|g| g.tier == 2);
    for (ti, topic) in topics.iter().enumerate() {
        if topic.escalation <= 0.0 {
            continue;
        }
        let span = if topic_spans[ti].is_empty() {
            whole.clone()
        } else {
            topic_spans[ti].clone()
        };
        if !has_tier2 {
            cx.err(
                format!(
                    "topic `{}` escalates to tier 2, but no agent group has tier = 2",
                    topic.name
                ),
                span,
                "add tier = 2 to the group that takes escalations, or remove `escalation`",
            );
            continue;
        }
        for (ci, (ch, _)) in model_channels.iter().enumerate() {
            if topic.channel_mix[ci] * topic.share > 0.0
                && !groups
                    .iter()
                    .any(|g| g.tier == 2 && g.channels[ci] && g.proficiency[ti].is_some())
            {
                cx.err(
                    format!("topic `{}` escalates to tier 2, but no tier-2 group serves it on channel `{}`", topic.name, ch.name),
                    span.clone(),
                    format!("add `{}` and skill `{}` to a tier-2 group", ch.name, topic.skill),
                );
            }
        }
    }
    for (gi, g) in groups.iter().enumerate() {
        if g.tier == 2 && !topics.iter().any(|t| t.escalation > 0.0) {
            cx.warn(
                format!("agent group `{}` is tier 2 but no topic escalates: it will receive no contacts", g.name),
                group_spans[gi].clone(),
                "give topics an escalation share, e.g. escalation = 0.3",
            );
        }
        if g.headcount() == 0 && g.shifts.is_empty() {
            cx.err(
                format!("agent group `{}` has no agents", g.name),
                group_spans[gi].clone(),
                "give it count = 1 or more",
            );
        }
    }
    if cx.has_errors() {
        return None;
    }

    let channel_names: Vec<String> = model_channels.iter().map(|(c, _)| c.name.clone()).collect();
    let topic_names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    let surges = parse_surges(cx, doc, &channel_names, &topic_names, days);
    if cx.has_errors() {
        return None;
    }

    let mut model_ch = Vec::new();
    let mut spans = Vec::new();
    for (mut c, span) in model_channels {
        // The share of all contacts that arrive on this channel, over every topic.
        let ci = model_ch.len();
        c.share = topics.iter().map(|t| t.share * t.channel_mix[ci]).sum();
        model_ch.push(c);
        spans.push(span);
    }
    let model = Model {
        name,
        days,
        warmup_days,
        interval,
        replications,
        seed,
        demand: Demand {
            per_day,
            weekday,
            day_cv,
            start_weekday,
            growth_per_month,
        },
        channels: model_ch,
        topics,
        groups,
        automation: automation.map(|a| a.0),
        knowledge_base: knowledge_base.map(|k| k.0),
        resolution,
        csat,
        customers,
        trace: None,
        surges,
    };
    load_warnings(cx, &model, &spans);
    Some(model)
}

/// `[[surges]]`: stretches of unusual demand on given days.
fn parse_surges(
    cx: &mut Cx,
    doc: &Table<'_>,
    channel_names: &[String],
    topic_names: &[String],
    days: u32,
) -> Vec<Surge> {
    let Some(v) = doc.get("surges") else {
        return Vec::new();
    };
    let example =
        "[[surges]]\nname = \"outage\"\nday = 10\nstart = \"09:00\"\nduration = \"3h\"\nfactor = 3";
    let DeValue::Array(list) = v.get_ref() else {
        cx.err(
            format!(
                "`surges` must be a list of [[surges]] tables, not {}",
                type_name(v.get_ref())
            ),
            span_of(v),
            format!("write each surge as its own table:\n{example}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let ctx = format!("surge {} in [[surges]]", i + 1);
        let DeValue::Table(t) = item.get_ref() else {
            cx.err(
                format!("{ctx} must be a table, not {}", type_name(item.get_ref())),
                span_of(item),
                format!("write e.g.\n{example}"),
            );
            continue;
        };
        cx.check_keys(
            t,
            &[
                "name", "day", "start", "duration", "factor", "topic", "channels",
            ],
            &ctx,
        );
        let name = cx
            .string(t, "name", &ctx, "\"outage\"")
            .map_or_else(|| format!("surge {}", i + 1), |(s, _)| s.to_string());
        let ctx = format!("surge `{name}`");
        for key in ["day", "factor", "duration"] {
            if !t.contains_key(key) {
                cx.err(
                    format!("{ctx} needs `{key}`"),
                    span_of(item),
                    format!("a surge says when and how much, e.g.\n{example}"),
                );
            }
        }
        let day = cx.int(
            t,
            "day",
            &ctx,
            0,
            36_600,
            "days count from 0, the first simulated day",
        );
        if let Some((d, span)) = &day
            && *d >= i64::from(days)
        {
            cx.err(
                format!(
                    "{ctx} is on day {d}, but the run simulates days 0 to {}",
                    days - 1
                ),
                span.clone(),
                "days count from 0; move the surge into the horizon or simulate more days",
            );
        }
        let start = match cx.string(t, "start", &ctx, "\"09:00\"") {
            None => Some(0.0),
            Some((s, span)) => match parse_time_of_day(s) {
                Ok(x) if x < DAY => Some(x),
                Ok(_) => {
                    cx.err(
                        format!("`start` of {ctx} must be before 24:00"),
                        span,
                        "a surge starts at a time of day, e.g. start = \"09:00\"",
                    );
                    None
                }
                Err(msg) => {
                    cx.err(
                        format!("`start` of {ctx}: {msg}"),
                        span,
                        "e.g. start = \"09:00\"",
                    );
                    None
                }
            },
        };
        let duration = cx.duration(t, "duration", &ctx, "\"3h\"").map(|(d, _)| d);
        let factor = cx.num(
            t,
            "factor",
            &ctx,
            Bounds::new(0.0, false, 1000.0),
            "factor multiplies the volume it concerns: 3 triples it, 0.5 halves it, 0 stops it",
        );
        if let Some((f, span)) = &factor
            && *f == 1.0
        {
            cx.warn(
                format!("{ctx} has factor 1 and changes nothing"),
                span.clone(),
                "use e.g. factor = 3 for an outage that triples contacts, or 0.5 for a quiet spell",
            );
        }
        let topic = match cx.string(t, "topic", &ctx, "\"billing\"") {
            None => Some(None),
            Some((s, span)) => match topic_names.iter().position(|n| n == s) {
                Some(ti) => Some(Some(TopicId(ti as u32))),
                None => {
                    cx.err(
                        format!("{ctx} names topic `{s}`, which is not defined"),
                        span,
                        format!("use one of: {}", topic_names.join(", ")),
                    );
                    None
                }
            },
        };
        let mut channels = vec![true; channel_names.len()];
        if let Some(cv) = t.get("channels") {
            channels = vec![false; channel_names.len()];
            match cv.get_ref() {
                DeValue::Array(names) if !names.is_empty() => {
                    for c in names.iter() {
                        if let Some(n) = cx.string_value(c, "channels", &ctx, "[\"phone\"]") {
                            match channel_names.iter().position(|x| x == n) {
                                Some(ci) => channels[ci] = true,
                                None => cx.err(
                                    format!("{ctx} names channel `{n}`, which is not defined"),
                                    span_of(c),
                                    format!("use one of: {}", channel_names.join(", ")),
                                ),
                            }
                        }
                    }
                }
                other => cx.err(
                    format!(
                        "`channels` of {ctx} must be a non-empty list of channel names, not {}",
                        type_name(other)
                    ),
                    span_of(cv),
                    "write e.g. channels = [\"phone\"], or leave it out for every channel",
                ),
            }
        }
        if let (Some((d, _)), Some(start), Some(duration), Some((factor, _)), Some(topic)) =
            (day, start, duration, factor, topic)
        {
            let start = d as f64 * DAY + start;
            out.push(Surge {
                name,
                start,
                end: start + duration,
                factor,
                topic,
                channels,
            });
        }
    }
    out
}

/// `[automation]`: the bot and the default containment of topics.
fn parse_automation(
    cx: &mut Cx,
    doc: &Table<'_>,
    channel_names: &[String],
) -> Option<(Automation, f64)> {
    let v = doc.get("automation")?;
    let t = cx.table(v, "automation")?;
    let ctx = "[automation]";
    cx.check_keys(
        t,
        &[
            "channels",
            "containment",
            "bot_time",
            "false_containment",
            "escalation_handle_time_factor",
            "escalation_patience_factor",
            "cost_per_conversation",
            "monthly_cost",
            "ramp",
        ],
        ctx,
    );
    let mut chans = vec![false; channel_names.len()];
    match t.get("channels") {
        None => cx.err(
            "[automation] needs `channels`",
            span_of(v),
            "list the channels the bot answers first, e.g. channels = [\"chat\"]",
        ),
        Some(cv) => match cv.get_ref() {
            DeValue::Array(list) => {
                for c in list.iter() {
                    if let Some(name) = cx.string_value(c, "channels", ctx, "[\"chat\"]") {
                        match channel_names.iter().position(|n| n == name) {
                            Some(i) => chans[i] = true,
                            None => cx.err(
                                format!(
                                    "[automation] names channel `{name}`, which is not defined"
                                ),
                                span_of(c),
                                format!("use one of: {}", channel_names.join(", ")),
                            ),
                        }
                    }
                }
            }
            other => cx.err(
                format!(
                    "`channels` of [automation] must be a list of channel names, not {}",
                    type_name(other)
                ),
                span_of(cv),
                "write e.g. channels = [\"chat\"]",
            ),
        },
    }
    let unit = |cx: &mut Cx, key: &str, why: &str| {
        cx.num(t, key, ctx, Bounds::new(0.0, false, 1.0), why)
            .map(|x| x.0)
    };
    let containment = unit(
        cx,
        "containment",
        "containment is the share of conversations the bot resolves, e.g. 0.3",
    )
    .unwrap_or(0.0);
    let false_containment = unit(
        cx,
        "false_containment",
        "the share of contained conversations that were not really resolved, e.g. 0.1",
    )
    .unwrap_or(0.0);
    let factor = |cx: &mut Cx, key: &str, why: &str| {
        cx.num(t, key, ctx, Bounds::new(0.0, true, 100.0), why)
            .map(|x| x.0)
    };
    let handle_time_factor = factor(
        cx,
        "escalation_handle_time_factor",
        "1 keeps the channel's handle time; 1.2 makes escalations 20% longer",
    )
    .unwrap_or(1.0);
    let patience_factor = factor(
        cx,
        "escalation_patience_factor",
        "1 keeps the channel's patience; 0.7 makes escalated customers 30% less patient",
    )
    .unwrap_or(1.0);
    let money = |cx: &mut Cx, key: &str| {
        cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1e12),
            "a cost cannot be negative",
        )
        .map(|x| x.0)
    };
    let cost_per_conversation = money(cx, "cost_per_conversation").unwrap_or(0.0);
    let monthly_cost = money(cx, "monthly_cost").unwrap_or(0.0);
    let bot_time = cx
        .dist(t, "bot_time", ctx)
        .or_else(|| Dist::new(Family::Exponential, 90.0, 1.0));
    let ramp = match t.get("ramp") {
        None => None,
        Some(rv) => match rv.get_ref() {
            DeValue::Table(rt) => {
                let rctx = "`ramp` of [automation]";
                cx.check_keys(rt, &["start_day", "end_day", "from"], rctx);
                let start = cx.num(
                    rt,
                    "start_day",
                    rctx,
                    Bounds::new(0.0, false, 36_600.0),
                    "the day the rollout starts, e.g. 0",
                );
                let end = cx.num(
                    rt,
                    "end_day",
                    rctx,
                    Bounds::new(0.0, false, 36_600.0),
                    "the day containment reaches its full level, e.g. 90",
                );
                let from = cx
                    .num(
                        rt,
                        "from",
                        rctx,
                        Bounds::new(0.0, false, 1.0),
                        "the share of full containment at the start, e.g. 0",
                    )
                    .map_or(0.0, |x| x.0);
                match (start, end) {
                    (Some((s, _)), Some((e, espan))) => {
                        if e <= s {
                            cx.err(
                                "the ramp must end after it starts",
                                espan,
                                "give an end_day later than start_day",
                            );
                            None
                        } else {
                            Some(Ramp {
                                start: s * DAY,
                                end: e * DAY,
                                from,
                            })
                        }
                    }
                    _ => {
                        if !rt.contains_key("start_day") || !rt.contains_key("end_day") {
                            cx.err(
                                format!("{rctx} needs `start_day` and `end_day`"),
                                span_of(rv),
                                "write e.g. ramp = { start_day = 0, end_day = 90, from = 0 }",
                            );
                        }
                        None
                    }
                }
            }
            other => {
                cx.err(
                    format!(
                        "`ramp` of [automation] must be a table, not {}",
                        type_name(other)
                    ),
                    span_of(rv),
                    "write e.g. ramp = { start_day = 0, end_day = 90, from = 0 }",
                );
                None
            }
        },
    };
    Some((
        Automation {
            channels: chans,
            bot_time: bot_time?,
            false_containment,
            handle_time_factor,
            patience_factor,
            cost_per_conversation,
            monthly_cost,
            ramp,
        },
        containment,
    ))
}

/// `[knowledge_base]`: its cost and the default deflection of topics.
fn parse_knowledge_base(cx: &mut Cx, doc: &Table<'_>) -> Option<(KnowledgeBase, f64)> {
    let v = doc.get("knowledge_base")?;
    let t = cx.table(v, "knowledge_base")?;
    let ctx = "[knowledge_base]";
    cx.check_keys(t, &["deflection", "monthly_cost"], ctx);
    let deflection = cx
        .num(
            t,
            "deflection",
            ctx,
            Bounds::new(0.0, false, 1.0),
            "the share of would-be contacts the knowledge base answers, e.g. 0.05",
        )
        .map_or(0.0, |x| x.0);
    let monthly_cost = cx
        .num(
            t,
            "monthly_cost",
            ctx,
            Bounds::new(0.0, false, 1e12),
            "a cost cannot be negative",
        )
        .map_or(0.0, |x| x.0);
    Some((KnowledgeBase { monthly_cost }, deflection))
}

/// `[resolution]`: repeats of unresolved contacts and retries after abandoning.
fn parse_resolution(cx: &mut Cx, doc: &Table<'_>) -> Resolution {
    let mut r = Resolution {
        repeat_share: 1.0,
        repeat_delay: Dist::new(Family::Lognormal, DAY, 1.0).unwrap_or(Dist::Fixed { value: DAY }),
        retry_share: 0.0,
        retry_delay: Dist::Exponential { mean: 900.0 },
        max_attempts: 4,
    };
    let Some(v) = doc.get("resolution") else {
        return r;
    };
    let Some(t) = cx.table(v, "resolution") else {
        return r;
    };
    let ctx = "[resolution]";
    cx.check_keys(
        t,
        &[
            "repeat_share",
            "repeat_delay",
            "retry_share",
            "retry_delay",
            "max_attempts",
        ],
        ctx,
    );
    if let Some((x, _)) = cx.num(
        t,
        "repeat_share",
        ctx,
        Bounds::new(0.0, false, 1.0),
        "the share of unresolved customers who come back, e.g. 0.8",
    ) {
        r.repeat_share = x;
    }
    if let Some(d) = cx.dist(t, "repeat_delay", ctx) {
        r.repeat_delay = d;
    }
    if let Some((x, _)) = cx.num(
        t,
        "retry_share",
        ctx,
        Bounds::new(0.0, false, 1.0),
        "the share of abandoned or blocked customers who try again, e.g. 0.5",
    ) {
        r.retry_share = x;
    }
    if let Some(d) = cx.dist(t, "retry_delay", ctx) {
        r.retry_delay = d;
    }
    if let Some((x, _)) = cx.int(
        t,
        "max_attempts",
        ctx,
        1,
        20,
        "the most contacts about one issue, first included, e.g. 4",
    ) {
        r.max_attempts = x as u32;
    }
    r
}

/// `[csat]`: the satisfaction model's parameters.
fn parse_csat(cx: &mut Cx, doc: &Table<'_>) -> WaitCsat {
    let mut m = WaitCsat::default();
    let Some(v) = doc.get("csat") else { return m };
    let Some(t) = cx.table(v, "csat") else {
        return m;
    };
    let ctx = "[csat]";
    cx.check_keys(
        t,
        &[
            "base",
            "steepness",
            "floor",
            "unresolved_factor",
            "failed_bot_factor",
            "repeat_factor",
            "bot_contained",
            "survey_response",
        ],
        ctx,
    );
    let unit = |cx: &mut Cx, key: &str, slot: &mut f64| {
        if let Some((x, _)) = cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1.0),
            "a probability or factor between 0 and 1",
        ) {
            *slot = x;
        }
    };
    unit(cx, "base", &mut m.base);
    unit(cx, "floor", &mut m.floor);
    unit(cx, "unresolved_factor", &mut m.unresolved_factor);
    unit(cx, "failed_bot_factor", &mut m.failed_bot_factor);
    unit(cx, "repeat_factor", &mut m.repeat_factor);
    unit(cx, "bot_contained", &mut m.bot_contained);
    unit(cx, "survey_response", &mut m.survey_response);
    if let Some((x, _)) = cx.num(
        t,
        "steepness",
        ctx,
        Bounds::new(0.0, true, 50.0),
        "how sharply satisfaction drops around the tolerance, e.g. 3",
    ) {
        m.steepness = x;
    }
    m
}

/// `[customers]`: the customer base, with contacts per customer per month if given.
fn parse_customers(cx: &mut Cx, doc: &Table<'_>) -> Option<(Customers, Option<f64>)> {
    let v = doc.get("customers")?;
    let t = cx.table(v, "customers")?;
    let ctx = "[customers]";
    cx.check_keys(
        t,
        &[
            "active",
            "contacts_per_month",
            "acquisitions_per_month",
            "revenue_per_month",
            "lifetime_months",
            "baseline_churn_per_month",
            "churn_if_dissatisfied",
            "churn_if_unresolved",
            "churn_if_abandoned",
            "churn_if_ignored",
        ],
        ctx,
    );
    let active = cx.num(
        t,
        "active",
        ctx,
        Bounds::new(0.0, true, 1e10),
        "the number of active customers at the start, e.g. 50000",
    );
    if active.is_none() && !t.contains_key("active") {
        cx.err(
            "[customers] needs `active`",
            span_of(v),
            "give the number of active customers at the start, e.g. active = 50000",
        );
    }
    let cpm = cx
        .num(
            t,
            "contacts_per_month",
            ctx,
            Bounds::new(0.0, true, 1000.0),
            "contacts per customer per month, e.g. 0.1",
        )
        .map(|x| x.0);
    let pos = |cx: &mut Cx, key: &str, default: f64| {
        cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1e12),
            "cannot be negative",
        )
        .map_or(default, |x| x.0)
    };
    let acquisitions_per_month = pos(cx, "acquisitions_per_month", 0.0);
    let revenue_per_month = pos(cx, "revenue_per_month", 0.0);
    let lifetime_months = pos(cx, "lifetime_months", 24.0);
    let prob = |cx: &mut Cx, key: &str, default: f64| {
        cx.num(
            t,
            key,
            ctx,
            Bounds::new(0.0, false, 1.0),
            "a probability between 0 and 1",
        )
        .map_or(default, |x| x.0)
    };
    let baseline = prob(cx, "baseline_churn_per_month", 0.0);
    let d = crate::experience::BadExperienceChurn::default();
    let churn = crate::experience::BadExperienceChurn {
        if_dissatisfied: prob(cx, "churn_if_dissatisfied", d.if_dissatisfied),
        if_unresolved: prob(cx, "churn_if_unresolved", d.if_unresolved),
        if_abandoned: prob(cx, "churn_if_abandoned", d.if_abandoned),
        if_ignored: prob(cx, "churn_if_ignored", d.if_ignored),
    };
    Some((
        Customers {
            active: active?.0,
            acquisitions_per_month,
            revenue_per_month,
            lifetime_months,
            baseline_churn_per_month: baseline,
            churn,
        },
        cpm,
    ))
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn parse_shift(cx: &mut Cx, v: &Value<'_>, ctx: &str, group_count: Option<u32>) -> Option<Shift> {
    let DeValue::Table(t) = v.get_ref() else {
        cx.err(
            format!("{ctx} must be a table, not {}", type_name(v.get_ref())),
            span_of(v),
            "write e.g. { days = \"weekdays\", start = \"08:00\", end = \"16:30\", count = 5 }",
        );
        return None;
    };
    cx.check_keys(t, &["days", "start", "end", "count", "overnight"], ctx);
    let mut days = [false; 7];
    match t.get("days") {
        None => days = [true; 7],
        Some(dv) => match dv.get_ref() {
            DeValue::String(s) => match s.as_ref() {
                "weekdays" | "mon-fri" => days = [true, true, true, true, true, false, false],
                "weekends" | "weekend" | "sat-sun" => days = [false, false, false, false, false, true, true],
                "daily" | "every day" | "all" => days = [true; 7],
                other => match weekday_index(other) {
                    Some(i) => days[i] = true,
                    None => cx.err(
                        format!("`{other}` in {ctx} is not a set of days"),
                        span_of(dv),
                        "write \"weekdays\", \"weekends\", \"daily\", or a list such as [\"mon\", \"wed\"]",
                    ),
                },
            },
            DeValue::Array(list) => {
                for d in list.iter() {
                    if let Some(name) = cx.string_value(d, "days", ctx, "[\"mon\", \"tue\"]") {
                        match weekday_index(name) {
                            Some(i) => days[i] = true,
                            None => cx.err(format!("`{name}` is not a weekday"), span_of(d), "write mon, tue, wed, thu, fri, sat or sun"),
                        }
                    }
                }
            }
            other => cx.err(
                format!("`days` of {ctx} must be text or a list, not {}", type_name(other)),
                span_of(dv),
                "write \"weekdays\", \"weekends\", \"daily\", or a list such as [\"mon\", \"wed\"]",
            ),
        },
    }
    let time = |cx: &mut Cx, key: &str| -> Option<(f64, Range<usize>)> {
        let (s, span) = cx.string(t, key, ctx, "\"08:00\"")?;
        match parse_time_of_day(s) {
            Ok(x) => Some((x, span)),
            Err(msg) => {
                cx.err(
                    format!("`{key}` of {ctx}: {msg}"),
                    span,
                    format!("e.g. {key} = \"08:00\""),
                );
                None
            }
        }
    };
    let start = time(cx, "start");
    let end = time(cx, "end");
    for key in ["start", "end"] {
        if !t.contains_key(key) {
            cx.err(
                format!("{ctx} needs `{key}`"),
                span_of(v),
                format!("add {key} = \"HH:MM\""),
            );
        }
    }
    let overnight = match t.get("overnight") {
        None => false,
        Some(ov) => match ov.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                cx.err(
                    format!(
                        "`overnight` of {ctx} must be true or false, not {}",
                        type_name(other)
                    ),
                    span_of(ov),
                    "write overnight = true",
                );
                false
            }
        },
    };
    let count = cx
        .int(
            t,
            "count",
            ctx,
            1,
            1_000_000,
            "a shift needs agents: give at least 1, or remove the shift",
        )
        .map(|x| x.0 as u32);
    if count.is_none() && group_count.is_none() && !t.contains_key("count") {
        cx.err(
            format!("{ctx} needs `count`"),
            span_of(v),
            "give the number of agents on this shift, e.g. count = 5",
        );
    }
    let (start, _) = start?;
    let (mut end, end_span) = end?;
    if end <= start {
        if overnight {
            end += DAY;
        } else {
            cx.err(
                format!(
                    "{ctx} ends ({}) before it starts ({})",
                    fmt_hm(end),
                    fmt_hm(start)
                ),
                end_span,
                "fix the times, or add overnight = true for a shift that runs past midnight",
            );
            return None;
        }
    } else if overnight {
        cx.err(
            format!("{ctx} is marked overnight but ends the same day"),
            end_span,
            "remove overnight = true, or fix the end time",
        );
        return None;
    }
    Some(Shift {
        days,
        start,
        end,
        count: count.or(group_count)?,
    })
}

fn fmt_hm(sec: f64) -> String {
    let m = (sec / 60.0).round() as u32;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Warnings on a model that is otherwise valid: queues that grow without bound.
fn load_warnings(cx: &mut Cx, m: &Model, spans: &[Range<usize>]) {
    for (ci, ch) in m.channels.iter().enumerate() {
        if ch.patience.is_some() {
            continue;
        }
        let load = m.offered_erlangs(ChannelId(ci as u32));
        if load <= 0.0 {
            continue;
        }
        // Mean agents on the floor over a week among groups that work this channel.
        let capacity: f64 = m
            .groups
            .iter()
            .filter(|g| g.channels[ci])
            .map(|g| {
                mean_on_floor(g) * f64::from(g.concurrency.max(1))
                    / f64::from(ch.concurrency.max(1))
            })
            .sum();
        if load >= capacity {
            let what = match ch.kind {
                ChannelKind::Async => "the backlog grows without bound",
                _ => "the queue grows without bound",
            };
            let help = match ch.kind {
                ChannelKind::Async => "add agents or hours to this channel".to_string(),
                _ => {
                    "add agents, or give the channel a patience so callers can abandon".to_string()
                }
            };
            cx.warn(
                format!(
                    "channel `{}` brings {:.1} agents' worth of work but has at most {:.1} agents on average, and nobody abandons: {what}",
                    ch.name, load, capacity
                ),
                spans[ci].clone(),
                help,
            );
        }
    }
}

/// Mean number of agents of a group on the floor, over a week.
pub fn mean_on_floor(g: &Group) -> f64 {
    let base = if g.shifts.is_empty() {
        f64::from(g.around_the_clock)
    } else {
        g.shifts
            .iter()
            .map(|s| {
                f64::from(s.count)
                    * (s.end - s.start)
                    * s.days.iter().filter(|d| **d).count() as f64
                    / (7.0 * DAY)
            })
            .sum()
    };
    base * (1.0 - g.planned_shrinkage) * (1.0 - g.absence)
}
