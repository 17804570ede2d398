//! Staff sign-in: sessions, CSRF, lockout, idle timeout, password change, API tokens.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;
use motcua_web::auth;

use crate::support::{PASSWORD, TestApp, body_json};

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_the_session_knows_the_caller() {
    let app = TestApp::new().await;
    app.account("mc1", "desk_officer", &["000.00.20.H48"]).await;
    let response = app.sign_in_raw("mc1", PASSWORD).await;
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback");
    let client = app.sign_in("mc1").await;
    let me = body_json(app.send(&client, "GET", "/api/v1/session", None).await).await;
    assert_eq!(me["role"], "desk_officer");
    assert_eq!(me["units"], serde_json::json!(["000.00.20.H48"]));
    assert_eq!(app.get("/api/v1/session").await.status(), 401);
}

#[tokio::test]
async fn behind_tls_the_cookie_is_secure() {
    let app = TestApp::new().await;
    app.account("mc1", "desk_officer", &["X"]).await;
    let body = serde_json::json!({"username": "mc1", "password": PASSWORD}).to_string();
    let response = app
        .request(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-proto", "https")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(
        response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::new().await;
    app.account("mc1", "desk_officer", &["X"]).await;
    for _ in 0..4 {
        assert_eq!(app.sign_in_raw("mc1", "sai").await.status(), 401);
    }
    let fifth = app.sign_in_raw("mc1", "sai").await;
    assert_eq!(fifth.status(), 423);
    assert_eq!(
        body_json(fifth).await["type"],
        "https://motcua.vn/problems/account-locked"
    );
    assert_eq!(
        app.sign_in_raw("mc1", PASSWORD).await.status(),
        423,
        "even the right password"
    );
    app.advance(TimeDelta::minutes(16));
    assert_eq!(app.sign_in_raw("mc1", PASSWORD).await.status(), 201);
    assert_eq!(app.sign_in_raw("nobody", PASSWORD).await.status(), 401);
}

#[tokio::test]
async fn a_session_ends_after_fifteen_idle_minutes() {
    let app = TestApp::new().await;
    app.account("mc1", "desk_officer", &["X"]).await;
    let client = app.sign_in("mc1").await;
    app.advance(TimeDelta::minutes(14));
    assert_eq!(
        app.send(&client, "GET", "/api/v1/session", None)
            .await
            .status(),
        200
    );
    app.advance(TimeDelta::minutes(14));
    assert_eq!(
        app.send(&client, "GET", "/api/v1/session", None)
            .await
            .status(),
        200,
        "activity keeps it alive"
    );
    app.advance(TimeDelta::minutes(16));
    assert_eq!(
        app.send(&client, "GET", "/api/v1/session", None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn state_changes_with_the_cookie_need_the_csrf_token() {
    let app = TestApp::new().await;
    app.account("mc1", "desk_officer", &["X"]).await;
    let client = app.sign_in("mc1").await;
    let forged = app
        .request(
            Request::delete("/api/v1/session")
                .header(header::COOKIE, &client.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(
        app.send(&client, "DELETE", "/api/v1/session", None)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.send(&client, "GET", "/api/v1/session", None)
            .await
            .status(),
        401,
        "signed out"
    );
}

#[tokio::test]
async fn changing_the_password_ends_every_session() {
    let app = TestApp::new().await;
    app.account("mc1", "desk_officer", &["X"]).await;
    let a = app.sign_in("mc1").await;
    let b = app.sign_in("mc1").await;
    let short = serde_json::json!({"current_password": PASSWORD, "new_password": "ngắn"});
    assert_eq!(
        app.send(&a, "POST", "/api/v1/session/password", Some(short))
            .await
            .status(),
        422
    );
    let change =
        serde_json::json!({"current_password": PASSWORD, "new_password": "mật-khẩu-mới-456"});
    assert_eq!(
        app.send(&a, "POST", "/api/v1/session/password", Some(change))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.send(&a, "GET", "/api/v1/session", None).await.status(),
        401
    );
    assert_eq!(
        app.send(&b, "GET", "/api/v1/session", None).await.status(),
        401
    );
    assert_eq!(app.sign_in_raw("mc1", PASSWORD).await.status(), 401);
    assert_eq!(
        app.sign_in_raw("mc1", "mật-khẩu-mới-456").await.status(),
        201
    );
}

#[tokio::test]
async fn external_systems_use_bearer_tokens_without_csrf() {
    let app = TestApp::new().await;
    let token = auth::new_token();
    let now = app.state.clock.now();
    app.state
        .db
        .create_api_token(
            &auth::digest(&token),
            "cong-dvcqg",
            "specialist",
            "48",
            &["000.00.12.H48".into()],
            now,
        )
        .await
        .unwrap();
    let ok = app
        .request(
            Request::get("/api/v1/session")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(body_json(ok).await["name"], "cong-dvcqg");
    let bad = app
        .request(
            Request::get("/api/v1/session")
                .header(header::AUTHORIZATION, "Bearer nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status(), 401);
}
