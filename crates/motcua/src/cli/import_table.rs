//! Table exports for `motcua import dossiers --mapping FILE` (CSV or XLSX, one dossier a
//! row) and `motcua import template SAMPLE`: the files are read here; what a row means is
//! the mapping's business (`motcua_core::import::Mapping`), so the import checks a mapped row
//! exactly as it checks a portal record.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use motcua_app::ImportRecord;
use motcua_core::import::{Mapping, SAMPLE_ROWS, Sample, parse_mapping, template};
use motcua_core::land::import::Rows;

use super::Ctx;
use super::sheet::{self, Dates};

/// A mapping file is a few kilobytes; anything near this is not one.
const MAX_MAPPING_BYTES: u64 = 1 << 20;

/// Whether `extension` (lower case) is a table the mapping reads.
pub fn is_table(extension: &str) -> bool {
    matches!(extension, "csv" | "xlsx")
}

/// Reads and checks a mapping file.
pub fn load_mapping(path: &Path) -> Result<Mapping> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("không đọc được tệp ánh xạ {}", path.display()))?
        .len();
    if size > MAX_MAPPING_BYTES {
        bail!("{}: tệp ánh xạ quá lớn ({size} byte)", path.display());
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được tệp ánh xạ {} (cần UTF-8)", path.display()))?;
    parse_mapping(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// A table's rows and, for a workbook, the sheet read.
fn read_rows(path: &Path, sheet: Option<&str>) -> Result<(Option<String>, Rows)> {
    match super::import::extension(path).as_str() {
        "csv" => Ok((None, sheet::read_csv(path)?)),
        "xlsx" => {
            let (name, rows) = sheet::read_xlsx(path, sheet, Dates::Instant)?;
            Ok((Some(name), rows))
        }
        _ => bail!("{}: chỉ đọc được tệp .csv hoặc .xlsx", path.display()),
    }
}

/// Every data row of a table as a record, numbered by its line; a mapped column missing
/// from the heading row stops the import before any row is read.
pub fn table_records(path: &Path, mapping: &Mapping) -> Result<Vec<ImportRecord>> {
    let (_, rows) = read_rows(path, mapping.sheet.as_deref())?;
    let file = path.display().to_string();
    let at = match mapping.header_row {
        Some(line) => rows
            .iter()
            .position(|(l, _)| *l == line)
            .ok_or_else(|| anyhow!("{file}: dòng tiêu đề {line} trống hoặc không có"))?,
        None => 0,
    };
    let Some((_, header)) = rows.get(at) else {
        bail!("{file}: tệp không có dòng nào");
    };
    let located = mapping.locate(header).map_err(|e| anyhow!("{file}: {e}"))?;
    Ok(rows
        .iter()
        .skip(at + 1)
        .map(|(line, cells)| {
            let (value, problems) = located.record(cells);
            ImportRecord {
                file: file.clone(),
                row: *line,
                value,
                problems,
                files: Default::default(),
            }
        })
        .collect())
}

/// `motcua import template`: a first mapping guessed from a sample, printed or written to
/// `out` (never over an existing file: it may be a province's filled mapping).
pub fn write_template(
    ctx: &Ctx,
    sample: &Path,
    sheet: Option<&str>,
    out: Option<&Path>,
) -> Result<()> {
    let (sheet, mut rows) = read_rows(sample, sheet)?;
    // The heading row is looked for among the first rows; the sample follows it.
    rows.truncate(SAMPLE_ROWS + 20);
    let source = sample.file_name().map_or_else(
        || sample.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = template(&Sample {
        source: &source,
        sheet: sheet.as_deref(),
        rows: &rows,
    });
    let Some(out) = out else {
        return ctx.print(text.trim_end());
    };
    if out.exists() {
        bail!(
            "đã có tệp {}: không ghi đè, hãy chọn --out khác",
            out.display()
        );
    }
    std::fs::write(out, &text).with_context(|| format!("không ghi được {}", out.display()))?;
    if ctx.json {
        return ctx.print_json(&serde_json::json!({ "written": out.display().to_string() }));
    }
    ctx.print(&format!(
        "Đã ghi tệp ánh xạ mẫu {}: kiểm tra từng dòng, điền các chỗ còn trống rồi dùng với --mapping.",
        out.display()
    ))
}
