//! A test application: the real router over a migrated SQLite database, with a fixed clock.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response};
use chrono::{TimeZone, Utc};
use motcua_core::calendar::builtin_data;
use motcua_core::clock::FixedClock;
use motcua_store::Db;
use motcua_web::{AppState, router};
use tower::ServiceExt;

pub struct TestApp {
    pub state: AppState,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite:{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let clock = FixedClock(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap());
        let state = AppState::new(db, Arc::new(builtin_data().unwrap()), Arc::new(clock));
        Self { state, _dir: dir }
    }

    pub async fn request(&self, req: Request<Body>) -> Response<Body> {
        router(self.state.clone()).oneshot(req).await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response<Body> {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}
