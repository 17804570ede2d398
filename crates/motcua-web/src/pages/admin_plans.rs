//! `/admin/ke-hoach`: the plans' targets — upload a plan file (checked like the catalogue, the
//! error naming its line; the same use case as `motcua targets import` and `PUT /api/v1/plans`),
//! see every target, remove a plan. Administrators only.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::Response;
use axum::routing::{get, post};
use motcua_core::kpi::targets::TargetScope;
use serde::Deserialize;

use super::admin::text_file_form;
use super::catalog::agency_kind_label;
use super::{Page, PageError, Ui, render};
use crate::AppState;
use crate::service::actor;

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin/ke-hoach", get(plans).post(import))
        .route("/admin/ke-hoach/xoa", post(delete))
}

struct Row {
    plan: String,
    figure: &'static str,
    unit: String,
    value: String,
    by: String,
}

#[derive(Template)]
#[template(path = "admin_plans.html")]
struct Plans {
    ui: Ui,
    rows: Vec<Row>,
    names: Vec<String>,
    error: Option<String>,
    done: Option<String>,
}

async fn show(
    state: &AppState,
    page: &Page,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let targets = match state.app.province().await? {
        Some(p) => state.db.plan_targets(&p.code).await?,
        None => vec![],
    };
    let mut names: Vec<String> = targets.iter().map(|(p, _)| p.clone()).collect();
    names.dedup();
    let rows = targets
        .into_iter()
        .map(|(plan, t)| Row {
            plan,
            figure: t.figure.name(),
            unit: match &t.scope {
                TargetScope::Province => "Toàn tỉnh".into(),
                TargetScope::Agency(code) => code.to_string(),
                TargetScope::Kind(kind) => format!("Mỗi {}", agency_kind_label(kind)),
            },
            value: if t.figure.is_share() {
                format!("{:.0} %", t.value * 100.0)
            } else {
                format!("{}", t.value)
            },
            by: t.by.format("%d/%m/%Y").to_string(),
        })
        .collect();
    Ok(render(&Plans {
        ui: page.ui.clone(),
        rows,
        names,
        error,
        done,
    }))
}

async fn plans(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    show(&state, &page, None, None).await
}

async fn import(
    State(state): State<AppState>,
    page: Page,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    page.admin()?;
    let (csrf, name, text) = text_file_form(&mut multipart, "ke-hoach.toml").await;
    let by = actor(page.check_csrf(&csrf)?);
    match state.app.import_plan(&by, &name, &text).await {
        Ok(n) => {
            show(
                &state,
                &page,
                None,
                Some(format!("Đã nạp {n} chỉ tiêu từ {name}.")),
            )
            .await
        }
        Err(e) => show(&state, &page, Some(e.to_string()), None).await,
    }
}

#[derive(Deserialize)]
struct DeleteForm {
    csrf: String,
    plan: String,
}

async fn delete(
    State(state): State<AppState>,
    page: Page,
    axum::Form(f): axum::Form<DeleteForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&f.csrf)?);
    match state.app.delete_plan(&by, &f.plan).await {
        Ok(()) => {
            show(
                &state,
                &page,
                None,
                Some(format!("Đã xóa kế hoạch \"{}\".", f.plan)),
            )
            .await
        }
        Err(e) => show(&state, &page, Some(e.to_string()), None).await,
    }
}
