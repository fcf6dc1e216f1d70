//! The character between the fields of a delimited file, by one rule for every file supportsim
//! reads (contact logs, ticket event logs, interval counts, calendars): named in a mapping
//! (`delimiter = "comma"`, `"tab"`, `"semicolon"`, `"pipe"`, or the character itself), or
//! else read from the header line — a tab when it holds one, a semicolon when it holds
//! semicolons and no comma, otherwise a comma.

/// How to name a delimiter, for the help of an error.
pub const HELP: &str = "use \"comma\", \"tab\", \"semicolon\", \"pipe\" or the character itself";

/// The delimiter a mapping names; `Err` says why `given` names none (a letter or digit is
/// more likely a misspelt name than a delimiter, and a quote or a line break cannot be one).
pub fn named(given: &str) -> Result<u8, String> {
    match given {
        "comma" => Ok(b','),
        "tab" => Ok(b'\t'),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        c if c.len() == 1 && allowed(c.as_bytes()[0]) => Ok(c.as_bytes()[0]),
        other => Err(format!(
            "`delimiter = \"{}\"` is not a delimiter supportsim reads",
            other.escape_default()
        )),
    }
}

/// A character that may separate fields: punctuation but the quote, a tab or a space.
fn allowed(c: u8) -> bool {
    (c.is_ascii_punctuation() && c != b'"') || c == b'\t' || c == b' '
}

/// The delimiter of a file whose first line is `header`: the one `given` names, if any.
pub fn of(given: Option<&str>, header: &[u8]) -> Result<u8, String> {
    match given {
        Some(name) => named(name),
        None if header.contains(&b'\t') => Ok(b'\t'),
        None if header.contains(&b';') && !header.contains(&b',') => Ok(b';'),
        None => Ok(b','),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_characters_give_the_same_delimiters() {
        for (name, c) in [
            ("comma", ","),
            ("tab", "\t"),
            ("semicolon", ";"),
            ("pipe", "|"),
        ] {
            assert_eq!(named(name), named(c), "{name}");
            assert_eq!(named(name), Ok(c.as_bytes()[0]));
        }
        assert_eq!(named("~"), Ok(b'~'));
        assert_eq!(named(" "), Ok(b' '));
    }

    #[test]
    fn misspelt_names_letters_quotes_and_line_breaks_are_refused() {
        for bad in ["tabs", "t", "7", "\"", "\n", "", "§", ";;"] {
            let e = named(bad).expect_err(bad);
            assert!(e.contains("is not a delimiter"), "{e}");
        }
    }

    #[test]
    fn the_header_line_decides_when_no_delimiter_is_named() {
        assert_eq!(of(None, b"date\tcalls"), Ok(b'\t'));
        assert_eq!(of(None, b"date;calls"), Ok(b';'));
        assert_eq!(of(None, b"date,calls;extra"), Ok(b','));
        assert_eq!(of(None, b"date"), Ok(b','));
        assert_eq!(of(Some("pipe"), b"date\tcalls"), Ok(b'|'));
    }
}
