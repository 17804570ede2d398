//! Signing in and out, and changing one's password.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::auth::{self, Credential, Pending, Principal, SignIn, SigningIn};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(create_session).get(get_session))
        .route("/api/v1/session", delete(delete_session))
        .route("/api/v1/session/password", post(change_password))
        .route("/api/v1/session/second-factor", post(second_factor))
        .route("/api/v1/session/second-factor/enrol", post(enrol))
        .route("/api/v1/session/second-factor/confirm", post(confirm))
}

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignInRequest {
    /// Sign-in name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Signs in; the session cookie is set and the CSRF token returned.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInRequest,
    responses((status = 201, description = "Signed in: `Set-Cookie`, the CSRF token and what the session still needs", body = super::answer_bodies::SignedInBody),
              (status = 401, description = "Wrong name or password", content_type = "application/problem+json"),
              (status = 423, description = "Locked after 5 failures", content_type = "application/problem+json")))]
pub(crate) async fn create_session(
    State(state): State<AppState>,
    auth::SourceAddr(source): auth::SourceAddr,
    headers: HeaderMap,
    Json(req): Json<SignInRequest>,
) -> Result<Response, ApiError> {
    match auth::sign_in(&state, &req.username, &req.password, &source).await? {
        SignIn::Ok {
            token,
            csrf,
            pending,
        } => {
            let cookie = auth::session_cookie(&token, auth::is_tls(&headers));
            let mut response = (
                StatusCode::CREATED,
                Json(super::answer_bodies::SignedInBody {
                    csrf_token: csrf,
                    next: pending.map(|p| p.name().to_owned()),
                }),
            )
                .into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?,
            );
            Ok(response)
        }
        SignIn::Refused => Err(ApiError::Unauthenticated),
        SignIn::Locked(until) => Err(ApiError::Locked(format!(
            "Tài khoản bị tạm khóa do đăng nhập sai nhiều lần, đến {}",
            motcua_core::calendar::deadline::local(until).format("%H:%M %d/%m/%Y")
        ))),
    }
}

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", responses((status = 200, description = "Name, role, province and units", body = super::read_bodies::SessionBody), (status = 401, description = "Not signed in")))]
pub(crate) async fn get_session(principal: Principal) -> Json<super::read_bodies::SessionBody> {
    Json(super::read_bodies::SessionBody {
        name: principal.name,
        role: principal.role.as_str().to_owned(),
        province: principal.province,
        units: principal.units,
    })
}

/// Signs out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out")))]
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    SigningIn(principal): SigningIn,
) -> Result<Response, ApiError> {
    if let Credential::Session { token_hash, .. } = &principal.credential {
        state.db.delete_session(token_hash).await?;
    }
    Ok(signed_out())
}

/// A new password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new password (at least 10 characters).
    pub new_password: String,
}

/// Changes the caller's password and ends all of its sessions.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session", request_body = PasswordChange,
    responses((status = 204, description = "Changed; every session ended"), (status = 422, description = "Wrong current password or too short", content_type = "application/problem+json")))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    SigningIn(principal): SigningIn,
    Json(req): Json<PasswordChange>,
) -> Result<Response, ApiError> {
    let account = session_account(&principal)?;
    state
        .app
        .change_own_password(account, &req.current_password, &req.new_password)
        .await?;
    Ok(signed_out())
}

fn session_account(principal: &Principal) -> Result<uuid::Uuid, ApiError> {
    match principal.credential {
        Credential::Session { account_id, .. } => Ok(account_id),
        Credential::ApiToken { .. } => Err(ApiError::Forbidden(
            "chỉ tài khoản cán bộ có mật khẩu và xác thực hai lớp".into(),
        )),
    }
}

/// A code from the authenticator app, or a recovery code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SecondFactorCode {
    /// Six digits (TOTP), or a recovery code `xxxxx-xxxxx`.
    pub code: String,
}

/// Passes the second factor of a session opened with a password.
#[utoipa::path(post, path = "/api/v1/session/second-factor", tag = "session", request_body = SecondFactorCode,
    responses((status = 204, description = "Passed: the session may be used"),
              (status = 422, description = "Wrong or already used code", content_type = "application/problem+json")))]
pub(crate) async fn second_factor(
    State(state): State<AppState>,
    SigningIn(principal): SigningIn,
    Json(req): Json<SecondFactorCode>,
) -> Result<Response, ApiError> {
    let account = session_account(&principal)?;
    if principal.pending != Some(Pending::SecondFactor) {
        return Err(ApiError::Invalid("phiên này không cần mã xác thực".into()));
    }
    if !state.app.pass_second_factor(account, &req.code).await? {
        return Err(ApiError::Invalid(
            "mã xác thực không đúng hoặc đã dùng".into(),
        ));
    }
    pass(&state, &principal).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn pass(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    if let Credential::Session { token_hash, .. } = &principal.credential {
        state.db.pass_second_factor(token_hash).await?;
    }
    Ok(())
}

/// Starts enrolling a second factor: the secret and the `otpauth://` URI for the app.
#[utoipa::path(post, path = "/api/v1/session/second-factor/enrol", tag = "session",
    responses((status = 200, description = "The secret and the URI for an authenticator app", body = super::answer_bodies::EnrolBody),
              (status = 401, description = "Not signed in")))]
pub(crate) async fn enrol(
    State(state): State<AppState>,
    SigningIn(principal): SigningIn,
) -> Result<Json<super::answer_bodies::EnrolBody>, ApiError> {
    let account = session_account(&principal)?;
    if matches!(
        principal.pending,
        Some(Pending::ChangePassword | Pending::SecondFactor)
    ) {
        return Err(ApiError::SignInIncomplete(
            principal.pending.map_or("", Pending::explain).into(),
        ));
    }
    let secret = state.app.offer_second_factor(account).await?;
    let uri = otpauth(&state, &principal, &secret).await?;
    Ok(Json(super::answer_bodies::EnrolBody {
        secret,
        otpauth_uri: uri,
    }))
}

/// The URI an authenticator app reads: the issuer names the province's system.
pub(crate) async fn otpauth(
    state: &AppState,
    principal: &Principal,
    secret: &str,
) -> Result<String, ApiError> {
    let username = state
        .db
        .account(session_account(principal)?)
        .await?
        .map(|a| a.username)
        .unwrap_or_default();
    let issuer = match state.app.province().await? {
        Some(p) => format!("motcua {}", p.place()),
        None => "motcua".to_owned(),
    };
    Ok(motcua_app::secrets::totp_uri(secret, &issuer, &username))
}

/// Confirms enrolment with a first code; answers the recovery codes, shown once.
#[utoipa::path(post, path = "/api/v1/session/second-factor/confirm", tag = "session", request_body = SecondFactorCode,
    responses((status = 200, description = "The recovery codes, shown once", body = super::answer_bodies::RecoveryCodesBody),
              (status = 422, description = "Wrong code", content_type = "application/problem+json")))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    SigningIn(principal): SigningIn,
    Json(req): Json<SecondFactorCode>,
) -> Result<Json<super::answer_bodies::RecoveryCodesBody>, ApiError> {
    let account = session_account(&principal)?;
    let codes = state.app.confirm_second_factor(account, &req.code).await?;
    pass(&state, &principal).await?;
    Ok(Json(super::answer_bodies::RecoveryCodesBody {
        recovery_codes: codes,
    }))
}

fn signed_out() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
