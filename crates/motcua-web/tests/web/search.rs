//! Staff find a dossier without its code: the API's `q` and the register's search field, by a
//! name typed without diacritics, by CCCD, by phone; only what they may see; a period that
//! ends before it starts is said, not answered with an empty register.

use crate::support::{TestApp, UNIT_A, UNIT_B, body_json, body_text, new_dossier_body};

async fn received(app: &TestApp, desk: &crate::support::Client, unit: &str, name: &str, id: &str) {
    let mut body = new_dossier_body(unit);
    body["applicant"]["name"] = name.into();
    body["applicant"]["id"] = id.into();
    let r = app.send(desk, "POST", "/api/v1/dossiers", Some(body)).await;
    assert_eq!(r.status(), 201, "{}", body_text(r).await);
}

fn names(list: &serde_json::Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["applicant_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn staff_find_dossiers_by_name_without_diacritics_id_number_and_phone() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    received(&app, &desk, UNIT_A, "Đặng Thị Hương", "048185000111").await;
    received(&app, &desk, UNIT_A, "Nguyễn Văn Hưng", "048085000222").await;
    let other = app.sign_in("mc_b").await;
    received(&app, &other, UNIT_B, "Đặng Thị Hương", "048185000999").await;

    let get = |q: &str| {
        let path = format!(
            "/api/v1/dossiers?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let app = &app;
        let desk = &desk;
        async move { body_json(app.send(desk, "GET", &path, None).await).await }
    };
    assert_eq!(
        names(&get("dang thi huong").await),
        ["Đặng Thị Hương"],
        "one: unit B's is not ours"
    );
    assert_eq!(names(&get("048085000222").await), ["Nguyễn Văn Hưng"]);
    assert_eq!(
        names(&get("0905 123 456").await).len(),
        2,
        "both of ours share the phone"
    );
    assert!(
        names(&get("huong hung").await).is_empty(),
        "every word must match"
    );
    assert!(names(&get("!!!").await).is_empty());
    let long = app
        .send(
            &desk,
            "GET",
            &format!("/api/v1/dossiers?q={}", "a".repeat(201)),
            None,
        )
        .await;
    assert_eq!(long.status(), 422);

    // The register page: the same search, and a period that ends before it starts.
    let page = body_text(
        app.send(&desk, "GET", "/register?q=nguyen+van+hung", None)
            .await,
    )
    .await;
    assert!(
        page.contains("Nguyễn Văn Hưng") && !page.contains("Đặng Thị Hương"),
        "{page}"
    );
    let page = body_text(
        app.send(
            &desk,
            "GET",
            "/register?from=2026-12-10&to=2026-12-01",
            None,
        )
        .await,
    )
    .await;
    assert!(
        page.contains("Ngày kết thúc (01/12/2026) trước ngày bắt đầu (10/12/2026)"),
        "{page}"
    );
}
