//! The figures over HTTP, in the JSON contract `motcua report --json` and `motcua kpi --json`
//! print: the periodic report by agency, desk, field, procedure or channel, and the Decision 766
//! indicators, for a period and (optionally) an agency's subtree. Leaders see the agencies they
//! lead; supervisors, administrators and their API tokens the province.

use axum::Json;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use motcua_app::{FigureQuery, Grouping, UnitView};
use motcua_core::catalog::Role;
use motcua_core::kpi::Period;
use serde::Deserialize;

use crate::auth::Principal;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/reports/periodic", get(periodic))
        .route("/api/v1/kpi", get(kpi))
        .route("/api/v1/plans", get(list_plans).put(import_plan))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FiguresQuery {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    agency: Option<String>,
    units: Option<String>,
}

async fn read(
    state: &AppState,
    p: &Principal,
    q: &FiguresQuery,
) -> Result<(String, FigureQuery), ApiError> {
    if !matches!(
        p.role,
        Role::Leader | Role::Supervisor | Role::Administrator
    ) {
        return Err(ApiError::Forbidden(
            "số liệu báo cáo dành cho lãnh đạo và cán bộ giám sát".into(),
        ));
    }
    let date = |name: &str, v: &Option<String>| -> Result<NaiveDate, ApiError> {
        let v = v
            .as_deref()
            .ok_or_else(|| ApiError::Invalid(format!("thiếu tham số {name} (YYYY-MM-DD)")))?;
        if v.len() > 10 {
            return Err(ApiError::Invalid(format!("{name}: tối đa 10 ký tự")));
        }
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| ApiError::Invalid(format!("{name}: \"{v}\" không phải ngày YYYY-MM-DD")))
    };
    let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
    if to < from {
        return Err(ApiError::Invalid(format!(
            "ngày cuối kỳ {to} trước ngày đầu kỳ {from}"
        )));
    }
    let by = match q.by.as_deref() {
        None | Some("") => Grouping::Agency,
        Some(b) => Grouping::parse(b).ok_or_else(|| {
            ApiError::Invalid("by: một trong agency, desk, field, procedure, channel".into())
        })?,
    };
    let agency = q.agency.clone().filter(|a| !a.is_empty());
    if agency.as_ref().is_some_and(|a| a.len() > 40) {
        return Err(ApiError::Invalid("agency: tối đa 40 ký tự".into()));
    }
    let units = match q.units.as_deref() {
        None | Some("") => UnitView::Current,
        Some(u) => UnitView::parse(u).ok_or_else(|| {
            ApiError::Invalid(
                "units: current (đơn vị hiện nay) hoặc as_they_were (đơn vị trước sáp nhập)".into(),
            )
        })?,
    };
    let province = state.app.province().await?.ok_or(ApiError::NotFound)?;
    Ok((
        province.name,
        FigureQuery {
            period: Period { from, to },
            by,
            under: agency,
            visible: (!p.sees_whole_province()).then(|| p.units.clone()),
            units,
        },
    ))
}

/// The periodic report (KPI.md §2), balanced on every row.
#[utoipa::path(get, path = "/api/v1/reports/periodic", tag = "reports",
    params(("from" = String, Query, description = "First day, YYYY-MM-DD"),
           ("to" = String, Query, description = "Last day, included, YYYY-MM-DD"),
           ("by" = Option<String>, Query, description = "agency (default), desk, field, procedure or channel"),
           ("agency" = Option<String>, Query, description = "Only this agency and those under it"),
           ("units" = Option<String>, Query, description = "current (default): units merged away count in their successor's rows; as_they_were: each keeps its own rows")),
    responses(
        (status = 200, description = "The periodic report: a row per group and the total", body = super::contract_schemas::ReportSchema),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a leader, supervisor or administrator"),
        (status = 404, description = "Unknown agency"),
        (status = 422, description = "Bad period or grouping")))]
pub(crate) async fn periodic(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (name, query) = read(&state, &principal, &q).await?;
    let figures = state.app.figures(&principal.province, &query).await?;
    Ok(Json(motcua_app::report_json(
        &query.period,
        query.by,
        &name,
        &figures,
    )))
}

/// The Decision 766 indicators the dossiers hold (KPI.md §3), scored, grouped, totalled.
#[utoipa::path(get, path = "/api/v1/kpi", tag = "reports",
    params(("from" = String, Query, description = "First day, YYYY-MM-DD"),
           ("to" = String, Query, description = "Last day, included, YYYY-MM-DD"),
           ("agency" = Option<String>, Query, description = "Only this agency and those under it"),
           ("units" = Option<String>, Query, description = "current (default): units merged away count in their successor's rows; as_they_were: each keeps its own rows")),
    responses(
        (status = 200, description = "The indicators, points per group and the total", body = super::contract_schemas::KpiSchema),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a leader, supervisor or administrator"),
        (status = 404, description = "Unknown agency"),
        (status = 422, description = "Bad period")))]
pub(crate) async fn kpi(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (_, query) = read(&state, &principal, &q).await?;
    let figures = state.app.figures(&principal.province, &query).await?;
    Ok(Json(motcua_app::kpi_json(
        &query.period,
        query.under.as_deref(),
        &figures,
    )))
}

/// Imports a plan's targets (the plan file's TOML as the body), replacing the plan of the same
/// name. Administrators only; every import is in the administrative log.
#[utoipa::path(put, path = "/api/v1/plans", tag = "reports",
    request_body(content = String, description = "The plan file (TOML, see data/plans/)", content_type = "text/plain"),
    responses((status = 200, description = "How many targets were imported", body = super::answer_bodies::TargetsImportedBody),
              (status = 403, description = "Not an administrator"),
              (status = 422, description = "The file breaks a rule (file:line: reason)", content_type = "application/problem+json")))]
pub(crate) async fn import_plan(
    State(state): State<AppState>,
    principal: Principal,
    body: String,
) -> Result<Json<super::answer_bodies::TargetsImportedBody>, ApiError> {
    if body.len() > 1_000_000 {
        return Err(ApiError::Invalid("kế hoạch dài quá 1 MB".into()));
    }
    let n = state
        .app
        .import_plan(&crate::service::actor(&principal), "ke-hoach.toml", &body)
        .await?;
    Ok(Json(super::answer_bodies::TargetsImportedBody {
        targets: n,
    }))
}

/// The province's targets: `{targets: [{plan, figure, agency, kind, by, value}]}` (a share as a
/// fraction 0–1, other figures as counts).
#[utoipa::path(get, path = "/api/v1/plans", tag = "reports",
    responses((status = 200, description = "Every target of every plan", body = super::answer_bodies::PlansBody),
              (status = 403, description = "Not a leader, supervisor or administrator")))]
pub(crate) async fn list_plans(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<super::answer_bodies::PlansBody>, ApiError> {
    if !matches!(
        principal.role,
        Role::Leader | Role::Supervisor | Role::Administrator
    ) {
        return Err(ApiError::Forbidden(
            "chỉ tiêu kế hoạch dành cho lãnh đạo và cán bộ giám sát".into(),
        ));
    }
    use motcua_core::kpi::targets::TargetScope;
    let targets = state
        .db
        .plan_targets(&principal.province)
        .await?
        .into_iter()
        .map(|(plan, t)| {
            let (agency, kind) = match &t.scope {
                TargetScope::Province => (None, None),
                TargetScope::Agency(a) => (Some(a.to_string()), None),
                TargetScope::Kind(k) => (None, Some(k.clone())),
            };
            super::answer_bodies::PlanTargetBody {
                plan,
                figure: t.figure.as_str().to_owned(),
                agency,
                kind,
                by: t.by,
                value: t.value,
            }
        })
        .collect();
    Ok(Json(super::answer_bodies::PlansBody { targets }))
}
