//! The web service through its real router, on a real database.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod ops;
mod support;
