//! The authorisation matrix: every endpoint × every role × a dossier of the caller's own unit
//! and one of another unit, including what list and search return.

use crate::support::{TestApp, UNIT_A, UNIT_B, body_json, new_dossier_body};

const ROLES: [(&str, &str); 5] = [
    ("desk_officer", "mc"),
    ("specialist", "cv"),
    ("leader", "ld"),
    ("supervisor", "gs"),
    ("administrator", "qt"),
];

#[tokio::test]
async fn every_endpoint_for_every_role_on_own_and_other_units() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk_a = app.sign_in("mc_a").await;
    let desk_b = app.sign_in("mc_b").await;
    let own = app.receive(&desk_a, UNIT_A).await;
    let other = app.receive(&desk_b, UNIT_B).await;
    let (own_id, other_id) = (own["id"].as_str().unwrap(), other["id"].as_str().unwrap());

    for (role, prefix) in ROLES {
        let province_wide = matches!(role, "supervisor" | "administrator");
        let username = if province_wide {
            prefix.to_owned()
        } else {
            format!("{prefix}_a")
        };
        let who = app.sign_in(&username).await;

        // List: own unit only, or the whole province.
        let list = body_json(app.send(&who, "GET", "/api/v1/dossiers", None).await).await;
        let mut codes: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap())
            .collect();
        codes.sort_unstable();
        let expected: Vec<&str> = if province_wide {
            vec![
                own["code"].as_str().unwrap(),
                other["code"].as_str().unwrap(),
            ]
        } else {
            vec![own["code"].as_str().unwrap()]
        };
        assert_eq!(codes, expected, "{role}: list");
        // Filtering by the other unit does not reveal it.
        let search = body_json(
            app.send(
                &who,
                "GET",
                &format!("/api/v1/dossiers?unit={UNIT_B}"),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(
            search["items"].as_array().unwrap().len(),
            usize::from(province_wide),
            "{role}: search"
        );

        // Get: own visible; other unit's is "not found" unless province-wide.
        assert_eq!(
            app.send(&who, "GET", &format!("/api/v1/dossiers/{own_id}"), None)
                .await
                .status(),
            200,
            "{role}: get own"
        );
        let other_get = app
            .send(&who, "GET", &format!("/api/v1/dossiers/{other_id}"), None)
            .await
            .status();
        assert_eq!(
            other_get,
            if province_wide { 200 } else { 404 },
            "{role}: get other"
        );

        // Commands: assigning is for leaders and desk officers (and administrators) of a visible dossier.
        let status = app
            .send(
                &who,
                "POST",
                &format!("/api/v1/dossiers/{own_id}/commands/assign"),
                Some(serde_json::json!({"username": "cv_a"})),
            )
            .await
            .status();
        let allowed = matches!(role, "leader" | "desk_officer" | "administrator");
        assert_eq!(
            status,
            if allowed { 200 } else { 403 },
            "{role}: assign own"
        );
        let status = app
            .send(
                &who,
                "POST",
                &format!("/api/v1/dossiers/{other_id}/commands/assign"),
                Some(serde_json::json!({"username": "cv_b"})),
            )
            .await
            .status();
        let expected = match (province_wide, allowed) {
            (false, _) => 404,
            (true, true) => 200,
            (true, false) => 403,
        };
        assert_eq!(status, expected, "{role}: assign other");

        // Public lookup needs no sign-in at all.
        assert_eq!(
            app.get(&format!(
                "/api/v1/lookup/{}?check={}",
                other["code"].as_str().unwrap(),
                other["lookup_check"].as_str().unwrap()
            ))
            .await
            .status(),
            200
        );
    }
    // Receiving (a second pass, so new dossiers do not change the lists above): desk officers
    // at their own desk; nobody at another unit's desk.
    for (role, prefix) in ROLES {
        let username = if matches!(role, "supervisor" | "administrator") {
            prefix.to_owned()
        } else {
            format!("{prefix}_a")
        };
        let who = app.sign_in(&username).await;
        let status = app
            .send(
                &who,
                "POST",
                "/api/v1/dossiers",
                Some(new_dossier_body(UNIT_A)),
            )
            .await
            .status();
        assert_eq!(
            status,
            if role == "desk_officer" { 201 } else { 403 },
            "{role}: receive at own desk"
        );
        let status = app
            .send(
                &who,
                "POST",
                "/api/v1/dossiers",
                Some(new_dossier_body(UNIT_B)),
            )
            .await
            .status();
        assert_eq!(status, 403, "{role}: receive at another desk");
    }
    // Signed out: nothing but the public endpoints.
    assert_eq!(app.get("/api/v1/dossiers").await.status(), 401);
    assert_eq!(
        app.get(&format!("/api/v1/dossiers/{own_id}"))
            .await
            .status(),
        401
    );
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any staff session, even one with a sign-in step left.
    Session,
    /// Staff, each on the dossiers of their units.
    Staff,
    /// Leaders, supervisors and administrators.
    Reports,
    /// Administrators.
    Admin,
    /// A citizen signed in with e-ID.
    Citizen,
    /// An external system, by the signature on its message.
    System,
}

use Access::*;

/// Every route the router has, with who may call it. The test below reads the routes from
/// the source, so a route added without a row here (or a row left for a removed route)
/// fails it.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/api/v1/admin/accounts", Admin),
    ("POST", "/api/v1/admin/accounts", Admin),
    ("PUT", "/api/v1/admin/accounts/{username}", Admin),
    ("POST", "/api/v1/admin/accounts/{username}/{action}", Admin),
    ("PUT", "/api/v1/admin/agencies", Admin),
    ("POST", "/api/v1/admin/agencies/{code}/{action}", Admin),
    ("GET", "/api/v1/admin/log", Admin),
    ("POST", "/api/v1/admin/procedures", Admin),
    ("PUT", "/api/v1/admin/procedures/{code}/agencies", Admin),
    ("PUT", "/api/v1/admin/procedures/{code}/portal-code", Admin),
    ("PUT", "/api/v1/admin/agencies/{code}/office-hours", Admin),
    ("GET", "/api/v1/admin/calendar", Admin),
    ("PUT", "/api/v1/admin/calendar", Admin),
    ("DELETE", "/api/v1/admin/calendar", Admin),
    ("GET", "/api/v1/admin/tokens", Admin),
    ("POST", "/api/v1/admin/tokens", Admin),
    ("POST", "/api/v1/admin/tokens/{id}/revoke", Admin),
    ("GET", "/api/v1/procedures", Public),
    ("GET", "/api/v1/procedures/{code}", Public),
    ("GET", "/api/v1/agencies", Public),
    ("POST", "/api/v1/dossiers", Staff),
    ("GET", "/api/v1/dossiers", Staff),
    ("GET", "/api/v1/dossiers/{id}", Staff),
    ("POST", "/api/v1/dossiers/{id}/commands/{name}", Staff),
    ("GET", "/api/v1/lookup/{code}", Public),
    ("POST", "/api/v1/files", Staff),
    ("POST", "/api/v1/lien-thong/thue", System),
    ("POST", "/api/v1/lien-thong/kho-bac", System),
    ("GET", "/api/openapi.json", Public),
    ("POST", "/api/v1/payments/callback", System),
    ("GET", "/api/v1/reports/periodic", Reports),
    ("GET", "/api/v1/kpi", Reports),
    ("GET", "/api/v1/plans", Reports),
    ("PUT", "/api/v1/plans", Admin),
    ("POST", "/api/v1/session", Public),
    ("GET", "/api/v1/session", Session),
    ("DELETE", "/api/v1/session", Session),
    ("POST", "/api/v1/session/password", Session),
    ("POST", "/api/v1/session/second-factor", Session),
    ("POST", "/api/v1/session/second-factor/enrol", Session),
    ("POST", "/api/v1/session/second-factor/confirm", Session),
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/metrics", Public),
    ("GET", "/admin", Admin),
    ("GET", "/admin/tai-khoan", Admin),
    ("POST", "/admin/tai-khoan", Admin),
    ("GET", "/admin/tai-khoan/{username}", Admin),
    ("POST", "/admin/tai-khoan/{username}", Admin),
    ("POST", "/admin/tai-khoan/{username}/{action}", Admin),
    ("GET", "/admin/co-quan", Admin),
    ("POST", "/admin/co-quan", Admin),
    ("GET", "/admin/nhat-ky", Admin),
    ("GET", "/admin/co-quan/{code}", Admin),
    ("POST", "/admin/co-quan/{code}/{action}", Admin),
    ("GET", "/admin/ma-truy-cap", Admin),
    ("POST", "/admin/ma-truy-cap", Admin),
    ("POST", "/admin/ma-truy-cap/{id}/thu-hoi", Admin),
    ("GET", "/admin/lich", Admin),
    ("POST", "/admin/lich", Admin),
    ("POST", "/admin/lich/xoa", Admin),
    ("GET", "/admin/thu-tuc", Admin),
    ("POST", "/admin/thu-tuc", Admin),
    ("GET", "/admin/thu-tuc/{code}", Admin),
    ("POST", "/admin/thu-tuc/{code}", Admin),
    ("POST", "/admin/thu-tuc/cong-bo", Admin),
    ("POST", "/admin/thu-tuc/tu-dong-nghia", Admin),
    ("POST", "/admin/thu-tuc/{code}/mau", Admin),
    ("GET", "/admin/ke-hoach", Admin),
    ("POST", "/admin/ke-hoach", Admin),
    ("POST", "/admin/ke-hoach/xoa", Admin),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Session),
    ("GET", "/thu-tuc", Public),
    ("GET", "/thu-tuc/{code}", Public),
    ("GET", "/thu-tuc/{code}/mau/{document}", Public),
    ("GET", "/lay-so/{agency}", Public),
    ("POST", "/lay-so/{agency}", Public),
    ("GET", "/bang-goi-so/{agency}", Public),
    ("GET", "/quay", Staff),
    ("POST", "/quay/goi", Staff),
    ("POST", "/quay/{id}/{step}", Staff),
    ("GET", "/quay/so-lieu", Staff),
    ("GET", "/phan-anh", Public),
    ("POST", "/phan-anh", Public),
    ("GET", "/phan-anh/tra-cuu", Public),
    ("POST", "/phan-anh/tra-cuu", Public),
    ("GET", "/phan-anh/cong-khai", Public),
    ("GET", "/quan-ly-phan-anh", Staff),
    ("GET", "/quan-ly-phan-anh/{code}", Staff),
    ("POST", "/quan-ly-phan-anh/{code}/{action}", Staff),
    ("GET", "/dossiers/{id}", Staff),
    ("POST", "/dossiers/{id}/actions/{name}", Staff),
    ("GET", "/dossiers/{id}/documents/{index}", Staff),
    ("GET", "/dossiers/{id}/result", Staff),
    ("POST", "/dossiers/{id}/result", Staff),
    ("POST", "/dossiers/{id}/documents/{index}/scan", Staff),
    ("GET", "/dossiers/{id}/luu-tru", Staff),
    ("GET", "/dossiers/{id}/dia-chinh", Staff),
    ("POST", "/dossiers/{id}/dia-chinh", Staff),
    ("GET", "/dia-chinh", Staff),
    ("GET", "/dia-chinh/thua/{id}", Staff),
    ("GET", "/cong-dan/dat-dai", Citizen),
    ("GET", "/api/v1/land/parcels", Staff),
    ("GET", "/api/v1/land/parcels/{id}", Staff),
    ("GET", "/api/v1/land/certificates/{serial}", Staff),
    ("GET", "/api/v1/land/objects/{id}/history", Staff),
    ("POST", "/api/v1/dossiers/{id}/land-change", Staff),
    ("GET", "/chung-thuc", Staff),
    ("POST", "/chung-thuc", Staff),
    ("GET", "/chung-thuc/{id}", Staff),
    ("POST", "/chung-thuc/{id}/ky-so", Staff),
    ("POST", "/chung-thuc/{id}/hoan-tat", Staff),
    ("GET", "/chung-thuc/{id}/tep", Staff),
    ("GET", "/dossiers/{id}/draft", Staff),
    ("POST", "/dossiers/{id}/draft", Staff),
    ("POST", "/dossiers/{id}/ky-so", Staff),
    ("POST", "/dossiers/{id}/ky-so/hoan-tat", Staff),
    ("GET", "/dossiers/{id}/forms/{form}", Staff),
    ("GET", "/", Public),
    ("GET", "/desk/intake", Staff),
    ("GET", "/desk/intake/{code}", Staff),
    ("POST", "/desk/intake/{code}", Staff),
    ("GET", "/tra-cuu", Public),
    ("GET", "/static/app.css", Public),
    ("GET", "/static/htmx.min.js", Public),
    ("GET", "/static/app.js", Public),
    ("GET", "/admin/thong-bao", Admin),
    ("GET", "/admin/chu-ky-so", Admin),
    ("POST", "/admin/chu-ky-so", Admin),
    ("POST", "/admin/chu-ky-so/crl", Admin),
    ("GET", "/admin/luu-tru", Admin),
    ("POST", "/admin/luu-tru", Admin),
    ("GET", "/luu-tru", Reports),
    ("POST", "/luu-tru/danh-muc", Reports),
    ("GET", "/luu-tru/danh-muc/{id}", Reports),
    ("POST", "/luu-tru/danh-muc/{id}/quyet-dinh", Reports),
    ("POST", "/admin/thong-bao/{kind}", Admin),
    ("POST", "/admin/thong-bao/{kind}/mac-dinh", Admin),
    ("GET", "/admin/hang-doi", Admin),
    ("POST", "/admin/hang-doi/{id}/gui-lai", Admin),
    ("GET", "/admin/doi-soat", Admin),
    ("GET", "/cong-dan/nop/{code}", Citizen),
    ("POST", "/cong-dan/nop/{code}", Citizen),
    ("GET", "/cong-dan/giay-to", Citizen),
    ("GET", "/cong-dan/ban-sao/{id}", Citizen),
    ("GET", "/cong-dan/kho-du-lieu/{id}", Citizen),
    ("GET", "/cong-dan", Citizen),
    ("GET", "/cong-dan/dang-nhap", Public),
    ("GET", "/cong-dan/oidc/callback", Public),
    ("POST", "/cong-dan/dang-xuat", Citizen),
    ("POST", "/cong-dan/lien-he", Citizen),
    ("GET", "/cong-dan/ho-so/{id}", Citizen),
    ("POST", "/cong-dan/ho-so/{id}/thanh-toan", Citizen),
    ("POST", "/cong-dan/ho-so/{id}/bo-sung", Citizen),
    ("POST", "/cong-dan/ho-so/{id}/danh-gia", Citizen),
    ("GET", "/cong-dan/ho-so/{id}/ket-qua", Citizen),
    ("GET", "/cong-dan/ho-so/{id}/giay-to/{index}", Citizen),
    ("GET", "/thong-ke", Public),
    ("GET", "/register", Staff),
    ("GET", "/register.csv", Staff),
    ("GET", "/bao-cao", Reports),
    ("GET", "/bao-cao.xlsx", Reports),
    ("GET", "/bao-cao.csv", Reports),
    ("GET", "/bao-cao/ho-so", Reports),
    ("GET", "/login/password", Session),
    ("POST", "/login/password", Session),
    ("GET", "/login/otp", Session),
    ("POST", "/login/otp", Session),
    ("GET", "/login/mfa-setup", Session),
    ("POST", "/login/mfa-setup", Session),
    ("GET", "/account/mfa", Session),
    ("POST", "/account/mfa", Session),
    ("GET", "/work", Staff),
];

/// The routes the source declares: `(METHOD, path)` of every `.route("path", get(..).post(..))`.
fn declared_routes() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut routes = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + 7..];
            let Some(open) = rest.find('"') else { break };
            let Some(close) = rest[open + 1..].find('"') else {
                break;
            };
            let path = rest[open + 1..open + 1 + close].to_owned();
            // The handlers: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            let handlers = &rest[..end];
            for method in ["get", "post", "put", "delete", "patch"] {
                let call = format!("{method}(");
                if handlers.match_indices(&call).any(|(i, _)| {
                    i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                }) {
                    routes.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    routes.sort();
    routes
}

#[tokio::test]
async fn every_route_the_router_has_keeps_out_who_may_not_call_it() {
    let mut table: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    table.sort();
    assert_eq!(
        declared_routes(),
        table,
        "every route needs a row in ROUTES (and every row a route)"
    );

    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let own = app.receive(&desk, UNIT_A).await;
    let id = own["id"].as_str().unwrap().to_owned();
    let fill = |path: &str| {
        path.replace("{id}", &id)
            .replace("{code}", "1.013833")
            .replace("{username}", "mc_a")
            .replace("{action}", "khoa")
            .replace("{name}", "acknowledge")
            .replace("{index}", "0")
            .replace("{form}", "01")
            .replace("{kind}", "received")
            .replace("{document}", "don-dang-ky")
            .replace("{agency}", UNIT_A)
            .replace("{step}", "xong")
            .replace("{serial}", "DA%20000001")
    };
    let anonymous = crate::support::Client {
        cookie: String::new(),
        csrf: String::new(),
    };
    let signs_in = |r: &axum::response::Response, citizen: bool| {
        let to = r
            .headers()
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        r.status() == 401
            || (r.status().is_redirection()
                && if citizen {
                    to.starts_with("/cong-dan/dang-nhap")
                } else {
                    to.starts_with("/login")
                })
    };
    let unread = |r: &axum::response::Response| matches!(r.status().as_u16(), 400 | 415 | 422);
    let mut cells = 0;
    for (method, path, access) in ROUTES {
        let uri = fill(path);
        // Nobody signed in.
        let r = call(&app, &anonymous, method, &uri).await;
        cells += 1;
        // 503 only where an external system is needed (this test configures none).
        let unconfigured = r.status() == 503;
        assert!(
            r.status().as_u16() < 500 || unconfigured,
            "{method} {path} anonymous: {}",
            r.status()
        );
        match access {
            Public => assert!(
                !signs_in(&r, false) && !signs_in(&r, true) && r.status() != 403,
                "{method} {path} is open: {}",
                r.status()
            ),
            // Sent to sign in, or refused before anything is read (a form the handler cannot
            // even parse): never served.
            Session | Staff | Reports | Admin => assert!(
                signs_in(&r, false) || unread(&r),
                "{method} {path} anonymous: {}",
                r.status()
            ),
            Citizen => assert!(
                signs_in(&r, true) || unread(&r),
                "{method} {path} anonymous: {}",
                r.status()
            ),
            System => assert!(
                !r.status().is_success(),
                "{method} {path} unsigned: {}",
                r.status()
            ),
        }
        // A desk officer of unit A.
        if matches!(access, Reports | Admin | Citizen | System) {
            let r = call(&app, &desk, method, &uri).await;
            cells += 1;
            let refused = matches!(r.status().as_u16(), 401 | 403 | 404 | 422)
                || signs_in(&r, true)
                || r.status() == 503;
            assert!(refused, "{method} {path} as a desk officer: {}", r.status());
        }
    }
    println!(
        "authorisation matrix: {} routes, {cells} cells",
        ROUTES.len()
    );
}

/// A request as the API or the pages send it: JSON to the API, a form to the pages (sent
/// again as multipart when the page's form carries files and cannot read the other).
async fn call(
    app: &TestApp,
    who: &crate::support::Client,
    method: &str,
    uri: &str,
) -> axum::response::Response {
    let r = send(app, who, method, uri, false).await;
    if !uri.starts_with("/api/") && matches!(r.status().as_u16(), 400 | 415) {
        send(app, who, method, uri, true).await
    } else {
        r
    }
}

async fn send(
    app: &TestApp,
    who: &crate::support::Client,
    method: &str,
    uri: &str,
    multipart: bool,
) -> axum::response::Response {
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header(axum::http::header::COOKIE, &who.cookie)
        .header("x-csrf-token", &who.csrf);
    let body = if method == "GET" {
        axum::body::Body::empty()
    } else if uri.starts_with("/api/") {
        req = req.header(axum::http::header::CONTENT_TYPE, "application/json");
        axum::body::Body::from("{}")
    } else if multipart {
        req = req.header(
            axum::http::header::CONTENT_TYPE,
            "multipart/form-data; boundary=b",
        );
        axum::body::Body::from(format!(
            "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--b--\r\n",
            who.csrf
        ))
    } else {
        req = req.header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
        axum::body::Body::from(format!("csrf={}", who.csrf))
    };
    app.request(req.body(body).unwrap()).await
}

/// What an attacker types: oversize, NUL, control and bidi characters, invalid UTF-8, script
/// and formula payloads.
fn hostile_corpus() -> Vec<Vec<u8>> {
    vec![
        "x".repeat(100_000).into_bytes(),
        b"a\0b".to_vec(),
        "a\u{1b}[31mb\u{7}".as_bytes().to_vec(),
        "\u{202e}gnp.exe".as_bytes().to_vec(),
        vec![0xff, 0xfe, b'a', 0xc3],
        b"<script>alert(1)</script>".to_vec(),
        b"\"><img src=x onerror=alert(1)>".to_vec(),
        b"=HYPERLINK(\"http://evil.example\",\"x\")".to_vec(),
        b"../../etc/passwd".to_vec(),
    ]
}

fn percent(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

const FIELDS: [&str; 20] = [
    "username",
    "password",
    "name",
    "address",
    "reason",
    "note",
    "code",
    "reference",
    "number",
    "phone",
    "email",
    "plan",
    "kind",
    "q",
    "status",
    "missing",
    "resolving_agency",
    "procedure_code",
    "channel",
    "result_name",
];

#[tokio::test]
async fn a_hostile_corpus_sent_to_every_route_gets_no_server_error() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = app.sign_in("qt").await;
    let desk = app.sign_in("mc_a").await;
    let before = body_json(app.send(&admin, "GET", "/api/v1/dossiers", None).await).await;
    let (mut tried, mut refused, mut accepted) = (0, 0, 0);
    for (method, path, access) in ROUTES {
        // Signing out would end the session the rest of the run uses.
        if path.contains("session") || *path == "/logout" || path.contains("dang-xuat") {
            continue;
        }
        let who = if matches!(access, Staff) {
            &desk
        } else {
            &admin
        };
        for payload in hostile_corpus() {
            let short = &payload[..payload.len().min(2000)];
            let p = percent(short);
            let mut uri = path.to_string();
            for param in [
                "{id}",
                "{code}",
                "{username}",
                "{action}",
                "{name}",
                "{index}",
                "{form}",
                "{kind}",
            ] {
                uri = uri.replace(param, &p);
            }
            uri.push_str(&format!(
                "?q={p}&status={p}&from={p}&to={p}&code={p}&check={p}"
            ));
            let mut req = axum::http::Request::builder()
                .method(*method)
                .uri(&uri)
                .header(axum::http::header::COOKIE, &who.cookie)
                .header("x-csrf-token", &who.csrf);
            let body = if *method == "GET" {
                Vec::new()
            } else if path.starts_with("/api/") {
                req = req.header(axum::http::header::CONTENT_TYPE, "application/json");
                let text = serde_json::to_string(&String::from_utf8_lossy(&payload)).unwrap();
                let mut b = b"{".to_vec();
                for (i, f) in FIELDS.iter().enumerate() {
                    if i > 0 {
                        b.push(b',');
                    }
                    b.extend_from_slice(format!("\"{f}\":{text}").as_bytes());
                }
                b.push(b'}');
                b
            } else {
                req = req.header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                );
                let full = percent(&payload);
                let mut b = format!("csrf={}", who.csrf).into_bytes();
                for f in FIELDS {
                    b.extend_from_slice(format!("&{f}={full}").as_bytes());
                }
                b
            };
            let r = app
                .request(req.body(axum::body::Body::from(body)).unwrap())
                .await;
            tried += 1;
            let status = r.status().as_u16();
            assert!(
                status < 500 || status == 503,
                "{method} {path} with {:?}…: {status}",
                String::from_utf8_lossy(&payload[..payload.len().min(20)])
            );
            if status >= 400 {
                refused += 1;
            } else {
                accepted += 1;
            }
        }
    }
    // Nothing that came in with the corpus became a dossier.
    let after = body_json(app.send(&admin, "GET", "/api/v1/dossiers", None).await).await;
    assert_eq!(before["items"], after["items"], "no dossier was stored");
    println!(
        "hostile corpus: {tried} requests tried, {refused} refused, {accepted} answered without refusal (pages and reads), 0 server errors"
    );
}
