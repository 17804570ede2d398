//! The payment gateway's callback. It is believed only when its HMAC-SHA256 signature
//! verifies, it names an order we made, and the amount is the order's; it then records the
//! payment once — a duplicate or replayed callback answers 200 and changes nothing, so the
//! gateway stops retrying.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use motcua_core::dossier::{Actor, Command, DossierId, ExternalSystem, PaymentPurpose};

use super::answer_bodies::CallbackBody;
use crate::service::{self, SystemOutcome};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/payments/callback", post(payment_callback))
}

/// A payment result from the gateway (signed with the shared key in `X-Signature`).
#[utoipa::path(post, path = "/api/v1/payments/callback", tag = "payments",
    request_body(content = String, description = "`{transaction_id, order_code, amount, status, paid_at}` as the gateway signed it", content_type = "application/json"),
    params(("X-Signature" = String, Header, description = "HMAC-SHA256 of the body with the shared key, hex")),
    responses(
        (status = 200, description = "What was done: recorded, duplicate, ignored (not paid) or awaiting_treasury", body = CallbackBody),
        (status = 401, description = "Signature missing or wrong: nothing changed", content_type = "application/problem+json"),
        (status = 404, description = "No such order", content_type = "application/problem+json"),
        (status = 422, description = "The callback does not match the order", content_type = "application/problem+json")))]
pub(crate) async fn payment_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = payment_callback_checked(state.clone(), headers, body.clone()).await;
    recorded(
        &state,
        "cổng thanh toán",
        "/api/v1/payments/callback",
        &body,
        result,
    )
    .await
}

async fn payment_callback_checked(
    state: AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let systems = state.systems()?;
    let signature = headers
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(callback) = systems.verify_callback(&body, signature) else {
        tracing::warn!("payment callback with a bad signature refused");
        return Err(ApiError::Unauthenticated);
    };
    let order = state
        .db
        .payment_order(&callback.transaction_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let d = state
        .db
        .dossier(DossierId(order.dossier_id))
        .await?
        .ok_or(ApiError::NotFound)?;
    if callback.order_code != d.code.as_str() || callback.amount != order.amount {
        return Err(ApiError::Invalid(
            "thông báo thanh toán không khớp đơn hàng (mã hồ sơ hoặc số tiền)".into(),
        ));
    }
    if callback.status != "PAID" {
        return Ok(CallbackBody::answer("ignored").into_response());
    }
    state
        .db
        .payment_callback(&callback.transaction_id, state.clock.now())
        .await?;
    if order.purpose == "obligation" {
        // The obligation is the treasury's to confirm; its confirmation resumes the dossier.
        return Ok(CallbackBody::answer("awaiting_treasury").into_response());
    }
    let gateway = Actor::system(ExternalSystem::PaymentGateway);
    let command = Command::RecordPayment {
        reference: callback.transaction_id.clone(),
        purpose: PaymentPurpose::Fees,
        amount: order.amount,
    };
    answer(service::system_command(&state, &gateway, d.id, |_| false, command).await?)
}

/// The answer a calling system gets: 200 with what happened, or 503 to make it retry.
pub(crate) fn answer(outcome: SystemOutcome) -> Result<Response, ApiError> {
    Ok(match outcome {
        SystemOutcome::Done => CallbackBody::answer("recorded").into_response(),
        SystemOutcome::Duplicate => CallbackBody::answer("duplicate").into_response(),
        SystemOutcome::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy; retry").into_response(),
    })
}

/// Answers an outside system and records the exchange in the signed message log — refused
/// and forged messages included: they are evidence too.
pub(crate) async fn recorded(
    state: &AppState,
    system: &str,
    path: &str,
    body: &[u8],
    result: Result<Response, ApiError>,
) -> Response {
    let response = result.into_response();
    if let Some(systems) = &state.systems {
        let status = response.status();
        systems
            .record_incoming(
                system,
                path,
                body,
                status.as_u16(),
                status.canonical_reason().unwrap_or_default(),
            )
            .await;
    }
    response
}
