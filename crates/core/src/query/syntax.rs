//! The search box's syntax: `from:`, `to:`, `subject:`, `has:`, `is:`, `before:`, `after:`, phrases and words.

use crate::time::parse_day;

/// Search terms understood by the search box.
#[derive(Debug, Default, PartialEq)]
pub struct SearchQuery {
    /// Free words (prefix matches) and "quoted phrases" (exact), over subject, addresses and body.
    pub fts: Vec<String>,
    pub phrases: Vec<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub subject: Vec<String>,
    pub has_attachment: bool,
    pub unread: bool,
    pub read: bool,
    pub flagged: bool,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl SearchQuery {
    /// The words a person typed to find someone (free words and from:/to: values), for the CRM group.
    pub fn people_words(&self) -> Vec<String> {
        self.fts.iter().chain(self.phrases.iter()).chain(self.from.iter()).chain(self.to.iter()).cloned().collect()
    }
}

/// Split a query into tokens: whitespace separates, `"…"` groups (also after `key:`); an unclosed quote
/// runs to the end. Each token is (key, value, quoted).
fn tokens(q: &str) -> Vec<(String, String, bool)> {
    let mut out = vec![];
    let mut chars = q.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        let mut val = String::new();
        let mut quoted = false;
        let mut in_quote = false;
        let mut seen_colon = false;
        while let Some(&c) = chars.peek() {
            if !in_quote && c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' {
                in_quote = !in_quote;
                quoted = true;
            } else if c == ':' && !seen_colon && !in_quote && !quoted && !val.is_empty() {
                seen_colon = true;
                key = std::mem::take(&mut val);
            } else {
                val.push(c);
            }
        }
        out.push((key, val, quoted));
    }
    out
}

/// Parse `from:x to:y subject:z has:attachment is:unread is:read is:flagged before:2026-01-01 after:…`,
/// `"exact phrase"`, `from:"Jane Roe"` and free words.
pub fn parse_query(q: &str) -> SearchQuery {
    let mut out = SearchQuery::default();
    for (k, v, quoted) in tokens(q) {
        let v = v.trim().to_string();
        match (k.to_ascii_lowercase().as_str(), v.to_ascii_lowercase().as_str()) {
            (_, "") => {}
            ("from", _) => out.from.push(v.to_lowercase()),
            ("to", _) => out.to.push(v.to_lowercase()),
            ("subject", _) => out.subject.push(v),
            ("has", "attachment" | "attachments" | "attach") => out.has_attachment = true,
            ("is", "unread") => out.unread = true,
            ("is", "read") => out.read = true,
            ("is", "flagged" | "starred") => out.flagged = true,
            ("before", _) if parse_day(&v).is_some() => out.before = parse_day(&v),
            ("after", _) if parse_day(&v).is_some() => out.after = parse_day(&v),
            ("", _) if quoted => out.phrases.push(v),
            ("", _) => out.fts.push(v),
            // An unknown key ("re:", "http:") is just text.
            (_, _) => out.fts.push(format!("{k}:{v}")),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax() {
        let q = parse_query("from:Jane subject:renewal has:attachment is:unread after:2026-01-01 budget");
        assert_eq!(q.from, vec!["jane"]);
        assert_eq!(q.subject, vec!["renewal"]);
        assert!(q.has_attachment && q.unread);
        assert_eq!(q.after, Some(1_767_225_600));
        assert_eq!(q.fts, vec!["budget"]);
    }

    #[test]
    fn quoted_values_keep_their_spaces_and_unknown_keys_stay_text() {
        let q = parse_query(r#"from:"Jane Roe" "next steps" subject:"Q1 budget" re:call is:read has:attachments"#);
        assert_eq!(q.from, vec!["jane roe"]);
        assert_eq!(q.phrases, vec!["next steps"]);
        assert_eq!(q.subject, vec!["Q1 budget"]);
        assert_eq!(q.fts, vec!["re:call"]);
        assert!(q.read && q.has_attachment && !q.unread);
        let q = parse_query("before:someday from: \"unclosed phrase");
        assert_eq!(q.fts, vec!["before:someday"]);
        assert!(q.from.is_empty());
        assert_eq!(q.phrases, vec!["unclosed phrase"]);
    }
}
