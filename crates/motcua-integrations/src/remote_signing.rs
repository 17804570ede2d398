//! The remote-signing service of a certification authority (ký số từ xa), the signing port's
//! second adapter: the signer's certificate chain, a request carrying only the SHA-256 of
//! what is to be signed (the signer approves it on their phone), and its status with the
//! signature once approved. Paths as the simulator serves them; a real CA's API is mapped
//! here.

use motcua_app::{PortFuture, RemoteSigning, RemoteStatus};
use serde::Deserialize;
use serde_json::json;

use crate::exchange::Payload;
use crate::{SystemError, Systems};

const SYSTEM: &str = "Dịch vụ ký số từ xa";

#[derive(Deserialize)]
struct Issued {
    certificate: String,
    #[serde(default)]
    chain: Vec<String>,
}

#[derive(Deserialize)]
struct Requested {
    id: String,
}

#[derive(Deserialize)]
struct State {
    status: String,
    signature: Option<String>,
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

fn invalid(cause: &str) -> SystemError {
    SystemError::Invalid {
        system: SYSTEM,
        cause: cause.into(),
    }
}

impl Systems {
    fn signing_url(&self, path: &str) -> String {
        format!("{}{path}", self.config.signing_url.trim_end_matches('/'))
    }

    async fn signing_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<crate::exchange::Answer, SystemError> {
        let payload = match &body {
            Some(b) => Payload::Json(b),
            None => Payload::None,
        };
        self.call(
            SYSTEM,
            method,
            self.signing_url(path),
            None,
            Some(&self.config.signing_secret),
            payload,
        )
        .await?
        .ok(SYSTEM)
    }

    /// The signer's certificate chain, leaf first (issued on first use by the service).
    pub async fn signer_chain(&self, user: &str, name: &str) -> Result<Vec<String>, SystemError> {
        let answer = self
            .signing_call(
                reqwest::Method::POST,
                "/ca/chung-thu",
                Some(json!({"user": user, "name": name})),
            )
            .await?;
        let issued: Issued = answer.json(SYSTEM)?;
        let mut chain = vec![issued.certificate];
        chain.extend(issued.chain);
        Ok(chain)
    }

    /// Sends the hash to be signed; the request's id.
    pub async fn request_signature(
        &self,
        user: &str,
        hash: &[u8],
        description: &str,
    ) -> Result<String, SystemError> {
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        let answer = self
            .signing_call(
                reqwest::Method::POST,
                "/ky-so/yeu-cau",
                Some(json!({"user": user, "hash": hex, "description": description})),
            )
            .await?;
        Ok(answer.json::<Requested>(SYSTEM)?.id)
    }

    /// Where a request stands.
    pub async fn signature_status(&self, request: &str) -> Result<RemoteStatus, SystemError> {
        if !request
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(invalid("mã yêu cầu không hợp lệ"));
        }
        let answer = self
            .signing_call(
                reqwest::Method::GET,
                &format!("/ky-so/yeu-cau/{request}"),
                None,
            )
            .await?;
        let state: State = answer.json(SYSTEM)?;
        match state.status.as_str() {
            "pending" => Ok(RemoteStatus::Pending),
            // An expired request is as good as refused: the leader signs again.
            "refused" | "expired" | "cancelled" => Ok(RemoteStatus::Refused),
            "approved" => state
                .signature
                .as_deref()
                .and_then(unhex)
                .map(RemoteStatus::Approved)
                .ok_or_else(|| invalid("đã duyệt nhưng không có chữ ký")),
            other => Err(invalid(&format!("trạng thái \"{other}\""))),
        }
    }
}

impl RemoteSigning for Systems {
    fn chain<'a>(&'a self, user: &'a str, name: &'a str) -> PortFuture<'a, Vec<String>> {
        Box::pin(async move {
            self.signer_chain(user, name)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn request<'a>(
        &'a self,
        user: &'a str,
        hash: &'a [u8],
        description: &'a str,
    ) -> PortFuture<'a, String> {
        Box::pin(async move {
            self.request_signature(user, hash, description)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn status<'a>(&'a self, request: &'a str) -> PortFuture<'a, RemoteStatus> {
        Box::pin(async move {
            self.signature_status(request)
                .await
                .map_err(|e| e.to_string())
        })
    }
}
