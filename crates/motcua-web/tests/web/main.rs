//! The web service through its real router, on a real database.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod admin;
mod archive;
mod auth;
mod catalog;
mod certification;
mod dossiers;
mod facts;
mod faults;
mod feedback;
mod forms_golden;
mod forms_keep;
mod hostile;
mod imported;
mod land;
mod land_procedures;
mod matrix;
mod merger;
mod openapi;
mod ops;
mod portal;
mod reads;
mod reports;
mod result_signing;
mod retention;
mod search;
mod signatures;
mod snapshots;
mod storage;
mod support;
mod tickets;
mod work;
