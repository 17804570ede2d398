//! CSV cells for downloads that spreadsheet programs open: a text cell that starts like a formula
//! (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed with an apostrophe so it is shown, never
//! run (OWASP "CSV injection"); a cell with a comma, quote or line break is quoted.

/// A text cell.
pub fn text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_not_run_and_breaks_are_quoted() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("-2+3"), "'-2+3");
        assert_eq!(text("a\rb"), "\"a\rb\"");
        assert_eq!(text("Nguyễn Văn A"), "Nguyễn Văn A");
    }
}
