//! The land → tax → payment → treasury loop.

use axum::body::Body;
use axum::http::{Request, header};
use motcua_core::clock::Clock as _;

use super::*;
use crate::support::{UNIT_A, body_json, body_text};

/// Waits (bounded) until a dossier satisfies `done`.
pub(super) async fn until(
    p: &Portal,
    id: &str,
    what: &str,
    done: impl Fn(&motcua_core::dossier::Dossier) -> bool,
) {
    for _ in 0..100 {
        if done(&p.dossier(id).await) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(done(&p.dossier(id).await), "timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_land_tax_payment_loop_stops_the_clock_until_the_treasury_confirms() {
    use motcua_core::dossier::{PaymentPurpose, Status};
    use motcua_integrations::dispatch::dispatch;
    let p = served().await;
    let db = &p.app.state.db;
    let (name, text) = motcua_core::catalog::SEED
        .iter()
        .find(|(n, _)| n.contains("1.013831"))
        .unwrap();
    let procedure = motcua_core::catalog::parse_procedure(name, text).unwrap();
    db.import_procedure(&procedure, text, p.app.clock.now())
        .await
        .unwrap();
    let person = p.sim.sim.population().nth(12).unwrap().clone();
    let desk = p.app.sign_in("mc_a").await;
    let scan = motcua_web::files::digest(&crate::support::sample_scan());
    let body = serde_json::json!({
        "procedure_code": "1.013831", "channel": "counter",
        "receiving_agency": UNIT_A, "resolving_agency": UNIT_A,
        "applicant": {"type": "person", "id": person.so_dinh_danh, "name": person.ho_va_ten, "born": person.ngay_sinh,
            "address": person.noi_thuong_tru, "phone": "0905000111", "email": null},
        "documents": procedure.documents.iter().filter(|d| d.mandatory).map(|d| serde_json::json!({
            "code": d.code, "name": d.name, "originals": 1, "copies": 0,
            "file": d.digitise.then(|| scan.clone()), "reused_from": null})).collect::<Vec<_>>(),
        "area_m2": 120, "declared_value": 2_000_000_000i64,
    });
    let created = p
        .app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(created.status(), 201, "{}", body_text(created).await);
    let id = body_json(created).await["id"].as_str().unwrap().to_owned();
    let cmd = |c: &str| format!("/api/v1/dossiers/{id}/commands/{c}");
    let leader = p.app.sign_in("ld_a").await;
    let assign = p
        .app
        .send(
            &leader,
            "POST",
            &cmd("assign"),
            Some(serde_json::json!({"username": "cv_a"})),
        )
        .await;
    assert_eq!(assign.status(), 200, "{}", body_text(assign).await);
    let specialist = p.app.sign_in("cv_a").await;
    let done = p
        .app
        .send(
            &specialist,
            "POST",
            &cmd("complete_step"),
            Some(serde_json::json!({"note": "đủ điều kiện"})),
        )
        .await;
    assert_eq!(done.status(), 200, "{}", body_text(done).await);
    let d = p.dossier(&id).await;
    assert_eq!(
        d.current_step().unwrap().kind,
        motcua_core::catalog::StepKind::InterAgency
    );
    assert!(
        d.open_pause().is_some(),
        "the clock stops while the tax authority works"
    );
    let due_before = d.appointment.clone().unwrap().statutory_due;

    // The land office's data goes to the tax authority; its notice comes back by itself.
    let now = p.app.clock.now();
    assert_eq!(
        dispatch(
            db,
            p.app.state.systems.as_ref().unwrap(),
            now,
            motcua_store::TAX_TOPIC
        )
        .await
        .unwrap(),
        1
    );
    until(&p, &id, "the tax notice", |d| d.tax_notice.is_some()).await;
    let d = p.dossier(&id).await;
    assert_eq!(d.status, Status::AwaitingObligation);
    let owed: i64 = d.obligations.iter().map(|c| c.amount).sum();
    let expected: i64 = motcua_sim::obligations_for(d.code.as_str())
        .iter()
        .map(|o| o["SoTien"].as_i64().unwrap())
        .sum();
    assert_eq!(owed, expected);
    assert_eq!(
        p.sim.sim.messages().len(),
        0,
        "notifications go through the dispatcher"
    );

    // A forged notice is refused.
    let forged =
        serde_json::json!({"MaHoSo": d.code.as_str(), "SoThongBao": "X", "CacKhoanNop": []})
            .to_string();
    let r = p
        .app
        .request(
            Request::post("/api/v1/lien-thong/thue")
                .header("x-signature", motcua_sim::sign("wrong", forged.as_bytes()))
                .body(Body::from(forged))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), 401);

    // The citizen pays the obligation online; the gateway's callback alone does not resume the
    // dossier: the treasury's confirmation does.
    let cookie = p.sign_in(&person.so_dinh_danh).await;
    let (_, page) = p.page(&cookie, &format!("/cong-dan/ho-so/{id}")).await;
    assert!(
        page.contains("Chờ thực hiện nghĩa vụ tài chính")
            && page.contains("Nộp nghĩa vụ tài chính trực tuyến"),
        "the citizen sees the stage"
    );
    let desk_page = p
        .app
        .request(
            Request::get(format!("/dossiers/{id}"))
                .header(header::COOKIE, &desk.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let desk_html = body_text(desk_page).await;
    assert!(
        desk_html.contains("Chờ thực hiện nghĩa vụ tài chính")
            && desk_html.contains("Thuế thu nhập cá nhân"),
        "the desk sees it too"
    );
    let csrf = p.csrf(&cookie).await;
    let pay = p
        .post_urlencoded(
            &cookie,
            format!("/cong-dan/ho-so/{id}/thanh-toan"),
            format!("csrf={csrf}&purpose=obligation"),
        )
        .await;
    assert_eq!(pay.status(), 303, "{}", body_text(pay).await);
    let paid = reqwest::Client::new()
        .post(location(&pay))
        .send()
        .await
        .unwrap();
    assert!(paid.status().is_success());
    until(&p, &id, "the treasury's confirmation", |d| {
        d.status == Status::InProcess
    })
    .await;
    let d = p.dossier(&id).await;
    assert_eq!(d.paid(PaymentPurpose::Obligation), owed);
    assert!(d.payments.iter().all(|x| x.online));
    assert!(d.open_pause().is_none(), "the clock runs again");
    assert!(
        d.appointment.clone().unwrap().statutory_due >= due_before,
        "the due instant moved by the pause"
    );
    assert_eq!(
        p.sim.sim.portal_state().dossiers.len(),
        0,
        "portal sync is its own topic"
    );
}
