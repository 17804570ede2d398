//! Operations: liveness, readiness, Prometheus metrics.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::AppState;

/// Request counts and durations by method and status, for `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), (u64, f64)>>,
}

impl Metrics {
    fn record(&self, method: &str, status: u16, seconds: f64) {
        if let Ok(mut map) = self.requests.lock() {
            let entry = map.entry((method.to_owned(), status)).or_insert((0, 0.0));
            entry.0 += 1;
            entry.1 += seconds;
        }
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "# HELP motcua_http_requests_total HTTP requests by method and status.\n\
             # TYPE motcua_http_requests_total counter\n",
        );
        let map = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        for ((method, status), (count, _)) in &map {
            out.push_str(&format!(
                "motcua_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {count}\n"
            ));
        }
        out.push_str(
            "# HELP motcua_http_request_duration_seconds_sum Time spent answering, by method and status.\n\
             # TYPE motcua_http_request_duration_seconds_sum counter\n",
        );
        for ((method, status), (_, seconds)) in &map {
            out.push_str(&format!(
                "motcua_http_request_duration_seconds_sum{{method=\"{method}\",status=\"{status}\"}} {seconds:.6}\n"
            ));
        }
        out.push_str(&format!(
            "# HELP motcua_build_info Version of the running binary.\n# TYPE motcua_build_info gauge\nmotcua_build_info{{version=\"{}\"}} 1\n",
            env!("CARGO_PKG_VERSION")
        ));
        out
    }
}

/// Counts every request (a middleware).
pub(crate) async fn count(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    metrics.record(
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// The process can serve: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
