//! The ministry's central system for the procedures it handles itself (deployment option 2):
//! it lists its dossier records (`DongBoHoSoMC`) in the order they changed, a page at a time
//! after a position, to a province holding its key. Tests and the demo add or change records
//! through `/_sim/bo/ho-so`; each change is a new position, as a real change log would be.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::Sim;

/// Records a page holds at most.
const PAGE: usize = 200;

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/bo/ho-so", get(list))
        .route("/_sim/bo/ho-so", post(add))
}

#[derive(serde::Deserialize)]
struct After {
    #[serde(default)]
    sau: usize,
}

/// The records changed after position `sau`, and the position of the last one given.
async fn list(State(sim): State<Sim>, headers: HeaderMap, Query(q): Query<After>) -> Response {
    let wanted = format!("Bearer {}", sim.config.central_token);
    if headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(wanted.as_str())
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "sai khóa tích hợp"})),
        )
            .into_response();
    }
    let log = sim.central.lock().map(|l| l.clone()).unwrap_or_default();
    let page: Vec<Value> = log.iter().skip(q.sau).take(PAGE).cloned().collect();
    let position = q.sau + page.len();
    Json(json!({"HoSo": page, "ViTri": position})).into_response()
}

/// Adds records (one object or an array): new dossiers, or newer states of ones listed.
async fn add(State(sim): State<Sim>, Json(body): Json<Value>) -> Response {
    let records = match body {
        Value::Array(a) => a,
        other => vec![other],
    };
    let n = records.len();
    let Ok(mut log) = sim.central.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    log.extend(records);
    Json(json!({"added": n, "ViTri": log.len()})).into_response()
}
