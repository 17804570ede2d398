//! Dossiers and their progress pushed to the national portal, and reconciled.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;
use motcua_core::clock::Clock as _;

use super::*;
use crate::support::body_text;

#[tokio::test]
async fn dossiers_and_their_progress_reach_the_national_portal_once_and_reconcile() {
    use motcua_integrations::dispatch::dispatch;
    use motcua_store::CHANGED_TOPIC;
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(11)).await;
    let id = dossier_id(&p.file_online(&cookie, "submit", &PDF_BYTES).await);
    let desk = p.app.sign_in("mc_tt").await;
    let ack = p
        .app
        .send(
            &desk,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/acknowledge"),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(ack.status(), 200);
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    let now = p.app.clock.now();
    let code = p.dossier(&id).await.code.to_string();

    // Before sync, reconciliation names the dossier as missing on the portal.
    let before = motcua_integrations::sync::reconcile(db, &systems)
        .await
        .unwrap();
    assert_eq!(
        before,
        vec![motcua_core::dvcqg::Difference::MissingOnPortal { code: code.clone() }]
    );

    // The province syncs this procedure under the portal's own code.
    p.app
        .state
        .app
        .set_portal_code(
            &motcua_app::installer(),
            "1.013833",
            Some("1.013833.H48".into()),
        )
        .await
        .unwrap();
    let sent = dispatch(db, &systems, now, CHANGED_TOPIC).await.unwrap();
    assert_eq!(sent, 2, "submitted, then acknowledged");
    let portal = p.sim.sim.portal_state();
    let record = &portal.dossiers[&code];
    assert_eq!(record["TrangThaiHoSo"], 4, "in process");
    assert_eq!(record["KenhThucHien"], 2, "online");
    assert_eq!(record["MaTTHC"], "1.013833.H48", "the mapped code");
    assert_eq!(record["DungDanCu"], true);
    assert!(
        record["NgayHenTra"].as_str().unwrap().len() == 14,
        "yyyyMMddHHmmss"
    );
    let steps: Vec<i64> = portal.progress[&code]
        .iter()
        .map(|r| r["STT"].as_i64().unwrap())
        .collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "in order: {steps:?}");
    // Each record carries the status right after its own event, not today's.
    let status_of = |what: &str| {
        portal.progress[&code]
            .iter()
            .find(|r| r["NoiDungXuLy"] == what)
            .map(|r| r["TrangThai"].clone())
    };
    assert_eq!(status_of("Nộp hồ sơ"), Some(1.into()), "submitted then");
    assert_eq!(
        status_of("Tiếp nhận hồ sơ"),
        Some(4.into()),
        "in process since"
    );
    assert_eq!((portal.duplicates, portal.out_of_order), (0, 0));
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );

    let admin = p.app.sign_in("qt").await;
    let page = p
        .app
        .request(
            Request::get("/admin/doi-soat")
                .header(header::COOKIE, &admin.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        body_text(page).await.contains("Khớp hoàn toàn"),
        "the reconciliation page agrees"
    );
    let applied = portal.applied;

    // A change the portal has not heard of yet shows up in reconciliation until it is sent.
    let ask = p
        .app
        .send(
            &desk,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/request_supplement"),
            Some(serde_json::json!({"missing": ["Bản sao sổ hộ khẩu"], "reason": "thiếu"})),
        )
        .await;
    assert_eq!(ask.status(), 200);
    let diff = motcua_integrations::sync::reconcile(db, &systems)
        .await
        .unwrap();
    assert!(
        diff.iter().any(|d| matches!(d, motcua_core::dvcqg::Difference::Field { field, .. } if field == "TrangThaiHoSo")),
        "{diff:?}"
    );
    assert_eq!(dispatch(db, &systems, now, CHANGED_TOPIC).await.unwrap(), 1);
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );
    let portal = p.sim.sim.portal_state();
    assert_eq!(
        portal.dossiers[&code]["TrangThaiHoSo"], 5,
        "supplement requested"
    );
    assert!(portal.applied > applied);
    assert_eq!((portal.duplicates, portal.out_of_order), (0, 0));

    // The portal applies a push but its answer is lost: we send again, it applies nothing twice.
    let faults = format!("{}/_sim/faults", p.sim.base_url());
    reqwest::Client::new()
        .post(&faults)
        .json(&serde_json::json!([{"path_prefix": "/dvcqg/", "error_rate_percent": 100, "status": 503, "lose_answer": true}]))
        .send()
        .await
        .unwrap();
    let csrf = p.csrf(&cookie).await;
    let r = p
        .post_form(
            &cookie,
            &format!("/cong-dan/ho-so/{id}/bo-sung"),
            &[("csrf", csrf)],
            &[("file", "a.pdf", &PDF_BYTES)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        dispatch(db, &systems, now, CHANGED_TOPIC).await.unwrap(),
        0,
        "the answer was lost"
    );
    reqwest::Client::new().delete(&faults).send().await.unwrap();
    p.app.advance(TimeDelta::seconds(10));
    assert_eq!(
        dispatch(db, &systems, p.app.clock.now(), CHANGED_TOPIC)
            .await
            .unwrap(),
        1
    );
    let portal = p.sim.sim.portal_state();
    assert!(portal.duplicates >= 1, "the portal saw the repeat");
    let steps: Vec<i64> = portal.progress[&code]
        .iter()
        .map(|r| r["STT"].as_i64().unwrap())
        .collect();
    assert!(
        steps.windows(2).all(|w| w[0] < w[1]),
        "each progress record once, in order: {steps:?}"
    );
    assert_eq!(portal.out_of_order, 0);
    assert_eq!(
        portal.dossiers[&code]["TrangThaiHoSo"], 4,
        "back in process"
    );
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );
}
