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
    /// Access tokens issued.
    pub tokens_issued: u64,
    /// Dossiers citizens filed on the portal, for the province to pull, in filing order.
    pub filed: Vec<Value>,
    #[serde(skip)]
    keys: HashSet<String>,
    /// Access tokens issued and still valid.
    #[serde(skip)]
    tokens: HashSet<String>,
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/dvcqg/DongBoHoSoMC", post(push_dossier))
        .route("/dvcqg/CapNhatTienDoHoSoMC", post(push_progress))
        .route("/dvcqg/TraCuuHoSo/{code}", get(lookup))
        .route("/dvcqg/DanhSachHoSo", get(list))
        .route("/dvcqg/token", post(token))
        .route("/dvcqg/LayHoSoMoi", get(new_filings))
        .route("/_sim/dvcqg/nop", post(file))
        .route("/_sim/dvcqg", get(dump))
        .route("/_sim/dvcqg/expire-tokens", post(expire))
}

#[derive(serde::Deserialize)]
struct TokenForm {
    client_id: String,
    client_secret: String,
}

/// Client credentials → an access token (the portal's integration accounts work so).
async fn token(State(sim): State<Sim>, axum::Form(f): axum::Form<TokenForm>) -> Response {
    if f.client_id != sim.config.oidc_client_id || f.client_secret != sim.config.portal_secret {
        return refuse(StatusCode::UNAUTHORIZED, "sai thông tin tài khoản tích hợp");
    }
    let t = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(mut p) = sim.portal.lock() {
        p.tokens.insert(t.clone());
        p.tokens_issued += 1;
    }
    Json(serde_json::json!({"access_token": t, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

/// Every token expires at once (the "expired credentials" fault).
async fn expire(State(sim): State<Sim>) -> StatusCode {
    if let Ok(mut p) = sim.portal.lock() {
        p.tokens.clear();
    }
    StatusCode::NO_CONTENT
}

pub(crate) fn authorised(sim: &Sim, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    bearer.is_some_and(|t| sim.portal.lock().is_ok_and(|p| p.tokens.contains(t)))
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
    if !authorised(sim, headers) {
        return Err((
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        ));
    }
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

async fn lookup(State(sim): State<Sim>, headers: HeaderMap, Path(code): Path<String>) -> Response {
    if !authorised(&sim, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        );
    }
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

async fn list(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    if !authorised(&sim, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        );
    }
    let all: Vec<Value> = sim
        .portal
        .lock()
        .map(|p| p.dossiers.values().cloned().collect())
        .unwrap_or_default();
    Json(all).into_response()
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

#[derive(serde::Deserialize)]
struct Filing {
    /// The citizen (from the synthetic population).
    cccd: String,
    /// Procedure code.
    procedure: String,
    /// The agency to resolve it.
    resolving_agency: String,
    /// The desk to receive it.
    receiving_agency: String,
    /// Documents: code and name.
    #[serde(default)]
    documents: Vec<(String, String)>,
}

/// A citizen files a dossier on the portal (the simulator's stand-in for the portal's forms).
async fn file(State(sim): State<Sim>, Json(f): Json<Filing>) -> Response {
    let Some(c) = sim.population.get(&f.cccd).cloned() else {
        return refuse(StatusCode::NOT_FOUND, "không có công dân này");
    };
    let Ok(mut p) = sim.portal.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let n = p.filed.len() + 1;
    let now = crate::sinks::now();
    let record = serde_json::json!({
        "ViTri": n,
        "MaHoSoQG": format!("G22.99-{}-{n:06}", (now + chrono::TimeDelta::hours(7)).format("%y%m%d")),
        "MaTTHC": f.procedure,
        "MaDonViXuLy": f.resolving_agency,
        "MaDonViTiepNhan": f.receiving_agency,
        "NgayNop": (now + chrono::TimeDelta::hours(7)).format("%Y%m%d%H%M%S").to_string(),
        "ChuHoSo": {
            "SoDinhDanh": c.so_dinh_danh, "HoTen": c.ho_va_ten, "NgaySinh": c.ngay_sinh,
            "DiaChi": c.noi_thuong_tru, "SoDienThoai": "0905000999",
        },
        "DanhSachGiayTo": f.documents.iter().map(|(code, name)| serde_json::json!({"Ma": code, "Ten": name})).collect::<Vec<_>>(),
    });
    p.filed.push(record.clone());
    Json(record).into_response()
}

#[derive(serde::Deserialize)]
struct Since {
    #[serde(default)]
    sau: usize,
}

/// Filings after a position, oldest first, with the position to ask from next time.
async fn new_filings(
    State(sim): State<Sim>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<Since>,
) -> Response {
    if !authorised(&sim, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        );
    }
    let filed: Vec<Value> = sim
        .portal
        .lock()
        .map(|p| p.filed.iter().skip(q.sau).take(100).cloned().collect())
        .unwrap_or_default();
    let last = q.sau + filed.len();
    Json(serde_json::json!({"HoSo": filed, "ViTri": last})).into_response()
}
