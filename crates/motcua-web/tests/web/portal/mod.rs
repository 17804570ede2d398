//! The citizen portal against the simulator of the government systems (real HTTP on
//! loopback), one file per feature: filing (e-ID sign-in, the prefilled e-form, uploads checked
//! by content, drafts, online submission), payments (gateway callbacks), supplements,
//! notifications, national-portal sync and pull, the land → tax → treasury loop, the signed
//! message log, the personal data store. This file sets up the service with the simulator behind it.

mod central;
mod filing;
mod interagency;
mod message_log;
mod notices;
mod payments;
mod provinces;
mod pull;
mod revocation;
mod store;
mod supplement;
mod sync;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, Response, header};
use motcua_integrations::{Keys, Systems, SystemsConfig};
use motcua_sim::{SimConfig, SimHandle};

use crate::support::{TestApp, UNIT_A, body_text};

/// The city's public service centre: a desk where citizens may file.
const DESK: &str = "000.00.20.H48";
/// A scan that passes the content check (a valid one-page PDF).
static PDF_BYTES: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| motcua_web::sample_pdf::one_page_pdf("test scan"));

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
    app.account("mc_tt", "desk_officer", &[DESK]).await;
    let config = SimConfig {
        population: 50,
        ..SimConfig::default()
    };
    let sim = motcua_sim::start(config.clone(), "127.0.0.1:0")
        .await
        .unwrap();
    let files = app.dir().join("files");
    let store = motcua_web::files::FileStore::new(&files);
    // The sample scan test dossiers name is in the store the service reads.
    store
        .put(&motcua_testkit::web::sample_scan())
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
            signing_secret: config.signing_secret,
        },
    ))
    .unwrap()
    .with_files(std::sync::Arc::new(store));
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

    /// The e-form's fields for procedure 1.013833 with every mandatory document attached.
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
            "/cong-dan/nop/1.013833",
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

    /// Files stored besides the sample scan every test app holds.
    fn stored_files(&self) -> usize {
        walk(&self.files) - 1
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
