//! The personal-data access log: opening a citizen's dossier page or one of its documents is
//! logged with who, what and why; leaders see the log on the dossier page, desk officers do not.

use crate::support::{TestApp, UNIT_A, body_text};

#[tokio::test]
async fn every_opening_of_a_citizens_data_is_logged_with_who_and_why() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let page = body_text(
        app.send(&desk, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(
        !page.contains("data-testid=\"reads\""),
        "a desk officer does not see the log"
    );
    let r = app
        .send(&desk, "GET", &format!("/dossiers/{id}/documents/0"), None)
        .await;
    assert_eq!(r.status(), 200);
    let reads = app
        .state
        .db
        .reads_of_dossier(id.parse().unwrap(), 10)
        .await
        .unwrap();
    let objects: Vec<&str> = reads.iter().map(|r| r.object.as_str()).collect();
    assert_eq!(objects, ["document:0", "dossier"], "newest first");
    assert!(reads.iter().all(|r| r.subject == "048190000001"));
    assert_eq!(reads[0].purpose, "Tiếp nhận, trả kết quả hồ sơ");

    let leader = app.sign_in("ld_a").await;
    let page = body_text(
        app.send(&leader, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"reads\""), "{page}");
    assert!(
        page.contains("Chỉ đạo, phê duyệt, ký kết quả"),
        "the leader's own opening is there"
    );
    assert!(
        page.contains("Đơn đăng ký biến động"),
        "the document opened is named"
    );
    // Someone who cannot see the dossier opens nothing, and nothing is logged for them.
    let other = app.sign_in("mc_b").await;
    let r = app
        .send(&other, "GET", &format!("/dossiers/{id}/documents/0"), None)
        .await;
    assert_eq!(r.status(), 404);
    let reads = app
        .state
        .db
        .reads_of_dossier(id.parse().unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(reads.len(), 3);
}

/// A restricted component (the catalogue's `confidential`) opens for leaders and the officers
/// handling the dossier only; the others see that it exists.
#[tokio::test]
async fn a_restricted_component_opens_only_for_those_handling_the_dossier() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let mut body = crate::support::new_dossier_body(UNIT_A);
    let scan = motcua_web::files::digest(&crate::support::sample_scan());
    body["documents"].as_array_mut().unwrap().push(serde_json::json!({
        "code": "giay-to-thay-doi", "name": "Giấy tờ chứng minh việc thay đổi thông tin (bản sao)",
        "originals": 0, "copies": 1, "file": scan, "reused_from": null
    }));
    let r = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(r.status(), 201);
    let id = crate::support::body_json(r).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        open(&app, &id, &desk, 2).await,
        200,
        "the officer who scanned it"
    );
    let specialist = app.sign_in("cv_a").await;
    assert_eq!(
        open(&app, &id, &specialist, 0).await,
        200,
        "an ordinary component"
    );
    assert_eq!(
        open(&app, &id, &specialist, 2).await,
        403,
        "not yet handling it"
    );
    let page = body_text(
        app.send(&specialist, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"restricted-2\""), "{page}");
    // Its name (content hash) is not given to them either, in the dossier or its history:
    // named elsewhere, it would open through another dossier.
    let api = body_text(
        app.send(&specialist, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(
        !api.contains(&scan) && api.contains("hạn chế truy cập"),
        "{api}"
    );
    let leader = app.sign_in("ld_a").await;
    let api = body_text(
        app.send(&leader, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(api.contains(&scan), "the leader reads it");
    assert_eq!(open(&app, &id, &leader, 2).await, 200);
    crate::dossiers::command(
        &app,
        &leader,
        &id,
        "assign",
        serde_json::json!({"username": "cv_a"}),
    )
    .await;
    assert_eq!(
        open(&app, &id, &specialist, 2).await,
        200,
        "assigned, now handling it"
    );
    let gs = app.sign_in("gs").await;
    assert_eq!(
        open(&app, &id, &gs, 2).await,
        403,
        "a supervisor sees the dossier, not this paper"
    );
}

async fn open(app: &TestApp, id: &str, who: &crate::support::Client, index: usize) -> u16 {
    app.send(
        who,
        "GET",
        &format!("/dossiers/{id}/documents/{index}"),
        None,
    )
    .await
    .status()
    .as_u16()
}
