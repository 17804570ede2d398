//! The procedure catalogue page (Quản trị → Thủ tục): the versions in force, a procedure file
//! to check (errors with their line), the difference from the version in force, and publishing.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Page, PageError, Ui, render};
use crate::service::actor;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/admin/thu-tuc",
            get(list)
                .post(check)
                .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024)),
        )
        .route(
            "/admin/thu-tuc/cong-bo",
            post(publish).layer(axum::extract::DefaultBodyLimit::max(1024 * 1024)),
        )
}

struct Row {
    code: String,
    version: i64,
    name: String,
    days: i64,
}

struct Preview {
    file: String,
    text: String,
    code: String,
    version: u32,
    name: String,
    current: String,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_catalog.html")]
struct Catalog {
    ui: Ui,
    rows: Vec<Row>,
    preview: Option<Preview>,
    error: Option<String>,
    done: Option<String>,
}

async fn page_with(
    state: &AppState,
    page: &Page,
    preview: Option<Preview>,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let rows = state
        .db
        .current_procedures()
        .await?
        .into_iter()
        .map(|p| Row {
            code: p.code,
            version: p.version,
            name: p.name,
            days: p.statutory_days,
        })
        .collect();
    Ok(render(&Catalog {
        ui: page.ui.clone(),
        rows,
        preview,
        error,
        done,
    }))
}

async fn list(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    page_with(&state, &page, None, None, None).await
}

async fn check(
    State(state): State<AppState>,
    page: Page,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    page.admin()?;
    let (csrf, file, text) = super::admin::text_file_form(&mut multipart, "thu-tuc.toml").await;
    page.check_csrf(&csrf)?;
    match state.app.check_procedure(&file, &text).await {
        Ok(c) => {
            let preview = Preview {
                code: c.procedure.code.to_string(),
                version: c.procedure.version,
                name: c.procedure.name.clone(),
                current: c.current.map(|v| format!("v{v}")).unwrap_or_default(),
                changes: c.changes,
                file,
                text,
            };
            page_with(&state, &page, Some(preview), None, None).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            page_with(&state, &page, None, Some(e), None).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Deserialize)]
struct PublishForm {
    csrf: String,
    file: String,
    text: String,
}

async fn publish(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    match state
        .app
        .publish_procedure(&by, &form.file, &form.text)
        .await
    {
        Ok(c) => {
            let done = format!(
                "{} {} v{}",
                page.ui.t("Đã công bố", "Published"),
                c.procedure.code,
                c.procedure.version
            );
            page_with(&state, &page, None, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            page_with(&state, &page, None, Some(e), None).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}
