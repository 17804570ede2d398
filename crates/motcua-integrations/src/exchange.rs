//! One HTTP exchange with an outside system: send, read the answer (at most 1 MiB — a larger
//! one is refused, not buffered), and record request and response in the signed message log.
//! Secrets (client secrets, access tokens) are redacted before anything is recorded.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_core::clock::Clock;
use motcua_store::{Db, Exchange};
use sha2::Digest as _;

use crate::signing::Signer;
use crate::{SystemError, Systems};

/// The largest answer read from another system.
pub const MAX_ANSWER: usize = 1024 * 1024;

/// What is sent.
pub(crate) enum Payload<'a> {
    /// Nothing (GET).
    None,
    /// A JSON body.
    Json(&'a serde_json::Value),
    /// A form (OAuth token requests).
    Form(&'a [(&'a str, &'a str)]),
}

/// An answer, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub text: String,
}

impl Answer {
    /// The answer if its status says success; otherwise the error, with `Retry-After`.
    pub(crate) fn ok(self, system: &'static str) -> Result<Self, SystemError> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(SystemError::Status {
                system,
                status: self.status,
                retry_after: self.retry_after,
            })
        }
    }

    /// The body as JSON.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(
        &self,
        system: &'static str,
    ) -> Result<T, SystemError> {
        serde_json::from_str(&self.text).map_err(|e| SystemError::Invalid {
            system,
            cause: e.to_string(),
        })
    }
}

/// Where exchanges are recorded, and the key that signs them.
#[derive(Clone)]
pub struct MessageLog {
    db: Db,
    signer: Arc<Signer>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for MessageLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageLog").finish_non_exhaustive()
    }
}

impl MessageLog {
    /// A log in `db`, signed by `signer`; registers the key, and refuses a key other than the
    /// one already registered.
    pub async fn open(db: Db, signer: Signer, clock: Arc<dyn Clock>) -> Result<Self, String> {
        let public = signer.public_key();
        db.register_installation_key(crate::signing::PURPOSE, &public, clock.now())
            .await
            .map_err(|e| e.to_string())?;
        match db.installation_key(crate::signing::PURPOSE).await {
            Ok(Some(registered)) if registered == public => Ok(Self {
                db,
                signer: Arc::new(signer),
                clock,
            }),
            Ok(_) => Err("tệp khóa ký khác với khóa đã đăng ký cho nhật ký trao đổi".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Records one exchange (stamped now); a failure is logged, never hidden and never fatal
    /// to the call.
    pub async fn record(&self, mut e: Exchange) {
        e.at = self.clock.now();
        let signer = self.signer.clone();
        if let Err(err) = self.db.append_message(&e, move |h| signer.sign(h)).await {
            tracing::error!(error = %err, system = %e.system, "message log: exchange not recorded");
        }
    }
}

/// Hides the values of secret fields in a form or JSON text.
fn redact(text: &str) -> String {
    // A filed document's bytes (base64) are not a secret, but they are the file itself: the
    // log keeps its hash (`BamSHA256`, sent beside it), not megabytes of it.
    const SECRET: [&str; 4] = ["client_secret", "access_token", "password", "TepBase64"];
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(map) = v.as_object_mut() {
            for k in SECRET {
                if let Some(x) = map.get_mut(k) {
                    *x = "***".into();
                }
            }
        }
        return v.to_string();
    }
    text.split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if SECRET.contains(&k) => format!("{k}=***"),
            _ => kv.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Systems {
    /// Sends a request and reads the answer; records both.
    pub(crate) async fn call(
        &self,
        system: &'static str,
        method: reqwest::Method,
        url: String,
        key: Option<&str>,
        bearer: Option<&str>,
        payload: Payload<'_>,
    ) -> Result<Answer, SystemError> {
        let mut request = self.http.request(method.clone(), &url);
        if let Some(k) = key {
            request = request.header("Idempotency-Key", k);
        }
        if let Some(t) = bearer {
            request = request.bearer_auth(t);
        }
        let sent = match payload {
            Payload::None => String::new(),
            Payload::Json(v) => {
                request = request.json(v);
                v.to_string()
            }
            Payload::Form(f) => {
                request = request.form(f);
                f.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            }
        };
        let endpoint = format!("{method} {url}");
        let outcome = read(system, request).await;
        if let Some(log) = &self.log {
            let (status, response) = match &outcome {
                Ok(a) => (i64::from(a.status), a.text.clone()),
                Err(e) => (0, e.to_string()),
            };
            log.record(Exchange {
                at: DateTime::<Utc>::MIN_UTC,
                system: system.to_owned(),
                direction: "out".into(),
                endpoint,
                request: redact(&sent),
                status,
                response: redact(&response),
            })
            .await;
        }
        outcome
    }

    /// Records a message another system sent us, and our answer.
    pub async fn record_incoming(
        &self,
        system: &str,
        path: &str,
        request: &[u8],
        status: u16,
        response: &str,
    ) {
        if let Some(log) = &self.log {
            log.record(Exchange {
                at: DateTime::<Utc>::MIN_UTC,
                system: system.to_owned(),
                direction: "in".into(),
                endpoint: format!("POST {path}"),
                request: redact(&String::from_utf8_lossy(request)),
                status: i64::from(status),
                response: response.to_owned(),
            })
            .await;
        }
    }
}

/// A file downloaded from another system: its status and bytes (at most `limit`).
pub(crate) struct Download {
    pub status: u16,
    pub bytes: Vec<u8>,
}

impl Systems {
    /// GETs a published file (a CA's CRL) without credentials.
    pub(crate) async fn fetch_public(
        &self,
        system: &'static str,
        url: String,
        limit: usize,
    ) -> Result<Download, SystemError> {
        self.download(system, url, None, limit).await
    }

    /// GETs a file, with a bearer token when given; the log records its size and hash, not
    /// its bytes.
    pub(crate) async fn download(
        &self,
        system: &'static str,
        url: String,
        bearer: Option<&str>,
        limit: usize,
    ) -> Result<Download, SystemError> {
        let mut request = self.http.get(&url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let outcome = read_bytes(system, request, limit)
            .await
            .map(|(status, _, bytes)| Download { status, bytes });
        if let Some(log) = &self.log {
            let (status, response) = match &outcome {
                Ok(d) => (
                    i64::from(d.status),
                    format!(
                        "<{} byte, sha256 {}>",
                        d.bytes.len(),
                        crate::hex(&sha2::Sha256::digest(&d.bytes))
                    ),
                ),
                Err(e) => (0, e.to_string()),
            };
            log.record(Exchange {
                at: DateTime::<Utc>::MIN_UTC,
                system: system.to_owned(),
                direction: "out".into(),
                endpoint: format!("GET {url}"),
                request: String::new(),
                status,
                response,
            })
            .await;
        }
        outcome
    }
}

async fn read(
    system: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<Answer, SystemError> {
    let (status, retry_after, body) = read_bytes(system, request, MAX_ANSWER).await?;
    Ok(Answer {
        status,
        retry_after,
        text: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Sends and reads the answer's status, `Retry-After` and body, refusing more than `limit`.
async fn read_bytes(
    system: &'static str,
    request: reqwest::RequestBuilder,
    limit: usize,
) -> Result<(u16, Option<u64>, Vec<u8>), SystemError> {
    let unreachable = |e: reqwest::Error| SystemError::Unreachable {
        system,
        cause: e.to_string(),
    };
    let mut response = request.send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > limit {
            return Err(SystemError::Invalid {
                system,
                cause: format!("phản hồi quá lớn (hơn {} KiB)", limit / 1024),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, retry_after, body))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn secrets_never_reach_the_log() {
        assert_eq!(
            redact("grant_type=authorization_code&client_secret=s3cret&code=x"),
            "grant_type=authorization_code&client_secret=***&code=x"
        );
        assert!(!redact(r#"{"access_token":"t0k","id_token":"a.b.c"}"#).contains("t0k"));
    }
}
