//! A document's digital signature through the use-case layer: verified against the
//! province's trust anchors and recorded by the signature service; only a valid one signs.

use std::process::Command as Shell;

use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, DossierId, SignedTarget};
use motcua_sign::{RingSigner, SignatureInfo, certificate, sign_pdf};

use crate::support::{TestApp, UNIT_A};

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Shell::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_signed_document_is_verified_and_only_a_valid_signature_signs() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = DossierId(d["id"].as_str().unwrap().parse().unwrap());

    // A CA and a citizen's certificate, made by OpenSSL.
    let pki = tempfile::tempdir().unwrap();
    let dir = pki.path();
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/CN=Test Root CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "me.key",
            "-out",
            "me.csr",
            "-subj",
            "/CN=Nguyen Thi Minh Khai",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "me.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "me.pem",
            "-days",
            "365",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "me.key", "-outform", "DER", "-out", "me.p8",
        ],
    );
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let signer = RingSigner::from_pkcs8(&read("me.p8")).unwrap();
    let cert = certificate(&read("me.pem")).unwrap();
    let info = SignatureInfo {
        name: "Nguyễn Thị Minh Khai".into(),
        reason: "Đơn đăng ký biến động".into(),
        location: "Đà Nẵng".into(),
    };
    let pdf = motcua_web::sample_pdf::one_page_pdf("Don dang ky bien dong");
    // The certificate is valid from when OpenSSL made it: move the test clock past that.
    let born = cert
        .tbs_certificate
        .validity
        .not_before
        .to_unix_duration()
        .as_secs();
    let born = chrono::DateTime::from_timestamp(i64::try_from(born).unwrap(), 0).unwrap();
    let behind = born - app.state.clock.now() + chrono::TimeDelta::hours(1);
    if behind > chrono::TimeDelta::zero() {
        app.advance(behind);
    }
    let now = app.state.clock.now();
    let signed = sign_pdf(&pdf, &info, now, std::slice::from_ref(&cert), &signer).unwrap();

    // Without a configured anchor nothing is trusted, and the page is told why.
    let first = SignedTarget::Document { index: 0 };
    let check = app
        .state
        .app
        .check_signature(id, first, &signed)
        .await
        .unwrap();
    assert!(!check.valid);
    assert!(
        check
            .reason
            .unwrap()
            .contains("chưa cấu hình chứng thư gốc")
    );

    // The administrator's page refuses what is not a certificate and keeps what was typed.
    let qt = app.sign_in("qt").await;
    let r = app
        .request(
            axum::http::Request::post("/admin/chu-ky-so")
                .header(axum::http::header::COOKIE, &qt.cookie)
                .header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(axum::body::Body::from(format!("csrf={}&text=abc", qt.csrf)))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = crate::support::body_text(r).await;
    assert!(
        page.contains("không có chứng thư số nào") && page.contains(">abc</textarea>"),
        "{page}"
    );
    let admin = Actor::staff("qt", "Quản trị", Role::Administrator);
    let root = String::from_utf8(read("ca.pem")).unwrap();
    let desk_actor = Actor::staff("mc_a", "Một cửa", Role::DeskOfficer);
    assert!(
        app.state
            .app
            .set_trust_anchors(&desk_actor, &root)
            .await
            .is_err(),
        "admins only"
    );
    assert!(
        app.state
            .app
            .set_trust_anchors(&admin, "not a certificate")
            .await
            .is_err()
    );
    assert_eq!(
        app.state
            .app
            .set_trust_anchors(&admin, &root)
            .await
            .unwrap(),
        1
    );

    let check = app
        .state
        .app
        .check_signature(id, first, &signed)
        .await
        .unwrap();
    assert!(check.valid, "{check:?}");
    assert!(check.signer.contains("Nguyen Thi Minh Khai"));
    let stored = app.state.db.dossier(id).await.unwrap().unwrap();
    assert!(stored.documents[0].signed);
    assert_eq!(
        stored.documents[0].file.as_deref(),
        Some(check.file.as_str())
    );

    // A changed copy, and a file with no signature at all, sign nothing.
    let mut tampered = signed.clone();
    let at = tampered.windows(4).position(|w| w == b"Don ").unwrap();
    tampered[at] = b'X';
    let second = SignedTarget::Document { index: 1 };
    let check = app
        .state
        .app
        .check_signature(id, second, &tampered)
        .await
        .unwrap();
    assert_eq!(
        check.reason.as_deref(),
        Some("tài liệu đã bị thay đổi sau khi ký (giá trị băm không khớp)")
    );
    let check = app
        .state
        .app
        .check_signature(id, second, &pdf)
        .await
        .unwrap();
    assert_eq!(check.reason.as_deref(), Some("tài liệu không có chữ ký số"));
    let stored = app.state.db.dossier(id).await.unwrap().unwrap();
    assert!(!stored.documents[1].signed);
    assert_eq!(stored.signatures.len(), 4, "every verdict is kept");
    // The dossier page shows each verdict on its document (a new session: the clock moved).
    let desk = app.sign_in("mc_a").await;
    let page = crate::support::body_text(
        app.send(&desk, "GET", &format!("/dossiers/{}", id.0), None)
            .await,
    )
    .await;
    assert!(
        page.contains("data-testid=\"doc-signature-0\">Chữ ký số hợp lệ: CN=Nguyen Thi Minh Khai"),
        "{page}"
    );
    assert!(page.contains(
        "data-testid=\"doc-signature-1\">Chữ ký số không hợp lệ: tài liệu không có chữ ký số"
    ));
    // Checking the same file again records nothing new.
    app.state
        .app
        .check_signature(id, first, &signed)
        .await
        .unwrap();
    assert_eq!(
        app.state
            .db
            .dossier(id)
            .await
            .unwrap()
            .unwrap()
            .signatures
            .len(),
        4
    );
}
