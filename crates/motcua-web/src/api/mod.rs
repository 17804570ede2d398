//! The REST API under `/api/v1`.

mod admin;
pub mod answer_bodies;
mod catalog;
mod contract_schemas;
pub mod dossier_body;
mod dossiers;
mod files;
mod idempotency;
mod interagency;
mod land;
pub mod openapi;
mod payments;
pub mod read_bodies;
mod reports;
mod session;
pub mod wire;

use axum::Router;

pub use dossiers::mask_name;
pub(crate) use dossiers::public_lookup;
pub(crate) use session::otpauth;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(admin::routes())
        .merge(catalog::routes())
        .merge(dossiers::routes())
        .merge(files::routes())
        .merge(payments::routes())
        .merge(interagency::routes())
        .merge(reports::routes())
        .merge(land::routes())
        .route(
            "/api/openapi.json",
            axum::routing::get(openapi::openapi_json),
        )
}
