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
    /// With injected failures: a `Retry-After` header, in seconds.
    #[serde(default)]
    pub retry_after_s: u64,
    /// Extra latency from 0 to this many milliseconds, varying per request (reorders
    /// concurrent answers).
    #[serde(default)]
    pub latency_jitter_ms: u64,
    /// Instead of an error status, what a failing request gets (after being processed):
    /// `reset` (the connection breaks mid-body), `slow` (the body trickles for 30 s),
    /// `garbage` (200 with an HTML error page, not processed), `oversized` (200 with 2 MiB).
    #[serde(default)]
    pub body: String,
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
        let n = sim.requests.fetch_add(1, Ordering::Relaxed);
        let jitter = if f.latency_jitter_ms > 0 {
            (n.wrapping_mul(7919) % f.latency_jitter_ms.max(1)) + 1
        } else {
            0
        };
        if f.latency_ms + jitter > 0 {
            tokio::time::sleep(Duration::from_millis(f.latency_ms + jitter)).await;
        }
        if f.error_rate_percent > 0 && (n * f.error_rate_percent) % 100 < f.error_rate_percent {
            return failure(&f, req, next).await;
        }
    }
    next.run(req).await
}

/// What a request that the fault hits gets back.
async fn failure(f: &Fault, req: Request, next: Next) -> Response {
    use axum::body::Body;
    use futures_util::stream;
    match f.body.as_str() {
        "garbage" => {
            return (
                StatusCode::OK,
                [(axum::http::header::CONTENT_TYPE, "text/html")],
                "<html><body>502 Bad Gateway (proxy)</body></html>",
            )
                .into_response();
        }
        "oversized" => {
            let _ = next.run(req).await;
            return (StatusCode::OK, "x".repeat(2 * 1024 * 1024)).into_response();
        }
        "reset" => {
            let _ = next.run(req).await;
            let parts: Vec<Result<&'static str, std::io::Error>> = vec![
                Ok("{\"error_code\": 0, \"mess"),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "reset",
                )),
            ];
            return Response::new(Body::from_stream(stream::iter(parts)));
        }
        "slow" => {
            let _ = next.run(req).await;
            let chunks = stream::unfold(0u32, |i| async move {
                if i >= 30 {
                    return None;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                Some((Ok::<_, std::io::Error>(" "), i + 1))
            });
            return Response::new(Body::from_stream(chunks));
        }
        _ => {}
    }
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let status = if status.is_success() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        status
    };
    if f.lose_answer {
        let _ = next.run(req).await;
    }
    let mut response =
        (status, Json(serde_json::json!({"error": "injected fault"}))).into_response();
    if f.retry_after_s > 0
        && let Ok(v) = axum::http::HeaderValue::from_str(&f.retry_after_s.to_string())
    {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, v);
    }
    response
}
