//! The web service through its real router, on a real database (SQLite, or PostgreSQL when
//! the run was given a server), with a clock the test moves; the seed procedure, staff of every
//! role in two units, and a signed-in client.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs,
    reason = "test fixtures: an unwrap failing is the test failing; helpers named for what they do"
)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response, header};
use chrono::{TimeDelta, TimeZone, Utc};
use motcua_core::calendar::builtin_data;
use motcua_core::clock::Clock;
use motcua_store::NewAccount;
use motcua_web::{AppState, auth, router};
use tower::ServiceExt;

pub use crate::clock::TestClock;
use crate::db::TestDb;

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<TestClock>,
    /// Which database the test runs on (`sqlite` or `postgres`).
    pub backend: &'static str,
    /// The database's URL, to connect again.
    pub db_url: String,
    _db: TestDb,
    _dir: tempfile::TempDir,
}

/// A signed-in client: its cookie and CSRF token.
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

pub const PASSWORD: &str = "mật-khẩu-thử-123";
/// The second-factor secret of the test administrators and supervisors (RFC 6238's key).
pub const TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

impl TestApp {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let test_db = crate::db::one().await;
        let clock = Arc::new(TestClock::at(
            Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap(),
        ));
        let mut state = AppState::new(
            test_db.db.clone(),
            Arc::new(builtin_data().unwrap()),
            clock.clone(),
        );
        // Scans go to the test's own folder, never to the working directory.
        state.files = motcua_web::files::FileStore::new(dir.path().join("files"));
        // The scan `new_dossier_body` names for every component that must be digitised.
        state.files.put(&sample_scan()).await.unwrap();
        Self {
            state,
            clock,
            backend: test_db.name,
            db_url: test_db.url.clone(),
            _db: test_db,
            _dir: dir,
        }
    }

    /// The test's own folder.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn advance(&self, by: TimeDelta) {
        self.clock.advance(by);
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
        let id = self
            .state
            .db
            .create_account(&new, self.clock.now())
            .await
            .unwrap();
        // Administrators and supervisors must have a second factor: theirs is enrolled with a
        // known secret, and `sign_in` passes it with the test clock.
        if motcua_app::second_factor_required(role) {
            let change = motcua_store::AdminChange::EnableTotp {
                id,
                secret: TOTP_SECRET.into(),
                step: 0,
                recovery: vec![],
            };
            let entry = motcua_store::AdminEntry {
                actor_id: "test".into(),
                actor_name: "test".into(),
                action: "mfa.enable".into(),
                object: username.into(),
                before: serde_json::Value::Null,
                after: serde_json::Value::Null,
            };
            self.state
                .db
                .admin_change(&change, &entry, self.clock.now())
                .await
                .unwrap();
        }
    }

    /// The current TOTP code of the test accounts' second factor.
    pub fn totp_code(&self) -> String {
        let step = motcua_app::secrets::totp_step(self.clock.now().timestamp());
        motcua_app::secrets::totp_code(TOTP_SECRET, step).unwrap()
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

    /// Signs in with a password only; answers the client and the step left (`next`).
    pub async fn password_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> (Client, serde_json::Value) {
        let response = self.sign_in_raw(username, password).await;
        assert_eq!(response.status(), 201, "{username} signs in");
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let json: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
        let client = Client {
            cookie,
            csrf: json["csrf_token"].as_str().unwrap().to_owned(),
        };
        (client, json["next"].clone())
    }

    /// Signs in completely (with the second factor for the roles that have one).
    pub async fn sign_in(&self, username: &str) -> Client {
        let (client, next) = self.password_sign_in(username, PASSWORD).await;
        if next == "second_factor" {
            // A code is accepted once per 30-second step, one step of drift either way: use the
            // next unused step in the window, and move the clock only when none is left.
            let last = self
                .state
                .db
                .account_by_username(username)
                .await
                .unwrap()
                .unwrap()
                .totp_last_step;
            let now = motcua_app::secrets::totp_step(self.clock.now().timestamp());
            let step = (now - 1).max(last + 1);
            if step > now + 1 {
                self.advance(TimeDelta::seconds(30 * (step - now - 1)));
            }
            let code = motcua_app::secrets::totp_code(TOTP_SECRET, step).unwrap();
            let passed = self
                .send(
                    &client,
                    "POST",
                    "/api/v1/session/second-factor",
                    Some(serde_json::json!({ "code": code })),
                )
                .await;
            assert_eq!(passed.status(), 204, "second factor of {username}");
        }
        client
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

/// Unit A (Hải Châu land registration branch) and unit B (Liên Chiểu).
pub const UNIT_A: &str = "000.11.12.H48";
pub const UNIT_B: &str = "000.12.12.H48";

impl TestApp {
    /// The seed procedure, and staff of every role in units A and B, a supervisor and an
    /// administrator for the province.
    pub async fn seed(&self) {
        crate::import_province_48(&self.state.db, self.clock.now()).await;
        let p = crate::procedure_1_003877();
        self.state
            .db
            .import_procedure(p, crate::SEED_1_013833, self.clock.now())
            .await
            .unwrap();
        for (unit, suffix) in [(UNIT_A, "a"), (UNIT_B, "b")] {
            self.account(&format!("mc_{suffix}"), "desk_officer", &[unit])
                .await;
            self.account(&format!("cv_{suffix}"), "specialist", &[unit])
                .await;
            self.account(&format!("ld_{suffix}"), "leader", &[unit])
                .await;
        }
        self.account("gs", "supervisor", &[]).await;
        self.account("qt", "administrator", &[]).await;
    }

    /// A counter receipt at `unit` by its desk officer; returns the dossier JSON.
    pub async fn receive(&self, client: &Client, unit: &str) -> serde_json::Value {
        let response = self
            .send(
                client,
                "POST",
                "/api/v1/dossiers",
                Some(new_dossier_body(unit)),
            )
            .await;
        assert_eq!(response.status(), 201);
        body_json(response).await
    }
}

/// The scan every test dossier's must-digitise components carry.
pub fn sample_scan() -> Vec<u8> {
    motcua_web::sample_pdf::one_page_pdf("motcua test scan")
}

/// The JSON of a complete counter dossier for procedure 1.013833 at `unit`: each mandatory
/// component, with the sample scan where the catalogue says it must be digitised.
pub fn new_dossier_body(unit: &str) -> serde_json::Value {
    let scan = motcua_web::files::digest(&sample_scan());
    let p = crate::procedure_1_003877();
    serde_json::json!({
        "procedure_code": "1.013833",
        "channel": "counter",
        "receiving_agency": unit,
        "resolving_agency": unit,
        "applicant": {
            "type": "person", "id": "048190000001", "name": "Nguyễn Thị Minh Khai",
            "born": null, "address": "Phường Hải Châu, Thành phố Đà Nẵng",
            "phone": "0905123456", "email": null
        },
        "documents": p.documents.iter().filter(|d| d.mandatory).map(|d| serde_json::json!({
            "code": d.code, "name": d.name, "originals": 1, "copies": 0,
            "file": d.digitise.then(|| scan.clone()), "reused_from": null
        })).collect::<Vec<_>>(),
    })
}
