//! Fetching the revocation lists (CRL) from where the CAs publish them, for the signature
//! checks: every address the administrator named, read whole (at most 8 MiB), DER turned into
//! PEM; what parses is held, each issuer's newest, and an issuer whose address did not answer
//! keeps the list held before (the failure is reported and logged).

use std::sync::Arc;

use base64ct::Encoding as _;
use motcua_app::App;

use crate::Systems;

/// The CA's publication point, as named in errors and the message log.
const SYSTEM: &str = "Danh sách chứng thư bị thu hồi (CRL)";

/// The largest CRL read.
const MAX_CRL: usize = 8 * 1024 * 1024;

/// A CRL as PEM, whether it was published as PEM or DER.
fn as_pem(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.contains("-----BEGIN X509 CRL-----") {
        return text.into_owned();
    }
    let b64 = base64ct::Base64::encode_string(bytes);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    format!(
        "-----BEGIN X509 CRL-----\n{}\n-----END X509 CRL-----\n",
        lines.join("\n")
    )
}

/// Fetches every configured CRL and holds them; returns how many are held (0 with no
/// address configured, when nothing changes).
pub async fn refresh(app: &App, systems: &Systems) -> Result<usize, String> {
    let urls = app.crl_urls().await.map_err(|e| e.to_string())?;
    if urls.is_empty() {
        return Ok(0);
    }
    let mut pems = Vec::with_capacity(urls.len());
    let mut failed = Vec::new();
    for url in urls {
        match systems.fetch_public(SYSTEM, url.clone(), MAX_CRL).await {
            Ok(got) if (200..300).contains(&got.status) => pems.push(as_pem(&got.bytes)),
            Ok(got) => failed.push(format!("{url}: trả lỗi {}", got.status)),
            Err(e) => failed.push(format!("{url}: {e}")),
        }
    }
    // What was fetched is held (each issuer's newest); an issuer not fetched keeps its list.
    let held = app.replace_crls(&pems).await.map_err(|e| e.to_string())?;
    if failed.is_empty() {
        Ok(held)
    } else {
        Err(failed.join("; "))
    }
}

/// Runs [`refresh`] every `every` until `stop` (CAs publish a new list at least daily).
pub async fn run(
    app: App,
    systems: Arc<Systems>,
    every: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::dispatch::periodically(every, stop, || async {
        match refresh(&app, &systems).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(held = n, "revocation lists refreshed"),
            Err(e) => {
                tracing::warn!(error = %e, "revocation lists not refreshed; the held ones stay")
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_der_list_becomes_pem_and_a_pem_one_stays() {
        let pem = super::as_pem(&[0x30, 0x03, 0x02, 0x01, 0x01]);
        assert!(pem.starts_with("-----BEGIN X509 CRL-----\nMAMCAQE=\n"));
        let text = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
        assert_eq!(super::as_pem(text.as_bytes()), text);
    }
}
