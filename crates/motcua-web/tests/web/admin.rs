//! Administration (issue 13): accounts an administrator creates with one-time passwords, the
//! second factor with a clock the test controls, the administrative log, who may reach any of
//! it, and the Vietnamese 404.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;
use motcua_core::clock::Clock as _;

use crate::support::{Client, TestApp, UNIT_A, body_json, body_text};

async fn json(
    app: &TestApp,
    who: &Client,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = app.send(who, method, path, Some(body)).await;
    let status = response.status().as_u16();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn a_new_officer_signs_in_with_a_one_time_password_and_must_replace_it() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let (status, issued) = json(
        &app,
        &admin,
        "POST",
        "/api/v1/admin/accounts",
        serde_json::json!({"username": "mc.moi", "full_name": "Trần Thị Mới", "role": "desk_officer", "units": [UNIT_A]}),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let once = issued["one_time_password"].as_str().unwrap().to_owned();

    let (officer, next) = app.password_sign_in("mc.moi", &once).await;
    assert_eq!(next, "change_password");
    let blocked = app.send(&officer, "GET", "/api/v1/dossiers", None).await;
    assert_eq!(blocked.status(), 401, "nothing before the new password");
    assert_eq!(
        body_json(blocked).await["type"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next(),
        Some("sign-in-incomplete")
    );
    let page = app
        .request(
            Request::get("/work")
                .header(header::COOKIE, &officer.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.headers()[header::LOCATION], "/login/password");

    let (status, problem) = json(
        &app,
        &officer,
        "POST",
        "/api/v1/session/password",
        serde_json::json!({"current_password": once, "new_password": "ngắn"}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = json(
        &app,
        &officer,
        "POST",
        "/api/v1/session/password",
        serde_json::json!({"current_password": once, "new_password": "sông Hàn mùa thu 2026"}),
    )
    .await;
    assert_eq!(status, 204);
    let (officer, next) = app
        .password_sign_in("mc.moi", "sông Hàn mùa thu 2026")
        .await;
    assert!(next.is_null(), "signed in: {next}");
    assert_eq!(
        app.send(&officer, "GET", "/api/v1/dossiers", None)
            .await
            .status(),
        200
    );

    // The log names each change and who made it; never a password.
    let (_, log) = json(
        &app,
        &admin,
        "GET",
        "/api/v1/admin/log",
        serde_json::json!(null),
    )
    .await;
    assert_eq!(log["intact"], true);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions[..2],
        ["account.change_password", "account.create"],
        "{actions:?}"
    );
    assert!(!log.to_string().contains(&once), "no password in the log");
}

#[tokio::test]
async fn a_supervisor_enrols_a_second_factor_and_signs_in_with_it() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let (_, issued) = json(
        &app,
        &admin,
        "POST",
        "/api/v1/admin/accounts",
        serde_json::json!({"username": "gs.moi", "full_name": "Giám sát Mới", "role": "supervisor"}),
    )
    .await;
    let once = issued["one_time_password"].as_str().unwrap().to_owned();
    let (s, _) = app.password_sign_in("gs.moi", &once).await;
    let (status, _) = json(
        &app,
        &s,
        "POST",
        "/api/v1/session/password",
        serde_json::json!({"current_password": once, "new_password": "giám sát an toàn 2026"}),
    )
    .await;
    assert_eq!(status, 204);

    let (s, next) = app
        .password_sign_in("gs.moi", "giám sát an toàn 2026")
        .await;
    assert_eq!(next, "enrol_second_factor", "supervisors must have one");
    assert_eq!(
        app.send(&s, "GET", "/api/v1/session", None).await.status(),
        401
    );
    let (status, enrol) = json(
        &app,
        &s,
        "POST",
        "/api/v1/session/second-factor/enrol",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 200, "{enrol}");
    let secret = enrol["secret"].as_str().unwrap().to_owned();
    assert!(
        enrol["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/motcua%20%C4%90%C3%A0%20N%E1%BA%B5ng:gs.moi?")
    );
    let code_at = |app: &TestApp| {
        let step = motcua_app::secrets::totp_step(app.clock.now().timestamp());
        motcua_app::secrets::totp_code(&secret, step).unwrap()
    };
    let (status, _) = json(
        &app,
        &s,
        "POST",
        "/api/v1/session/second-factor/confirm",
        serde_json::json!({"code": "000000"}),
    )
    .await;
    assert_eq!(status, 422, "a wrong first code");
    let (status, confirmed) = json(
        &app,
        &s,
        "POST",
        "/api/v1/session/second-factor/confirm",
        serde_json::json!({"code": code_at(&app)}),
    )
    .await;
    assert_eq!(status, 200);
    let recovery: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        app.send(&s, "GET", "/api/v1/session", None).await.status(),
        200,
        "enrolled: the session works"
    );

    // Next sign-in: the code of the step just used is refused (replay), a later one works.
    let (s2, next) = app
        .password_sign_in("gs.moi", "giám sát an toàn 2026")
        .await;
    assert_eq!(next, "second_factor");
    let (status, _) = json(
        &app,
        &s2,
        "POST",
        "/api/v1/session/second-factor",
        serde_json::json!({"code": code_at(&app)}),
    )
    .await;
    assert_eq!(status, 422, "the same code twice");
    app.advance(TimeDelta::seconds(30));
    let (status, _) = json(
        &app,
        &s2,
        "POST",
        "/api/v1/session/second-factor",
        serde_json::json!({"code": code_at(&app)}),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.send(&s2, "GET", "/api/v1/dossiers", None)
            .await
            .status(),
        200
    );

    // A recovery code works once.
    let (s3, _) = app
        .password_sign_in("gs.moi", "giám sát an toàn 2026")
        .await;
    let (status, _) = json(
        &app,
        &s3,
        "POST",
        "/api/v1/session/second-factor",
        serde_json::json!({"code": recovery[0]}),
    )
    .await;
    assert_eq!(status, 204);
    let (s4, _) = app
        .password_sign_in("gs.moi", "giám sát an toàn 2026")
        .await;
    let (status, _) = json(
        &app,
        &s4,
        "POST",
        "/api/v1/session/second-factor",
        serde_json::json!({"code": recovery[0]}),
    )
    .await;
    assert_eq!(status, 422, "spent");

    // The administrator removes it (lost phone): the next sign-in enrols again.
    let reset = app
        .send(
            &admin,
            "POST",
            "/api/v1/admin/accounts/gs.moi/reset-mfa",
            None,
        )
        .await;
    assert_eq!(reset.status(), 200);
    let (_, next) = app
        .password_sign_in("gs.moi", "giám sát an toàn 2026")
        .await;
    assert_eq!(next, "enrol_second_factor");
}

/// Every administration endpoint (GETs must answer 403 to others; changes 403, or 422 when
/// the body is refused before the role is looked at).
const ADMIN_ENDPOINTS: [(&str, &str); 18] = [
    ("GET", "/api/v1/admin/accounts"),
    ("POST", "/api/v1/admin/accounts"),
    ("PUT", "/api/v1/admin/accounts/mc_a"),
    ("POST", "/api/v1/admin/accounts/mc_a/disable"),
    ("PUT", "/api/v1/admin/agencies"),
    ("POST", "/api/v1/admin/agencies/000.11.12.H48/rename"),
    ("PUT", "/api/v1/admin/agencies/000.11.12.H48/office-hours"),
    ("GET", "/api/v1/admin/log"),
    ("GET", "/api/v1/admin/tokens"),
    ("POST", "/api/v1/admin/tokens"),
    (
        "POST",
        "/api/v1/admin/tokens/00000000-0000-0000-0000-000000000000/revoke",
    ),
    ("GET", "/api/v1/admin/calendar"),
    ("PUT", "/api/v1/admin/calendar"),
    (
        "DELETE",
        "/api/v1/admin/calendar?kind=year-schedule&key=2026/national",
    ),
    ("POST", "/api/v1/admin/procedures"),
    ("PUT", "/api/v1/admin/procedures/1.013833/agencies"),
    ("PUT", "/api/v1/admin/procedures/1.013833/portal-code"),
    ("POST", "/api/v1/session/second-factor/confirm"),
];

/// Every administration page.
const ADMIN_PAGES: [&str; 11] = [
    "/admin",
    "/admin/tai-khoan",
    "/admin/tai-khoan/mc_a",
    "/admin/co-quan",
    "/admin/co-quan/000.11.12.H48",
    "/admin/nhat-ky",
    "/admin/ma-truy-cap",
    "/admin/lich",
    "/admin/thu-tuc",
    "/admin/thu-tuc/1.013833",
    "/admin/hang-doi",
];

#[tokio::test]
async fn only_administrators_reach_administration_and_only_their_province() {
    let app = TestApp::new().await;
    app.seed().await;
    for username in ["mc_a", "cv_a", "ld_a", "gs"] {
        let who = app.sign_in(username).await;
        for (method, path) in ADMIN_ENDPOINTS {
            let body =
                (method != "GET").then(|| serde_json::json!({"full_name": "x", "role": "leader"}));
            let status = app.send(&who, method, path, body).await.status();
            if path.starts_with("/api/v1/session/") {
                // Not administration, but no one without an enrolment started can confirm one.
                assert_eq!(status, 422, "{username} {path}");
                continue;
            }
            assert!(
                status == 403 || status == 422,
                "{username} {method} {path}: {status}"
            );
            if method == "GET" {
                assert_eq!(status, 403, "{username} {path}");
            }
        }
        for page in ADMIN_PAGES {
            let response = app
                .request(
                    Request::get(page)
                        .header(header::COOKIE, &who.cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(response.status(), 403, "{username} {page}");
        }
    }
    // An account of another province is invisible to this province's administrator.
    app.state
        .db
        .create_account(
            &motcua_store::NewAccount {
                username: "qt.hanoi".into(),
                full_name: "Quản trị Hà Nội".into(),
                password_hash: "x".into(),
                role: "administrator".into(),
                province_code: "01".into(),
                units: vec![],
            },
            app.clock.now(),
        )
        .await
        .unwrap();
    let admin = app.sign_in("qt").await;
    let accounts = body_json(
        app.send(&admin, "GET", "/api/v1/admin/accounts", None)
            .await,
    )
    .await;
    assert!(!accounts.to_string().contains("qt.hanoi"));
    let hanoi_token = app
        .state
        .db
        .create_api_token("x", "Hà Nội", "desk_officer", "01", &[], app.clock.now())
        .await
        .unwrap();
    let tokens = body_json(app.send(&admin, "GET", "/api/v1/admin/tokens", None).await).await;
    assert!(
        !tokens.to_string().contains("Hà Nội"),
        "another province's tokens are not listed"
    );
    let revoke = format!("/api/v1/admin/tokens/{hanoi_token}/revoke");
    for (method, path) in [
        ("POST", "/api/v1/admin/accounts/qt.hanoi/disable"),
        ("GET", "/admin/tai-khoan/qt.hanoi"),
        ("POST", revoke.as_str()),
        ("POST", "/api/v1/admin/agencies/000.00.00.H01/rename"),
        ("GET", "/admin/co-quan/000.00.00.H01"),
    ] {
        let body = (method == "POST").then(|| serde_json::json!({"name": "x"}));
        assert_eq!(
            app.send(&admin, method, path, body).await.status(),
            404,
            "{path}"
        );
    }
    // An agency of another province cannot be given to an account.
    let (status, problem) = json(&app, &admin, "PUT", "/api/v1/admin/accounts/mc_a",
        serde_json::json!({"full_name": "Cán bộ mc_a", "role": "desk_officer", "units": ["000.00.20.H01"]})).await;
    assert_eq!(status, 422, "{problem}");
}

#[tokio::test]
async fn the_pages_create_an_account_and_show_the_log() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let form = format!(
        "csrf={}&username=ld.moi&full_name=L%C3%AA+V%C4%83n+M%E1%BB%9Bi&role=leader&units={UNIT_A}&units=000.12.12.H48",
        admin.csrf
    );
    let response = app
        .request(
            Request::post("/admin/tai-khoan")
                .header(header::COOKIE, &admin.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = body_text(response).await;
    assert!(html.contains("data-testid=\"one-time-password\""), "{html}");
    let created = app
        .state
        .db
        .account_by_username("ld.moi")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        created.units.0,
        vec![UNIT_A.to_owned(), "000.12.12.H48".to_owned()]
    );
    assert!(created.must_change_password);

    let log = app
        .request(
            Request::get("/admin/nhat-ky")
                .header(header::COOKIE, &admin.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = body_text(log).await;
    assert!(
        html.contains("account.create") && html.contains("ld.moi"),
        "{html}"
    );
    assert!(
        html.contains("Toàn vẹn"),
        "the chain is checked on the page"
    );
}

#[tokio::test]
async fn unknown_addresses_answer_a_vietnamese_page_or_a_problem() {
    let app = TestApp::new().await;
    let page = app.get("/khong-co-trang-nay").await;
    assert_eq!(page.status(), 404);
    assert!(body_text(page).await.contains("Không tìm thấy trang"));
    let api = app.get("/api/v1/khong-co").await;
    assert_eq!(api.status(), 404);
    assert_eq!(
        api.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn printed_forms_link_to_the_configured_address_not_the_host_header() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let receipt = app
        .request(
            Request::get(format!("/dossiers/{}/forms/01", d["id"].as_str().unwrap()))
                .header(header::COOKIE, &desk.cookie)
                .header(header::HOST, "ke-gian.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = body_text(receipt).await;
    assert!(
        !html.contains("ke-gian.example"),
        "the Host header is not trusted"
    );
    assert!(
        html.contains("http://127.0.0.1:8080/tra-cuu?code="),
        "the configured public URL"
    );
    assert!(
        html.contains("Đà Nẵng, ngày"),
        "the place line names the province from the database"
    );
}

#[tokio::test]
async fn an_api_token_is_shown_once_works_in_its_scope_and_stops_when_revoked() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let (status, made) = json(
        &app,
        &admin,
        "POST",
        "/api/v1/admin/tokens",
        serde_json::json!({"name": "Hệ thống một cửa cũ", "role": "desk_officer", "units": [UNIT_A]}),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let token = made["token"].as_str().unwrap().to_owned();
    let bearer = |path: &str| {
        Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(app.request(bearer("/api/v1/dossiers")).await.status(), 200);
    let list = body_json(app.send(&admin, "GET", "/api/v1/admin/tokens", None).await).await;
    assert_eq!(list[0]["name"], "Hệ thống một cửa cũ");
    assert!(
        list[0]["last_used_at"].is_string(),
        "its last use is shown: {list}"
    );
    assert!(!list.to_string().contains(&token), "never the token itself");

    let id = made["id"].as_str().unwrap();
    let revoke = app
        .send(
            &admin,
            "POST",
            &format!("/api/v1/admin/tokens/{id}/revoke"),
            None,
        )
        .await;
    assert_eq!(revoke.status(), 204);
    assert_eq!(
        app.request(bearer("/api/v1/dossiers")).await.status(),
        401,
        "revoked"
    );

    let desk = app.sign_in("mc_a").await;
    let (status, _) = json(
        &app,
        &desk,
        "POST",
        "/api/v1/admin/tokens",
        serde_json::json!({"name": "x", "role": "administrator"}),
    )
    .await;
    assert_eq!(status, 403, "only administrators make tokens");
}

#[tokio::test]
async fn agencies_are_renamed_recoded_moved_and_merged_with_their_history() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let run = |path: String, body: serde_json::Value| {
        let (app, admin) = (&app, &admin);
        async move {
            app.send(admin, "POST", &path, Some(body))
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        run(
            format!("/api/v1/admin/agencies/{UNIT_A}/rename"),
            serde_json::json!({"name": "Chi nhánh khu vực Hải Châu – Sơn Trà"})
        )
        .await,
        204
    );
    assert_eq!(
        run(
            format!("/api/v1/admin/agencies/{UNIT_A}/recode"),
            serde_json::json!({"new_code": "000.21.12.H48"})
        )
        .await,
        204
    );
    let moved = app.state.db.agency(UNIT_A).await.unwrap().unwrap();
    assert_eq!(moved.code, "000.21.12.H48", "the old code still finds it");
    assert_eq!(moved.name, "Chi nhánh khu vực Hải Châu – Sơn Trà");
    assert_eq!(
        run(
            "/api/v1/admin/agencies/000.21.12.H48/recode".into(),
            serde_json::json!({"new_code": "000.12.12.H48"})
        )
        .await,
        422,
        "a code in use"
    );
    assert_eq!(
        run(
            "/api/v1/admin/agencies/000.01.12.H48/move".into(),
            serde_json::json!({"parent": "000.21.12.H48"})
        )
        .await,
        422,
        "the office under its own branch would be a cycle"
    );
    assert_eq!(
        run(
            "/api/v1/admin/agencies/000.12.12.H48/merge".into(),
            serde_json::json!({"into": "000.21.12.H48"})
        )
        .await,
        204
    );
    assert_eq!(
        app.state
            .db
            .agency("000.12.12.H48")
            .await
            .unwrap()
            .unwrap()
            .code,
        "000.21.12.H48"
    );
    assert_eq!(
        run(
            "/api/v1/admin/agencies/000.00.00.H01/rename".into(),
            serde_json::json!({"name": "x"})
        )
        .await,
        404
    );
    let history = app.state.db.agency_history("000.21.12.H48").await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        kinds.contains(&"renamed") && kinds.contains(&"recoded"),
        "{kinds:?}"
    );
    let page = app
        .request(
            Request::get("/admin/co-quan/000.21.12.H48")
                .header(header::COOKIE, &admin.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = body_text(page).await;
    assert!(
        html.contains("Chi nhánh khu vực Hải Châu – Sơn Trà") && html.contains("recoded"),
        "{html}"
    );
}

#[tokio::test]
async fn a_local_day_off_imported_by_the_administrator_moves_the_next_due_date_at_once() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let desk = app.sign_in("mc_a").await;
    let before = app.receive(&desk, UNIT_A).await["appointment"]["statutory_due"].clone();
    let local = format!(
        "kind = \"year-schedule\"\nyear = 2026\nscope = \"{UNIT_A}\"\nsource = \"Quyết định của UBND\"\n\n\
         [[days_off]]\nfrom = 2026-11-25\nto = 2026-11-25\nname = \"Nghỉ riêng\"\nname_en = \"Local day off\"\n"
    );
    let put = |body: String| {
        Request::put("/api/v1/admin/calendar?name=nghi-rieng.toml")
            .header(header::COOKIE, &admin.cookie)
            .header("x-csrf-token", &admin.csrf)
            .body(Body::from(body))
            .unwrap()
    };
    let broken = app
        .request(put(local.replace("2026-11-25\nname", "2026-13-25\nname")))
        .await;
    assert_eq!(broken.status(), 422, "a bad date is refused with its line");
    let imported = app.request(put(local)).await;
    assert_eq!(imported.status(), 200);
    assert_eq!(body_json(imported).await["key"], format!("2026/{UNIT_A}"));
    let after = app.receive(&desk, UNIT_A).await["appointment"]["statutory_due"].clone();
    assert_ne!(
        before, after,
        "the unit's next due date skips its day off, without a restart"
    );

    let removed = app
        .send(
            &admin,
            "DELETE",
            &format!("/api/v1/admin/calendar?kind=year-schedule&key=2026/{UNIT_A}"),
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    let again = app.receive(&desk, UNIT_A).await["appointment"]["statutory_due"].clone();
    assert_eq!(before, again, "removed: back to the national calendar");
}

#[tokio::test]
async fn a_new_procedure_version_is_checked_compared_and_published() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let v2 = motcua_testkit::SEED_1_013833
        .replacen("version = 1", "version = 2", 1)
        .replacen("statutory_days = 4", "statutory_days = 6", 1);
    let post = |query: &str, body: String| {
        Request::post(format!(
            "/api/v1/admin/procedures?name=1.013833.toml{query}"
        ))
        .header(header::COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .body(Body::from(body))
        .unwrap()
    };
    let broken = app
        .request(post("", v2.replacen("version = 2", "version = \"hai\"", 1)))
        .await;
    assert_eq!(broken.status(), 422);
    assert!(
        body_json(broken).await["detail"]
            .as_str()
            .unwrap()
            .contains("1.013833.toml:"),
        "names the file and line"
    );

    let dry = body_json(app.request(post("&dry_run=true", v2.clone())).await).await;
    assert_eq!(dry["current_version"], 1);
    assert!(
        dry["changes"].to_string().contains("thời hạn: 4 → 6"),
        "{dry}"
    );
    let desk = app.sign_in("mc_a").await;
    assert_eq!(
        app.receive(&desk, UNIT_A).await["procedure_version"],
        1,
        "a dry run publishes nothing"
    );

    let published = app.request(post("", v2.clone())).await;
    assert_eq!(published.status(), 200);
    assert_eq!(
        app.receive(&desk, UNIT_A).await["procedure_version"],
        2,
        "the next dossier follows v2"
    );
    let again = app.request(post("", v2)).await;
    assert_eq!(again.status(), 422, "a published version never changes");
    let log = body_json(app.send(&admin, "GET", "/api/v1/admin/log", None).await).await;
    assert_eq!(log["entries"][0]["action"], "procedure.publish");
}

#[tokio::test]
async fn office_hours_resolving_agencies_and_the_portal_code_are_set_per_province() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let desk = app.sign_in("mc_a").await;
    let put = |path: String, body: serde_json::Value| {
        let (app, admin) = (&app, &admin);
        async move {
            app.send(admin, "PUT", &path, Some(body))
                .await
                .status()
                .as_u16()
        }
    };

    // Office hours: Saturday mornings open, no cut-off; the next due date follows at once.
    let before = app.receive(&desk, UNIT_A).await["appointment"]["statutory_due"].clone();
    assert_eq!(
        put(
            format!("/api/v1/admin/agencies/{UNIT_A}/office-hours"),
            serde_json::json!({"periods": "11:30-07:00"})
        )
        .await,
        422,
        "a period that ends before it starts"
    );
    assert_eq!(
        put(
            format!("/api/v1/admin/agencies/{UNIT_A}/office-hours"),
            serde_json::json!({"periods": "07:00-11:30,13:30-17:00", "saturday": true, "cutoff": null})
        )
        .await,
        204
    );
    let after = app.receive(&desk, UNIT_A).await["appointment"]["statutory_due"].clone();
    assert_ne!(
        before, after,
        "a Saturday counts now: the due date comes earlier"
    );
    assert_eq!(
        put(
            format!("/api/v1/admin/agencies/{UNIT_A}/office-hours"),
            serde_json::json!({"periods": null})
        )
        .await,
        204
    );
    assert_eq!(
        app.receive(&desk, UNIT_A).await["appointment"]["statutory_due"],
        before
    );

    // Resolving agencies named one by one: branch B only; branch A is refused now.
    assert_eq!(
        put(
            "/api/v1/admin/procedures/1.013833/agencies".into(),
            serde_json::json!({"agencies": ["000.12.12.H48"]})
        )
        .await,
        204
    );
    let refused = app
        .send(
            &desk,
            "POST",
            "/api/v1/dossiers",
            Some(crate::support::new_dossier_body(UNIT_A)),
        )
        .await;
    assert_eq!(
        refused.status(),
        422,
        "branch A no longer resolves 1.013833"
    );
    let form = body_text(app.send(&desk, "GET", "/desk/intake/1.013833", None).await).await;
    assert!(
        form.contains("000.12.12.H48") && !form.contains("value=\"000.11.12.H48\""),
        "the desk offers only branch B"
    );
    assert_eq!(
        put(
            "/api/v1/admin/procedures/1.013833/agencies".into(),
            serde_json::json!({"agencies": []})
        )
        .await,
        204
    );
    assert_eq!(
        app.send(
            &desk,
            "POST",
            "/api/v1/dossiers",
            Some(crate::support::new_dossier_body(UNIT_A))
        )
        .await
        .status(),
        201,
        "back to the kinds"
    );

    // The national portal's code of the procedure.
    assert_eq!(
        put(
            "/api/v1/admin/procedures/1.013833/portal-code".into(),
            serde_json::json!({"portal_code": "1.013833.000.00.00.H48"})
        )
        .await,
        204
    );
    assert_eq!(
        app.state
            .db
            .portal_code("1.013833")
            .await
            .unwrap()
            .as_deref(),
        Some("1.013833.000.00.00.H48")
    );
    assert_eq!(
        put(
            "/api/v1/admin/procedures/1.013833/portal-code".into(),
            serde_json::json!({"portal_code": "có dấu"})
        )
        .await,
        422
    );
}

#[tokio::test]
async fn a_sign_in_left_half_way_can_be_abandoned() {
    let app = TestApp::new().await;
    app.seed().await;
    let (half, next) = app.password_sign_in("qt", crate::support::PASSWORD).await;
    assert_eq!(next, "second_factor");
    assert_eq!(
        app.send(&half, "DELETE", "/api/v1/session", None)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.send(
            &half,
            "POST",
            "/api/v1/session/second-factor",
            Some(serde_json::json!({"code": app.totp_code()}))
        )
        .await
        .status(),
        401,
        "the session is gone"
    );
}

#[tokio::test]
async fn supervisors_read_the_periodic_report_and_desks_do_not() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    app.receive(&desk, UNIT_A).await;
    let get = |who: &Client, path: &str| {
        let req = Request::get(path)
            .header(header::COOKIE, &who.cookie)
            .body(Body::empty())
            .unwrap();
        app.request(req)
    };
    let supervisor = app.sign_in("gs").await;
    let page = get(&supervisor, "/bao-cao?from=2026-11-01&to=2026-11-30").await;
    assert_eq!(page.status(), 200);
    let html = body_text(page).await;
    assert!(
        html.contains("data-testid=\"periodic-report\"") && html.contains("Tổng"),
        "{html}"
    );
    assert!(html.contains("Hồ sơ giải quyết đúng hạn") && html.contains("chưa có dữ liệu"));
    let backwards =
        body_text(get(&supervisor, "/bao-cao?from=2026-11-30&to=2026-11-01").await).await;
    assert!(
        backwards.contains("trước ngày đầu kỳ"),
        "a clear error, the dates kept"
    );
    assert!(backwards.contains("value=\"2026-11-30\""));
    assert_eq!(get(&desk, "/bao-cao").await.status(), 403);
}
