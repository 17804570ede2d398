//! The public catalogue: search that ignores diacritics, filters, the procedure page.

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
    assert!(page.contains("data-testid=\"count\">7 "));
    let one = app.get("/thu-tuc/1.003877").await;
    assert_eq!(one.status(), 200);
    let one = body_text(one).await;
    for part in [
        "Mẫu số 11/ĐK",
        "Căn cứ pháp lý",
        "5 ngày làm việc",
        "28.000 đ",
        "nộp trực tuyến giảm 50%",
    ] {
        assert!(one.contains(part), "{part}");
    }
    assert_eq!(app.get("/thu-tuc/0.000000").await.status(), 404);
}
