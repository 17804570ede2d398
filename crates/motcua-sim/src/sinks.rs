//! SMS, e-mail and Zalo gateways that only record what they are asked to send, for tests and
//! the demo to inspect.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Sim;

/// A message a sink received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `sms`, `email` or `zalo`.
    pub channel: String,
    /// Recipient (phone number or address).
    pub to: String,
    /// Subject (e-mail).
    #[serde(default)]
    pub subject: String,
    /// Text.
    pub text: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

/// The simulator stands for other systems, which run on the wall clock.
#[expect(
    clippy::disallowed_methods,
    reason = "the simulator's own clock is the wall clock of the systems it plays"
)]
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now()
}

#[derive(Deserialize)]
struct Incoming {
    to: String,
    #[serde(default)]
    subject: String,
    text: String,
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/notify/{channel}", post(receive))
        .route("/_sim/messages", get(list).delete(clear))
}

async fn receive(
    State(sim): State<Sim>,
    Path(channel): Path<String>,
    Json(m): Json<Incoming>,
) -> (StatusCode, Json<serde_json::Value>) {
    if !matches!(channel.as_str(), "sms" | "email" | "zalo") {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": "unknown channel"})),
        );
    }
    let id = uuid::Uuid::new_v4();
    if let Ok(mut all) = sim.messages.lock() {
        all.push(Message {
            channel,
            to: m.to,
            subject: m.subject,
            text: m.text,
            received_at: now(),
        });
    }
    (StatusCode::ACCEPTED, Json(serde_json::json!({"id": id})))
}

async fn list(State(sim): State<Sim>) -> Json<Vec<Message>> {
    Json(sim.messages())
}

async fn clear(State(sim): State<Sim>) -> StatusCode {
    if let Ok(mut all) = sim.messages.lock() {
        all.clear();
    }
    StatusCode::NO_CONTENT
}
