//! Every exchange with an outside system in the signed log.

use super::payments::{callback, callback_body, ordered};
use super::*;

#[tokio::test]
async fn every_exchange_with_an_outside_system_is_in_the_signed_log() {
    use motcua_integrations::signing::{Signer, verify};
    let mut p = portal().await;
    let signer = Signer::load_or_create(&p.app.dir().join("signing.key")).unwrap();
    let public = signer.public_key();
    let log =
        motcua_integrations::MessageLog::open(p.app.state.db.clone(), signer, p.app.clock.clone())
            .await
            .unwrap();
    let systems = (*p.app.state.systems.clone().unwrap())
        .clone()
        .with_log(log);
    p.app.state = p.app.state.clone().with_systems(systems);
    let (id, order) = ordered(&p, 13).await;
    let code = p.dossier(&id).await.code.to_string();
    let body = callback_body(&code, &order);
    let forged = motcua_sim::sign("not-the-key", body.as_bytes());
    assert_eq!(callback(&p, &body, &forged).await.status(), 401);

    let db = &p.app.state.db;
    let logged = db.recent_messages(100).await.unwrap();
    let endpoints: Vec<String> = logged.iter().map(|m| m.endpoint.clone()).collect();
    assert!(
        endpoints.iter().any(|e| e.contains("/oidc/token")),
        "{endpoints:?}"
    );
    assert!(endpoints.iter().any(|e| e.contains("/registry/citizens/")));
    assert!(endpoints.iter().any(|e| e.contains("/payment/orders")));
    let incoming = logged.iter().find(|m| m.direction == "in").unwrap();
    assert_eq!(incoming.status, 401, "the forged callback is evidence too");
    assert!(incoming.request.contains(&code));
    let token = logged
        .iter()
        .find(|m| m.endpoint.contains("/oidc/token"))
        .unwrap();
    assert!(
        token.request.contains("client_secret=***"),
        "{}",
        token.request
    );
    assert!(!token.request.contains("motcua-sim-oidc-secret"));
    assert_eq!(
        db.installation_key("message-log").await.unwrap().as_deref(),
        Some(public.as_str())
    );
    let report = db
        .verify_message_log(|h, s| verify(&public, h, s))
        .await
        .unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.messages, logged.len());
    // Another key file cannot take over the log.
    let intruder = Signer::load_or_create(&p.app.dir().join("other.key")).unwrap();
    assert!(
        motcua_integrations::MessageLog::open(db.clone(), intruder, p.app.clock.clone())
            .await
            .is_err()
    );
}
