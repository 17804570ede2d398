//! The clock as a port: the core asks for "now" only through [`Clock`], so tests fix it.
//!
//! The one implementation that reads the wall clock lives at the edge (the `motcua` binary's
//! `clock` module); clippy's `disallowed-methods` keeps every other module from doing so.

use chrono::{DateTime, Utc};

/// Tells the current instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// A clock stopped at one instant, for tests and replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
