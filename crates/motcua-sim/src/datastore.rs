//! The national portal's personal data store (Kho dữ liệu điện tử của tổ chức, cá nhân): the
//! documents and results a person or organisation was issued, each with its provenance
//! (which dossier, which agency, signed by whom). A province's system files into it with the
//! portal's integration token, lists a person's documents and downloads one; the file's
//! SHA-256 travels with it, so the downloader can prove it got what the list named.
//!
//! Every citizen of the synthetic population already holds one document issued elsewhere
//! (their land-use right certificate), so reuse from the store can be shown on a fresh demo.

use std::collections::{BTreeMap, HashSet};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64ct::Encoding as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Sim;

/// The largest file the store takes (the province's own limit is 10 MB per scan).
const MAX_FILE: usize = 16 * 1024 * 1024;

/// One document in a person's store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoredDocument {
    /// The store's id.
    pub id: String,
    /// Owner: CCCD number or tax code (MaDinhDanh).
    pub ma_dinh_danh: String,
    /// Document type (the catalogue's reusable type, e.g. `land_certificate`).
    pub loai_giay_to: String,
    /// Title.
    pub ten_giay_to: String,
    /// The dossier it came from.
    pub ma_ho_so: String,
    /// The issuing agency.
    pub co_quan_cap: String,
    /// Who signed it, when it carries a verified digital signature.
    #[serde(default)]
    pub nguoi_ky: Option<String>,
    /// When it was issued or accepted (`yyyyMMddHHmmss`, local time).
    pub ngay_cap: String,
    /// SHA-256 of the file, lowercase hex.
    #[serde(rename = "BamSHA256")]
    pub bam_sha256: String,
    /// Size in bytes.
    pub kich_thuoc: usize,
}

/// What the store holds.
#[derive(Debug, Default)]
pub struct DataStore {
    documents: BTreeMap<String, (StoredDocument, Vec<u8>)>,
    keys: HashSet<String>,
    /// Filings received again under a key already applied.
    pub duplicates: u64,
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/dvcqg/KhoDuLieu/LuuGiayTo", post(file))
        .route("/dvcqg/KhoDuLieu/DanhSachGiayTo", get(list))
        .route("/dvcqg/KhoDuLieu/GiayTo/{id}", get(download))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The certificate every simulated citizen already holds, issued before motcua existed.
fn seeded(sim: &Sim, owner: &str) -> Option<(StoredDocument, Vec<u8>)> {
    let c = sim.population.get(owner)?;
    let bytes = motcua_core::sample_pdf::one_page_pdf(&format!(
        "Giay chung nhan quyen su dung dat - {}",
        c.so_dinh_danh
    ));
    Some((
        StoredDocument {
            id: format!("gcn-{owner}"),
            ma_dinh_danh: owner.to_owned(),
            loai_giay_to: "land_certificate".into(),
            ten_giay_to: "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"
                .into(),
            ma_ho_so: format!(
                "G01.00-190315-{}",
                owner.get(owner.len().saturating_sub(6)..).unwrap_or(owner)
            ),
            co_quan_cap: "Văn phòng đăng ký đất đai".into(),
            nguoi_ky: Some("Giám đốc Văn phòng đăng ký đất đai".into()),
            ngay_cap: "20190315090000".into(),
            bam_sha256: hex(&Sha256::digest(&bytes)),
            kich_thuoc: bytes.len(),
        },
        bytes,
    ))
}

fn find(sim: &Sim, id: &str) -> Option<(StoredDocument, Vec<u8>)> {
    if let Some(owner) = id.strip_prefix("gcn-") {
        return seeded(sim, owner);
    }
    sim.store
        .lock()
        .ok()
        .and_then(|s| s.documents.get(id).cloned())
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"error_code": -1, "message": message})),
    )
        .into_response()
}

/// A filing: the document's provenance and its file (standard base64).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Filing {
    ma_dinh_danh: String,
    loai_giay_to: String,
    ten_giay_to: String,
    ma_ho_so: String,
    co_quan_cap: String,
    #[serde(default)]
    nguoi_ky: Option<String>,
    ngay_cap: String,
    #[serde(rename = "BamSHA256")]
    bam_sha256: String,
    tep_base64: String,
}

async fn file(State(sim): State<Sim>, headers: HeaderMap, Json(f): Json<Filing>) -> Response {
    if !crate::portal::authorised(&sim, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        );
    }
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
    else {
        return refuse(StatusCode::BAD_REQUEST, "thiếu Idempotency-Key");
    };
    let Some(bytes) = base64ct::Base64::decode_vec(&f.tep_base64)
        .ok()
        .filter(|b| b.len() <= MAX_FILE)
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "TepBase64 không hợp lệ hoặc quá lớn",
        );
    };
    let digest = hex(&Sha256::digest(&bytes));
    if digest != f.bam_sha256 || f.ma_dinh_danh.is_empty() || f.loai_giay_to.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "tệp không khớp BamSHA256, hoặc thiếu chủ sở hữu / loại giấy tờ",
        );
    }
    let Ok(mut s) = sim.store.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // The key names the filing: a retry after a lost answer returns the same id.
    let mut id = hex(&Sha256::digest(key.as_bytes()));
    id.truncate(16);
    let id = format!("kho-{id}");
    if !s.keys.insert(key) {
        s.duplicates += 1;
        return Json(serde_json::json!({"error_code": 0, "Id": id, "duplicate": true}))
            .into_response();
    }
    let doc = StoredDocument {
        id: id.clone(),
        ma_dinh_danh: f.ma_dinh_danh,
        loai_giay_to: f.loai_giay_to,
        ten_giay_to: f.ten_giay_to,
        ma_ho_so: f.ma_ho_so,
        co_quan_cap: f.co_quan_cap,
        nguoi_ky: f.nguoi_ky,
        ngay_cap: f.ngay_cap,
        bam_sha256: digest,
        kich_thuoc: bytes.len(),
    };
    s.documents.insert(id.clone(), (doc, bytes));
    Json(serde_json::json!({"error_code": 0, "Id": id, "duplicate": false})).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Owner {
    ma_dinh_danh: String,
}

async fn list(State(sim): State<Sim>, headers: HeaderMap, Query(q): Query<Owner>) -> Response {
    if !crate::portal::authorised(&sim, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        );
    }
    let mut out: Vec<StoredDocument> = seeded(&sim, &q.ma_dinh_danh)
        .map(|(d, _)| d)
        .into_iter()
        .collect();
    if let Ok(s) = sim.store.lock() {
        out.extend(
            s.documents
                .values()
                .filter(|(d, _)| d.ma_dinh_danh == q.ma_dinh_danh)
                .map(|(d, _)| d.clone()),
        );
    }
    Json(serde_json::json!({"error_code": 0, "GiayTo": out})).into_response()
}

async fn download(State(sim): State<Sim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !crate::portal::authorised(&sim, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "token không hợp lệ hoặc đã hết hạn",
        );
    }
    match find(&sim, &id) {
        Some((_, bytes)) => ([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "không có giấy tờ này"),
    }
}

impl Sim {
    /// Every document filed into the store by the province (not the seeded certificates).
    pub fn stored_documents(&self) -> Vec<StoredDocument> {
        self.store
            .lock()
            .map(|s| s.documents.values().map(|(d, _)| d.clone()).collect())
            .unwrap_or_default()
    }

    /// Replaces a stored file's bytes (a store that hands back something else than it listed).
    pub fn corrupt_stored(&self, id: &str) {
        if let Ok(mut s) = self.store.lock()
            && let Some((_, bytes)) = s.documents.get_mut(id)
        {
            bytes.push(b'\n');
        }
    }
}
