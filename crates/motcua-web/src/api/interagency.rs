//! What the tax authority and the treasury send back in the land → tax → payment loop: the
//! notice of the financial obligation (which stops the clock while the applicant pays) and
//! the confirmation that it was paid (which resumes the dossier). Each is believed only with
//! its sender's HMAC-SHA256 signature; a repeat answers 200 and changes nothing.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use motcua_core::dossier::{Actor, Charge, Command, ExternalSystem, PaymentPurpose};

use super::payments::{answer, recorded};
use crate::service;
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lien-thong/thue", post(tax_notice))
        .route("/api/v1/lien-thong/kho-bac", post(treasury_confirmation))
}

fn signature(headers: &HeaderMap) -> &str {
    headers
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The tax authority's notice of the financial obligation (thông báo nộp tiền).
#[utoipa::path(post, path = "/api/v1/lien-thong/thue", tag = "inter-agency",
    request_body(content = String, description = "`{MaHoSo, SoThongBao, CacKhoanNop: [{Ma, Ten, SoTien}]}` signed by the tax authority", content_type = "application/json"),
    params(("X-Signature" = String, Header, description = "HMAC-SHA256 of the body with the tax authority's key, hex")),
    responses(
        (status = 200, description = "recorded, or duplicate (seen before)", body = super::answer_bodies::CallbackBody),
        (status = 401, description = "Signature missing or wrong: nothing changed", content_type = "application/problem+json"),
        (status = 404, description = "No such dossier", content_type = "application/problem+json"),
        (status = 422, description = "The dossier is not waiting for a notice", content_type = "application/problem+json")))]
pub(crate) async fn tax_notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = tax_notice_checked(state.clone(), headers, body.clone()).await;
    recorded(
        &state,
        "cơ quan thuế",
        "/api/v1/lien-thong/thue",
        &body,
        result,
    )
    .await
}

async fn tax_notice_checked(
    state: AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let systems = state.systems()?;
    let notice = systems
        .verify_tax_notice(&body, signature(&headers))
        .ok_or(ApiError::Unauthenticated)?;
    let d = state
        .db
        .dossier_by_code(&notice.dossier_code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let tax = Actor::system(ExternalSystem::TaxAuthority);
    let number = notice.number.clone();
    let command = Command::RecordTaxNotice {
        notice: notice.number,
        obligations: notice
            .items
            .into_iter()
            .map(|i| Charge {
                code: i.code,
                name: i.name,
                amount: i.amount,
            })
            .collect(),
    };
    let seen =
        move |d: &motcua_core::dossier::Dossier| d.tax_notice.as_deref() == Some(number.as_str());
    answer(service::system_command(&state, &tax, d.id, seen, command).await?)
}

/// The treasury's confirmation that the obligation was paid.
#[utoipa::path(post, path = "/api/v1/lien-thong/kho-bac", tag = "inter-agency",
    request_body(content = String, description = "`{MaHoSo, MaGiaoDich, SoTien, NgayNop}` signed by the treasury", content_type = "application/json"),
    params(("X-Signature" = String, Header, description = "HMAC-SHA256 of the body with the treasury's key, hex")),
    responses(
        (status = 200, description = "recorded, or duplicate (seen before)", body = super::answer_bodies::CallbackBody),
        (status = 401, description = "Signature missing or wrong: nothing changed", content_type = "application/problem+json"),
        (status = 404, description = "No such dossier or order", content_type = "application/problem+json"),
        (status = 422, description = "Does not match the order", content_type = "application/problem+json")))]
pub(crate) async fn treasury_confirmation(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = treasury_confirmation_checked(state.clone(), headers, body.clone()).await;
    recorded(
        &state,
        "kho bạc",
        "/api/v1/lien-thong/kho-bac",
        &body,
        result,
    )
    .await
}

async fn treasury_confirmation_checked(
    state: AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let systems = state.systems()?;
    let confirmation = systems
        .verify_treasury(&body, signature(&headers))
        .ok_or(ApiError::Unauthenticated)?;
    let order = state
        .db
        .payment_order(&confirmation.transaction_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let d = state
        .db
        .dossier_by_code(&confirmation.dossier_code)
        .await?
        .filter(|d| d.id.0 == order.dossier_id)
        .ok_or(ApiError::NotFound)?;
    if order.purpose != "obligation" || confirmation.amount != order.amount {
        return Err(ApiError::Invalid(
            "xác nhận của kho bạc không khớp khoản nghĩa vụ tài chính đã lập".into(),
        ));
    }
    let treasury = Actor::system(ExternalSystem::Treasury);
    let command = Command::RecordPayment {
        reference: confirmation.transaction_id,
        purpose: PaymentPurpose::Obligation,
        amount: order.amount,
    };
    answer(service::system_command(&state, &treasury, d.id, |_| false, command).await?)
}
