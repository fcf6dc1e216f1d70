//! Distributions as scenarios write them: `{ dist = "lognormal", mean = "6m", cv = 0.8 }`,
//! `{ dist = "exponential", mean = "4m" }`, `{ dist = "fixed", mean = "30s" }`, or measured
//! quantiles `{ dist = "empirical", quantiles = ["5s", "12s", …] }`.

use super::keys;
use super::reader::{Bounds, Cx, Table, Value, span_of, type_name};
use crate::dist::{Dist, Family};
use crate::duration::parse_duration;
use toml::de::DeValue;

impl Cx {
    pub(super) fn dist(&mut self, t: &Table<'_>, key: &str, ctx: &str) -> Option<Dist> {
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
        self.check_keys(d, keys::DIST, &dctx);
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
            Bounds::new(0.001, false, 20.0),
            "cv is the standard deviation divided by the mean, e.g. cv = 0.8; for no variation use dist = \"fixed\"",
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
        let made = Dist::new(family, mean, cv);
        if made.is_none() {
            self.err(
                format!(
                    "{dctx} cannot be drawn: a {} of mean {} and cv {cv}",
                    Family::NAMES[family as usize],
                    crate::duration::format_duration(mean)
                ),
                span_of(v),
                "give a mean of a second or more and a cv between 0.001 and 20",
            );
        }
        made
    }

    /// `{ dist = "empirical", quantiles = ["5s", "12s", …] }`: quantiles at equal steps of
    /// probability from the smallest to the largest value.
    fn empirical(&mut self, v: &Value<'_>, d: &Table<'_>, key: &str, dctx: &str) -> Option<Dist> {
        self.check_keys(d, keys::EMPIRICAL, dctx);
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
