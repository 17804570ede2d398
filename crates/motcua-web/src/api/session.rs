//! Signing in and out, and changing one's password.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::auth::{self, Credential, Principal, SignIn};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(create_session).get(get_session))
        .route("/api/v1/session", delete(delete_session))
        .route("/api/v1/session/password", post(change_password))
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
    responses((status = 201, description = "Signed in: `Set-Cookie` and `{\"csrf_token\"}`"),
              (status = 401, description = "Wrong name or password", content_type = "application/problem+json"),
              (status = 423, description = "Locked after 5 failures", content_type = "application/problem+json")))]
pub(crate) async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<SignInRequest>,
) -> Result<Response, ApiError> {
    match auth::sign_in(&state, &req.username, &req.password).await? {
        SignIn::Ok { token, csrf } => {
            let cookie = auth::session_cookie(&token, auth::is_tls(&headers));
            let mut response = (
                StatusCode::CREATED,
                Json(serde_json::json!({"csrf_token": csrf})),
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
#[utoipa::path(get, path = "/api/v1/session", tag = "session", responses((status = 200, description = "Name, role, province and units"), (status = 401, description = "Not signed in")))]
pub(crate) async fn get_session(principal: Principal) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": principal.name,
        "role": principal.role.as_str(),
        "province": principal.province,
        "units": principal.units,
    }))
}

/// Signs out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out")))]
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    principal: Principal,
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
    principal: Principal,
    Json(req): Json<PasswordChange>,
) -> Result<Response, ApiError> {
    let Credential::Session { account_id, .. } = principal.credential else {
        return Err(ApiError::Forbidden(
            "chỉ tài khoản cán bộ đổi được mật khẩu".into(),
        ));
    };
    let account = state
        .db
        .account(account_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !auth::verify_password(&req.current_password, &account.password_hash) {
        return Err(ApiError::Invalid("Mật khẩu hiện tại không đúng".into()));
    }
    if req.new_password.chars().count() < 10 {
        return Err(ApiError::Invalid(
            "Mật khẩu mới phải có ít nhất 10 ký tự".into(),
        ));
    }
    let hash = auth::hash_password(&req.new_password)?;
    state
        .db
        .set_password(account_id, &hash, state.clock.now())
        .await?;
    Ok(signed_out())
}

fn signed_out() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
