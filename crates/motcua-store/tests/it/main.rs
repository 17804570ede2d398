//! The store's conformance suite: every test runs on SQLite, and on PostgreSQL too when
//! `MOTCUA_TEST_PG_URL` is set (a set but unreachable URL fails the test, never skips it).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod accounts;
mod calendar;
mod citizens;
mod dossiers;
mod land;
mod land_tombstones;
mod messages;
mod parity;
mod search;
mod support;
mod units;
