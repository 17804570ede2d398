//! Administration over the API: the same use cases as the pages and the CLI (staff accounts,
//! the agency file, the administrative log), for administrators only.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use motcua_app::NewStaff;
use motcua_core::catalog::Role;
use motcua_core::units::parse_agency_file;
use serde::{Deserialize, Serialize};

use super::answer_bodies::{
    AccountActionBody, AdminLogBody, AdminLogEntryBody, BrokenAtBody, CalendarDocumentBody,
    CalendarImportedBody, IssuedAccountBody, IssuedTokenBody, LoadedBody, PublishedProcedureBody,
};
use crate::auth::Principal;
use crate::service::actor;
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/accounts",
            get(list_accounts).post(create_account),
        )
        .route("/api/v1/admin/accounts/{username}", put(update_account))
        .route(
            "/api/v1/admin/accounts/{username}/{action}",
            post(account_action),
        )
        .route("/api/v1/admin/agencies", put(import_agencies))
        .route(
            "/api/v1/admin/agencies/{code}/{action}",
            post(agency_action),
        )
        .route("/api/v1/admin/log", get(admin_log))
        .route("/api/v1/admin/procedures", post(publish_procedure))
        .route(
            "/api/v1/admin/procedures/{code}/agencies",
            put(set_procedure_agencies),
        )
        .route(
            "/api/v1/admin/procedures/{code}/portal-code",
            put(set_portal_code),
        )
        .route(
            "/api/v1/admin/agencies/{code}/office-hours",
            put(set_office_hours),
        )
        .route(
            "/api/v1/admin/calendar",
            get(calendar_documents)
                .put(import_calendar)
                .delete(remove_calendar),
        )
        .route("/api/v1/admin/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/admin/tokens/{id}/revoke", post(revoke_token))
}

fn admin(p: &Principal) -> Result<(), ApiError> {
    if p.role == Role::Administrator {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "chỉ quản trị hệ thống được dùng chức năng này".into(),
        ))
    }
}

/// A staff account as listed (never its password or second-factor secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountBody {
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: String,
    /// Agency codes.
    pub units: Vec<String>,
    /// May sign in.
    pub active: bool,
    /// Locked after failed sign-ins until then.
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Must replace a one-time password at the next sign-in.
    pub must_change_password: bool,
    /// Has a second factor.
    pub mfa: bool,
}

/// Lists the province's staff accounts.
#[utoipa::path(get, path = "/api/v1/admin/accounts", tag = "admin",
    responses((status = 200, description = "The accounts", body = Vec<AccountBody>),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json")))]
pub(crate) async fn list_accounts(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<AccountBody>>, ApiError> {
    admin(&principal)?;
    let accounts = state.db.all_accounts(&principal.province).await?;
    Ok(Json(
        accounts
            .into_iter()
            .map(|a| AccountBody {
                username: a.username,
                full_name: a.full_name,
                role: a.role,
                units: a.units.0,
                active: a.active,
                locked_until: a.locked_until,
                must_change_password: a.must_change_password,
                mfa: a.totp_secret.is_some(),
            })
            .collect(),
    ))
}

/// A staff account to create or change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffBody {
    /// Sign-in name (creation only): 2–32 of a–z, 0–9, `.`, `_`, `-`.
    #[serde(default)]
    pub username: String,
    /// Full name (1–100 characters).
    pub full_name: String,
    /// `desk_officer`, `specialist`, `leader`, `supervisor` or `administrator`.
    pub role: String,
    /// Agency codes (none for supervisors and administrators).
    #[serde(default)]
    pub units: Vec<String>,
}

fn role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| ApiError::Invalid(format!("không có vai trò \"{text}\"")))
}

/// Creates a staff account; answers its one-time password, shown this once.
#[utoipa::path(post, path = "/api/v1/admin/accounts", tag = "admin", request_body = StaffBody,
    responses((status = 201, description = "The account and its one-time password", body = IssuedAccountBody),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json"),
              (status = 422, description = "Invalid or taken", content_type = "application/problem+json")))]
pub(crate) async fn create_account(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<StaffBody>,
) -> Result<Response, ApiError> {
    admin(&principal)?;
    let issued = state
        .app
        .create_staff(
            &actor(&principal),
            NewStaff {
                username: body.username,
                full_name: body.full_name,
                role: role(&body.role)?,
                units: body.units,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedAccountBody {
            username: issued.username,
            one_time_password: issued.one_time_password,
        }),
    )
        .into_response())
}

async fn same_province(state: &AppState, p: &Principal, username: &str) -> Result<(), ApiError> {
    match state.db.account_by_username(username).await? {
        Some(a) if a.province_code == p.province => Ok(()),
        _ => Err(ApiError::NotFound),
    }
}

/// Changes an account's name, role and agencies.
#[utoipa::path(put, path = "/api/v1/admin/accounts/{username}", tag = "admin", request_body = StaffBody,
    params(("username" = String, Path, description = "Sign-in name")),
    responses((status = 204, description = "Changed"),
              (status = 404, description = "No such account in the province", content_type = "application/problem+json"),
              (status = 422, description = "Invalid", content_type = "application/problem+json")))]
pub(crate) async fn update_account(
    State(state): State<AppState>,
    principal: Principal,
    Path(username): Path<String>,
    Json(body): Json<StaffBody>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    same_province(&state, &principal, &username).await?;
    state
        .app
        .update_staff(
            &actor(&principal),
            &username,
            &body.full_name,
            role(&body.role)?,
            body.units,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `disable`, `enable`, `unlock`, `reset-password` (answers the one-time password) or
/// `reset-mfa`.
#[utoipa::path(post, path = "/api/v1/admin/accounts/{username}/{action}", tag = "admin",
    params(("username" = String, Path, description = "Sign-in name"),
           ("action" = String, Path, description = "disable | enable | unlock | reset-password | reset-mfa")),
    responses((status = 200, description = "Done; a one-time password for reset-password", body = AccountActionBody),
              (status = 404, description = "No such account or action", content_type = "application/problem+json")))]
pub(crate) async fn account_action(
    State(state): State<AppState>,
    principal: Principal,
    Path((username, action)): Path<(String, String)>,
) -> Result<Json<AccountActionBody>, ApiError> {
    admin(&principal)?;
    same_province(&state, &principal, &username).await?;
    let by = actor(&principal);
    let app = &state.app;
    match action.as_str() {
        "disable" => app.set_staff_active(&by, &username, false).await?,
        "enable" => app.set_staff_active(&by, &username, true).await?,
        "unlock" => app.unlock_staff(&by, &username).await?,
        "reset-mfa" => app.reset_staff_mfa(&by, &username).await?,
        "reset-password" => {
            let issued = app.reset_staff_password(&by, &username).await?;
            return Ok(Json(AccountActionBody {
                one_time_password: Some(issued.one_time_password),
            }));
        }
        _ => return Err(ApiError::NotFound),
    }
    Ok(Json(AccountActionBody::default()))
}

/// Loads (or reloads) the province's agency file (the TOML text as the body).
#[utoipa::path(put, path = "/api/v1/admin/agencies", tag = "admin",
    request_body(content = String, description = "The agency file (TOML)", content_type = "text/plain"),
    responses((status = 200, description = "How many agencies were loaded", body = LoadedBody),
              (status = 422, description = "The file breaks a rule (file:line: reason)", content_type = "application/problem+json")))]
pub(crate) async fn import_agencies(
    State(state): State<AppState>,
    principal: Principal,
    body: String,
) -> Result<Json<LoadedBody>, ApiError> {
    admin(&principal)?;
    let file = parse_agency_file("co-quan.toml", &body).map_err(ApiError::Invalid)?;
    let n = state
        .app
        .import_agency_file(&actor(&principal), file)
        .await?;
    Ok(Json(LoadedBody { loaded: n }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct LogQuery {
    before: Option<i64>,
    limit: Option<u64>,
}

/// The administrative log, newest first, and whether its chain is intact.
#[utoipa::path(get, path = "/api/v1/admin/log", tag = "admin",
    params(("before" = Option<i64>, Query, description = "Rows before this one"),
           ("limit" = Option<u64>, Query, description = "At most this many (≤ 200, default 50)")),
    responses((status = 200, description = "Rows, newest first, and whether the chain is intact", body = AdminLogBody)))]
pub(crate) async fn admin_log(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<LogQuery>,
) -> Result<Json<AdminLogBody>, ApiError> {
    admin(&principal)?;
    let entries = state
        .db
        .admin_log(q.before, q.limit.unwrap_or(50).clamp(1, 200))
        .await?;
    let verdict = state.db.verify_admin_log().await?;
    let parse = |t: &str| serde_json::from_str(t).unwrap_or(serde_json::Value::Null);
    Ok(Json(AdminLogBody {
        intact: verdict.is_ok(),
        broken_at: verdict
            .err()
            .map(|(seq, reason)| BrokenAtBody { seq, reason }),
        entries: entries
            .into_iter()
            .map(|e| AdminLogEntryBody {
                before: parse(&e.before),
                after: parse(&e.after),
                seq: e.seq,
                recorded_at: e.recorded_at,
                actor_id: e.actor_id,
                actor_name: e.actor_name,
                action: e.action,
                object: e.object,
                hash: e.hash,
            })
            .collect(),
    }))
}

/// An API token as listed (never the token itself).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenBody {
    /// Id.
    pub id: uuid::Uuid,
    /// The system's name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Agency codes.
    pub units: Vec<String>,
    /// When made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last used (to the minute).
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What it may read beyond its role.
    pub scopes: Vec<String>,
}

/// Lists the province's API tokens.
#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "admin",
    responses((status = 200, description = "The tokens", body = Vec<TokenBody>)))]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<TokenBody>>, ApiError> {
    admin(&principal)?;
    let tokens = state.db.api_tokens(&principal.province).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenBody {
                id: t.id,
                name: t.name,
                role: t.role,
                units: t.units.0,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked_at: t.revoked_at,
                scopes: t.scopes.0,
            })
            .collect(),
    ))
}

/// A token to make: a system's name and its scope.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// The system's name.
    pub name: String,
    /// The role it acts with.
    pub role: String,
    /// Agency codes (none for province-wide roles).
    #[serde(default)]
    pub units: Vec<String>,
    /// What it may read beyond its role: `land.read` (the land register's read API).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Makes a token; answers it, shown this once.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", request_body = NewTokenBody,
    responses((status = 201, description = "The token, shown once", body = IssuedTokenBody),
              (status = 422, description = "Invalid", content_type = "application/problem+json")))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<NewTokenBody>,
) -> Result<Response, ApiError> {
    admin(&principal)?;
    // Checked before the token exists: it is shown once, so it must not be made and lost.
    if let Some(bad) = body
        .scopes
        .iter()
        .find(|x| !motcua_app::TOKEN_SCOPES.contains(&x.as_str()))
    {
        return Err(ApiError::Invalid(format!(
            "phạm vi \"{bad}\" không có (có: {})",
            motcua_app::TOKEN_SCOPES.join(", ")
        )));
    }
    let (id, token) = state
        .app
        .create_api_token(
            &actor(&principal),
            &body.name,
            role(&body.role)?,
            body.units,
        )
        .await?;
    if !body.scopes.is_empty() {
        state
            .app
            .set_token_scopes(&actor(&principal), id, body.scopes)
            .await?;
    }
    Ok((StatusCode::CREATED, Json(IssuedTokenBody { id, token })).into_response())
}

/// Revokes a token: it stops working at once.
#[utoipa::path(post, path = "/api/v1/admin/tokens/{id}/revoke", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"),
              (status = 404, description = "No such token in the province", content_type = "application/problem+json")))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<uuid::Uuid>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    state.app.revoke_api_token(&actor(&principal), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The value of an agency change: `{name}` (rename), `{new_code}` (recode), `{into}` (merge),
/// `{parent}` (move; null for the top level).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyChangeBody {
    /// New name (rename).
    #[serde(default)]
    pub name: Option<String>,
    /// New identifier (recode).
    #[serde(default)]
    pub new_code: Option<String>,
    /// The agency that takes over (merge).
    #[serde(default)]
    pub into: Option<String>,
    /// The new parent (move).
    #[serde(default)]
    pub parent: Option<String>,
}

/// Renames, re-codes, merges or moves one agency of the province.
#[utoipa::path(post, path = "/api/v1/admin/agencies/{code}/{action}", tag = "admin", request_body = AgencyChangeBody,
    params(("code" = String, Path, description = "The agency's code"),
           ("action" = String, Path, description = "rename | recode | merge | move. A merge also moves the agency's staff, API tokens and open dossiers to `into`; posted again, it finishes an interrupted one")),
    responses((status = 204, description = "Changed"),
              (status = 404, description = "No such agency in the province", content_type = "application/problem+json"),
              (status = 422, description = "Invalid (a used code, a cycle…)", content_type = "application/problem+json")))]
pub(crate) async fn agency_action(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, action)): Path<(String, String)>,
    Json(body): Json<AgencyChangeBody>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    let need = |v: Option<String>, what: &str| {
        v.ok_or_else(|| ApiError::Invalid(format!("thiếu trường \"{what}\"")))
    };
    let change = match action.as_str() {
        "rename" => motcua_app::AgencyChange::Rename {
            code,
            name: need(body.name, "name")?,
        },
        "recode" => motcua_app::AgencyChange::Recode {
            code,
            new_code: need(body.new_code, "new_code")?,
        },
        "merge" => motcua_app::AgencyChange::Merge {
            from: code,
            into: need(body.into, "into")?,
        },
        "move" => motcua_app::AgencyChange::Move {
            code,
            parent: body.parent,
        },
        _ => return Err(ApiError::NotFound),
    };
    state.app.change_agency(&actor(&principal), change).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calendar documents imported (the shipped ones are not listed).
#[utoipa::path(get, path = "/api/v1/admin/calendar", tag = "admin",
    responses((status = 200, description = "The imported documents", body = Vec<CalendarDocumentBody>)))]
pub(crate) async fn calendar_documents(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<CalendarDocumentBody>>, ApiError> {
    admin(&principal)?;
    let docs = state.db.calendar_documents().await?;
    Ok(Json(
        docs.into_iter()
            .map(|d| CalendarDocumentBody {
                kind: d.kind,
                key: d.doc_key,
                name: d.name,
                imported_at: d.imported_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct CalendarQuery {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    key: Option<String>,
}

/// Checks and imports a calendar document (TOML body); applies at once.
#[utoipa::path(put, path = "/api/v1/admin/calendar", tag = "admin",
    params(("name" = Option<String>, Query, description = "The file's name (for errors and as the key of rules)")),
    request_body(content = String, description = "The document (TOML)", content_type = "text/plain"),
    responses((status = 200, description = "What was imported", body = CalendarImportedBody),
              (status = 422, description = "The document breaks a rule (file:line)", content_type = "application/problem+json")))]
pub(crate) async fn import_calendar(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<CalendarQuery>,
    body: String,
) -> Result<Json<CalendarImportedBody>, ApiError> {
    admin(&principal)?;
    let name = q.name.unwrap_or_else(|| "lich.toml".into());
    let (kind, key) = state
        .app
        .import_calendar_document(&actor(&principal), &name, &body)
        .await?;
    Ok(Json(CalendarImportedBody {
        kind: kind.to_owned(),
        key,
    }))
}

/// Removes an imported calendar document; applies at once.
#[utoipa::path(delete, path = "/api/v1/admin/calendar", tag = "admin",
    params(("kind" = String, Query, description = "year-schedule or holiday-rules"),
           ("key" = String, Query, description = "YEAR/SCOPE, or the rules file's name")),
    responses((status = 204, description = "Removed"),
              (status = 404, description = "No such document", content_type = "application/problem+json")))]
pub(crate) async fn remove_calendar(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<CalendarQuery>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    let (Some(kind), Some(key)) = (q.kind, q.key) else {
        return Err(ApiError::Invalid("cần kind và key".into()));
    };
    state
        .app
        .remove_calendar_document(&actor(&principal), &kind, &key)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub(crate) struct PublishQuery {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

/// Checks a procedure file (TOML body) against the catalogue and, unless `dry_run`, publishes
/// it as a new version; answers the differences from the version in force.
#[utoipa::path(post, path = "/api/v1/admin/procedures", tag = "admin",
    params(("name" = Option<String>, Query, description = "The file's name, for errors"),
           ("dry_run" = Option<bool>, Query, description = "Check and compare only")),
    request_body(content = String, description = "The procedure file (TOML)", content_type = "text/plain"),
    responses((status = 200, description = "The check, and whether it was published", body = PublishedProcedureBody),
              (status = 422, description = "A rule broken (file:line), or a version not newer", content_type = "application/problem+json")))]
pub(crate) async fn publish_procedure(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<PublishQuery>,
    body: String,
) -> Result<Json<PublishedProcedureBody>, ApiError> {
    admin(&principal)?;
    let name = q.name.unwrap_or_else(|| "thu-tuc.toml".into());
    let check = if q.dry_run {
        state.app.check_procedure(&name, &body).await?
    } else {
        state
            .app
            .publish_procedure(&actor(&principal), &name, &body)
            .await?
    };
    Ok(Json(PublishedProcedureBody {
        code: check.procedure.code.as_str().to_owned(),
        version: check.procedure.version,
        current_version: check.current,
        changes: check.changes,
        published: !q.dry_run,
    }))
}

/// The agencies that resolve a procedure.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureAgenciesBody {
    /// Agency codes; empty: the catalogue's agency kinds decide.
    pub agencies: Vec<String>,
}

/// Names the agencies that resolve a procedure.
#[utoipa::path(put, path = "/api/v1/admin/procedures/{code}/agencies", tag = "admin", request_body = ProcedureAgenciesBody,
    params(("code" = String, Path, description = "Procedure code")),
    responses((status = 204, description = "Saved"), (status = 422, description = "An agency not of the province", content_type = "application/problem+json")))]
pub(crate) async fn set_procedure_agencies(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Json(body): Json<ProcedureAgenciesBody>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    state
        .app
        .set_procedure_agencies(&actor(&principal), &code, body.agencies)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A procedure's code on the national portal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalCodeBody {
    /// The portal's code (MaTTHC); null or empty: the same as ours.
    pub portal_code: Option<String>,
}

/// Maps a procedure to the national portal's code, used when syncing dossiers.
#[utoipa::path(put, path = "/api/v1/admin/procedures/{code}/portal-code", tag = "admin", request_body = PortalCodeBody,
    params(("code" = String, Path, description = "Procedure code")),
    responses((status = 204, description = "Saved"), (status = 422, description = "Invalid code", content_type = "application/problem+json")))]
pub(crate) async fn set_portal_code(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Json(body): Json<PortalCodeBody>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    state
        .app
        .set_portal_code(&actor(&principal), &code, body.portal_code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An agency's office hours.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeHoursBody {
    /// `07:00-11:30,13:30-17:00`; null: back to the civil-service default.
    pub periods: Option<String>,
    /// Open on Saturdays.
    #[serde(default)]
    pub saturday: bool,
    /// Daily cut-off `HH:MM` (null: none).
    #[serde(default)]
    pub cutoff: Option<String>,
}

/// Sets an agency's office hours; its deadlines follow them from the next command.
#[utoipa::path(put, path = "/api/v1/admin/agencies/{code}/office-hours", tag = "admin", request_body = OfficeHoursBody,
    params(("code" = String, Path, description = "The agency's code")),
    responses((status = 204, description = "Saved"), (status = 422, description = "Invalid hours", content_type = "application/problem+json")))]
pub(crate) async fn set_office_hours(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Json(body): Json<OfficeHoursBody>,
) -> Result<StatusCode, ApiError> {
    admin(&principal)?;
    let hours = body.periods.map(|periods| motcua_store::StoredOfficeHours {
        agency_code: code.clone(),
        periods,
        saturday: body.saturday,
        cutoff: body.cutoff,
    });
    state
        .app
        .set_office_hours(&actor(&principal), &code, hours)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
