//! What the applicant is told: the administrator's texts, retries, dead letters.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;
use motcua_core::clock::Clock as _;

use super::*;
use crate::support::body_text;

#[tokio::test]
async fn an_administrators_text_is_what_the_citizen_gets_and_failed_sends_are_retried() {
    let p = portal().await;
    let admin = p.app.sign_in("qt").await;

    let bad = p
        .post_urlencoded(
            &admin.cookie,
            "/admin/thong-bao/submitted",
            format!(
                "csrf={}&subject=x&body=H%E1%BB%93+s%C6%A1+%7Bhen_tra%7D",
                admin.csrf
            ),
        )
        .await;
    assert_eq!(
        bad.status(),
        422,
        "a field the notice does not offer is refused"
    );
    let good = p
        .post_urlencoded(
            &admin.cookie,
            "/admin/thong-bao/submitted",
            format!(
                "csrf={}&subject=x&body=MOTCUA%3A+da+nhan+ho+so+%7Bma_ho_so%7D",
                admin.csrf
            ),
        )
        .await;
    assert_eq!(good.status(), 303);
    let log = p.app.state.db.admin_log(None, 1).await.unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].object.as_str()),
        ("notice.text", "submitted"),
        "the new wording is in the administrative log"
    );
    // The SMS gateway is down: the message waits and is retried after the backoff.
    reqwest::Client::new()
        .post(format!("{}/_sim/faults", p.sim.base_url()))
        .json(&serde_json::json!([{"path_prefix": "/notify/", "error_rate_percent": 100, "status": 503}]))
        .send()
        .await
        .unwrap();
    let cookie = p.sign_in(&p.citizen(9)).await;
    let r = p.file_online(&cookie, "submit", &PDF_BYTES).await;
    assert_eq!(r.status(), 303);
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    assert_eq!(
        motcua_integrations::dispatch::dispatch_notifications(db, &systems, p.app.clock.now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.outbox_counts(motcua_store::NOTIFY_TOPIC)
            .await
            .unwrap()
            .pending,
        1,
        "kept, not lost"
    );
    reqwest::Client::new()
        .delete(format!("{}/_sim/faults", p.sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        motcua_integrations::dispatch::dispatch_notifications(db, &systems, p.app.clock.now())
            .await
            .unwrap(),
        0,
        "not before the backoff"
    );
    p.app.advance(TimeDelta::seconds(10));
    assert_eq!(
        motcua_integrations::dispatch::dispatch_notifications(db, &systems, p.app.clock.now())
            .await
            .unwrap(),
        1
    );
    let messages = p.sim.sim.messages();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].text.starts_with("MOTCUA: da nhan ho so "),
        "{:?}",
        messages[0]
    );
}

#[tokio::test]
async fn a_message_the_gateway_refuses_becomes_a_dead_letter_an_administrator_replays() {
    let p = portal().await;
    let faults = format!("{}/_sim/faults", p.sim.base_url());
    reqwest::Client::new()
        .post(&faults)
        .json(&serde_json::json!([{"path_prefix": "/notify/", "error_rate_percent": 100, "status": 400}]))
        .send()
        .await
        .unwrap();
    let cookie = p.sign_in(&p.citizen(10)).await;
    let id = dossier_id(&p.file_online(&cookie, "submit", &PDF_BYTES).await);
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    let now = p.app.clock.now();
    assert_eq!(
        motcua_integrations::dispatch::dispatch_notifications(db, &systems, now)
            .await
            .unwrap(),
        0
    );
    let counts = db.outbox_counts(motcua_store::NOTIFY_TOPIC).await.unwrap();
    assert_eq!(
        (counts.pending, counts.dead),
        (0, 1),
        "a 400 is not retried: parked at once"
    );

    let admin = p.app.sign_in("qt").await;
    let page = p
        .app
        .request(
            Request::get("/admin/hang-doi")
                .header(header::COOKIE, &admin.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = body_text(page).await;
    let code = p.dossier(&id).await.code.to_string();
    assert!(html.contains(&code) && html.contains("400"), "{html}");
    let desk = p.app.sign_in("mc_tt").await;
    let refused = p
        .app
        .request(
            Request::get("/admin/hang-doi")
                .header(header::COOKIE, &desk.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(refused.status(), 403, "administrators only");

    reqwest::Client::new().delete(&faults).send().await.unwrap();
    let dead = db.dead_letters(10).await.unwrap();
    let replay = p
        .post_urlencoded(
            &admin.cookie,
            format!("/admin/hang-doi/{}/gui-lai", dead[0].id),
            format!("csrf={}", admin.csrf),
        )
        .await;
    assert_eq!(replay.status(), 303);
    assert_eq!(
        motcua_integrations::dispatch::dispatch_notifications(db, &systems, now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(p.sim.sim.messages().len(), 1);
    assert_eq!(
        db.outbox_counts(motcua_store::NOTIFY_TOPIC)
            .await
            .unwrap()
            .dead,
        0
    );
}
