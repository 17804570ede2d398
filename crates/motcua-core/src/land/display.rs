//! A change set as people read it: each object as labelled lines, and each operation as the
//! lines that differ before and after — the diff the specialist checks and the leader signs.

use serde::Serialize;
use uuid::Uuid;

use super::change::Op;
use super::model::{Holder, LandObject, PartyKind, RrrKind};

/// One labelled line of an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// What it is.
    pub label: &'static str,
    /// Before the change (empty for a new object).
    pub before: String,
    /// After it (empty for a retired object).
    pub after: String,
}

/// One operation, for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpView {
    /// "Thêm", "Sửa" or "Chấm dứt".
    pub action: &'static str,
    /// The object's heading ("Thửa đất số 88, tờ bản đồ số 7").
    pub title: String,
    /// The lines that differ (all lines for a new or retired object).
    pub lines: Vec<Line>,
}

/// The Vietnamese name of a right, restriction or responsibility.
pub fn rrr_name(kind: RrrKind) -> &'static str {
    match kind {
        RrrKind::UseRight => "Quyền sử dụng đất",
        RrrKind::AssetOwnership => "Quyền sở hữu tài sản gắn liền với đất",
        RrrKind::Mortgage => "Thế chấp",
        RrrKind::LandUseFeeDebt => "Ghi nợ tiền sử dụng đất",
        RrrKind::RegistrationFeeDebt => "Ghi nợ lệ phí trước bạ",
        RrrKind::Suspension => "Tạm dừng biến động (tranh chấp, quyết định)",
    }
}

/// m² with one decimal, Vietnamese style (12.055 dm² → "1.205,5 m²").
pub fn area(dm2: u64) -> String {
    let whole = i64::try_from(dm2 / 10).unwrap_or(i64::MAX);
    format!("{},{} m²", crate::notify::thousands(whole), dm2 % 10)
}

/// An object's heading.
pub fn title(value: &LandObject) -> String {
    match value {
        LandObject::Party(p) => format!("Người sử dụng đất: {}", p.name),
        LandObject::Parcel(p) => format!(
            "Thửa đất số {}, tờ bản đồ số {} (xã/phường {})",
            p.number.number, p.number.sheet, p.number.commune
        ),
        LandObject::Asset(a) => format!("Tài sản: {}", a.description),
        LandObject::Certificate(c) => format!("Giấy chứng nhận {}", c.serial),
        LandObject::Rrr(r) => rrr_name(r.kind).to_owned(),
    }
}

/// An object as labelled lines; `name` gives a party's name from its id.
pub fn lines(value: &LandObject, name: &dyn Fn(Uuid) -> String) -> Vec<(&'static str, String)> {
    let holders = |hs: &[Holder]| {
        hs.iter()
            .map(|h| {
                if hs.len() == 1 {
                    name(h.party)
                } else {
                    format!(
                        "{} ({},{:02}%)",
                        name(h.party),
                        h.share_bp / 100,
                        h.share_bp % 100
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    match value {
        LandObject::Party(p) => vec![
            (
                "Loại",
                match p.kind {
                    PartyKind::Person => "Cá nhân",
                    PartyKind::Organisation => "Tổ chức",
                    PartyKind::Group => "Hộ gia đình, nhóm người",
                }
                .to_owned(),
            ),
            ("Họ và tên / tên tổ chức", p.name.clone()),
            ("Số định danh / mã số thuế", p.number.clone()),
            ("Địa chỉ", p.address.clone()),
        ],
        LandObject::Parcel(p) => vec![
            ("Diện tích", area(p.area_dm2)),
            ("Mục đích sử dụng", p.purpose.clone()),
            (
                "Thời hạn sử dụng",
                p.term_until.map_or_else(
                    || "Lâu dài".to_owned(),
                    |d| d.format("%d/%m/%Y").to_string(),
                ),
            ),
            ("Nguồn gốc sử dụng", p.origin.clone()),
            ("Địa chỉ", p.address.clone()),
        ],
        LandObject::Asset(a) => vec![
            ("Tài sản", a.description.clone()),
            ("Diện tích sàn", area(a.floor_area_dm2)),
        ],
        LandObject::Certificate(c) => vec![
            ("Số phát hành", c.serial.clone()),
            ("Số vào sổ", c.entry.clone()),
            ("Ngày cấp", c.issued_on.format("%d/%m/%Y").to_string()),
            ("Cơ quan cấp", c.issuer.clone()),
            ("Người được cấp", holders(&c.holders)),
        ],
        LandObject::Rrr(r) => {
            let mut out = vec![("Người có quyền, nghĩa vụ", holders(&r.holders))];
            if let Some(a) = r.amount {
                out.push(("Số tiền", crate::notify::money(a)));
            }
            out.push((
                "Căn cứ",
                format!(
                    "{} {}{}",
                    r.source.kind,
                    r.source.reference,
                    r.source
                        .date
                        .map(|d| format!(" ngày {}", d.format("%d/%m/%Y")))
                        .unwrap_or_default()
                ),
            ));
            out
        }
    }
}

/// One operation as a diff; `before` is the object's current value (for updates and
/// retirements).
pub fn view(op: &Op, before: Option<&LandObject>, name: &dyn Fn(Uuid) -> String) -> OpView {
    let after = match op {
        Op::Create { value, .. } | Op::Update { value, .. } => Some(value),
        Op::Retire { .. } => None,
    };
    let old = before.map(|b| lines(b, name)).unwrap_or_default();
    let new = after.map(|a| lines(a, name)).unwrap_or_default();
    let labels: Vec<&'static str> = if new.is_empty() {
        old.iter().map(|(l, _)| *l).collect()
    } else {
        new.iter().map(|(l, _)| *l).collect()
    };
    let find = |set: &[(&'static str, String)], l: &str| {
        set.iter()
            .find(|(k, _)| *k == l)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let changed_only = matches!(op, Op::Update { .. });
    let lines = labels
        .into_iter()
        .map(|l| Line {
            label: l,
            before: find(&old, l),
            after: find(&new, l),
        })
        .filter(|line| !changed_only || line.before != line.after)
        .collect();
    let heading = after
        .or(before)
        .map_or_else(|| format!("{:?}", op.object().kind), title);
    OpView {
        action: match op {
            Op::Create { .. } => "Thêm",
            Op::Update { .. } => "Sửa",
            Op::Retire { .. } => "Chấm dứt",
        },
        title: heading,
        lines,
    }
}
