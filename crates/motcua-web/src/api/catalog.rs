//! The catalogue and the agencies, read-only and public.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::read_bodies::{AgencyBody, AgencyListBody, ProcedureListBody, ProcedureSummaryBody};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/procedures", get(list_procedures))
        .route("/api/v1/procedures/{code}", get(get_procedure))
        .route("/api/v1/agencies", get(list_agencies))
}

/// The current version of every procedure.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalogue", responses((status = 200, description = "The procedures in force", body = ProcedureListBody)))]
pub(crate) async fn list_procedures(
    State(state): State<AppState>,
) -> Result<Json<ProcedureListBody>, ApiError> {
    let mut items = Vec::new();
    // Superseded codes (listed as former codes of another) are left out.
    for p in state.app.current_procedures().await? {
        items.push(ProcedureSummaryBody {
            code: p.code.as_str().to_owned(),
            version: p.version,
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            field: p.field.clone(),
            level: p.level.as_str(),
            online: p.online.as_str(),
            statutory_days: p.statutory_days,
        });
    }
    Ok(Json(ProcedureListBody { items }))
}

/// One procedure in full (current version).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalogue", params(("code" = String, Path, description = "Procedure code, e.g. 1.013833 (a former code finds its successor)")),
    responses((status = 200, description = "The procedure: documents, fees, steps", body = super::contract_schemas::ProcedureSchema), (status = 404, description = "Unknown code", content_type = "application/problem+json")))]
pub(crate) async fn get_procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = state.app.procedure(&code, None).await?;
    serde_json::to_value(&*p)
        .map(Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AgencyQuery {
    pub(crate) province: String,
}

/// A province's active agencies.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "catalogue", params(("province" = String, Query, description = "Province code, e.g. 48")), responses((status = 200, description = "The agencies", body = AgencyListBody)))]
pub(crate) async fn list_agencies(
    State(state): State<AppState>,
    Query(q): Query<AgencyQuery>,
) -> Result<Json<AgencyListBody>, ApiError> {
    let items = state
        .db
        .agencies(&q.province)
        .await?
        .into_iter()
        .map(|a| AgencyBody {
            code: a.code,
            name: a.name,
            kind: a.kind,
            admin_unit: a.admin_unit_code,
        })
        .collect();
    Ok(Json(AgencyListBody { items }))
}
