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
