//! Retention (thời hạn bảo quản): how long each type of document and result is kept after its
//! dossier ends, and which kept files have outlived their period. The province edits the
//! rules; a file is destroyed only through a destruction list (danh mục tài liệu hết giá trị)
//! that a leader of the agency approves (Law on Archives 2024, Art. 16; Circular
//! 06/2025/TT-BNV), never by this module.
//!
//! Periods run from the end of the year the dossier ended, as archives count them: a dossier
//! finished in 2026 under a 10-year rule expires on 1 January 2037.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::deadline::local;
use crate::catalog::Procedure;
use crate::dossier::{Dossier, DossierId};

/// The rule for every type without one of its own.
pub const ANY_TYPE: &str = "*";

/// The longest period a rule may set, in years (beyond it, keep permanently).
pub const MAX_YEARS: u16 = 100;

/// How long one type is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// The document type: a catalogue `reusable_type`, a document code, `ket-qua:<procedure>`
    /// for a result without a type, or [`ANY_TYPE`].
    pub doc_type: String,
    /// Years after the dossier's end; `None` keeps it permanently (vĩnh viễn).
    pub years: Option<u16>,
    /// The legal basis, as the province cites it.
    pub basis: String,
}

impl Rule {
    fn new(doc_type: &str, years: Option<u16>, basis: &str) -> Self {
        Self {
            doc_type: doc_type.to_owned(),
            years,
            basis: basis.to_owned(),
        }
    }

    /// The period for people: "10 năm" or "Vĩnh viễn".
    pub fn label(&self) -> String {
        self.years
            .map_or_else(|| "Vĩnh viễn".to_owned(), |y| format!("{y} năm"))
    }
}

/// The rules a new installation starts with; the province reviews and edits them.
pub fn defaults() -> Vec<Rule> {
    const LAND: &str = "Thông tư 10/2024/TT-BTNMT, Điều 24 khoản 3 điểm a: hồ sơ đăng ký đất \
                        đai, cấp Giấy chứng nhận bảo quản vĩnh viễn";
    vec![
        Rule::new("land_certificate", None, LAND),
        Rule::new("land_origin_document", None, LAND),
        Rule::new("identity_change_proof", None, LAND),
        Rule::new("notarised_contract", None, LAND),
        Rule::new(
            "payment_receipt",
            Some(10),
            "Luật Kế toán 2015, Điều 41; Nghị định 174/2016/NĐ-CP, Điều 12: chứng từ kế toán \
             dùng trực tiếp để ghi sổ lưu trữ tối thiểu 10 năm",
        ),
        Rule::new(
            ANY_TYPE,
            Some(10),
            "Mặc định của tỉnh cho hồ sơ giải quyết thủ tục hành chính; đối chiếu Thông tư \
             10/2022/TT-BNV trước khi áp dụng",
        ),
    ]
}

/// The rule for `doc_type`: its own, else the rule for every type, else keep permanently.
pub fn rule_for<'a>(rules: &'a [Rule], doc_type: &str) -> Option<&'a Rule> {
    rules
        .iter()
        .find(|r| r.doc_type == doc_type)
        .or_else(|| rules.iter().find(|r| r.doc_type == ANY_TYPE))
}

/// The day a record ended at `ended` and kept `years` may be destroyed.
pub fn expires_on(ended: DateTime<Utc>, years: u16) -> Option<NaiveDate> {
    let year = local(ended).year() + 1 + i32::from(years);
    NaiveDate::from_ymd_opt(year, 1, 1)
}

/// The type a document of `procedure` is kept under: its reusable type, else its code.
pub fn document_type(procedure: &Procedure, code: &str) -> String {
    procedure
        .documents
        .iter()
        .find(|d| d.code == code)
        .and_then(|d| d.reusable_type.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// The type a result of `procedure` is kept under.
pub fn result_type(procedure: &Procedure) -> String {
    procedure
        .result
        .reusable_type
        .clone()
        .unwrap_or_else(|| format!("ket-qua:{}", procedure.code))
}

/// One kept file: a document or the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    /// A submitted document, by position.
    Document {
        /// Its position in the dossier.
        index: usize,
    },
    /// The result.
    Result,
}

/// A kept file whose period ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expired {
    /// Which file of the dossier.
    pub item: Item,
    /// Its name.
    pub name: String,
    /// The type it is kept under.
    pub doc_type: String,
    /// Content hash.
    pub file: String,
    /// The rule's period in years.
    pub years: u16,
    /// The day it could be destroyed from.
    pub expires_on: NaiveDate,
}

/// The files of `d` (an ended dossier of `procedure`) whose period ended by `today`: neither
/// a dossier still handled, nor a permanent type, nor a file destroyed already, nor an
/// earlier version a supplement replaced (it goes with its dossier's other files).
pub fn expired(
    d: &Dossier,
    procedure: &Procedure,
    rules: &[Rule],
    today: NaiveDate,
) -> Vec<Expired> {
    let Some(ended) = d.finished_at.filter(|_| d.status.is_terminal()) else {
        return Vec::new();
    };
    let due = |doc_type: &str| {
        let years = rule_for(rules, doc_type)?.years?;
        let on = expires_on(ended, years)?;
        (on <= today).then_some((years, on))
    };
    let mut out = Vec::new();
    for (index, doc) in d.documents.iter().enumerate() {
        let (Some(file), None) = (&doc.file, d.document_destroyed(index)) else {
            continue;
        };
        let doc_type = document_type(procedure, &doc.code);
        if let Some((years, expires_on)) = due(&doc_type) {
            out.push(Expired {
                item: Item::Document { index },
                name: doc.name.clone(),
                doc_type,
                file: file.clone(),
                years,
                expires_on,
            });
        }
    }
    if let (Some(r), None) = (&d.result, d.result_destroyed())
        && let Some(file) = &r.file
    {
        let doc_type = result_type(procedure);
        if let Some((years, expires_on)) = due(&doc_type) {
            out.push(Expired {
                item: Item::Result,
                name: r.name.clone(),
                doc_type,
                file: file.clone(),
                years,
                expires_on,
            });
        }
    }
    out
}

crate::wire_enum! {
    /// Where a destruction list stands; it only moves forward.
    pub enum ListStatus {
        /// Proposed, waiting for a leader of the agency.
        Proposed = "proposed",
        /// A leader refused it: nothing is destroyed.
        Refused = "refused",
        /// A leader approved it (quyết định hủy); being carried out.
        Approved = "approved",
        /// Carried out: the files are gone, the list is the destruction record.
        Destroyed = "destroyed",
    }
}

/// One file of a list, with its dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// The dossier.
    pub dossier: DossierId,
    /// Its code.
    pub code: String,
    /// The file and why it may go.
    pub expired: Expired,
}

/// A destruction list (danh mục tài liệu hết giá trị) of one agency: proposed from the files
/// whose retention ended, decided by one of its leaders, then carried out; kept as the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionList {
    /// Id.
    pub id: uuid::Uuid,
    /// The agency whose records these are.
    pub agency: String,
    /// Where it stands.
    pub status: ListStatus,
    /// The day the periods were counted to.
    pub as_of: NaiveDate,
    /// Who proposed it (account id) and their name.
    pub proposed_by: String,
    /// Their name.
    pub proposed_by_name: String,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// The files.
    pub items: Vec<ListItem>,
    /// The leader who decided (account id).
    pub decided_by: Option<String>,
    /// Their name.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Their note (required when refusing).
    pub note: Option<String>,
    /// When it was carried out.
    pub destroyed_at: Option<DateTime<Utc>>,
    /// Files whose bytes were deleted.
    pub deleted_files: u32,
    /// Files kept because a record still within its period holds the same bytes.
    pub kept_shared: u32,
}

/// Checks a rule a person typed.
pub fn check(rule: &Rule) -> Result<(), String> {
    crate::limits::TITLE.check(&rule.doc_type)?;
    crate::limits::REASON.check(&rule.basis)?;
    if rule.doc_type.trim().is_empty() {
        return Err("cần nêu loại tài liệu".into());
    }
    match rule.years {
        Some(0) => Err("thời hạn bảo quản ít nhất 1 năm (để trống: vĩnh viễn)".into()),
        Some(y) if y > MAX_YEARS => Err(format!(
            "thời hạn quá {MAX_YEARS} năm: để trống nghĩa là bảo quản vĩnh viễn"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_runs_from_the_end_of_the_year_the_dossier_ended() {
        // 31/12/2026 20:00 in Vietnam is still 2026 there.
        let ended = "2026-12-31T13:00:00Z".parse().unwrap();
        assert_eq!(expires_on(ended, 10), NaiveDate::from_ymd_opt(2037, 1, 1));
        // 1/1/2027 00:30 in Vietnam is 2027 there, though still 2026 in UTC.
        let ended = "2026-12-31T17:30:00Z".parse().unwrap();
        assert_eq!(expires_on(ended, 10), NaiveDate::from_ymd_opt(2038, 1, 1));
    }

    #[test]
    fn a_type_without_a_rule_follows_the_default_and_land_is_kept_forever() {
        let rules = defaults();
        assert_eq!(rule_for(&rules, "land_certificate").unwrap().years, None);
        assert_eq!(rule_for(&rules, "don-dang-ky").unwrap().years, Some(10));
        assert_eq!(rule_for(&[], "x"), None, "no rule at all: kept");
    }

    #[test]
    fn rules_are_checked() {
        assert!(check(&Rule::new("x", Some(0), "")).is_err());
        assert!(check(&Rule::new("x", Some(101), "")).is_err());
        assert!(check(&Rule::new(" ", Some(5), "")).is_err());
        assert!(check(&Rule::new("x", None, "vĩnh viễn")).is_ok());
    }
}
