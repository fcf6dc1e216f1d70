//! Reading one field of a log: dates in the common layouts, times of day, seconds.

/// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms", `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn parse_date(text: &str, format: &str) -> Option<i64> {
    let t = text.trim();
    let digits = |s: &str| -> Option<i64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (y, m, d) = match format {
        "day" => return digits(t),
        "yymmdd" if t.len() == 6 => {
            let yy = digits(&t[..2])?;
            // Two-digit years: 70–99 are 19xx, 00–69 are 20xx (the POSIX strptime rule).
            (
                if yy >= 70 { 1900 + yy } else { 2000 + yy },
                digits(&t[2..4])?,
                digits(&t[4..])?,
            )
        }
        "yyyymmdd" if t.len() == 8 => (digits(&t[..4])?, digits(&t[4..6])?, digits(&t[6..])?),
        "yyyy-mm-dd" => {
            let mut it = t.split('-');
            let r = (
                digits(it.next()?)?,
                digits(it.next()?)?,
                digits(it.next()?)?,
            );
            if it.next().is_some() {
                return None;
            }
            r
        }
        _ => return None,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

pub(super) fn parse_clock(text: &str) -> Option<f64> {
    let mut it = text.trim().split(':');
    let h: f64 = it.next()?.parse().ok()?;
    let m: f64 = it.next()?.parse().ok()?;
    let s: f64 = it.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if it.next().is_some()
        || !(0.0..=48.0).contains(&h)
        || !(0.0..60.0).contains(&m)
        || !(0.0..61.0).contains(&s)
        || h.fract() != 0.0
        || m.fract() != 0.0
    {
        return None;
    }
    Some(h * 3600.0 + m * 60.0 + s)
}

/// Longest wait or handle time read, seconds (30 days): anything longer is a damaged value.
const MAX_SECONDS: f64 = 30.0 * 86_400.0;

pub(super) fn parse_seconds(text: &str) -> Option<f64> {
    let x: f64 = text.trim().parse().ok()?;
    (x.is_finite() && (0.0..=MAX_SECONDS).contains(&x)).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact_log::{Fate, Mapping, read};

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 1 February 1999 was a Monday.
        let d = parse_date("990201", "yymmdd").unwrap_or(0);
        assert_eq!((d + 3).rem_euclid(7), 0);
        assert_eq!(parse_date("1999-02-01", "yyyy-mm-dd"), Some(d));
        assert_eq!(parse_date("19990201", "yyyymmdd"), Some(d));
        assert_eq!(parse_date("991301", "yymmdd"), None);
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("7:02:47"), Some(25_367.0));
        assert_eq!(parse_clock("07:02:47.500"), Some(25_367.5));
        assert_eq!(parse_clock("7h"), None);
    }

    #[test]
    fn reads_a_mapped_log() {
        let text = "d\tt\tw\to\tserver\n990201\t7:00:00\t5\tAGENT\tDORIT\n990201\t7:10:00\t40\tHANG\tNO_SERVER\n990202\t8:00:00\t0\tPHANTOM\tX\n";
        let m = Mapping::parse(
            "mapping.toml",
            r#"
[columns]
date = "d"
time = "t"
wait = "w"
outcome = "o"
agent = "server"
[formats]
date = "yymmdd"
[values]
answered = ["AGENT"]
abandoned = ["HANG"]
ignore = ["PHANTOM"]
no_agent = ["NO_SERVER"]
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let log = read(std::io::Cursor::new(text), &m, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.contacts.len(), 2);
        assert_eq!(log.start_weekday, 0);
        assert_eq!(log.agent_name(&log.contacts[0]), Some("DORIT"));
        assert_eq!(log.contacts[1].fate, Fate::Abandoned);
        assert_eq!(log.contacts[1].agent, None);
        assert_eq!(
            log.skipped_rows(&crate::contact_log::Skip::IgnoredOutcome("PHANTOM".into())),
            1
        );
        assert_eq!(log.rows, 3);
    }
}
