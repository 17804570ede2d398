//! Digital signatures on documents (chữ ký số, Decree 130/2018/NĐ-CP) as CMS SignedData
//! (RFC 5652), the form PAdES embeds in a PDF: made over a document's digest by a signer
//! (a local key, or a remote-signing service that signs a hash), and verified — integrity,
//! the signature itself, the chain to a configured trust anchor, validity at the signing
//! time, revocation where the CA publishes a CRL.
//!
//! Pure: bytes and instants in, a verdict out. The caller reads files, fetches CRLs and
//! passes the clock's `now`. Only a verdict of [`Verified`] may mark a document "signed".

mod algorithms;
mod attributes;
mod chain;
mod make;
mod pdf;
mod pkcs12;
mod verify;

use chrono::{DateTime, Utc};

pub use algorithms::DigestKind;
pub use make::{
    KeyKind, RawSigner, RingSigner, SignError, ToBeSigned, assemble, prepare, sign_detached,
};
pub use pdf::{
    Embedded, PreparedPdf, SignatureInfo, finish_pdf, last_signature, prepare_pdf, sign_pdf,
    verify_pdf,
};
pub use pkcs12::{LocalKey, read_pkcs12};
pub use verify::verify_detached;
pub use x509_cert::Certificate;
pub use x509_cert::crl::CertificateList;

/// What the system trusts: the root certificates (the government root CA, the public CAs a
/// province accepts) and the revocation lists it holds.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    /// Trust anchors.
    pub anchors: Vec<Certificate>,
    /// Certificate revocation lists, any issuer.
    pub crls: Vec<CertificateList>,
}

impl TrustStore {
    /// Reads anchors from PEM or DER certificates.
    pub fn with_anchor(mut self, bytes: &[u8]) -> Result<Self, Refusal> {
        self.anchors.push(certificate(bytes)?);
        Ok(self)
    }

    /// Adds a CRL (PEM or DER).
    pub fn with_crl(mut self, bytes: &[u8]) -> Result<Self, Refusal> {
        use der::Decode;
        let der_bytes = match der::pem::decode_vec(bytes) {
            Ok(("X509 CRL", d)) => d,
            _ => bytes.to_vec(),
        };
        let crl = CertificateList::from_der(&der_bytes)
            .map_err(|e| Refusal::Malformed(format!("CRL: {e}")))?;
        self.crls.push(crl);
        Ok(self)
    }
}

/// A certificate from PEM or DER.
pub fn certificate(bytes: &[u8]) -> Result<Certificate, Refusal> {
    use der::{Decode, DecodePem};
    Certificate::from_pem(bytes)
        .or_else(|_| Certificate::from_der(bytes))
        .map_err(|e| Refusal::Malformed(format!("chứng thư số: {e}")))
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signer's name (the certificate subject).
    pub signer: String,
    /// The signer certificate's serial number, hex.
    pub serial: String,
    /// The certificate issuer's name.
    pub issuer: String,
    /// When it says it was signed (the signing-time attribute), if it says.
    pub signed_at: Option<DateTime<Utc>>,
    /// The chain from the signer to the anchor, by subject.
    pub chain: Vec<String>,
}

/// Why a signature is not accepted, in Vietnamese for the page that shows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No signature at all.
    #[error("tài liệu không có chữ ký số")]
    NotSigned,
    /// Not a readable signature.
    #[error("chữ ký số không đọc được: {0}")]
    Malformed(String),
    /// The document changed after it was signed.
    #[error("tài liệu đã bị thay đổi sau khi ký (giá trị băm không khớp)")]
    Integrity,
    /// The signature does not verify with the signer's key.
    #[error("chữ ký không hợp lệ với khóa công khai của người ký")]
    BadSignature,
    /// The chain does not reach a trusted root.
    #[error("chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy: {0}")]
    Untrusted(String),
    /// A certificate was not valid at the signing time.
    #[error("chứng thư số \"{subject}\" không còn hiệu lực tại thời điểm ký ({at})")]
    Expired {
        /// Whose.
        subject: String,
        /// The instant checked, Vietnam time.
        at: String,
    },
    /// A certificate was revoked before the signing time.
    #[error("chứng thư số \"{subject}\" đã bị thu hồi từ {at}")]
    Revoked {
        /// Whose.
        subject: String,
        /// When, Vietnam time.
        at: String,
    },
    /// Bytes were added to the file after the signature (an edit appended to a signed PDF).
    #[error("tài liệu đã được sửa đổi, bổ sung sau khi ký")]
    ChangedAfterSigning,
    /// The signing time is after now.
    #[error("thời điểm ký ở tương lai")]
    FutureSigningTime,
    /// An algorithm this system does not verify.
    #[error("không hỗ trợ {0}")]
    Unsupported(String),
}

/// An instant as people in Vietnam read it.
fn vn_time(at: DateTime<Utc>) -> String {
    (at + chrono::TimeDelta::hours(7))
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

/// A certificate time as a UTC instant.
fn instant(t: x509_cert::time::Time) -> DateTime<Utc> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
