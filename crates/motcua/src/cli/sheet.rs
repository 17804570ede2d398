//! Reading a table a province exported — CSV (UTF-8: quoted fields, a byte order mark,
//! CRLF) or one worksheet of an XLSX — as rows of text, each with its line number as the
//! spreadsheet shows it (1 = the first line), blank rows left out. The land register's and
//! the dossiers' imports read their tables here, so a reject names the row a clerk sees.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use motcua_core::land::csv;
use motcua_core::land::import::Rows;

/// How a spreadsheet's date cells are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dates {
    /// The day alone, `YYYY-MM-DD` (the land register keeps days).
    Day,
    /// `YYYY-MM-DD HH:MM:SS` when the cell has a time of day, else the day alone
    /// (the formats of `motcua_core::import::SPREADSHEET_DATES`).
    Instant,
}

/// A CSV file's rows; a file that is not UTF-8 is refused with what to do about it.
pub fn read_csv(path: &Path) -> Result<Rows> {
    let bytes =
        std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow!(
            "{} không phải văn bản UTF-8: hãy lưu lại dưới dạng \"CSV UTF-8\"",
            path.display()
        )
    })?;
    csv::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// A worksheet's rows (the first when `sheet` is `None`) and the sheet's name.
pub fn read_xlsx(path: &Path, sheet: Option<&str>, dates: Dates) -> Result<(String, Rows)> {
    use calamine::{Reader as _, open_workbook_auto};
    let mut book =
        open_workbook_auto(path).with_context(|| format!("không mở được {}", path.display()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{} không có trang tính \"{wanted}\" (có: {})",
                    path.display(),
                    names.join(", ")
                )
            })?,
        None => match names.first() {
            Some(first) => first.clone(),
            None => bail!("{} không có trang tính nào", path.display()),
        },
    };
    let range = book
        .worksheet_range(&name)
        .with_context(|| format!("không đọc được trang {name} của {}", path.display()))?;
    // The range starts at its first used cell: count lines from the sheet's top.
    let top = range.start().map_or(0, |(row, _)| row as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| (top + i + 1, row.iter().map(|c| cell(c, dates)).collect()))
        .filter(|(_, cells): &(usize, Vec<String>)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    Ok((name, rows))
}

/// A spreadsheet cell as the text a CSV would hold (whole numbers without ".0").
fn cell(c: &calamine::Data, dates: Dates) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            match dates {
                Dates::Instant if (h, mi, s) != (0, 0, 0) => {
                    format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
                }
                _ => format!("{y:04}-{mo:02}-{day:02}"),
            }
        }
        Data::DateTimeIso(s) => match (dates, s.split_once('T')) {
            (Dates::Instant, Some((day, time))) if !time.starts_with("00:00:00") => {
                format!("{day} {}", time.chars().take(8).collect::<String>())
            }
            _ => s.chars().take(10).collect(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_cells_keep_their_time_when_asked() {
        use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
        // 45726.3375 is 2025-03-10 08:06 in Excel's count of days.
        let at = Data::DateTime(ExcelDateTime::new(
            45726.3375,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(cell(&at, Dates::Instant), "2025-03-10 08:06:00");
        assert_eq!(cell(&at, Dates::Day), "2025-03-10");
        let day = Data::DateTime(ExcelDateTime::new(
            45726.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(cell(&day, Dates::Instant), "2025-03-10");
        let iso = Data::DateTimeIso("2025-03-10T08:06:00".into());
        assert_eq!(cell(&iso, Dates::Instant), "2025-03-10 08:06:00");
        assert_eq!(
            cell(&Data::Float(52_190_000_042.0), Dates::Instant),
            "52190000042"
        );
    }

    #[test]
    fn a_csv_that_is_not_utf8_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        // "Số" in Windows-1258 is not UTF-8.
        std::fs::write(&path, b"S\xf4\xec,b\n1,2\n").unwrap();
        let e = read_csv(&path).unwrap_err().to_string();
        assert!(e.contains("CSV UTF-8"), "{e}");
    }
}
