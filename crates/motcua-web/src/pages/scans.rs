//! Digitising a document received on paper after the receipt (số hóa thành phần hồ sơ): the
//! officer who compared the scan with the paper attaches it from the dossier page; the
//! decider records who and when. A scan that carries a digital signature is verified too.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use motcua_core::dossier::{Command, DossierId, SignedTarget};
use uuid::Uuid;

use super::dossier::refused;
use super::{Page, PageError};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/dossiers/{id}/documents/{index}/scan",
        post(attach).layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
    )
}

async fn attach(
    State(state): State<AppState>,
    page: Page,
    Path((id, index)): Path<(Uuid, usize)>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    page.user()?;
    let (file, values) = super::upload::read_one(multipart, "scan").await?;
    let p = page
        .check_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let Some(bytes) = file else {
        let e = ApiError::Invalid("Chọn tệp bản quét".into());
        return refused(&state, &page, id, "digitise_document", values, e).await;
    };
    let mut staged = crate::files::Staged::default();
    let digest = match state.files.stage(&mut staged, &bytes).await {
        Ok(d) => d,
        Err(e) => return refused(&state, &page, id, "digitise_document", values, e).await,
    };
    let command = Command::DigitiseDocument {
        index,
        file: digest,
    };
    let d = match service::command(&state, &p, DossierId(id), None, command, None).await {
        Ok(d) => d,
        Err(e) => {
            state.files.discard(staged).await;
            return refused(&state, &page, id, "digitise_document", values, e).await;
        }
    };
    state
        .app
        .check_signature_if_present(d.id, SignedTarget::Document { index }, &bytes)
        .await
        .map_err(ApiError::from)?;
    Ok(Redirect::to(&format!("/dossiers/{}", d.id.0)).into_response())
}
