//! The procedure catalogue page (Quản trị → Thủ tục): the versions in force, a procedure file
//! to check (errors with their line), the difference from the version in force, and publishing.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
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
        .route("/admin/thu-tuc/{code}", get(settings).post(save_settings))
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

struct Choice {
    code: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "admin_procedure.html")]
struct Settings {
    ui: Ui,
    code: String,
    name: String,
    kinds: String,
    agencies: Vec<Choice>,
    named: bool,
    portal_code: String,
    error: Option<String>,
    done: Option<String>,
}

async fn settings_page(
    state: &AppState,
    page: &Page,
    code: &str,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let p = state.app.procedure(code, None).await?;
    let province = state
        .app
        .province()
        .await?
        .map(|p| p.code)
        .unwrap_or_default();
    let resolving: Vec<String> = state
        .app
        .resolving_agencies(&p, &province)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let named = !state.db.procedure_agencies(code).await?.is_empty();
    let agencies = state
        .db
        .agencies(&province)
        .await?
        .into_iter()
        .map(|a| Choice {
            chosen: resolving.contains(&a.code),
            code: a.code,
            name: a.name,
        })
        .collect();
    Ok(render(&Settings {
        ui: page.ui.clone(),
        code: p.code.to_string(),
        name: p.name.clone(),
        kinds: p.agencies.join(", "),
        agencies,
        named,
        portal_code: state.db.portal_code(code).await?.unwrap_or_default(),
        error,
        done,
    }))
}

async fn settings(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    page.admin()?;
    settings_page(&state, &page, &code, None, None).await
}

async fn save_settings(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    body: String,
) -> Result<Response, PageError> {
    page.admin()?;
    let (mut csrf, mut what, mut portal, mut agencies) =
        (String::new(), String::new(), String::new(), Vec::new());
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "csrf" => csrf = v.into_owned(),
            "what" => what = v.into_owned(),
            "portal_code" => portal = v.into_owned(),
            "agencies" => agencies.push(v.into_owned()),
            _ => {}
        }
    }
    let by = actor(page.check_csrf(&csrf)?);
    let result = match what.as_str() {
        "agencies" => state.app.set_procedure_agencies(&by, &code, agencies).await,
        "kinds" => state.app.set_procedure_agencies(&by, &code, vec![]).await,
        "portal" => state.app.set_portal_code(&by, &code, Some(portal)).await,
        _ => return Err(ApiError::NotFound.into()),
    };
    match result {
        Ok(()) => {
            let done = page.ui.t("Đã lưu.", "Saved.").to_owned();
            settings_page(&state, &page, &code, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            settings_page(&state, &page, &code, Some(e), None).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}
