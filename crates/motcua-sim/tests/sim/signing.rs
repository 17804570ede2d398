//! The simulated CA and remote-signing service: a certificate issued under its root, a
//! request approved on the signer's "phone", the returned signature completing a PAdES
//! signature that verifies; refusal, revocation through the CRL and a wrong key.

use chrono::{TimeDelta, Utc};
use motcua_sign::{
    KeyKind, Refusal, SignatureInfo, TrustStore, certificate, finish_pdf, prepare_pdf, verify_pdf,
};
use motcua_sim::{SimConfig, start};
use serde_json::{Value, json};

use crate::{http, http_with};

/// The smallest PDF lopdf reads: one empty page.
fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// The simulator revokes at its real clock, so the signing times here follow it too.
#[expect(
    clippy::disallowed_methods,
    reason = "the simulated CA stamps revocations with the wall clock"
)]
fn wall_clock() -> chrono::DateTime<Utc> {
    Utc::now()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Sends `hash` to the remote-signing service for `ld1`, has the phone take `decision`
/// (`dong-y` or `tu-choi`), and returns the request's final state.
async fn remote(base: &str, auth: &str, hash: &[u8], description: &str, decision: &str) -> Value {
    let (status, body) = http_with(
        "POST",
        &format!("{base}/ky-so/yeu-cau"),
        auth,
        Some(json!({"user": "ld1", "hash": hex(hash), "description": description})),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let id = serde_json::from_str::<Value>(&body)
        .unwrap()
        .get("id")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let (_, pending) = http_with("GET", &format!("{base}/ky-so/yeu-cau/{id}"), auth, None).await;
    assert!(pending.contains("\"pending\""), "{pending}");
    let (_, phone) = http("GET", &format!("{base}/_sim/ky-so/ld1"), None).await;
    assert!(
        phone.contains(description),
        "the signer sees what they sign: {phone}"
    );
    let (status, _) = http("POST", &format!("{base}/_sim/ky-so/{id}/{decision}"), None).await;
    assert_eq!(status, 200);
    let (_, done) = http_with("GET", &format!("{base}/ky-so/yeu-cau/{id}"), auth, None).await;
    serde_json::from_str(&done).unwrap()
}

#[tokio::test]
async fn a_result_is_signed_on_the_phone_and_verifies_until_revoked() {
    let config = SimConfig {
        population: 10,
        ..SimConfig::default()
    };
    let sim = start(config.clone(), "127.0.0.1:0").await.unwrap();
    let base = sim.base_url();
    let auth = format!("Authorization: Bearer {}\r\n", config.signing_secret);
    let call = |method: &'static str, path: &str, body: Option<Value>| {
        let url = format!("{base}{path}");
        let auth = auth.clone();
        async move { http_with(method, &url, &auth, body).await }
    };

    let (status, _) = http_with(
        "POST",
        &format!("{base}/ca/chung-thu"),
        "Authorization: Bearer wrong\r\n",
        Some(json!({"user": "ld1", "name": "Phạm Thị Thu"})),
    )
    .await;
    assert_eq!(status, 401, "the service checks its caller");
    let (status, body) = call(
        "POST",
        "/ca/chung-thu",
        Some(json!({"user": "ld1", "name": "Phạm Thị Thu"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let issued: Value = serde_json::from_str(&body).unwrap();
    let cert = certificate(issued["certificate"].as_str().unwrap().as_bytes()).unwrap();
    let (_, root) = http("GET", &format!("{base}/ca/goc.pem"), None).await;
    let trust = TrustStore::default().with_anchor(root.as_bytes()).unwrap();

    let at = wall_clock();
    let info = SignatureInfo {
        name: "Phạm Thị Thu".into(),
        reason: "Ký kết quả giải quyết hồ sơ".into(),
        location: "Đà Nẵng".into(),
    };
    let prepared = prepare_pdf(&pdf(), &info, at, &cert).unwrap();
    // The signer sees it on the phone and approves.
    let done = remote(
        &base,
        &auth,
        &prepared.tbs.hash(),
        "Ký kết quả hồ sơ 000.11.12.H48-261204-0001",
        "dong-y",
    )
    .await;
    assert_eq!(done["status"], "approved");
    let signature = unhex(done["signature"].as_str().unwrap());
    let signed = finish_pdf(
        prepared,
        &signature,
        KeyKind::EcdsaP256,
        std::slice::from_ref(&cert),
    )
    .unwrap();
    let v = verify_pdf(&signed, &trust, at + TimeDelta::seconds(1)).unwrap();
    assert!(v.signer.contains("Phạm Thị Thu"), "{v:?}");

    // A refused request has no signature.
    let again = prepare_pdf(&pdf(), &info, at, &cert).unwrap();
    let refused = remote(&base, &auth, &again.tbs.hash(), "Ký lại", "tu-choi").await;
    assert_eq!(refused["status"], "refused");
    assert!(refused["signature"].is_null());

    // Revoked: the CRL names it, and a signature made after that is refused.
    let (status, _) = call("POST", "/ca/thu-hoi", Some(json!({"user": "ld1"}))).await;
    assert_eq!(status, 204);
    let (_, crl) = http("GET", &format!("{base}/ca/crl.pem"), None).await;
    let with_crl = trust.clone().with_crl(crl.as_bytes()).unwrap();
    let later = wall_clock() + TimeDelta::seconds(2);
    let prepared = prepare_pdf(&pdf(), &info, later, &cert).unwrap();
    let done = remote(
        &base,
        &auth,
        &prepared.tbs.hash(),
        "Ký sau thu hồi",
        "dong-y",
    )
    .await;
    let signature = unhex(done["signature"].as_str().unwrap());
    let signed = finish_pdf(prepared, &signature, KeyKind::EcdsaP256, &[cert]).unwrap();
    assert!(
        verify_pdf(&signed, &trust, later + TimeDelta::seconds(1)).is_ok(),
        "without the CRL"
    );
    assert!(matches!(
        verify_pdf(&signed, &with_crl, later + TimeDelta::seconds(1)),
        Err(Refusal::Revoked { .. })
    ));
    sim.stop();
}
