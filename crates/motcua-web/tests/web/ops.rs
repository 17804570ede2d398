use crate::support::{TestApp, body_text};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    assert_eq!(app.get("/readyz").await.status(), 200);
    let metrics = body_text(app.get("/metrics").await).await;
    assert!(
        metrics.contains("motcua_http_requests_total{method=\"GET\",status=\"200\"} 2"),
        "{metrics}"
    );
    app.state.db.close().await;
    assert_eq!(
        app.get("/readyz").await.status(),
        503,
        "a closed database is not ready"
    );
}
