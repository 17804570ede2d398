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
    axum::Router::new()
        .route("/admin/chu-ky-so", get(show).post(save))
        .route("/admin/chu-ky-so/crl", axum::routing::post(save_crl_urls))
}

#[derive(Template)]
#[template(path = "admin_trust.html")]
struct TrustPage {
    ui: Ui,
    /// The PEM text (as saved, or as typed when refused).
    text: String,
    /// The anchors in force, by subject.
    anchors: Vec<String>,
    /// Where the revocation lists are fetched from, one per line.
    crl_urls: String,
    /// The lists held: issuer, date, entries.
    crls: Vec<String>,
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
    let held = state
        .db
        .setting(motcua_app::TRUST_CRLS)
        .await?
        .unwrap_or_default();
    let crls = motcua_app::trust_store("", &held)
        .map(|t| {
            t.crls
                .iter()
                .map(|c| {
                    format!(
                        "{} — {} ({} chứng thư bị thu hồi)",
                        c.tbs_cert_list.issuer,
                        c.tbs_cert_list.this_update,
                        c.tbs_cert_list
                            .revoked_certificates
                            .as_ref()
                            .map_or(0, Vec::len)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let crl_urls = state
        .app
        .crl_urls()
        .await
        .map_err(ApiError::from)?
        .join("\n");
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let view = TrustPage {
        ui: page.ui.clone(),
        text: typed.unwrap_or(saved),
        anchors,
        crl_urls,
        crls,
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

#[derive(Deserialize)]
struct CrlForm {
    csrf: String,
    urls: String,
}

/// Saves where the CAs publish their revocation lists and fetches them at once.
async fn save_crl_urls(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CrlForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    if form.urls.len() > 16 * 1024 {
        return page_with(
            &state,
            &page,
            None,
            Some("Tối đa 16 KB địa chỉ.".into()),
            None,
        )
        .await;
    }
    match state.app.set_crl_urls(&by, &form.urls).await {
        Ok(_) => {}
        Err(motcua_app::AppError::Invalid(e)) => {
            return page_with(&state, &page, None, Some(e), None).await;
        }
        Err(e) => return Err(ApiError::from(e).into()),
    }
    let done = match &state.systems {
        Some(systems) => match motcua_integrations::crl::refresh(&state.app, systems).await {
            Ok(n) => format!(
                "{} ({n})",
                page.ui.t(
                    "Đã lưu và tải danh sách thu hồi",
                    "Saved; revocation lists fetched"
                )
            ),
            Err(e) => {
                return page_with(
                    &state,
                    &page,
                    None,
                    Some(format!(
                        "Đã lưu địa chỉ nhưng chưa tải được danh sách thu hồi ({e}); danh sách đang giữ vẫn được dùng, hệ thống sẽ thử lại mỗi giờ."
                    )),
                    None,
                )
                .await;
            }
        },
        None => page
            .ui
            .t(
                "Đã lưu; danh sách thu hồi được tải khi hệ thống kết nối các hệ thống bên ngoài",
                "Saved; the lists are fetched once external systems are configured",
            )
            .to_owned(),
    };
    page_with(&state, &page, None, None, Some(done)).await
}
