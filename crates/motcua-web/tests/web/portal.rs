//! The citizen portal against the simulator of the government systems (real HTTP on
//! loopback): e-ID sign-in, the prefilled e-form, uploads checked by content, drafts, online
//! submission, reuse of accepted documents, payment callbacks, notifications.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, Response, header};
use chrono::TimeDelta;
use motcua_core::units::{parse_admin_units, parse_agency_file};
use motcua_integrations::{Keys, Systems, SystemsConfig};
use motcua_sim::{SimConfig, SimHandle};

use motcua_core::clock::Clock as _;

use crate::support::{TestApp, UNIT_A, body_json, body_text};

/// The city's public service centre: a desk where citizens may file.
const DESK: &str = "000.00.20.H48";
const PDF: &[u8] = b"%PDF-1.7\n% test scan\n";

/// The service with the simulator of the government systems behind it.
pub(crate) struct Portal {
    pub(crate) app: TestApp,
    pub(crate) sim: SimHandle,
    files: PathBuf,
}

pub(crate) async fn portal() -> Portal {
    setup("http://motcua.test").await
}

/// A portal whose service also listens on a loopback port, for systems that call back
/// (the tax authority, the treasury, the payment gateway).
async fn served() -> Portal {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let p = setup(&format!("http://{}", listener.local_addr().unwrap())).await;
    let state = p.app.state.clone();
    tokio::spawn(motcua_web::serve(listener, state, std::future::pending()));
    p
}

async fn setup(public_url: &str) -> Portal {
    let mut app = TestApp::new().await;
    app.seed().await;
    let db = &app.state.db;
    db.import_admin_units(
        &parse_admin_units(include_str!(
            "../../../../data/administrative-units-2025.csv"
        ))
        .unwrap(),
    )
    .await
    .unwrap();
    db.import_agencies(
        &parse_agency_file(
            "48.toml",
            include_str!("../../../../catalog/agencies/48.toml"),
        )
        .unwrap(),
        app.clock.now(),
    )
    .await
    .unwrap();
    app.account("mc_tt", "desk_officer", &[DESK]).await;
    let config = SimConfig {
        population: 50,
        ..SimConfig::default()
    };
    let sim = motcua_sim::start(config.clone(), "127.0.0.1:0")
        .await
        .unwrap();
    let systems = Systems::new(SystemsConfig::under(
        &sim.base_url(),
        public_url,
        Keys {
            oidc_client_id: config.oidc_client_id,
            oidc_client_secret: config.oidc_client_secret,
            payment_secret: config.payment_secret,
            tax_secret: config.tax_secret,
            treasury_secret: config.treasury_secret,
            portal_secret: config.portal_secret,
        },
    ))
    .unwrap();
    let files = app.dir().join("files");
    app.state = app.state.clone().with_systems(systems).with_files(&files);
    Portal { app, sim, files }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(r: &Response<Body>) -> String {
    r.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

impl Portal {
    /// The `i`-th simulated citizen's CCCD number.
    fn citizen(&self, i: usize) -> String {
        self.sim
            .sim
            .population()
            .nth(i)
            .unwrap()
            .so_dinh_danh
            .clone()
    }

    /// Signs in through the e-ID provider like a browser would; returns the cookie.
    async fn sign_in(&self, id_number: &str) -> String {
        let start = self.app.get("/cong-dan/dang-nhap").await;
        assert_eq!(start.status(), 303, "sent to the e-ID provider");
        let authorize = reqwest::Url::parse(&location(&start)).unwrap();
        let q: std::collections::HashMap<String, String> =
            authorize.query_pairs().into_owned().collect();
        let login = no_redirects()
            .post(authorize.as_str().split('?').next().unwrap())
            .form(&[
                ("client_id", q["client_id"].as_str()),
                ("redirect_uri", q["redirect_uri"].as_str()),
                ("state", q["state"].as_str()),
                ("nonce", q["nonce"].as_str()),
                ("cccd", id_number),
                ("password", "vneid-demo"),
            ])
            .send()
            .await
            .unwrap();
        assert!(login.status().is_redirection(), "{}", login.status());
        let back = reqwest::Url::parse(login.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(back.path(), "/cong-dan/oidc/callback");
        let callback = self
            .app
            .get(&format!(
                "/cong-dan/oidc/callback?{}",
                back.query().unwrap()
            ))
            .await;
        assert_eq!(callback.status(), 303, "{}", body_text(callback).await);
        let cookie = callback.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.contains("HttpOnly"));
        cookie.split(';').next().unwrap().to_owned()
    }

    async fn page(&self, cookie: &str, path: &str) -> (u16, String) {
        let r = self
            .app
            .request(
                Request::get(path)
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        (r.status().as_u16(), body_text(r).await)
    }

    async fn csrf(&self, cookie: &str) -> String {
        let (_, html) = self.page(cookie, "/cong-dan").await;
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        html[at..at + 64].to_owned()
    }

    /// Posts a URL-encoded form with a session cookie.
    async fn post_urlencoded(
        &self,
        cookie: &str,
        path: impl AsRef<str>,
        body: impl Into<String>,
    ) -> Response<Body> {
        self.app
            .request(
                Request::post(path.as_ref())
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body.into()))
                    .unwrap(),
            )
            .await
    }

    /// Posts a multipart form as the citizen.
    async fn post_form(
        &self,
        cookie: &str,
        path: &str,
        fields: &[(&str, String)],
        files: &[(&str, &str, &[u8])],
    ) -> Response<Body> {
        let boundary = "motcua-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.app
            .request(
                Request::post(path)
                    .header(header::COOKIE, cookie)
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
    }

    /// The e-form's fields for procedure 1.003877 with every mandatory document attached.
    async fn file_online(&self, cookie: &str, action: &str, scan: &[u8]) -> Response<Body> {
        let csrf = self.csrf(cookie).await;
        let p = motcua_testkit::procedure_1_003877();
        let names: Vec<String> = p
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.mandatory)
            .map(|(i, _)| format!("doc{i}_file"))
            .collect();
        let files: Vec<(&str, &str, &[u8])> = names
            .iter()
            .map(|n| (n.as_str(), "scan.pdf", scan))
            .collect();
        self.post_form(
            cookie,
            "/cong-dan/nop/1.003877",
            &[
                ("csrf", csrf),
                ("action", action.into()),
                (
                    "address",
                    "12 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng".into(),
                ),
                ("phone", "0905123456".into()),
                ("email", String::new()),
                ("channel", "sms".into()),
                ("receiving_agency", DESK.into()),
                ("resolving_agency", UNIT_A.into()),
            ],
            &files,
        )
        .await
    }

    /// A dossier as stored, by id.
    async fn dossier(&self, id: &str) -> motcua_core::dossier::Dossier {
        self.app
            .state
            .db
            .dossier(motcua_core::dossier::DossierId(id.parse().unwrap()))
            .await
            .unwrap()
            .unwrap()
    }

    fn stored_files(&self) -> usize {
        walk(&self.files)
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

fn dossier_id(r: &Response<Body>) -> String {
    let to = location(r);
    to.trim_start_matches("/cong-dan/ho-so/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_citizen_signs_in_with_the_e_id_and_the_e_form_is_prefilled_from_the_registry() {
    let p = portal().await;
    let id = p.citizen(3);
    let person = p.sim.sim.population().get(&id).unwrap().clone();
    let cookie = p.sign_in(&id).await;
    let (status, html) = p.page(&cookie, "/cong-dan/nop/1.003877").await;
    assert_eq!(status, 200);
    assert!(html.contains(&person.ho_va_ten), "name from the registry");
    assert!(html.contains(&id), "CCCD");
    let (y, m, d) = (
        &person.ngay_sinh[0..4],
        &person.ngay_sinh[5..7],
        &person.ngay_sinh[8..10],
    );
    assert!(html.contains(&format!("{d}/{m}/{y}")), "date of birth");
    assert!(
        html.contains(&person.noi_thuong_tru.replace('"', "&quot;")) || html.contains("Phường"),
        "address prefilled"
    );
    // A replayed callback (the state is single-use) does not sign anyone in.
    let replay = p.app.get("/cong-dan/oidc/callback?code=x&state=nope").await;
    assert_eq!(replay.status(), 403);
}

#[tokio::test]
async fn an_online_dossier_waits_for_the_desk_and_the_applicant_is_told_by_sms() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(1)).await;
    let r = p.file_online(&cookie, "submit", PDF).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let id = dossier_id(&r);
    let d = p.dossier(&id).await;
    assert_eq!(d.status, motcua_core::dossier::Status::Submitted);
    assert_eq!(d.channel, motcua_core::catalog::Channel::Online);
    assert!(d.acknowledge_by.is_some(), "8 working hours to acknowledge");
    assert!(d.documents.iter().all(|x| x.digitised && x.file.is_some()));
    assert!(matches!(
        d.applicant,
        motcua_core::dossier::Applicant::Person {
            from_population_data: true,
            ..
        }
    ));
    // The desk sees it and acknowledges it.
    let desk = p.app.sign_in("mc_tt").await;
    let queue = body_json(
        p.app
            .send(&desk, "GET", "/api/v1/dossiers?status=submitted", None)
            .await,
    )
    .await;
    assert!(queue.to_string().contains(d.code.as_str()), "{queue}");
    let ack = p
        .app
        .send(
            &desk,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/acknowledge"),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(ack.status(), 200, "{}", body_text(ack).await);
    // The outbox holds the notices; the dispatcher delivers them to the SMS gateway.
    let systems = p.app.state.systems.clone().unwrap();
    let sent = motcua_integrations::dispatch::dispatch_notifications(
        &p.app.state.db,
        &systems,
        p.app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(sent, 2, "submitted + received");
    let messages = p.sim.sim.messages();
    assert_eq!(messages.len(), 2);
    assert!(
        messages
            .iter()
            .all(|m| m.channel == "sms" && m.to == "0905123456")
    );
    assert!(
        messages[1].text.contains(d.code.as_str()) && messages[1].text.contains("Hẹn trả kết quả"),
        "{:?}",
        messages[1]
    );
    let again = motcua_integrations::dispatch::dispatch_notifications(
        &p.app.state.db,
        &systems,
        p.app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(again, 0, "delivered once");
    // The accepted scans are now "my documents" and a new e-form can reuse them.
    let (_, mine) = p.page(&cookie, "/cong-dan/giay-to").await;
    assert!(mine.contains(d.code.as_str()), "{mine}");
    let csrf = p.csrf(&cookie).await;
    // Every mandatory document picked from the first dossier (its k-th accepted file).
    let mut fields = vec![
        ("csrf".to_owned(), csrf),
        ("action".to_owned(), "submit".to_owned()),
        (
            "address".to_owned(),
            "12 Bạch Đằng, Phường Hải Châu".to_owned(),
        ),
        ("phone".to_owned(), "0905123456".to_owned()),
        ("channel".to_owned(), "sms".to_owned()),
        ("receiving_agency".to_owned(), DESK.to_owned()),
        ("resolving_agency".to_owned(), UNIT_A.to_owned()),
    ];
    let procedure = motcua_testkit::procedure_1_003877();
    for (k, (i, _)) in procedure
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.mandatory)
        .enumerate()
    {
        fields.push((format!("doc{i}_reuse"), format!("{id}:{k}")));
    }
    let fields: Vec<(&str, String)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let second = p
        .post_form(&cookie, "/cong-dan/nop/1.003877", &fields, &[])
        .await;
    assert_eq!(second.status(), 303, "{}", body_text(second).await);
    let d2 = p
        .app
        .state
        .db
        .dossier(motcua_core::dossier::DossierId(
            dossier_id(&second).parse().unwrap(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(!d2.documents.is_empty());
    for doc in &d2.documents {
        assert_eq!(
            doc.reused_from.as_deref(),
            Some(d.code.as_str()),
            "marked reused"
        );
        assert!(doc.file.is_some());
    }
}

#[tokio::test]
async fn an_upload_whose_content_is_not_what_its_name_says_is_refused_and_not_stored() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(2)).await;
    let r = p
        .file_online(
            &cookie,
            "submit",
            b"MZ\x90\x00 an executable named scan.pdf",
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = body_text(r).await;
    assert!(html.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"), "{html}");
    assert_eq!(p.stored_files(), 0, "nothing stored");
    let mine = p
        .app
        .state
        .db
        .dossiers_of_applicant(&p.citizen(2))
        .await
        .unwrap();
    assert!(mine.is_empty(), "no dossier");
}

#[tokio::test]
async fn a_draft_is_saved_and_resumed() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(4)).await;
    let r = p.file_online(&cookie, "save", PDF).await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.contains("draft="), "{to}");
    let (_, html) = p.page(&cookie, &to).await;
    assert!(html.contains("Đã lưu hồ sơ nháp"));
    assert!(
        html.contains("data-testid=\"attached-0\""),
        "the attached file is kept"
    );
    let (_, home) = p.page(&cookie, "/cong-dan").await;
    assert!(home.contains("Hồ sơ đang soạn"));
    assert!(
        p.app
            .state
            .db
            .dossiers_of_applicant(&p.citizen(4))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_expired_session_cannot_submit() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(5)).await;
    let csrf = p.csrf(&cookie).await;
    p.app.advance(TimeDelta::minutes(16));
    let r = p
        .post_form(
            &cookie,
            "/cong-dan/nop/1.003877",
            &[("csrf", csrf), ("action", "submit".into())],
            &[("doc0_file", "a.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/cong-dan/dang-nhap", "back to sign-in");
    assert!(
        p.app
            .state
            .db
            .dossiers_of_applicant(&p.citizen(5))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(p.stored_files(), 0, "the upload was not kept either");
}

/// Files, acknowledges, and orders the fees at the gateway; returns (dossier id, order).
async fn ordered(p: &Portal, who: usize) -> (String, motcua_store::PaymentOrder) {
    let cookie = p.sign_in(&p.citizen(who)).await;
    let r = p.file_online(&cookie, "submit", PDF).await;
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

fn callback_body(code: &str, order: &motcua_store::PaymentOrder) -> String {
    serde_json::json!({
        "transaction_id": order.transaction_id, "order_code": code, "amount": order.amount,
        "status": "PAID", "paid_at": "2026-11-23T09:00:00+07:00",
    })
    .to_string()
}

async fn callback(p: &Portal, body: &str, signature: &str) -> Response<Body> {
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

async fn payments(p: &Portal, id: &str) -> Vec<motcua_core::dossier::Payment> {
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

#[tokio::test]
async fn a_supplement_request_is_answered_online() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(8)).await;
    let id = dossier_id(&p.file_online(&cookie, "submit", PDF).await);
    let desk = p.app.sign_in("mc_tt").await;
    let path = |c: &str| format!("/api/v1/dossiers/{id}/commands/{c}");
    let ack = p
        .app
        .send(
            &desk,
            "POST",
            &path("acknowledge"),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(ack.status(), 200);
    let ask = p
        .app
        .send(
            &desk,
            "POST",
            &path("request_supplement"),
            Some(serde_json::json!({"missing": ["Bản sao giấy tờ nhân thân mới"], "reason": "Bản đã nộp bị mờ"})),
        )
        .await;
    assert_eq!(ask.status(), 200, "{}", body_text(ask).await);
    let (_, html) = p.page(&cookie, &format!("/cong-dan/ho-so/{id}")).await;
    assert!(html.contains("Bản sao giấy tờ nhân thân mới") && html.contains("Gửi hồ sơ bổ sung"));
    let csrf = p.csrf(&cookie).await;
    let r = p
        .post_form(
            &cookie,
            &format!("/cong-dan/ho-so/{id}/bo-sung"),
            &[("csrf", csrf), ("note", "giấy tờ nhân thân".into())],
            &[("file", "cccd.pdf", b"%PDF-1.7\n% sharper\n")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let d = p.dossier(&id).await;
    assert_eq!(
        d.status,
        motcua_core::dossier::Status::InProcess,
        "back in process, time restarted"
    );
    assert!(
        d.documents
            .iter()
            .any(|x| x.name.contains("giấy tờ nhân thân") && x.file.is_some())
    );
    assert!(d.supplements[0].supplied_at.is_some());
}

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
    // The SMS gateway is down: the message waits and is retried after the backoff.
    reqwest::Client::new()
        .post(format!("{}/_sim/faults", p.sim.base_url()))
        .json(&serde_json::json!([{"path_prefix": "/notify/", "error_rate_percent": 100, "status": 503}]))
        .send()
        .await
        .unwrap();
    let cookie = p.sign_in(&p.citizen(9)).await;
    let r = p.file_online(&cookie, "submit", PDF).await;
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
    let id = dossier_id(&p.file_online(&cookie, "submit", PDF).await);
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

#[tokio::test]
async fn dossiers_and_their_progress_reach_the_national_portal_once_and_reconcile() {
    use motcua_integrations::dispatch::dispatch;
    use motcua_store::CHANGED_TOPIC;
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(11)).await;
    let id = dossier_id(&p.file_online(&cookie, "submit", PDF).await);
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
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    let now = p.app.clock.now();
    let code = p.dossier(&id).await.code.to_string();

    // Before sync, reconciliation names the dossier as missing on the portal.
    let before = motcua_integrations::sync::reconcile(db, &systems)
        .await
        .unwrap();
    assert_eq!(
        before,
        vec![motcua_core::dvcqg::Difference::MissingOnPortal { code: code.clone() }]
    );

    let sent = dispatch(db, &systems, now, CHANGED_TOPIC).await.unwrap();
    assert_eq!(sent, 2, "submitted, then acknowledged");
    let portal = p.sim.sim.portal_state();
    let record = &portal.dossiers[&code];
    assert_eq!(record["TrangThaiHoSo"], 4, "in process");
    assert_eq!(record["KenhThucHien"], 2, "online");
    assert_eq!(record["DungDanCu"], true);
    assert!(
        record["NgayHenTra"].as_str().unwrap().len() == 14,
        "yyyyMMddHHmmss"
    );
    let steps: Vec<i64> = portal.progress[&code]
        .iter()
        .map(|r| r["STT"].as_i64().unwrap())
        .collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "in order: {steps:?}");
    assert_eq!((portal.duplicates, portal.out_of_order), (0, 0));
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );

    let admin = p.app.sign_in("qt").await;
    let page = p
        .app
        .request(
            Request::get("/admin/doi-soat")
                .header(header::COOKIE, &admin.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        body_text(page).await.contains("Khớp hoàn toàn"),
        "the reconciliation page agrees"
    );
    let applied = portal.applied;

    // A change the portal has not heard of yet shows up in reconciliation until it is sent.
    let ask = p
        .app
        .send(
            &desk,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/request_supplement"),
            Some(serde_json::json!({"missing": ["Bản sao sổ hộ khẩu"], "reason": "thiếu"})),
        )
        .await;
    assert_eq!(ask.status(), 200);
    let diff = motcua_integrations::sync::reconcile(db, &systems)
        .await
        .unwrap();
    assert!(
        diff.iter().any(|d| matches!(d, motcua_core::dvcqg::Difference::Field { field, .. } if field == "TrangThaiHoSo")),
        "{diff:?}"
    );
    assert_eq!(dispatch(db, &systems, now, CHANGED_TOPIC).await.unwrap(), 1);
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );
    let portal = p.sim.sim.portal_state();
    assert_eq!(
        portal.dossiers[&code]["TrangThaiHoSo"], 5,
        "supplement requested"
    );
    assert!(portal.applied > applied);
    assert_eq!((portal.duplicates, portal.out_of_order), (0, 0));

    // The portal applies a push but its answer is lost: we send again, it applies nothing twice.
    let faults = format!("{}/_sim/faults", p.sim.base_url());
    reqwest::Client::new()
        .post(&faults)
        .json(&serde_json::json!([{"path_prefix": "/dvcqg/", "error_rate_percent": 100, "status": 503, "lose_answer": true}]))
        .send()
        .await
        .unwrap();
    let csrf = p.csrf(&cookie).await;
    let r = p
        .post_form(
            &cookie,
            &format!("/cong-dan/ho-so/{id}/bo-sung"),
            &[("csrf", csrf)],
            &[("file", "a.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        dispatch(db, &systems, now, CHANGED_TOPIC).await.unwrap(),
        0,
        "the answer was lost"
    );
    reqwest::Client::new().delete(&faults).send().await.unwrap();
    p.app.advance(TimeDelta::seconds(10));
    assert_eq!(
        dispatch(db, &systems, p.app.clock.now(), CHANGED_TOPIC)
            .await
            .unwrap(),
        1
    );
    let portal = p.sim.sim.portal_state();
    assert!(portal.duplicates >= 1, "the portal saw the repeat");
    let steps: Vec<i64> = portal.progress[&code]
        .iter()
        .map(|r| r["STT"].as_i64().unwrap())
        .collect();
    assert!(
        steps.windows(2).all(|w| w[0] < w[1]),
        "each progress record once, in order: {steps:?}"
    );
    assert_eq!(portal.out_of_order, 0);
    assert_eq!(
        portal.dossiers[&code]["TrangThaiHoSo"], 4,
        "back in process"
    );
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Waits (bounded) until a dossier satisfies `done`.
async fn until(
    p: &Portal,
    id: &str,
    what: &str,
    done: impl Fn(&motcua_core::dossier::Dossier) -> bool,
) {
    for _ in 0..100 {
        if done(&p.dossier(id).await) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(done(&p.dossier(id).await), "timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_land_tax_payment_loop_stops_the_clock_until_the_treasury_confirms() {
    use motcua_core::dossier::{PaymentPurpose, Status};
    use motcua_integrations::dispatch::dispatch;
    let p = served().await;
    let db = &p.app.state.db;
    let (name, text) = motcua_core::catalog::SEED
        .iter()
        .find(|(n, _)| n.contains("DD-BD-CHUYEN-QUYEN"))
        .unwrap();
    let procedure = motcua_core::catalog::parse_procedure(name, text).unwrap();
    db.import_procedure(&procedure, text, p.app.clock.now())
        .await
        .unwrap();
    let person = p.sim.sim.population().nth(12).unwrap().clone();
    let desk = p.app.sign_in("mc_a").await;
    let body = serde_json::json!({
        "procedure_code": "DD-BD-CHUYEN-QUYEN", "channel": "counter",
        "receiving_agency": UNIT_A, "resolving_agency": UNIT_A,
        "applicant": {"type": "person", "id": person.so_dinh_danh, "name": person.ho_va_ten, "born": person.ngay_sinh,
            "address": person.noi_thuong_tru, "phone": "0905000111", "email": null, "from_population_data": true},
        "documents": procedure.documents.iter().filter(|d| d.mandatory).map(|d| serde_json::json!({
            "code": d.code, "name": d.name, "originals": 1, "copies": 0, "file": null,
            "digitised": true, "reused_from": null, "from_personal_store": false, "signed": false})).collect::<Vec<_>>(),
        "area_m2": 120, "declared_value": 2_000_000_000i64,
    });
    let created = p
        .app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(created.status(), 201, "{}", body_text(created).await);
    let id = body_json(created).await["id"].as_str().unwrap().to_owned();
    let cmd = |c: &str| format!("/api/v1/dossiers/{id}/commands/{c}");
    let leader = p.app.sign_in("ld_a").await;
    let assign = p
        .app
        .send(
            &leader,
            "POST",
            &cmd("assign"),
            Some(serde_json::json!({"username": "cv_a"})),
        )
        .await;
    assert_eq!(assign.status(), 200, "{}", body_text(assign).await);
    let specialist = p.app.sign_in("cv_a").await;
    let done = p
        .app
        .send(
            &specialist,
            "POST",
            &cmd("complete_step"),
            Some(serde_json::json!({"note": "đủ điều kiện"})),
        )
        .await;
    assert_eq!(done.status(), 200, "{}", body_text(done).await);
    let d = p.dossier(&id).await;
    assert_eq!(
        d.current_step().unwrap().kind,
        motcua_core::catalog::StepKind::InterAgency
    );
    assert!(
        d.open_pause().is_some(),
        "the clock stops while the tax authority works"
    );
    let due_before = d.appointment.clone().unwrap().statutory_due;

    // The land office's data goes to the tax authority; its notice comes back by itself.
    let now = p.app.clock.now();
    assert_eq!(
        dispatch(
            db,
            p.app.state.systems.as_ref().unwrap(),
            now,
            motcua_store::TAX_TOPIC
        )
        .await
        .unwrap(),
        1
    );
    until(&p, &id, "the tax notice", |d| d.tax_notice.is_some()).await;
    let d = p.dossier(&id).await;
    assert_eq!(d.status, Status::AwaitingObligation);
    let owed: i64 = d.obligations.iter().map(|c| c.amount).sum();
    let expected: i64 = motcua_sim::obligations_for(d.code.as_str())
        .iter()
        .map(|o| o["SoTien"].as_i64().unwrap())
        .sum();
    assert_eq!(owed, expected);
    assert_eq!(
        p.sim.sim.messages().len(),
        0,
        "notifications go through the dispatcher"
    );

    // A forged notice is refused.
    let forged =
        serde_json::json!({"MaHoSo": d.code.as_str(), "SoThongBao": "X", "CacKhoanNop": []})
            .to_string();
    let r = p
        .app
        .request(
            Request::post("/api/v1/lien-thong/thue")
                .header("x-signature", motcua_sim::sign("wrong", forged.as_bytes()))
                .body(Body::from(forged))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), 401);

    // The citizen pays the obligation online; the gateway's callback alone does not resume the
    // dossier: the treasury's confirmation does.
    let cookie = p.sign_in(&person.so_dinh_danh).await;
    let (_, page) = p.page(&cookie, &format!("/cong-dan/ho-so/{id}")).await;
    assert!(
        page.contains("Chờ thực hiện nghĩa vụ tài chính")
            && page.contains("Nộp nghĩa vụ tài chính trực tuyến"),
        "the citizen sees the stage"
    );
    let desk_page = p
        .app
        .request(
            Request::get(format!("/dossiers/{id}"))
                .header(header::COOKIE, &desk.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let desk_html = body_text(desk_page).await;
    assert!(
        desk_html.contains("Chờ thực hiện nghĩa vụ tài chính")
            && desk_html.contains("Thuế thu nhập cá nhân"),
        "the desk sees it too"
    );
    let csrf = p.csrf(&cookie).await;
    let pay = p
        .post_urlencoded(
            &cookie,
            format!("/cong-dan/ho-so/{id}/thanh-toan"),
            format!("csrf={csrf}&purpose=obligation"),
        )
        .await;
    assert_eq!(pay.status(), 303, "{}", body_text(pay).await);
    let paid = reqwest::Client::new()
        .post(location(&pay))
        .send()
        .await
        .unwrap();
    assert!(paid.status().is_success());
    until(&p, &id, "the treasury's confirmation", |d| {
        d.status == Status::InProcess
    })
    .await;
    let d = p.dossier(&id).await;
    assert_eq!(d.paid(PaymentPurpose::Obligation), owed);
    assert!(d.payments.iter().all(|x| x.online));
    assert!(d.open_pause().is_none(), "the clock runs again");
    assert!(
        d.appointment.clone().unwrap().statutory_due >= due_before,
        "the due instant moved by the pause"
    );
    assert_eq!(
        p.sim.sim.portal_state().dossiers.len(),
        0,
        "portal sync is its own topic"
    );
}

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

#[tokio::test]
async fn dossiers_filed_on_the_national_portal_are_pulled_once_and_synced_under_the_portals_code() {
    use motcua_integrations::dispatch::dispatch;
    use motcua_integrations::pull::pull_once;
    let p = portal().await;
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    let app = &p.app.state.app;
    let procedure = motcua_testkit::procedure_1_003877();
    let filing = reqwest::Client::new()
        .post(format!("{}/_sim/dvcqg/nop", p.sim.base_url()))
        .json(&serde_json::json!({
            "cccd": p.citizen(14), "procedure": "1.003877",
            "resolving_agency": UNIT_A, "receiving_agency": DESK,
            "documents": procedure.documents.iter().filter(|d| d.mandatory).map(|d| (d.code.clone(), d.name.clone())).collect::<Vec<_>>(),
        }))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let portal_code = filing["MaHoSoQG"].as_str().unwrap().to_owned();
    let now = p.app.clock.now();
    let first = pull_once(app, &systems).await.unwrap();
    assert_eq!((first.received, first.created, first.refused), (1, 1, 0));
    let d = db
        .dossier_by_external_code(&portal_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.channel, motcua_core::catalog::Channel::NationalPortal);
    assert_eq!(
        d.status,
        motcua_core::dossier::Status::Submitted,
        "waits for the desk"
    );
    assert!(d.acknowledge_by.is_some());
    assert_eq!(
        pull_once(app, &systems).await.unwrap().received,
        0,
        "the cursor moved"
    );
    // A crash before the cursor moved: the same filing comes again and is recognised.
    db.set_sync_cursor("dvcqg.filings", "0").await.unwrap();
    let again = pull_once(app, &systems).await.unwrap();
    assert_eq!((again.received, again.created, again.already), (1, 0, 1));
    assert_eq!(
        db.dossiers_of_applicant(&p.citizen(14))
            .await
            .unwrap()
            .len(),
        1,
        "opened once"
    );
    // Its status goes back to the portal under the portal's own code.
    dispatch(db, &systems, now, motcua_store::CHANGED_TOPIC)
        .await
        .unwrap();
    let state = p.sim.sim.portal_state();
    assert_eq!(
        state.dossiers[&portal_code]["MaHoSoDiaPhuong"],
        d.code.as_str()
    );
    assert_eq!(state.dossiers[&portal_code]["TrangThaiHoSo"], 1);
    assert_eq!(state.dossiers[&portal_code]["KenhThucHien"], 2);
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_inter_agency_sub_dossier_is_never_pushed_as_a_citizen_request() {
    use motcua_core::dossier::{Actor, ExternalSystem, NewDossier};
    let p = portal().await;
    let db = &p.app.state.db;
    let agency = motcua_core::ids::AgencyCode::parse(UNIT_A).unwrap();
    let origin = motcua_core::ids::DossierCode::parse("000.11.12.H48-261123-0001").unwrap();
    let tax = Actor::system(ExternalSystem::TaxAuthority);
    let now = p.app.clock.now();
    let new: NewDossier = motcua_testkit::new_dossier(
        motcua_testkit::procedure_1_003877(),
        motcua_app::placeholder_code(&agency),
        &agency,
        motcua_core::catalog::Channel::Counter,
    );
    let intake = motcua_app::Intake {
        procedure: "1.003877".into(),
        province: "48".into(),
        new,
    };
    p.app
        .state
        .app
        .open_sub_dossier(&tax, intake, origin, 16)
        .await
        .unwrap();
    let systems = p.app.state.systems.clone().unwrap();
    let sent =
        motcua_integrations::dispatch::dispatch(db, &systems, now, motcua_store::CHANGED_TOPIC)
            .await
            .unwrap();
    assert_eq!(sent, 1, "the message is consumed");
    assert!(
        p.sim.sim.portal_state().dossiers.is_empty(),
        "but nothing reaches the portal"
    );
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty(),
        "and it is not missing there"
    );
    assert_eq!(
        db.outbox_counts(motcua_store::NOTIFY_TOPIC)
            .await
            .unwrap()
            .pending,
        0,
        "nor is a citizen told"
    );
}
