//! A province's table export through its mapping: rows become records the reader accepts,
//! and what the mapping cannot translate is named by field.

use serde_json::json;

use super::*;
use crate::dossier::Status;

const MAPPING: &str = r#"
date_format = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]

[columns]
MaHoSo = "Số hồ sơ"
MaTTHC = "Mã thủ tục"
ChuHoSo = "Người nộp"
LoaiDoiTuong = "Loại"
MaDoiTuong = "Số CCCD"
NgayNopHoSo = "Ngày nộp"
NgayTiepNhan = "Ngày nhận"
NgayTra = "Ngày trả"
NgayHenTra = "Ngày hẹn trả"
TrangThaiHoSo = "Trạng thái"
KenhThucHien = "Kênh"
LePhi = "Lệ phí"

[fixed]
DonViTiepNhan = "000.00.12.H48"
DonViXuLy = "000.00.12.H48"

[values.TrangThaiHoSo]
"Đã trả kết quả" = "10"
"Đang xử lý" = 4

[values.KenhThucHien]
"Trực tiếp" = "1"
"Trực tuyến" = "2"

[values.LoaiDoiTuong]
"Công dân" = "1"
"#;

fn header() -> Vec<String> {
    [
        "STT",
        " số hồ sơ ",
        "Mã thủ tục",
        "Người nộp",
        "Loại",
        "Số CCCD",
        "Ngày nộp",
        "Ngày nhận",
        "Ngày trả",
        "Ngày hẹn trả",
        "TRẠNG THÁI",
        "Kênh",
        "Lệ phí",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn row(status: &str, submitted: &str) -> Vec<String> {
    [
        "1",
        "BD-1",
        "1.003877",
        "Trần Thị Bình",
        "công dân",
        "52190000042",
        submitted,
        submitted,
        "21/03/2025 08:00",
        "24/03/2025",
        status,
        "Trực tiếp",
        "50.000",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn a_mapped_row_is_a_record_the_reader_accepts() {
    let m = parse_mapping(MAPPING).unwrap();
    let table = m.locate(&header()).unwrap();
    let (value, problems) = table.record(&row("đã trả kết quả", "10/03/2025 08:05"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(value["NgayNopHoSo"], "20250310080500");
    // A due date alone is kept until the end of its day.
    assert_eq!(value["NgayHenTra"], "20250324235959");
    assert_eq!(value["TrangThaiHoSo"], "10");
    // The spreadsheet dropped the personal number's leading zero.
    assert_eq!(value["MaDoiTuong"], "052190000042");
    assert_eq!(
        value["DanhSachLePhi"],
        json!([{"MaPhiLePhi": "", "TenPhiLePhi": "Phí, lệ phí", "Gia": 50000}])
    );
    let legacy = read_record(&value).unwrap();
    assert_eq!(legacy.status, Status::Returned);
    assert_eq!(legacy.receiving, "000.00.12.H48");
    assert_eq!(legacy.fees.first().map(|f| f.amount), Some(50_000));
}

#[test]
fn a_value_missing_from_its_table_is_named_with_the_field() {
    let m = parse_mapping(MAPPING).unwrap();
    let (_, problems) = m
        .locate(&header())
        .unwrap()
        .record(&row("Chờ ký", "10/03/2025"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "TrangThaiHoSo");
    assert!(problems[0].reason.contains("\"Chờ ký\""), "{problems:?}");
}

#[test]
fn a_date_in_another_format_is_named_with_the_field() {
    let m = parse_mapping(MAPPING).unwrap();
    let table = m.locate(&header()).unwrap();
    let (_, problems) = table.record(&row("Đang xử lý", "2025/03/10"));
    assert_eq!(problems[0].field, "NgayNopHoSo");
    assert!(problems[0].reason.contains("%d/%m/%Y"), "{problems:?}");
    // A spreadsheet's own date cell is read whatever the format.
    let (value, problems) = table.record(&row("Đang xử lý", "2025-03-10 08:00:00"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(value["NgayNopHoSo"], "20250310080000");
}

#[test]
fn a_missing_column_is_named_before_any_row() {
    let m = parse_mapping(MAPPING).unwrap();
    let mut h = header();
    h.retain(|c| c != "Kênh" && c != "Lệ phí");
    let e = m.locate(&h).unwrap_err();
    assert!(e.contains("\"Kênh\" (cho KenhThucHien)"), "{e}");
    assert!(e.contains("\"Lệ phí\" (cho LePhi)"), "{e}");
}

#[test]
fn fixed_fields_fill_every_row_and_mistakes_in_the_file_are_named() {
    let m = parse_mapping(
        "[columns]\nMaHoSo = \"Mã\"\n[fixed]\nKenhThucHien = 1\nTrangThaiHoSo = \"4\"\n",
    )
    .unwrap();
    let (value, problems) = m.locate(&["mã".into()]).unwrap().record(&["X-1".into()]);
    assert!(problems.is_empty());
    assert_eq!(
        value,
        json!({"MaHoSo": "X-1", "KenhThucHien": "1", "TrangThaiHoSo": "4"})
    );

    let bad = |text: &str| parse_mapping(text).unwrap_err();
    assert!(bad("[columns]\nMaHoso = \"Mã\"").contains("\"MaHoso\" không có"));
    assert!(bad("[columns]\nMaHoSo = \"Mã\"\n[fixed]\nMaHoSo = \"1\"").contains("[fixed]"));
    assert!(
        bad("[columns]\nKenhThucHien = \"K\"\n[values.KenhThucHien]\n\"Trực tiếp\" = \"\"")
            .contains("chưa điền")
    );
    assert!(bad("date_format = \"%d/%m/%Q\"").contains("date_format"));
    assert!(bad("[columns]\nMaHoSo = \"\"").contains("chưa có tên cột"));
    let long = format!("[columns]\nMaHoSo = \"{}\"", "a".repeat(301));
    assert!(bad(&long).contains("tối đa 300"));
    assert!(bad("cot = 1").contains("TOML"));
}

#[test]
fn a_template_guesses_columns_and_loads_once_its_blanks_are_filled() {
    let rows: Vec<(usize, Vec<String>)> = [
        (1, vec!["DANH SÁCH HỒ SƠ"]),
        (
            3,
            vec![
                "STT",
                "So ho so",
                "Mã thủ tục",
                "Họ tên người nộp",
                "Số CCCD",
                "Ngày tiếp nhận",
                "Ngày trả kết quả",
                "Trạng thái",
                "Hình thức nộp",
                "Ghi chú",
            ],
        ),
        (
            4,
            vec![
                "1",
                "A",
                "1.1",
                "B",
                "1",
                "10/03/2025 08:00",
                "",
                "Đã trả",
                "Trực tiếp",
                "",
            ],
        ),
        (
            5,
            vec![
                "2",
                "C",
                "1.1",
                "D",
                "2",
                "11/03/2025",
                "",
                "Đang xử lý",
                "Qua mạng",
                "",
            ],
        ),
    ]
    .into_iter()
    .map(|(l, cells)| (l, cells.into_iter().map(str::to_owned).collect()))
    .collect();
    let text = template(&Sample {
        source: "mau.csv",
        sheet: None,
        rows: &rows,
    });
    for line in [
        "header_row = 3",
        "MaHoSo = \"So ho so\"",
        "MaTTHC = \"Mã thủ tục\"",
        "ChuHoSo = \"Họ tên người nộp\"",
        "MaDoiTuong = \"Số CCCD\"",
        "NgayTiepNhan = \"Ngày tiếp nhận\"",
        "NgayTra = \"Ngày trả kết quả\"",
        "TrangThaiHoSo = \"Trạng thái\"",
        "KenhThucHien = \"Hình thức nộp\"",
        "# NgayNopHoSo = \"\"",
        "date_format = [\"%d/%m/%Y %H:%M\", \"%d/%m/%Y\"]",
        "[values.TrangThaiHoSo]",
        "\"Đã trả\" = \"\"  # 1 dòng",
        "\"Qua mạng\" = \"\"",
        "# Các cột chưa dùng: \"STT\", \"Ghi chú\"",
    ] {
        assert!(text.contains(line), "{line} not in:\n{text}");
    }
    // Unfilled, it refuses to load; filled, it maps the sample.
    assert!(parse_mapping(&text).unwrap_err().contains("chưa điền"));
    let filled = text
        .replace("\"Đã trả\" = \"\"", "\"Đã trả\" = \"10\"")
        .replace("\"Đang xử lý\" = \"\"", "\"Đang xử lý\" = \"4\"")
        .replace("\"Trực tiếp\" = \"\"", "\"Trực tiếp\" = \"1\"")
        .replace("\"Qua mạng\" = \"\"", "\"Qua mạng\" = \"2\"");
    let m = parse_mapping(&filled).unwrap();
    assert_eq!(m.header_row, Some(3));
    let (_, cells) = &rows[1];
    let (value, problems) = m.locate(cells).unwrap().record(&rows[3].1);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(value["NgayTiepNhan"], "20250311000000");
    assert_eq!(value["KenhThucHien"], "2");
}
