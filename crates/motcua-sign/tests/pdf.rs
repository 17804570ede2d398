//! A result PDF signed here (PAdES, an incremental update): it verifies here and its
//! extracted signature verifies with OpenSSL; a changed byte, an edit appended after the
//! signature and an unsigned file are each refused.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod common;

use chrono::TimeDelta;
use common::{Pki, cms_verify, ok};
use motcua_sign::{
    KeyKind, Refusal, RingSigner, SignatureInfo, certificate, finish_pdf, last_signature,
    prepare_pdf, sign_pdf, verify_pdf,
};

/// A one-page PDF written by hand, with a classic cross-reference table.
fn result_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        {
            let text = "BT /F1 14 Tf 72 760 Td (GIAY CHUNG NHAN - ket qua ho so 000.11.12.H48-261204-0001) Tj ET";
            format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len())
        },
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_signed_result_verifies_here_and_with_openssl_and_every_change_is_refused() {
    let pki = Pki::new();
    let original = result_pdf();
    assert_eq!(
        verify_pdf(&original, &pki.trust("ca"), pki.not_before("signer")),
        Err(Refusal::NotSigned),
        "a file named signed but carrying no signature"
    );
    let at = pki.not_before("signer") + TimeDelta::hours(2);
    let signer = RingSigner::from_pkcs8(&pki.read("signer.p8")).unwrap();
    let cert = certificate(&pki.read("signer.pem")).unwrap();
    let info = SignatureInfo {
        name: "Phạm Thị Thu".into(),
        reason: "Ký kết quả giải quyết hồ sơ 000.11.12.H48-261204-0001".into(),
        location: "Đà Nẵng".into(),
    };
    let signed = sign_pdf(&original, &info, at, &[cert], &signer).unwrap();
    assert!(
        signed.starts_with(&original),
        "an incremental update keeps the original bytes"
    );
    let now = at + TimeDelta::minutes(5);
    let v = verify_pdf(&signed, &pki.trust("ca"), now).unwrap();
    assert!(v.signer.contains("Nguyễn Văn signer"), "{v:?}");
    assert_eq!(v.signed_at, Some(at));

    // The structure is a PDF a reader opens: the form lists the signature field.
    let doc = lopdf::Document::load_mem(&signed).unwrap();
    let form = doc
        .catalog()
        .unwrap()
        .get(b"AcroForm")
        .unwrap()
        .as_dict()
        .unwrap();
    assert_eq!(form.get(b"SigFlags").unwrap().as_i64().unwrap(), 3);
    assert_eq!(doc.get_pages().len(), 1);

    // OpenSSL checks the extracted signature over the bytes it covers.
    let found = last_signature(&signed).unwrap().unwrap();
    std::fs::write(pki.path.join("pdf.sig"), &found.cms).unwrap();
    std::fs::write(pki.path.join("covered.bin"), &found.covered).unwrap();
    let out = cms_verify(&pki.path, "pdf.sig", "covered.bin");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // One byte of the page changed after signing.
    let mut tampered = signed.clone();
    let at_text = signed.windows(4).position(|w| w == b"GIAY").unwrap();
    tampered[at_text] = b'X';
    assert_eq!(
        verify_pdf(&tampered, &pki.trust("ca"), now),
        Err(Refusal::Integrity)
    );
    let changed = last_signature(&tampered).unwrap().unwrap();
    std::fs::write(pki.path.join("tampered.bin"), changed.covered).unwrap();
    let out = cms_verify(&pki.path, "pdf.sig", "tampered.bin");
    assert!(!out.status.success(), "OpenSSL refuses it too");

    // An edit appended after the signature.
    let mut appended = signed.clone();
    appended.extend_from_slice(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");
    assert_eq!(
        verify_pdf(&appended, &pki.trust("ca"), now),
        Err(Refusal::ChangedAfterSigning)
    );
    // Signed under a root this installation does not trust.
    assert!(matches!(
        verify_pdf(&signed, &pki.trust("other"), now),
        Err(Refusal::Untrusted(_))
    ));
}

#[test]
fn a_pdf_with_object_and_cross_reference_streams_is_signed_too() {
    let pki = Pki::new();
    let mut doc = lopdf::Document::load_mem(&result_pdf()).unwrap();
    let mut modern = Vec::new();
    doc.save_with_options(
        &mut modern,
        lopdf::SaveOptions::builder()
            .use_object_streams(true)
            .use_xref_streams(true)
            .build(),
    )
    .unwrap();
    assert!(
        !modern.windows(5).any(|w| w == b"\nxref"),
        "no classic table"
    );
    let at = pki.not_before("signer") + TimeDelta::hours(1);
    let signer = RingSigner::from_pkcs8(&pki.read("signer.p8")).unwrap();
    let cert = certificate(&pki.read("signer.pem")).unwrap();
    let info = SignatureInfo {
        name: "Phạm Thị Thu".into(),
        reason: "Ký số".into(),
        location: "Đà Nẵng".into(),
    };
    let signed = sign_pdf(&modern, &info, at, &[cert], &signer).unwrap();
    assert!(verify_pdf(&signed, &pki.trust("ca"), at).is_ok());
    let reread = lopdf::Document::load_mem(&signed).unwrap();
    assert!(reread.catalog().unwrap().has(b"AcroForm"));
}

#[test]
fn a_remote_signer_that_sees_only_the_hash_signs_a_valid_pdf() {
    let pki = Pki::new();
    let at = pki.not_before("signer") + TimeDelta::hours(1);
    let cert = certificate(&pki.read("signer.pem")).unwrap();
    let info = SignatureInfo {
        name: "Phạm Thị Thu".into(),
        reason: "Ký kết quả".into(),
        location: "Đà Nẵng".into(),
    };
    let prepared = prepare_pdf(&result_pdf(), &info, at, &cert).unwrap();
    // The service receives the 32-byte hash and signs it with the key it keeps (here
    // OpenSSL, signing a pre-computed digest as a remote-signing service does).
    let hash = prepared.tbs.hash();
    assert_eq!(hash.len(), 32);
    std::fs::write(pki.path.join("hash.bin"), &hash).unwrap();
    ok(
        &pki.path,
        &[
            "pkeyutl",
            "-sign",
            "-inkey",
            "signer.key",
            "-pkeyopt",
            "digest:sha256",
            "-in",
            "hash.bin",
            "-out",
            "remote.sig",
        ],
    );
    let signature = pki.read("remote.sig");
    let signed = finish_pdf(prepared, &signature, KeyKind::Rsa, &[cert]).unwrap();
    let v = verify_pdf(&signed, &pki.trust("ca"), at).unwrap();
    assert_eq!(v.signed_at, Some(at));
    let found = last_signature(&signed).unwrap().unwrap();
    std::fs::write(pki.path.join("remote.cms"), &found.cms).unwrap();
    std::fs::write(pki.path.join("remote.bin"), &found.covered).unwrap();
    let out = cms_verify(&pki.path, "remote.cms", "remote.bin");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A signature over another hash does not make it valid.
    let other = prepare_pdf(
        &result_pdf(),
        &info,
        at,
        &certificate(&pki.read("signer.pem")).unwrap(),
    )
    .unwrap();
    let forged = finish_pdf(
        other,
        &[0x55; 256],
        KeyKind::Rsa,
        &[certificate(&pki.read("signer.pem")).unwrap()],
    )
    .unwrap();
    assert_eq!(
        verify_pdf(&forged, &pki.trust("ca"), at),
        Err(Refusal::BadSignature)
    );
}

/// The local adapter's key, a PKCS#12 file exported by OpenSSL (its default: PBES2 with
/// AES-256, a SHA-256 MAC), RSA and P-256, with the chain inside.
#[test]
fn a_pkcs12_key_signs_a_result_that_openssl_verifies() {
    let pki = Pki::new();
    pki.issue("ecsigner", "ec", "ca");
    for (name, kind) in [("signer", KeyKind::Rsa), ("ecsigner", KeyKind::EcdsaP256)] {
        let p12 = format!("{name}.p12");
        ok(
            &pki.path,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                &format!("{name}.key"),
                "-in",
                &format!("{name}.pem"),
                "-certfile",
                "ca.pem",
                "-passout",
                "pass:mật-khẩu 2026",
                "-out",
                &p12,
            ],
        );
        let bytes = pki.read(&p12);
        assert!(
            motcua_sign::read_pkcs12(&bytes, "sai").is_err(),
            "a wrong password is refused"
        );
        let key = motcua_sign::read_pkcs12(&bytes, "mật-khẩu 2026").unwrap();
        assert_eq!(key.chain.len(), 2, "{name}: the leaf and the root");
        assert_eq!(
            motcua_sign::RawSigner::kind(&key.signer),
            kind,
            "{name}: key kind"
        );
        let at = pki.not_before(name) + TimeDelta::hours(3);
        let info = SignatureInfo {
            name: "Phạm Thị Thu".into(),
            reason: "Ký kết quả".into(),
            location: "Đà Nẵng".into(),
        };
        let signed = sign_pdf(&result_pdf(), &info, at, &key.chain, &key.signer).unwrap();
        let v = verify_pdf(&signed, &pki.trust("ca"), at).unwrap();
        assert!(v.signer.contains(name), "{v:?}");
        let found = last_signature(&signed).unwrap().unwrap();
        std::fs::write(pki.path.join("p12.cms"), &found.cms).unwrap();
        std::fs::write(pki.path.join("p12.bin"), &found.covered).unwrap();
        let out = cms_verify(&pki.path, "p12.cms", "p12.bin");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A remote signature completes hours later, in another process: the prepared file is made
/// again from the same inputs, so it must come out byte for byte the same.
#[test]
fn preparing_a_pdf_again_gives_the_same_hash() {
    let pki = Pki::new();
    let at = pki.not_before("signer") + TimeDelta::hours(1);
    let cert = certificate(&pki.read("signer.pem")).unwrap();
    let info = SignatureInfo {
        name: "Phạm Thị Thu".into(),
        reason: "Ký kết quả".into(),
        location: "Đà Nẵng".into(),
    };
    let a = prepare_pdf(&result_pdf(), &info, at, &cert).unwrap();
    let b = prepare_pdf(&result_pdf(), &info, at, &cert).unwrap();
    assert_eq!(a.tbs.hash(), b.tbs.hash());
    let later = prepare_pdf(&result_pdf(), &info, at + TimeDelta::seconds(1), &cert).unwrap();
    assert_ne!(a.tbs.hash(), later.tbs.hash(), "the signing time is signed");
}
