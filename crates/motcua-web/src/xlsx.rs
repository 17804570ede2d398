//! A one-sheet Excel workbook (.xlsx, Office Open XML) written by hand: text cells, numbers as
//! numbers, merged header cells, borders, bold totals. An .xlsx is a zip of a few XML parts;
//! stored (uncompressed) entries are valid and keep this free of a compression crate. A report
//! of a few hundred rows is a few hundred kilobytes.

/// How a cell looks (indexes into the `cellXfs` of the styles part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Text with a border.
    Text = 1,
    /// A column heading: bold, centred, wrapped, bordered.
    Header = 2,
    /// A count with a border.
    Number = 3,
    /// A ratio shown as a percentage, bordered.
    Percent = 4,
    /// The totals row: bold, bordered.
    Total = 5,
    /// A title line: bold, no border.
    Title = 6,
    /// A line of text without a border (headings of the state layout, notes).
    Plain = 7,
}

/// A cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (a merged cell's hidden part).
    Empty,
    /// Text.
    Text(String, Style),
    /// A number.
    Number(f64, Style),
}

/// A sheet: rows of cells, merged ranges (first row, first column, last row, last column; from
/// 0), column widths in characters.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Name of the tab (at most 31 characters).
    pub name: String,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Merged ranges.
    pub merges: Vec<(usize, usize, usize, usize)>,
    /// Column widths.
    pub widths: Vec<f64>,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The column letters of a 0-based index (0 → A, 26 → AA).
fn column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + u8::try_from(i % 26).unwrap_or(0));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn cell_ref(row: usize, col: usize) -> String {
    format!("{}{}", column(col), row + 1)
}

fn sheet_xml(sheet: &Sheet) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if !sheet.widths.is_empty() {
        x.push_str("<cols>");
        for (i, w) in sheet.widths.iter().enumerate() {
            x.push_str(&format!(
                r#"<col min="{n}" max="{n}" width="{w}" customWidth="1"/>"#,
                n = i + 1
            ));
        }
        x.push_str("</cols>");
    }
    x.push_str("<sheetData>");
    for (r, row) in sheet.rows.iter().enumerate() {
        x.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = cell_ref(r, c);
            match cell {
                Cell::Empty => {}
                Cell::Text(t, s) => x.push_str(&format!(
                    r#"<c r="{at}" s="{}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    *s as u8,
                    escape(t)
                )),
                Cell::Number(n, s) => x.push_str(&format!(
                    r#"<c r="{at}" s="{}"><v>{}</v></c>"#,
                    *s as u8,
                    if n.is_finite() { *n } else { 0.0 }
                )),
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData>");
    if !sheet.merges.is_empty() {
        x.push_str(&format!(r#"<mergeCells count="{}">"#, sheet.merges.len()));
        for (r0, c0, r1, c1) in &sheet.merges {
            x.push_str(&format!(
                r#"<mergeCell ref="{}:{}"/>"#,
                cell_ref(*r0, *c0),
                cell_ref(*r1, *c1)
            ));
        }
        x.push_str("</mergeCells>");
    }
    x.push_str(r#"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>"#);
    x
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Times New Roman"/></font><font><b/><sz val="11"/><name val="Times New Roman"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"><alignment vertical="center" wrapText="1"/></xf><xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf numFmtId="3" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="10" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="3" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="center"/></xf></cellXfs></styleSheet>"#;

/// The workbook's bytes.
pub fn workbook(sheet: &Sheet) -> Vec<u8> {
    let name: String = escape(&sheet.name).chars().take(31).collect();
    let parts: [(&str, String); 6] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.into(),
        ),
        ("xl/styles.xml", STYLES.into()),
        ("xl/worksheets/sheet1.xml", sheet_xml(sheet)),
    ];
    zip_stored(&parts)
}

/// CRC-32 (IEEE), as zip wants it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive of stored entries (no compression).
fn zip_stored(parts: &[(&str, String)]) -> Vec<u8> {
    let u16le = |v: usize| u16::try_from(v).unwrap_or(u16::MAX).to_le_bytes();
    let u32le = |v: usize| u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes();
    // 1 January 2026, 00:00, in DOS form: a fixed date keeps the bytes repeatable.
    let (time, date) = (0u16, ((2026 - 1980) << 9 | 1 << 5 | 1) as u16);
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in parts {
        let data = body.as_bytes();
        let crc = crc32(data).to_le_bytes();
        let offset = out.len();
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&time.to_le_bytes());
        out.extend_from_slice(&date.to_le_bytes());
        out.extend_from_slice(&crc);
        out.extend_from_slice(&u32le(data.len()));
        out.extend_from_slice(&u32le(data.len()));
        out.extend_from_slice(&u16le(name.len()));
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&time.to_le_bytes());
        central.extend_from_slice(&date.to_le_bytes());
        central.extend_from_slice(&crc);
        central.extend_from_slice(&u32le(data.len()));
        central.extend_from_slice(&u32le(data.len()));
        central.extend_from_slice(&u16le(name.len()));
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&u32le(offset));
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&u16le(parts.len()));
    out.extend_from_slice(&u16le(parts.len()));
    out.extend_from_slice(&u32le(central.len()));
    out.extend_from_slice(&u32le(central_offset));
    out.extend_from_slice(&[0, 0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_columns_are_the_standard_ones() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(cell_ref(2, 27), "AB3");
    }

    #[test]
    fn a_workbook_is_a_zip_with_the_sheet_inside() {
        let sheet = Sheet {
            name: "Báo cáo".into(),
            rows: vec![vec![
                Cell::Text("Cơ quan <1> & \"2\"".into(), Style::Header),
                Cell::Number(3.0, Style::Number),
            ]],
            merges: vec![(0, 0, 1, 0)],
            widths: vec![30.0, 8.0],
        };
        let bytes = workbook(&sheet);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Cơ quan &lt;1&gt; &amp; &quot;2&quot;"));
        assert!(text.contains(r#"<c r="B1" s="3"><v>3</v></c>"#));
        assert!(text.contains(r#"<mergeCell ref="A1:A2"/>"#));
    }
}
