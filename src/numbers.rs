//! Numbers written for people: thousands grouped, small fractions kept.

/// A number with thousands separators ("12,345"); small fractions keep one decimal.
pub fn group_thousands(x: f64) -> String {
    if x.abs() < 100.0 && x.fract().abs() > 1e-9 {
        return format!("{x:.1}");
    }
    let n = x.round() as i64;
    let out = group_digits(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{out}") } else { out }
}

/// A string of decimal digits with thousands separators ("18,446,744,073,709,551,615").
pub fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A number as a person wrote it, short: `0.8`, `1200`, `1e-300` (exponent form for the very
/// small and the very large, which plain decimals would spell out in hundreds of digits).
pub fn plain(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::{group_thousands, plain};

    #[test]
    fn plain_numbers_stay_short() {
        assert_eq!(plain(0.8), "0.8");
        assert_eq!(plain(1200.0), "1200");
        assert_eq!(plain(1e-300), "1e-300");
        assert_eq!(plain(-2.5e20), "-2.5e20");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_234_567.0), "1,234,567");
        assert_eq!(group_thousands(-4_000.4), "-4,000");
        assert_eq!(group_thousands(12.34), "12.3");
        assert_eq!(group_thousands(999.0), "999");
    }
}
