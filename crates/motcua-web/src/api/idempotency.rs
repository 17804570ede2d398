//! `Idempotency-Key` on POST: the same key with the same body replays the first response; the
//! same key with another body is refused (422); a key still being processed answers 409
//! until its reservation expires. A command's answer is stored in the command's own
//! transaction, so a retry after a crash gets the committed result.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::SubsecRound;
use motcua_store::Answered;
use sha2::{Digest, Sha256};

use super::dossier_body::DossierBody;

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

/// How long a reservation without an answer holds its key: longer than any request may run
/// (the router times out at 30 s), so a key still reserved after it belongs to a request
/// that died before committing, and a retry may run it.
const RESERVATION: chrono::TimeDelta = chrono::TimeDelta::seconds(35);

/// Runs `work` at most once per (caller, Idempotency-Key). `work` gets the answer to record
/// with its change (in the same transaction), so a change that committed always has one.
pub async fn once<F, Fut>(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    body: &[u8],
    status: StatusCode,
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Option<Answered>) -> Fut,
    Fut: Future<Output = Result<Answer, ApiError>>,
{
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(work(None).await?.into_response());
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::Invalid(
                "Idempotency-Key phải gồm 1 đến 200 ký tự ASCII in được, không có khoảng trắng"
                    .into(),
            )
        })?
        .to_owned();
    let who = principal.key();
    let hash: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let now = state.clock.now().trunc_subsecs(6);
    if !state
        .db
        .reserve_idempotency_key(&who, &key, &hash, now, RESERVATION)
        .await?
    {
        return replay(state, &who, &key, &hash).await;
    }
    let answered = Answered {
        principal: who.clone(),
        key: key.clone(),
        status: i64::from(status.as_u16()),
        render: render_dossier,
    };
    match work(Some(answered)).await {
        Ok(answer) => {
            // A command that changed nothing wrote no answer with it: record it now.
            state
                .db
                .finish_idempotency_key(&who, &key, i64::from(answer.status.as_u16()), &answer.body)
                .await?;
            Ok(answer.into_response())
        }
        Err(e) => {
            state.db.release_idempotency_key(&who, &key).await?;
            // Another attempt with this key may have committed meanwhile: its answer stands.
            match state.db.idempotent_response(&who, &key).await? {
                Some(stored) if stored.status != 0 && stored.request_hash == hash => {
                    replay(state, &who, &key, &hash).await
                }
                _ => Err(e),
            }
        }
    }
}

fn render_dossier(d: &motcua_core::dossier::Dossier) -> String {
    serde_json::to_string(&DossierBody::from(d)).unwrap_or_default()
}

/// The stored answer for a key that was taken.
async fn replay(state: &AppState, who: &str, key: &str, hash: &str) -> Result<Response, ApiError> {
    let stored = state
        .db
        .idempotent_response(who, key)
        .await?
        .ok_or(ApiError::NotFound)?;
    if stored.request_hash != hash {
        return Err(ApiError::IdempotencyMismatch);
    }
    if stored.status == 0 {
        return Err(ApiError::Conflict(
            "yêu cầu với Idempotency-Key này đang được xử lý; thử lại sau ít giây".into(),
        ));
    }
    #[derive(serde::Deserialize)]
    struct Versioned {
        version: Option<u64>,
    }
    let version = serde_json::from_str::<Versioned>(&stored.response)
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .version;
    let status =
        StatusCode::from_u16(u16::try_from(stored.status).unwrap_or(200)).unwrap_or(StatusCode::OK);
    Ok(Answer {
        status,
        body: stored.response,
        version,
    }
    .into_response())
}
