//! Digital signatures as use cases. A file's signature is verified here against the trust
//! anchors the province configured (the government root CA, the public CAs it accepts) and
//! the revocation lists held, and the verdict is recorded on the dossier by the signature
//! service: the only way a result or a document becomes "signed" (ký số), the flag the
//! national portal receives.

use motcua_core::dossier::{
    Actor, Command, DossierId, ExternalSystem, SignatureCheck, SignedTarget,
};
use motcua_sign::{Refusal, TrustStore};
use motcua_store::AdminChange;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::admin::{entry, require_admin};
use crate::{App, AppError, SystemOutcome};

/// The setting holding the trust anchors: PEM certificates, one after another.
pub const TRUST_ANCHORS: &str = "trust_anchors";
/// The setting holding the revocation lists: PEM CRLs, one after another.
pub const TRUST_CRLS: &str = "trust_crls";

/// The PEM blocks of one kind (`CERTIFICATE`, `X509 CRL`) in a text.
pub(crate) fn blocks<'a>(text: &'a str, label: &str) -> Vec<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let Some(stop) = rest[start..].find(&end) else {
            break;
        };
        let finish = start + stop + end.len();
        out.push(&rest[start..finish]);
        rest = &rest[finish..];
    }
    out
}

/// A trust store from the two settings' texts; a block that does not parse is named.
pub fn trust_store(anchors: &str, crls: &str) -> Result<TrustStore, AppError> {
    let mut store = TrustStore::default();
    for (i, pem) in blocks(anchors, "CERTIFICATE").into_iter().enumerate() {
        store = store
            .with_anchor(pem.as_bytes())
            .map_err(|e| AppError::Invalid(format!("chứng thư gốc thứ {}: {e}", i + 1)))?;
    }
    for (i, pem) in blocks(crls, "X509 CRL").into_iter().enumerate() {
        store = store
            .with_crl(pem.as_bytes())
            .map_err(|e| AppError::Invalid(format!("danh sách thu hồi thứ {}: {e}", i + 1)))?;
    }
    Ok(store)
}

/// At most 500 characters (the verdict's fields allow 2,000).
fn clip(text: &str) -> String {
    text.chars().take(500).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl App {
    /// The trust store now configured.
    pub async fn trust(&self) -> Result<TrustStore, AppError> {
        let anchors = self.db().setting(TRUST_ANCHORS).await?.unwrap_or_default();
        let crls = self.db().setting(TRUST_CRLS).await?.unwrap_or_default();
        trust_store(&anchors, &crls)
    }

    /// Replaces the trust anchors (an administrator), after checking each certificate.
    pub async fn set_trust_anchors(&self, by: &Actor, pem: &str) -> Result<usize, AppError> {
        require_admin(by)?;
        let count = blocks(pem, "CERTIFICATE").len();
        if count == 0 && !pem.trim().is_empty() {
            return Err(AppError::Invalid(
                "không có chứng thư số nào (cần dạng PEM: -----BEGIN CERTIFICATE-----)".into(),
            ));
        }
        trust_store(pem, "")?;
        let before = self.db().setting(TRUST_ANCHORS).await?;
        let log = entry(
            by,
            "settings.set",
            TRUST_ANCHORS,
            json!(before.map(|b| blocks(&b, "CERTIFICATE").len())),
            json!(count),
        );
        let set = AdminChange::SetSetting {
            key: TRUST_ANCHORS.into(),
            value: pem.trim().to_owned(),
        };
        self.db().admin_change(&set, &log, self.now()).await?;
        Ok(count)
    }

    /// [`App::check_signature`] for a file that carries a signature (or claims to: a
    /// `/ByteRange` that does not read is checked and refused); `None` for a plain file.
    pub async fn check_signature_if_present(
        &self,
        id: DossierId,
        target: SignedTarget,
        file: &[u8],
    ) -> Result<Option<SignatureCheck>, AppError> {
        if matches!(motcua_sign::last_signature(file), Ok(None)) {
            return Ok(None);
        }
        self.check_signature(id, target, file).await.map(Some)
    }

    /// Verifies the signature of `pdf` (already stored under its SHA-256 by the edge) and
    /// records the verdict on the dossier's `target`. The verdict is this system's: the
    /// caller only hands over the bytes.
    pub async fn check_signature(
        &self,
        id: DossierId,
        target: SignedTarget,
        pdf: &[u8],
    ) -> Result<SignatureCheck, AppError> {
        let file = hex(&Sha256::digest(pdf));
        let trust = self.trust().await?;
        let check = match motcua_sign::verify_pdf(pdf, &trust, self.now()) {
            Ok(v) => SignatureCheck {
                target,
                file: file.clone(),
                valid: true,
                // A certificate names its subject as it likes: what the verdict keeps is cut
                // to what a recorded verdict may hold, so no certificate makes it unrecordable.
                signer: clip(&v.signer),
                issuer: clip(&v.issuer),
                serial: v.serial,
                signed_at: v.signed_at,
                reason: None,
            },
            Err(refusal) => SignatureCheck {
                target,
                file: file.clone(),
                valid: false,
                signer: String::new(),
                issuer: String::new(),
                serial: String::new(),
                signed_at: None,
                reason: Some(match refusal {
                    Refusal::Untrusted(_) if trust.anchors.is_empty() => {
                        "chưa cấu hình chứng thư gốc tin cậy (quản trị hệ thống)".into()
                    }
                    other => other.to_string(),
                }),
            },
        };
        let service = Actor::system(ExternalSystem::SignatureService);
        let outcome = self
            .run_for_system(
                &service,
                id,
                |d| d.signatures.iter().any(|c| c == &check),
                Command::RecordSignatureCheck {
                    check: check.clone(),
                },
            )
            .await?;
        match outcome {
            SystemOutcome::Done | SystemOutcome::Duplicate => Ok(check),
            SystemOutcome::Busy => Err(AppError::Invalid(
                "hồ sơ đang được cập nhật, vui lòng thử lại".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_subject_is_clipped() {
        assert_eq!(clip(&"Đ".repeat(3000)).chars().count(), 500);
        assert_eq!(clip("CN=A"), "CN=A");
    }

    #[test]
    fn pem_blocks_are_found_and_bad_ones_named() {
        let text = "x\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\
                    -----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
        assert_eq!(blocks(text, "CERTIFICATE").len(), 2);
        assert_eq!(blocks(text, "X509 CRL").len(), 0);
        match trust_store(text, "") {
            Err(AppError::Invalid(m)) => assert!(m.starts_with("chứng thư gốc thứ 1"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(trust_store("", "").is_ok_and(|t| t.anchors.is_empty()));
    }
}
