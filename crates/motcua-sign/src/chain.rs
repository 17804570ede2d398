//! From the signer's certificate to a trust anchor: each certificate signed by the next, each
//! valid at the signing time, none revoked before it by a CRL its issuer signed.

use chrono::{DateTime, Utc};
use der::Encode;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use crate::algorithms::verify;
use crate::{Refusal, TrustStore, instant, vn_time};

/// The longest chain followed.
const MAX_DEPTH: usize = 8;

fn subject(c: &Certificate) -> String {
    c.tbs_certificate.subject.to_string()
}

/// Whether `child` carries a signature `issuer`'s key made.
fn signed_by(child: &Certificate, issuer: &Certificate) -> Result<bool, Refusal> {
    if child.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Ok(false);
    }
    let tbs = child
        .tbs_certificate
        .to_der()
        .map_err(|e| Refusal::Malformed(e.to_string()))?;
    let Some(sig) = child.signature.as_bytes() else {
        return Ok(false);
    };
    verify(
        &child.signature_algorithm.oid,
        None,
        &issuer.tbs_certificate.subject_public_key_info,
        &tbs,
        sig,
    )
}

fn valid_at(c: &Certificate, at: DateTime<Utc>) -> Result<(), Refusal> {
    let v = &c.tbs_certificate.validity;
    if at < instant(v.not_before) || at > instant(v.not_after) {
        return Err(Refusal::Expired {
            subject: subject(c),
            at: vn_time(at),
        });
    }
    Ok(())
}

/// Revoked before `at` by a CRL that `issuer` signed.
fn revoked(
    c: &Certificate,
    issuer: &Certificate,
    crls: &[CertificateList],
    at: DateTime<Utc>,
) -> Result<(), Refusal> {
    for crl in crls
        .iter()
        .filter(|l| l.tbs_cert_list.issuer == issuer.tbs_certificate.subject)
    {
        let tbs = crl
            .tbs_cert_list
            .to_der()
            .map_err(|e| Refusal::Malformed(e.to_string()))?;
        let sig = crl.signature.as_bytes().unwrap_or_default();
        // A CRL its issuer did not sign says nothing.
        if !verify(
            &crl.signature_algorithm.oid,
            None,
            &issuer.tbs_certificate.subject_public_key_info,
            &tbs,
            sig,
        )? {
            continue;
        }
        for r in crl.tbs_cert_list.revoked_certificates.iter().flatten() {
            let when = instant(r.revocation_date);
            if r.serial_number == c.tbs_certificate.serial_number && when <= at {
                return Err(Refusal::Revoked {
                    subject: subject(c),
                    at: vn_time(when),
                });
            }
        }
    }
    Ok(())
}

/// The chain from `signer` up to an anchor, using `intermediates` from the signature, checked
/// at `at`; the subjects in order.
pub fn check(
    signer: &Certificate,
    intermediates: &[Certificate],
    trust: &TrustStore,
    at: DateTime<Utc>,
) -> Result<Vec<String>, Refusal> {
    let mut names = vec![subject(signer)];
    let mut current = signer.clone();
    for _ in 0..MAX_DEPTH {
        valid_at(&current, at)?;
        if trust.anchors.contains(&current) {
            return Ok(names);
        }
        if let Some(anchor) = trust
            .anchors
            .iter()
            .find(|a| signed_by(&current, a).unwrap_or(false))
        {
            revoked(&current, anchor, &trust.crls, at)?;
            valid_at(anchor, at)?;
            names.push(subject(anchor));
            return Ok(names);
        }
        let Some(issuer) = intermediates
            .iter()
            .find(|i| **i != current && signed_by(&current, i).unwrap_or(false))
        else {
            return Err(Refusal::Untrusted(
                current.tbs_certificate.issuer.to_string(),
            ));
        };
        revoked(&current, issuer, &trust.crls, at)?;
        names.push(subject(issuer));
        current = issuer.clone();
    }
    Err(Refusal::Untrusted("chuỗi chứng thư quá dài".into()))
}
