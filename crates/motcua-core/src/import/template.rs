//! A first mapping written from a sample of the export: the column each field is probably
//! in (its heading matched without diacritics), the values the coded columns hold, left for
//! the province to translate, and the date formats the sample's dates are written in. The
//! province checks it and fills the blanks once; it then loads as it is (see
//! [`super::parse_mapping`]). A guess is only a guess: every line is shown, none is hidden.
//!
//! Must not: read files (the caller hands over the rows).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::fields::{FIELDS, Field, Kind, SPREADSHEET_DATES, heading_key, parse_date};
use super::mapping::value_key;
use crate::limits;

/// Rows of the sample read at most, after the heading row.
pub const SAMPLE_ROWS: usize = 200;

/// Rows searched for the heading row.
const HEADING_SEARCH: usize = 20;

/// Distinct values offered in a value table at most.
const MAX_DISTINCT: usize = 200;

/// Date formats tried on the sample, most specific first (Vietnamese day-first only).
const DATE_GUESSES: [&str; 11] = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%H:%M %d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y%m%d%H%M%S",
];

/// The sample a template is written from.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// The sample file's name (the header comment).
    pub source: &'a str,
    /// The worksheet read (XLSX).
    pub sheet: Option<&'a str>,
    /// Its non-empty rows with their line numbers, the heading row among the first.
    pub rows: &'a [(usize, Vec<String>)],
}

/// How well `heading` names `f`: its own record name beats a heading equal to a guess,
/// which beats a heading holding one (the longer guess the better).
fn score(f: &Field, heading: &str) -> Option<(u8, usize)> {
    if value_key(heading) == f.name.to_lowercase() {
        return Some((3, 0));
    }
    let key = heading_key(heading);
    let padded = format!(" {key} ");
    f.guesses
        .iter()
        .filter_map(|g| {
            if key == *g {
                Some((2, g.len()))
            } else if padded.contains(&format!(" {g} ")) {
                Some((1, g.len()))
            } else {
                None
            }
        })
        .max()
}

/// Each field's column, best matches first, one column per field.
fn guess(header: &[String]) -> BTreeMap<usize, usize> {
    let repeated = |h: &str| {
        header
            .iter()
            .filter(|x| value_key(x) == value_key(h))
            .count()
            > 1
    };
    let mut pairs = Vec::new();
    for (fi, f) in FIELDS.iter().enumerate() {
        for (ci, h) in header.iter().enumerate() {
            if h.trim().is_empty() || repeated(h) || limits::MAPPING_TEXT.check(h.trim()).is_err() {
                continue;
            }
            if let Some(s) = score(f, h) {
                pairs.push((std::cmp::Reverse(s), fi, ci));
            }
        }
    }
    pairs.sort();
    let mut by_field = BTreeMap::new();
    for (_, fi, ci) in pairs {
        if !by_field.contains_key(&fi) && !by_field.values().any(|c| *c == ci) {
            by_field.insert(fi, ci);
        }
    }
    by_field
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn codes(f: &Field) -> String {
    let list: Vec<String> = f.codes.iter().map(|(c, m)| format!("{c} {m}")).collect();
    list.join(", ")
}

/// The formats the sample's dates are written in, and the dates none of them reads.
fn date_formats(values: &[&str]) -> (Vec<&'static str>, Vec<String>) {
    let mut used = Vec::new();
    let mut unread = Vec::new();
    for v in values {
        if SPREADSHEET_DATES.iter().any(|f| parse_date(v, f).is_some()) {
            continue;
        }
        match DATE_GUESSES.iter().find(|f| parse_date(v, f).is_some()) {
            Some(f) if !used.contains(f) => used.push(*f),
            Some(_) => {}
            None if unread.len() < 5 => unread.push((*v).to_owned()),
            None => {}
        }
    }
    used.sort_by_key(|f| DATE_GUESSES.iter().position(|g| g == f));
    (used, unread)
}

/// The heading row: of the first rows, the one most fields are guessed in.
fn heading_row(rows: &[(usize, Vec<String>)]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (_, cells)) in rows.iter().take(HEADING_SEARCH).enumerate() {
        let n = guess(cells).len();
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((i, n));
        }
    }
    best.map(|(i, _)| i)
}

/// The template's text.
pub fn template(sample: &Sample<'_>) -> String {
    let at = heading_row(sample.rows).unwrap_or(0);
    let (line, header) = sample
        .rows
        .get(at)
        .map_or((1, &[][..]), |(l, h)| (*l, h.as_slice()));
    let data: Vec<&Vec<String>> = sample
        .rows
        .iter()
        .skip(at + 1)
        .take(SAMPLE_ROWS)
        .map(|(_, cells)| cells)
        .collect();
    let columns = guess(header);
    let column_of = |f: &Field| {
        FIELDS
            .iter()
            .position(|x| x.name == f.name)
            .and_then(|fi| columns.get(&fi).copied())
    };
    let cells_of = |ci: usize| {
        data.iter()
            .filter_map(move |row| row.get(ci))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Tệp ánh xạ nhập hồ sơ, tạo từ tệp mẫu {} ({} dòng dữ liệu đã xem).",
        quote(sample.source),
        data.len()
    );
    out.push_str(
        "# Kiểm tra từng dòng, điền các chỗ còn trống (\"\") rồi dùng:\n\
         #   motcua import dossiers TỆP.csv --mapping TỆP_NÀY.toml --dry-run\n\
         # Tên cột so khớp không phân biệt hoa thường, giữ nguyên dấu.\n\n",
    );
    if let Some(sheet) = sample.sheet {
        let _ = writeln!(out, "sheet = {}", quote(sheet));
    }
    let _ = writeln!(out, "header_row = {line}  # dòng tiêu đề\n");
    let dates: Vec<&str> = FIELDS
        .iter()
        .filter(|f| f.kind == Kind::Date)
        .filter_map(column_of)
        .flat_map(cells_of)
        .collect();
    let (mut formats, unread) = date_formats(&dates);
    out.push_str(
        "# Định dạng ngày (chrono strftime), thử lần lượt; ô kiểu ngày của Excel luôn đọc được.\n",
    );
    if formats.is_empty() {
        out.push_str("# Tệp mẫu không cho đoán được; đây là dạng thường gặp.\n");
        formats = vec!["%d/%m/%Y %H:%M", "%d/%m/%Y"];
    }
    if !unread.is_empty() {
        let list: Vec<String> = unread.iter().map(|v| quote(v)).collect();
        let _ = writeln!(out, "# Chưa nhận ra dạng của: {}", list.join(", "));
    }
    let list: Vec<String> = formats.iter().map(|f| quote(f)).collect();
    let _ = writeln!(out, "date_format = [{}]\n", list.join(", "));

    out.push_str("[columns]\n# Trường của bản ghi = \"tên cột trong tệp\"\n");
    for f in FIELDS {
        match column_of(f).and_then(|ci| header.get(ci)) {
            Some(h) => {
                let _ = writeln!(out, "{} = {}  # {}", f.name, quote(h.trim()), f.label);
            }
            None => {
                let note = match f.kind {
                    Kind::Date => " (một cột có thể dùng cho hai trường ngày)",
                    _ => "",
                };
                let _ = writeln!(
                    out,
                    "# {} = \"\"  # {} — chưa đoán được cột{note}",
                    f.name, f.label
                );
            }
        }
    }
    let unused: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(ci, h)| !h.trim().is_empty() && !columns.values().any(|c| c == ci))
        .map(|(_, h)| quote(h.trim()))
        .collect();
    if !unused.is_empty() {
        let _ = writeln!(out, "# Các cột chưa dùng: {}", unused.join(", "));
    }

    out.push_str(
        "\n[fixed]\n# Giá trị cố định cho mọi dòng, cho trường tệp không có cột: bỏ dấu # và điền.\n",
    );
    // Dates and amounts differ from row to row: only a text field is the same on all.
    for f in FIELDS
        .iter()
        .filter(|f| f.kind == Kind::Text && column_of(f).is_none())
    {
        let hint = if f.codes.is_empty() {
            f.label.to_owned()
        } else {
            format!("{}: {}", f.label, codes(f))
        };
        let _ = writeln!(out, "# {} = \"\"  # {hint}", f.name);
    }

    for f in FIELDS.iter().filter(|f| !f.codes.is_empty()) {
        let Some(ci) = column_of(f) else { continue };
        let mut seen: Vec<(String, usize)> = Vec::new();
        for v in cells_of(ci) {
            let full = seen.len() >= MAX_DISTINCT;
            match seen.iter_mut().find(|(s, _)| value_key(s) == value_key(v)) {
                Some((_, n)) => *n += 1,
                None if !full && limits::MAPPING_TEXT.check(v).is_ok() => {
                    seen.push((v.to_owned(), 1));
                }
                None => {}
            }
        }
        if seen
            .iter()
            .all(|(v, _)| f.codes.iter().any(|(c, _)| c == v))
        {
            let _ = writeln!(
                out,
                "\n# Cột {} đã ghi mã của bản ghi ({}): không cần bảng [values.{}].",
                quote(header.get(ci).map_or("", |h| h.trim())),
                codes(f),
                f.name
            );
            continue;
        }
        let _ = writeln!(
            out,
            "\n[values.{}]\n# Điền mã của bản ghi cho từng giá trị của hệ thống cũ: {}.",
            f.name,
            codes(f)
        );
        for (v, n) in seen {
            // A value that already is a code stays itself; the others are the province's.
            let code = f.codes.iter().find(|(c, _)| *c == v).map_or("", |(c, _)| c);
            let _ = writeln!(out, "{} = \"{code}\"  # {n} dòng", quote(&v));
        }
    }
    out
}
