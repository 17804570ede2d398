//! Dossiers: create, list, get with history, one POST per command; and the public lookup.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use motcua_core::catalog::Channel;
use motcua_core::dossier::{Applicant, Command, Dossier, DossierDocument, DossierId, NewDossier};
use motcua_core::ids::AgencyCode;
use motcua_store::{DossierFilter, ListOrder};
use serde::Deserialize;
use uuid::Uuid;

use super::idempotency::{Answer, once};
use crate::auth::{Credential, Principal};
use crate::service::{self, Intake};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers", post(create_dossier).get(list_dossiers))
        .route("/api/v1/dossiers/{id}", get(get_dossier))
        .route("/api/v1/dossiers/{id}/commands/{name}", post(run_command))
        .route("/api/v1/lookup/{code}", get(lookup_dossier))
}

/// A new dossier.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateDossier {
    /// Procedure code.
    pub procedure_code: String,
    /// `counter`, `online`, `post` or `national_portal`.
    #[schema(value_type = String)]
    pub channel: Channel,
    /// The desk that receives it.
    pub receiving_agency: String,
    /// The agency competent to resolve it.
    pub resolving_agency: String,
    /// Applicant: `{type: "person", id, name, born, address, phone, email, from_population_data}`
    /// or `{type: "organisation", tax_code, name, address, representative, phone, email}`.
    #[schema(value_type = Object)]
    pub applicant: Applicant,
    /// Documents received: `{code, name, originals, copies, file, digitised, reused_from, from_personal_store, signed}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<DossierDocument>,
    /// Area in m².
    #[serde(default)]
    pub area_m2: i64,
    /// Declared value in đồng.
    #[serde(default)]
    pub declared_value: i64,
    /// Land in a remote commune.
    #[serde(default)]
    pub remote_commune: bool,
    /// Another system's code.
    pub external_code: Option<String>,
}

fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::Invalid(format!("nội dung JSON không hợp lệ: {e}")))
}

fn agency(code: &str) -> Result<AgencyCode, ApiError> {
    AgencyCode::parse(code).map_err(|e| ApiError::Invalid(e.to_string()))
}

fn answer(status: StatusCode, d: &Dossier) -> Result<Answer, ApiError> {
    Ok(Answer {
        status,
        body: serde_json::to_value(d).map_err(|e| ApiError::Internal(e.to_string()))?,
        version: Some(d.version),
    })
}

/// Receives a dossier at a desk, or files one online (API tokens of online channels).
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = CreateDossier,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body → same response; same key, other body → 422")),
    responses((status = 201, description = "The dossier; `ETag` is its version"),
              (status = 403, description = "Not this desk", content_type = "application/problem+json"),
              (status = 422, description = "Incomplete or invalid", content_type = "application/problem+json")))]
pub(crate) async fn create_dossier(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    once(&state, &principal, &headers, &body, || async {
        let req: CreateDossier = json_body(&body)?;
        let resolving = agency(&req.resolving_agency)?;
        let online = matches!(req.channel, Channel::Online | Channel::NationalPortal);
        if online && matches!(principal.credential, Credential::Session { .. }) {
            return Err(ApiError::Forbidden(
                "hồ sơ trực tuyến do cổng dịch vụ công gửi vào".into(),
            ));
        }
        let intake = Intake {
            procedure: req.procedure_code,
            province: principal.province.clone(),
            new: NewDossier {
                id: DossierId(Uuid::nil()),
                code: service::placeholder_code(&resolving),
                external_code: req.external_code,
                channel: req.channel,
                receiving_agency: agency(&req.receiving_agency)?,
                resolving_agency: resolving,
                applicant: req.applicant,
                documents: req.documents,
                area_m2: req.area_m2,
                declared_value: req.declared_value,
                remote_commune: req.remote_commune,
            },
        };
        let d = service::open(&state, &principal, intake).await?;
        answer(StatusCode::CREATED, &d)
    })
    .await
}

/// Runs one command: `POST /api/v1/dossiers/{id}/commands/{name}` with the command's fields.
/// Commands: acknowledge, request_supplement, submit_supplement, refuse, withdraw, assign
/// (`{username}`), complete_step, return_to_step, transfer_to_agency, record_tax_notice,
/// record_payment, approve, sign, record_result, return_result, extend_with_apology, rate.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/commands/{name}", tag = "dossiers",
    params(("id" = Uuid, Path, description = "Dossier id"), ("name" = String, Path, description = "Command name"),
           ("If-Match" = Option<String>, Header, description = "The ETag last read; stale → 412"),
           ("Idempotency-Key" = Option<String>, Header, description = "Replays the first response")),
    request_body(content = Object, description = "The command's fields"),
    responses((status = 200, description = "The dossier after the command"),
              (status = 403, description = "Role may not do this", content_type = "application/problem+json"),
              (status = 404, description = "No such dossier visible to the caller", content_type = "application/problem+json"),
              (status = 412, description = "Stale If-Match", content_type = "application/problem+json"),
              (status = 422, description = "Refused by the rules", content_type = "application/problem+json")))]
pub(crate) async fn run_command(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, name)): Path<(Uuid, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    once(&state, &principal, &headers, &body, || async {
        let mut fields: serde_json::Value = if body.is_empty() {
            serde_json::json!({})
        } else {
            json_body(&body)?
        };
        let object = fields
            .as_object_mut()
            .ok_or_else(|| ApiError::Invalid("nội dung phải là một đối tượng JSON".into()))?;
        object.insert("command".into(), serde_json::Value::String(name.clone()));
        if name == "assign"
            && let Some(username) = object.remove("username")
        {
            let username = username.as_str().unwrap_or_default().to_owned();
            let officer = service::officer(&state, &username).await?;
            object.insert(
                "officer".into(),
                serde_json::to_value(officer).map_err(|e| ApiError::Internal(e.to_string()))?,
            );
        }
        let command: Command = serde_json::from_value(fields)
            .map_err(|e| ApiError::Invalid(format!("lệnh \"{name}\" không hợp lệ: {e}")))?;
        let d = service::command(&state, &principal, DossierId(id), expected, command).await?;
        answer(StatusCode::OK, &d)
    })
    .await
}

fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = v
        .to_str()
        .unwrap_or("")
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"');
    text.parse()
        .map(Some)
        .map_err(|_| ApiError::Invalid("If-Match phải là ETag của hồ sơ".into()))
}

/// A dossier with its history.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossiers", params(("id" = Uuid, Path, description = "Dossier id")),
    responses((status = 200, description = "The dossier and `history`; `ETag` is its version"), (status = 404, description = "Not visible", content_type = "application/problem+json")))]
pub(crate) async fn get_dossier(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let d = service::visible(&state, &principal, DossierId(id)).await?;
    let events: Vec<serde_json::Value> = state
        .db
        .dossier_events(d.id)
        .await?
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "seq": e.seq, "kind": e.kind, "actor": e.actor_id,
                "recorded_at": e.recorded_at, "event": e.payload.0,
            })
        })
        .collect();
    let mut body = serde_json::to_value(&d).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(o) = body.as_object_mut() {
        o.insert("history".into(), serde_json::Value::Array(events));
    }
    let mut response = Json(body).into_response();
    if let Ok(v) = format!("\"{}\"", d.version).parse() {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    status: Option<String>,
    procedure: Option<String>,
    unit: Option<String>,
    assignee: Option<String>,
    due_before: Option<DateTime<Utc>>,
    overdue: Option<bool>,
    channel: Option<String>,
    cursor: Option<Uuid>,
    limit: Option<u64>,
}

/// Dossiers visible to the caller, newest first, 50 a page; `next_cursor` continues.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", params(ListQuery),
    responses((status = 200, description = "`{items: [...], next_cursor}`"), (status = 401, description = "Not signed in")))]
pub(crate) async fn list_dossiers(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let filter = DossierFilter {
        province: Some(principal.province.clone()),
        visible_units: (!principal.sees_whole_province()).then(|| principal.units.clone()),
        status: q.status,
        procedure: q.procedure,
        unit: q.unit,
        assignee: q.assignee,
        due_before: q.due_before,
        overdue_at: q.overdue.filter(|o| *o).map(|_| state.clock.now()),
        channel: q.channel,
        open_only: false,
        waiting_role: None,
        free_or_assigned_to: None,
        submitted_from: None,
        submitted_to: None,
        before_id: q.cursor,
        due_after: None,
        limit,
        order: ListOrder::Newest,
    };
    let rows = state.db.list_dossiers(&filter).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| serde_json::json!({
            "id": r.id, "code": r.code, "procedure_code": r.procedure_code, "status": r.status,
            "channel": r.channel, "receiving_agency": r.receiving_agency, "resolving_agency": r.resolving_agency,
            "applicant_name": r.applicant_name, "assignee": r.current_assignee,
            "submitted_at": r.submitted_at, "due_at": r.due_at, "finished_at": r.finished_at,
        }))
        .collect();
    Ok(Json(
        serde_json::json!({ "items": items, "next_cursor": next }),
    ))
}

/// The applicant's name with all but the given name masked ("N*** T** Lan").
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last {
                (*w).to_owned()
            } else {
                let mut chars = w.chars();
                let first: String = chars.next().map(String::from).unwrap_or_default();
                format!("{first}{}", "*".repeat(chars.count()))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Public lookup by code: status, due date, progress; the applicant's name masked.
#[utoipa::path(get, path = "/api/v1/lookup/{code}", tag = "public", params(("code" = String, Path, description = "Dossier code")),
    responses((status = 200, description = "Status, due date and progress"), (status = 404, description = "Unknown code", content_type = "application/problem+json")))]
pub(crate) async fn lookup_dossier(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let d = state
        .db
        .dossier_by_code(code.trim())
        .await?
        .ok_or(ApiError::NotFound)?;
    if d.is_sub_dossier() {
        return Err(ApiError::NotFound);
    }
    let steps: Vec<serde_json::Value> = d
        .steps
        .iter()
        .map(|s| serde_json::json!({"name": s.name, "started_at": s.started_at, "finished_at": s.finished_at}))
        .collect();
    Ok(Json(serde_json::json!({
        "code": d.code,
        "procedure_code": d.procedure,
        "applicant": mask_name(d.applicant.name()),
        "status": d.status.as_str(),
        "status_label": d.status.label_vi(),
        "received_at": d.received_at,
        "due_at": d.appointment.as_ref().map(|a| a.current_due),
        "returned_at": d.returned_at,
        "steps": steps,
    })))
}
