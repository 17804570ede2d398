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
    // Filters are query parameters, none required.
    for p in doc["paths"]["/api/v1/dossiers"]["get"]["parameters"]
        .as_array()
        .unwrap()
    {
        assert_eq!(
            (p["in"].as_str(), p["required"].as_bool()),
            (Some("query"), Some(false)),
            "{p}"
        );
    }
    // Every error answer is a problem document; every operation but the open ones says how
    // to authenticate; every body may be refused as unreadable or of the wrong type.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert_eq!(
                        r["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{method} {path} {status}"
                    );
                }
            }
            let open = path.starts_with("/api/v1/procedures")
                || path.starts_with("/api/v1/agencies")
                || path.starts_with("/api/v1/lookup/")
                || path.starts_with("/api/v1/payments/")
                || path.starts_with("/api/v1/lien-thong/")
                || (path == "/api/v1/session" && method == "post");
            assert_eq!(op.get("security").is_some(), !open, "{method} {path}");
            if op.get("requestBody").is_some() {
                assert!(op["responses"].get("415").is_some(), "{method} {path}");
            }
        }
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
