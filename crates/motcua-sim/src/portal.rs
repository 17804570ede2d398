//! The National Public Service Portal (DVCQG) as far as a province's system talks to it: it
//! receives dossiers (`DongBoHoSoMC`) and progress (`CapNhatTienDoHoSoMC`), each carrying an
//! `Idempotency-Key`, answers lookups (`TraCuuHoSo`) and a list for reconciliation. It counts
//! what it applied, what it saw twice and progress that arrived out of order, so tests can
//! prove "none lost, none twice, none out of order".

use std::collections::{BTreeMap, HashSet};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;

use crate::Sim;

/// What the portal holds.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PortalState {
    /// Dossiers by code, as last pushed.
    pub dossiers: BTreeMap<String, Value>,
    /// Progress records by dossier code, in arrival order.
    pub progress: BTreeMap<String, Vec<Value>>,
    /// Messages applied (each idempotency key once).
    pub applied: u64,
    /// Messages received again under a key already applied (not applied again).
    pub duplicates: u64,
    /// Progress records that arrived after a later one of the same dossier.
    pub out_of_order: u64,
    #[serde(skip)]
    keys: HashSet<String>,
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/dvcqg/DongBoHoSoMC", post(push_dossier))
        .route("/dvcqg/CapNhatTienDoHoSoMC", post(push_progress))
        .route("/dvcqg/TraCuuHoSo/{code}", get(lookup))
        .route("/dvcqg/DanhSachHoSo", get(list))
        .route("/_sim/dvcqg", get(dump))
}

fn ok(duplicate: bool) -> Response {
    Json(serde_json::json!({"error_code": 0, "message": "Thành công", "duplicate": duplicate}))
        .into_response()
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"error_code": -1, "message": message})),
    )
        .into_response()
}

/// Takes a message once per key; `None`: seen before.
fn accept(
    sim: &Sim,
    headers: &HeaderMap,
    body: &Value,
) -> Result<Option<String>, (StatusCode, &'static str)> {
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
    else {
        return Err((StatusCode::BAD_REQUEST, "thiếu Idempotency-Key"));
    };
    let Some(code) = body.get("MaHoSo").and_then(Value::as_str) else {
        return Err((StatusCode::BAD_REQUEST, "thiếu MaHoSo"));
    };
    let Ok(mut p) = sim.portal.lock() else {
        return Err((StatusCode::INTERNAL_SERVER_ERROR, "lỗi"));
    };
    if !p.keys.insert(key.to_owned()) {
        p.duplicates += 1;
        return Ok(None);
    }
    p.applied += 1;
    Ok(Some(code.to_owned()))
}

async fn push_dossier(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    match accept(&sim, &headers, &body) {
        Err((status, message)) => refuse(status, message),
        Ok(None) => ok(true),
        Ok(Some(code)) => {
            if let Ok(mut p) = sim.portal.lock() {
                p.dossiers.insert(code, body);
            }
            ok(false)
        }
    }
}

async fn push_progress(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    match accept(&sim, &headers, &body) {
        Err((status, message)) => refuse(status, message),
        Ok(None) => ok(true),
        Ok(Some(code)) => {
            if let Ok(mut p) = sim.portal.lock() {
                let seq = body.get("STT").and_then(Value::as_i64).unwrap_or(0);
                let last = p
                    .progress
                    .get(&code)
                    .and_then(|v| v.last())
                    .and_then(|v| v.get("STT"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                if seq < last {
                    p.out_of_order += 1;
                }
                p.progress.entry(code).or_default().push(body);
            }
            ok(false)
        }
    }
}

async fn lookup(State(sim): State<Sim>, Path(code): Path<String>) -> Response {
    let found = sim
        .portal
        .lock()
        .ok()
        .and_then(|p| p.dossiers.get(&code).cloned());
    match found {
        Some(d) => Json(d).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "không tìm thấy hồ sơ"),
    }
}

async fn list(State(sim): State<Sim>) -> Json<Vec<Value>> {
    Json(
        sim.portal
            .lock()
            .map(|p| p.dossiers.values().cloned().collect())
            .unwrap_or_default(),
    )
}

async fn dump(State(sim): State<Sim>) -> Json<PortalState> {
    Json(sim.portal_state())
}

impl Sim {
    /// What the portal holds now.
    pub fn portal_state(&self) -> PortalState {
        self.portal.lock().map(|p| p.clone()).unwrap_or_default()
    }
}
