//! Certified electronic copies from originals: the desk certifies a scan under the next number
//! of its register, signed with the agency's key and verified before it is issued; a paper
//! copy is registered too; 4.6 counts them; the copy is reused on a new filing by the same
//! person only.

use std::sync::Arc;

use motcua_app::ResultSigner;

use crate::forms_keep::{multipart, post_multipart};
use crate::result_signing::{admin, agency_pkcs12};
use crate::support::{Client, TestApp, UNIT_A, body_json, body_text, new_dossier_body};

async fn certify(
    app: &TestApp,
    desk: &Client,
    fields: &[(&str, &str)],
    scan: Option<&[u8]>,
) -> axum::http::Response<axum::body::Body> {
    let mut all = vec![("csrf", desk.csrf.as_str())];
    all.extend_from_slice(fields);
    let files: Vec<(&str, &str, &[u8])> = scan
        .map(|b| vec![("scan", "gcn.pdf", b)])
        .unwrap_or_default();
    post_multipart(app, desk, "/chung-thuc", multipart(&all, &files)).await
}

fn id_of(r: &axum::http::Response<axum::body::Body>) -> String {
    r.headers()[axum::http::header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/chung-thuc/")
        .to_owned()
}

#[tokio::test]
async fn the_desk_certifies_an_electronic_copy_that_is_reused_on_a_new_filing() {
    let app = TestApp::new().await;
    app.seed().await;
    let (key, root) = agency_pkcs12(&app);
    app.state
        .app
        .set_result_signer(ResultSigner::Local(Arc::new(key)));
    app.state
        .app
        .set_trust_anchors(&admin(), &root)
        .await
        .unwrap();
    let desk = app.sign_in("mc_a").await;
    let gcn = motcua_web::sample_pdf::one_page_pdf("GIAY CHUNG NHAN CS 123456");
    let holder = [
        ("agency", UNIT_A),
        ("holder", "048190000001"),
        ("holder_name", "Nguyễn Thị Minh Khai"),
        ("title", "Giấy chứng nhận quyền sử dụng đất số CS 123456"),
        ("document_type", "land_certificate"),
        ("pages", "3"),
        ("kind", "electronic"),
    ];

    // Refusals keep what was typed: a bad number, an electronic copy without its scan.
    let mut bad = holder.to_vec();
    bad[1] = ("holder", "12345");
    let r = certify(&app, &desk, &bad, Some(&gcn)).await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(
        page.contains("không hợp lệ") && page.contains("value=\"12345\""),
        "{page}"
    );
    let r = certify(&app, &desk, &holder, None).await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("cần bản quét"));
    let leader = app.sign_in("ld_a").await;
    let mut theirs = vec![("csrf", leader.csrf.as_str())];
    theirs.extend_from_slice(&holder);
    let r = post_multipart(
        &app,
        &leader,
        "/chung-thuc",
        multipart(&theirs, &[("scan", "gcn.pdf", &gcn)]),
    )
    .await;
    assert_eq!(
        r.status(),
        422,
        "a leader does not certify copies at the desk"
    );

    let r = certify(&app, &desk, &holder, Some(&gcn)).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let id = id_of(&r);
    // The register names people: a specialist does not read it.
    let specialist = app.sign_in("cv_a").await;
    for path in ["/chung-thuc".to_owned(), format!("/chung-thuc/{id}")] {
        let r = app.send(&specialist, "GET", &path, None).await;
        assert_eq!(r.status(), 403, "{path}");
    }
    let page = body_text(
        app.send(&desk, "GET", &format!("/chung-thuc/{id}"), None)
            .await,
    )
    .await;
    let year = chrono::Datelike::year(&motcua_core::calendar::deadline::local(
        app.state.clock.now(),
    ));
    assert!(
        page.contains(&format!("data-testid=\"copy-reference\">1/{year}<")),
        "{page}"
    );
    assert!(
        page.contains("Đã cấp bản sao điện tử") && page.contains("5.000"),
        "fee for 3 pages: {page}"
    );
    let copy = app
        .state
        .db
        .certified_copy(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let r = app
        .send(&desk, "GET", &format!("/chung-thuc/{id}/tep"), None)
        .await;
    assert_eq!(r.status(), 200);
    let signed = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    let v = motcua_sign::verify_pdf(
        &signed,
        &app.state.app.trust().await.unwrap(),
        app.state.clock.now(),
    )
    .unwrap();
    assert!(v.signer.contains("Pham Thi Thu"), "{v:?}");
    assert_eq!(
        copy.file.as_deref(),
        Some(motcua_web::files::digest(&signed).as_str())
    );

    // A paper copy takes the next number; 4.6 counts one electronic of two certified.
    let mut paper = holder.to_vec();
    paper[6] = ("kind", "paper");
    let r = certify(&app, &desk, &paper, None).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let second = app
        .state
        .db
        .certified_copy(id_of(&r).parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.number, 2);
    let gs = app.sign_in("gs").await;
    let day = motcua_core::calendar::deadline::local(app.state.clock.now()).date();
    let indicator = |code: &'static str| {
        let app = &app;
        let gs = &gs;
        async move {
            let kpi = body_json(
                app.send(gs, "GET", &format!("/api/v1/kpi?from={day}&to={day}"), None)
                    .await,
            )
            .await;
            let i = kpi["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["code"] == code)
                .cloned()
                .unwrap();
            (
                i["numerator"].as_u64().unwrap(),
                i["denominator"].as_u64().unwrap(),
            )
        }
    };
    assert_eq!(indicator("4.6").await, (1, 2));

    // Reused on a new filing by the same person: the copy stands for the certificate.
    let desk = app.sign_in("mc_a").await;
    let mut body = new_dossier_body(UNIT_A);
    body["documents"][1]["file"] = copy.file.clone().unwrap().into();
    body["documents"][1]["reused_from"] = copy.reuse_key().into();
    let r = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body.clone()))
        .await;
    assert_eq!(r.status(), 201, "{}", body_text(r).await);
    assert_eq!(indicator("4.3").await, (1, 1), "reused (4.3)");
    // Not by someone else.
    body["applicant"]["id"] = "048190000777".into();
    let r = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("bản sao chứng thực"));
}
