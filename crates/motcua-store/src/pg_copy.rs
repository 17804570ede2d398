//! Bulk rows into PostgreSQL with `COPY … FROM STDIN` (text format): the bulk loader's path
//! there, where multi-row INSERTs of the same rows cost several times as much (measured by
//! the import figure in `bench/README.md`). Values are the ones the INSERT path binds.

use std::fmt::Write as _;

use sea_query::{Expr, Value};

use crate::error::StoreError;

/// Appends one row in COPY's text format: tab-separated, `\N` for null, backslash escapes.
pub(crate) fn push_row(out: &mut String, row: &[Expr]) -> Result<(), StoreError> {
    for (i, e) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        let Expr::Value(v) = e else {
            return Err(StoreError::Encoding("COPY: not a value".into()));
        };
        push_value(out, v)?;
    }
    out.push('\n');
    Ok(())
}

fn push_value(out: &mut String, v: &Value) -> Result<(), StoreError> {
    let written = match v {
        Value::Bool(b) => b.map(|b| if b { "t".to_owned() } else { "f".to_owned() }),
        Value::TinyInt(n) => n.map(|n| n.to_string()),
        Value::SmallInt(n) => n.map(|n| n.to_string()),
        Value::Int(n) => n.map(|n| n.to_string()),
        Value::BigInt(n) => n.map(|n| n.to_string()),
        Value::TinyUnsigned(n) => n.map(|n| n.to_string()),
        Value::SmallUnsigned(n) => n.map(|n| n.to_string()),
        Value::Unsigned(n) => n.map(|n| n.to_string()),
        Value::BigUnsigned(n) => n.map(|n| n.to_string()),
        Value::Double(n) => n.map(|n| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Json(j) => j.as_ref().map(|j| j.to_string()),
        Value::ChronoDate(d) => d.map(|d| d.format("%Y-%m-%d").to_string()),
        Value::ChronoDateTimeUtc(t) => t.map(|t| t.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string()),
        Value::Uuid(u) => u.map(|u| u.hyphenated().to_string()),
        Value::Bytes(b) => b.as_ref().map(|b| {
            let mut hex = String::from("\\x");
            for byte in b {
                let _ = write!(hex, "{byte:02x}");
            }
            hex
        }),
        other => {
            return Err(StoreError::Encoding(format!("COPY: {other:?}")));
        }
    };
    match written {
        None => out.push_str("\\N"),
        Some(text) => {
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_copy_text_with_escapes_and_nulls() {
        let mut out = String::new();
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-05T02:00:00.5Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        push_row(
            &mut out,
            &[
                Expr::val("a\tb\\c\nd"),
                Expr::val(Option::<String>::None),
                Expr::val(7_i64),
                Expr::val(true),
                Expr::val(at),
                Expr::val(serde_json::json!({"k": "x\ty"})),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "a\\tb\\\\c\\nd\t\\N\t7\tt\t2026-12-05 02:00:00.500000+00\t{\"k\":\"x\\\\ty\"}\n"
        );
    }
}
