//! Errors at the HTTP edge. For `/api` they become RFC 9457 problem documents with a stable
//! `type`, a Vietnamese `title` and `detail`; internal causes are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_core::dossier::DossierError;
use motcua_store::{CommandError, StoreError};

/// An error answered to an API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The resource does not exist (or is not visible to the caller).
    #[error("không tìm thấy")]
    NotFound,
    /// The request is malformed or breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// The caller is not signed in.
    #[error("cần đăng nhập")]
    Unauthenticated,
    /// Signed in with a password, but a step remains (a new password, the second factor).
    #[error("{0}")]
    SignInIncomplete(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Someone else changed the resource first.
    #[error("{0}")]
    Conflict(String),
    /// The account is locked after too many failed sign-ins.
    #[error("{0}")]
    Locked(String),
    /// `If-Match` did not match.
    #[error("phiên bản hồ sơ đã thay đổi; hãy tải lại")]
    PreconditionFailed,
    /// The same Idempotency-Key was used with another body.
    #[error("Idempotency-Key đã dùng cho một yêu cầu khác")]
    IdempotencyMismatch,
    /// Too many requests from one address; try again after this many seconds.
    #[error("quá nhiều yêu cầu từ địa chỉ này; thử lại sau {0} giây")]
    TooMany(i64),
    /// An external system is not configured or did not answer.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed inside; details go to the log.
    #[error("lỗi hệ thống")]
    Internal(String),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not-found", "Không tìm thấy"),
            Self::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-request",
                "Yêu cầu không hợp lệ",
            ),
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Chưa đăng nhập",
            ),
            Self::SignInIncomplete(_) => (
                StatusCode::UNAUTHORIZED,
                "sign-in-incomplete",
                "Chưa hoàn tất đăng nhập",
            ),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Không có quyền"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Xung đột dữ liệu"),
            Self::Locked(_) => (StatusCode::LOCKED, "account-locked", "Tài khoản tạm khóa"),
            Self::PreconditionFailed => (
                StatusCode::PRECONDITION_FAILED,
                "stale-version",
                "Phiên bản đã cũ",
            ),
            Self::IdempotencyMismatch => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency-Key bị dùng lại",
            ),
            Self::TooMany(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Quá nhiều yêu cầu",
            ),
            Self::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream-unavailable",
                "Hệ thống liên quan chưa sẵn sàng",
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Lỗi hệ thống",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = self.parts();
        let detail = match &self {
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "Đã xảy ra lỗi hệ thống; vui lòng thử lại sau.".to_owned()
            }
            other => other.to_string(),
        };
        let body = serde_json::json!({
            "type": format!("https://motcua.vn/problems/{kind}"),
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        if let Self::TooMany(seconds) = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.max(1).into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(c) => Self::Conflict(c),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<DossierError> for ApiError {
    fn from(e: DossierError) -> Self {
        match e {
            DossierError::NotFound => Self::NotFound,
            DossierError::Forbidden(m) => Self::Forbidden(m),
            other => Self::Invalid(other.to_string()),
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Domain(d) => d.into(),
            CommandError::Conflict { .. } => Self::PreconditionFailed,
            CommandError::Store(s) => s.into(),
        }
    }
}

impl From<motcua_integrations::SystemError> for ApiError {
    fn from(e: motcua_integrations::SystemError) -> Self {
        tracing::warn!(error = %e, "external system");
        Self::Unavailable(e.to_string())
    }
}
