//! Which days a unit works: weekends, holidays, compensatory and swapped days.
//!
//! For each year the national schedule, when one was published, is authoritative; otherwise
//! the statutory rules are applied, with a compensatory day off after each holiday that falls
//! on a weekly rest day. Local schedules of the unit's scope are laid on top. Year tables are
//! built on first use and kept, so a calendar can be shared across threads and requests.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::data::{Anchor, CalendarData, HolidayRule, NATIONAL, Name};
use super::lunar::{self, FIRST_YEAR, LAST_YEAR, LunarDate};
use super::office::OfficeHours;

/// What kind of day a date is for a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayStatus {
    /// An ordinary working day.
    Working,
    /// A weekend day worked in exchange for another (ngày làm bù).
    SwappedWorking(Name),
    /// A weekly rest day, named when a holiday falls on it.
    Weekend(Weekday, Option<Name>),
    /// A holiday, compensatory or swapped day off on what would be a working day.
    DayOff(Name),
}

impl DayStatus {
    /// Whether office hours run on this day.
    pub fn is_working(&self) -> bool {
        matches!(self, Self::Working | Self::SwappedWorking(_))
    }
}

/// Why a calendar question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The year is outside 1900–2199.
    #[error("năm {0} nằm ngoài phạm vi hỗ trợ ({FIRST_YEAR}–{LAST_YEAR})")]
    YearOutOfRange(i32),
}

/// A year at a glance: the days lost and the weekend days worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearOverview {
    /// The year.
    pub year: i32,
    /// Days off that would otherwise be working days, in date order.
    pub days_off: Vec<(NaiveDate, Name)>,
    /// Weekend days that are worked, in date order.
    pub working_weekend_days: Vec<(NaiveDate, Name)>,
    /// The documents the year's days come from.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
enum Mark {
    Off(Name),
    Worked(Name),
}

#[derive(Debug, Default)]
struct YearDays {
    marks: BTreeMap<NaiveDate, Mark>,
    sources: Vec<String>,
    /// `working_before[i]`: working days of the year before day `i` (0-based ordinal), so that
    /// counting the working days of a long span costs a subtraction per year, not a lookup per
    /// day (a work queue asks it for every overdue row on every page).
    working_before: Vec<u16>,
}

/// The working calendar of one unit: its office hours, the national calendar and its local days.
#[derive(Debug)]
pub struct WorkCalendar {
    data: Arc<CalendarData>,
    scope: Option<String>,
    office: OfficeHours,
    years: Box<[OnceLock<YearDays>]>,
}

impl WorkCalendar {
    /// A calendar for a unit with `office` hours; `scope` selects local schedules.
    pub fn new(data: Arc<CalendarData>, scope: Option<String>, office: OfficeHours) -> Self {
        let count = usize::try_from(LAST_YEAR - FIRST_YEAR + 1).unwrap_or(0);
        Self {
            data,
            scope,
            office,
            years: (0..count).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The unit's office hours.
    pub fn office(&self) -> &OfficeHours {
        &self.office
    }

    /// Whether office hours run on `date` ([`WorkCalendar::day`] without naming the day).
    pub fn is_working(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let next = date.succ_opt().unwrap_or(date);
        Ok(self.working_days(date, next)? == 1)
    }

    /// Working days in `[from, to)` (zero when `to` is not after `from`).
    pub fn working_days(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, CalendarError> {
        let mut total = 0;
        let mut start = from;
        while start < to {
            let year = start.year();
            let days = self.year(year)?;
            let next_year = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(to);
            let end = to.min(next_year);
            let before = |d: NaiveDate| -> i64 {
                let i = if d >= next_year {
                    days.working_before.len().saturating_sub(1)
                } else {
                    usize::try_from(d.ordinal0()).unwrap_or(0)
                };
                days.working_before.get(i).copied().map_or(0, i64::from)
            };
            total += before(end) - before(start);
            start = end;
        }
        Ok(total)
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> Result<DayStatus, CalendarError> {
        let weekday = date.weekday();
        let normally_worked = self.office.works_on(weekday);
        Ok(match self.year(date.year())?.marks.get(&date) {
            Some(Mark::Off(name)) if normally_worked => DayStatus::DayOff(name.clone()),
            Some(Mark::Off(name)) => DayStatus::Weekend(weekday, Some(name.clone())),
            Some(Mark::Worked(name)) if !normally_worked => DayStatus::SwappedWorking(name.clone()),
            _ if normally_worked => DayStatus::Working,
            _ => DayStatus::Weekend(weekday, None),
        })
    }

    /// The days lost and the weekend days worked in `year`.
    pub fn overview(&self, year: i32) -> Result<YearOverview, CalendarError> {
        let days = self.year(year)?;
        let mut overview = YearOverview {
            year,
            days_off: Vec::new(),
            working_weekend_days: Vec::new(),
            sources: days.sources.clone(),
        };
        for (date, mark) in &days.marks {
            let normally_worked = self.office.works_on(date.weekday());
            match mark {
                Mark::Off(name) if normally_worked => overview.days_off.push((*date, name.clone())),
                Mark::Worked(name) if !normally_worked => {
                    overview.working_weekend_days.push((*date, name.clone()));
                }
                _ => {}
            }
        }
        Ok(overview)
    }

    fn year(&self, year: i32) -> Result<&YearDays, CalendarError> {
        let slot = usize::try_from(year - FIRST_YEAR)
            .ok()
            .and_then(|i| self.years.get(i))
            .ok_or(CalendarError::YearOutOfRange(year))?;
        Ok(slot.get_or_init(|| {
            let mut days = build_year(&self.data, self.scope.as_deref(), year);
            days.working_before = count_working(&days.marks, &self.office, year);
            days
        }))
    }
}

/// Running count of working days through `year`: one entry per day plus the year's total.
fn count_working(marks: &BTreeMap<NaiveDate, Mark>, office: &OfficeHours, year: i32) -> Vec<u16> {
    let mut counts = vec![0u16];
    let mut n = 0u16;
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    for date in first
        .into_iter()
        .flat_map(|d| d.iter_days())
        .take_while(|d| d.year() == year)
    {
        // The same reading of a day as [`WorkCalendar::day`], without its names.
        let working = match marks.get(&date) {
            Some(Mark::Off(_)) => false,
            Some(Mark::Worked(_)) => true,
            None => office.works_on(date.weekday()),
        };
        n += u16::from(working);
        counts.push(n);
    }
    counts
}

fn build_year(data: &CalendarData, scope: Option<&str>, year: i32) -> YearDays {
    let mut days = YearDays::default();
    if let Some(schedule) = data.schedule(year, NATIONAL) {
        days.sources.push(schedule.source.clone());
        for d in &schedule.days_off {
            days.marks.insert(d.date, Mark::Off(d.name.clone()));
        }
        for d in &schedule.working_days {
            days.marks.insert(d.date, Mark::Worked(d.name.clone()));
        }
    } else {
        let rules: Vec<&HolidayRule> = data.rules.values().collect();
        let mut sources = BTreeSet::new();
        for (date, (name, source)) in statutory_days_off(&rules, year) {
            if date.year() == year {
                sources.insert(source);
                days.marks.insert(date, Mark::Off(name));
            }
        }
        days.sources.extend(sources);
    }
    if let Some(local) = scope.and_then(|s| data.schedule(year, s)) {
        days.sources.push(local.source.clone());
        for d in &local.days_off {
            days.marks.insert(d.date, Mark::Off(d.name.clone()));
        }
        for d in &local.working_days {
            days.marks.insert(d.date, Mark::Worked(d.name.clone()));
        }
    }
    days
}

/// Holidays and compensatory days from the rules, for `year` and the years either side (so
/// that a compensatory day can spill across New Year).
fn statutory_days_off(rules: &[&HolidayRule], year: i32) -> BTreeMap<NaiveDate, (Name, String)> {
    let mut holidays: BTreeMap<NaiveDate, (Name, String)> = BTreeMap::new();
    for y in year - 1..=year + 1 {
        for rule in rules.iter().filter(|r| r.applies_in(y)) {
            for date in rule_dates(rule, y) {
                holidays
                    .entry(date)
                    .or_insert_with(|| (rule.name.clone(), rule.source.clone()));
            }
        }
    }
    // A holiday on a weekly rest day gives the next free weekday off (Labour Code Art. 111(3)).
    let mut result = holidays.clone();
    let mut cursor: Option<NaiveDate> = None;
    for (date, (name, source)) in &holidays {
        if is_civil_service_working_day(*date) {
            continue;
        }
        let mut candidate = cursor.map_or(*date, |c| c.max(*date));
        loop {
            candidate = candidate + Days::new(1);
            if is_civil_service_working_day(candidate) && !result.contains_key(&candidate) {
                break;
            }
        }
        cursor = Some(candidate);
        let comp = Name {
            vi: format!("Nghỉ bù {} ({})", name.vi, date.format("%d/%m")),
            en: format!(
                "Compensatory day off for {} ({})",
                name.en,
                date.format("%-d %b")
            ),
        };
        result.insert(candidate, (comp, source.clone()));
    }
    result
}

fn is_civil_service_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn rule_dates(rule: &HolidayRule, year: i32) -> Vec<NaiveDate> {
    let anchor = match rule.anchor {
        Anchor::Solar { month, day } => NaiveDate::from_ymd_opt(year, month, day),
        Anchor::Lunar { month, day } => lunar::lunar_to_solar(LunarDate {
            day,
            month,
            year,
            leap: false,
        })
        // Day 30 of a 29-day month: the holiday is the month's last day.
        .or_else(|_| {
            lunar::lunar_to_solar(LunarDate {
                day: day.saturating_sub(1),
                month,
                year,
                leap: false,
            })
        })
        .ok(),
    };
    let Some(anchor) = anchor else {
        return Vec::new();
    };
    let first = anchor - Days::new(u64::from(rule.days_before));
    let mut dates: Vec<NaiveDate> = first
        .iter_days()
        .take(usize::try_from(rule.days_before + rule.days_after + 1).unwrap_or(1))
        .collect();
    if rule.bridge {
        // The adjacent day that joins the holiday to a weekend.
        let adjacent = match anchor.weekday() {
            Weekday::Tue | Weekday::Fri | Weekday::Sat => anchor - Days::new(1),
            _ => anchor + Days::new(1),
        };
        dates.push(adjacent);
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::builtin_data;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::new(
            Arc::new(builtin_data().unwrap()),
            None,
            OfficeHours::civil_service(),
        )
    }

    fn days_off(cal: &WorkCalendar, year: i32) -> Vec<NaiveDate> {
        cal.overview(year)
            .unwrap()
            .days_off
            .into_iter()
            .map(|(d, _)| d)
            .collect()
    }

    fn working_weekends(cal: &WorkCalendar, year: i32) -> Vec<NaiveDate> {
        cal.overview(year)
            .unwrap()
            .working_weekend_days
            .into_iter()
            .map(|(d, _)| d)
            .collect()
    }

    #[test]
    fn the_official_2024_schedule_is_used() {
        let cal = calendar();
        assert_eq!(
            days_off(&cal, 2024),
            vec![
                d(2024, 1, 1),
                d(2024, 2, 8),
                d(2024, 2, 9),
                d(2024, 2, 12),
                d(2024, 2, 13),
                d(2024, 2, 14),
                d(2024, 4, 18),
                d(2024, 4, 29),
                d(2024, 4, 30),
                d(2024, 5, 1),
                d(2024, 9, 2),
                d(2024, 9, 3),
            ]
        );
        assert_eq!(working_weekends(&cal, 2024), vec![d(2024, 5, 4)]);
        assert!(cal.overview(2024).unwrap().sources[0].contains("5015/TB-LĐTBXH"));
    }

    #[test]
    fn the_official_2025_schedule_is_used() {
        let cal = calendar();
        assert_eq!(
            days_off(&cal, 2025),
            vec![
                d(2025, 1, 1),
                d(2025, 1, 27),
                d(2025, 1, 28),
                d(2025, 1, 29),
                d(2025, 1, 30),
                d(2025, 1, 31),
                d(2025, 4, 7),
                d(2025, 4, 30),
                d(2025, 5, 1),
                d(2025, 5, 2),
                d(2025, 9, 1),
                d(2025, 9, 2),
            ]
        );
        assert_eq!(working_weekends(&cal, 2025), vec![d(2025, 4, 26)]);
        assert!(cal.day(d(2025, 4, 26)).unwrap().is_working());
    }

    #[test]
    fn the_official_2026_schedule_is_used() {
        let cal = calendar();
        assert_eq!(
            days_off(&cal, 2026),
            vec![
                d(2026, 1, 1),
                d(2026, 1, 2),
                d(2026, 2, 16),
                d(2026, 2, 17),
                d(2026, 2, 18),
                d(2026, 2, 19),
                d(2026, 2, 20),
                d(2026, 4, 27),
                d(2026, 4, 30),
                d(2026, 5, 1),
                d(2026, 8, 31),
                d(2026, 9, 1),
                d(2026, 9, 2),
                d(2026, 11, 24),
            ]
        );
        assert_eq!(
            working_weekends(&cal, 2026),
            vec![d(2026, 1, 10), d(2026, 8, 22)]
        );
        // Hùng Kings' Day is a Sunday: named, and the Monday after is off.
        assert!(matches!(
            cal.day(d(2026, 4, 26)).unwrap(),
            DayStatus::Weekend(Weekday::Sun, Some(ref n)) if n.vi == "Giỗ Tổ Hùng Vương"
        ));
    }

    #[test]
    fn without_a_schedule_the_labour_code_rules_apply_with_compensatory_days() {
        let cal = calendar();
        // 2027: Tết is Saturday 6 February, so 5 Feb (last day of the old year) through
        // 9 Feb are Tết and the Saturday and Sunday are compensated on 10 and 11 February.
        // Hùng Kings: Friday 16 April. 30/4 Friday, 1/5 Saturday → Monday 3 May.
        // 2/9 is a Thursday → Friday 3/9 joins it. 24/11 is a Wednesday.
        assert_eq!(
            days_off(&cal, 2027),
            vec![
                d(2027, 1, 1),
                d(2027, 2, 5),
                d(2027, 2, 8),
                d(2027, 2, 9),
                d(2027, 2, 10),
                d(2027, 2, 11),
                d(2027, 4, 16),
                d(2027, 4, 30),
                d(2027, 5, 3),
                d(2027, 9, 2),
                d(2027, 9, 3),
                d(2027, 11, 24),
            ]
        );
        assert!(working_weekends(&cal, 2027).is_empty());
    }

    #[test]
    fn rules_reproduce_2023_when_three_holidays_run_together() {
        // 2023: Hùng Kings Saturday 29/4, 30/4 Sunday, 1/5 Monday → off until Wednesday 3/5.
        let cal = calendar();
        let off = days_off(&cal, 2023);
        assert!(off.contains(&d(2023, 5, 1)));
        assert!(off.contains(&d(2023, 5, 2)));
        assert!(off.contains(&d(2023, 5, 3)));
        assert!(!off.contains(&d(2023, 5, 4)));
    }

    #[test]
    fn the_culture_day_applies_from_2026_only() {
        let cal = calendar();
        assert_eq!(cal.day(d(2025, 11, 24)).unwrap(), DayStatus::Working);
        assert!(!cal.day(d(2028, 11, 24)).unwrap().is_working());
    }

    #[test]
    fn local_days_off_apply_only_to_their_scope() {
        let mut data = builtin_data().unwrap();
        data.add(
            crate::calendar::data::parse_document(
                "local.toml",
                "kind = \"year-schedule\"\nyear = 2026\nscope = \"48\"\nsource = \"QĐ của UBND\"\n\
                 [[days_off]]\ndate = 2026-03-30\nname = \"Ngày giải phóng\"\n",
            )
            .unwrap(),
        );
        let data = Arc::new(data);
        let local = WorkCalendar::new(
            data.clone(),
            Some("48".into()),
            OfficeHours::civil_service(),
        );
        let other = WorkCalendar::new(data, Some("01".into()), OfficeHours::civil_service());
        assert!(!local.day(d(2026, 3, 30)).unwrap().is_working());
        assert!(other.day(d(2026, 3, 30)).unwrap().is_working());
        // The national schedule still applies to the local unit.
        assert!(!local.day(d(2026, 2, 17)).unwrap().is_working());
    }

    #[test]
    fn years_outside_the_range_are_refused() {
        let cal = calendar();
        assert_eq!(
            cal.day(d(1899, 6, 1)),
            Err(CalendarError::YearOutOfRange(1899))
        );
        assert_eq!(
            cal.overview(2200).unwrap_err(),
            CalendarError::YearOutOfRange(2200)
        );
    }
}
