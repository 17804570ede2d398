//! The public catalogue: search that ignores diacritics, filters, the procedure page.

use axum::body::Body;
use axum::http::{Request, header};

use crate::forms_keep::urlencode;
use crate::support::{TestApp, body_text};

#[tokio::test]
async fn search_ignores_diacritics_and_filters_by_field_and_agency() {
    let app = TestApp::new().await;
    for (name, text) in motcua_core::catalog::SEED {
        let p = motcua_core::catalog::parse_procedure(name, text).unwrap();
        app.state
            .db
            .import_procedure(&p, text, app.state.clock.now())
            .await
            .unwrap();
    }
    let page = body_text(app.get("/thu-tuc?q=chuyen%20nhuong").await).await;
    assert!(page.contains("data-testid=\"count\">1 "), "one match");
    assert!(page.contains("chuyển nhượng"), "found with its diacritics");
    let page = body_text(
        app.get("/thu-tuc?q=CHUY%E1%BB%82N%20NH%C6%AF%E1%BB%A2NG")
            .await,
    )
    .await;
    assert!(
        page.contains("data-testid=\"count\">1 "),
        "upper case with diacritics finds it too"
    );
    let page = body_text(
        app.get("/thu-tuc?field=M%C3%B4i%20tr%C6%B0%E1%BB%9Dng")
            .await,
    )
    .await;
    assert!(
        page.contains("data-testid=\"count\">1 ") && page.contains("tác động môi trường"),
        "field filter"
    );
    let page = body_text(app.get("/thu-tuc?agency=commune_peoples_committee").await).await;
    assert!(
        page.contains("data-testid=\"count\">1 ") && page.contains("lần đầu"),
        "agency filter"
    );
    let page = body_text(app.get("/thu-tuc").await).await;
    assert!(page.contains("data-testid=\"count\">8 "));
    let one = app.get("/thu-tuc/1.013833").await;
    assert_eq!(one.status(), 200);
    let one = body_text(one).await;
    for part in [
        "Mẫu số 18",
        "Căn cứ pháp lý",
        "4 ngày làm việc",
        "28.000 đ",
        "nộp trực tuyến giảm 50%",
    ] {
        assert!(one.contains(part), "{part}");
    }
    assert_eq!(app.get("/thu-tuc/0.000000").await.status(), 404);
}

/// The seed catalogue beside the procedure `TestApp::seed` imports.
async fn seed_catalogue(app: &TestApp) {
    for (name, text) in motcua_core::catalog::SEED {
        if name.starts_with("1.013833") {
            continue;
        }
        let p = motcua_core::catalog::parse_procedure(name, text).unwrap();
        app.state
            .db
            .import_procedure(&p, text, app.state.clock.now())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn people_s_words_find_procedures_and_the_province_edits_them() {
    let app = TestApp::new().await;
    app.seed().await;
    seed_catalogue(&app).await;
    let page = body_text(app.get("/thu-tuc?q=sang%20ten").await).await;
    assert!(
        page.contains("chuyển nhượng"),
        "'sang tên' finds the transfer"
    );
    let page = body_text(app.get("/thu-tuc?q=tach%20so").await).await;
    assert!(
        page.contains("data-testid=\"count\">1 ") && page.contains("Tách thửa hoặc hợp thửa đất"),
        "'tách sổ' finds the subdivision: {page}"
    );

    let admin = app.sign_in("qt").await;
    let save = |text: &str| {
        Request::post("/admin/thu-tuc/tu-dong-nghia")
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={}&text={}",
                admin.csrf,
                urlencode(text)
            )))
            .unwrap()
    };
    // A bad line is named and the text typed comes back.
    let r = app.request(save("tách sổ chuyển nhượng")).await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(page.contains("Dòng 1"), "{page}");
    assert!(page.contains(">tách sổ chuyển nhượng</textarea>"));
    let r = app.request(save("tách sổ = chuyển nhượng\n")).await;
    assert_eq!(r.status(), 200);
    let page = body_text(app.get("/thu-tuc?q=tach%20so").await).await;
    assert!(
        page.contains("chuyển nhượng"),
        "the province's own line works"
    );
    let page = body_text(app.get("/thu-tuc?q=sang%20ten").await).await;
    assert!(
        page.contains("data-testid=\"count\">0 "),
        "the saved list replaced the default"
    );
    let log = body_text(app.send(&admin, "GET", "/admin/nhat-ky", None).await).await;
    assert!(log.contains("catalog_synonyms"), "the change is logged");
}

#[tokio::test]
async fn a_blank_form_is_uploaded_as_a_pdf_and_downloaded_from_the_procedure_page() {
    use crate::forms_keep::{multipart, post_multipart};
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let pdf = motcua_web::sample_pdf::one_page_pdf("Mẫu số 18");
    let digest = motcua_web::files::digest(&pdf);
    let send = |document: &'static str, name: &'static str, bytes: &[u8]| {
        let csrf: &'static str = Box::leak(admin.csrf.clone().into_boxed_str());
        multipart(
            &[("csrf", csrf), ("document", document)],
            &[("file", name, bytes)],
        )
    };
    // Not a PDF, or a document the procedure lacks: refused, nothing stored.
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
    let r = post_multipart(
        &app,
        &admin,
        "/admin/thu-tuc/1.013833/mau",
        send("don-dang-ky", "mau.png", &png),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("PDF"));
    let r = post_multipart(
        &app,
        &admin,
        "/admin/thu-tuc/1.013833/mau",
        send("khong-co", "mau.pdf", &pdf),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(!app.state.files.exists(&digest).await, "nothing stored");
    assert_eq!(
        app.get("/thu-tuc/1.013833/mau/don-dang-ky").await.status(),
        404
    );

    let r = post_multipart(
        &app,
        &admin,
        "/admin/thu-tuc/1.013833/mau",
        send("don-dang-ky", "mau-11-dk.pdf", &pdf),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", body_text(r).await);
    let page = body_text(app.get("/thu-tuc/1.013833").await).await;
    assert!(page.contains("data-testid=\"blank-don-dang-ky\""), "{page}");
    let r = app.get("/thu-tuc/1.013833/mau/don-dang-ky").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/pdf");
    assert!(
        r.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(body.as_ref(), pdf.as_slice());

    // A desk officer cannot change it.
    let desk = app.sign_in("mc_a").await;
    let csrf: &'static str = Box::leak(desk.csrf.clone().into_boxed_str());
    let r = post_multipart(
        &app,
        &desk,
        "/admin/thu-tuc/1.013833/mau",
        multipart(
            &[("csrf", csrf), ("document", "don-dang-ky"), ("remove", "1")],
            &[],
        ),
    )
    .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_superseded_code_still_finds_its_procedure() {
    let app = TestApp::new().await;
    // An installation that imported the procedure under its old code, then the ministry's
    // re-publication (Decision 2304/QĐ-BNNMT) under the new one with the old as an alias.
    let (name, text) = motcua_core::catalog::SEED[0];
    let old_text = text
        .replacen("code = \"1.013833\"", "code = \"1.003877\"", 1)
        .replacen("former_codes = [\"1.003877\"]\n", "", 1);
    for t in [old_text.as_str(), text] {
        let p = motcua_core::catalog::parse_procedure(name, t).unwrap();
        app.state
            .db
            .import_procedure(&p, t, app.state.clock.now())
            .await
            .unwrap();
    }
    let old = app.get("/thu-tuc/1.003877").await;
    assert_eq!(old.status(), 308);
    assert_eq!(
        old.headers()[header::LOCATION].to_str().unwrap(),
        "/thu-tuc/1.013833"
    );
    let page = body_text(app.get("/thu-tuc/1.013833").await).await;
    assert!(
        page.contains("data-testid=\"former-codes\">1.003877<"),
        "{page}"
    );
    let all = body_text(app.get("/thu-tuc").await).await;
    assert!(
        all.contains("data-testid=\"count\">1 "),
        "the superseded one is not listed beside its successor: {all}"
    );
    let found = body_text(app.get("/thu-tuc?q=1.003877").await).await;
    assert!(found.contains("data-testid=\"count\">1 "), "{found}");
    let by_old = app.state.app.procedure("1.003877", None).await.unwrap();
    assert_eq!(by_old.code.as_str(), "1.013833");
    assert!(app.state.app.procedure("1.000001", None).await.is_err());
}
