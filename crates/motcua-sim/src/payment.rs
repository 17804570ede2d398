//! A payment gateway like the national payment platform's: an order carries the dossier code
//! and the amount; the citizen pays on the gateway's page; the gateway calls motcua back with
//! a body signed by HMAC-SHA256 (header `X-Signature`, hex) and answers status queries.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Sim;
use crate::sinks::now;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OrderStatus {
    /// Created, not paid.
    Pending,
    /// Paid.
    Paid,
}

/// A payment order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The gateway's transaction id.
    pub transaction_id: String,
    /// The dossier code the payment is for.
    pub order_code: String,
    /// Amount in đồng.
    pub amount: i64,
    /// What is paid.
    pub description: String,
    /// Where the gateway posts the result.
    pub callback_url: String,
    /// Where the citizen goes back to.
    pub return_url: String,
    /// `fees` or `obligation`: an obligation goes to the treasury, which confirms it.
    pub purpose: String,
    /// Where the treasury confirms an obligation paid.
    pub treasury_callback_url: String,
    /// Status.
    pub status: OrderStatus,
}

#[derive(Deserialize)]
struct NewOrder {
    order_code: String,
    amount: i64,
    #[serde(default)]
    description: String,
    callback_url: String,
    #[serde(default)]
    return_url: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    treasury_callback_url: String,
}

/// The signature of a callback body.
pub fn sign(secret: &str, body: &[u8]) -> String {
    mac(secret, body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// HMAC-SHA256 of a message.
pub(crate) fn mac(secret: &str, message: &[u8]) -> Vec<u8> {
    match <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) {
        Ok(mut m) => {
            m.update(message);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/payment/orders", post(create))
        .route("/payment/orders/{tx}", get(status))
        .route("/payment/pay/{tx}", get(pay_page).post(pay))
}

async fn create(State(sim): State<Sim>, Json(req): Json<NewOrder>) -> Response {
    if req.amount <= 0 || req.order_code.trim().is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({"error": "amount and order_code are required"})),
        )
            .into_response();
    }
    let order = Order {
        transaction_id: format!("GD{}", uuid::Uuid::new_v4().simple()),
        order_code: req.order_code,
        amount: req.amount,
        description: req.description,
        callback_url: req.callback_url,
        return_url: req.return_url,
        purpose: req.purpose,
        treasury_callback_url: req.treasury_callback_url,
        status: OrderStatus::Pending,
    };
    let body = serde_json::json!({"transaction_id": order.transaction_id, "payment_url": format!("/payment/pay/{}", order.transaction_id)});
    if let Ok(mut all) = sim.orders.lock() {
        all.push(order);
    }
    (StatusCode::CREATED, Json(body)).into_response()
}

fn find(sim: &Sim, tx: &str) -> Option<Order> {
    sim.orders
        .lock()
        .ok()?
        .iter()
        .find(|o| o.transaction_id == tx)
        .cloned()
}

async fn status(State(sim): State<Sim>, Path(tx): Path<String>) -> Response {
    match find(&sim, &tx) {
        Some(o) => Json(o).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn pay_page(State(sim): State<Sim>, Path(tx): Path<String>) -> Response {
    let Some(o) = find(&sim, &tx) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    Html(format!(
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Cổng thanh toán (mô phỏng)</title>\
         <h1>Cổng thanh toán (mô phỏng)</h1><p>Hồ sơ: <strong>{}</strong></p><p>Số tiền: <strong>{} đồng</strong></p>\
         <form method=\"post\"><button type=\"submit\">Thanh toán</button></form></html>",
        o.order_code, o.amount
    ))
    .into_response()
}

/// The citizen pays: the order is marked paid once, and the callback is delivered (as many
/// times as a `duplicate_callbacks` fault says).
async fn pay(State(sim): State<Sim>, Path(tx): Path<String>) -> Response {
    let order = {
        let Ok(mut all) = sim.orders.lock() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let Some(o) = all.iter_mut().find(|o| o.transaction_id == tx) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        o.status = OrderStatus::Paid;
        o.clone()
    };
    let body = serde_json::json!({
        "transaction_id": order.transaction_id,
        "order_code": order.order_code,
        "amount": order.amount,
        "status": "PAID",
        "paid_at": now().to_rfc3339(),
    })
    .to_string();
    let signature = sign(&sim.config.payment_secret, body.as_bytes());
    let times = sim
        .fault_for("/payment/callback")
        .map_or(1, |f| f.duplicate_callbacks.max(1));
    for _ in 0..times {
        if let Err(e) = post_json(&order.callback_url, &body, &signature).await {
            tracing::warn!(error = %e, url = %order.callback_url, "callback failed");
        }
    }
    if order.purpose == "obligation" && !order.treasury_callback_url.is_empty() {
        crate::tax::confirm_payment(
            &sim,
            order.treasury_callback_url.clone(),
            order.order_code.clone(),
            order.transaction_id.clone(),
            order.amount,
        );
    }
    if order.return_url.is_empty() {
        Html("<p>Đã thanh toán.</p>".to_owned()).into_response()
    } else {
        Html(format!("<p>Đã thanh toán. <a href=\"{0}\">Quay lại</a></p><meta http-equiv=\"refresh\" content=\"0;url={0}\">", order.return_url)).into_response()
    }
}

/// POSTs JSON over plain HTTP/1.1 (the callback target is on loopback); returns the status.
pub(crate) async fn post_json(url: &str, body: &str, signature: &str) -> std::io::Result<u16> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// callbacks"))?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let connect = tokio::net::TcpStream::connect(host);
    let mut stream = tokio::time::timeout(Duration::from_secs(5), connect)
        .await
        .map_err(std::io::Error::other)??;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nX-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .map_err(std::io::Error::other)??;
    let head = String::from_utf8_lossy(&response);
    Ok(head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}
