//! Fault injection: tell any endpoint to be slow, to fail at a rate, or to hang; tell the
//! payment gateway to send its callback several times. Set with `POST /_sim/faults`.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};

use crate::Sim;

/// One misbehaviour, for requests whose path starts with `path_prefix`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Which endpoints (e.g. `/payment/`, `/registry/`).
    pub path_prefix: String,
    /// Added delay before answering.
    #[serde(default)]
    pub latency_ms: u64,
    /// Share of requests that fail, in percent (every n-th, deterministically).
    #[serde(default)]
    pub error_rate_percent: u64,
    /// Status of the injected failures (default 503).
    #[serde(default)]
    pub status: u16,
    /// Never answer (until the client gives up).
    #[serde(default)]
    pub hang: bool,
    /// Payment callbacks: how many times each is delivered (default once).
    #[serde(default)]
    pub duplicate_callbacks: u32,
    /// Failures happen after the request was processed: the work is done but the answer is
    /// lost (the caller sees the injected status and will send again).
    #[serde(default)]
    pub lose_answer: bool,
}

pub(crate) fn routes() -> axum::Router<Sim> {
    axum::Router::new().route("/_sim/faults", post(set).delete(clear).get(list))
}

async fn set(State(sim): State<Sim>, Json(faults): Json<Vec<Fault>>) -> StatusCode {
    if let Ok(mut f) = sim.faults.lock() {
        *f = faults;
    }
    StatusCode::NO_CONTENT
}

async fn clear(State(sim): State<Sim>) -> StatusCode {
    if let Ok(mut f) = sim.faults.lock() {
        f.clear();
    }
    StatusCode::NO_CONTENT
}

async fn list(State(sim): State<Sim>) -> Json<Vec<Fault>> {
    Json(sim.faults.lock().map(|f| f.clone()).unwrap_or_default())
}

impl Sim {
    /// The fault that applies to a path, if any.
    pub(crate) fn fault_for(&self, path: &str) -> Option<Fault> {
        let faults = self.faults.lock().ok()?;
        faults
            .iter()
            .find(|f| path.starts_with(&f.path_prefix))
            .cloned()
    }
}

/// Applies the configured fault to each request (never to the control endpoints).
pub(crate) async fn inject(State(sim): State<Sim>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let fault = if path.starts_with("/_sim/") {
        None
    } else {
        sim.fault_for(&path)
    };
    if let Some(f) = fault {
        if f.hang {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        if f.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
        }
        if f.error_rate_percent > 0 {
            let n = sim.requests.fetch_add(1, Ordering::Relaxed);
            if (n * f.error_rate_percent) % 100 < f.error_rate_percent {
                let status =
                    StatusCode::from_u16(f.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                let status = if status.is_success() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    status
                };
                if f.lose_answer {
                    let _ = next.run(req).await;
                }
                return (status, Json(serde_json::json!({"error": "injected fault"})))
                    .into_response();
            }
        }
    }
    next.run(req).await
}
