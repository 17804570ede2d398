//! A clock the test sets and moves.
#![expect(
    clippy::unwrap_used,
    reason = "test fixtures: a poisoned lock is a test that already failed"
)]

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::clock::Clock;

/// A clock the test sets.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// A clock stopped at `at`.
    pub fn at(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves it on by `by`.
    pub fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }

    /// Sets it to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = at;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}
