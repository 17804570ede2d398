//! The simulator over real HTTP on loopback.
#![expect(
    clippy::unwrap_used,
    reason = "tests: an unwrap failing is the test failing"
)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::post;
use motcua_sim::{SimConfig, start};

mod oidc;
mod signing;

/// A request with a raw body and content type; returns (status, the whole response text).
pub(crate) async fn raw(method: &str, url: &str, content_type: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h.to_owned(), format!("/{p}")))
        .unwrap();
    let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    (
        text.split_whitespace().nth(1).unwrap().parse().unwrap(),
        text,
    )
}

/// A GET with a bearer token; returns (status, body).
pub(crate) async fn raw_auth(method: &str, url: &str, token: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h.to_owned(), format!("/{p}")))
        .unwrap();
    let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (
        text.split_whitespace().nth(1).unwrap().parse().unwrap(),
        body,
    )
}

pub(crate) async fn http(
    method: &str,
    url: &str,
    body: Option<serde_json::Value>,
) -> (u16, String) {
    http_with(method, url, "", body).await
}

/// A JSON request with extra header lines (each ending in CRLF); returns (status, body).
pub(crate) async fn http_with(
    method: &str,
    url: &str,
    headers: &str,
    body: Option<serde_json::Value>,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h.to_owned(), format!("/{p}")))
        .unwrap();
    let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn the_registry_finds_citizens_by_cccd_number() {
    let sim = start(SimConfig::default(), "127.0.0.1:0").await.unwrap();
    let people = sim.sim.population();
    assert_eq!(people.len(), 3000);
    let first = people.nth(0).unwrap().clone();
    let id = motcua_core::ids::CitizenId::parse(&first.so_dinh_danh).unwrap();
    let born: chrono::NaiveDate = first.ngay_sinh.parse().unwrap();
    assert!(
        id.check_birth(born).is_ok(),
        "the CCCD number agrees with the date of birth"
    );
    let (status, body) = http(
        "GET",
        &format!(
            "{}/registry/citizens/{}",
            sim.base_url(),
            first.so_dinh_danh
        ),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["HoVaTen"], first.ho_va_ten);
    assert!(json["NoiThuongTru"].as_str().unwrap().contains("Thành phố"));
    let (status, _) = http(
        "GET",
        &format!("{}/registry/citizens/048000000000", sim.base_url()),
        None,
    )
    .await;
    assert_eq!(status, 404);
    sim.stop();
}

#[tokio::test]
async fn sinks_record_what_they_are_sent() {
    let sim = start(SimConfig::default(), "127.0.0.1:0").await.unwrap();
    let (status, _) = http(
        "POST",
        &format!("{}/notify/sms", sim.base_url()),
        Some(serde_json::json!({"to": "0905123456", "text": "Hồ sơ đã được tiếp nhận"})),
    )
    .await;
    assert_eq!(status, 202);
    let messages = sim.sim.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text, "Hồ sơ đã được tiếp nhận");
    assert_eq!(
        http(
            "POST",
            &format!("{}/notify/fax", sim.base_url()),
            Some(serde_json::json!({"to": "x", "text": "x"}))
        )
        .await
        .0,
        404
    );
    sim.stop();
}

#[tokio::test]
async fn endpoints_misbehave_on_request() {
    let sim = start(SimConfig::default(), "127.0.0.1:0").await.unwrap();
    let base = sim.base_url();
    let id = sim.sim.population().nth(1).unwrap().so_dinh_danh.clone();
    http("POST", &format!("{base}/_sim/faults"), Some(serde_json::json!([{"path_prefix": "/registry/", "error_rate_percent": 50, "status": 500}]))).await;
    let mut failures = 0;
    for _ in 0..10 {
        if http("GET", &format!("{base}/registry/citizens/{id}"), None)
            .await
            .0
            == 500
        {
            failures += 1;
        }
    }
    assert_eq!(failures, 5, "half fail, deterministically");
    http(
        "POST",
        &format!("{base}/_sim/faults"),
        Some(serde_json::json!([{"path_prefix": "/registry/", "latency_ms": 300}])),
    )
    .await;
    let started = Instant::now();
    assert_eq!(
        http("GET", &format!("{base}/registry/citizens/{id}"), None)
            .await
            .0,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    http("DELETE", &format!("{base}/_sim/faults"), None).await;
    sim.stop();
}

#[tokio::test]
async fn a_payment_calls_back_signed_and_duplicates_on_request() {
    let sim = start(SimConfig::default(), "127.0.0.1:0").await.unwrap();
    let base = sim.base_url();
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let sink = received.clone();
    let app = Router::new().route(
        "/callback",
        post(move |headers: HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let sig = headers
                    .get("x-signature")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                sink.lock().unwrap().push((sig, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    http(
        "POST",
        &format!("{base}/_sim/faults"),
        Some(serde_json::json!([{"path_prefix": "/payment/callback", "duplicate_callbacks": 3}])),
    )
    .await;
    let (status, body) = http("POST", &format!("{base}/payment/orders"), Some(serde_json::json!({
        "order_code": "000.11.12.H48-261123-0001", "amount": 28000, "description": "Lệ phí", "callback_url": callback}))).await;
    assert_eq!(status, 201);
    let tx = serde_json::from_str::<serde_json::Value>(&body).unwrap()["transaction_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, page) = http("GET", &format!("{base}/payment/pay/{tx}"), None).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("000.11.12.H48-261123-0001"),
        "the pay page shows the dossier code"
    );
    assert_eq!(
        http("POST", &format!("{base}/payment/pay/{tx}"), None)
            .await
            .0,
        200
    );
    let calls = received.lock().unwrap().clone();
    assert_eq!(calls.len(), 3, "the callback was delivered three times");
    for (sig, body) in &calls {
        assert_eq!(
            sig,
            &motcua_sim::sign("motcua-sim-payment-secret", body.as_bytes())
        );
        assert!(body.contains("\"status\":\"PAID\""));
    }
    let (_, status_body) = http("GET", &format!("{base}/payment/orders/{tx}"), None).await;
    assert!(status_body.contains("\"PAID\""));
    sim.stop();
}

#[test]
fn help_says_what_it_simulates_and_exits() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua-sim"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("VNeID") && text.contains("/registry"),
        "{text}"
    );
}
