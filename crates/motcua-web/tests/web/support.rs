//! The test application lives in `motcua-testkit` (where a newcomer looks for it); the web
//! suite uses it as it is.

pub use motcua_testkit::web::*;
