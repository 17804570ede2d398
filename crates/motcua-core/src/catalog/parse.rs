//! Reading procedure files and checking them, with the file, the line and the rule broken.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{
    Channel, Fee, FeeRule, Level, OnlineLevel, Procedure, RequiredDocument, ResultDocument, Role,
    Step, StepKind, UnitSelector,
};
use crate::ids::ProcedureCode;

/// Agency kinds a step or a procedure may name.
pub const AGENCY_KINDS: [&str; 10] = [
    "provincial_peoples_committee",
    "department",
    "land_registration_office",
    "land_registration_branch",
    "public_service_centre",
    "commune_peoples_committee",
    "commune_service_centre",
    "tax_office",
    "treasury",
    "other",
];

/// A catalogue file that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: [{rule}] {message}")]
pub struct CatalogError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The rule broken, a stable short name (e.g. `budget-exceeds-statutory-time`).
    pub rule: &'static str,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcedure {
    code: Spanned<String>,
    version: u32,
    name: String,
    name_en: String,
    field: String,
    level: Spanned<String>,
    agencies: Spanned<Vec<String>>,
    online: Spanned<String>,
    channels: Spanned<Vec<String>>,
    statutory_days: Spanned<u32>,
    #[serde(default)]
    remote_extra_days: u32,
    legal_basis: Spanned<Vec<String>>,
    /// The land register change the procedure makes, if any.
    land_change: Option<Spanned<String>>,
    /// Codes this procedure was published under before (a ministry re-publishing it).
    former_codes: Option<Spanned<Vec<String>>>,
    effective_from: Spanned<toml::value::Datetime>,
    effective_until: Option<Spanned<toml::value::Datetime>>,
    result: RawResult,
    #[serde(default)]
    documents: Vec<Spanned<RawDocument>>,
    #[serde(default)]
    fees: Vec<Spanned<RawFee>>,
    #[serde(default)]
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResult {
    name: String,
    electronic: bool,
    #[serde(default)]
    reusable_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    code: String,
    name: String,
    form: Option<String>,
    #[serde(default)]
    originals: u32,
    #[serde(default)]
    copies: u32,
    mandatory: bool,
    #[serde(default)]
    digitise: bool,
    reusable_type: Option<String>,
    #[serde(default)]
    confidential: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    amount: i64,
    #[serde(default)]
    per_m2: i64,
    #[serde(default)]
    basis_points: i64,
    #[serde(default)]
    min: i64,
    #[serde(default)]
    max: i64,
    #[serde(default)]
    online_discount_percent: u32,
    basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    code: String,
    name: String,
    kind: String,
    role: String,
    unit: String,
    budget_hours: u32,
    stops_clock: Option<bool>,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: &Range<usize>, rule: &'static str, message: String) -> CatalogError {
        CatalogError {
            file: self.file.to_owned(),
            line: self
                .text
                .get(..span.start)
                .map_or(1, |t| t.matches('\n').count() + 1),
            rule,
            message,
        }
    }
}

/// Parses and checks one procedure file.
pub fn parse_procedure(file: &str, text: &str) -> Result<Procedure, CatalogError> {
    let ctx = Ctx { file, text };
    let raw: RawProcedure = toml::from_str(text)
        .map_err(|e| ctx.err(&e.span().unwrap_or(0..0), "syntax", e.message().to_owned()))?;
    placeholders(&ctx)?;
    let code = ProcedureCode::parse(raw.code.get_ref())
        .map_err(|e| ctx.err(&raw.code.span(), "procedure-code", e.to_string()))?;
    let mut former_codes = Vec::new();
    if let Some(list) = &raw.former_codes {
        for c in list.get_ref() {
            match ProcedureCode::parse(c) {
                Ok(f) if f != code => former_codes.push(f),
                _ => {
                    return Err(ctx.err(
                        &list.span(),
                        "procedure-code",
                        format!("mã cũ \"{c}\" không hợp lệ hoặc trùng mã hiện hành"),
                    ));
                }
            }
        }
    }
    let Some(level) = Level::parse(raw.level.get_ref()) else {
        return Err(ctx.err(
            &raw.level.span(),
            "level",
            format!(
                "cấp \"{}\" không hợp lệ (province | commune)",
                raw.level.get_ref()
            ),
        ));
    };
    let Some(online) = OnlineLevel::parse(raw.online.get_ref()) else {
        return Err(ctx.err(
            &raw.online.span(),
            "online-level",
            format!(
                "mức trực tuyến \"{}\" không hợp lệ (full | partial | none)",
                raw.online.get_ref()
            ),
        ));
    };
    let channels = raw
        .channels
        .get_ref()
        .iter()
        .map(|c| {
            Channel::parse(c).ok_or_else(|| {
                ctx.err(
                    &raw.channels.span(),
                    "channel",
                    format!("kênh \"{c}\" không hợp lệ"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for agency in raw.agencies.get_ref() {
        if !AGENCY_KINDS.contains(&agency.as_str()) {
            return Err(ctx.err(
                &raw.agencies.span(),
                "unknown-unit",
                format!("loại cơ quan \"{agency}\" không có trong danh mục"),
            ));
        }
    }
    if raw.legal_basis.get_ref().is_empty() {
        return Err(ctx.err(
            &raw.legal_basis.span(),
            "legal-basis",
            "cần ít nhất một căn cứ pháp lý".into(),
        ));
    }
    if *raw.statutory_days.get_ref() == 0 && raw.steps.len() > 1 {
        return Err(ctx.err(
            &raw.statutory_days.span(),
            "statutory-time",
            "thời hạn giải quyết phải lớn hơn 0".into(),
        ));
    }
    let date = |s: &Spanned<toml::value::Datetime>| -> Result<NaiveDate, CatalogError> {
        let v = s.get_ref();
        match (v.date, v.time) {
            (Some(d), None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        }
        .ok_or_else(|| {
            ctx.err(
                &s.span(),
                "date",
                format!("cần một ngày YYYY-MM-DD, không phải {v}"),
            )
        })
    };
    let land_change = raw
        .land_change
        .as_ref()
        .map(|l| {
            crate::land::ChangeKind::parse(l.get_ref()).ok_or_else(|| {
                ctx.err(
                    &l.span(),
                    "land-change",
                    format!(
                        "thay đổi sổ địa chính \"{}\" không hợp lệ (holder_info, transfer, clear_debt, first_registration)",
                        l.get_ref()
                    ),
                )
            })
        })
        .transpose()?;
    let effective_from = date(&raw.effective_from)?;
    let effective_until = raw.effective_until.as_ref().map(date).transpose()?;
    if effective_until.is_some_and(|u| u < effective_from) {
        return Err(ctx.err(
            &raw.effective_from.span(),
            "date",
            "ngày hết hiệu lực trước ngày có hiệu lực".into(),
        ));
    }
    let documents = documents(&ctx, raw.documents)?;
    let fees = fees(&ctx, raw.fees)?;
    let statutory_days = *raw.statutory_days.get_ref();
    let steps = steps(&ctx, raw.steps, statutory_days, &raw.statutory_days.span())?;
    Ok(Procedure {
        code,
        former_codes,
        version: raw.version,
        name: raw.name,
        name_en: raw.name_en,
        field: raw.field,
        level,
        agencies: raw.agencies.into_inner(),
        online,
        channels,
        statutory_days,
        remote_extra_days: raw.remote_extra_days,
        documents,
        fees,
        result: ResultDocument {
            name: raw.result.name,
            electronic: raw.result.electronic,
            reusable_type: raw.result.reusable_type,
        },
        legal_basis: raw.legal_basis.into_inner(),
        land_change,
        effective_from,
        effective_until,
        steps,
    })
}

fn documents(
    ctx: &Ctx<'_>,
    raw: Vec<Spanned<RawDocument>>,
) -> Result<Vec<RequiredDocument>, CatalogError> {
    if !raw.iter().any(|d| d.get_ref().mandatory) {
        return Err(ctx.err(
            &(0..0),
            "missing-documents",
            "thủ tục phải có ít nhất một thành phần hồ sơ bắt buộc".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    raw.into_iter()
        .map(|d| {
            let span = d.span();
            let d = d.into_inner();
            if !seen.insert(d.code.clone()) {
                return Err(ctx.err(
                    &span,
                    "duplicate-code",
                    format!("mã thành phần hồ sơ trùng lặp: {}", d.code),
                ));
            }
            if d.originals + d.copies == 0 {
                return Err(ctx.err(
                    &span,
                    "document-count",
                    format!("{}: cần số bản chính hoặc bản sao", d.code),
                ));
            }
            Ok(RequiredDocument {
                code: d.code,
                name: d.name,
                form: d.form,
                originals: d.originals,
                copies: d.copies,
                mandatory: d.mandatory,
                digitise: d.digitise,
                reusable_type: d.reusable_type,
                confidential: d.confidential,
            })
        })
        .collect()
}

fn fees(ctx: &Ctx<'_>, raw: Vec<Spanned<RawFee>>) -> Result<Vec<Fee>, CatalogError> {
    let mut seen = BTreeSet::new();
    raw.into_iter()
        .map(|f| {
            let span = f.span();
            let f = f.into_inner();
            if !seen.insert(f.code.clone()) {
                return Err(ctx.err(
                    &span,
                    "duplicate-code",
                    format!("mã phí trùng lặp: {}", f.code),
                ));
            }
            let rule = match f.kind.as_str() {
                "fixed" => FeeRule::Fixed { amount: f.amount },
                "per_area" => FeeRule::PerArea {
                    per_m2: f.per_m2,
                    min: f.min,
                    max: f.max,
                },
                "share_of_value" => FeeRule::ShareOfValue {
                    basis_points: f.basis_points,
                    min: f.min,
                    max: f.max,
                },
                other => return Err(ctx.err(
                    &span,
                    "fee-kind",
                    format!(
                        "cách tính phí \"{other}\" không hợp lệ (fixed | per_area | share_of_value)"
                    ),
                )),
            };
            if [f.amount, f.per_m2, f.basis_points, f.min, f.max]
                .iter()
                .any(|v| *v < 0)
                || f.online_discount_percent > 100
            {
                return Err(ctx.err(
                    &span,
                    "fee-amount",
                    format!("{}: số tiền âm hoặc mức giảm quá 100%", f.code),
                ));
            }
            Ok(Fee {
                code: f.code,
                name: f.name,
                rule,
                online_discount_percent: f.online_discount_percent,
                basis: f.basis,
            })
        })
        .collect()
}

fn steps(
    ctx: &Ctx<'_>,
    raw: Vec<Spanned<RawStep>>,
    statutory_days: u32,
    statutory_span: &Range<usize>,
) -> Result<Vec<Step>, CatalogError> {
    if raw.is_empty() {
        return Err(ctx.err(
            statutory_span,
            "process",
            "cần quy trình nội bộ (ít nhất một bước)".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for s in raw {
        let span = s.span();
        let s = s.into_inner();
        if !seen.insert(s.code.clone()) {
            return Err(ctx.err(
                &span,
                "duplicate-code",
                format!("mã bước trùng lặp: {}", s.code),
            ));
        }
        let role = Role::parse(&s.role).ok_or_else(|| {
            ctx.err(
                &span,
                "unknown-role",
                format!("vai trò \"{}\" không tồn tại", s.role),
            )
        })?;
        let unit = match s.unit.as_str() {
            "receiving" => UnitSelector::Receiving,
            "resolving" => UnitSelector::Resolving,
            other => match other.strip_prefix("kind:") {
                Some(kind) if AGENCY_KINDS.contains(&kind) => UnitSelector::Kind(kind.to_owned()),
                _ => return Err(ctx.err(&span, "unknown-unit", format!("đơn vị \"{other}\" không hợp lệ (receiving | resolving | kind:<loại cơ quan>)"))),
            },
        };
        let Some(kind) = StepKind::parse(&s.kind) else {
            return Err(ctx.err(
                &span,
                "step-kind",
                format!("loại bước \"{}\" không hợp lệ", s.kind),
            ));
        };
        if matches!(kind, StepKind::Approve | StepKind::Sign) && role != Role::Leader {
            return Err(ctx.err(
                &span,
                "unknown-role",
                format!("bước {}: phê duyệt, ký phải do lãnh đạo thực hiện", s.code),
            ));
        }
        out.push((
            span,
            Step {
                code: s.code,
                name: s.name,
                kind,
                role,
                unit,
                budget_hours: s.budget_hours,
                stops_clock: s.stops_clock.unwrap_or(kind == StepKind::AwaitPayment),
            },
        ));
    }
    if out.first().map(|(_, s)| s.kind) != Some(StepKind::Receive) {
        return Err(ctx.err(
            &out.first().map_or(0..0, |(s, _)| s.clone()),
            "process",
            "bước đầu tiên phải là tiếp nhận (receive)".into(),
        ));
    }
    if out.last().map(|(_, s)| s.kind) != Some(StepKind::Return) {
        return Err(ctx.err(
            &out.last().map_or(0..0, |(s, _)| s.clone()),
            "process",
            "bước cuối cùng phải là trả kết quả (return)".into(),
        ));
    }
    let budget: u32 = out
        .iter()
        .filter(|(_, s)| !s.stops_clock)
        .map(|(_, s)| s.budget_hours)
        .sum();
    if budget > statutory_days * 8 {
        return Err(ctx.err(
            statutory_span,
            "budget-exceeds-statutory-time",
            format!("tổng thời gian các bước ({budget} giờ) vượt thời hạn giải quyết ({statutory_days} ngày = {} giờ làm việc)", statutory_days * 8),
        ));
    }
    Ok(out.into_iter().map(|(_, s)| s).collect())
}

/// Words that mark a value nobody filled in: such text must not reach citizens.
const PLACEHOLDERS: [&str; 9] = [
    "vi du",
    "tinh cap nhat",
    "placeholder",
    "todo",
    "tbd",
    "lorem",
    "xxx",
    "...",
    "\u{2026}",
];

/// Refuses a file whose quoted values (names, fees' basis, forms, legal basis) still carry a
/// placeholder such as "mức ví dụ" or "Nghị quyết số .../NQ-HĐND"; comments may say anything.
fn placeholders(ctx: &Ctx<'_>) -> Result<(), CatalogError> {
    let mut offset = 0;
    for line in ctx.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim_start().starts_with('#') {
            continue;
        }
        for value in line.split('"').skip(1).step_by(2) {
            let folded = format!(" {} ", crate::text::fold(value));
            let found = PLACEHOLDERS.iter().find(|p| {
                if p.chars().all(char::is_alphanumeric) || p.contains(' ') {
                    let spaced = folded.replace(|c: char| !c.is_alphanumeric(), " ");
                    spaced.contains(&format!(" {p} "))
                } else {
                    folded.contains(*p)
                }
            });
            if let Some(p) = found {
                return Err(ctx.err(
                    &(start..start),
                    "placeholder",
                    format!(
                        "\"{value}\" còn chữ giữ chỗ ({p}): hãy ghi nội dung thật trước khi công bố"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks a whole catalogue: every file, and no code used twice (the same code may appear
/// with different versions).
pub fn validate_catalog(files: &[(String, String)]) -> (Vec<Procedure>, Vec<CatalogError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<(String, u32), String> = BTreeMap::new();
    for (file, text) in files {
        match parse_procedure(file, text) {
            Ok(p) => {
                let key = (p.code.to_string(), p.version);
                if let Some(first) = seen.insert(key.clone(), file.clone()) {
                    let line = text.find("code").map_or(1, |o| {
                        text.get(..o).map_or(1, |t| t.matches('\n').count() + 1)
                    });
                    errors.push(CatalogError {
                        file: file.clone(),
                        line,
                        rule: "duplicate-code",
                        message: format!(
                            "mã thủ tục {} phiên bản {} đã có trong {first}",
                            key.0, key.1
                        ),
                    });
                } else {
                    ok.push(p);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}
