//! The store's conformance suite: every test runs on SQLite, and on PostgreSQL too when
//! `MOTCUA_TEST_PG_URL` is set (a set but unreachable URL fails the test, never skips it).

mod calendar;
mod parity;
mod support;
