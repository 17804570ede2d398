//! The land register over HTTP: parcels, certificates and their history for the tax
//! authority and other agencies (an API token with the `land.read` scope, or a staff
//! session), read now or as of an instant; and a land dossier's change prepared from an
//! intent (the specialist handling it).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use motcua_core::dossier::DossierId;
use motcua_core::land::{Intent, ParcelNumber, Version};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{Credential, Principal};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/land/parcels", get(find_parcel))
        .route("/api/v1/land/parcels/{id}", get(get_parcel))
        .route("/api/v1/land/objects/{id}/history", get(history))
        .route("/api/v1/land/certificates/{serial}", get(get_certificate))
        .route("/api/v1/dossiers/{id}/land-change", post(prepare))
}

/// A staff session, or a token granted `land.read`.
fn reader(p: &Principal) -> Result<(), ApiError> {
    match p.credential {
        Credential::Session { .. } => Ok(()),
        Credential::ApiToken { .. } if p.scopes.iter().any(|s| s == "land.read") => Ok(()),
        Credential::ApiToken { .. } => Err(ApiError::Forbidden(
            "mã truy cập chưa được cấp phạm vi land.read (đọc sổ địa chính)".into(),
        )),
    }
}

fn instant(as_of: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    match as_of.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.len() > 40 => Err(ApiError::Invalid("as_of: tối đa 40 ký tự".into())),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| {
                ApiError::Invalid(format!("as_of: \"{t}\" không phải thời điểm RFC 3339"))
            }),
    }
}

/// An object as it stood, with what bears on it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LandAnswer {
    /// The object's version that held (`object`, `version`, `begin`, `end`, `dossier` — the
    /// dossier that made it, none for a loaded register — and `value`).
    #[schema(value_type = Object)]
    pub object: Version,
    /// Related objects as they stood then: for a parcel its certificates, rights,
    /// restrictions and the parties they name; for a certificate its parcels and holders.
    #[schema(value_type = Vec<Object>)]
    pub related: Vec<Version>,
}

/// `as_of` alone.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AsOf {
    /// An instant (RFC 3339); the register as it stood then. Default: now.
    pub as_of: Option<String>,
}

/// A parcel's number, and `as_of`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ParcelQuery {
    /// The commune's code (2025 units).
    pub commune: String,
    /// Map sheet number.
    pub sheet: u32,
    /// Parcel number on the sheet.
    pub number: u32,
    /// An instant (RFC 3339). Default: now.
    pub as_of: Option<String>,
}

/// Finds a parcel by its number (commune, map sheet, parcel).
#[utoipa::path(get, path = "/api/v1/land/parcels", tag = "land", params(ParcelQuery),
    responses((status = 200, description = "The parcel and what bears on it", body = LandAnswer),
              (status = 403, description = "A token without the land.read scope", content_type = "application/problem+json"),
              (status = 404, description = "No such parcel then", content_type = "application/problem+json")))]
pub(crate) async fn find_parcel(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ParcelQuery>,
) -> Result<Json<LandAnswer>, ApiError> {
    reader(&principal)?;
    if q.commune.len() > 10 {
        return Err(ApiError::Invalid("commune: tối đa 10 ký tự".into()));
    }
    let number = ParcelNumber {
        commune: q.commune,
        sheet: q.sheet,
        number: q.number,
    };
    let (object, related) = state
        .app
        .parcel_read(
            &service::actor(&principal),
            None,
            Some(&number),
            instant(q.as_of.as_deref())?,
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(LandAnswer { object, related }))
}

/// A parcel by id.
#[utoipa::path(get, path = "/api/v1/land/parcels/{id}", tag = "land",
    params(("id" = Uuid, Path, description = "The parcel's id"), AsOf),
    responses((status = 200, description = "The parcel and what bears on it", body = LandAnswer),
              (status = 403, description = "A token without the land.read scope", content_type = "application/problem+json"),
              (status = 404, description = "No such parcel then", content_type = "application/problem+json")))]
pub(crate) async fn get_parcel(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Query(q): Query<AsOf>,
) -> Result<Json<LandAnswer>, ApiError> {
    reader(&principal)?;
    let (object, related) = state
        .app
        .parcel_read(
            &service::actor(&principal),
            Some(id),
            None,
            instant(q.as_of.as_deref())?,
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(LandAnswer { object, related }))
}

/// A certificate by its serial.
#[utoipa::path(get, path = "/api/v1/land/certificates/{serial}", tag = "land",
    params(("serial" = String, Path, description = "The serial (số phát hành), e.g. \"DA 000123\""), AsOf),
    responses((status = 200, description = "The certificate, its parcels and holders", body = LandAnswer),
              (status = 403, description = "A token without the land.read scope", content_type = "application/problem+json"),
              (status = 404, description = "No such certificate then", content_type = "application/problem+json")))]
pub(crate) async fn get_certificate(
    State(state): State<AppState>,
    principal: Principal,
    Path(serial): Path<String>,
    Query(q): Query<AsOf>,
) -> Result<Json<LandAnswer>, ApiError> {
    reader(&principal)?;
    if serial.chars().count() > 30 {
        return Err(ApiError::Invalid("serial: tối đa 30 ký tự".into()));
    }
    let (object, related) = state
        .app
        .certificate_read(
            &service::actor(&principal),
            &serial,
            instant(q.as_of.as_deref())?,
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(LandAnswer { object, related }))
}

/// Every version of a register object, oldest first, each naming the dossier that made it.
#[utoipa::path(get, path = "/api/v1/land/objects/{id}/history", tag = "land",
    params(("id" = Uuid, Path, description = "A parcel, certificate, party or right's id")),
    responses((status = 200, description = "The versions", body = Vec<Object>),
              (status = 403, description = "A token without the land.read scope", content_type = "application/problem+json"),
              (status = 404, description = "No such object", content_type = "application/problem+json")))]
pub(crate) async fn history(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Version>>, ApiError> {
    reader(&principal)?;
    let versions = state
        .app
        .land_object_history(&service::actor(&principal), id)
        .await?;
    if versions.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(versions))
}

/// Prepares (or replaces) a land dossier's change from an intent, built against the
/// register around the dossier's certificate; it is written when the approving step runs.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/land-change", tag = "land",
    params(("id" = Uuid, Path, description = "The dossier's id")),
    request_body(content = Object, description = "The intent, by `kind`: `holder_info` {party, name, number, address, source}; `transfer` {to: [{kind, number, name, address, share_bp}], new_certificate, source}; `clear_debt` {debts: [id], source}; `first_registration` {parcel, holders, certificate, source}. `source` is {kind, reference, date}."),
    responses((status = 200, description = "The prepared operations", body = Object),
              (status = 403, description = "Not the officer handling the dossier", content_type = "application/problem+json"),
              (status = 404, description = "No such dossier visible to the caller", content_type = "application/problem+json"),
              (status = 422, description = "Refused: it does not fit the register, or another dossier is changing the parcel", content_type = "application/problem+json")))]
pub(crate) async fn prepare(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    if body.len() > 64 * 1024 {
        return Err(ApiError::Invalid("nội dung dài quá 64 KB".into()));
    }
    let intent: Intent = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Invalid(format!("nội dung JSON không hợp lệ: {e}")))?;
    let d = service::visible(&state, &principal, DossierId(id)).await?;
    let set = state
        .app
        .prepare_land_intent(&service::actor(&principal), &d, &intent)
        .await?;
    serde_json::to_value(set)
        .map(Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}
