//! Requests per address per minute, for the public lookup: codes run in sequence, so how
//! fast anyone may try them is bounded. Kept in memory, so each process counts its own
//! (behind one address, two processes allow twice the rate: still far from enumeration).

use std::collections::HashMap;
use std::sync::Mutex;

/// A fixed one-minute window per address.
#[derive(Debug)]
pub struct RateLimit {
    per_minute: u32,
    seen: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimit {
    /// At most `per_minute` requests per address per minute.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `addr` at `now` (Unix seconds): `Err(seconds)` to wait when
    /// over the limit.
    pub fn take(&self, addr: &str, now: i64) -> Result<(), i64> {
        let minute = now.div_euclid(60);
        let Ok(mut seen) = self.seen.lock() else {
            return Ok(());
        };
        // Old windows are dropped once the map grows, so it never holds more than the
        // addresses of about a minute.
        if seen.len() > 100_000 {
            seen.retain(|_, (m, _)| *m == minute);
        }
        let entry = seen.entry(addr.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= self.per_minute {
            return Err(60 - now.rem_euclid(60));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_quota_per_minute_and_others_are_not_affected() {
        let limit = RateLimit::new(3);
        for _ in 0..3 {
            assert!(limit.take("a", 120).is_ok());
        }
        assert_eq!(limit.take("a", 130), Err(50));
        assert!(limit.take("b", 130).is_ok());
        assert!(limit.take("a", 180).is_ok());
    }
}
