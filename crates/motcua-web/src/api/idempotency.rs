//! `Idempotency-Key` on POST: the same key with the same body replays the first response; the
//! same key with another body is refused (422); a key still being processed answers 409.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::auth::Principal;
use crate::{ApiError, AppState};

/// A successful API answer before it becomes a response.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// The JSON body, as text: written once, sent and stored as it is.
    pub body: String,
    /// Dossier version, sent as the ETag.
    pub version: Option<u64>,
}

impl Answer {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.body,
        )
            .into_response();
        if let Some(v) = self
            .version
            .and_then(|v| HeaderValue::from_str(&format!("\"{v}\"")).ok())
        {
            response.headers_mut().insert(header::ETAG, v);
        }
        response
    }
}

/// Runs `work` at most once per (caller, Idempotency-Key).
pub async fn once<F, Fut>(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    body: &[u8],
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Answer, ApiError>>,
{
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return Ok(work().await?.into_response());
    };
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::Invalid(
            "Idempotency-Key phải có từ 1 đến 200 ký tự".into(),
        ));
    }
    let who = principal.key();
    let hash: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if !state
        .db
        .reserve_idempotency_key(&who, &key, &hash, state.clock.now())
        .await?
    {
        let stored = state
            .db
            .idempotent_response(&who, &key)
            .await?
            .ok_or(ApiError::NotFound)?;
        if stored.request_hash != hash {
            return Err(ApiError::IdempotencyMismatch);
        }
        if stored.status == 0 {
            return Err(ApiError::Conflict(
                "yêu cầu với Idempotency-Key này đang được xử lý".into(),
            ));
        }
        #[derive(serde::Deserialize)]
        struct Versioned {
            version: Option<u64>,
        }
        let version = serde_json::from_str::<Versioned>(&stored.response)
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .version;
        let status = StatusCode::from_u16(u16::try_from(stored.status).unwrap_or(200))
            .unwrap_or(StatusCode::OK);
        return Ok(Answer {
            status,
            body: stored.response,
            version,
        }
        .into_response());
    }
    match work().await {
        Ok(answer) => {
            state
                .db
                .finish_idempotency_key(&who, &key, i64::from(answer.status.as_u16()), &answer.body)
                .await?;
            Ok(answer.into_response())
        }
        Err(e) => {
            state.db.release_idempotency_key(&who, &key).await?;
            Err(e)
        }
    }
}
