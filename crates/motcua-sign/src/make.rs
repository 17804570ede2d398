//! Making a detached CMS signature over a document's SHA-256 digest: the signed attributes
//! are built here and handed to a [`RawSigner`] — a local key, or a remote-signing service
//! that receives their hash — and the result is wrapped with the certificate chain.

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Encode, Tag};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use x509_cert::Certificate;
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::algorithms::{ECDSA_SHA256, RSA, SHA256};
use crate::attributes::{self, ID_DATA, ID_SIGNED_DATA};

/// Why a signature could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("không ký được: {0}")]
pub struct SignError(pub String);

impl From<der::Error> for SignError {
    fn from(e: der::Error) -> Self {
        Self(e.to_string())
    }
}

/// The kind of key that signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA, PKCS#1 v1.5 with SHA-256.
    Rsa,
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256,
}

/// Something that signs the DER of the signed attributes: with SHA-256 and its key.
pub trait RawSigner {
    /// Its key kind.
    fn kind(&self) -> KeyKind;
    /// The signature over `message` (the signer hashes it with SHA-256).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

impl KeyKind {
    /// The kind of the key a certificate certifies, when it is one this crate signs with.
    pub fn of(cert: &Certificate) -> Result<Self, SignError> {
        let spki = &cert.tbs_certificate.subject_public_key_info;
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
        match spki.algorithm.oid {
            crate::algorithms::RSA => Ok(Self::Rsa),
            crate::algorithms::EC_KEY if curve == Some(crate::algorithms::P256) => {
                Ok(Self::EcdsaP256)
            }
            other => Err(SignError(format!("loại khóa {other} chưa được hỗ trợ"))),
        }
    }
}

/// A local key (PKCS#8 DER), as small installations keep one.
pub struct RingSigner {
    key: LocalKey,
}

enum LocalKey {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl RingSigner {
    /// Reads an RSA or P-256 PKCS#8 key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, SignError> {
        if let Ok(k) = RsaKeyPair::from_pkcs8(der) {
            return Ok(Self {
                key: LocalKey::Rsa(k),
            });
        }
        EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            der,
            &SystemRandom::new(),
        )
        .map(|k| Self {
            key: LocalKey::Ec(k),
        })
        .map_err(|_| SignError("khóa không phải RSA hoặc ECDSA P-256 (PKCS#8)".into()))
    }
}

impl RawSigner for RingSigner {
    fn kind(&self) -> KeyKind {
        match self.key {
            LocalKey::Rsa(_) => KeyKind::Rsa,
            LocalKey::Ec(_) => KeyKind::EcdsaP256,
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let rng = SystemRandom::new();
        match &self.key {
            LocalKey::Rsa(k) => {
                let mut out = vec![0; k.public().modulus_len()];
                k.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut out)
                    .map_err(|_| SignError("RSA".into()))?;
                Ok(out)
            }
            LocalKey::Ec(k) => k
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SignError("ECDSA".into())),
        }
    }
}

fn algorithm(
    oid: der::asn1::ObjectIdentifier,
    null: bool,
) -> Result<AlgorithmIdentifierOwned, SignError> {
    Ok(AlgorithmIdentifierOwned {
        oid,
        parameters: if null {
            Some(Any::new(Tag::Null, Vec::<u8>::new())?)
        } else {
            None
        },
    })
}

/// The signer's certificate: the first of the chain.
pub(crate) fn leaf(chain: &[Certificate]) -> Result<&Certificate, SignError> {
    chain
        .first()
        .ok_or_else(|| SignError("thiếu chứng thư số của người ký".into()))
}

/// What a signer must sign, prepared for one document: the signed attributes. A remote
/// signer receives [`ToBeSigned::hash`]; a local key signs [`ToBeSigned::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToBeSigned {
    attrs: x509_cert::attr::Attributes,
    message: Vec<u8>,
}

impl ToBeSigned {
    /// The DER of the signed attributes: what the signature is over.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// Its SHA-256: what a remote-signing service is sent.
    pub fn hash(&self) -> Vec<u8> {
        crate::DigestKind::Sha256.digest(&self.message)
    }
}

/// Prepares a signature over content whose SHA-256 is `digest`, at `at`, by the holder of
/// `cert`.
pub fn prepare(
    digest: &[u8],
    at: DateTime<Utc>,
    cert: &Certificate,
) -> Result<ToBeSigned, SignError> {
    let attrs = attributes::build(digest, at, cert)?;
    let message = attrs.to_der()?;
    Ok(ToBeSigned { attrs, message })
}

/// A detached CMS signature (DER ContentInfo) over content whose SHA-256 is `digest`, signed
/// at `at` by a local signer; `chain` is the signer's certificate first, then its issuers
/// (the root may be left out).
pub fn sign_detached(
    digest: &[u8],
    at: DateTime<Utc>,
    chain: &[Certificate],
    signer: &dyn RawSigner,
) -> Result<Vec<u8>, SignError> {
    let cert = leaf(chain)?;
    let tbs = prepare(digest, at, cert)?;
    let signature = signer.sign(tbs.message())?;
    assemble(tbs, &signature, signer.kind(), chain)
}

/// The CMS signature from what was prepared and the signature a signer returned over it.
pub fn assemble(
    tbs: ToBeSigned,
    signature: &[u8],
    kind: KeyKind,
    chain: &[Certificate],
) -> Result<Vec<u8>, SignError> {
    let cert = leaf(chain)?;
    let signature_algorithm = match kind {
        KeyKind::Rsa => algorithm(RSA, true)?,
        KeyKind::EcdsaP256 => algorithm(ECDSA_SHA256, false)?,
    };
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: algorithm(SHA256, false)?,
        signed_attrs: Some(tbs.attrs),
        signature_algorithm,
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let mut digests = SetOfVec::new();
    digests.insert(algorithm(SHA256, false)?)?;
    let certificates = CertificateSet::try_from(
        chain
            .iter()
            .cloned()
            .map(CertificateChoices::Certificate)
            .collect::<Vec<_>>(),
    )?;
    let data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(certificates),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![info])?,
    };
    Ok(ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&data)?,
    }
    .to_der()?)
}
