//! Dossiers: create, list, get with history, one POST per command; and the public lookup.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use motcua_core::catalog::Channel;
use motcua_core::dossier::{Command, Dossier, DossierId, SignedTarget};
use motcua_store::{DossierFilter, ListOrder};
use serde::Deserialize;
use uuid::Uuid;

use super::idempotency::{Answer, once};
use super::read_bodies::{DossierDetailBody, HistoryEntryBody};
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

use super::dossier_body::DossierBody;
use super::read_bodies::{DossierListBody, DossierSummaryBody, PublicViewBody};
pub use super::wire::CreateDossier;

fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::Invalid(format!("nội dung JSON không hợp lệ: {e}")))
}

/// The dossier as the caller may read it (restricted scans they may not open unnamed).
async fn answer(
    state: &AppState,
    principal: &Principal,
    status: StatusCode,
    d: &Dossier,
) -> Result<Answer, ApiError> {
    let hidden = service::hidden_files(state, &service::actor(principal), d).await?;
    let mut body = serde_json::to_value(DossierBody::from(d))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    service::redact(&mut body, &hidden);
    Ok(Answer {
        status,
        body: body.to_string(),
        version: Some(d.version),
    })
}

/// Receives a dossier at a desk, or files one online (API tokens of online channels).
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = CreateDossier,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body → same response; same key, other body → 422")),
    responses((status = 201, description = "The dossier; `ETag` is its version", body = DossierBody),
              (status = 403, description = "Not this desk", content_type = "application/problem+json"),
              (status = 422, description = "Incomplete or invalid", content_type = "application/problem+json")))]
pub(crate) async fn create_dossier(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    once(
        &state,
        &principal,
        &headers,
        &body,
        StatusCode::CREATED,
        |answered| async {
            let req: CreateDossier = json_body(&body)?;
            let serial = req.land_certificate.clone().unwrap_or_default();
            let (procedure, mut new) = req.into_new()?;
            if serial.chars().count() > 30 {
                return Err(ApiError::Invalid(
                    "land_certificate: số phát hành dài quá 30 ký tự".into(),
                ));
            }
            if !serial.trim().is_empty() {
                new.land = Some(state.app.certificate_ref(&serial).await?.ok_or_else(|| {
                    ApiError::Invalid(format!(
                        "land_certificate: không có Giấy chứng nhận số phát hành {} còn hiệu lực",
                        serial.trim()
                    ))
                })?);
            }
            super::files::take_from_store(&state, new.applicant.number(), &mut new.documents)
                .await?;
            let scans: Vec<&str> = new
                .documents
                .iter()
                .filter_map(|d| d.file.as_deref())
                .collect();
            super::files::require_stored(&state, scans).await?;
            super::files::require_reuse(&state, new.applicant.number(), &new.documents).await?;
            let online = matches!(new.channel, Channel::Online | Channel::NationalPortal);
            if online && matches!(principal.credential, Credential::Session { .. }) {
                return Err(ApiError::Forbidden(
                    "hồ sơ trực tuyến do cổng dịch vụ công gửi vào".into(),
                ));
            }
            let intake = Intake {
                procedure,
                province: principal.province.clone(),
                new,
            };
            let d = service::open(&state, &principal, intake, answered).await?;
            answer(&state, &principal, StatusCode::CREATED, &d).await
        },
    )
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
    request_body(content = Object, description = "The command's fields, by command: request_supplement `RequestSupplementBody`, submit_supplement `SubmitSupplementBody`, refuse and withdraw `ReasonBody`, assign `AssignBody`, complete_step / approve / sign `NoteBody`, return_to_step `ReturnToStepBody`, transfer_to_agency `TransferBody`, record_tax_notice `TaxNoticeBody`, record_payment `PaymentBody`, record_result and draft_result `RecordResultBody`, digitise_document `DigitiseBody`, extend_with_apology `ExtendBody`, rate `RateBody`, return_result `ReturnBody` (none: the applicant collected it); acknowledge takes none"),
    responses((status = 200, description = "The dossier after the command", body = DossierBody),
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
    once(
        &state,
        &principal,
        &headers,
        &body,
        StatusCode::OK,
        |answered| async {
            let mut command = super::wire::command(&state, &name, &body).await?;
            if let Command::SubmitSupplement { documents } = &mut command {
                let d = service::visible(&state, &principal, DossierId(id)).await?;
                super::files::take_from_store(&state, d.applicant.number(), documents).await?;
            }
            super::files::require_stored(&state, super::files::named(&command)).await?;
            // A result or draft file that carries a signature (another agency's signed result,
            // a draft signed with the leader's token) is verified once recorded.
            let signed_file = match &command {
                Command::DraftResult { result } => {
                    result.file.clone().map(|f| (SignedTarget::Draft, f))
                }
                Command::RecordResult { result } => {
                    result.file.clone().map(|f| (SignedTarget::Result, f))
                }
                _ => None,
            };
            if let motcua_core::dossier::Command::SubmitSupplement { documents } = &command {
                let d = service::visible(&state, &principal, DossierId(id)).await?;
                super::files::require_reuse(&state, d.applicant.number(), documents).await?;
            }
            let d = service::command(
                &state,
                &principal,
                DossierId(id),
                expected,
                command,
                answered,
            )
            .await?;
            let d = match signed_file {
                Some((target, file)) => {
                    let bytes = state.files.get(&file).await?;
                    match state
                        .app
                        .check_signature_if_present(d.id, target, &bytes)
                        .await?
                    {
                        Some(_) => service::visible(&state, &principal, d.id).await?,
                        None => d,
                    }
                }
                None => d,
            };
            answer(&state, &principal, StatusCode::OK, &d).await
        },
    )
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
    responses((status = 200, description = "The dossier and `history`; `ETag` is its version", body = DossierDetailBody), (status = 404, description = "Not visible", content_type = "application/problem+json")))]
pub(crate) async fn get_dossier(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let d = service::visible(&state, &principal, DossierId(id)).await?;
    let history = state
        .db
        .dossier_events(d.id)
        .await?
        .into_iter()
        .map(|e| HistoryEntryBody {
            seq: e.seq,
            kind: e.kind,
            actor: e.actor_id,
            recorded_at: e.recorded_at,
            event: e.payload.0,
        })
        .collect();
    let body = DossierDetailBody {
        dossier: DossierBody::from(&d),
        history,
    };
    // Restricted scans the caller may not open are not named, in the dossier or its history.
    let hidden = service::hidden_files(&state, &service::actor(&principal), &d).await?;
    let mut body = serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
    service::redact(&mut body, &hidden);
    state
        .app
        .record_read(
            &service::actor(&principal),
            d.applicant.number(),
            Some(d.id.0),
            "dossier",
        )
        .await?;
    let mut response = Json(body).into_response();
    if let Ok(v) = format!("\"{}\"", d.version).parse() {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words to find: code, applicant's name (diacritics optional), CCCD or tax code, phone;
    /// every word must match (at most 200 characters).
    q: Option<String>,
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
    responses((status = 200, description = "A page of dossiers", body = DossierListBody), (status = 401, description = "Not signed in")))]
pub(crate) async fn list_dossiers(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<DossierListBody>, ApiError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let search = q.q.as_deref().unwrap_or_default();
    if search.chars().count() > 200 {
        return Err(ApiError::Invalid("q: tối đa 200 ký tự".into()));
    }
    let terms = motcua_core::dossier::search::query_terms(search);
    if !search.trim().is_empty() && terms.is_empty() {
        // Only punctuation: nothing can match it.
        return Ok(Json(DossierListBody {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let filter = DossierFilter {
        terms,
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
        not_overdue_at: None,
        unassigned_only: false,
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
    let items = rows
        .iter()
        .map(|r| DossierSummaryBody {
            id: r.id.to_string(),
            code: r.code.clone(),
            procedure_code: r.procedure_code.clone(),
            status: r.status.clone(),
            channel: r.channel.clone(),
            receiving_agency: r.receiving_agency.clone(),
            resolving_agency: r.resolving_agency.clone(),
            applicant_name: r.applicant_name.clone(),
            assignee: r.current_assignee.clone(),
            submitted_at: r.submitted_at,
            due_at: r.due_at,
            finished_at: r.finished_at,
        })
        .collect();
    Ok(Json(DossierListBody {
        items,
        next_cursor: next.map(|n| n.to_string()),
    }))
}

pub use motcua_core::dossier::mask_name;

/// The public lookup's query: the check printed on the receipt beside the code.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// The receipt's check (mã kiểm tra), six characters. For a dossier imported from another
    /// system and looked up by that system's code: the applicant's identity number or tax
    /// code (the old receipt carries no check of ours).
    check: Option<String>,
}

/// A code as people type it: spaces dropped, letters in capitals.
pub(crate) fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The public view of the dossier with this code and check, counting the lookup against
/// the caller's address. A wrong check answers as an unknown code does.
pub(crate) async fn public_lookup(
    state: &AppState,
    source: &str,
    code: &str,
    check: &str,
) -> Result<Option<(DossierId, String)>, ApiError> {
    state
        .lookup_limit
        .take(source, state.clock.now().timestamp())
        .map_err(ApiError::TooMany)?;
    let raw = code.trim();
    let code = normalise_code(code);
    if motcua_core::limits::QUERY.check(&code).is_err() {
        return Ok(None);
    }
    if let Some(found) = state
        .db
        .public_view(&code)
        .await?
        .filter(|(id, _)| motcua_core::dossier::check_matches(*id, check))
    {
        return Ok(Some(found));
    }
    // An imported dossier is found by its old system's code too (as typed, or in capitals).
    for old in [raw, code.as_str()] {
        if let Some((d, view)) = state.db.imported_public_view(old).await?
            && (motcua_core::dossier::check_matches(d.id, check)
                || d.applicant.number() == check.trim())
        {
            return Ok(Some((d.id, view)));
        }
    }
    Ok(None)
}

/// Public lookup by code and the receipt's check: status, due date, progress; the applicant's
/// name masked. At most 30 lookups a minute per address.
#[utoipa::path(get, path = "/api/v1/lookup/{code}", tag = "public",
    params(("code" = String, Path, description = "Dossier code"), LookupQuery),
    responses((status = 200, description = "Status, due date and progress", body = PublicViewBody),
              (status = 404, description = "No dossier with this code and check", content_type = "application/problem+json"),
              (status = 422, description = "A control character in the code", content_type = "application/problem+json"),
              (status = 429, description = "Too many lookups from this address; `Retry-After` says when to try again", content_type = "application/problem+json")))]
pub(crate) async fn lookup_dossier(
    State(state): State<AppState>,
    crate::auth::SourceAddr(source): crate::auth::SourceAddr,
    Path(code): Path<String>,
    Query(q): Query<LookupQuery>,
) -> Result<Response, ApiError> {
    // The stored view is the answer, as it is: nothing decoded, nothing re-encoded.
    let (_, view) = public_lookup(&state, &source, &code, q.check.as_deref().unwrap_or(""))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], view).into_response())
}
