//! Verifying a detached CMS signature over some content: the digest it signed is the
//! content's, the signature verifies with the signer's key over the signed attributes, the
//! certificate bound by the attributes is the one used, and the chain holds at the signing
//! time.

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use crate::algorithms::{DigestKind, verify};
use crate::attributes::{self, ID_SIGNED_DATA};
use crate::{Refusal, TrustStore, Verified, chain};

fn malformed(e: impl std::fmt::Display) -> Refusal {
    Refusal::Malformed(e.to_string())
}

/// The certificate the signer identifier names.
fn signer_cert<'a>(sid: &SignerIdentifier, certs: &'a [Certificate]) -> Option<&'a Certificate> {
    certs.iter().find(|c| match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => c
            .tbs_certificate
            .get::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .is_some_and(|(_, own)| own == *ski),
    })
}

/// Verifies `cms` (DER ContentInfo, detached) over `content` at `now`.
pub fn verify_detached(
    cms: &[u8],
    content: &[u8],
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> Result<Verified, Refusal> {
    if cms.is_empty() {
        return Err(Refusal::NotSigned);
    }
    let info = ContentInfo::from_der(cms).map_err(malformed)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(malformed("không phải SignedData"));
    }
    let data: SignedData = info.content.decode_as().map_err(malformed)?;
    let certs: Vec<Certificate> = data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let mut signers = data.signer_infos.0.iter();
    let (Some(si), None) = (signers.next(), signers.next()) else {
        return Err(malformed("cần đúng một người ký"));
    };
    let digest_kind = DigestKind::from_oid(&si.digest_alg.oid)?;
    let cert =
        signer_cert(&si.sid, &certs).ok_or_else(|| malformed("thiếu chứng thư số của người ký"))?;
    // Without signed attributes the signature is over the content itself; PAdES requires them.
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| malformed("thiếu thuộc tính ký (signed attributes)"))?;
    let read = attributes::read(attrs)?;
    if read.digest != digest_kind.digest(content) {
        return Err(Refusal::Integrity);
    }
    if let Some(bound) = &read.cert_hash
        && *bound != DigestKind::Sha256.digest(&cert.to_der().map_err(malformed)?)
    {
        return Err(malformed("chứng thư trong chữ ký khác chứng thư đã ký"));
    }
    let signed = attrs.to_der().map_err(malformed)?;
    if !verify(
        &si.signature_algorithm.oid,
        Some(digest_kind),
        &cert.tbs_certificate.subject_public_key_info,
        &signed,
        si.signature.as_bytes(),
    )? {
        return Err(Refusal::BadSignature);
    }
    let at = read.signed_at.unwrap_or(now);
    if at > now + chrono::TimeDelta::minutes(5) {
        return Err(Refusal::FutureSigningTime);
    }
    let chain = chain::check(cert, &certs, trust, at)?;
    Ok(Verified {
        signer: cert.tbs_certificate.subject.to_string(),
        serial: cert
            .tbs_certificate
            .serial_number
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect(),
        issuer: cert.tbs_certificate.issuer.to_string(),
        signed_at: read.signed_at,
        chain,
    })
}
