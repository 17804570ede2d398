//! The draft result and the leader's digital signature on it, from the dossier page: the
//! specialist attaches the draft (dự thảo kết quả); the leader at the signing step signs it
//! with the installation's key or on their phone through the remote-signing service. The
//! use cases are the app's; this edge reads and stores the files.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_app::SignProgress;
use motcua_core::dossier::{Command, DossierId, ResultRecord, SignedTarget};
use uuid::Uuid;

use super::dossier::refused;
use super::{Page, PageError};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/dossiers/{id}/draft",
            get(draft_file)
                .post(upload_draft)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route("/dossiers/{id}/ky-so", post(sign))
        .route("/dossiers/{id}/ky-so/hoan-tat", post(complete))
}

/// Attaches (or replaces) the draft; a draft that already carries a signature (signed with
/// the leader's own token) is verified at once.
async fn upload_draft(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    page.user()?;
    let (file, values) = super::upload::read_one(multipart, "draft_file").await?;
    let p = page
        .check_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let Some(bytes) = file else {
        let e = ApiError::Invalid("Chọn tệp dự thảo kết quả (PDF)".into());
        return refused(&state, &page, id, "draft_result", values, e).await;
    };
    if bytes.len() > crate::files::MAX_BYTES - 64 * 1024 {
        // Room for the signatures the leader adds: the signed file must still be storable.
        let e = ApiError::Invalid("Tệp dự thảo quá lớn để ký số (tối đa khoảng 9,9 MB)".into());
        return refused(&state, &page, id, "draft_result", values, e).await;
    }
    if crate::files::Kind::sniff(&bytes) != Some(crate::files::Kind::Pdf) {
        let e = ApiError::Invalid("Dự thảo kết quả phải là tệp PDF để ký số".into());
        return refused(&state, &page, id, "draft_result", values, e).await;
    }
    let mut staged = crate::files::Staged::default();
    let digest = match state.files.stage(&mut staged, &bytes).await {
        Ok(d) => d,
        Err(e) => return refused(&state, &page, id, "draft_result", values, e).await,
    };
    let name = values
        .get("draft_name")
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    let command = Command::DraftResult {
        result: ResultRecord {
            name,
            electronic: true,
            file: Some(digest),
            signed: false,
        },
    };
    let d = match service::command(&state, &p, DossierId(id), None, command, None).await {
        Ok(d) => d,
        Err(e) => {
            state.files.discard(staged).await;
            return refused(&state, &page, id, "draft_result", values, e).await;
        }
    };
    state
        .app
        .check_signature_if_present(d.id, SignedTarget::Draft, &bytes)
        .await
        .map_err(ApiError::from)?;
    Ok(Redirect::to(&format!("/dossiers/{}", d.id.0)).into_response())
}

/// The draft's file.
async fn draft_file(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    let digest = d.draft_file().ok_or(ApiError::NotFound)?.to_owned();
    super::dossier::read_logged(&state, p, &d, "draft").await?;
    let bytes = state.files.get(&digest).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "inline; filename=\"du-thao-ket-qua.pdf\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The draft's bytes, from the store.
async fn draft_bytes(
    state: &AppState,
    d: &motcua_core::dossier::Dossier,
) -> Result<Vec<u8>, ApiError> {
    let digest = d
        .draft_result
        .as_ref()
        .and_then(|r| r.file.clone())
        .ok_or_else(|| ApiError::Invalid("Hồ sơ chưa có dự thảo kết quả để ký".into()))?;
    state.files.get(&digest).await
}

/// Starts the leader's signature: done at once with a local key; sent to the phone with the
/// remote-signing service.
async fn sign(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    signing_step(state, page, id, v, false).await
}

/// Completes a remote signature once the leader approved it on their phone.
async fn complete(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    signing_step(state, page, id, v, true).await
}

async fn signing_step(
    state: AppState,
    page: Page,
    id: Uuid,
    v: HashMap<String, String>,
    poll: bool,
) -> Result<Response, PageError> {
    let p = page
        .check_csrf(v.get("csrf").map_or("", String::as_str))?
        .clone();
    let note = v
        .get("note")
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let outcome = async {
        let d = service::visible(&state, &p, DossierId(id)).await?;
        let who = service::actor(&p);
        let draft = draft_bytes(&state, &d).await?;
        let progress = if poll {
            state.app.poll_signing(&who, &d, &draft).await?
        } else {
            state.app.start_signing(&who, &d, &draft).await?
        };
        match progress {
            SignProgress::Waiting(_) => Ok(d),
            SignProgress::Signed(signed) => {
                state.files.put(&signed).await?;
                Ok(state.app.finish_signing(&who, &d, &signed, note).await?)
            }
        }
    }
    .await;
    match outcome {
        Ok(d) => Ok(Redirect::to(&format!("/dossiers/{}", d.id.0)).into_response()),
        Err(e) => refused(&state, &page, id, "sign_digitally", v, e).await,
    }
}
