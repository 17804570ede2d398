//! Findings of the hostile probe (issue 15), each kept as a test: oversize text, NUL bytes
//! (PostgreSQL refused them with a 500), the sign-in lockout race, idempotency keys left
//! reserved by a crash, formula cells in the register's CSV, and the security headers.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::TimeDelta;

use crate::support::{PASSWORD, TestApp, UNIT_A, body_json, body_text, new_dossier_body};

async fn dossier_count(app: &TestApp, client: &crate::support::Client) -> usize {
    let list = body_json(app.send(client, "GET", "/api/v1/dossiers", None).await).await;
    list["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn oversize_text_is_refused_with_its_field_named_and_nothing_is_stored() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    for (field, value, named) in [
        ("name", "A".repeat(101), "Họ và tên"),
        ("address", "x".repeat(20 * 1024), "Địa chỉ"),
        ("phone", "0".repeat(21), "Số điện thoại"),
    ] {
        let mut body = new_dossier_body(UNIT_A);
        body["applicant"][field] = serde_json::Value::String(value);
        let response = app
            .send(&desk, "POST", "/api/v1/dossiers", Some(body))
            .await;
        assert_eq!(response.status(), 422, "{}: {field}", app.backend);
        let problem = body_json(response).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(named),
            "{problem}"
        );
    }
    assert_eq!(dossier_count(&app, &desk).await, 0, "nothing was stored");
    // Within the limits it is received.
    app.receive(&desk, UNIT_A).await;
    assert_eq!(dossier_count(&app, &desk).await, 1);
}

#[tokio::test]
async fn a_nul_byte_is_a_clear_refusal_on_every_database_never_a_500() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    // Without sign-in: the public lookup and the sign-in itself.
    let lookup = app.get("/api/v1/lookup/abc%00def").await;
    assert_eq!(lookup.status(), 422, "{}", app.backend);
    let session = app
        .request(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"username":"a\u0000b","password":"x"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(session.status(), 422, "{}", app.backend);
    // A list filter, and a name in a new dossier.
    let list = app
        .send(&desk, "GET", "/api/v1/dossiers?status=a%00b", None)
        .await;
    assert_eq!(list.status(), 422, "{}", app.backend);
    let mut body = new_dossier_body(UNIT_A);
    body["applicant"]["name"] = serde_json::Value::String("Nguyễn\u{0}Văn".into());
    let created = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(created.status(), 422, "{}", app.backend);
    // A page form with a NUL: the error page, in Vietnamese.
    let page = app
        .request(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("username=mc_a%00&password=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status(), 422);
    assert!(body_text(page).await.contains("ký tự điều khiển"));
    // What the framework refuses itself (a body of the wrong type) is a problem document too.
    let wrong_type = app
        .request(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("mc_a"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status(), 415);
    assert_eq!(
        wrong_type.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(dossier_count(&app, &desk).await, 0);
}

async fn sign_in_from(app: &TestApp, address: &str, username: &str, password: &str) -> StatusCode {
    let body = serde_json::json!({"username": username, "password": password}).to_string();
    app.request(
        Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", address)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
    .status()
}

#[tokio::test]
async fn parallel_guesses_cannot_pass_the_lockout_and_unknown_names_lock_alike() {
    let app = TestApp::new().await;
    app.seed().await;
    // 40 wrong guesses and the right password at once, from one address.
    let tries = (0..41).map(|n| {
        let app = &app;
        async move {
            let password = if n == 20 { PASSWORD } else { "sai-mat-khau" };
            sign_in_from(app, "203.0.113.7", "mc_a", password).await
        }
    });
    let statuses = futures_util::future::join_all(tries).await;
    let checked = statuses
        .iter()
        .filter(|s| **s != StatusCode::LOCKED)
        .count();
    let locked = statuses.len() - checked;
    assert!(
        checked < 5 && locked >= 36,
        "{}: at most five attempts were checked: {statuses:?}",
        app.backend
    );
    // The officer is still welcome from another address.
    assert_eq!(
        sign_in_from(&app, "198.51.100.2", "mc_a", PASSWORD).await,
        StatusCode::CREATED
    );
    // A name that does not exist answers exactly as one that does: refused, then locked.
    let mut unknown = Vec::new();
    for _ in 0..5 {
        unknown.push(sign_in_from(&app, "198.51.100.3", "khong-co-ai", "x").await);
    }
    assert_eq!(
        unknown.iter().filter(|s| **s == StatusCode::LOCKED).count(),
        1
    );
    assert_eq!(
        sign_in_from(&app, "198.51.100.3", "khong-co-ai", "x").await,
        StatusCode::LOCKED
    );
    // The window passes: the address may try again.
    app.advance(TimeDelta::minutes(16));
    assert_eq!(
        sign_in_from(&app, "203.0.113.7", "mc_a", PASSWORD).await,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_key_left_reserved_by_a_crash_expires_and_a_committed_answer_is_replayed() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let post = |key: &'static str| {
        let desk = &desk;
        let app = &app;
        async move {
            app.request(
                Request::post("/api/v1/dossiers")
                    .header(header::COOKIE, &desk.cookie)
                    .header("x-csrf-token", &desk.csrf)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("idempotency-key", key)
                    .body(Body::from(new_dossier_body(UNIT_A).to_string()))
                    .unwrap(),
            )
            .await
        }
    };
    // A process died holding the key: its reservation has no answer.
    let who = app
        .state
        .db
        .account_by_username("mc_a")
        .await
        .unwrap()
        .unwrap()
        .id;
    let body = new_dossier_body(UNIT_A).to_string();
    let hash: String = {
        use sha2::Digest;
        sha2::Sha256::digest(body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let principal = format!("account:{who}");
    assert!(
        app.state
            .db
            .reserve_idempotency_key(
                &principal,
                "k-crash",
                &hash,
                app.state.clock.now(),
                TimeDelta::seconds(60)
            )
            .await
            .unwrap()
    );
    assert_eq!(post("k-crash").await.status(), 409, "still held");
    app.advance(TimeDelta::seconds(61));
    let first = post("k-crash").await;
    assert_eq!(first.status(), 201, "{}: the retry runs", app.backend);
    let first = body_json(first).await;
    // The answer was stored with the dossier: the next retry gets it, nothing is run twice.
    let again = body_json(post("k-crash").await).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(dossier_count(&app, &desk).await, 1);
    // A key that is not printable ASCII is refused, not ignored.
    let odd = app
        .request(
            Request::post("/api/v1/dossiers")
                .header(header::COOKIE, &desk.cookie)
                .header("x-csrf-token", &desk.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", "khóa".as_bytes())
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(odd.status(), 422);
    assert_eq!(dossier_count(&app, &desk).await, 1);
}

#[tokio::test]
async fn the_register_csv_shows_formulas_as_text_and_quotes_a_bare_carriage_return() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    for name in ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1+1", "-2+3"] {
        let mut body = new_dossier_body(UNIT_A);
        body["applicant"]["name"] = serde_json::Value::String(name.into());
        let r = app
            .send(&desk, "POST", "/api/v1/dossiers", Some(body))
            .await;
        assert_eq!(r.status(), 201, "{name}");
    }
    let csv = body_text(app.send(&desk, "GET", "/register.csv", None).await).await;
    for cell in [
        "\"'=HYPERLINK(\"\"http://x\"\")\"",
        "'@SUM(A1)",
        "'+1+1",
        "'-2+3",
    ] {
        assert!(csv.contains(cell), "{cell} in {csv}");
    }
    assert!(!csv.contains(",=") && !csv.contains(",@") && !csv.contains(",+"));
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_links_use_the_public_url() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap();
    for path in [
        "/login".to_owned(),
        "/api/v1/lookup/none".to_owned(),
        format!("/dossiers/{id}/forms/01"),
        "/register.csv".to_owned(),
    ] {
        let r = app
            .request(
                Request::get(&path)
                    .header(header::COOKIE, &desk.cookie)
                    .header(header::HOST, "evil.example")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let h = r.headers();
        assert!(
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("default-src"),
            "{path}"
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{path}");
        assert!(h.contains_key(header::REFERRER_POLICY), "{path}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
        if path.ends_with("forms/01") {
            let page = body_text(r).await;
            assert!(
                !page.contains("evil.example"),
                "the Host header writes no link"
            );
            assert!(page.contains(&app.state.public_url));
        }
    }
    let css = app.get("/static/app.css").await;
    assert_ne!(css.headers()[header::CACHE_CONTROL], "no-store");
    // No inline script runs under the policy: pages bind their buttons from app.js.
    let report = body_text(
        app.send(&desk, "GET", &format!("/dossiers/{id}/forms/01"), None)
            .await,
    )
    .await;
    assert!(!report.contains("onclick"));
}

#[tokio::test]
async fn the_lookup_needs_the_receipts_check_and_is_rate_limited_per_address() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let (code, check) = (
        d["code"].as_str().unwrap(),
        d["lookup_check"].as_str().unwrap(),
    );
    let from = |address: &'static str, path: String| {
        let app = &app;
        async move {
            app.request(
                Request::get(path)
                    .header("x-forwarded-for", address)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .status()
        }
    };
    // A sequential code alone, or with a wrong check, finds nothing (as an unknown code).
    assert_eq!(
        from("192.0.2.1", format!("/api/v1/lookup/{code}")).await,
        404
    );
    assert_eq!(
        from("192.0.2.1", format!("/api/v1/lookup/{code}?check=000000")).await,
        404
    );
    assert_eq!(
        from("192.0.2.1", format!("/api/v1/lookup/{code}?check={check}")).await,
        200
    );
    // The page: the receipt's QR link carries both.
    let page = body_text(
        app.get(&format!("/tra-cuu?code={code}&check={check}"))
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"status\""), "found on the page");
    // An address that guesses is slowed down; another is not.
    let mut statuses = Vec::new();
    for n in 0..40 {
        statuses.push(from("192.0.2.9", format!("/api/v1/lookup/{code}?check={n:06}")).await);
    }
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(limited, 40 - 30, "{statuses:?}");
    let r = app
        .request(
            Request::get(format!("/api/v1/lookup/{code}?check={check}"))
                .header("x-forwarded-for", "192.0.2.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(
        from("192.0.2.10", format!("/api/v1/lookup/{code}?check={check}")).await,
        200
    );
}

#[tokio::test]
async fn uploads_are_read_whole_polyglots_bombs_and_giant_images_are_not_stored() {
    use sha2::Digest;
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let mut polyglot = motcua_web::sample_pdf::one_page_pdf("ok");
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>\n%%EOF\n");
    let bare = b"%PDF-1.7\nMZ\x90\x00 this is an executable\n%%EOF\n".to_vec();
    let mut giant = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    giant.extend_from_slice(b"IHDR");
    giant.extend_from_slice(&50_000u32.to_be_bytes());
    giant.extend_from_slice(&50_000u32.to_be_bytes());
    giant.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (what, bytes) in [
        ("polyglot", polyglot),
        ("no structure", bare),
        ("50000×50000 PNG", giant),
    ] {
        let response = app
            .request(
                Request::post("/api/v1/files")
                    .header(header::COOKIE, &desk.cookie)
                    .header("x-csrf-token", &desk.csrf)
                    .header(header::CONTENT_TYPE, "application/octet-stream")
                    .body(Body::from(bytes.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), 422, "{what}");
        let digest: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            !app.state.files.exists(&digest).await,
            "{what} was not stored"
        );
    }
}

#[tokio::test]
async fn a_form_refused_for_another_reason_keeps_none_of_its_files() {
    use sha2::Digest;
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let scan = motcua_web::sample_pdf::one_page_pdf(&uuid::Uuid::new_v4().to_string());
    let digest: String = sha2::Sha256::digest(&scan)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut body = Vec::new();
    for (name, value) in [
        ("csrf", desk.csrf.as_str()),
        ("number", "123"), // not a CCCD: the form is refused
        ("name", "Nguyễn Văn A"),
        ("address", "Hải Châu, Đà Nẵng"),
        ("resolving_agency", UNIT_A),
        ("doc0", "on"),
    ] {
        body.extend_from_slice(
            format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        b"--b\r\nContent-Disposition: form-data; name=\"doc0_file\"; filename=\"don.pdf\"\r\n\r\n",
    );
    body.extend_from_slice(&scan);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let r = app
        .request(
            Request::post("/desk/intake/1.013833")
                .header(header::COOKIE, &desk.cookie)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        !app.state.files.exists(&digest).await,
        "the refused form's scan was not kept"
    );
}
