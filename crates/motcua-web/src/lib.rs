//! The HTTP edge of motcua: the REST API under `/api`, the pages, and the operations
//! endpoints. Handlers translate HTTP to use cases ([`motcua_app::App`]) and back; they hold
//! no business rules, build no decider context and open no transactions.

pub mod api;
pub mod auth;
pub mod citizen;
pub mod content;
mod csv;
mod edge;
mod error;
pub mod files;
pub mod limiter;
mod ops;
mod pages;
pub mod sample_pdf;
pub mod service;
mod tar;
pub mod xlsx;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderName;
use motcua_app::App;
use motcua_core::calendar::CalendarData;
use motcua_core::clock::Clock;
use motcua_store::Db;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use api::mask_name;
pub use error::ApiError;
pub use ops::Metrics;

/// Everything a handler may use.
#[derive(Clone)]
pub struct AppState {
    /// The use-case layer: every dossier command goes through it.
    pub app: App,
    /// The database, the same as the app's: for reads, and for what is not a dossier
    /// command (sessions, drafts, accounts).
    pub db: Db,
    /// The clock, the same as the app's.
    pub clock: Arc<dyn Clock>,
    /// Request counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Scanned documents.
    pub files: files::FileStore,
    /// The external government systems (e-ID, registry, payment, notifications), when set up.
    pub systems: Option<Arc<motcua_integrations::Systems>>,
    /// The address the public reaches the service at (`--public-url`): links and QR codes on
    /// printed forms use it, never a request's `Host` header.
    pub public_url: String,
    /// Public lookups per address per minute.
    pub lookup_limit: Arc<limiter::RateLimit>,
    /// The public statistics page's figures and when they were computed (kept a few minutes:
    /// the page is open to everyone).
    pub(crate) public_stats: pages::PublicStatsCache,
}

impl AppState {
    /// The same state with scans stored in `dir`.
    pub fn with_files(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.files = files::FileStore::new(dir);
        self
    }

    /// The same state talking to these external systems.
    pub fn with_systems(mut self, systems: motcua_integrations::Systems) -> Self {
        self.systems = Some(Arc::new(systems));
        self
    }

    /// The external systems, or a clear error when they are not configured.
    pub fn systems(&self) -> Result<&motcua_integrations::Systems, ApiError> {
        self.systems.as_deref().ok_or_else(|| {
            ApiError::Unavailable(
                "chưa kết nối hệ thống định danh, thanh toán và thông báo (xem --gov-url)".into(),
            )
        })
    }

    /// A state over a database, with the given holiday data and clock.
    pub fn new(db: Db, calendar: Arc<CalendarData>, clock: Arc<dyn Clock>) -> Self {
        Self {
            app: App::new(db.clone(), calendar, clock.clone()),
            db,
            clock,
            metrics: Arc::new(Metrics::default()),
            files: files::FileStore::new("files"),
            systems: None,
            public_url: "http://127.0.0.1:8080".into(),
            lookup_limit: Arc::new(limiter::RateLimit::new(LOOKUPS_PER_MINUTE)),
            public_stats: pages::PublicStatsCache::default(),
        }
    }
}

/// Public lookups an address may make per minute: a citizen checks a few codes; an
/// enumeration needs thousands.
pub const LOOKUPS_PER_MINUTE: u32 = 30;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application.
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let headers = axum::middleware::from_fn_with_state(state.clone(), edge::security_headers);
    Router::new()
        .merge(ops::routes())
        .merge(api::routes())
        .merge(pages::routes())
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(edge::problem_documents))
        .layer(axum::middleware::from_fn(edge::refuse_controls))
        .layer(headers)
        .layer(axum::middleware::from_fn_with_state(metrics, ops::count))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
