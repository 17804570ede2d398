//! The record's fields a table export (CSV, XLSX) can fill, as a mapping and its template
//! know them: the name in `DongBoHoSoMC`, what people call it, the kind of value, the
//! headings old systems export it under and, for coded fields, the codes the record allows.
//! One table, so the mapping refuses a misspelt field and the template offers every one.
//!
//! Only the record's single-valued fields, and one fee: its lists (documents, payments,
//! supplement rounds, results) have no place in a one-row-per-dossier table.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// What a field's cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (codes, names, numbers kept as written).
    Text,
    /// A date or instant, in the mapping's date format.
    Date,
    /// Đồng, whole.
    Money,
}

/// A field a column or a constant can fill.
#[derive(Debug)]
pub struct Field {
    /// Its name in the record (`MaHoSo`), or for the fee `LePhi`, `TenPhiLePhi`, `MaPhiLePhi`.
    pub name: &'static str,
    /// What it is, in Vietnamese (the template's comment).
    pub label: &'static str,
    /// The kind of value.
    pub kind: Kind,
    /// Headings it is exported under, folded ([`heading_key`]); longer is more specific.
    pub guesses: &'static [&'static str],
    /// The codes the record allows, with their meaning (empty: any text).
    pub codes: &'static [(&'static str, &'static str)],
}

const fn text(name: &'static str, label: &'static str, guesses: &'static [&'static str]) -> Field {
    Field {
        name,
        label,
        kind: Kind::Text,
        guesses,
        codes: &[],
    }
}

const fn date(name: &'static str, label: &'static str, guesses: &'static [&'static str]) -> Field {
    Field {
        name,
        label,
        kind: Kind::Date,
        guesses,
        codes: &[],
    }
}

/// The record's status codes (see [`crate::dvcqg::STATUS_CODES`]).
const STATUSES: &[(&str, &str)] = &[
    ("1", "mới nộp"),
    ("2", "đã tiếp nhận"),
    ("3", "không tiếp nhận"),
    ("4", "đang xử lý"),
    ("5", "yêu cầu bổ sung"),
    ("6", "chờ thực hiện nghĩa vụ tài chính"),
    ("7", "rút hồ sơ"),
    ("8", "dừng xử lý"),
    ("9", "đã xử lý xong"),
    ("10", "đã trả kết quả"),
];

/// Every field a mapping may name, in the record's order.
pub const FIELDS: &[Field] = &[
    text(
        "MaHoSo",
        "Mã hồ sơ (bắt buộc)",
        &[
            "ma ho so",
            "so ho so",
            "ma hs",
            "so hs",
            "so bien nhan",
            "ma bien nhan",
        ],
    ),
    text(
        "MaHoSoDiaPhuong",
        "Mã hồ sơ địa phương",
        &["ma ho so dia phuong", "ma dia phuong"],
    ),
    text(
        "MaTTHC",
        "Mã thủ tục hành chính (bắt buộc)",
        &[
            "ma thu tuc",
            "ma tthc",
            "ma thu tuc hanh chinh",
            "ma thu tuc hc",
        ],
    ),
    text(
        "DonViTiepNhan",
        "Mã đơn vị tiếp nhận (bắt buộc)",
        &[
            "don vi tiep nhan",
            "ma don vi tiep nhan",
            "co quan tiep nhan",
            "noi tiep nhan",
        ],
    ),
    text(
        "DonViXuLy",
        "Mã đơn vị xử lý",
        &[
            "don vi xu ly",
            "ma don vi xu ly",
            "co quan xu ly",
            "co quan giai quyet",
        ],
    ),
    text(
        "ChuHoSo",
        "Tên chủ hồ sơ (bắt buộc)",
        &[
            "chu ho so",
            "ten chu ho so",
            "ho ten",
            "ho va ten",
            "ten nguoi nop",
            "nguoi nop ho so",
        ],
    ),
    Field {
        name: "LoaiDoiTuong",
        label: "Loại chủ hồ sơ (bắt buộc)",
        kind: Kind::Text,
        guesses: &["loai doi tuong", "doi tuong", "loai chu ho so"],
        codes: &[("1", "công dân"), ("2", "tổ chức")],
    },
    text(
        "MaDoiTuong",
        "Số định danh cá nhân hoặc mã số thuế (bắt buộc)",
        &[
            "ma doi tuong",
            "so dinh danh",
            "so cccd",
            "cccd",
            "so can cuoc",
            "ma so thue",
            "so giay to",
        ],
    ),
    text(
        "SoDienThoai",
        "Số điện thoại",
        &["so dien thoai", "dien thoai", "sdt"],
    ),
    text("Email", "Thư điện tử", &["email", "e mail", "thu dien tu"]),
    text(
        "DiaChi",
        "Địa chỉ",
        &["dia chi", "dia chi lien he", "dia chi thuong tru"],
    ),
    Field {
        name: "KenhThucHien",
        label: "Kênh nộp hồ sơ (bắt buộc)",
        kind: Kind::Text,
        guesses: &[
            "kenh thuc hien",
            "kenh",
            "kenh nop",
            "hinh thuc nop",
            "hinh thuc tiep nhan",
        ],
        codes: &[("1", "trực tiếp"), ("2", "trực tuyến"), ("3", "bưu chính")],
    },
    Field {
        name: "TrangThaiHoSo",
        label: "Trạng thái hồ sơ (bắt buộc)",
        kind: Kind::Text,
        guesses: &[
            "trang thai",
            "trang thai ho so",
            "tinh trang",
            "tinh trang ho so",
        ],
        codes: STATUSES,
    },
    date(
        "NgayNopHoSo",
        "Ngày nộp hồ sơ (bắt buộc)",
        &["ngay nop", "ngay nop ho so", "thoi gian nop"],
    ),
    date(
        "NgayTiepNhan",
        "Ngày tiếp nhận",
        &["ngay tiep nhan", "ngay nhan", "thoi gian tiep nhan"],
    ),
    date(
        "NgayHenTra",
        "Ngày hẹn trả kết quả",
        &["ngay hen tra", "hen tra", "ngay hen tra ket qua"],
    ),
    date(
        "NgayKetThucXuLy",
        "Ngày kết thúc xử lý",
        &[
            "ngay ket thuc xu ly",
            "ngay xu ly xong",
            "ngay hoan thanh",
            "ngay ket thuc",
        ],
    ),
    date(
        "NgayTra",
        "Ngày trả kết quả",
        &["ngay tra", "ngay tra ket qua", "thoi gian tra ket qua"],
    ),
    text(
        "DungDanCu",
        "Có dùng dữ liệu dân cư (1 hoặc 0)",
        &["du lieu dan cu"],
    ),
    Field {
        name: "LePhi",
        label: "Số tiền phí, lệ phí (đồng)",
        kind: Kind::Money,
        guesses: &["le phi", "phi le phi", "phi", "tien phi", "so tien phi"],
        codes: &[],
    },
    text(
        "TenPhiLePhi",
        "Tên khoản phí, lệ phí",
        &["ten phi", "ten le phi", "ten phi le phi"],
    ),
    text(
        "MaPhiLePhi",
        "Mã khoản phí, lệ phí",
        &["ma phi", "ma le phi", "ma phi le phi"],
    ),
];

/// The field named `name` (exactly as the record spells it).
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// A heading as guesses are written: folded, anything but letters and digits a single space
/// ("Số HS (mã)" → "so hs ma").
pub fn heading_key(heading: &str) -> String {
    crate::text::fold(heading)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a spreadsheet's own date cells are handed over (the CLI writes them so), accepted
/// whatever the mapping's formats say.
pub const SPREADSHEET_DATES: [&str; 2] = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"];

/// `text` read with `format`: the instant, and whether it had a time of day.
pub fn parse_date(text: &str, format: &str) -> Option<(NaiveDateTime, bool)> {
    if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
        return Some((at, true));
    }
    NaiveDate::parse_from_str(text, format)
        .ok()
        .map(|day| (day.and_time(NaiveTime::MIN), false))
}
