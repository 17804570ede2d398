//! The signed attributes of a CMS signer: content type, message digest, signing time and the
//! signing certificate (ESS signing-certificate-v2, which PAdES baseline requires so the
//! certificate cannot be swapped), built and read.

use chrono::{DateTime, Utc};
use der::asn1::{Any, ObjectIdentifier as Oid, OctetString, SetOfVec, UtcTime};
use der::{Decode, Encode, Sequence};
use x509_cert::Certificate;
use x509_cert::attr::{Attribute, Attributes};

use crate::Refusal;
use crate::algorithms::DigestKind;

/// id-data: the content is plain data.
pub const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData.
pub const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// ESSCertIDv2; made with the default hash (SHA-256, omitted) and no issuer-serial, read
/// with either present.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<x509_cert::spki::AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: Oid, value: Any) -> Result<Attribute, der::Error> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

/// The signed attributes for data whose SHA-256 digest is `digest`, signed at `at` with
/// `signer`'s certificate.
pub fn build(
    digest: &[u8],
    at: DateTime<Utc>,
    signer: &Certificate,
) -> Result<Attributes, der::Error> {
    let secs = u64::try_from(at.timestamp()).map_err(|_| der::ErrorKind::DateTime)?;
    let time = UtcTime::from_unix_duration(std::time::Duration::from_secs(secs))?;
    let cert_hash = DigestKind::Sha256.digest(&signer.to_der()?);
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(cert_hash)?,
            issuer_serial: None,
        }],
    };
    let mut attrs = SetOfVec::new();
    attrs.insert(attribute(CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?)?;
    attrs.insert(attribute(SIGNING_TIME, Any::encode_from(&time)?)?)?;
    attrs.insert(attribute(
        MESSAGE_DIGEST,
        Any::encode_from(&OctetString::new(digest.to_vec())?)?,
    )?)?;
    attrs.insert(attribute(SIGNING_CERTIFICATE_V2, Any::encode_from(&ess)?)?)?;
    Ok(attrs)
}

fn one(attrs: &Attributes, oid: Oid) -> Option<&Any> {
    attrs
        .iter()
        .find(|a| a.oid == oid)
        .and_then(|a| a.values.iter().next())
}

/// What the verifier reads from the signed attributes.
pub struct Read {
    /// The digest the signer signed.
    pub digest: Vec<u8>,
    /// The claimed signing time.
    pub signed_at: Option<DateTime<Utc>>,
    /// The SHA-256 of the certificate the signer bound, if the attribute is there.
    pub cert_hash: Option<Vec<u8>>,
}

/// Reads the attributes; the content type must be data and the digest present.
pub fn read(attrs: &Attributes) -> Result<Read, Refusal> {
    let bad = |what: &str| Refusal::Malformed(what.to_owned());
    let content_type = one(attrs, CONTENT_TYPE)
        .and_then(|a| a.decode_as::<Oid>().ok())
        .ok_or_else(|| bad("thiếu thuộc tính content-type"))?;
    if content_type != ID_DATA {
        return Err(bad("content-type không phải dữ liệu"));
    }
    let digest = one(attrs, MESSAGE_DIGEST)
        .and_then(|a| a.decode_as::<OctetString>().ok())
        .ok_or_else(|| bad("thiếu thuộc tính message-digest"))?
        .into_bytes();
    let signed_at = one(attrs, SIGNING_TIME)
        .and_then(|a| x509_cert::time::Time::from_der(&a.to_der().ok()?).ok())
        .map(crate::instant);
    let cert_hash = one(attrs, SIGNING_CERTIFICATE_V2)
        .and_then(|a| a.decode_as::<SigningCertificateV2>().ok())
        .and_then(|s| s.certs.into_iter().next())
        // Only the default SHA-256 is compared; another hash is left unchecked.
        .filter(|c| {
            c.hash_algorithm
                .as_ref()
                .is_none_or(|a| a.oid == crate::algorithms::SHA256)
        })
        .map(|c| c.cert_hash.into_bytes());
    Ok(Read {
        digest,
        signed_at,
        cert_hash,
    })
}
