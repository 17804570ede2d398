//! The trust anchors page (Quản trị → Chữ ký số): the root certificates whose chains a
//! digital signature must reach to count as signed — the government root CA for the state's
//! signatures, the public CAs the province accepts for citizens and businesses.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::{Page, PageError, Ui, render};
use crate::service::actor;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/admin/chu-ky-so", get(show).post(save))
}

#[derive(Template)]
#[template(path = "admin_trust.html")]
struct TrustPage {
    ui: Ui,
    /// The PEM text (as saved, or as typed when refused).
    text: String,
    /// The anchors in force, by subject.
    anchors: Vec<String>,
    error: Option<String>,
    done: Option<String>,
}

async fn page_with(
    state: &AppState,
    page: &Page,
    typed: Option<String>,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let saved = state
        .db
        .setting(motcua_app::TRUST_ANCHORS)
        .await?
        .unwrap_or_default();
    let anchors = motcua_app::trust_store(&saved, "")
        .map(|t| {
            t.anchors
                .iter()
                .map(|c| c.tbs_certificate.subject.to_string())
                .collect()
        })
        .unwrap_or_default();
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let view = TrustPage {
        ui: page.ui.clone(),
        text: typed.unwrap_or(saved),
        anchors,
        error,
        done,
    };
    Ok((status, render(&view)).into_response())
}

async fn show(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    page_with(&state, &page, None, None, None).await
}

#[derive(Deserialize)]
struct TrustForm {
    csrf: String,
    text: String,
}

async fn save(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<TrustForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    if form.text.len() > 256 * 1024 {
        return page_with(
            &state,
            &page,
            None,
            Some("Tối đa 256 KB chứng thư.".into()),
            None,
        )
        .await;
    }
    match state.app.set_trust_anchors(&by, &form.text).await {
        Ok(n) => {
            let done = format!(
                "{} ({n})",
                page.ui
                    .t("Đã lưu chứng thư gốc tin cậy", "Trust anchors saved")
            );
            page_with(&state, &page, None, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            page_with(&state, &page, Some(form.text), Some(e), None).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}
