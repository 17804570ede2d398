//! Contracts pinned as snapshots (insta): the public lookup's JSON, the dossier's JSON over the
//! API, and the printed receipt (Mẫu 01). A change to any of them shows up as a reviewed diff
//! of `tests/web/snapshots/` (`INSTA_UPDATE=always cargo test -p motcua-web snapshots`, then
//! read the diff). Ids made at random are replaced by `[uuid]`, the CSRF token by `[csrf]`, the lookup
//! check (from the id) by `[check]` and the QR code that carries it by `[qr]`.

use crate::support::{TestApp, UNIT_A, body_json, body_text};

/// Every UUID in `text` replaced by `[uuid]` (ids are made at random; the rest is fixed by the
/// test clock and the seed data).
pub(crate) fn redact_uuids(text: &str) -> String {
    let is_uuid = |s: &str| {
        s.len() == 36
            && s.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some(candidate) = text.get(i..i + 36)
            && is_uuid(candidate)
        {
            out.push_str("[uuid]");
            i += 36;
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[tokio::test]
async fn the_public_lookup_answers_with_the_pinned_fields_and_a_masked_name() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let code = d["code"].as_str().unwrap();
    let check = d["lookup_check"].as_str().unwrap();
    let lookup = body_json(
        app.get(&format!("/api/v1/lookup/{code}?check={check}"))
            .await,
    )
    .await;
    // The stored view is what the OpenAPI document declares (no field more, none missing).
    serde_json::from_value::<motcua_web::api::read_bodies::PublicViewBody>(lookup.clone()).unwrap();
    insta::assert_json_snapshot!("public_lookup", lookup);
}

#[tokio::test]
async fn the_dossier_over_the_api_keeps_its_shape() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    // The check comes from the random id, like the id itself.
    let check = d["lookup_check"].as_str().unwrap().to_owned();
    let text = redact_uuids(&serde_json::to_string_pretty(&d).unwrap()).replace(&check, "[check]");
    let redacted: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!("dossier_after_receipt", redacted);
}

#[tokio::test]
async fn the_printed_receipt_mau_01_keeps_its_layout() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap();
    let page = app
        .send(&desk, "GET", &format!("/dossiers/{id}/forms/01"), None)
        .await;
    assert_eq!(page.status(), 200);
    let check = d["lookup_check"].as_str().unwrap();
    let mut html = redact_uuids(
        &body_text(page)
            .await
            .replace(&desk.csrf, "[csrf]")
            .replace(check, "[check]"),
    );
    // The QR code encodes the link with the check: pinned as a placeholder.
    if let (Some(a), Some(b)) = (html.find("<?xml"), html.find("</svg>")) {
        html.replace_range(a..b + "</svg>".len(), "[qr]");
    }
    insta::assert_snapshot!("receipt_mau_01", html);
}
