//! The printed forms 01–06 against their golden files (`tests/web/snapshots/`): one dossier
//! taken through receipt, a supplement round, an apology with a new date and a result returned
//! to a representative; another refused; then the register. Only the printed sheet is pinned
//! (`<article>`), with random ids, the lookup check and its QR code replaced.

use chrono::{Datelike, TimeDelta};
use serde_json::json;

use crate::dossiers::command;
use crate::snapshots::redact_uuids;
use crate::support::{Client, TestApp, UNIT_A, body_text};

/// The printed sheet of a page, with what changes from run to run replaced.
fn sheet(html: &str, check: &str) -> String {
    let start = html.find("<article").unwrap();
    let end = html.find("</article>").unwrap() + "</article>".len();
    let mut out = redact_uuids(&html[start..end]);
    if !check.is_empty() {
        out = out.replace(check, "[check]");
    }
    if let (Some(a), Some(b)) = (out.find("<?xml"), out.find("</svg>")) {
        out.replace_range(a..b + "</svg>".len(), "[qr]");
    }
    out
}

async fn form(app: &TestApp, who: &Client, id: &str, n: &str) -> String {
    let r = app
        .send(who, "GET", &format!("/dossiers/{id}/forms/{n}"), None)
        .await;
    assert_eq!(r.status(), 200, "form {n}");
    body_text(r).await
}

#[tokio::test]
async fn the_printed_forms_01_to_06_match_their_golden_files() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let check = d["lookup_check"].as_str().unwrap().to_owned();

    // Before anything happened, only the receipt and the control sheet exist.
    let r = app
        .send(&desk, "GET", &format!("/dossiers/{id}/forms/04"), None)
        .await;
    assert_eq!(r.status(), 422, "no apology before one was made");
    insta::assert_snapshot!(
        "form_01",
        sheet(&form(&app, &desk, &id, "01").await, &check)
    );

    command(
        &app,
        &desk,
        &id,
        "request_supplement",
        json!({"missing": ["Bản sao Căn cước của người được ủy quyền"], "reason": "Hồ sơ nộp thay nhưng thiếu giấy tờ của người nộp thay"}),
    )
    .await;
    insta::assert_snapshot!(
        "form_02",
        sheet(&form(&app, &desk, &id, "02").await, &check)
    );
    // Sessions end when idle: each officer signs in again after the clock moves.
    app.advance(TimeDelta::hours(2));
    desk = app.sign_in("mc_a").await;
    command(
        &app,
        &desk,
        &id,
        "submit_supplement",
        json!({"documents": []}),
    )
    .await;
    app.advance(TimeDelta::hours(1));
    let leader = app.sign_in("ld_a").await;
    let specialist = app.sign_in("cv_a").await;
    command(&app, &leader, &id, "assign", json!({"username": "cv_a"})).await;
    command(
        &app,
        &specialist,
        &id,
        "complete_step",
        json!({"note": "Đủ điều kiện xác nhận thay đổi"}),
    )
    .await;

    // An hour before the due instant the leader apologises and moves the date to a Monday.
    let stored = app
        .state
        .db
        .dossier(motcua_core::dossier::DossierId(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    let due = stored.appointment.unwrap().current_due;
    app.advance(due - motcua_core::clock::Clock::now(&*app.clock) - TimeDelta::hours(1));
    let (desk, leader) = (app.sign_in("mc_a").await, app.sign_in("ld_a").await);
    let mut monday = motcua_core::calendar::deadline::local(due).date() + TimeDelta::days(1);
    while monday.weekday() != chrono::Weekday::Mon {
        monday += TimeDelta::days(1);
    }
    let new_due = motcua_core::calendar::deadline::utc(monday.and_hms_opt(10, 0, 0).unwrap());
    command(
        &app,
        &leader,
        &id,
        "extend_with_apology",
        json!({"new_due": new_due, "reason": "Chờ Văn phòng đăng ký đất đai đối soát hồ sơ địa chính"}),
    )
    .await;
    insta::assert_snapshot!(
        "form_04",
        sheet(&form(&app, &leader, &id, "04").await, &check)
    );

    command(&app, &leader, &id, "sign", json!({"note": null})).await;
    let file =
        crate::facts::upload(&app, &desk, &motcua_web::sample_pdf::one_page_pdf("GCN")).await;
    command(
        &app,
        &desk,
        &id,
        "record_result",
        json!({"result": {"name": "Giấy chứng nhận đã xác nhận thay đổi", "file": file}}),
    )
    .await;
    command(
        &app,
        &desk,
        &id,
        "record_payment",
        json!({"reference": "BL-0001", "purpose": "fees", "amount": 28000}),
    )
    .await;
    command(
        &app,
        &desk,
        &id,
        "return_result",
        json!({"collected_by": "representative", "name": "Trần Văn Bình", "id_number": "048090000123"}),
    )
    .await;
    let sheet_05 = sheet(&form(&app, &desk, &id, "05").await, &check);
    assert!(!sheet_05.contains("system:"), "no actor ids on paper");
    insta::assert_snapshot!("form_05", sheet_05);

    // Another dossier, refused: both names of Mẫu 03.
    let other = app.receive(&desk, UNIT_A).await;
    let other_id = other["id"].as_str().unwrap();
    command(
        &app,
        &leader,
        other_id,
        "refuse",
        json!({"reason": "Giấy chứng nhận đã cấp đang bị tạm giữ theo quyết định của Tòa án"}),
    )
    .await;
    let check = other["lookup_check"].as_str().unwrap();
    let sheet_03 = sheet(&form(&app, &desk, other_id, "03").await, check);
    assert!(sheet_03.contains("Phiếu từ chối tiếp nhận giải quyết hồ sơ"));
    insta::assert_snapshot!("form_03", sheet_03);

    let r = app.send(&desk, "GET", "/register", None).await;
    insta::assert_snapshot!("form_06", sheet(&body_text(r).await, ""));
}
