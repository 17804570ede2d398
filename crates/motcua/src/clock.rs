//! The wall clock: the one module allowed to read it (see `clippy.toml`).

use chrono::{DateTime, Utc};
use motcua_core::clock::Clock;

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(clippy::disallowed_methods, reason = "this is the clock module")]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
