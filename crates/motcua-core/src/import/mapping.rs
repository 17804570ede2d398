//! A province's mapping from its old system's table export (CSV or XLSX, one dossier a row)
//! to the portal's record (`DongBoHoSoMC`): which column holds which field, how the old
//! values translate into the record's codes, how dates are written, and what is the same on
//! every row. A row becomes a record that [`super::read_record`] then reads unchanged, so
//! every check stays in one place; what only the mapping can find (a value missing from a
//! table, a date in another format) is a [`Problem`] named by the field.
//!
//! Must not: read files (the caller hands over the text and the cells) or check what the
//! record reader checks.

use std::collections::BTreeMap;

use chrono::format::{Item, StrftimeItems};
use chrono::{NaiveTime, Timelike as _};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::Problem;
use super::fields::{FIELDS, Field, Kind, SPREADSHEET_DATES, field, parse_date};
use super::record::STAMP;
use crate::limits::{self, Limit};

/// The date formats when a mapping names none: how Vietnamese offices write them.
const DEFAULT_DATES: [&str; 3] = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"];

/// The fee's name when the export has only its amount.
const FEE_NAME: &str = "Phí, lệ phí";

/// A mapping, checked.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The worksheet to read (XLSX); the first when absent.
    pub sheet: Option<String>,
    /// The heading row's line; the first non-empty row when absent.
    pub header_row: Option<usize>,
    dates: Vec<String>,
    columns: Vec<(&'static Field, String)>,
    /// Field → old value's key ([`value_key`]) → the record's value.
    values: BTreeMap<&'static str, BTreeMap<String, String>>,
    fixed: Vec<(&'static Field, String)>,
}

/// A TOML scalar a province may write as text or as a number (`KenhThucHien = 1`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(i64),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Formats {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    sheet: Option<String>,
    header_row: Option<usize>,
    date_format: Option<Formats>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, Scalar>>,
    #[serde(default)]
    fixed: BTreeMap<String, Scalar>,
}

/// How an old value is looked up: trimmed and lower-cased, diacritics kept ("Trực tiếp" and
/// "trực tiếp" are one value, "Truc tiep" another).
pub fn value_key(text: &str) -> String {
    text.trim().to_lowercase()
}

fn known(section: &str, name: &str) -> Result<&'static Field, String> {
    field(name).ok_or_else(|| {
        let all: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        format!(
            "[{section}]: trường \"{name}\" không có trong bản ghi DongBoHoSoMC (các trường: {})",
            all.join(", ")
        )
    })
}

fn checked(section: &str, limit: Limit, text: String) -> Result<String, String> {
    limit
        .check(&text)
        .map_err(|e| format!("[{section}]: {e}"))?;
    Ok(text)
}

/// Reads a mapping file's text; the first mistake, in Vietnamese, naming its section.
pub fn parse_mapping(text: &str) -> Result<Mapping, String> {
    let raw: Raw =
        toml::from_str(text).map_err(|e| format!("tệp ánh xạ không đúng cú pháp TOML: {e}"))?;
    let sheet = raw
        .sheet
        .map(|s| checked("sheet", limits::SHEET_NAME, s.trim().to_owned()))
        .transpose()?;
    if raw.header_row == Some(0) {
        return Err("header_row: số dòng tiêu đề bắt đầu từ 1".into());
    }
    let dates = match raw.date_format {
        None => DEFAULT_DATES.map(str::to_owned).to_vec(),
        Some(Formats::One(f)) => vec![f],
        Some(Formats::Many(fs)) => fs,
    };
    if dates.is_empty() || dates.len() > limits::MAX_MAPPED_VALUES {
        return Err("date_format: cần ít nhất một định dạng ngày".into());
    }
    for f in &dates {
        limits::DATE_FORMAT
            .check(f)
            .map_err(|e| format!("date_format: {e}"))?;
        if f.trim().is_empty() || StrftimeItems::new(f).any(|i| i == Item::Error) {
            return Err(format!(
                "date_format: \"{f}\" không phải định dạng ngày hợp lệ (ví dụ \"%d/%m/%Y %H:%M\")"
            ));
        }
    }
    let mut columns = Vec::new();
    for (name, heading) in raw.columns {
        let f = known("columns", &name)?;
        let heading = checked("columns", limits::MAPPING_TEXT, heading.trim().to_owned())?;
        if heading.is_empty() {
            return Err(format!("[columns]: {name} chưa có tên cột"));
        }
        columns.push((f, heading));
    }
    let mut fixed = Vec::new();
    for (name, value) in raw.fixed {
        let f = known("fixed", &name)?;
        if columns.iter().any(|(c, _)| c.name == f.name) {
            return Err(format!(
                "[fixed]: {name} đã lấy từ cột trong [columns], không thể vừa cố định"
            ));
        }
        fixed.push((
            f,
            checked("fixed", limits::MAPPING_TEXT, value.into_text())?,
        ));
    }
    let mut values = BTreeMap::new();
    for (name, table) in raw.values {
        let section = format!("values.{name}");
        let f = known(&section, &name)?;
        if !columns.iter().any(|(c, _)| c.name == f.name) {
            return Err(format!(
                "[{section}]: {name} không lấy từ cột nào trong [columns]"
            ));
        }
        if table.len() > limits::MAX_MAPPED_VALUES {
            return Err(format!(
                "[{section}]: {} giá trị, tối đa {}",
                table.len(),
                limits::MAX_MAPPED_VALUES
            ));
        }
        let mut translated = BTreeMap::new();
        for (old, new) in table {
            let old = checked(&section, limits::MAPPING_TEXT, old)?;
            let new = checked(
                &section,
                limits::MAPPING_TEXT,
                new.into_text().trim().to_owned(),
            )?;
            if new.is_empty() {
                return Err(format!(
                    "[{section}]: \"{old}\" chưa điền giá trị tương ứng"
                ));
            }
            if translated.insert(value_key(&old), new).is_some() {
                return Err(format!("[{section}]: \"{old}\" có hai lần"));
            }
        }
        values.insert(f.name, translated);
    }
    Ok(Mapping {
        sheet,
        header_row: raw.header_row,
        dates,
        columns,
        values,
        fixed,
    })
}

/// A mapping placed on a heading row: the column of each mapped field.
#[derive(Debug)]
pub struct Located<'m> {
    mapping: &'m Mapping,
    at: Vec<(&'static Field, usize)>,
}

impl Mapping {
    /// Finds each mapped column in the heading row (trimmed, any case, diacritics kept);
    /// every missing or repeated one named.
    pub fn locate(&self, header: &[String]) -> Result<Located<'_>, String> {
        let mut at = Vec::new();
        let mut missing = Vec::new();
        for (f, heading) in &self.columns {
            let wanted = value_key(heading);
            let found: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| value_key(h) == wanted)
                .map(|(i, _)| i)
                .collect();
            match found.as_slice() {
                [i] => at.push((*f, *i)),
                [] => missing.push(format!("\"{heading}\" (cho {})", f.name)),
                _ => {
                    return Err(format!(
                        "cột \"{heading}\" (cho {}) xuất hiện {} lần trong dòng tiêu đề",
                        f.name,
                        found.len()
                    ));
                }
            }
        }
        if !missing.is_empty() {
            return Err(format!("dòng tiêu đề thiếu cột: {}", missing.join(", ")));
        }
        Ok(Located { mapping: self, at })
    }

    /// `text` in the record's instant format; a date alone is the start of its day, or
    /// for the due date its end (an appointment "on the 24th" is kept if met that day).
    fn stamp(&self, f: &Field, text: &str) -> Option<String> {
        let formats = self.dates.iter().map(String::as_str);
        let (at, timed) = formats
            .chain(SPREADSHEET_DATES)
            .find_map(|format| parse_date(text, format))?;
        let at = match (timed, f.name) {
            (false, "NgayHenTra") => at.date().and_time(NaiveTime::from_hms_opt(23, 59, 59)?),
            _ => at.with_nanosecond(0)?,
        };
        Some(at.format(STAMP).to_string())
    }
}

impl Located<'_> {
    /// One data row as a record, and what the mapping could not translate. A cell past the
    /// row's end is empty.
    pub fn record(&self, cells: &[String]) -> (Value, Vec<Problem>) {
        let m = self.mapping;
        let mut obj = Map::new();
        let mut problems = Vec::new();
        let mut refuse = |field: &str, reason: String| {
            problems.push(Problem {
                field: field.to_owned(),
                reason,
            });
        };
        for (f, i) in &self.at {
            let raw = cells.get(*i).map_or("", |c| c.trim());
            let text = match m.values.get(f.name) {
                Some(table) => match table.get(&value_key(raw)) {
                    Some(new) => new.clone(),
                    None if raw.is_empty() => String::new(),
                    None => {
                        refuse(
                            f.name,
                            format!(
                                "giá trị \"{}\" không có trong bảng [values.{}] của tệp ánh xạ",
                                shorten(raw),
                                f.name
                            ),
                        );
                        continue;
                    }
                },
                None => raw.to_owned(),
            };
            let text = match f.kind {
                Kind::Date if !text.is_empty() => match m.stamp(f, &text) {
                    Some(stamp) => stamp,
                    None => {
                        refuse(
                            f.name,
                            format!(
                                "\"{}\" không đúng định dạng ngày của tệp ánh xạ ({})",
                                shorten(&text),
                                m.dates.join(" hoặc ")
                            ),
                        );
                        continue;
                    }
                },
                _ => text,
            };
            obj.insert(f.name.to_owned(), Value::String(text));
        }
        for (f, value) in &m.fixed {
            obj.insert(f.name.to_owned(), Value::String(value.clone()));
        }
        restore_zeros(&mut obj);
        if let Err(reason) = fee(&mut obj) {
            refuse("LePhi", reason);
        }
        (Value::Object(obj), problems)
    }
}

/// A long cell cut for a message.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(60).collect();
    cut.push('…');
    cut
}

/// A spreadsheet that stored an identity number or a tax code as a number dropped its
/// leading zeros (a personal number is 12 digits, a tax code 10): put them back.
fn restore_zeros(obj: &mut Map<String, Value>) {
    let width = match obj.get("LoaiDoiTuong").and_then(Value::as_str) {
        Some("1") => 12,
        Some("2") => 10,
        _ => return,
    };
    if let Some(Value::String(number)) = obj.get_mut("MaDoiTuong")
        && !number.is_empty()
        && number.len() < width
        && number.chars().all(|c| c.is_ascii_digit())
    {
        *number = format!("{number:0>width$}");
    }
}

/// Moves the fee's columns into the record's fee list: one charge when the amount is not
/// empty or zero.
fn fee(obj: &mut Map<String, Value>) -> Result<(), String> {
    let mut take = |name: &str| match obj.remove(name) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let (amount, name, code) = (take("LePhi"), take("TenPhiLePhi"), take("MaPhiLePhi"));
    let amount = amount.trim();
    if amount.chars().all(|c| matches!(c, '0' | '.' | ',')) {
        return Ok(());
    }
    let Some(amount) = crate::land::import::money(amount) else {
        return Err(format!(
            "\"{}\" không phải số tiền (đồng, số nguyên, ví dụ 50000 hoặc 50.000)",
            shorten(amount)
        ));
    };
    let name = if name.is_empty() {
        FEE_NAME.to_owned()
    } else {
        name
    };
    obj.insert(
        "DanhSachLePhi".into(),
        json!([{"MaPhiLePhi": code, "TenPhiLePhi": name, "Gia": amount}]),
    );
    Ok(())
}
