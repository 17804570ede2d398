//! Signatures made by an independent tool (OpenSSL) verify here, and signatures made here
//! verify with OpenSSL; tampered, expired, revoked, wrong-chain, wrong-key and unsigned
//! files are each refused with their reason.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod common;

use chrono::TimeDelta;
use common::{CA_CONF, Pki, cms_verify, ok};
use motcua_sign::{DigestKind, Refusal, RingSigner, certificate, sign_detached, verify_detached};

const DOC: &[u8] = b"%PDF-1.7\nKet qua giai quyet thu tuc hanh chinh 1.013833\n%%EOF\n";

#[test]
fn an_openssl_signature_verifies_and_each_fault_is_named() {
    let pki = Pki::new();
    std::fs::write(pki.path.join("doc.pdf"), DOC).unwrap();
    ok(
        &pki.path,
        &[
            "cms",
            "-sign",
            "-binary",
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-signer",
            "signer.pem",
            "-inkey",
            "signer.key",
            "-in",
            "doc.pdf",
            "-out",
            "sig.der",
        ],
    );
    let sig = pki.read("sig.der");
    // OpenSSL stamps the real signing time, seconds after the certificate was made.
    let now = pki.not_before("signer") + TimeDelta::days(1);
    let v = verify_detached(&sig, DOC, &pki.trust("ca"), now).unwrap();
    assert!(v.signer.contains("Nguyễn Văn signer"), "{v:?}");
    assert!(v.chain.last().unwrap().contains("Test Root CA"));
    assert!(v.signed_at.is_some());

    let mut tampered = DOC.to_vec();
    tampered[12] ^= 1;
    assert_eq!(
        verify_detached(&sig, &tampered, &pki.trust("ca"), now),
        Err(Refusal::Integrity)
    );
    assert!(matches!(
        verify_detached(&sig, DOC, &pki.trust("other"), now),
        Err(Refusal::Untrusted(_))
    ));
    assert_eq!(
        verify_detached(&[], DOC, &pki.trust("ca"), now),
        Err(Refusal::NotSigned)
    );
    assert!(matches!(
        verify_detached(b"signed, trust me", DOC, &pki.trust("ca"), now),
        Err(Refusal::Malformed(_))
    ));
    // A flipped bit in the signature value itself.
    let mut broken = sig.clone();
    let last = broken.len() - 10;
    broken[last] ^= 0x40;
    assert_eq!(
        verify_detached(&broken, DOC, &pki.trust("ca"), now),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn our_signature_verifies_with_openssl_for_rsa_and_ecdsa() {
    let pki = Pki::new();
    pki.issue("ec", "ec", "ca");
    std::fs::write(pki.path.join("doc.pdf"), DOC).unwrap();
    let mut tampered = DOC.to_vec();
    tampered[20] ^= 1;
    std::fs::write(pki.path.join("tampered.pdf"), &tampered).unwrap();
    for name in ["signer", "ec"] {
        let at = pki.not_before(name) + TimeDelta::hours(1);
        let sig = pki.ours(name, DOC, at);
        std::fs::write(pki.path.join(format!("{name}.sig")), &sig).unwrap();
        let sig_file = format!("{name}.sig");
        let verify = |content: &str| cms_verify(&pki.path, &sig_file, content);
        let out = verify("doc.pdf");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !verify("tampered.pdf").status.success(),
            "{name}: tampered content refused"
        );
        let v = verify_detached(&sig, DOC, &pki.trust("ca"), at + TimeDelta::minutes(1)).unwrap();
        assert_eq!(v.signed_at.map(|t| t.timestamp()), Some(at.timestamp()));
    }
}

#[test]
fn validity_is_judged_at_the_signing_time_and_revocation_by_the_crl() {
    let pki = Pki::new();
    let born = pki.not_before("signer");
    // Signed within validity, checked two years later: still valid.
    let sig = pki.ours("signer", DOC, born + TimeDelta::days(10));
    assert!(verify_detached(&sig, DOC, &pki.trust("ca"), born + TimeDelta::days(800)).is_ok());
    // Signed after the certificate expired.
    let late = born + TimeDelta::days(400);
    let sig = pki.ours("signer", DOC, late);
    assert!(matches!(
        verify_detached(&sig, DOC, &pki.trust("ca"), late + TimeDelta::hours(1)),
        Err(Refusal::Expired { .. })
    ));
    // A signing time in the future is refused.
    let sig = pki.ours("signer", DOC, born + TimeDelta::days(2));
    assert_eq!(
        verify_detached(&sig, DOC, &pki.trust("ca"), born + TimeDelta::days(1)),
        Err(Refusal::FutureSigningTime)
    );

    // The CA revokes the certificate (a second after it was made) and publishes its CRL.
    #[expect(
        clippy::disallowed_methods,
        reason = "a plain test thread, no runtime: the revocation must fall a second later"
    )]
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(pki.path.join("ca.cnf"), CA_CONF).unwrap();
    std::fs::write(pki.path.join("index.txt"), "").unwrap();
    std::fs::write(pki.path.join("crlnumber"), "01\n").unwrap();
    ok(
        &pki.path,
        &[
            "ca",
            "-config",
            "ca.cnf",
            "-revoke",
            "signer.pem",
            "-keyfile",
            "ca.key",
            "-cert",
            "ca.pem",
        ],
    );
    ok(
        &pki.path,
        &[
            "ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "ca.key", "-cert", "ca.pem", "-out",
            "crl.pem",
        ],
    );
    let trust = pki.trust("ca").with_crl(&pki.read("crl.pem")).unwrap();
    let now = born + TimeDelta::days(1);
    let after = pki.ours("signer", DOC, now);
    assert!(matches!(
        verify_detached(&after, DOC, &trust, now + TimeDelta::minutes(1)),
        Err(Refusal::Revoked { .. })
    ));
    // Signed before the revocation: still valid.
    let before = pki.ours("signer", DOC, born);
    assert!(verify_detached(&before, DOC, &trust, now).is_ok());
    // A CRL signed by another CA is ignored.
    let mut forged = pki.trust("ca");
    std::fs::write(pki.path.join("index.txt"), "").unwrap();
    ok(
        &pki.path,
        &[
            "ca",
            "-config",
            "ca.cnf",
            "-gencrl",
            "-keyfile",
            "other.key",
            "-cert",
            "other.pem",
            "-out",
            "other-crl.pem",
        ],
    );
    forged = forged.with_crl(&pki.read("other-crl.pem")).unwrap();
    assert!(verify_detached(&after, DOC, &forged, now + TimeDelta::minutes(1)).is_ok());
}

#[test]
fn a_signature_by_another_key_under_the_signer_s_name_is_refused() {
    let pki = Pki::new();
    pki.issue("impostor", "rsa:2048", "other");
    // The impostor's key signs, but the signature carries the real signer's certificate.
    let impostor = RingSigner::from_pkcs8(&pki.read("impostor.p8")).unwrap();
    let cert = certificate(&pki.read("signer.pem")).unwrap();
    let at = pki.not_before("signer") + TimeDelta::hours(1);
    let sig = sign_detached(&DigestKind::Sha256.digest(DOC), at, &[cert], &impostor).unwrap();
    assert_eq!(
        verify_detached(&sig, DOC, &pki.trust("ca"), at + TimeDelta::minutes(1)),
        Err(Refusal::BadSignature)
    );
    // Its own certificate chains to a root not trusted here.
    let sig = pki.ours("impostor", DOC, at);
    assert!(matches!(
        verify_detached(&sig, DOC, &pki.trust("ca"), at + TimeDelta::minutes(1)),
        Err(Refusal::Untrusted(_))
    ));
}
