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
