//! The `motcua` binary as its users run it: the real executable, its output and exit status.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod backup;
mod calendar;
mod catalog_audit;
mod demo;
mod files;
mod init;
mod land;
