//! Retention: the administrator sets how long each type is kept; once a finished dossier's
//! period ends, a supervisor lists its expired files, a leader of the agency approves (or
//! refuses, with a reason), and only then are the files destroyed — the dossier records it,
//! bytes no kept record shares are deleted, and nothing else moves.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;

use crate::dossiers::command;
use crate::support::{Client, TestApp, UNIT_A, UNIT_B, body_json, body_text, new_dossier_body};

async fn form(app: &TestApp, who: &Client, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut body = format!("csrf={}", who.csrf);
    for (k, v) in fields {
        body.push_str(&format!("&{k}={}", urlencode(v)));
    }
    let r = app
        .request(
            Request::post(path)
                .header(header::COOKIE, &who.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (status, location.unwrap_or(body_text(r).await))
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn page(app: &TestApp, who: &Client, path: &str) -> (u16, String) {
    let r = app.send(who, "GET", path, None).await;
    (r.status().as_u16(), body_text(r).await)
}

/// A dossier of UNIT_A returned with its result; its application form has a scan of its own.
async fn finished(app: &TestApp) -> (String, String) {
    let desk = app.sign_in("mc_a").await;
    let own = crate::facts::upload(
        app,
        &desk,
        &motcua_web::sample_pdf::one_page_pdf("don rieng"),
    )
    .await;
    let mut body = new_dossier_body(UNIT_A);
    body["documents"][0]["file"] = own.clone().into();
    let r = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(r.status(), 201);
    let id = body_json(r).await["id"].as_str().unwrap().to_owned();
    let specialist = app.sign_in("cv_a").await;
    let leader = app.sign_in("ld_a").await;
    command(
        app,
        &specialist,
        &id,
        "complete_step",
        serde_json::json!({"note": null}),
    )
    .await;
    command(app, &leader, &id, "sign", serde_json::json!({"note": null})).await;
    let result =
        crate::facts::upload(app, &desk, &motcua_web::sample_pdf::one_page_pdf("GCN")).await;
    command(
        app,
        &desk,
        &id,
        "record_result",
        serde_json::json!({"result": {"name": "GCN", "file": result}}),
    )
    .await;
    command(
        app,
        &desk,
        &id,
        "record_payment",
        serde_json::json!({"purpose": "fees", "reference": "BL-9", "amount": 28000}),
    )
    .await;
    command(app, &desk, &id, "return_result", serde_json::json!({})).await;
    (id, own)
}

#[tokio::test]
async fn expired_files_are_destroyed_only_by_a_list_a_leader_of_the_agency_approves() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    // The application form (don-dang-ky) is kept one year; the certificate stays permanent.
    let (status, html) = page(&app, &admin, "/admin/luu-tru").await;
    assert_eq!(status, 200);
    assert!(html.contains("land_certificate") && html.contains("value=\"vĩnh viễn\""));
    let rows: Vec<(String, String)> = {
        let mut rows = Vec::new();
        let mut rest = html.as_str();
        while let Some(at) = rest.find("name=\"type") {
            rest = &rest[at + 10..];
            let i: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let v = rest
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned();
            rows.push((i, v));
        }
        rows
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, t) in &rows {
        fields.push((format!("type{i}"), t.clone()));
        let years = match t.as_str() {
            "*" => "10",
            "don-dang-ky" => "1",
            "land_certificate" => "vĩnh viễn",
            _ => "",
        };
        fields.push((format!("years{i}"), years.into()));
        fields.push((format!("basis{i}"), "Quyết định của UBND tỉnh".into()));
    }
    let as_refs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    // A period that is not a number is refused, and nothing is saved.
    let mut bad = as_refs(&fields);
    bad.iter_mut()
        .find(|(k, v)| k.starts_with("years") && v == "1")
        .unwrap()
        .1 = "một".into();
    let b: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, html) = form(&app, &admin, "/admin/luu-tru", &b).await;
    assert_eq!(status, 422);
    assert!(html.contains("thời hạn là số năm"), "{html}");
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, to) = form(&app, &admin, "/admin/luu-tru", &f).await;
    assert_eq!((status, to.as_str()), (303, "/admin/luu-tru?luu=1"));
    let rules = app.state.app.retention_rules().await.unwrap();
    assert_eq!(
        motcua_core::retention::rule_for(&rules, "don-dang-ky")
            .unwrap()
            .years,
        Some(1)
    );

    let (id, own) = finished(&app).await;
    // Nothing has expired yet: the period runs from the end of the year it ended.
    let gs = app.sign_in("gs").await;
    let (status, html) = page(&app, &gs, &format!("/luu-tru?agency={UNIT_A}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("none-expired"), "{html}");

    // Two years on, the form has expired; the certificate and the result (land) have not.
    app.advance(TimeDelta::days(800));
    let gs = app.sign_in("gs").await;
    let (_, html) = page(&app, &gs, &format!("/luu-tru?agency={UNIT_A}")).await;
    assert_eq!(
        html.matches("data-testid=\"expired-row\"").count(),
        1,
        "{html}"
    );
    // A desk officer neither reads nor proposes.
    let desk = app.sign_in("mc_a").await;
    assert_eq!(page(&app, &desk, "/luu-tru").await.0, 403);
    assert_eq!(
        form(&app, &desk, "/luu-tru/danh-muc", &[("agency", UNIT_A)])
            .await
            .0,
        403
    );
    let (status, to) = form(&app, &gs, "/luu-tru/danh-muc", &[("agency", UNIT_A)]).await;
    assert_eq!(status, 303, "{to}");
    let list = to.clone();
    let (_, html) = page(&app, &gs, &list).await;
    assert!(html.contains("Chờ lãnh đạo phê duyệt") && !html.contains("data-testid=\"approve\""));
    // Listed once: a second list finds nothing new.
    let (status, html) = form(&app, &gs, "/luu-tru/danh-muc", &[("agency", UNIT_A)]).await;
    assert_eq!(status, 422);
    assert!(html.contains("không có tài liệu nào hết thời hạn"));

    // Another agency's leader cannot decide; refusing needs a reason.
    let other = app.sign_in("ld_b").await;
    assert_ne!(UNIT_A, UNIT_B);
    let decide = format!("{list}/quyet-dinh");
    assert_eq!(
        form(&app, &other, &decide, &[("decision", "approve")])
            .await
            .0,
        403
    );
    let leader = app.sign_in("ld_a").await;
    let (status, html) = form(
        &app,
        &leader,
        &decide,
        &[("decision", "refuse"), ("note", "")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("cần ghi lý do"));
    assert!(app.state.files.exists(&own).await, "nothing destroyed yet");

    // Approved: destroyed at once, recorded on the dossier, bytes gone.
    let (status, _) = form(
        &app,
        &leader,
        &decide,
        &[("decision", "approve"), ("note", "Đồng ý")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &leader, &list).await;
    assert!(html.contains("data-testid=\"destroyed\""), "{html}");
    assert!(html.contains("1 tệp đã xóa"), "{html}");
    assert!(
        !app.state.files.exists(&own).await,
        "the form's bytes are deleted"
    );
    let d = app
        .state
        .db
        .dossier(motcua_core::dossier::DossierId(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert!(d.document_destroyed(0).is_some());
    assert_eq!(d.document_destroyed(1), None, "the certificate is kept");
    assert!(d.result_file().is_some(), "the result is kept");
    let (status, _) = page(&app, &leader, &format!("/dossiers/{id}/documents/0")).await;
    assert_eq!(status, 404);
    let (_, html) = page(&app, &leader, &format!("/dossiers/{id}")).await;
    assert!(html.contains("tệp đã tiêu hủy"));
    // The history still verifies, with the destruction in it.
    let events = app.state.db.dossier_events(d.id).await.unwrap();
    assert_eq!(events.last().unwrap().kind, "files_destroyed");
    // A decided list is not decided again; the API cannot destroy on its own.
    assert_eq!(
        form(&app, &leader, &decide, &[("decision", "approve")])
            .await
            .0,
        422
    );
    let r = app
        .send(
            &leader,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/destroy_files"),
            Some(serde_json::json!({"list": "x", "documents": [1], "result": true})),
        )
        .await;
    assert_eq!(r.status(), 403);
}
