//! The procedure catalogue page (Quản trị → Thủ tục): the versions in force, a procedure file
//! to check (errors with their line), the difference from the version in force, and publishing.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
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
        .route("/admin/thu-tuc/tu-dong-nghia", post(save_synonyms))
        .route(
            "/admin/thu-tuc/{code}/mau",
            post(upload_blank_form).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::MAX_BYTES + 64 * 1024,
            )),
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
    /// The search synonyms as saved, or as typed when saving them failed.
    synonyms: String,
    synonyms_error: Option<String>,
}

async fn page_with(
    state: &AppState,
    page: &Page,
    preview: Option<Preview>,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    page_with_synonyms(state, page, preview, error, done, None).await
}

async fn page_with_synonyms(
    state: &AppState,
    page: &Page,
    preview: Option<Preview>,
    error: Option<String>,
    done: Option<String>,
    typed: Option<(String, String)>,
) -> Result<Response, PageError> {
    let (synonyms, synonyms_error) = match typed {
        Some((text, why)) => (text, Some(why)),
        None => (state.app.synonyms_text().await?, None),
    };
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
        synonyms,
        synonyms_error,
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

#[derive(Deserialize)]
struct SynonymsForm {
    csrf: String,
    text: String,
}

async fn save_synonyms(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<SynonymsForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    match state.app.set_synonyms(&by, &form.text).await {
        Ok(n) => {
            let done = format!(
                "{} ({n} {})",
                page.ui.t("Đã lưu từ đồng nghĩa", "Synonyms saved"),
                page.ui.t("dòng", "lines")
            );
            page_with(&state, &page, None, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            let r = page_with_synonyms(&state, &page, None, None, None, Some((form.text, e)));
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, r.await?).into_response())
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
    /// Documents with a form: code, name, the form's name, whether a blank file is uploaded.
    forms: Vec<(String, String, String, bool)>,
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
        forms: blank_forms(state, &p).await?,
        error,
        done,
    }))
}

/// The documents of a procedure that name a form, with whether a blank file is there.
async fn blank_forms(
    state: &AppState,
    p: &motcua_core::catalog::Procedure,
) -> Result<Vec<(String, String, String, bool)>, PageError> {
    let mut out = Vec::new();
    for d in p.documents.iter().filter(|d| d.form.is_some()) {
        let code = p.code.as_str();
        let uploaded = state.app.blank_form(code, &d.code).await?.is_some();
        let form = d.form.clone().unwrap_or_default();
        out.push((d.code.clone(), d.name.clone(), form, uploaded));
    }
    Ok(out)
}

/// Stores a blank form (a PDF, checked like every upload) for one document of a procedure;
/// nothing is stored when the form is refused.
async fn upload_blank_form(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    page.admin()?;
    let form = super::upload::read(multipart).await?;
    let csrf = form.values.get("csrf").map_or("", String::as_str);
    let by = actor(page.check_csrf(csrf)?);
    let document = form.values.get("document").cloned().unwrap_or_default();
    let remove = form.values.contains_key("remove");
    let outcome = match state
        .app
        .check_blank_form_target(&by, &code, &document)
        .await
    {
        Err(e) => Err(ApiError::from(e)),
        Ok(()) if remove => state
            .app
            .set_blank_form(&by, &code, &document, None)
            .await
            .map_err(ApiError::from),
        Ok(()) => store_blank_form(&state, &by, &code, &document, form.files).await,
    };
    match outcome {
        Ok(()) => {
            let done = page.ui.t("Đã lưu mẫu đơn.", "Blank form saved.").to_owned();
            settings_page(&state, &page, &code, None, Some(done)).await
        }
        Err(ApiError::Invalid(e)) => {
            let r = settings_page(&state, &page, &code, Some(e), None).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn store_blank_form(
    state: &AppState,
    by: &motcua_core::dossier::Actor,
    code: &str,
    document: &str,
    files: Vec<super::upload::UploadedFile>,
) -> Result<(), ApiError> {
    let Some(file) = files.into_iter().find(|f| f.field == "file") else {
        return Err(ApiError::Invalid("Chọn tệp mẫu đơn (PDF).".into()));
    };
    if crate::files::Kind::sniff(&file.bytes) != Some(crate::files::Kind::Pdf) {
        return Err(ApiError::Invalid(
            "Mẫu đơn phải là tệp PDF (bản Word hãy in ra PDF trước).".into(),
        ));
    }
    let mut staged = crate::files::Staged::default();
    let digest = state.files.stage(&mut staged, &file.bytes).await?;
    let saved = state
        .app
        .set_blank_form(by, code, document, Some(&digest))
        .await;
    match saved {
        Ok(()) => Ok(()),
        Err(e) => {
            state.files.discard(staged).await;
            Err(e.into())
        }
    }
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
