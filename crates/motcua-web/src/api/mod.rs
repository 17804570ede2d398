//! The REST API under `/api/v1`.

mod session;

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().merge(session::routes())
}
