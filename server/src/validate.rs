//! Input validation and normalization. Each check records a [`FieldError`] rather than
//! stopping at the first, so a client learns about every bad field in one round trip.

use protocol::error::FieldError;

use crate::error::ApiError;

/// Bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI,
/// PDI). The plain direction marks (LRM, RLM) stay allowed: right-to-left names need them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no space and show nothing: zero-width spaces and joiners, the word
/// joiner and invisible operators, the byte order mark, soft hyphens, fillers and blank
/// patterns that render empty.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Collects field problems.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    /// Trimmed single-line text of `min..=max` characters: names, titles, headlines. No control
    /// characters, no bidirectional overrides or isolates (they can make a name read as another,
    /// or reverse the text around it), and something visible when it may not be empty.
    pub fn line(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let value = value.trim();
        self.length(field, value, min, max);
        if value.chars().any(char::is_control) {
            self.add(field, "must be a single line without control characters");
        } else if value.chars().any(is_bidi_control) {
            self.add(field, "must not contain characters that change the direction of text");
        } else if min > 0 && !value.is_empty() && value.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
            self.add(field, "must contain visible characters");
        }
        value.to_owned()
    }

    /// Trimmed multi-line text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        self.length(field, value, 0, max);
        if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            self.add(field, "must not contain control characters");
        }
        value.to_owned()
    }

    fn length(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min {
            if min == 1 {
                self.add(field, "must not be empty");
            } else {
                self.add(field, format!("must be at least {min} characters"));
            }
        } else if n > max {
            self.add(field, format!("must be at most {max} characters"));
        }
    }

    /// Lower-case tags: letters, digits and `-+#.`, spaces become `-`; duplicates dropped.
    pub fn tags(&mut self, field: &str, values: &[String], max_count: usize) -> Vec<String> {
        if values.len() > max_count {
            self.add(field, format!("at most {max_count} tags"));
            return Vec::new();
        }
        let mut tags: Vec<String> = Vec::with_capacity(values.len());
        for (i, raw) in values.iter().enumerate() {
            let tag = normalize_tag(raw);
            let n = tag.chars().count();
            if n == 0 || n > 40 {
                self.add(&format!("{field}[{i}]"), "tags are 1 to 40 characters");
            } else if !tag.chars().all(|c| c.is_alphanumeric() || "-+#.".contains(c)) {
                self.add(&format!("{field}[{i}]"), "tags use letters, digits, spaces and - + # . only");
            } else if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        tags
    }

    /// Short phrases such as "a Rust mentor"; duplicates (ignoring case) dropped.
    pub fn phrases(&mut self, field: &str, values: &[String], max_count: usize) -> Vec<String> {
        if values.len() > max_count {
            self.add(field, format!("at most {max_count} entries"));
            return Vec::new();
        }
        let mut phrases: Vec<String> = Vec::with_capacity(values.len());
        for (i, raw) in values.iter().enumerate() {
            let phrase = self.line(&format!("{field}[{i}]"), raw, 2, 120);
            if !phrases.iter().any(|p| p.to_lowercase() == phrase.to_lowercase()) {
                phrases.push(phrase);
            }
        }
        phrases
    }

    /// An RFC 3339 date-time, as Unix milliseconds.
    pub fn instant(&mut self, field: &str, raw: Option<&str>) -> Option<i64> {
        match chrono::DateTime::parse_from_rfc3339(raw?.trim()) {
            Ok(t) => Some(t.timestamp_millis()),
            Err(_) => {
                self.add(field, "must be an RFC 3339 date-time such as 2026-12-03T18:30:00Z");
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

pub fn normalize_tag(raw: &str) -> String {
    raw.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// Lower-cased, trimmed e-mail address, or a message saying what is wrong with it.
pub fn email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 {
        return Err("must be at most 254 characters");
    }
    let Some((local, domain)) = email.split_once('@') else { return Err("must be an e-mail address") };
    let valid = !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err("must be an e-mail address")
    }
}

/// Words of a full-text query: alphanumeric runs, lower-cased, at most ten.
pub fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(10).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalized_and_deduplicated() {
        let mut p = Problems::default();
        let tags = p.tags("tags", &["  Climate Tech ".into(), "climate-tech".into(), "Rust".into()], 5);
        assert_eq!(tags, vec!["climate-tech", "rust"]);
        assert!(p.finish().is_ok());
    }

    #[test]
    fn bad_tags_are_reported_by_index() {
        let mut p = Problems::default();
        p.tags("tags", &["ok".into(), "no/slash".into()], 5);
        let Err(ApiError::Validation(fields)) = p.finish() else { panic!("expected validation error") };
        assert_eq!(fields[0].field, "tags[1]");
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Ada@Example.ORG ").as_deref(), Ok("ada@example.org"));
        assert!(email("no-at-sign").is_err());
        assert!(email("a@b").is_err());
        assert!(email("a b@example.org").is_err());
        assert!(email("a@@example.org").is_err());
    }

    #[test]
    fn search_words_strip_operators() {
        assert_eq!(search_words("Rust AND \"climate\"* -x OR(y)"), vec!["rust", "and", "climate", "x", "or", "y"]);
        assert!(search_words("!!! ***").is_empty());
    }

    #[test]
    fn names_must_show_something_and_keep_their_direction() {
        let refused = |value: &str| {
            let mut p = Problems::default();
            p.line("display_name", value, 1, 80);
            p.finish().is_err()
        };
        for invisible in ["\u{200B}\u{200B}", "\u{200D}", "\u{FEFF} \u{2060}", "\u{3164}", "\u{00AD}\u{2800}"] {
            assert!(refused(invisible), "{invisible:?}");
        }
        for bidi in ["Ada\u{202E}txt.exe", "\u{2067}Bob\u{2069}", "\u{202A}x"] {
            assert!(refused(bidi), "{bidi:?}");
        }
        for fine in ["Ada", "Zoë\u{200D}", "\u{05D3}\u{05E0}\u{05D4} \u{200F}", "👩\u{200D}💻 Ada"] {
            assert!(!refused(fine), "{fine:?}");
        }
    }
}
