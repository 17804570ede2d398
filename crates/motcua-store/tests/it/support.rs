//! Per-test databases live in `motcua-testkit`; the conformance suite uses them as they are.

pub use motcua_testkit::db::*;
