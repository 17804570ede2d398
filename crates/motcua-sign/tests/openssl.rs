//! Signatures made by an independent tool (OpenSSL) verify here, and signatures made here
//! verify with OpenSSL; tampered, expired, revoked, wrong-chain, wrong-key and unsigned
//! files are each refused with their reason.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_sign::{
    DigestKind, Refusal, RingSigner, TrustStore, certificate, sign_detached, verify_detached,
};

/// A small PKI made with the openssl command in a temporary folder.
struct Pki {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) {
    let out = openssl(dir, args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const CA_CONF: &str = "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\n\
default_md = sha256\ndefault_crl_days = 30\n";

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let p = Self { _dir: dir, path };
        for (ca, cn) in [("ca", "Test Root CA"), ("other", "Other Root CA")] {
            ok(
                &p.path,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    &format!("{ca}.key"),
                    "-out",
                    &format!("{ca}.pem"),
                    "-days",
                    "3650",
                    "-subj",
                    &format!("/CN={cn}/O=motcua"),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            );
        }
        std::fs::write(
            p.path.join("ext.cnf"),
            "keyUsage=critical,digitalSignature,nonRepudiation\n",
        )
        .unwrap();
        p.issue("signer", "rsa:2048", "ca");
        p
    }

    /// A leaf certificate `name` issued by `ca`, with its key as PKCS#8 DER.
    fn issue(&self, name: &str, key: &str, ca: &str) {
        let keygen: Vec<String> = if key == "ec" {
            ok(
                &self.path,
                &[
                    "ecparam",
                    "-name",
                    "prime256v1",
                    "-genkey",
                    "-noout",
                    "-out",
                    &format!("{name}.key"),
                ],
            );
            vec![]
        } else {
            vec![
                "-newkey".into(),
                key.into(),
                "-nodes".into(),
                "-keyout".into(),
                format!("{name}.key"),
            ]
        };
        let mut req: Vec<String> = vec!["req".into()];
        req.extend(keygen.iter().cloned());
        if key == "ec" {
            req.extend(["-new".into(), "-key".into(), format!("{name}.key")]);
        }
        req.extend([
            "-out".into(),
            format!("{name}.csr"),
            "-subj".into(),
            format!("/CN=Nguyễn Văn {name}/O=Sở Nông nghiệp và Môi trường"),
        ]);
        let req: Vec<&str> = req.iter().map(String::as_str).collect();
        ok(&self.path, &[&req[..], &["-utf8"]].concat());
        ok(
            &self.path,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key"),
                "-CAcreateserial",
                "-out",
                &format!("{name}.pem"),
                "-days",
                "365",
                "-extfile",
                "ext.cnf",
            ],
        );
        ok(
            &self.path,
            &[
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                &format!("{name}.key"),
                "-outform",
                "DER",
                "-out",
                &format!("{name}.p8"),
            ],
        );
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path.join(name)).unwrap()
    }

    fn trust(&self, ca: &str) -> TrustStore {
        TrustStore::default()
            .with_anchor(&self.read(&format!("{ca}.pem")))
            .unwrap()
    }

    /// Our signature over `doc` with `name`'s key at `at`.
    fn ours(&self, name: &str, doc: &[u8], at: DateTime<Utc>) -> Vec<u8> {
        let signer = RingSigner::from_pkcs8(&self.read(&format!("{name}.p8"))).unwrap();
        let cert = certificate(&self.read(&format!("{name}.pem"))).unwrap();
        sign_detached(&DigestKind::Sha256.digest(doc), at, &[cert], &signer).unwrap()
    }

    fn not_before(&self, name: &str) -> DateTime<Utc> {
        let c = certificate(&self.read(&format!("{name}.pem"))).unwrap();
        let secs = c
            .tbs_certificate
            .validity
            .not_before
            .to_unix_duration()
            .as_secs();
        DateTime::from_timestamp(i64::try_from(secs).unwrap(), 0).unwrap()
    }
}

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
        let verify = |content: &str| {
            openssl(
                &pki.path,
                &[
                    "cms",
                    "-verify",
                    "-binary",
                    "-inform",
                    "DER",
                    "-in",
                    &format!("{name}.sig"),
                    "-content",
                    content,
                    "-CAfile",
                    "ca.pem",
                    "-purpose",
                    "any",
                    "-out",
                    "/dev/null",
                ],
            )
        };
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
