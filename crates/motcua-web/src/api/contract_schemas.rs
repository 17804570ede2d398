//! Schemas of answers serialised elsewhere: a procedure as the catalogue stores it (the core's
//! own serialisation) and the report and KPI documents the CLI prints too (`motcua_app`'s JSON
//! contract, README). These types are never built: they describe those documents so the
//! OpenAPI document can be checked against every answer (schemathesis does, in CI, on both
//! databases), and a change on either side that the other does not follow fails there.
#![allow(
    dead_code,
    reason = "schema-only types: never built, read by utoipa alone"
)]

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// A required document of a procedure (thành phần hồ sơ).
#[derive(utoipa::ToSchema)]
pub struct RequiredDocumentSchema {
    code: String,
    name: String,
    /// Originals to submit.
    originals: u32,
    /// Copies to submit.
    copies: u32,
    mandatory: bool,
    /// Whether the desk must digitise it.
    digitise: bool,
    /// The reusable document type.
    reusable_type: Option<String>,
    /// Restricted: only the officers handling the dossier and leaders open its scan.
    confidential: bool,
}

/// How a fee is computed: `{kind: fixed, amount}`, `{kind: per_area, per_m2, min, max}` or
/// `{kind: share_of_value, basis_points, min, max}` (đồng).
#[derive(utoipa::ToSchema)]
pub struct FeeRuleSchema {
    /// `fixed`, `per_area` or `share_of_value`.
    kind: String,
    amount: Option<i64>,
    per_m2: Option<i64>,
    basis_points: Option<i64>,
    min: Option<i64>,
    max: Option<i64>,
}

/// A charge or fee (phí, lệ phí).
#[derive(utoipa::ToSchema)]
pub struct FeeSchema {
    code: String,
    name: String,
    rule: FeeRuleSchema,
    online_discount_percent: u32,
    /// Where the amount is set.
    basis: String,
}

/// Which unit performs a step: `{type: receiving | resolving}` or `{type: kind, value}`.
#[derive(utoipa::ToSchema)]
pub struct UnitSelectorSchema {
    r#type: String,
    value: Option<String>,
}

/// A step of the internal process.
#[derive(utoipa::ToSchema)]
pub struct StepSchema {
    code: String,
    name: String,
    /// receive, process, inter_agency, await_payment, approve, sign, return.
    kind: String,
    /// The role that does it.
    role: String,
    unit: UnitSelectorSchema,
    /// Working hours.
    budget_hours: u32,
    /// Whether the statutory clock stops during the step.
    stops_clock: bool,
}

/// The result the applicant receives.
#[derive(utoipa::ToSchema)]
pub struct ResultDocumentSchema {
    name: String,
    electronic: bool,
}

/// One version of a procedure, in full.
#[derive(utoipa::ToSchema)]
pub struct ProcedureSchema {
    code: String,
    /// Codes it was published under before (an old code finds the current procedure).
    former_codes: Vec<String>,
    version: u32,
    name: String,
    name_en: String,
    /// Field (lĩnh vực).
    field: String,
    /// `province` or `commune`.
    level: String,
    /// Agency kinds that implement it.
    agencies: Vec<String>,
    /// `full`, `partial` or `none`.
    online: String,
    /// Accepted channels.
    channels: Vec<String>,
    /// Working days.
    statutory_days: u32,
    /// Extra working days in remote communes.
    remote_extra_days: u32,
    documents: Vec<RequiredDocumentSchema>,
    fees: Vec<FeeSchema>,
    result: ResultDocumentSchema,
    legal_basis: Vec<String>,
    effective_from: NaiveDate,
    effective_until: Option<NaiveDate>,
    steps: Vec<StepSchema>,
}

/// Received in the period, by channel.
#[derive(utoipa::ToSchema)]
pub struct ReceivedSchema {
    online: i64,
    counter: i64,
    postal: i64,
    portal: i64,
    total: i64,
    /// Received at a desk outside the applicant's commune (phi địa giới).
    boundary_free: i64,
}

/// Finished in the period.
#[derive(utoipa::ToSchema)]
pub struct FinishedSchema {
    early: i64,
    on_time: i64,
    late: i64,
    late_with_apology: i64,
    total: i64,
}

/// Still in process at the period's end.
#[derive(utoipa::ToSchema)]
pub struct InProcessSchema {
    not_due: i64,
    overdue: i64,
    total: i64,
}

/// A row of the periodic report (KPI.md §2).
#[derive(utoipa::ToSchema)]
pub struct ReportRowSchema {
    /// The group's key (agency code, desk, field, procedure or channel); empty on the total.
    key: String,
    name: String,
    carried_over: i64,
    received: ReceivedSchema,
    finished: FinishedSchema,
    refused: i64,
    withdrawn: i64,
    in_process: InProcessSchema,
}

/// The periodic report.
#[derive(utoipa::ToSchema)]
pub struct ReportSchema {
    from: NaiveDate,
    to: NaiveDate,
    /// agency, desk, field, procedure or channel.
    by: String,
    rows: Vec<ReportRowSchema>,
    total: ReportRowSchema,
}

/// A Decision 766 indicator: ratios as fractions 0–1, counts as integers.
#[derive(utoipa::ToSchema)]
pub struct IndicatorSchema {
    code: String,
    name: String,
    numerator: Option<i64>,
    denominator: Option<i64>,
    ratio: Option<f64>,
    /// The ratio below which it scores nothing, if any.
    threshold: Option<f64>,
    /// Points the indicator is worth.
    max: f64,
    score: Option<f64>,
    /// `scored`, `no_data` or `not_applicable`.
    status: String,
}

/// The Decision 766 tally.
#[derive(utoipa::ToSchema)]
pub struct KpiSchema {
    from: NaiveDate,
    to: NaiveDate,
    agency: Option<String>,
    indicators: Vec<IndicatorSchema>,
    /// Points per group (CKMB, TĐ, …).
    groups: BTreeMap<String, f64>,
    total: f64,
    /// Indicator 2.1 as the national portal counts it.
    national: Option<IndicatorSchema>,
}
