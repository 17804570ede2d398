//! A certification authority and its remote-signing service, as the public CAs run them for
//! officials who sign on their phone: the CA issues each signer a certificate under its root
//! and publishes a CRL; motcua sends the service the SHA-256 of what is to be signed, the
//! signer approves (or refuses) the request in their app, and motcua fetches the signature.
//! The keys never leave the service.
//!
//! - `GET /ca/goc.pem` the root certificate (the trust anchor to configure);
//! - `GET /ca/crl.pem` the revocation list, signed by the root;
//! - `POST /ca/chung-thu` `{user, name}` → the user's certificate (issued once);
//! - `POST /ca/thu-hoi` `{user}` revokes it;
//! - `POST /ky-so/yeu-cau` `{user, hash, description}` → `{id, status}` (hash in hex);
//! - `GET /ky-so/yeu-cau/{id}` → `{status, signature?}` (signature in hex, ECDSA P-256);
//! - `GET /_sim/ky-so/{user}` the signer's "phone": pending requests with approve/refuse
//!   (`GET /_sim/ky-so`: every signer's),
//!   `POST /_sim/ky-so/{id}/{dong-y|tu-choi}`.
//!
//! Calls other than the root, the CRL and the phone need `Authorization: Bearer` with the
//! service secret.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::DecodePrivateKey;
use rcgen::{
    CertificateParams, CertificateRevocationListParams, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, RevokedCertParams, SerialNumber,
};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use crate::Sim;

/// One signer the CA knows.
struct Holder {
    key: SigningKey,
    cert_pem: String,
    serial: u64,
    revoked_at: Option<OffsetDateTime>,
}

/// A remote-signing request.
#[derive(Clone)]
struct Request {
    id: String,
    user: String,
    hash: Vec<u8>,
    description: String,
    /// `pending`, `approved` or `refused`.
    status: &'static str,
    signature: Option<Vec<u8>>,
}

/// The CA's state.
pub struct Ca {
    root_params: CertificateParams,
    root_key: KeyPair,
    root_pem: String,
    holders: HashMap<String, Holder>,
    requests: Vec<Request>,
    next_serial: u64,
}

/// Shared CA state, made on first use (its root key is generated then).
pub type SharedCa = Arc<Mutex<Option<Ca>>>;

/// Runs `f` on the simulator's CA; `None` if it cannot be made or its lock is poisoned.
fn with_ca<T>(sim: &Sim, f: impl FnOnce(&mut Ca) -> T) -> Option<T> {
    let mut guard = sim.ca.lock().ok()?;
    if guard.is_none() {
        *guard = Some(Ca::new().ok()?);
    }
    guard.as_mut().map(f)
}

impl Sim {
    /// The CA's root certificate (PEM): the trust anchor a test configures.
    pub fn ca_root_pem(&self) -> Option<String> {
        with_ca(self, |ca| ca.root_pem().to_owned())
    }
}

fn root_params() -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "motcua-sim Root CA (giả lập)");
    dn.push(DnType::OrganizationName, "Tổ chức chứng thực giả lập");
    dn.push(DnType::CountryName, "VN");
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2045, 1, 1);
    p
}

impl Ca {
    /// A new CA with a fresh root key.
    pub fn new() -> Result<Self, rcgen::Error> {
        let root_key = KeyPair::generate()?;
        let root_params = root_params();
        let root_pem = root_params.self_signed(&root_key)?.pem();
        Ok(Self {
            root_params,
            root_key,
            root_pem,
            holders: HashMap::new(),
            requests: Vec::new(),
            next_serial: 1000,
        })
    }

    /// The root certificate, PEM.
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    /// The certificate of `user`, issued on first request.
    pub fn certificate(&mut self, user: &str, name: &str) -> Result<String, rcgen::Error> {
        if let Some(h) = self.holders.get(user) {
            return Ok(h.cert_pem.clone());
        }
        let key = KeyPair::generate()?;
        let serial = self.next_serial;
        self.next_serial += 1;
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn.push(DnType::OrganizationName, "motcua");
        dn.push(DnType::CountryName, "VN");
        p.distinguished_name = dn;
        p.serial_number = Some(SerialNumber::from_slice(&serial.to_be_bytes()));
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2040, 1, 1);
        let issuer = Issuer::from_params(&self.root_params, &self.root_key);
        let cert_pem = p.signed_by(&key, &issuer)?.pem();
        let signing = SigningKey::from_pkcs8_der(&key.serialize_der())
            .map_err(|_| rcgen::Error::CouldNotParseKeyPair)?;
        self.holders.insert(
            user.to_owned(),
            Holder {
                key: signing,
                cert_pem: cert_pem.clone(),
                serial,
                revoked_at: None,
            },
        );
        Ok(cert_pem)
    }

    /// Revokes `user`'s certificate now.
    pub fn revoke(&mut self, user: &str) -> bool {
        match self.holders.get_mut(user) {
            Some(h) => {
                h.revoked_at = Some(OffsetDateTime::now_utc());
                true
            }
            None => false,
        }
    }

    /// The current CRL, PEM.
    pub fn crl_pem(&self) -> Result<String, rcgen::Error> {
        let now = OffsetDateTime::now_utc();
        let params = CertificateRevocationListParams {
            this_update: now,
            next_update: now + time::Duration::days(7),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: self
                .holders
                .values()
                .filter_map(|h| {
                    h.revoked_at.map(|at| RevokedCertParams {
                        serial_number: SerialNumber::from_slice(&h.serial.to_be_bytes()),
                        revocation_time: at,
                        reason_code: None,
                        invalidity_date: None,
                    })
                })
                .collect(),
            key_identifier_method: rcgen::KeyIdMethod::Sha256,
        };
        let issuer = Issuer::from_params(&self.root_params, &self.root_key);
        params.signed_by(&issuer)?.pem()
    }

    /// Approves or refuses a pending request; approving signs its hash with the holder's key.
    pub fn decide(&mut self, id: &str, approve: bool) -> bool {
        let Some(r) = self
            .requests
            .iter_mut()
            .find(|r| r.id == id && r.status == "pending")
        else {
            return false;
        };
        if !approve {
            r.status = "refused";
            return true;
        }
        let Some(h) = self.holders.get(&r.user) else {
            return false;
        };
        let signed: Result<p256::ecdsa::Signature, _> = h.key.sign_prehash(&r.hash);
        match signed {
            Ok(sig) => {
                r.signature = Some(sig.to_der().as_bytes().to_vec());
                r.status = "approved";
                true
            }
            Err(_) => false,
        }
    }
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/ca/goc.pem", get(root))
        .route("/ca/crl.pem", get(crl))
        .route("/ca/chung-thu", post(issue))
        .route("/ca/thu-hoi", post(revoke))
        .route("/ky-so/yeu-cau", post(request))
        .route("/ky-so/yeu-cau/{id}", get(status))
        .route("/_sim/ky-so", get(every_phone))
        .route("/_sim/ky-so/{user}", get(phone))
        .route("/_sim/ky-so/{id}/{action}", post(decide))
}

fn authorised(sim: &Sim, headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == sim.config.signing_secret)
}

fn refused() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "sai khóa dịch vụ"})),
    )
        .into_response()
}

fn broken() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"error": "CA"})),
    )
        .into_response()
}

async fn root(State(sim): State<Sim>) -> Response {
    match sim.ca_root_pem() {
        Some(pem) => pem.into_response(),
        None => broken(),
    }
}

async fn crl(State(sim): State<Sim>) -> Response {
    match with_ca(&sim, |ca| ca.crl_pem().ok()).flatten() {
        Some(pem) => pem.into_response(),
        None => broken(),
    }
}

#[derive(Deserialize)]
struct IssueBody {
    user: String,
    name: String,
}

async fn issue(State(sim): State<Sim>, headers: HeaderMap, Json(b): Json<IssueBody>) -> Response {
    if !authorised(&sim, &headers) {
        return refused();
    }
    let issued = with_ca(&sim, |ca| {
        let pem = ca.certificate(&b.user, &b.name).ok()?;
        Some((pem, ca.root_pem().to_owned()))
    });
    match issued.flatten() {
        Some((pem, root)) => Json(json!({"certificate": pem, "chain": [root]})).into_response(),
        None => broken(),
    }
}

#[derive(Deserialize)]
struct RevokeBody {
    user: String,
}

async fn revoke(State(sim): State<Sim>, headers: HeaderMap, Json(b): Json<RevokeBody>) -> Response {
    if !authorised(&sim, &headers) {
        return refused();
    }
    match with_ca(&sim, |ca| ca.revoke(&b.user)) {
        Some(true) => StatusCode::NO_CONTENT.into_response(),
        Some(false) => StatusCode::NOT_FOUND.into_response(),
        None => broken(),
    }
}

#[derive(Deserialize)]
struct SignBody {
    user: String,
    /// SHA-256, hex.
    hash: String,
    description: String,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn request(State(sim): State<Sim>, headers: HeaderMap, Json(b): Json<SignBody>) -> Response {
    if !authorised(&sim, &headers) {
        return refused();
    }
    let Some(hash) = unhex(&b.hash).filter(|h| h.len() == 32) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "hash phải là SHA-256 (hex)"})),
        )
            .into_response();
    };
    let auto = sim.config.signing_auto_approve;
    let made = with_ca(&sim, |ca| {
        if !ca.holders.contains_key(&b.user) {
            return None;
        }
        let id = uuid::Uuid::new_v4().to_string();
        ca.requests.push(Request {
            id: id.clone(),
            user: b.user.clone(),
            hash,
            description: b.description.chars().take(300).collect(),
            status: "pending",
            signature: None,
        });
        if auto {
            ca.decide(&id, true);
        }
        let status = ca
            .requests
            .iter()
            .find(|r| r.id == id)
            .map_or("pending", |r| r.status);
        Some((id, status))
    });
    match made {
        Some(Some((id, status))) => (
            StatusCode::ACCEPTED,
            Json(json!({"id": id, "status": status})),
        )
            .into_response(),
        Some(None) => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "người ký chưa có chứng thư"})),
        )
            .into_response(),
        None => broken(),
    }
}

async fn status(State(sim): State<Sim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorised(&sim, &headers) {
        return refused();
    }
    let found = with_ca(&sim, |ca| {
        ca.requests.iter().find(|r| r.id == id).map(|r| {
            json!({
                "id": r.id,
                "status": r.status,
                "signature": r.signature.as_deref().map(hex),
            })
        })
    });
    match found {
        Some(Some(body)) => Json(body).into_response(),
        Some(None) => StatusCode::NOT_FOUND.into_response(),
        None => broken(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn phone(State(sim): State<Sim>, Path(user): Path<String>) -> Response {
    pending_page(&sim, Some(&user))
}

/// Every signer's pending requests on one "phone": the demo's leaders approve here.
async fn every_phone(State(sim): State<Sim>) -> Response {
    pending_page(&sim, None)
}

fn pending_page(sim: &Sim, user: Option<&str>) -> Response {
    let Some(pending) = with_ca(sim, |ca| {
        ca.requests
            .iter()
            .filter(|r| user.is_none_or(|u| r.user == u) && r.status == "pending")
            .cloned()
            .collect::<Vec<_>>()
    }) else {
        return broken();
    };
    let pending: String = pending
        .iter()
        .map(|r| {
            format!(
                "<li data-testid=\"request\" id=\"{id}\"><p>{}</p><p><small>Mã yêu cầu {id}</small></p><form method=\"post\" action=\"/_sim/ky-so/{id}/dong-y\"><button data-testid=\"approve\">Đồng ý ký</button></form><form method=\"post\" action=\"/_sim/ky-so/{id}/tu-choi\"><button data-testid=\"refuse\">Từ chối</button></form></li>",
                escape(&r.description),
                id = r.id
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Ký số từ xa</title><h1>Ứng dụng ký số (giả lập){}</h1><ul>{}</ul></html>",
        user.map(|u| format!(" — {}", escape(u))).unwrap_or_default(),
        if pending.is_empty() { "<li>Không có yêu cầu ký.</li>".to_owned() } else { pending }
    ))
    .into_response()
}

async fn decide(State(sim): State<Sim>, Path((id, action)): Path<(String, String)>) -> Response {
    let approve = match action.as_str() {
        "dong-y" => true,
        "tu-choi" => false,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match with_ca(&sim, |ca| ca.decide(&id, approve)) {
        Some(true) => Html(
            "<!doctype html><meta charset=\"utf-8\"><p data-testid=\"done\">Đã xử lý yêu cầu.</p>",
        )
        .into_response(),
        Some(false) => StatusCode::NOT_FOUND.into_response(),
        None => broken(),
    }
}
