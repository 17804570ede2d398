//! The calendar documents page (Quản trị → Lịch làm việc): the year schedules and holiday rules
//! an administrator imported, a file to import (checked, errors with their line), removal.
//! Changes apply to the next deadline computed, without a restart.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Page, PageError, Ui, render, when};
use crate::service::actor;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/admin/lich",
            get(documents)
                .post(import)
                .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024)),
        )
        .route("/admin/lich/xoa", post(remove))
}

struct Row {
    kind: String,
    key: String,
    name: String,
    imported: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct Documents {
    ui: Ui,
    rows: Vec<Row>,
    error: Option<String>,
    done: Option<String>,
}

async fn page_with(
    state: &AppState,
    page: &Page,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let rows = state
        .db
        .calendar_documents()
        .await?
        .into_iter()
        .map(|d| Row {
            kind: d.kind,
            key: d.doc_key,
            name: d.name,
            imported: when(d.imported_at),
        })
        .collect();
    Ok(render(&Documents {
        ui: page.ui.clone(),
        rows,
        error,
        done,
    }))
}

async fn documents(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    page_with(&state, &page, None, None).await
}

async fn import(
    State(state): State<AppState>,
    page: Page,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    page.admin()?;
    let (csrf, name, text) = super::admin::text_file_form(&mut multipart, "lich.toml").await;
    let by = actor(page.check_csrf(&csrf)?);
    match state.app.import_calendar_document(&by, &name, &text).await {
        Ok((kind, key)) => {
            let done = format!("{} {kind} {key}", page.ui.t("Đã nhập", "Imported"));
            page_with(&state, &page, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => page_with(&state, &page, Some(e), None).await,
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    csrf: String,
    kind: String,
    key: String,
}

async fn remove(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    state
        .app
        .remove_calendar_document(&by, &form.kind, &form.key)
        .await?;
    let done = format!(
        "{} {} {}",
        page.ui.t("Đã xóa", "Removed"),
        form.kind,
        form.key
    );
    page_with(&state, &page, None, Some(done)).await
}
