//! The only crate that knows SQL. One adapter serves SQLite (the embedded default) and
//! PostgreSQL: statements are written once with sea-query and rendered per dialect; the few
//! places where the databases really differ are named functions with both arms side by side.
//!
//! Portable data rules: ids are UUIDv7 made in Rust, money is `i64` đồng, enums are TEXT with
//! CHECK, instants are UTC, and date arithmetic happens in Rust, never in SQL.

mod calendar;
mod db;
mod error;
mod migrate;
mod row;

pub use calendar::StoredCalendarDocument;
pub use db::{Backend, Db};
pub use error::StoreError;
