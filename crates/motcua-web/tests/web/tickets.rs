//! Queue tickets through the pages: a number taken at the kiosk, called to a counter, served
//! (the dossier received in the visit linked to it) and finished; the wait in the day's
//! figures and in the plan's wait target.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;

use crate::forms_keep::urlencode;
use crate::support::{Client, TestApp, UNIT_A, body_text};

async fn post(app: &TestApp, who: &Client, path: &str, body: &str) -> axum::http::Response<Body> {
    app.request(
        Request::post(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={}&{body}", who.csrf)))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_number_is_taken_called_served_with_its_dossier_and_counted() {
    let app = TestApp::new().await;
    app.seed().await;
    let anyone = Client {
        cookie: String::new(),
        csrf: String::new(),
    };
    let kiosk = format!("/lay-so/{UNIT_A}");
    let page = body_text(app.get(&kiosk).await).await;
    assert!(page.contains("data-testid=\"group-dat-dai\""), "{page}");
    // A bad CCCD is said, and nothing is issued.
    let r = post(&app, &anyone, &kiosk, "group=dat-dai&id_number=123").await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("12 chữ số"));
    let r = post(
        &app,
        &anyone,
        &kiosk,
        "group=dat-dai&id_number=048%20190%20000%20001",
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = body_text(r).await;
    assert!(page.contains(">D001<"), "{page}");
    let r = post(&app, &anyone, &kiosk, "group=dat-dai").await;
    assert!(body_text(r).await.contains(">D002<"));

    // Ten minutes later the desk calls the next number: the first one.
    app.advance(TimeDelta::minutes(10));
    let desk = app.sign_in("mc_a").await;
    let r = post(
        &app,
        &desk,
        "/quay/goi",
        &format!("counter={}", urlencode("Quầy 2")),
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = body_text(app.send(&desk, "GET", "/quay", None).await).await;
    assert!(
        page.contains("data-testid=\"current-number\">D001<"),
        "{page}"
    );
    let board = body_text(app.get(&format!("/bang-goi-so/{UNIT_A}")).await).await;
    assert!(
        board.contains("D001") && board.contains("Quầy 2"),
        "{board}"
    );
    // Another call while one is at the counter is refused.
    let r = post(&app, &desk, "/quay/goi", "counter=x").await;
    assert_eq!(r.status(), 422);

    let ticket = app
        .state
        .app
        .counter_ticket(&motcua_core::dossier::Actor::staff(
            desk_id(&app, "mc_a").await,
            "x".to_owned(),
            motcua_core::catalog::Role::DeskOfficer,
        ))
        .await
        .unwrap()
        .unwrap();
    // Another officer cannot finish it.
    let other = app.sign_in("cv_a").await;
    let r = post(&app, &other, &format!("/quay/{}/phuc-vu", ticket.id), "").await;
    assert_eq!(r.status(), 403);
    let r = post(&app, &desk, &format!("/quay/{}/phuc-vu", ticket.id), "").await;
    assert_eq!(r.status(), 303, "to the intake");
    // The intake form starts from the CCCD given at the kiosk.
    let form = body_text(app.send(&desk, "GET", "/desk/intake/1.013833", None).await).await;
    assert!(
        form.contains(
            "name=\"number\" inputmode=\"numeric\" required maxlength=\"14\" value=\"048190000001\""
        ),
        "{form}"
    );
    let d = app.receive(&desk, UNIT_A).await;
    app.advance(TimeDelta::minutes(30));
    let desk = app.sign_in("mc_a").await;
    let r = post(&app, &desk, &format!("/quay/{}/xong", ticket.id), "").await;
    assert_eq!(r.status(), 303);
    let done = app.state.db.ticket(ticket.id).await.unwrap().unwrap();
    assert_eq!(
        done.dossier.map(|u| u.to_string()).as_deref(),
        d["id"].as_str(),
        "the visit names its dossier"
    );
    assert_eq!(done.wait_minutes(), Some(10.0));
    assert_eq!(done.handling_minutes(), Some(30.0));

    let figures = body_text(app.send(&desk, "GET", "/quay/so-lieu", None).await).await;
    assert!(
        figures.contains("data-testid=\"total-wait\">10,0 phút<"),
        "{figures}"
    );
}

async fn desk_id(app: &TestApp, username: &str) -> String {
    app.state
        .db
        .account_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}
