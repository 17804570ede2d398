//! The Vietnamese lunisolar calendar (âm lịch), computed astronomically for UTC+7.
//!
//! Months begin on the local day of the new moon; month 11 is the month that contains the
//! winter solstice; a lunar year with 13 months repeats, as a leap month (tháng nhuận), the
//! first month after month 11 in which the sun enters no new 30° sector (no principal solar
//! term). This is the method of Hồ Ngọc Đức's published Vietnamese calendar. Computing for
//! UTC+7 instead of UTC+8 is what makes Vietnam's calendar differ from China's in some years
//! (Tết 1985 fell on 21 January in Vietnam and 20 February in China; Tết 2007 on 17 and
//! 18 February).
//!
//! Astronomy: mean new moon with periodic terms from Jean Meeus, *Astronomical Formulae for
//! Calculators*, and the sun's apparent longitude from Meeus, *Astronomical Algorithms*
//! ch. 25 (low accuracy). Both are far more precise than the one-day resolution needed here
//! for the supported range.
//!
//! This module owns date conversion only; which lunar dates are holidays lives in `rules`.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// First Gregorian year whose every day can be converted.
pub const FIRST_YEAR: i32 = 1900;
/// Last Gregorian year whose every day can be converted.
pub const LAST_YEAR: i32 = 2199;

/// Vietnam's time zone offset from UTC, in hours (the calendar is computed for it).
const ZONE_HOURS: f64 = 7.0;
/// Mean length of a lunation (synodic month), in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian day of the mean new moon numbered 0 (6 January 1900).
const NEW_MOON_ZERO: f64 = 2_415_021.076_998_695;
/// Julian day number of 0001-01-01 minus one, to convert chrono's day count.
const JDN_OFFSET: i64 = 1_721_425;

/// A date in the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    /// Day of the month, 1–30.
    pub day: u32,
    /// Month, 1–12 (11 is tháng Một, 12 is tháng Chạp).
    pub month: u32,
    /// Lunar year, labelled by the Gregorian year in which it mostly falls.
    pub year: i32,
    /// True for the repeated (leap) month, tháng nhuận.
    pub leap: bool,
}

/// Why a conversion could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LunarError {
    /// The date lies outside 1900-01-01 ..= 2199-12-31.
    #[error("ngày {0} nằm ngoài phạm vi hỗ trợ ({FIRST_YEAR}–{LAST_YEAR})")]
    OutOfRange(String),
    /// The month number is not 1–12 or the day not 1–30.
    #[error("ngày âm lịch không hợp lệ: {0}")]
    Invalid(String),
    /// A leap month was asked for that the year does not have.
    #[error("năm âm lịch {year} không có tháng {month} nhuận")]
    NoSuchLeapMonth {
        /// The lunar year asked for.
        year: i32,
        /// The month asked for.
        month: u32,
    },
    /// The month has only 29 days.
    #[error("tháng {month}{leap} năm {year} âm lịch chỉ có 29 ngày", leap = if *.leap { " nhuận" } else { "" })]
    DayPastMonthEnd {
        /// The lunar year asked for.
        year: i32,
        /// The month asked for.
        month: u32,
        /// Whether the leap month was asked for.
        leap: bool,
    },
}

impl LunarDate {
    /// The heavenly stem and earthly branch name of the lunar year (e.g. "Bính Ngọ").
    pub fn year_name(&self) -> String {
        const STEMS: [&str; 10] = [
            "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
        ];
        const BRANCHES: [&str; 12] = [
            "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
        ];
        let stem = STEMS
            .get(usize::try_from((self.year + 6).rem_euclid(10)).unwrap_or(0))
            .unwrap_or(&"");
        let branch = BRANCHES
            .get(usize::try_from((self.year + 8).rem_euclid(12)).unwrap_or(0))
            .unwrap_or(&"");
        format!("{stem} {branch}")
    }

    /// The Vietnamese name of the month ("Giêng", "Hai", …, "Một", "Chạp").
    pub fn month_name(&self) -> &'static str {
        const NAMES: [&str; 12] = [
            "Giêng", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Một", "Chạp",
        ];
        NAMES
            .get(usize::try_from(self.month).unwrap_or(1).saturating_sub(1))
            .copied()
            .unwrap_or("")
    }
}

/// One lunar month, located in the solar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunarMonth {
    /// The solar date of day 1.
    pub start: NaiveDate,
    /// Number of days, 29 or 30.
    pub days: u32,
    /// Month number 1–12.
    pub month: u32,
    /// Lunar year the month belongs to.
    pub year: i32,
    /// True for the leap month.
    pub leap: bool,
}

/// Converts a solar (Gregorian) date to the Vietnamese lunar date.
pub fn solar_to_lunar(date: NaiveDate) -> Result<LunarDate, LunarError> {
    check_solar(date)?;
    let day = jdn(date);
    let year = date.year();
    // The span from month 11 of the previous year to month 11 of this one holds the date,
    // unless the date already lies in this year's month 11 or 12.
    let span_year = if day >= month11_start(year) {
        year + 1
    } else {
        year
    };
    let month = months_of_span(span_year)
        .into_iter()
        .rev()
        .find(|m| jdn(m.start) <= day)
        .ok_or_else(|| LunarError::OutOfRange(date.to_string()))?;
    Ok(LunarDate {
        day: u32::try_from(day - jdn(month.start) + 1).unwrap_or(1),
        month: month.month,
        year: month.year,
        leap: month.leap,
    })
}

/// Converts a Vietnamese lunar date to the solar (Gregorian) date.
pub fn lunar_to_solar(date: LunarDate) -> Result<NaiveDate, LunarError> {
    if !(1..=12).contains(&date.month) || !(1..=30).contains(&date.day) {
        return Err(LunarError::Invalid(format!(
            "{}/{}/{}",
            date.day, date.month, date.year
        )));
    }
    if !(FIRST_YEAR - 1..=LAST_YEAR).contains(&date.year) {
        return Err(LunarError::OutOfRange(format!(
            "{}/{}/{} âm lịch",
            date.day, date.month, date.year
        )));
    }
    // Months 11 and 12 of lunar year Y lie in the span that ends with month 10 of Y + 1.
    let span_year = if date.month >= 11 {
        date.year + 1
    } else {
        date.year
    };
    let month = months_of_span(span_year)
        .into_iter()
        .find(|m| m.month == date.month && m.leap == date.leap && m.year == date.year)
        .ok_or(LunarError::NoSuchLeapMonth {
            year: date.year,
            month: date.month,
        })?;
    if date.day > month.days {
        return Err(LunarError::DayPastMonthEnd {
            year: date.year,
            month: date.month,
            leap: date.leap,
        });
    }
    let solar = month.start + chrono::Days::new(u64::from(date.day - 1));
    check_solar(solar)?;
    Ok(solar)
}

/// The lunar months from month 11 of lunar year `year - 1` up to, not including, month 11
/// of lunar year `year` (12 or 13 months).
pub fn months_of_span(year: i32) -> Vec<LunarMonth> {
    let first = month11_start(year - 1);
    let next = month11_start(year);
    let k0 = lunation_number(first);
    let mut starts: Vec<i64> = (0..)
        .map(|i| new_moon_day(k0 + i))
        .take_while(|&s| s < next)
        .collect();
    starts.push(next);
    let count = starts.len() - 1;
    let leap_at = (count == 13).then(|| leap_position(k0));
    starts
        .windows(2)
        .enumerate()
        .filter_map(|(i, w)| {
            let (&start, &end) = (w.first()?, w.get(1)?);
            let leap = leap_at == Some(i);
            // Position in the span with the leap month folded onto the month before it.
            let base = match leap_at {
                Some(p) if i >= p => i - 1,
                _ => i,
            };
            let month = u32::try_from((base + 10) % 12 + 1).ok()?;
            Some(LunarMonth {
                start: from_jdn(start)?,
                days: u32::try_from(end - start).ok()?,
                month,
                year: if base < 2 { year - 1 } else { year },
                leap,
            })
        })
        .collect()
}

fn check_solar(date: NaiveDate) -> Result<(), LunarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(LunarError::OutOfRange(date.to_string()))
    }
}

/// Julian day number of a date (the day that begins at noon UT on that date).
fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OFFSET
}

fn from_jdn(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day - JDN_OFFSET).ok()?)
}

/// The number of the mean new moon nearest to a day.
fn lunation_number(day: i64) -> i64 {
    ((day as f64 - NEW_MOON_ZERO) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// Julian ephemeris day of the `k`-th new moon after 6 January 1900.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900.
    let (t2, t3) = (t * t, t * t * t);
    let rad = PI / 180.0;
    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * rad).sin();
    let sun_anomaly = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3) * rad;
    let moon_anomaly = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3) * rad;
    let latitude = (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3) * rad;
    let (m, mp, f) = (sun_anomaly, moon_anomaly, latitude);
    let correction = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin()
        - 0.4068 * mp.sin()
        + 0.0161 * (2.0 * mp).sin()
        - 0.0004 * (3.0 * mp).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mp).sin()
        - 0.0074 * (m - mp).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mp).sin()
        + 0.0010 * (2.0 * f - mp).sin()
        + 0.0005 * (2.0 * mp + m).sin();
    // Ephemeris time minus universal time, in days.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    mean + correction - delta_t
}

/// The local (UTC+7) day number on which the `k`-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + ZONE_HOURS / 24.0).floor() as i64
}

/// The 30° sector (0–11) of the sun's apparent longitude at local midnight starting `day`;
/// sector 0 begins at the March equinox, sector 9 at the winter solstice.
fn sun_sector(day: i64) -> i64 {
    let t = (day as f64 - 2_451_545.5 - ZONE_HOURS / 24.0) / 36_525.0;
    let t2 = t * t;
    let rad = PI / 180.0;
    let anomaly = (357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2) * rad;
    let mean_longitude = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * anomaly.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * anomaly).sin()
        + 0.000_290 * (3.0 * anomaly).sin();
    let longitude = (mean_longitude + centre).rem_euclid(360.0);
    (longitude / 30.0).floor() as i64
}

/// The local day on which month 11 (the month holding the winter solstice) of `year` begins.
fn month11_start(year: i32) -> i64 {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).map_or(0, jdn);
    let k = ((dec31 as f64 - 2_415_021.0) / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k);
    // If the sun has already passed the solstice when this month begins, month 11 is the
    // one before.
    if sun_sector(start) >= 9 {
        new_moon_day(k - 1)
    } else {
        start
    }
}

/// In a 13-month span starting at lunation `k0` (month 11), the position of the first month
/// in which the sun enters no new sector: that month is the leap month.
fn leap_position(k0: i64) -> usize {
    let mut position = 1;
    let mut sector = sun_sector(new_moon_day(k0 + 1));
    while position < 13 {
        let next = sun_sector(new_moon_day(k0 + i64::try_from(position).unwrap_or(0) + 1));
        if next == sector {
            break;
        }
        sector = next;
        position += 1;
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn lunar(day: u32, month: u32, year: i32, leap: bool) -> LunarDate {
        LunarDate {
            day,
            month,
            year,
            leap,
        }
    }

    #[test]
    fn tet_falls_on_the_published_dates_2020_to_2030() {
        let tet = [
            (2020, d(2020, 1, 25)),
            (2021, d(2021, 2, 12)),
            (2022, d(2022, 2, 1)),
            (2023, d(2023, 1, 22)),
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2028, d(2028, 1, 26)),
            (2029, d(2029, 2, 13)),
            // The new moon falls at 23:07 in Vietnam and 00:07 in China: China's Tết is 3 Feb.
            (2030, d(2030, 2, 2)),
        ];
        for (year, date) in tet {
            assert_eq!(
                lunar_to_solar(lunar(1, 1, year, false)),
                Ok(date),
                "Tết {year}"
            );
            assert_eq!(solar_to_lunar(date), Ok(lunar(1, 1, year, false)));
        }
    }

    #[test]
    fn hung_kings_day_falls_on_the_published_dates_2020_to_2030() {
        let days = [
            (2020, d(2020, 4, 2)),
            (2021, d(2021, 4, 21)),
            (2022, d(2022, 4, 10)),
            (2023, d(2023, 4, 29)),
            (2024, d(2024, 4, 18)),
            (2025, d(2025, 4, 7)),
            (2026, d(2026, 4, 26)),
            (2027, d(2027, 4, 16)),
            (2028, d(2028, 4, 4)),
            (2029, d(2029, 4, 23)),
            (2030, d(2030, 4, 12)),
        ];
        for (year, date) in days {
            assert_eq!(
                lunar_to_solar(lunar(10, 3, year, false)),
                Ok(date),
                "{year}"
            );
        }
    }

    #[test]
    fn vietnam_differs_from_china_where_utc7_moves_the_new_moon() {
        // Every year 1900–2099 in which Tết differs between Vietnam (UTC+7) and the Chinese
        // calendar (UTC+8, Hong Kong Observatory tables), with China's date for reference.
        let differs = [
            (1903, d(1903, 1, 28)), // China 29 Jan
            (1935, d(1935, 2, 3)),  // China 4 Feb
            (1965, d(1965, 2, 1)),  // China 2 Feb
            (1968, d(1968, 1, 29)), // China 30 Jan
            (1969, d(1969, 2, 16)), // China 17 Feb
            (1985, d(1985, 1, 21)), // China 20 Feb: a month apart (leap month placement)
            (2007, d(2007, 2, 17)), // China 18 Feb
            (2030, d(2030, 2, 2)),  // China 3 Feb
            (2053, d(2053, 2, 18)), // China 19 Feb
        ];
        for (year, date) in differs {
            assert_eq!(
                lunar_to_solar(lunar(1, 1, year, false)),
                Ok(date),
                "Tết {year}"
            );
        }
    }

    #[test]
    fn leap_months_are_found_where_the_calendar_has_them() {
        // 2023 had a leap 2nd month, 2025 a leap 6th, 2028 a leap 5th; 2026 has none.
        assert_eq!(
            solar_to_lunar(d(2023, 3, 22)),
            Ok(lunar(1, 2, 2023, true)),
            "leap month 2 of 2023 begins 22 March"
        );
        assert_eq!(
            solar_to_lunar(d(2025, 7, 25)),
            Ok(lunar(1, 6, 2025, true)),
            "leap month 6 of 2025 begins 25 July"
        );
        assert!(months_of_span(2028).iter().any(|m| m.leap && m.month == 5));
        assert!(!months_of_span(2026).iter().any(|m| m.leap));
        assert_eq!(
            lunar_to_solar(lunar(1, 3, 2026, true)),
            Err(LunarError::NoSuchLeapMonth {
                year: 2026,
                month: 3
            })
        );
    }

    #[test]
    fn the_last_day_of_a_short_month_is_29_and_day_30_is_refused() {
        // Tết 2026 is 17 February and 16 February is 29 tháng Chạp of Ất Tỵ (no 30th).
        assert_eq!(
            solar_to_lunar(d(2026, 2, 16)),
            Ok(lunar(29, 12, 2025, false))
        );
        assert!(matches!(
            lunar_to_solar(lunar(30, 12, 2025, false)),
            Err(LunarError::DayPastMonthEnd { .. })
        ));
    }

    #[test]
    fn dates_outside_the_supported_range_are_refused() {
        assert!(matches!(
            solar_to_lunar(d(1899, 12, 31)),
            Err(LunarError::OutOfRange(_))
        ));
        assert!(matches!(
            solar_to_lunar(d(2200, 1, 1)),
            Err(LunarError::OutOfRange(_))
        ));
        assert!(matches!(
            lunar_to_solar(lunar(0, 1, 2000, false)),
            Err(LunarError::Invalid(_))
        ));
        assert!(matches!(
            lunar_to_solar(lunar(1, 13, 2000, false)),
            Err(LunarError::Invalid(_))
        ));
    }

    #[test]
    fn year_names_follow_the_sexagenary_cycle() {
        assert_eq!(lunar(1, 1, 2026, false).year_name(), "Bính Ngọ");
        assert_eq!(lunar(1, 1, 2025, false).year_name(), "Ất Tỵ");
        assert_eq!(lunar(1, 1, 1984, false).year_name(), "Giáp Tý");
        assert_eq!(lunar(1, 12, 2025, false).month_name(), "Chạp");
    }

    /// Every day of 1900–2199 converts to lunar and back to itself, and the months tile the
    /// solar calendar with no gap or overlap.
    #[test]
    fn every_supported_day_round_trips_through_the_lunar_calendar() {
        let mut expected_next: Option<NaiveDate> = None;
        for span in FIRST_YEAR..=LAST_YEAR + 1 {
            for m in months_of_span(span) {
                assert!(m.days == 29 || m.days == 30, "{m:?}");
                if let Some(next) = expected_next {
                    assert_eq!(m.start, next, "months must tile: {m:?}");
                }
                expected_next = Some(m.start + chrono::Days::new(u64::from(m.days)));
                for day in 1..=m.days {
                    let solar = m.start + chrono::Days::new(u64::from(day - 1));
                    if !(FIRST_YEAR..=LAST_YEAR).contains(&solar.year()) {
                        continue;
                    }
                    let l = lunar(day, m.month, m.year, m.leap);
                    assert_eq!(solar_to_lunar(solar), Ok(l), "{solar}");
                    assert_eq!(lunar_to_solar(l), Ok(solar), "{l:?}");
                }
            }
        }
    }
}
