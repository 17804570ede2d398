//! A small CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF, a UTF-8 byte
//! order mark ignored) — enough for the files a land office exports, without a dependency.

/// The rows of `text`, each with its line number (1 = the header).
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1usize;
    let mut row_line = 1usize;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                // Blank lines, and lines of only separators (as spreadsheets export), are
                // not rows.
                if row.iter().any(|f| !f.trim().is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                } else {
                    row.clear();
                }
                line += 1;
                row_line = line;
            }
            other => field.push(other),
        }
    }
    if quoted {
        return Err(format!("dòng {row_line}: dấu ngoặc kép chưa đóng"));
    }
    if any && (!field.is_empty() || !row.is_empty()) {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

/// A field for a CSV line: quoted when it needs to be.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_line_numbers() {
        let rows = parse("\u{feff}a,b\r\n1,\"x, \"\"y\"\"\"\n\n2,\"multi\nline\"\n3,z").unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1], (2, vec!["1".into(), "x, \"y\"".into()]));
        assert_eq!(rows[2].0, 4);
        assert_eq!(rows[3], (6, vec!["3".into(), "z".into()]));
        assert!(parse("a,\"b").is_err());
        assert_eq!(field("a,b"), "\"a,b\"");
    }
}
