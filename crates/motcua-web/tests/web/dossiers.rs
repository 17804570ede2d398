//! The dossier API: a dossier from receipt to returned result, over HTTP.

use axum::body::Body;
use axum::http::{Request, header};

use crate::support::{Client, TestApp, UNIT_A, body_json, body_text, new_dossier_body};

pub(crate) async fn command(
    app: &TestApp,
    who: &Client,
    id: &str,
    name: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let response = app
        .send(
            who,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/{name}"),
            Some(body),
        )
        .await;
    let status = response.status();
    let json = body_json(response).await;
    assert_eq!(status, 200, "{name}: {json}");
    json
}

/// The kinds of a dossier's history, oldest first, from its API body.
pub(crate) fn history_kinds(full: &serde_json::Value) -> Vec<String> {
    full["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_dossier_goes_from_receipt_to_returned_result_over_the_api() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let specialist = app.sign_in("cv_a").await;
    let leader = app.sign_in("ld_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(d["code"], format!("{UNIT_A}-261123-0001"));
    assert_eq!(d["status"], "in_process");
    let assigned = command(
        &app,
        &leader,
        &id,
        "assign",
        serde_json::json!({"username": "cv_a"}),
    )
    .await;
    assert_eq!(assigned["steps"][1]["assignee"]["name"], "Cán bộ cv_a");
    let wrong_unit = app
        .send(
            &leader,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/assign"),
            Some(serde_json::json!({"username": "cv_b"})),
        )
        .await;
    assert_eq!(
        wrong_unit.status(),
        422,
        "an officer of another unit cannot be assigned"
    );
    command(
        &app,
        &specialist,
        &id,
        "complete_step",
        serde_json::json!({"note": "Đủ điều kiện"}),
    )
    .await;
    command(
        &app,
        &leader,
        &id,
        "sign",
        serde_json::json!({"note": null}),
    )
    .await;
    let file =
        crate::facts::upload(&app, &desk, &motcua_web::sample_pdf::one_page_pdf("GCN")).await;
    let recorded = command(
        &app,
        &desk,
        &id,
        "record_result",
        serde_json::json!({"result": {"name": "GCN đã xác nhận thay đổi", "file": file}}),
    )
    .await;
    assert_eq!(
        recorded["result"]["electronic"], true,
        "its file is attached"
    );
    assert_eq!(
        recorded["result"]["signed"], false,
        "nothing verified a signature"
    );
    // The page says what stands between the result and the applicant.
    let page = body_text(
        app.send(&desk, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("chưa thu phí, lệ phí 28.000 đ"), "{page}");
    assert!(
        !page.contains("/actions/return_result"),
        "no button that can only fail"
    );
    command(
        &app,
        &desk,
        &id,
        "record_payment",
        serde_json::json!({
        "reference": "BL-0001", "purpose": "fees", "amount": 28000}),
    )
    .await;
    let page = body_text(
        app.send(&desk, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(
        page.contains("/actions/return_result"),
        "paid: the result can go"
    );
    let done = command(&app, &desk, &id, "return_result", serde_json::json!({})).await;
    assert_eq!(done["status"], "returned");
    assert_eq!(done["completion"], "early");

    let full = body_json(
        app.send(&desk, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    let kinds = history_kinds(&full);
    assert_eq!(kinds.first().map(String::as_str), Some("opened"));
    assert_eq!(kinds.last().map(String::as_str), Some("result_returned"));

    let check = full["lookup_check"].as_str().unwrap();
    let public = body_json(
        // As people type it: lower case, a space, the check in lower case.
        app.get(&format!(
            "/api/v1/lookup/{}-261123-0001%20?check={}",
            UNIT_A.to_lowercase(),
            check.to_lowercase()
        ))
        .await,
    )
    .await;
    assert_eq!(public["status"], "returned");
    assert_eq!(public["applicant"], "N***** T** M*** Khai");
    assert_eq!(app.get("/api/v1/lookup/KHONG-CO").await.status(), 404);
}

#[tokio::test]
async fn the_same_idempotency_key_replays_and_another_body_is_refused() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let post = |body: serde_json::Value| {
        Request::post("/api/v1/dossiers")
            .header(header::COOKIE, &desk.cookie)
            .header("x-csrf-token", &desk.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "k-1")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let first = body_json(app.request(post(new_dossier_body(UNIT_A))).await).await;
    let again = app.request(post(new_dossier_body(UNIT_A))).await;
    assert_eq!(again.status(), 201);
    assert_eq!(
        body_json(again).await["code"],
        first["code"],
        "replayed, not received twice"
    );
    let mut other = new_dossier_body(UNIT_A);
    other["applicant"]["name"] = "Người khác".into();
    let refused = app.request(post(other)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        body_json(refused).await["type"],
        "https://motcua.vn/problems/idempotency-key-reused"
    );
    let list = body_json(app.send(&desk, "GET", "/api/v1/dossiers", None).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let leader = app.sign_in("ld_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap();
    let version = d["version"].as_u64().unwrap();
    let assign = |etag: u64| {
        Request::post(format!("/api/v1/dossiers/{id}/commands/assign"))
            .header(header::COOKIE, &leader.cookie)
            .header("x-csrf-token", &leader.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::IF_MATCH, format!("\"{etag}\""))
            .body(Body::from(
                serde_json::json!({"username": "cv_a"}).to_string(),
            ))
            .unwrap()
    };
    let ok = app.request(assign(version)).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()[header::ETAG], format!("\"{}\"", version + 1));
    let stale = app.request(assign(version)).await;
    assert_eq!(stale.status(), 412);
    let problem = body_json(stale).await;
    assert_eq!(problem["type"], "https://motcua.vn/problems/stale-version");
    assert!(problem["detail"].as_str().unwrap().contains("tải lại"));
}

#[tokio::test]
async fn bad_input_gets_a_vietnamese_problem_document() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let mut body = new_dossier_body(UNIT_A);
    body["documents"] = serde_json::json!([]);
    let response = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let problem = body_json(response).await;
    assert_eq!(
        problem["type"],
        "https://motcua.vn/problems/invalid-request"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("thiếu thành phần"),
        "{problem}"
    );
    let garbage = app
        .request(
            Request::post("/api/v1/dossiers")
                .header(header::COOKIE, &desk.cookie)
                .header("x-csrf-token", &desk.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(garbage.status(), 422);
}

#[tokio::test]
async fn lists_filter_and_page_with_a_cursor() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    for _ in 0..5 {
        app.receive(&desk, UNIT_A).await;
    }
    let page1 = body_json(
        app.send(&desk, "GET", "/api/v1/dossiers?limit=2", None)
            .await,
    )
    .await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = body_json(
        app.send(
            &desk,
            "GET",
            &format!("/api/v1/dossiers?limit=2&cursor={cursor}"),
            None,
        )
        .await,
    )
    .await;
    let page3_cursor = page2["next_cursor"].as_str().unwrap();
    let page3 = body_json(
        app.send(
            &desk,
            "GET",
            &format!("/api/v1/dossiers?limit=2&cursor={page3_cursor}"),
            None,
        )
        .await,
    )
    .await;
    let mut codes: Vec<String> = [&page1, &page2, &page3]
        .iter()
        .flat_map(|p| {
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["code"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(codes.len(), 5);
    codes.dedup();
    assert_eq!(codes.len(), 5, "no dossier twice across pages");
    assert!(page3["next_cursor"].is_null());
    let status = body_json(
        app.send(
            &desk,
            "GET",
            "/api/v1/dossiers?status=in_process&channel=counter&procedure=1.013833",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status["items"].as_array().unwrap().len(), 5);
    let none = body_json(
        app.send(&desk, "GET", "/api/v1/dossiers?status=returned", None)
            .await,
    )
    .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let overdue = body_json(
        app.send(&desk, "GET", "/api/v1/dossiers?overdue=true", None)
            .await,
    )
    .await;
    assert!(overdue["items"].as_array().unwrap().is_empty());
    app.advance(chrono::TimeDelta::days(30));
    let desk = app.sign_in("mc_a").await;
    let overdue = body_json(
        app.send(&desk, "GET", "/api/v1/dossiers?overdue=true", None)
            .await,
    )
    .await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn the_catalogue_and_agencies_are_public() {
    let app = TestApp::new().await;
    app.seed().await;
    let list = body_json(app.get("/api/v1/procedures").await).await;
    assert_eq!(list["items"][0]["code"], "1.013833");
    let one = body_json(app.get("/api/v1/procedures/1.013833").await).await;
    assert_eq!(one["statutory_days"], 4);
    let old = body_json(app.get("/api/v1/procedures/1.003877").await).await;
    assert_eq!(old["code"], "1.013833", "a former code finds its successor");
    assert_eq!(app.get("/api/v1/procedures/0.000000").await.status(), 404);
    assert_eq!(app.get("/api/v1/agencies?province=48").await.status(), 200);
}

#[tokio::test]
async fn a_dossier_whose_clock_is_stopped_is_not_listed_as_overdue() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let specialist = app.sign_in("cv_a").await;
    let waiting = app.receive(&desk, UNIT_A).await;
    app.receive(&desk, UNIT_A).await;
    let id = waiting["id"].as_str().unwrap();
    command(
        &app,
        &specialist,
        id,
        "request_supplement",
        serde_json::json!({
        "missing": ["Bản sao giấy tờ đổi tên"], "reason": "Chưa có giấy tờ chứng minh"}),
    )
    .await;
    app.advance(chrono::TimeDelta::days(30));
    let desk = app.sign_in("mc_a").await;
    let overdue = body_json(
        app.send(&desk, "GET", "/api/v1/dossiers?overdue=true", None)
            .await,
    )
    .await;
    let items = overdue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the one whose clock runs: {overdue}");
    assert_ne!(items[0]["id"], waiting["id"]);
}

#[tokio::test]
async fn malformed_command_bodies_are_refused_with_a_problem_naming_what_is_wrong() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap();
    for (name, body, says) in [
        ("no_such_command", serde_json::json!({}), "không có lệnh"),
        ("receive_at_counter", serde_json::json!({}), "không có lệnh"),
        (
            "record_payment",
            serde_json::json!({"reference": "BL-1", "purpose": "tip", "amount": 1000}),
            "mục đích \"tip\"",
        ),
        ("refuse", serde_json::json!({"why": "x"}), "reason"),
        ("rate", serde_json::json!({"satisfaction": 5}), "rate"),
    ] {
        let response = app
            .send(
                &desk,
                "POST",
                &format!("/api/v1/dossiers/{id}/commands/{name}"),
                Some(body),
            )
            .await;
        assert_eq!(response.status(), 422, "{name}");
        let problem = body_json(response).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{name}: {problem}"
        );
    }
    let unchanged = body_json(
        app.send(&desk, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(unchanged["version"], d["version"], "nothing was recorded");
}

#[tokio::test]
async fn concurrent_commands_without_if_match_all_land_and_none_is_refused_as_stale() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let sends = (0..10).map(|n| {
        let (app, desk, id) = (&app, &desk, &id);
        async move {
            app.send(
                desk,
                "POST",
                &format!("/api/v1/dossiers/{id}/commands/record_payment"),
                Some(serde_json::json!({
                    "reference": format!("BL-{n}"), "purpose": "fees", "amount": 1000
                })),
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    assert!(
        statuses.iter().all(|s| *s == 200),
        "{}: {statuses:?}",
        app.backend
    );
    let after = body_json(
        app.send(&desk, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(after["payments"].as_array().unwrap().len(), 10);
}
