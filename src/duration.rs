//! Durations and times of day as users write them: `"20s"`, `"3m"`, `"1h30m"`, `"2d"`, `"08:30"`.
//!
//! Everything is converted to seconds (`f64`) once, when the model is built.

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// Parses a duration such as `"20s"`, `"4m"`, `"1h30m"`, `"2d"` or `"1.5h"` into seconds.
///
/// A duration is one or more `<number><unit>` parts; units are `s`, `m` (minutes), `h` and `d`.
/// Returns a message in plain words when the text is not a duration.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(
            "a duration cannot be empty: write it like \"20s\", \"4m\" or \"1h30m\"".into(),
        );
    }
    let mut total = 0.0;
    let mut parts = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..num_len];
        rest = rest[num_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = rest[unit_len..].trim_start();
        if number.is_empty() {
            let shown = if unit.is_empty() {
                rest.chars().next().map(String::from).unwrap_or_default()
            } else {
                unit.to_string()
            };
            return Err(format!(
                "`{text}` is not a duration: a number must come before `{shown}`, as in \"1h30m\""
            ));
        }
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a duration: `{number}` is not a number"))?;
        let scale = match unit {
            "" => {
                return Err(format!(
                    "`{text}` has no unit: write \"{number}s\", \"{number}m\" or \"{number}h\""
                ));
            }
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => DAY,
            "w" | "week" | "weeks" => 7.0 * DAY,
            other => {
                return Err(format!(
                    "`{text}` is not a duration: unknown unit `{other}` (use s, m, h, d or w, as in \"1h30m\")"
                ));
            }
        };
        total += value * scale;
        parts += 1;
    }
    if parts == 0 || !total.is_finite() {
        return Err(format!(
            "`{text}` is not a duration: write it like \"20s\", \"4m\" or \"1h30m\""
        ));
    }
    Ok(total)
}

/// Parses a time of day `"HH:MM"` (or `"HH:MM:SS"`) into seconds after midnight.
///
/// `"24:00"` is accepted as the end of the day.
pub fn parse_time_of_day(text: &str) -> Result<f64, String> {
    let bad = || format!("`{text}` is not a time of day: write it as \"HH:MM\", e.g. \"08:30\"");
    let mut it = text.trim().split(':');
    let h: u32 = it.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let m: u32 = it.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let s: u32 = match it.next() {
        Some(x) => x.parse().map_err(|_| bad())?,
        None => 0,
    };
    if it.next().is_some() || m >= 60 || s >= 60 || h > 24 || (h == 24 && (m > 0 || s > 0)) {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60 + s))
}

/// Weekday names as scenarios and logs write them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Weekday names for tables and charts, Monday first.
pub const WEEKDAY_LABELS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A time of day, seconds after midnight, as `HH:MM` (`24:00` for the end of the day).
pub fn hhmm(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as u32;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A time of day as `HH:MM`, with `+1` when it falls on the next day (the end of an overnight
/// shift): `06:00+1`.
pub fn hhmm_next_day(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as u32;
    if m >= 24 * 60 {
        format!("{}+1", hhmm(f64::from(m - 24 * 60) * 60.0))
    } else {
        hhmm(f64::from(m) * 60.0)
    }
}

/// A time of day to the millisecond, `HH:MM:SS.mmm`, as contact logs write it.
pub fn clock(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    let (s, ms) = (ms / 1000, ms % 1000);
    format!("{:02}:{:02}:{:02}.{ms:03}", s / 3600, s / 60 % 60, s % 60)
}

/// Seconds as a duration a scenario can hold, read back to exactly the same value: `"90s"`,
/// `"12.5s"`.
pub fn format_seconds(seconds: f64) -> String {
    format!("{seconds}s")
}

/// Formats seconds for people: `"45s"`, `"3m20s"`, `"2h05m"`, `"1d3h"`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "—".into();
    }
    let s = seconds.max(0.0);
    if s < 60.0 {
        if s < 10.0 {
            format!("{s:.1}s")
        } else {
            format!("{s:.0}s")
        }
    } else if s < 3600.0 {
        let m = (s / 60.0).floor();
        format!("{m:.0}m{:02.0}s", (s - m * 60.0).floor())
    } else if s < DAY {
        let h = (s / 3600.0).floor();
        format!("{h:.0}h{:02.0}m", ((s - h * 3600.0) / 60.0).floor())
    } else {
        let d = (s / DAY).floor();
        format!("{d:.0}d{:.0}h", ((s - d * DAY) / 3600.0).floor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("3m"), Ok(180.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("2d"), Ok(172_800.0));
        assert_eq!(parse_duration("1.5h"), Ok(5400.0));
        assert!(parse_duration("20").is_err());
        assert_eq!(parse_duration("20 minutes"), Ok(1200.0));
        assert_eq!(parse_duration("1 hour 30 min"), Ok(5400.0));
        assert!(parse_duration("20 parsecs").is_err());
        assert!(parse_duration("h20").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("1..5h").is_err());
    }

    #[test]
    fn times_of_day_parse() {
        assert_eq!(parse_time_of_day("08:30"), Ok(30_600.0));
        assert_eq!(parse_time_of_day("24:00"), Ok(DAY));
        assert!(parse_time_of_day("25:00").is_err());
        assert!(parse_time_of_day("8h").is_err());
    }

    #[test]
    fn times_of_day_format() {
        assert_eq!(hhmm(30_600.0), "08:30");
        assert_eq!(hhmm(DAY), "24:00");
        assert_eq!(hhmm_next_day(22.0 * 3600.0), "22:00");
        assert_eq!(hhmm_next_day(DAY + 6.0 * 3600.0), "06:00+1");
        assert_eq!(hhmm_next_day(DAY), "00:00+1");
        assert_eq!(clock(3661.5), "01:01:01.500");
    }

    #[test]
    fn durations_format() {
        assert_eq!(format_duration(5.0), "5.0s");
        assert_eq!(format_duration(200.0), "3m20s");
        assert_eq!(format_duration(7500.0), "2h05m");
    }
}
