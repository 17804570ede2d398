//! Office hours of a unit (giờ làm việc) and amounts of working time.
//!
//! A unit works on some weekdays (civil-service default Monday–Friday) in one or more daily
//! periods (default 07:00–11:30 and 13:30–17:00). One working day is one full day of those
//! periods — 8 hours with the default, as Decree 118/2025 counts. Paper dossiers received
//! after the cut-off (default 15:00) are handed to the resolving agency, and start their
//! clock, on the next working day.

use std::fmt;

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// An amount of working time (only time inside office hours counts).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct WorkDuration {
    seconds: i64,
}

impl WorkDuration {
    /// No working time.
    pub const ZERO: Self = Self { seconds: 0 };

    /// From whole seconds.
    pub const fn seconds(seconds: i64) -> Self {
        Self { seconds }
    }

    /// From whole minutes.
    pub const fn minutes(minutes: i64) -> Self {
        Self::seconds(minutes * 60)
    }

    /// From whole hours.
    pub const fn hours(hours: i64) -> Self {
        Self::seconds(hours * 3600)
    }

    /// The amount in seconds.
    pub const fn as_seconds(self) -> i64 {
        self.seconds
    }

    /// The amount as a wall-clock duration.
    pub fn as_time_delta(self) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(self.seconds)
    }

    /// Sum, saturating.
    pub const fn plus(self, other: Self) -> Self {
        Self::seconds(self.seconds.saturating_add(other.seconds))
    }

    /// Difference, saturating.
    pub const fn minus(self, other: Self) -> Self {
        Self::seconds(self.seconds.saturating_sub(other.seconds))
    }
}

impl fmt::Display for WorkDuration {
    /// Vietnamese, e.g. "3 giờ 30 phút".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.seconds < 0 { "-" } else { "" };
        let minutes = self.seconds.abs() / 60;
        match (minutes / 60, minutes % 60) {
            (0, m) => write!(f, "{sign}{m} phút"),
            (h, 0) => write!(f, "{sign}{h} giờ"),
            (h, m) => write!(f, "{sign}{h} giờ {m} phút"),
        }
    }
}

/// A statutory or budgeted processing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatutoryTime {
    /// Working days (ngày làm việc), each one full office day.
    WorkingDays(u32),
    /// Working hours (giờ làm việc).
    WorkingHours(u32),
}

/// Why office hours were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeHoursError {
    /// A period text was not `HH:MM-HH:MM`.
    #[error("khung giờ không hợp lệ: \"{0}\" (cần dạng 07:00-11:30)")]
    BadPeriod(String),
    /// Periods must be increasing and must not overlap.
    #[error("các khung giờ phải tăng dần và không chồng lấn nhau")]
    Overlapping,
    /// At least one period and one weekday are needed.
    #[error("cần ít nhất một khung giờ và một ngày làm việc trong tuần")]
    Empty,
}

/// When a unit works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    periods: Vec<(NaiveTime, NaiveTime)>,
    weekdays: Vec<Weekday>,
    cutoff: Option<NaiveTime>,
}

impl OfficeHours {
    /// Builds and checks office hours: periods ascending and disjoint, at least one weekday.
    pub fn new(
        periods: Vec<(NaiveTime, NaiveTime)>,
        weekdays: Vec<Weekday>,
        cutoff: Option<NaiveTime>,
    ) -> Result<Self, OfficeHoursError> {
        if periods.is_empty() || weekdays.is_empty() {
            return Err(OfficeHoursError::Empty);
        }
        let ordered = periods.iter().all(|(a, b)| a < b)
            && periods.windows(2).all(|w| match w {
                [(_, end), (next, _)] => end <= next,
                _ => true,
            });
        if !ordered {
            return Err(OfficeHoursError::Overlapping);
        }
        Ok(Self {
            periods,
            weekdays,
            cutoff,
        })
    }

    /// The civil-service default: Monday–Friday, 07:00–11:30 and 13:30–17:00, cut-off 15:00.
    pub fn civil_service() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self {
            periods: vec![(t(7, 0), t(11, 30)), (t(13, 30), t(17, 0))],
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            cutoff: Some(t(15, 0)),
        }
    }

    /// Office hours as a province writes them: periods (`07:00-11:30,13:30-17:00`), Monday to
    /// Friday or to Saturday, and the cut-off (`15:00`; `None` or empty: none).
    pub fn from_spec(
        periods: &str,
        saturday: bool,
        cutoff: Option<&str>,
    ) -> Result<Self, OfficeHoursError> {
        let mut days = vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        if saturday {
            days.push(Weekday::Sat);
        }
        let cutoff = match cutoff.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(
                NaiveTime::parse_from_str(c, "%H:%M")
                    .map_err(|_| OfficeHoursError::BadPeriod(c.to_owned()))?,
            ),
        };
        Self::new(Self::parse_periods(periods)?, days, cutoff)
    }

    /// Parses periods written as `07:00-11:30,13:30-17:00`.
    pub fn parse_periods(text: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, OfficeHoursError> {
        text.split(',')
            .map(|p| {
                let bad = || OfficeHoursError::BadPeriod(p.trim().to_owned());
                let (a, b) = p.trim().split_once('-').ok_or_else(bad)?;
                let parse =
                    |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
                Ok((parse(a)?, parse(b)?))
            })
            .collect()
    }

    /// The same hours with another cut-off (`None`: no cut-off).
    pub fn with_cutoff(mut self, cutoff: Option<NaiveTime>) -> Self {
        self.cutoff = cutoff;
        self
    }

    /// The daily periods.
    pub fn periods(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.periods
    }

    /// The cut-off time for same-day handling of paper dossiers.
    pub fn cutoff(&self) -> Option<NaiveTime> {
        self.cutoff
    }

    /// Whether the unit's normal week includes this weekday.
    pub fn works_on(&self, weekday: Weekday) -> bool {
        self.weekdays.contains(&weekday)
    }

    /// Length of one working day.
    pub fn day_length(&self) -> WorkDuration {
        WorkDuration::seconds(
            self.periods
                .iter()
                .map(|(a, b)| (*b - *a).num_seconds())
                .sum(),
        )
    }

    /// The working time a statutory time stands for.
    pub fn duration_of(&self, time: StatutoryTime) -> WorkDuration {
        match time {
            StatutoryTime::WorkingDays(d) => {
                WorkDuration::seconds(self.day_length().as_seconds() * i64::from(d))
            }
            StatutoryTime::WorkingHours(h) => WorkDuration::hours(i64::from(h)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_working_day_is_eight_hours() {
        let office = OfficeHours::civil_service();
        assert_eq!(office.day_length(), WorkDuration::hours(8));
        assert_eq!(
            office.duration_of(StatutoryTime::WorkingDays(3)),
            WorkDuration::hours(24)
        );
    }

    #[test]
    fn periods_parse_and_overlaps_are_refused() {
        let p = OfficeHours::parse_periods("07:30-11:30, 13:00-17:00").unwrap();
        assert_eq!(p.len(), 2);
        let office = OfficeHours::new(p, vec![Weekday::Mon], None).unwrap();
        assert_eq!(office.day_length(), WorkDuration::hours(8));
        assert!(OfficeHours::parse_periods("7h-11h").is_err());
        let overlapping = OfficeHours::parse_periods("07:00-12:00,11:00-17:00").unwrap();
        assert_eq!(
            OfficeHours::new(overlapping, vec![Weekday::Mon], None),
            Err(OfficeHoursError::Overlapping)
        );
        assert_eq!(
            OfficeHours::new(vec![], vec![Weekday::Mon], None),
            Err(OfficeHoursError::Empty)
        );
    }

    #[test]
    fn durations_print_in_vietnamese() {
        assert_eq!(WorkDuration::minutes(210).to_string(), "3 giờ 30 phút");
        assert_eq!(WorkDuration::hours(8).to_string(), "8 giờ");
        assert_eq!(WorkDuration::minutes(5).to_string(), "5 phút");
    }
}
