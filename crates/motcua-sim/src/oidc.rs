//! An OpenID Connect provider standing in for VNeID (level-2 electronic identity): discovery,
//! a login page (CCCD number and password), the authorization-code flow, a token endpoint that
//! returns an ID token signed with HS256 (the client secret, as OIDC allows for confidential
//! clients), and userinfo with the registry's data. Codes are single use and short-lived.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use crate::Sim;
use crate::sinks::now;

/// Codes and access tokens issued, by value.
#[derive(Default)]
pub(crate) struct Grants {
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, String>,
}

struct Grant {
    citizen: String,
    client_id: String,
    redirect_uri: String,
    nonce: String,
    expires: DateTime<Utc>,
}

pub(crate) type SharedGrants = std::sync::Arc<Mutex<Grants>>;

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/oidc/.well-known/openid-configuration", get(discovery))
        .route("/oidc/authorize", get(login_page).post(login))
        .route("/oidc/token", post(token))
        .route("/oidc/userinfo", get(userinfo))
}

fn issuer(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}/oidc")
}

async fn discovery(headers: HeaderMap) -> Json<serde_json::Value> {
    let iss = issuer(&headers);
    Json(serde_json::json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "scopes_supported": ["openid", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    }))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    nonce: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn page(q: &AuthorizeQuery, error: &str) -> Html<String> {
    let hidden = |k: &str, v: &str| {
        format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            escape(v)
        )
    };
    Html(format!(
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>VNeID (mô phỏng)</title><h1>Đăng nhập bằng tài khoản định danh điện tử (mô phỏng)</h1>{}\
         <form method=\"post\">{}{}{}{}\
         <label for=\"cccd\">Số định danh cá nhân</label><input id=\"cccd\" name=\"cccd\" inputmode=\"numeric\" required>\
         <label for=\"password\">Mật khẩu</label><input id=\"password\" name=\"password\" type=\"password\" required>\
         <button type=\"submit\">Đăng nhập</button></form></html>",
        if error.is_empty() {
            String::new()
        } else {
            format!("<p role=\"alert\">{error}</p>")
        },
        hidden("client_id", &q.client_id),
        hidden("redirect_uri", &q.redirect_uri),
        hidden("state", &q.state),
        hidden("nonce", &q.nonce),
    ))
}

async fn login_page(State(sim): State<Sim>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.client_id != sim.config.oidc_client_id {
        return (StatusCode::BAD_REQUEST, "unknown client_id").into_response();
    }
    page(&q, "").into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    nonce: String,
    cccd: String,
    password: String,
}

async fn login(State(sim): State<Sim>, Form(f): Form<LoginForm>) -> Response {
    let q = AuthorizeQuery {
        client_id: f.client_id.clone(),
        redirect_uri: f.redirect_uri.clone(),
        state: f.state.clone(),
        nonce: f.nonce.clone(),
    };
    if f.client_id != sim.config.oidc_client_id {
        return (StatusCode::BAD_REQUEST, "unknown client_id").into_response();
    }
    if sim.population.get(f.cccd.trim()).is_none() || f.password != sim.config.citizen_password {
        return (
            StatusCode::UNAUTHORIZED,
            page(&q, "Số định danh hoặc mật khẩu không đúng."),
        )
            .into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(mut g) = sim.grants.lock() {
        g.codes.insert(
            code.clone(),
            Grant {
                citizen: f.cccd.trim().to_owned(),
                client_id: f.client_id,
                redirect_uri: f.redirect_uri.clone(),
                nonce: f.nonce,
                expires: now() + TimeDelta::minutes(5),
            },
        );
    }
    let sep = if f.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::to(&format!(
        "{}{sep}code={code}&state={}",
        f.redirect_uri, f.state
    ))
    .into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    client_id: String,
    client_secret: String,
}

fn oauth_error(kind: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": kind})),
    )
        .into_response()
}

async fn token(State(sim): State<Sim>, headers: HeaderMap, Form(f): Form<TokenForm>) -> Response {
    if f.client_id != sim.config.oidc_client_id || f.client_secret != sim.config.oidc_client_secret
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    if f.grant_type != "authorization_code" {
        return oauth_error("unsupported_grant_type");
    }
    let Some(grant) = sim
        .grants
        .lock()
        .ok()
        .and_then(|mut g| g.codes.remove(&f.code))
    else {
        return oauth_error("invalid_grant");
    };
    if grant.expires < now()
        || grant.client_id != f.client_id
        || grant.redirect_uri != f.redirect_uri
    {
        return oauth_error("invalid_grant");
    }
    let Some(citizen) = sim.population.get(&grant.citizen).cloned() else {
        return oauth_error("invalid_grant");
    };
    let issued = now();
    let claims = serde_json::json!({
        "iss": issuer(&headers),
        "sub": citizen.so_dinh_danh,
        "aud": f.client_id,
        "iat": issued.timestamp(),
        "exp": (issued + TimeDelta::minutes(10)).timestamp(),
        "nonce": grant.nonce,
        "name": citizen.ho_va_ten,
        "birthdate": citizen.ngay_sinh,
        "identity_level": 2,
    });
    let id_token = jwt_hs256(&sim.config.oidc_client_secret, &claims);
    let access = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(mut g) = sim.grants.lock() {
        g.tokens
            .insert(access.clone(), citizen.so_dinh_danh.clone());
    }
    Json(serde_json::json!({"access_token": access, "token_type": "Bearer", "expires_in": 600, "id_token": id_token})).into_response()
}

async fn userinfo(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let citizen = bearer
        .and_then(|t| sim.grants.lock().ok()?.tokens.get(t).cloned())
        .and_then(|id| sim.population.get(&id).cloned());
    match citizen {
        Some(c) => Json(serde_json::json!({
            "sub": c.so_dinh_danh, "name": c.ho_va_ten, "birthdate": c.ngay_sinh,
            "gender": c.gioi_tinh, "address": c.noi_thuong_tru, "identity_level": 2,
        }))
        .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "invalid_token"})),
        )
            .into_response(),
    }
}

/// Base64url without padding (RFC 7515).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
            out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
        }
    }
    out
}

/// A JWT signed with HMAC-SHA256.
pub fn jwt_hs256(secret: &str, claims: &serde_json::Value) -> String {
    let header = base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = base64url(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let signature = crate::payment::mac(secret, signing_input.as_bytes());
    format!("{signing_input}.{}", base64url(&signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_examples() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
