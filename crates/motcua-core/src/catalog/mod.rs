//! The procedure catalogue (danh mục thủ tục hành chính): what a procedure requires, costs and
//! takes, and its internal process ("rõ người, rõ việc, rõ thời gian": each step a role, a
//! unit and a time budget).
//!
//! Procedures are data files (`catalog/procedures/*.toml`), parsed and validated here without
//! I/O; the store keeps each imported version so that a dossier always refers to the exact
//! version it was received under.

mod diff;
mod parse;
pub mod synonyms;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::ProcedureCode;

pub use diff::differences;
pub use parse::{AGENCY_KINDS, CatalogError, parse_procedure, validate_catalog};

/// The seed procedures shipped with the release (`catalog/procedures/`), as (file, text), so
/// a fresh install and the demo need no files beside the binary.
pub const SEED: [(&str, &str); 8] = [
    (
        "1.013833.toml",
        include_str!("../../../../catalog/procedures/1.013833.toml"),
    ),
    (
        "1.013831.toml",
        include_str!("../../../../catalog/procedures/1.013831.toml"),
    ),
    (
        "1.013988.toml",
        include_str!("../../../../catalog/procedures/1.013988.toml"),
    ),
    (
        "MT-THAM-DINH-DTM.toml",
        include_str!("../../../../catalog/procedures/MT-THAM-DINH-DTM.toml"),
    ),
    (
        "BI-NHAN-CHIM.toml",
        include_str!("../../../../catalog/procedures/BI-NHAN-CHIM.toml"),
    ),
    (
        "BI-GIAO-KHU-VUC-BIEN.toml",
        include_str!("../../../../catalog/procedures/BI-GIAO-KHU-VUC-BIEN.toml"),
    ),
    (
        "1.013978.toml",
        include_str!("../../../../catalog/procedures/1.013978.toml"),
    ),
    (
        "1.012784.toml",
        include_str!("../../../../catalog/procedures/1.012784.toml"),
    ),
];

crate::wire_enum! {
    /// Who performs a step.
    pub enum Role {
        /// One-stop desk officer (công chức Bộ phận Một cửa).
        DeskOfficer = "desk_officer",
        /// Specialist who examines the dossier (chuyên viên).
        Specialist = "specialist",
        /// Leader who approves and signs (lãnh đạo).
        Leader = "leader",
        /// The provincial office that supervises KPIs (giám sát).
        Supervisor = "supervisor",
        /// System administrator.
        Administrator = "administrator",
    }
}

crate::wire_enum! {
    /// What a step does.
    pub enum StepKind {
        /// Receive and check completeness (tiếp nhận).
        Receive = "receive",
        /// Examine and prepare the result (thẩm định, xử lý).
        Process = "process",
        /// Performed by another agency (liên thông), e.g. the tax office.
        InterAgency = "inter_agency",
        /// Wait for the applicant to pay a financial obligation (the clock stops).
        AwaitPayment = "await_payment",
        /// A leader approves (phê duyệt).
        Approve = "approve",
        /// A leader signs the result (ký).
        Sign = "sign",
        /// Return the result (trả kết quả).
        Return = "return",
    }
}

/// Which unit performs a step.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum UnitSelector {
    /// The desk that received the dossier.
    Receiving,
    /// The agency competent to resolve it.
    Resolving,
    /// The agency of a kind related to the resolving one (e.g. the tax office).
    Kind(String),
}

crate::wire_enum! {
    /// How far the procedure can be done online.
    pub enum OnlineLevel {
        /// Dịch vụ công trực tuyến toàn trình.
        Full = "full",
        /// Dịch vụ công trực tuyến một phần.
        Partial = "partial",
        /// Not online.
        None = "none",
    }
}

crate::wire_enum! {
    /// How a dossier reaches the agency (KenhThucHien).
    pub enum Channel {
        /// At a one-stop desk.
        Counter = "counter",
        /// Online, on the province's portal.
        Online = "online",
        /// By post (dịch vụ bưu chính công ích).
        Post = "post",
        /// Filed on the national portal and pulled in.
        NationalPortal = "national_portal",
    }
}

crate::wire_enum! {
    /// Level of government that handles the procedure.
    pub enum Level {
        /// Provincial level (departments, land registration office).
        Province = "province",
        /// Commune level (commune People's Committee).
        Commune = "commune",
    }
}

/// A required document (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredDocument {
    /// Code, unique in the procedure.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// The form template, if any (e.g. "Mẫu số 18").
    pub form: Option<String>,
    /// Originals to submit.
    pub originals: u32,
    /// Copies to submit.
    pub copies: u32,
    /// Whether the dossier is incomplete without it.
    pub mandatory: bool,
    /// Whether the desk must digitise it (số hóa).
    pub digitise: bool,
    /// The reusable document type, if one already accepted can stand for it.
    pub reusable_type: Option<String>,
    /// Restricted (hạn chế truy cập): its scan carries sensitive personal data, so only the
    /// officers who handle the dossier and the leaders open it, not everyone who sees the
    /// dossier.
    #[serde(default)]
    pub confidential: bool,
}

/// How a fee is computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FeeRule {
    /// A fixed amount in đồng.
    Fixed {
        /// Amount in đồng.
        amount: i64,
    },
    /// Per square metre, bounded.
    PerArea {
        /// Đồng per m².
        per_m2: i64,
        /// Minimum in đồng.
        min: i64,
        /// Maximum in đồng (0: none).
        max: i64,
    },
    /// A share of a declared value, in basis points (1/100 of a percent), bounded.
    ShareOfValue {
        /// Basis points.
        basis_points: i64,
        /// Minimum in đồng.
        min: i64,
        /// Maximum in đồng (0: none).
        max: i64,
    },
}

/// A charge or fee (phí, lệ phí).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// Code, unique in the procedure.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// How the amount is computed.
    pub rule: FeeRule,
    /// Discount for online filing, in percent.
    pub online_discount_percent: u32,
    /// Where the amount is set.
    pub basis: String,
}

impl Fee {
    /// The amount in đồng for an area (m²) or declared value, online or not.
    pub fn amount(&self, area_m2: i64, value: i64, online: bool) -> i64 {
        let bounded = |x: i64, min: i64, max: i64| {
            let x = x.max(min);
            if max > 0 { x.min(max) } else { x }
        };
        let base = match self.rule {
            FeeRule::Fixed { amount } => amount,
            FeeRule::PerArea { per_m2, min, max } => {
                bounded(per_m2.saturating_mul(area_m2), min, max)
            }
            FeeRule::ShareOfValue {
                basis_points,
                min,
                max,
            } => bounded(value.saturating_mul(basis_points) / 10_000, min, max),
        };
        if online {
            base - base * i64::from(self.online_discount_percent) / 100
        } else {
            base
        }
    }
}

/// A step of the internal process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Code, unique in the procedure.
    pub code: String,
    /// What is done.
    pub name: String,
    /// What kind of step.
    pub kind: StepKind,
    /// Who does it.
    pub role: Role,
    /// Which unit does it.
    pub unit: UnitSelector,
    /// Time budget in working hours.
    pub budget_hours: u32,
    /// Whether the statutory clock stops during the step (payment, tax determination).
    pub stops_clock: bool,
}

/// The result the applicant receives (kết quả).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDocument {
    /// Name of the result.
    pub name: String,
    /// Whether it is issued electronically.
    pub electronic: bool,
    /// The document type it is once issued (e.g. `land_certificate`): filed under it in the
    /// holder's data store, and reusable where a procedure asks for that type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reusable_type: Option<String>,
}

/// One version of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// National (or local) procedure code.
    pub code: ProcedureCode,
    /// Codes it was published under before: a ministry's re-publication gives a procedure
    /// a new national code, and dossiers, links and papers that carry the old one must
    /// still find it.
    #[serde(default)]
    pub former_codes: Vec<ProcedureCode>,
    /// Version number; each change of content needs a new one.
    pub version: u32,
    /// Name as published.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Field (lĩnh vực), e.g. "Đất đai".
    pub field: String,
    /// Level of government.
    pub level: Level,
    /// Agency kinds that implement it.
    pub agencies: Vec<String>,
    /// Online level.
    pub online: OnlineLevel,
    /// Accepted channels.
    pub channels: Vec<Channel>,
    /// Statutory time in working days.
    pub statutory_days: u32,
    /// Extra working days in mountainous, island and remote communes (Decree 151/2025).
    pub remote_extra_days: u32,
    /// Required documents.
    pub documents: Vec<RequiredDocument>,
    /// Charges and fees.
    pub fees: Vec<Fee>,
    /// The result.
    pub result: ResultDocument,
    /// Legal basis (căn cứ pháp lý).
    pub legal_basis: Vec<String>,
    /// The land register change its dossiers make (sổ địa chính), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_change: Option<crate::land::ChangeKind>,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force, if repealed.
    pub effective_until: Option<NaiveDate>,
    /// The internal process, in order.
    pub steps: Vec<Step>,
}

impl Procedure {
    /// The working hours the steps that run the clock may use: the statutory time.
    pub fn statutory_hours(&self) -> u32 {
        self.statutory_days * 8
    }

    /// Whether the procedure is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        day >= self.effective_from && self.effective_until.is_none_or(|u| day <= u)
    }

    /// The step at a position.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }
}
