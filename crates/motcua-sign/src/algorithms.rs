//! The digest and signature algorithms accepted, by object identifier, and the check of one
//! signature with a certificate's public key (through ring).

use der::asn1::ObjectIdentifier as Oid;
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use sha2::Digest;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::Refusal;

/// SHA-256 (id-sha256).
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
/// rsaEncryption: the key kind, and in CMS a PKCS#1 v1.5 signature with the digest algorithm.
pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// id-ecPublicKey.
pub const EC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// ecdsa-with-SHA256.
pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// The P-256 curve (secp256r1).
pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const P384: Oid = Oid::new_unwrap("1.3.132.0.34");

/// A digest algorithm this system computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestKind {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestKind {
    /// The digest algorithm an identifier names.
    pub fn from_oid(oid: &Oid) -> Result<Self, Refusal> {
        match *oid {
            SHA256 => Ok(Self::Sha256),
            SHA384 => Ok(Self::Sha384),
            SHA512 => Ok(Self::Sha512),
            _ => Err(Refusal::Unsupported(format!("thuật toán băm {oid}"))),
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// The ring algorithm for a signature algorithm identifier, the digest it implies (for CMS's
/// bare `rsaEncryption`, the signer info's digest algorithm) and the key's curve.
fn ring_algorithm(
    sig: &Oid,
    digest: Option<DigestKind>,
    key: &SubjectPublicKeyInfoOwned,
) -> Result<&'static dyn VerificationAlgorithm, Refusal> {
    let unsupported = || Refusal::Unsupported(format!("thuật toán ký {sig}"));
    let curve = key
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<Oid>().ok());
    Ok(match (*sig, digest) {
        (RSA_SHA256, _) | (RSA, Some(DigestKind::Sha256)) => &signature::RSA_PKCS1_2048_8192_SHA256,
        (RSA_SHA384, _) | (RSA, Some(DigestKind::Sha384)) => &signature::RSA_PKCS1_2048_8192_SHA384,
        (RSA_SHA512, _) | (RSA, Some(DigestKind::Sha512)) => &signature::RSA_PKCS1_2048_8192_SHA512,
        // CMS may name the key kind (id-ecPublicKey) with the digest beside it.
        (ECDSA_SHA256, _) | (EC_KEY, Some(DigestKind::Sha256)) if curve == Some(P256) => {
            &signature::ECDSA_P256_SHA256_ASN1
        }
        (ECDSA_SHA256, _) if curve == Some(P384) => &signature::ECDSA_P384_SHA256_ASN1,
        (ECDSA_SHA384, _) if curve == Some(P384) => &signature::ECDSA_P384_SHA384_ASN1,
        (ECDSA_SHA384, _) if curve == Some(P256) => &signature::ECDSA_P256_SHA384_ASN1,
        _ => return Err(unsupported()),
    })
}

/// Whether `signature` over `message` verifies with `key` under the algorithm named.
pub fn verify(
    sig_alg: &Oid,
    digest: Option<DigestKind>,
    key: &SubjectPublicKeyInfoOwned,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, Refusal> {
    let alg = ring_algorithm(sig_alg, digest, key)?;
    let Some(raw) = key.subject_public_key.as_bytes() else {
        return Ok(false);
    };
    Ok(UnparsedPublicKey::new(alg, raw)
        .verify(message, signature)
        .is_ok())
}
