//! A test application: the real router over a migrated SQLite database, with a clock the
//! test moves.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, Response, header};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_core::calendar::builtin_data;
use motcua_core::clock::Clock;
use motcua_store::{Db, NewAccount};
use motcua_web::{AppState, auth, router};
use tower::ServiceExt;

/// A clock the test sets.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<TestClock>,
    _dir: tempfile::TempDir,
}

/// A signed-in client: its cookie and CSRF token.
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

pub const PASSWORD: &str = "mật-khẩu-thử-123";

impl TestApp {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite:{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let clock = Arc::new(TestClock(Mutex::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap(),
        )));
        let state = AppState::new(db, Arc::new(builtin_data().unwrap()), clock.clone());
        Self {
            state,
            clock,
            _dir: dir,
        }
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.clock.0.lock().unwrap() += by;
    }

    pub async fn account(&self, username: &str, role: &str, units: &[&str]) {
        let new = NewAccount {
            username: username.into(),
            full_name: format!("Cán bộ {username}"),
            password_hash: auth::hash_password(PASSWORD).unwrap(),
            role: role.into(),
            province_code: "48".into(),
            units: units.iter().map(|u| u.to_string()).collect(),
        };
        self.state
            .db
            .create_account(&new, self.clock.now())
            .await
            .unwrap();
    }

    pub async fn request(&self, req: Request<Body>) -> Response<Body> {
        router(self.state.clone()).oneshot(req).await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response<Body> {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn sign_in_raw(&self, username: &str, password: &str) -> Response<Body> {
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        self.request(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn sign_in(&self, username: &str) -> Client {
        let response = self.sign_in_raw(username, PASSWORD).await;
        assert_eq!(response.status(), 201);
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let json: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
        Client {
            cookie,
            csrf: json["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    /// A request as a signed-in client (cookie and CSRF header).
    pub async fn send(
        &self,
        client: &Client,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Response<Body> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &client.cookie)
            .header("x-csrf-token", &client.csrf);
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        self.request(req.body(body).unwrap()).await
    }
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

pub async fn body_json(response: Response<Body>) -> serde_json::Value {
    serde_json::from_str(&body_text(response).await).unwrap()
}
