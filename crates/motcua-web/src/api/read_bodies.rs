//! The answers of the API's reads, as declared types: what the OpenAPI document promises is
//! what is serialised, and schemathesis checks every answer against it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A dossier in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierSummaryBody {
    /// Id (UUID).
    pub id: String,
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Status (wire name).
    pub status: String,
    /// Channel (wire name).
    pub channel: String,
    /// The receiving desk's agency code.
    pub receiving_agency: String,
    /// The resolving agency's code.
    pub resolving_agency: String,
    /// The applicant's name.
    pub applicant_name: String,
    /// The officer the current step is assigned to.
    pub assignee: Option<String>,
    /// Filed or received.
    pub submitted_at: DateTime<Utc>,
    /// Due.
    pub due_at: Option<DateTime<Utc>>,
    /// Ended (returned, refused, withdrawn).
    pub finished_at: Option<DateTime<Utc>>,
}

/// A page of dossiers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierListBody {
    /// The dossiers, newest first.
    pub items: Vec<DossierSummaryBody>,
    /// Pass as `cursor` for the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// What the public lookup shows of a dossier (its stored public view).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicViewBody {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// The applicant's name, all but the given name masked.
    pub applicant: String,
    /// Status (wire name).
    pub status: String,
    /// Status, in Vietnamese.
    pub status_label: String,
    /// Received (the clock started).
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment given.
    pub due_at: Option<DateTime<Utc>>,
    /// Returned.
    pub returned_at: Option<DateTime<Utc>>,
    /// The steps so far.
    pub steps: Vec<PublicStepBody>,
}

/// A step, as the public sees it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicStepBody {
    /// Step name.
    pub name: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Who the caller is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionBody {
    /// Full name.
    pub name: String,
    /// Role (wire name).
    pub role: String,
    /// Province code.
    pub province: String,
    /// Agency codes the caller works for.
    pub units: Vec<String>,
}

/// A procedure in the catalogue list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedureSummaryBody {
    /// Procedure code.
    pub code: String,
    /// Version in force.
    pub version: u32,
    /// Name as published.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// `province` or `commune`.
    pub level: &'static str,
    /// `full`, `partial` or `none`.
    pub online: &'static str,
    /// Working days.
    pub statutory_days: u32,
}

/// The procedures in force.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedureListBody {
    /// By code.
    pub items: Vec<ProcedureSummaryBody>,
}

/// An agency.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyBody {
    /// Agency code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind (e.g. `land_office`).
    pub kind: String,
    /// The administrative unit it serves, if any.
    pub admin_unit: Option<String>,
}

/// A province's active agencies.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyListBody {
    /// The agencies.
    pub items: Vec<AgencyBody>,
}

/// An event of a dossier's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntryBody {
    /// Its number in the dossier's history.
    pub seq: i64,
    /// Event kind.
    pub kind: String,
    /// Who (account id or system name).
    pub actor: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The event as recorded.
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
}

/// A dossier with its history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierDetailBody {
    /// The dossier.
    #[serde(flatten)]
    pub dossier: super::dossier_body::DossierBody,
    /// Every event, oldest first.
    pub history: Vec<HistoryEntryBody>,
}
