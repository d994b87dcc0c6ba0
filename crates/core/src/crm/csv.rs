//! A small RFC 4180 CSV reader and writer that keeps line numbers for error reports.
//!
//! Handles quoted fields with embedded commas, quotes and line breaks, CRLF or LF, a UTF-8 BOM, and the
//! delimiter spreadsheets use in many locales (`;`) or tabs, guessed from the header line.

/// One record and the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    pub line: usize,
    pub message: String,
}

/// Guess the delimiter from the first line: the most frequent of `,`, `;`, tab outside quotes.
pub fn guess_delimiter(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    let mut best = (',', 0);
    for d in [',', ';', '\t'] {
        let mut n = 0;
        let mut q = false;
        for c in first.chars() {
            match c {
                '"' => q = !q,
                c if c == d && !q => n += 1,
                _ => {}
            }
        }
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Read every record. Malformed records are returned separately with their line and skipped; reading
/// goes on with the next line.
pub fn read(text: &str, delim: char) -> (Vec<Record>, Vec<BadRecord>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut bad = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    loop {
        if chars.peek().is_none() {
            break;
        }
        let start = line;
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut error: Option<String> = None;
        let mut in_quotes = false;
        let mut was_quoted = false;
        let mut end_of_record = false;
        while let Some(c) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => in_quotes = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() && !was_quoted => {
                    in_quotes = true;
                    was_quoted = true;
                }
                '"' => {
                    error.get_or_insert_with(|| "a quote inside a field that does not start with a quote".into());
                }
                c if c == delim => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    end_of_record = true;
                    break;
                }
                c => {
                    if was_quoted && !c.is_whitespace() {
                        error.get_or_insert_with(|| "text after the closing quote of a field".into());
                    }
                    if !(was_quoted && c.is_whitespace()) {
                        field.push(c);
                    }
                }
            }
        }
        if in_quotes {
            bad.push(BadRecord {
                line: start,
                message: "a quoted field is never closed (the rest of the file was read as part of it)".into(),
            });
            break;
        }
        fields.push(field);
        // A row of empty fields (",,,", as spreadsheets export trailing rows) is not a record.
        let blank = fields.iter().all(|f| f.trim().is_empty());
        match error {
            Some(message) => bad.push(BadRecord { line: start, message }),
            None if blank => {}
            None => records.push(Record { line: start, fields }),
        }
        if !end_of_record {
            break;
        }
    }
    (records, bad)
}

/// Quote a field when it needs it.
pub fn field(s: &str) -> String {
    // A leading = + - @ would run as a formula in spreadsheets: prefix it with a quote mark.
    let mut cs = s.chars();
    let risky = match (cs.next(), cs.next()) {
        (Some('=') | Some('@'), _) => true,
        (Some('+') | Some('-'), Some(n)) => !n.is_ascii_digit() && n != ' ' && n != '(',
        _ => false,
    };
    let s = if risky { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Undo [`field`]'s formula guard when reading our own export back.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => s,
    }
}

/// One CSV line (CRLF-terminated).
pub fn line(fields: &[String]) -> String {
    let mut out = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let text =
            "name,email,company\r\n\"Roe, Jane\",jane@acme.test,\"Acme \"\"Tools\"\"\"\n\"Multi\nLine\",x@y.test,\n";
        let (recs, bad) = read(text, ',');
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].fields, vec!["Roe, Jane", "jane@acme.test", "Acme \"Tools\""]);
        assert_eq!(recs[2].line, 3);
        assert_eq!(recs[2].fields[0], "Multi\nLine");
    }

    #[test]
    fn bad_records_keep_their_line_and_reading_goes_on() {
        let text = "a,b\nok,1\nbro\"ken,2\nfine,3\n\"never closed,4\nlost,5\n";
        let (recs, bad) = read(text, ',');
        assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 2, 4]);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), vec![3, 5]);
    }

    #[test]
    fn delimiter_is_guessed_and_formulas_are_defused() {
        assert_eq!(guess_delimiter("name;email;company\n"), ';');
        assert_eq!(guess_delimiter("name\temail\n"), '\t');
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1 555 0100"), "+1 555 0100");
    }
}
