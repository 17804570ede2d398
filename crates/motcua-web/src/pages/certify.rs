//! The certification desk (Chứng thực bản sao điện tử từ bản chính): the officer types who
//! asks and what the original is, attaches the scan compared with it, and the copy is
//! certified under the next number of the agency's register and signed through the signing
//! port; the entry's page completes a remote signature and serves the signed copy.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_app::{CopyRequest, SignProgress};
use motcua_core::certification::{CertifiedCopy, CopyStatus};
use motcua_core::ids::AgencyCode;
use uuid::Uuid;

use super::{Page, PageError, Ui, money, render, when};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/chung-thuc",
            get(desk)
                .post(certify)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route("/chung-thuc/{id}", get(entry))
        .route("/chung-thuc/{id}/ky-so", post(sign))
        .route("/chung-thuc/{id}/hoan-tat", post(complete))
        .route("/chung-thuc/{id}/tep", get(file))
}

/// A register entry as the pages show it.
pub(super) struct CopyView {
    pub id: String,
    pub reference: String,
    pub holder: String,
    pub title: String,
    pub pages: u32,
    pub fee: String,
    pub status: &'static str,
    pub issued: bool,
    pub awaiting: bool,
    pub by: String,
    pub at: String,
    pub signer: String,
}

pub(super) fn view_of(c: &CertifiedCopy, ui: &Ui) -> CopyView {
    CopyView {
        id: c.id.to_string(),
        reference: c.reference(),
        holder: format!("{} ({})", c.holder_name, c.holder),
        title: c.title.clone(),
        pages: c.pages,
        fee: money(c.fee),
        status: match c.status {
            CopyStatus::AwaitingSignature => ui.t("Chờ ký số", "Awaiting signature"),
            CopyStatus::Issued => ui.t("Đã cấp bản sao điện tử", "Electronic copy issued"),
            CopyStatus::Paper => ui.t("Bản sao giấy", "Paper copy"),
        },
        issued: c.status == CopyStatus::Issued,
        awaiting: c.status == CopyStatus::AwaitingSignature,
        by: c.certified_by_name.clone(),
        at: when(c.certified_at),
        signer: c.signer.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "certify.html")]
struct DeskPage {
    ui: Ui,
    agencies: Vec<(String, String)>,
    types: Vec<String>,
    recent: Vec<CopyView>,
    error: String,
    values: HashMap<String, String>,
}

impl DeskPage {
    fn v(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

/// The register names people: the desk that certifies, its leaders and the supervisors read it.
fn may_read_register(p: &crate::auth::Principal) -> Result<(), PageError> {
    use motcua_core::catalog::Role;
    if matches!(
        p.role,
        Role::DeskOfficer | Role::Leader | Role::Supervisor | Role::Administrator
    ) {
        Ok(())
    } else {
        Err(
            ApiError::Forbidden("Sổ chứng thực do Bộ phận Một cửa và lãnh đạo quản lý".into())
                .into(),
        )
    }
}

async fn desk_page(
    state: &AppState,
    page: &Page,
    error: String,
    values: HashMap<String, String>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    may_read_register(p)?;
    let mut agencies = Vec::new();
    for code in &p.units {
        let name = state
            .db
            .agency(code)
            .await?
            .map_or_else(|| code.clone(), |a| a.name);
        agencies.push((code.clone(), name));
    }
    let mut types: Vec<String> = state
        .app
        .current_procedures()
        .await
        .map_err(ApiError::from)?
        .iter()
        .flat_map(|p| p.documents.iter().filter_map(|d| d.reusable_type.clone()))
        .collect();
    types.sort();
    types.dedup();
    let now = state.app.now();
    let recent = state
        .db
        .certified_copies_between(
            Some(&p.units),
            now - chrono::TimeDelta::days(31),
            now + chrono::TimeDelta::seconds(1),
            200,
        )
        .await?
        .iter()
        .rev()
        .map(|c| view_of(c, &page.ui))
        .collect();
    let status = if error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = DeskPage {
        ui: page.ui.clone(),
        agencies,
        types,
        recent,
        error,
        values,
    };
    Ok((status, render(&view)).into_response())
}

async fn desk(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    desk_page(&state, &page, String::new(), HashMap::new()).await
}

async fn certify(
    State(state): State<AppState>,
    page: Page,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    page.user()?;
    let (scan, mut values) = super::upload::read_one(multipart, "scan").await?;
    let p = page
        .check_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    values.remove("csrf");
    let get = |k: &str| {
        values
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let electronic = get("kind") != "paper";
    let outcome = async {
        let agency = AgencyCode::parse(&get("agency"))
            .ok()
            .filter(|a| p.units.iter().any(|u| u == a.as_str()))
            .ok_or_else(|| ApiError::Invalid("Chọn cơ quan chứng thực".into()))?;
        let pages = get("pages")
            .parse::<u32>()
            .map_err(|_| ApiError::Invalid("Số trang phải là số nguyên dương".into()))?;
        let request = CopyRequest {
            agency,
            holder: get("holder").replace(' ', ""),
            holder_name: get("holder_name"),
            title: get("title"),
            document_type: Some(get("document_type")),
            pages,
        };
        let bytes = match (&scan, electronic) {
            (Some(b), true) => {
                state.files.put(b).await?;
                Some(b.as_slice())
            }
            (None, true) => {
                return Err(ApiError::Invalid(
                    "Bản sao điện tử cần bản quét (PDF) đã đối chiếu với bản chính".into(),
                ));
            }
            (_, false) => None,
        };
        let who = service::actor(&p);
        let (copy, progress) = state.app.certify_copy(&who, request, bytes).await?;
        if let Some(SignProgress::Signed(signed)) = progress {
            state.files.put(&signed).await?;
            state.app.finish_copy(&who, &copy, &signed).await?;
        }
        Ok::<_, ApiError>(copy)
    }
    .await;
    match outcome {
        Ok(copy) => Ok(Redirect::to(&format!("/chung-thuc/{}", copy.id)).into_response()),
        Err(ApiError::Invalid(m) | ApiError::Forbidden(m)) => {
            desk_page(&state, &page, super::fields::capitalised(&m), values).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "certified_copy.html")]
struct EntryPage {
    ui: Ui,
    c: CopyView,
    waiting: String,
    mine: bool,
    error: String,
}

/// The entry, for an officer of its agency.
async fn visible(state: &AppState, page: &Page, id: Uuid) -> Result<CertifiedCopy, PageError> {
    let p = page.user()?;
    may_read_register(p)?;
    let c = state.app.certified_copy(id).await.map_err(ApiError::from)?;
    if !p.sees_whole_province() && !p.units.iter().any(|u| u == c.agency.as_str()) {
        return Err(ApiError::NotFound.into());
    }
    Ok(c)
}

async fn entry_page(
    state: &AppState,
    page: &Page,
    id: Uuid,
    error: String,
) -> Result<Response, PageError> {
    let c = visible(state, page, id).await?;
    let p = page.user()?;
    state
        .app
        .record_read(
            &service::actor(p),
            &c.holder,
            None,
            &format!("copy-entry:{}", c.id),
        )
        .await
        .map_err(ApiError::from)?;
    let waiting = state
        .app
        .signing_request_for(c.id)
        .await
        .map_err(ApiError::from)?
        .map(|r| r.request)
        .unwrap_or_default();
    let status = if error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = EntryPage {
        ui: page.ui.clone(),
        mine: c.certified_by == p.id,
        c: view_of(&c, &page.ui),
        waiting,
        error,
    };
    Ok((status, render(&view)).into_response())
}

async fn entry(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    entry_page(&state, &page, id, String::new()).await
}

async fn sign(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    signing(state, page, id, v, false).await
}

async fn complete(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    signing(state, page, id, v, true).await
}

async fn signing(
    state: AppState,
    page: Page,
    id: Uuid,
    v: HashMap<String, String>,
    poll: bool,
) -> Result<Response, PageError> {
    let p = page
        .check_csrf(v.get("csrf").map_or("", String::as_str))?
        .clone();
    let c = visible(&state, &page, id).await?;
    let outcome = async {
        let scan = c
            .scan
            .clone()
            .ok_or_else(|| ApiError::Invalid("Bản sao giấy không ký số".into()))?;
        let bytes = state.files.get(&scan).await?;
        let who = service::actor(&p);
        if let SignProgress::Signed(signed) = state.app.sign_copy(&who, &c, &bytes, poll).await? {
            state.files.put(&signed).await?;
            state.app.finish_copy(&who, &c, &signed).await?;
        }
        Ok::<_, ApiError>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/chung-thuc/{id}")).into_response()),
        Err(ApiError::Invalid(m) | ApiError::Forbidden(m)) => {
            entry_page(&state, &page, id, super::fields::capitalised(&m)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The signed copy, for the officers of its agency.
async fn file(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let c = visible(&state, &page, id).await?;
    let who = service::actor(page.user()?);
    state
        .app
        .record_read(&who, &c.holder, None, &format!("copy:{}", c.id))
        .await
        .map_err(ApiError::from)?;
    pdf_of(&state, &c).await
}

/// An issued copy's signed PDF.
pub(super) async fn pdf_of(state: &AppState, c: &CertifiedCopy) -> Result<Response, PageError> {
    let digest = c.file.clone().ok_or(ApiError::NotFound)?;
    let bytes = state.files.get(&digest).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"ban-sao-chung-thuc-{}-{}.pdf\"",
                    c.number, c.year
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
