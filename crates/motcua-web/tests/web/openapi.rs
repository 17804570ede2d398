//! The OpenAPI document is served and pinned: an API change shows up as a diff of
//! `openapi.snapshot.json` (regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p motcua-web`).

use crate::support::{TestApp, body_json};

#[tokio::test]
async fn the_openapi_document_is_served_and_matches_its_snapshot() {
    let app = TestApp::new().await;
    let doc = body_json(app.get("/api/openapi.json").await).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "OpenAPI 3.1"
    );
    for path in [
        "/api/v1/dossiers",
        "/api/v1/dossiers/{id}/commands/{name}",
        "/api/v1/lookup/{code}",
        "/api/v1/session",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/openapi.snapshot.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(&snapshot, &text).unwrap();
    }
    let pinned = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        pinned == text,
        "the API changed: review and run UPDATE_SNAPSHOTS=1 cargo test -p motcua-web"
    );
}
