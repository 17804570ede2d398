//! The answers of the API's administrative and integration operations, as declared types
//! (the reads of dossiers and the session are in `read_bodies`).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A staff account made: its one-time password, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedAccountBody {
    /// Sign-in name.
    pub username: String,
    /// To be changed at first sign-in.
    pub one_time_password: String,
}

/// What an account action did: a new one-time password for `reset-password`, nothing else.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct AccountActionBody {
    /// Only for `reset-password`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

/// How many agencies a file loaded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoadedBody {
    /// Agencies loaded.
    pub loaded: usize,
}

/// How many plan targets were imported.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TargetsImportedBody {
    /// Targets imported.
    pub targets: usize,
}

/// Where the administrative log's chain breaks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrokenAtBody {
    /// The first row that does not verify.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

/// A row of the administrative log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdminLogEntryBody {
    /// Position in the chain.
    pub seq: i64,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Who (account id).
    pub actor_id: String,
    /// Who (name).
    pub actor_name: String,
    /// What was done.
    pub action: String,
    /// To what.
    pub object: String,
    /// The object before (any JSON; null when made).
    #[schema(value_type = Value)]
    pub before: serde_json::Value,
    /// The object after (any JSON; null when removed).
    #[schema(value_type = Value)]
    pub after: serde_json::Value,
    /// The row's hash, chaining it to the one before.
    pub hash: String,
}

/// A page of the administrative log, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdminLogBody {
    /// Whether the whole chain verifies.
    pub intact: bool,
    /// Where it does not.
    pub broken_at: Option<BrokenAtBody>,
    /// The rows.
    pub entries: Vec<AdminLogEntryBody>,
}

/// A token made: the secret, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedTokenBody {
    /// Id (to revoke it).
    pub id: uuid::Uuid,
    /// The bearer token.
    pub token: String,
}

/// An imported calendar document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarDocumentBody {
    /// `year-schedule` or `holiday-rules`.
    pub kind: String,
    /// `YEAR/SCOPE`, or the rules file's name.
    pub key: String,
    /// The imported file's name.
    pub name: String,
    /// When.
    pub imported_at: DateTime<Utc>,
}

/// What a calendar import replaced or added.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarImportedBody {
    /// `year-schedule` or `holiday-rules`.
    pub kind: String,
    /// Its key.
    pub key: String,
}

/// A procedure file checked (and published unless a dry run).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedProcedureBody {
    /// Procedure code.
    pub code: String,
    /// The file's version.
    pub version: u32,
    /// The version in force before, if any.
    pub current_version: Option<u32>,
    /// What differs from it, one line each.
    pub changes: Vec<String>,
    /// Whether it is now in force.
    pub published: bool,
}

/// A plan target (a share as a fraction 0–1, other figures as counts).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanTargetBody {
    /// The plan's name.
    pub plan: String,
    /// The figure (KPI.md §4).
    pub figure: String,
    /// For this agency only.
    pub agency: Option<String>,
    /// For agencies of this kind.
    pub kind: Option<String>,
    /// Reached by this day.
    #[schema(value_type = String, format = Date)]
    pub by: chrono::NaiveDate,
    /// The target.
    pub value: f64,
}

/// The province's plan targets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlansBody {
    /// Every target of every plan.
    pub targets: Vec<PlanTargetBody>,
}

/// Signed in: the CSRF token to send with every change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignedInBody {
    /// Send as `X-CSRF-Token`.
    pub csrf_token: String,
    /// What the session still needs: `change_password`, `second_factor` or `enrol`.
    pub next: Option<String>,
}

/// A second factor to enrol.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnrolBody {
    /// The TOTP secret (base32).
    pub secret: String,
    /// For an authenticator app's QR code.
    pub otpauth_uri: String,
}

/// Recovery codes, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecoveryCodesBody {
    /// Each works once instead of a TOTP code.
    pub recovery_codes: Vec<String>,
}

/// What a signed callback did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CallbackBody {
    /// `recorded`, `duplicate`, `ignored` or `awaiting_treasury`.
    pub result: &'static str,
}

impl CallbackBody {
    /// The answer, as JSON.
    pub fn answer(result: &'static str) -> axum::Json<Self> {
        axum::Json(Self { result })
    }
}
