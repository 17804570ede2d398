//! The leader signs the draft result through each adapter of the signing port — a local
//! PKCS#12 key, and the simulated CA's remote signer approved on the "phone" — from the
//! dossier page; the desk records the signed draft as the result; the result's extracted
//! signature verifies with OpenSSL, and a refused or tampered signature signs nothing.

use std::process::Command as Shell;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use motcua_app::ResultSigner;
use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, DossierId};

use crate::dossiers::command;
use crate::forms_keep::{multipart, post_multipart};
use crate::support::{Client, TestApp, UNIT_A, body_text};

fn openssl(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let out = Shell::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A form post from the dossier page.
async fn post_form(app: &TestApp, who: &Client, path: &str) -> axum::http::Response<Body> {
    app.request(
        Request::post(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={}", who.csrf)))
            .unwrap(),
    )
    .await
}

/// A dossier at its signing step with a draft attached by the specialist.
async fn at_signing_step(app: &TestApp) -> (String, Client, Client) {
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let specialist = app.sign_in("cv_a").await;
    let leader = app.sign_in("ld_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    // Only a PDF can be signed.
    let png = b"\x89PNG\r\n\x1a\n not really".to_vec();
    let body = multipart(
        &[("csrf", &specialist.csrf), ("draft_name", "GCN")],
        &[("draft_file", "gcn.png", &png)],
    );
    let r = post_multipart(app, &specialist, &format!("/dossiers/{id}/draft"), body).await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("phải là tệp PDF"));
    let draft = motcua_web::sample_pdf::one_page_pdf("GIAY CHUNG NHAN - du thao");
    let body = multipart(
        &[
            ("csrf", &specialist.csrf),
            (
                "draft_name",
                "Giấy chứng nhận (cập nhật thông tin người sử dụng đất)",
            ),
        ],
        &[("draft_file", "du-thao.pdf", &draft)],
    );
    let r = post_multipart(app, &specialist, &format!("/dossiers/{id}/draft"), body).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    command(
        app,
        &specialist,
        &id,
        "complete_step",
        serde_json::json!({"note": "Đủ điều kiện"}),
    )
    .await;
    (id, desk, leader)
}

async fn dossier(app: &TestApp, id: &str) -> motcua_core::dossier::Dossier {
    app.state
        .db
        .dossier(DossierId(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap()
}

/// The desk records the signed draft as the result; returns the result file's bytes.
async fn record_signed_result(app: &TestApp, desk: &Client, id: &str) -> Vec<u8> {
    let body = multipart(
        &[
            ("csrf", &desk.csrf),
            ("result_name", ""),
            ("use_draft", "1"),
        ],
        &[],
    );
    let r = post_multipart(app, desk, &format!("/dossiers/{id}/result"), body).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let d = dossier(app, id).await;
    let result = d.result.unwrap();
    assert!(result.signed && result.electronic, "{result:?}");
    assert!(result.name.starts_with("Giấy chứng nhận"));
    let page = body_text(
        app.send(desk, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"result-signature\""), "{page}");
    let r = app
        .send(desk, "GET", &format!("/dossiers/{id}/result"), None)
        .await;
    assert_eq!(r.status(), 200);
    axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec()
}

/// `openssl cms -verify` of the PDF's embedded signature over the bytes it covers.
fn openssl_verifies(pdf: &[u8], root_pem: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let found = motcua_sign::last_signature(pdf).unwrap().unwrap();
    std::fs::write(dir.path().join("sig.der"), &found.cms).unwrap();
    std::fs::write(dir.path().join("covered.bin"), &found.covered).unwrap();
    std::fs::write(dir.path().join("root.pem"), root_pem).unwrap();
    Shell::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "sig.der",
            "-content",
            "covered.bin",
            "-CAfile",
            "root.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap()
        .status
        .success()
}

/// A PKI made by OpenSSL: a root and a PKCS#12 key under it (RSA), as a small installation
/// holds its agency's key. The test clock moves past the certificate's start (sessions end:
/// sign in again). Returns the key and the root (PEM).
pub(crate) fn agency_pkcs12(app: &TestApp) -> (motcua_sign::LocalKey, String) {
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
            "/CN=Root CA Chinh phu (thu)",
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
            "ld.key",
            "-out",
            "ld.csr",
            "-subj",
            "/CN=Pham Thi Thu/O=Chi nhanh VPDK Hai Chau",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "ld.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "ld.pem",
            "-days",
            "365",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "ld.key",
            "-in",
            "ld.pem",
            "-certfile",
            "ca.pem",
            "-passout",
            "pass:khoa-ky-2026",
            "-out",
            "ld.p12",
        ],
    );
    let key = motcua_sign::read_pkcs12(&std::fs::read(dir.join("ld.p12")).unwrap(), "khoa-ky-2026")
        .unwrap();
    // OpenSSL made the certificate just now: the test clock moves past its start.
    let born = key.chain[0]
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
    let root = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    (key, root)
}

pub(crate) fn admin() -> Actor {
    Actor::staff("qt", "Quản trị", Role::Administrator)
}

#[tokio::test]
async fn a_leader_signs_the_result_with_the_installations_pkcs12_key() {
    let app = TestApp::new().await;
    let (id, _, leader) = at_signing_step(&app).await;

    // Before signing is set up the leader is told so, and nothing is signed.
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so")).await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("chưa được cấu hình ký số"));

    let (key, root) = agency_pkcs12(&app);
    // Sessions end when the clock moves that far: sign in again.
    let leader = app.sign_in("ld_a").await;
    let desk = app.sign_in("mc_a").await;
    assert!(
        app.state
            .app
            .set_result_signer(ResultSigner::Local(Arc::new(key)))
    );

    // Signed, but not yet trusted: the verdict is kept with its reason, the step stays.
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so")).await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("chưa cấu hình chứng thư gốc"));
    let d = dossier(&app, &id).await;
    assert!(!d.draft_result.as_ref().unwrap().signed);
    assert_eq!(d.current_step().unwrap().code, "ky");

    app.state
        .app
        .set_trust_anchors(&admin(), &root)
        .await
        .unwrap();
    // Only the leader holding the step signs.
    let r = post_form(&app, &desk, &format!("/dossiers/{id}/ky-so")).await;
    assert_eq!(r.status(), 422);
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so")).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let d = dossier(&app, &id).await;
    assert!(d.draft_result.as_ref().unwrap().signed);
    assert_eq!(d.current_step().unwrap().code, "tra-ket-qua");

    let signed = record_signed_result(&app, &desk, &id).await;
    let v = motcua_sign::verify_pdf(
        &signed,
        &app.state.app.trust().await.unwrap(),
        app.state.clock.now(),
    )
    .unwrap();
    assert!(v.signer.contains("Pham Thi Thu"), "{v:?}");
    assert!(
        openssl_verifies(&signed, &root),
        "OpenSSL verifies the result"
    );
    let mut tampered = signed.clone();
    let at = tampered.windows(4).position(|w| w == b"GIAY").unwrap();
    tampered[at] = b'X';
    assert!(
        !openssl_verifies(&tampered, &root),
        "OpenSSL refuses it changed"
    );
    assert_eq!(
        motcua_sign::verify_pdf(
            &tampered,
            &app.state.app.trust().await.unwrap(),
            app.state.clock.now()
        ),
        Err(motcua_sign::Refusal::Integrity)
    );
}

#[tokio::test]
async fn a_leader_signs_on_the_phone_through_the_remote_signer() {
    let app = TestApp::new().await;
    let (id, desk, leader) = at_signing_step(&app).await;
    let config = motcua_sim::SimConfig::default();
    let sim = motcua_sim::start(config.clone(), "127.0.0.1:0")
        .await
        .unwrap();
    let systems = motcua_integrations::Systems::new(motcua_integrations::SystemsConfig::under(
        &sim.base_url(),
        "http://127.0.0.1:1",
        motcua_integrations::Keys {
            oidc_client_id: config.oidc_client_id,
            oidc_client_secret: config.oidc_client_secret,
            payment_secret: config.payment_secret,
            tax_secret: config.tax_secret,
            treasury_secret: config.treasury_secret,
            portal_secret: config.portal_secret,
            signing_secret: config.signing_secret,
        },
    ))
    .unwrap();
    assert!(
        app.state
            .app
            .set_result_signer(ResultSigner::Remote(Arc::new(systems)))
    );
    let root = sim.sim.ca_root_pem().unwrap();
    app.state
        .app
        .set_trust_anchors(&admin(), &root)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let decide = |request: String, answer: &'static str| {
        let url = format!("{}/_sim/ky-so/{request}/{answer}", sim.base_url());
        let http = http.clone();
        async move {
            let r = http.post(url).send().await.unwrap();
            assert!(r.status().is_success() || r.status().is_redirection());
        }
    };

    // The first request is refused on the phone: nothing is signed, the leader is told.
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so")).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let d = dossier(&app, &id).await;
    let waiting = app.state.app.signing_request(&d).await.unwrap().unwrap();
    let page = body_text(
        app.send(&leader, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(
        page.contains(&waiting.request),
        "the page names the request"
    );
    // Not answered yet: still waiting.
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so/hoan-tat")).await;
    assert_eq!(r.status(), 303);
    assert!(!dossier(&app, &id).await.draft_result.unwrap().signed);
    decide(waiting.request.clone(), "tu-choi").await;
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so/hoan-tat")).await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("từ chối"));
    let d = dossier(&app, &id).await;
    assert!(app.state.app.signing_request(&d).await.unwrap().is_none());
    assert_eq!(d.current_step().unwrap().code, "ky");

    // The second is approved: the signature comes back and the step finishes.
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so")).await;
    assert_eq!(r.status(), 303);
    let waiting = app
        .state
        .app
        .signing_request(&dossier(&app, &id).await)
        .await
        .unwrap()
        .unwrap();
    decide(waiting.request, "dong-y").await;
    let r = post_form(&app, &leader, &format!("/dossiers/{id}/ky-so/hoan-tat")).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let d = dossier(&app, &id).await;
    assert!(d.draft_result.as_ref().unwrap().signed);
    assert_eq!(d.current_step().unwrap().code, "tra-ket-qua");

    let signed = record_signed_result(&app, &desk, &id).await;
    assert!(
        openssl_verifies(&signed, &root),
        "OpenSSL verifies the result"
    );
    sim.stop();
}
