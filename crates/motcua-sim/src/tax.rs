//! The tax authority and the state treasury, as far as a land office deals with them: the tax
//! authority receives a dossier's data and, a little later, sends back its notice of the
//! financial obligation (land-use fee, registration fee, personal income tax); the treasury,
//! once the applicant has paid an obligation order at the gateway, confirms the receipt. Both
//! call motcua back with bodies signed by HMAC-SHA256 (`X-Signature`, hex) with their own keys.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::Sim;
use crate::payment::{post_json, sign};
use crate::sinks::now;

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/tax/ho-so", post(receive))
        .route("/_sim/tax", get(list))
}

/// The obligation the simulated tax office computes: deterministic from the dossier code, in
/// the shape of a real notice (registration fee 0.5 % and personal income tax 2 % of a value).
pub fn obligations_for(code: &str) -> Vec<Value> {
    let seed: i64 = code
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0i64, |acc, b| (acc * 7 + i64::from(b - b'0')) % 1000);
    let value = 800_000_000 + seed * 1_000_000;
    vec![
        json!({"Ma": "le-phi-truoc-ba", "Ten": "Lệ phí trước bạ", "SoTien": value / 200}),
        json!({"Ma": "thue-tncn", "Ten": "Thuế thu nhập cá nhân", "SoTien": value / 50}),
    ]
}

async fn receive(State(sim): State<Sim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let (Some(code), Some(callback)) = (
        body.get("MaHoSo")
            .and_then(Value::as_str)
            .map(str::to_owned),
        body.get("callback_url")
            .and_then(Value::as_str)
            .map(str::to_owned),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "thiếu MaHoSo hoặc callback_url"})),
        )
            .into_response();
    };
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let fresh = sim
        .tax
        .lock()
        .map(|mut seen| {
            if seen.iter().any(|(k, _)| k == &key) {
                false
            } else {
                seen.push((key.clone(), body.clone()));
                true
            }
        })
        .unwrap_or(false);
    if !fresh {
        // A repeat: the notice was (or will be) issued once.
        return (StatusCode::ACCEPTED, Json(json!({"duplicate": true}))).into_response();
    }
    let notice = json!({
        "MaHoSo": code,
        "SoThongBao": format!("TB-{}-{}", now().format("%y%m%d"), &key.get(..8).unwrap_or("00000000")),
        "CacKhoanNop": obligations_for(&code),
    })
    .to_string();
    let signature = sign(&sim.config.tax_secret, notice.as_bytes());
    let delay = sim.config.tax_delay_ms;
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if let Err(e) = post_json(&callback, &notice, &signature).await {
            tracing::warn!(error = %e, "tax notice callback failed");
        }
    });
    (StatusCode::ACCEPTED, Json(json!({"duplicate": false}))).into_response()
}

async fn list(State(sim): State<Sim>) -> Json<Vec<Value>> {
    Json(
        sim.tax
            .lock()
            .map(|all| all.iter().map(|(_, v)| v.clone()).collect())
            .unwrap_or_default(),
    )
}

/// The treasury confirms an obligation paid at the gateway.
pub(crate) fn confirm_payment(sim: &Sim, callback: String, code: String, tx: String, amount: i64) {
    let body = json!({
        "MaHoSo": code,
        "MaGiaoDich": tx,
        "SoTien": amount,
        "NgayNop": now().to_rfc3339(),
        "KhoBac": "Kho bạc Nhà nước (mô phỏng)",
    })
    .to_string();
    let signature = sign(&sim.config.treasury_secret, body.as_bytes());
    let delay = sim.config.tax_delay_ms;
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if let Err(e) = post_json(&callback, &body, &signature).await {
            tracing::warn!(error = %e, "treasury confirmation failed");
        }
    });
}
