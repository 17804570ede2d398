//! What a stored file must be, read from its content, not its first bytes: a PDF whose object
//! structure parses (every object closed, a root catalogue that exists), with no script,
//! launch action or embedded file, and whose compressed streams inflate within a bound; a PNG
//! or JPEG whose structure reads to its end and whose picture is within the pixel limit (PNG
//! data is inflated, bounded by what its size needs). Markup anywhere in a file (HTML, SVG,
//! script) marks a polyglot and is refused: a scan never carries it.

use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;

use crate::files::Kind;

/// Pixels at most: an A4 page scanned at 600 dpi is 35 million.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Width or height at most.
pub const MAX_SIDE: u64 = 20_000;
/// What all of a PDF's compressed streams may inflate to together, and one of them (held in
/// memory while it is checked).
const MAX_INFLATED: usize = 256 * 1024 * 1024;
const MAX_STREAM: usize = 64 * 1024 * 1024;

/// The file's kind if it is a well-formed scan, or why not (Vietnamese, for the person who
/// sent it).
pub fn check(bytes: &[u8]) -> Result<Kind, String> {
    let kind =
        Kind::sniff(bytes).ok_or("Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)")?;
    if let Some(marker) = markup(bytes) {
        return Err(format!(
            "Tệp chứa mã {marker} (tệp ghép nhiều loại); không nhận tệp này"
        ));
    }
    match kind {
        Kind::Pdf => pdf(bytes),
        Kind::Png => png(bytes),
        Kind::Jpeg => jpeg(bytes),
    }
    .map(|()| kind)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Markup that makes a file something else too.
fn markup(bytes: &[u8]) -> Option<&'static str> {
    const MARKERS: [(&[u8], &str); 6] = [
        (b"<html", "HTML"),
        (b"<!doctype", "HTML"),
        (b"<script", "script"),
        (b"<svg", "SVG"),
        (b"<?php", "PHP"),
        (b"<iframe", "HTML"),
    ];
    MARKERS
        .iter()
        .find(|(m, _)| find_ci(bytes, m))
        .map(|(_, name)| *name)
}

fn pdf(bytes: &[u8]) -> Result<(), String> {
    let broken = |why: &str| Err(format!("Tệp PDF hỏng hoặc không hợp lệ: {why}"));
    let tail = bytes
        .get(bytes.len().saturating_sub(1024)..)
        .unwrap_or(bytes);
    if find(tail, b"%%EOF").is_none() {
        return broken("thiếu dấu kết thúc %%EOF");
    }
    for (name, what) in [
        (&b"/JavaScript"[..], "mã JavaScript"),
        (b"/JS", "mã JavaScript"),
        (b"/Launch", "lệnh chạy chương trình"),
        (b"/EmbeddedFile", "tệp nhúng"),
        (b"/RichMedia", "nội dung đa phương tiện"),
        (b"/XFA", "biểu mẫu XFA"),
    ] {
        if find(bytes, name).is_some() {
            return Err(format!("Tệp PDF chứa {what}; không nhận tệp này"));
        }
    }
    // The objects: each "N G obj" closed by "endobj"; the root catalogue among them.
    let (opened, closed) = (count(bytes, b" obj"), count(bytes, b"endobj"));
    if opened == 0 || opened != closed {
        return broken("cấu trúc đối tượng không khép kín");
    }
    let Some(root) = find(bytes, b"/Root").and_then(|i| bytes.get(i + 5..)) else {
        return broken("không có mục gốc (/Root)");
    };
    let number: String = root
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| char::from(*b))
        .collect();
    let header = format!("{number} 0 obj");
    let Some(at) = (!number.is_empty())
        .then(|| find(bytes, header.as_bytes()))
        .flatten()
    else {
        return broken("mục gốc không trỏ tới đối tượng nào");
    };
    let object = bytes.get(at..).unwrap_or_default();
    let end = find(object, b"endobj").unwrap_or(object.len());
    let root_object = object.get(..end).unwrap_or_default();
    if find(root_object, b"/Catalog").is_none() {
        return broken("mục gốc không phải danh mục tài liệu");
    }
    inflate_streams(bytes).map_err(|why| format!("Tệp PDF không hợp lệ: {why}"))
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Inflates every Flate stream, all together within [`MAX_INFLATED`]: a small file that
/// unpacks to gigabytes (a decompression bomb) is refused before it is stored.
fn inflate_streams(bytes: &[u8]) -> Result<(), String> {
    let mut budget = MAX_INFLATED;
    let mut rest = bytes;
    while let Some(start) = find(rest, b"stream") {
        let before = rest.get(..start).unwrap_or_default();
        let after = rest.get(start + 6..).unwrap_or_default();
        // "endstream" also contains "stream": skip it.
        if before.ends_with(b"end") {
            rest = after;
            continue;
        }
        let body_start = match after {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] => 1,
            _ => 0,
        };
        let Some(len) = find(after, b"endstream") else {
            return Err("luồng dữ liệu không khép kín".into());
        };
        let body = after.get(body_start.min(len)..len).unwrap_or_default();
        let dict_start = before.len().saturating_sub(2048);
        let dict = before.get(dict_start..).unwrap_or_default();
        if find(dict, b"/FlateDecode").is_some() {
            let data = body.trim_ascii_end();
            let inflated = decompress_to_vec_zlib_with_limit(data, budget.min(MAX_STREAM))
                .map_err(|e| {
                    if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
                        "nội dung nén giải ra quá lớn (nghi tệp bom nén)".to_owned()
                    } else {
                        "luồng nén bị hỏng".to_owned()
                    }
                })?;
            budget -= inflated.len();
        }
        rest = after.get(len + 9..).unwrap_or_default();
    }
    Ok(())
}

fn pixels(width: u64, height: u64) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err("Ảnh không có kích thước".into());
    }
    if width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS {
        return Err(format!(
            "Ảnh {width}×{height} điểm ảnh quá lớn (tối đa {} triệu điểm ảnh, mỗi cạnh {MAX_SIDE})",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn be32(b: &[u8], at: usize) -> Option<u64> {
    let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u64::from(u32::from_be_bytes(s)))
}

fn png(bytes: &[u8]) -> Result<(), String> {
    let broken = || "Tệp PNG hỏng hoặc không hợp lệ".to_owned();
    let mut at = 8;
    let (mut width, mut height, mut per_row) = (0u64, 0u64, 0u64);
    let mut data = Vec::new();
    loop {
        let len = usize::try_from(be32(bytes, at).ok_or_else(broken)?).map_err(|_| broken())?;
        let kind = bytes.get(at + 4..at + 8).ok_or_else(broken)?;
        let body = bytes.get(at + 8..at + 8 + len).ok_or_else(broken)?;
        bytes.get(at + 8 + len..at + 12 + len).ok_or_else(broken)?;
        match kind {
            b"IHDR" => {
                width = be32(body, 0).ok_or_else(broken)?;
                height = be32(body, 4).ok_or_else(broken)?;
                pixels(width, height)?;
                let depth = u64::from(*body.get(8).ok_or_else(broken)?);
                let channels = match body.get(9) {
                    Some(0 | 3) => 1,
                    Some(4) => 2,
                    Some(2) => 3,
                    Some(6) => 4,
                    _ => return Err(broken()),
                };
                per_row = 1 + (width * depth * channels).div_ceil(8);
            }
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    if width == 0 {
        return Err(broken());
    }
    // An interlaced picture needs a little more than a plain one: a small margin covers it.
    let needed = usize::try_from(per_row * height + height * 8 + 1024).map_err(|_| broken())?;
    let inflated = decompress_to_vec_zlib_with_limit(&data, needed).map_err(|_| broken())?;
    if inflated.is_empty() {
        return Err(broken());
    }
    Ok(())
}

fn jpeg(bytes: &[u8]) -> Result<(), String> {
    let broken = || "Tệp JPEG hỏng hoặc không hợp lệ".to_owned();
    let mut at = 2;
    let mut size = None;
    loop {
        let (Some(0xFF), Some(marker)) = (bytes.get(at).copied(), bytes.get(at + 1).copied())
        else {
            return Err(broken());
        };
        if marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2).ok_or_else(broken)?,
            *bytes.get(at + 3).ok_or_else(broken)?,
        ]));
        let segment = bytes.get(at + 4..at + 2 + len).ok_or_else(broken)?;
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let height = u64::from(u16::from_be_bytes([
                *segment.get(1).ok_or_else(broken)?,
                *segment.get(2).ok_or_else(broken)?,
            ]));
            let width = u64::from(u16::from_be_bytes([
                *segment.get(3).ok_or_else(broken)?,
                *segment.get(4).ok_or_else(broken)?,
            ]));
            pixels(width, height)?;
            size = Some((width, height));
        }
        at += 2 + len;
        if marker == 0xDA {
            // The entropy-coded data runs to the end marker.
            let tail = bytes.get(at..).ok_or_else(broken)?;
            return match (size, find(tail, &[0xFF, 0xD9])) {
                (Some(_), Some(_)) => Ok(()),
                _ => Err(broken()),
            };
        }
    }
    size.map(|_| ()).ok_or_else(broken)
}

#[cfg(test)]
mod tests {
    use miniz_oxide::deflate::compress_to_vec_zlib;

    use super::*;
    use crate::sample_pdf::one_page_pdf;

    fn chunk(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut c = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(body);
        c.extend_from_slice(&[0, 0, 0, 0]); // CRC: not what is checked here
        c
    }

    fn png(width: u32, height: u32, data: &[u8]) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey
        let mut f = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        f.extend(chunk(b"IHDR", &ihdr));
        f.extend(chunk(b"IDAT", &compress_to_vec_zlib(data, 6)));
        f.extend(chunk(b"IEND", &[]));
        f
    }

    fn jpeg(width: u16, height: u16, end: bool) -> Vec<u8> {
        let mut f = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8];
        f.extend_from_slice(&height.to_be_bytes());
        f.extend_from_slice(&width.to_be_bytes());
        f.extend_from_slice(&[1, 1, 0x11, 0]);
        f.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34]);
        if end {
            f.extend_from_slice(&[0xFF, 0xD9]);
        }
        f
    }

    #[test]
    fn a_real_pdf_passes_and_a_header_alone_does_not() {
        assert_eq!(check(&one_page_pdf("ok")), Ok(Kind::Pdf));
        assert!(check(b"%PDF-1.7\n% nothing else\n").is_err());
        let mut truncated = one_page_pdf("ok");
        truncated.truncate(truncated.len() - 40);
        assert!(check(&truncated).is_err(), "cut before %%EOF");
    }

    #[test]
    fn polyglots_scripts_and_launch_actions_are_refused() {
        let mut html = one_page_pdf("ok");
        html.extend_from_slice(b"<html><script>alert(1)</script></html>\n%%EOF\n");
        assert!(check(&html).unwrap_err().contains("HTML"));
        let svg = b"%PDF-1.4\n<svg onload=alert(1)>\n%%EOF".to_vec();
        assert!(check(&svg).unwrap_err().contains("SVG"));
        let text = String::from_utf8(one_page_pdf("ok")).unwrap();
        let js = text.replace(
            "/Type /Catalog",
            "/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        );
        assert!(check(js.as_bytes()).unwrap_err().contains("JavaScript"));
        let launch = text.replace(
            "/Type /Catalog",
            "/Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >>",
        );
        assert!(check(launch.as_bytes()).is_err());
    }

    #[test]
    fn a_flate_bomb_is_refused_before_it_is_unpacked_whole() {
        // 100 MiB of zeros (over the 64 MiB a stream may hold) packs into a few hundred KiB.
        let zeros = vec![0u8; 100 * 1024 * 1024];
        let packed = compress_to_vec_zlib(&zeros, 9);
        drop(zeros);
        assert!(packed.len() < 1024 * 1024);
        let mut f =
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Length ".to_vec();
        f.extend_from_slice(
            format!("{} /Filter /FlateDecode >>\nstream\n", packed.len()).as_bytes(),
        );
        f.extend_from_slice(&packed);
        f.extend_from_slice(b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        assert!(check(&f).unwrap_err().contains("bom nén"));
    }

    #[test]
    fn images_are_read_to_their_end_within_the_pixel_limit() {
        let rows: Vec<u8> = (0..4).flat_map(|_| [0u8, 10, 20, 30, 40]).collect();
        assert_eq!(check(&png(4, 4, &rows)), Ok(Kind::Png));
        assert!(
            check(&png(50_000, 50_000, &rows))
                .unwrap_err()
                .contains("quá lớn")
        );
        // A PNG whose data unpacks to far more than its size needs (a bomb).
        assert!(check(&png(4, 4, &vec![0u8; 10_000_000])).is_err());
        let mut cut = png(4, 4, &rows);
        cut.truncate(cut.len() - 12);
        assert!(check(&cut).is_err(), "no IEND");
        assert_eq!(check(&jpeg(800, 600, true)), Ok(Kind::Jpeg));
        assert!(check(&jpeg(800, 600, false)).is_err(), "no end marker");
        assert!(check(&jpeg(60_000, 60_000, true)).is_err());
    }
}
