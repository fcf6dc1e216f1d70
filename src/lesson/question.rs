//! A lesson's exercise: a question the trainer sets ("minimize total_cost where
//! churned_customers < 300"), answered here over the grid's means so that the page only shows
//! what was computed, hidden until the room has guessed.

use serde::Serialize;

use crate::report::Summary;

/// Why a question cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuestionError {
    /// Not of the form the help shows.
    #[error(
        "`{0}` is not a question supportsim reads\n  = help: write e.g. \"minimize total_cost where churned_customers < 300\" (or maximize; conditions with <, <=, >, >= joined by `and`; a lever fixed with PATH = VALUE)"
    )]
    Syntax(String),
    /// A lever value that is not on the grid.
    #[error(
        "the question fixes `{0}`, which is not a lever at one of its values\n  = help: fix a lever's path at one of the values given to --vary"
    )]
    Lever(String),
    /// A metric the summary does not have.
    #[error(
        "the question names `{0}`, which the scenario's results do not have\n  = help: name a metric of `run --json`, overall (total_cost) or of a channel, topic, agent group or kind (written.frt_mean_seconds)"
    )]
    Metric(String),
}

/// Less or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The smallest mean.
    Minimize,
    /// The largest mean.
    Maximize,
}

/// One condition: a metric's mean against a bound, or a lever at one of its values
/// (`channels.email.handle_time.mean = 9m`: the room decides the other levers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// The metric, as `sweep --metric` names it, or a lever's path.
    pub key: String,
    /// `<`, `<=`, `>`, `>=`, or `=` for a lever.
    pub op: String,
    /// The bound or the lever's value, as written.
    pub value: String,
}

impl Condition {
    fn holds(&self, x: f64) -> bool {
        let b: f64 = self.value.parse().unwrap_or(f64::NAN);
        match self.op.as_str() {
            "<" => x < b,
            "<=" => x <= b,
            ">" => x > b,
            _ => x >= b,
        }
    }

    /// Whether this condition fixes a lever rather than bounds a metric.
    pub fn is_lever(&self) -> bool {
        self.op == "="
    }
}

/// A question over the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// As the trainer wrote it.
    pub text: String,
    /// Minimize or maximize.
    pub goal: Goal,
    /// The metric to make best.
    pub key: String,
    /// What a point must keep, on the mean.
    pub conditions: Vec<Condition>,
}

impl Question {
    /// Reads `minimize KEY [where CONDITION [and CONDITION …]]`, a condition being `KEY OP
    /// NUMBER` or `LEVER = VALUE` (a lever by its path or its label, which may hold spaces).
    pub fn parse(text: &str) -> Result<Question, QuestionError> {
        let bad = || QuestionError::Syntax(text.to_string());
        let text = text.trim();
        let (head, tail) = match text.split_once(" where ") {
            Some((h, t)) => (h, Some(t)),
            None => (text, None),
        };
        let words: Vec<&str> = head.split_whitespace().collect();
        let [goal, key] = words.as_slice() else {
            return Err(bad());
        };
        let goal = match goal.to_ascii_lowercase().as_str() {
            "minimize" | "minimise" => Goal::Minimize,
            "maximize" | "maximise" => Goal::Maximize,
            _ => return Err(bad()),
        };
        let mut conditions = Vec::new();
        for cond in tail
            .map(|t| t.split(" and ").collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let (op, at) = ["<=", ">=", "<", ">", "="]
                .iter()
                .find_map(|op| cond.find(op).map(|i| (*op, i)))
                .ok_or_else(bad)?;
            let (k, v) = (cond[..at].trim(), cond[at + op.len()..].trim());
            let numeric = v.parse::<f64>().is_ok_and(f64::is_finite);
            if k.is_empty()
                || v.is_empty()
                || v.contains(['<', '>', '='])
                || (op != "=" && !numeric)
            {
                return Err(bad());
            }
            conditions.push(Condition {
                key: k.to_string(),
                op: op.to_string(),
                value: v.to_string(),
            });
        }
        Ok(Question {
            text: text.to_string(),
            goal,
            key: key.to_string(),
            conditions,
        })
    }

    /// Every metric the question names.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.key.as_str()).chain(
            self.conditions
                .iter()
                .filter(|c| !c.is_lever())
                .map(|c| c.key.as_str()),
        )
    }

    /// Checks that a summary has every metric the question names, and that a lever it fixes
    /// is one of `levers` (path, values) at one of its values.
    pub fn check(
        &self,
        s: &Summary,
        levers: &[(String, Vec<String>)],
    ) -> Result<(), QuestionError> {
        if let Some(k) = self.keys().find(|k| s.metric(k).is_none()) {
            return Err(QuestionError::Metric(k.to_string()));
        }
        for c in self.conditions.iter().filter(|c| c.is_lever()) {
            match levers.iter().find(|(p, _)| *p == c.key) {
                Some((_, values)) if values.contains(&c.value) => {}
                _ => return Err(QuestionError::Lever(format!("{} = {}", c.key, c.value))),
            }
        }
        Ok(())
    }

    /// The answer over the points' summaries (in grid order), each point with its levers'
    /// (path, value).
    pub fn answer(&self, points: &[Summary], settings: &[Vec<(String, String)>]) -> Answer {
        let mut values = Vec::new();
        let mut feasible = Vec::new();
        for (i, s) in points.iter().enumerate() {
            let v = mean(s, &self.key);
            let kept: Vec<Option<f64>> = self
                .conditions
                .iter()
                .map(|c| if c.is_lever() { None } else { mean(s, &c.key) })
                .collect();
            let at = settings.get(i).map_or(&[][..], Vec::as_slice);
            let ok = self.conditions.iter().zip(&kept).all(|(c, x)| {
                if c.is_lever() {
                    at.iter().any(|(p, v)| *p == c.key && *v == c.value)
                } else {
                    x.is_some_and(|x| c.holds(x))
                }
            });
            if ok && let Some(v) = v {
                feasible.push((i, v));
            }
            values.push(PointValues { objective: v, kept });
        }
        let better = |a: f64, b: f64| match self.goal {
            Goal::Minimize => a < b,
            Goal::Maximize => a > b,
        };
        let best = feasible
            .iter()
            .copied()
            .reduce(|a, b| if better(b.1, a.1) { b } else { a })
            .map(|(i, _)| i);
        Answer {
            best,
            feasible: feasible.iter().map(|(i, _)| *i).collect(),
            values,
        }
    }
}

/// The means the answer rests on, at one point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointValues {
    /// The metric made best.
    pub objective: Option<f64>,
    /// Each condition's metric.
    pub kept: Vec<Option<f64>>,
}

/// The answer: the best point, and every point that keeps the conditions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// Index of the best point keeping every condition; `None` when no point does.
    pub best: Option<usize>,
    /// Indices of the points keeping every condition.
    pub feasible: Vec<usize>,
    /// The means at every point.
    pub values: Vec<PointValues>,
}

fn mean(s: &Summary, key: &str) -> Option<f64> {
    s.metric(key)?.mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_question_and_refuses_what_it_cannot_read() {
        let q = Question::parse(
            "minimize total_cost where churned_customers < 300 and written.service_level >= 0.8",
        )
        .expect("a question");
        assert_eq!(q.goal, Goal::Minimize);
        assert_eq!(q.key, "total_cost");
        assert_eq!(q.conditions.len(), 2);
        assert_eq!(q.conditions[1].op, ">=");
        assert!(Question::parse("maximize csat").is_ok());
        let fixed =
            Question::parse("minimize total_cost where channels.email.handle_time.mean = 9m")
                .expect("a lever fixed");
        assert!(fixed.conditions[0].is_lever());
        for bad in [
            "cheapest plan",
            "minimize",
            "minimize x where y",
            "minimize x where",
            "minimize x where y == 3",
            "minimize x if y < 3",
            "minimize x where y < nan",
            "minimize x where y < 9m",
        ] {
            assert!(Question::parse(bad).is_err(), "{bad}");
        }
    }
}
