//! `motcua import dossiers --mapping` and `motcua import template`: an old system's CSV and
//! XLSX exports come in through a province's mapping, every refused row named by its line,
//! and a template written from a sample loads once its blanks are filled.

use motcua_web::xlsx::{Cell, Sheet, Style, workbook};
use serde_json::Value;

use super::import::{ok_json, seeded_agency};
use crate::motcua;

fn counts(r: &Value) -> [u64; 4] {
    ["read", "created", "unchanged", "rejected"].map(|k| r[k].as_u64().unwrap())
}

const HEADER: [&str; 10] = [
    "STT",
    "Số hồ sơ",
    "Mã thủ tục",
    "Chủ hồ sơ",
    "Số định danh",
    "Ngày nộp",
    "Ngày hẹn trả",
    "Ngày trả",
    "Trạng thái",
    "Lệ phí",
];

fn mapping(agency: &str) -> String {
    format!(
        r#"date_format = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]

[columns]
MaHoSo = "Số hồ sơ"
MaTTHC = "mã thủ tục"
ChuHoSo = "Chủ hồ sơ"
MaDoiTuong = "Số định danh"
NgayNopHoSo = "Ngày nộp"
NgayTiepNhan = "Ngày nộp"
NgayHenTra = "Ngày hẹn trả"
NgayTra = "Ngày trả"
TrangThaiHoSo = "Trạng thái"
LePhi = "Lệ phí"

[fixed]
LoaiDoiTuong = 1
KenhThucHien = 1
DonViTiepNhan = "{agency}"
DonViXuLy = "{agency}"

[values.TrangThaiHoSo]
"Đã trả kết quả" = 10
"Đang giải quyết" = 4
"#
    )
}

fn csv_row(code: &str, submitted: &str, status: &str) -> String {
    let returned = if status.starts_with("Đã") {
        "20/03/2025 10:00"
    } else {
        ""
    };
    format!(
        "1,{code},1.003877,Trần Thị Bình,052190000042,{submitted},24/03/2025,{returned},{status},\"50.000\"\r\n"
    )
}

#[test]
fn csv_and_xlsx_exports_import_through_a_mapping_and_name_each_refused_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let agency = seeded_agency(d);
    std::fs::write(d.join("anh_xa.toml"), mapping(&agency)).unwrap();
    std::fs::create_dir(d.join("xuat")).unwrap();
    let mut csv = format!("\u{feff}{}\r\n", HEADER.join(","));
    csv.push_str(&csv_row("CSV-1", "10/03/2025 08:00", "Đã trả kết quả"));
    csv.push_str(&csv_row("CSV-2", "11/03/2025", "đang giải quyết"));
    csv.push_str(&csv_row("CSV-3", "12/03/2025 08:00", "Chờ ký"));
    std::fs::write(d.join("xuat/a.csv"), csv).unwrap();

    // The workbook stores the personal number and the fee as numbers.
    let text = |s: &str| Cell::Text(s.into(), Style::Plain);
    let row = |code: &str, submitted: &str| {
        vec![
            Cell::Number(1.0, Style::Number),
            text(code),
            text("1.003877"),
            text("Lê Văn Cường"),
            Cell::Number(52_190_000_043.0, Style::Number),
            text(submitted),
            text("24/03/2025"),
            text(""),
            text("Đang giải quyết"),
            Cell::Number(50_000.0, Style::Number),
        ]
    };
    let sheet = Sheet {
        name: "Hồ sơ".into(),
        rows: vec![
            HEADER.map(text).to_vec(),
            row("XL-1", "10/03/2025 09:30"),
            row("XL-2", "2025/03/10"),
            row("XL-3", "13/03/2025"),
        ],
        ..Sheet::default()
    };
    std::fs::write(d.join("xuat/b.xlsx"), workbook(&sheet)).unwrap();

    let import = || {
        ok_json(
            d,
            &[
                "--json",
                "import",
                "dossiers",
                "xuat",
                "--mapping",
                "anh_xa.toml",
                "--source",
                "Một cửa cũ",
            ],
        )
    };
    let first = import();
    assert_eq!(counts(&first), [6, 4, 0, 2], "{first}");
    let rejects = std::fs::read_to_string(d.join("loi_nhap_ho_so.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    // The bad date is named for both fields read from its column.
    assert_eq!(lines.len(), 4, "{rejects}");
    assert_eq!(
        lines[1],
        "xuat/a.csv,4,CSV-3,TrangThaiHoSo,\
         \"giá trị \"\"Chờ ký\"\" không có trong bảng [values.TrangThaiHoSo] của tệp ánh xạ\""
    );
    assert!(
        lines[2].starts_with("xuat/b.xlsx,3,XL-2,NgayNopHoSo,\"\"\"2025/03/10\"\" không đúng"),
        "{rejects}"
    );
    assert!(lines[3].starts_with("xuat/b.xlsx,3,XL-2,NgayTiepNhan,"));
    assert_eq!(counts(&import()), [6, 0, 4, 2]);

    // A spreadsheet needs its mapping; a mapped column the file lacks stops the import.
    let unmapped = motcua(d, &["import", "dossiers", "xuat/a.csv"]);
    assert!(!unmapped.status.success());
    assert!(String::from_utf8_lossy(&unmapped.stderr).contains("--mapping"));
    let wrong = mapping(&agency).replace("\"Lệ phí\"", "\"Phí\"");
    std::fs::write(d.join("sai.toml"), wrong).unwrap();
    let missing = motcua(d, &["import", "dossiers", "xuat", "--mapping", "sai.toml"]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success());
    assert!(
        stderr.contains("thiếu cột: \"Phí\" (cho LePhi)"),
        "{stderr}"
    );
}

#[test]
fn a_template_from_a_sample_imports_once_the_province_fills_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let agency = seeded_agency(d);
    let sample = "So ho so,Ma thu tuc,Ho ten nguoi nop,So CCCD,Ngay nop,Ngay tiep nhan,\
                  Ngay hen tra,Trang thai,Hinh thuc nop\n\
                  T-1,1.003877,Phạm Thị Dung,052190000044,10-03-2025 08:00,10-03-2025 08:10,\
                  24-03-2025,Đang xử lý,Trực tiếp\n\
                  T-2,1.003877,Võ Văn Em,052190000045,11-03-2025 14:15,12-03-2025 07:40,\
                  25-03-2025,Đang xử lý,Trực tuyến\n";
    std::fs::write(d.join("mau.csv"), sample).unwrap();
    let out = ok_json(
        d,
        &[
            "--json",
            "import",
            "template",
            "mau.csv",
            "--out",
            "anh_xa.toml",
        ],
    );
    assert_eq!(out["written"], "anh_xa.toml");
    let text = std::fs::read_to_string(d.join("anh_xa.toml")).unwrap();
    for line in [
        "MaHoSo = \"So ho so\"",
        "ChuHoSo = \"Ho ten nguoi nop\"",
        "NgayNopHoSo = \"Ngay nop\"",
        "KenhThucHien = \"Hinh thuc nop\"",
        "date_format = [\"%d-%m-%Y %H:%M\", \"%d-%m-%Y\"]",
        "\"Đang xử lý\" = \"\"  # 2 dòng",
    ] {
        assert!(text.contains(line), "{line} not in:\n{text}");
    }
    // Never over a filled mapping.
    let again = motcua(
        d,
        &["import", "template", "mau.csv", "--out", "anh_xa.toml"],
    );
    assert!(!again.status.success());

    let filled = text
        .replace("\"Đang xử lý\" = \"\"", "\"Đang xử lý\" = \"4\"")
        .replace("\"Trực tiếp\" = \"\"", "\"Trực tiếp\" = \"1\"")
        .replace("\"Trực tuyến\" = \"\"", "\"Trực tuyến\" = \"2\"")
        .replace(
            "# LoaiDoiTuong = \"\"  # Loại chủ hồ sơ (bắt buộc): 1 công dân, 2 tổ chức\n",
            "LoaiDoiTuong = \"1\"\n",
        )
        .replace(
            "# DonViTiepNhan = \"\"  # Mã đơn vị tiếp nhận (bắt buộc)\n",
            &format!("DonViTiepNhan = \"{agency}\"\n"),
        );
    std::fs::write(d.join("anh_xa.toml"), filled).unwrap();
    let args = [
        "--json",
        "import",
        "dossiers",
        "mau.csv",
        "--mapping",
        "anh_xa.toml",
    ];
    let first = ok_json(d, &args);
    assert_eq!(counts(&first), [2, 2, 0, 0], "{first}");
    assert_eq!(counts(&ok_json(d, &args)), [2, 0, 2, 0]);
}
