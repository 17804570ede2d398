//! Fees paid online: the gateway's signed callbacks, forged ones, duplicates.

use axum::body::Body;
use axum::http::{Request, Response, header};

use super::*;
use crate::support::body_text;

/// Files, acknowledges, and orders the fees at the gateway; returns (dossier id, order).
pub(super) async fn ordered(p: &Portal, who: usize) -> (String, motcua_store::PaymentOrder) {
    let cookie = p.sign_in(&p.citizen(who)).await;
    let r = p.file_online(&cookie, "submit", &PDF_BYTES).await;
    let id = dossier_id(&r);
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
    let csrf = p.csrf(&cookie).await;
    let pay = p
        .post_urlencoded(
            &cookie,
            format!("/cong-dan/ho-so/{id}/thanh-toan"),
            format!("csrf={csrf}&purpose=fees"),
        )
        .await;
    assert_eq!(pay.status(), 303, "{}", body_text(pay).await);
    assert!(
        location(&pay).contains("/payment/pay/"),
        "sent to the gateway"
    );
    let orders = p
        .app
        .state
        .db
        .payment_orders(id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    (id, orders[0].clone())
}

pub(super) fn callback_body(code: &str, order: &motcua_store::PaymentOrder) -> String {
    serde_json::json!({
        "transaction_id": order.transaction_id, "order_code": code, "amount": order.amount,
        "status": "PAID", "paid_at": "2026-11-23T09:00:00+07:00",
    })
    .to_string()
}

pub(super) async fn callback(p: &Portal, body: &str, signature: &str) -> Response<Body> {
    p.app
        .request(
            Request::post("/api/v1/payments/callback")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-signature", signature)
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
}

pub(super) async fn payments(p: &Portal, id: &str) -> Vec<motcua_core::dossier::Payment> {
    p.dossier(id).await.payments
}

#[tokio::test]
async fn a_forged_payment_callback_is_rejected_and_changes_nothing() {
    let p = portal().await;
    let (id, order) = ordered(&p, 6).await;
    let d = p.dossier(&id).await;
    let body = callback_body(d.code.as_str(), &order);
    let forged = motcua_sim::sign("not-the-shared-key", body.as_bytes());
    let r = callback(&p, &body, &forged).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(callback(&p, &body, "").await.status(), 401, "unsigned");
    // A genuine signature over an altered amount is refused too.
    let mut cheap = order.clone();
    cheap.amount = 1;
    let altered = callback_body(d.code.as_str(), &cheap);
    let signed = motcua_sim::sign(&SimConfig::default().payment_secret, altered.as_bytes());
    assert_eq!(callback(&p, &altered, &signed).await.status(), 422);
    assert!(payments(&p, &id).await.is_empty(), "nothing recorded");
    let after = p.app.state.db.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(after.version, d.version, "the dossier did not change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_duplicate_callbacks_record_one_online_payment() {
    let p = portal().await;
    let (id, order) = ordered(&p, 7).await;
    let d = p.dossier(&id).await;
    let body = callback_body(d.code.as_str(), &order);
    let signature = motcua_sim::sign(&SimConfig::default().payment_secret, body.as_bytes());
    // Ten deliveries at once, on several threads, like a gateway retrying in a hurry.
    let mut calls = Vec::new();
    for _ in 0..10 {
        let state = p.app.state.clone();
        let req = Request::post("/api/v1/payments/callback")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-signature", signature.clone())
            .body(Body::from(body.clone()))
            .unwrap();
        calls.push(tokio::spawn(async move {
            use tower::ServiceExt as _;
            motcua_web::router(state).oneshot(req).await.unwrap()
        }));
    }
    for call in calls {
        let r = call.await.unwrap();
        assert_eq!(r.status(), 200, "{}", body_text(r).await);
    }
    let paid = payments(&p, &id).await;
    assert_eq!(paid.len(), 1, "one payment");
    assert!(paid[0].online, "recorded as an online payment");
    assert_eq!(paid[0].amount, order.amount);
    let stored = p
        .app
        .state
        .db
        .payment_order(&order.transaction_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.callbacks, 10);
    assert!(stored.paid_at.is_some());
}
