//! Holidays and special days: a CSV of dates, each with a factor on its volume (`1.3` for a
//! day after a holiday) or `closed`, and optionally a name. In the history, a closed day is
//! left out and a factor divides the day's total before the fit; in the forecast, a closed
//! day has no contacts and a factor multiplies the day's volume.
//!
//! ```text
//! date,factor,name
//! 2003-09-01,closed,Labor Day
//! 2003-09-02,1.3,after Labor Day
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// What a special day does to its volume.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Special {
    /// No contacts.
    Closed,
    /// The usual volume times this factor.
    Factor(f64),
}

/// Special days by date, with their names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    /// The days.
    pub days: BTreeMap<NaiveDate, (Special, String)>,
}

impl Calendar {
    /// What the calendar says of `date`.
    pub fn get(&self, date: NaiveDate) -> Option<Special> {
        self.days.get(&date).map(|d| d.0)
    }

    /// Reads a calendar; errors name the line and how to fix it.
    pub fn parse(text: &str) -> Result<Calendar, String> {
        let delim = crate::delimiter::of(None, text.lines().next().unwrap_or("").as_bytes())?;
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let col = |n: &str| headers.iter().position(|h| h == n);
        let (Some(ic), Some(fc)) = (col("date"), col("factor")) else {
            return Err(format!(
                "the calendar needs the columns `date` and `factor` (found: {})\n  = help: write a header `date,factor,name` and one row per day, e.g. `2003-09-01,closed,Labor Day`",
                headers.join(", ")
            ));
        };
        let nc = col("name");
        let mut days = BTreeMap::new();
        for r in rdr.records() {
            let r = r.map_err(|e| e.to_string())?;
            let line = r.position().map_or(0, |p| p.line());
            let d = r.get(ic).unwrap_or("").trim();
            let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                format!("line {line}: `{d}` is not a date\n  = help: write dates as YYYY-MM-DD")
            })?;
            let f = r.get(fc).unwrap_or("").trim();
            let special = if f.eq_ignore_ascii_case("closed") {
                Special::Closed
            } else {
                match f.parse::<f64>() {
                    Ok(x) if x.is_finite() && x > 0.0 && x <= 100.0 => Special::Factor(x),
                    _ => {
                        return Err(format!(
                            "line {line}: factor `{f}` is neither a positive number nor `closed`\n  = help: e.g. 1.3 for 30% more contacts than usual, 0.5 for half, closed for none"
                        ));
                    }
                }
            };
            let name = nc.and_then(|c| r.get(c)).unwrap_or("").trim().to_string();
            if days.insert(date, (special, name)).is_some() {
                return Err(format!(
                    "line {line}: {date} is listed twice\n  = help: keep one row per date"
                ));
            }
        }
        Ok(Calendar { days })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_factors_and_closures() {
        let c = Calendar::parse("date,factor,name\n2003-09-01,closed,Labor Day\n2003-09-02,1.3,\n")
            .expect("reads");
        let d = |m, day| NaiveDate::from_ymd_opt(2003, m, day).expect("date");
        assert_eq!(c.get(d(9, 1)), Some(Special::Closed));
        assert_eq!(c.get(d(9, 2)), Some(Special::Factor(1.3)));
        let e = Calendar::parse("date,factor\n2003-09-01,-2\n").expect_err("bad");
        assert!(e.starts_with("line 2:"), "{e}");
    }
}
