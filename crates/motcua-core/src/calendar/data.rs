//! Holiday data as documents: recurring rules and per-year official schedules.
//!
//! Days off are data, not code, so that an administrator can add the year's official
//! schedule (the days off and swapped working Saturdays the government announces each year)
//! or a new holiday (24 November from 2026) without a release. Two kinds of TOML document:
//!
//! - `kind = "holiday-rules"`: `[[holiday]]` entries, each a solar or lunar anchor, the days
//!   before and after it, an optional adjacent "bridge" day, and the years it applies to.
//!   Labour Code 2019 Art. 112 is shipped this way (`calendar/vn/rules.toml`).
//! - `kind = "year-schedule"`: one year's `[[days_off]]` and `[[working_days]]` for a scope,
//!   either `"national"` (the civil-service schedule, which overrides the rules for that
//!   year) or a unit code (local days that apply on top, for that unit only).
//!
//! Parsing is pure: the caller reads the text; errors name the document, the line and the rule.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

/// The scope of the national civil-service schedule.
pub const NATIONAL: &str = "national";

/// A name in Vietnamese and in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The Vietnamese name, as printed on letters.
    pub vi: String,
    /// The English name.
    pub en: String,
}

/// What a holiday rule is anchored to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// A fixed day of the solar (Gregorian) year.
    Solar {
        /// Month 1–12.
        month: u32,
        /// Day of month.
        day: u32,
    },
    /// A fixed day of the lunar year (e.g. 10/3 for Hùng Kings).
    Lunar {
        /// Lunar month 1–12 (never the leap month).
        month: u32,
        /// Lunar day.
        day: u32,
    },
}

/// A recurring statutory day off (ngày nghỉ lễ, Tết).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRule {
    /// Stable identifier; a later document with the same id replaces the rule.
    pub id: String,
    /// Name of the holiday.
    pub name: Name,
    /// The day the holiday is anchored to.
    pub anchor: Anchor,
    /// Consecutive days off before the anchor (Tết: the last day of the old year).
    pub days_before: u32,
    /// Consecutive days off after the anchor.
    pub days_after: u32,
    /// Adds one working day next to the anchor, chosen to join the weekend (National Day).
    pub bridge: bool,
    /// First year the rule applies (inclusive).
    pub from_year: Option<i32>,
    /// Last year the rule applies (inclusive).
    pub until_year: Option<i32>,
    /// The legal basis.
    pub source: String,
}

impl HolidayRule {
    /// Whether the rule is in force in `year`.
    pub fn applies_in(&self, year: i32) -> bool {
        self.from_year.is_none_or(|f| year >= f) && self.until_year.is_none_or(|u| year <= u)
    }
}

/// A named day in a year schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDay {
    /// The date.
    pub date: NaiveDate,
    /// Why it is off, or why it is worked.
    pub name: Name,
}

/// One year's official schedule for a scope (lịch nghỉ lễ, Tết; ngày làm bù).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    /// The year.
    pub year: i32,
    /// [`NATIONAL`] or a unit code.
    pub scope: String,
    /// The notice or decision that fixes the schedule.
    pub source: String,
    /// Days off (weekend days may be listed to name them).
    pub days_off: Vec<NamedDay>,
    /// Weekend days that are worked (swapped working days).
    pub working_days: Vec<NamedDay>,
}

/// Every rule and schedule known; later additions replace earlier ones with the same key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarData {
    /// Rules by id.
    pub rules: BTreeMap<String, HolidayRule>,
    /// Schedules by (year, scope).
    pub schedules: BTreeMap<(i32, String), YearSchedule>,
}

/// A document that could not be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{document}:{line}: {message}")]
pub struct DataError {
    /// The document's name (a file path, or a label for built-in data).
    pub document: String,
    /// 1-based line of the offending entry.
    pub line: usize,
    /// What rule it breaks.
    pub message: String,
}

/// A parsed document, before it is merged into [`CalendarData`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// A set of recurring rules.
    Rules(Vec<HolidayRule>),
    /// One year's schedule.
    Schedule(YearSchedule),
}

impl CalendarData {
    /// Adds a document; what it defines replaces what was there with the same key.
    pub fn add(&mut self, doc: Document) {
        match doc {
            Document::Rules(rules) => {
                for rule in rules {
                    self.rules.insert(rule.id.clone(), rule);
                }
            }
            Document::Schedule(s) => {
                self.schedules.insert((s.year, s.scope.clone()), s);
            }
        }
    }

    /// The schedule of `year` for `scope`, if one was given.
    pub fn schedule(&self, year: i32, scope: &str) -> Option<&YearSchedule> {
        self.schedules.get(&(year, scope.to_owned()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    kind: Spanned<String>,
    source: Option<String>,
    year: Option<Spanned<i32>>,
    scope: Option<String>,
    #[serde(default)]
    holiday: Vec<Spanned<RawRule>>,
    #[serde(default)]
    days_off: Vec<Spanned<RawDay>>,
    #[serde(default)]
    working_days: Vec<Spanned<RawDay>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    name: String,
    name_en: String,
    solar: Option<String>,
    lunar: Option<String>,
    #[serde(default)]
    days_before: u32,
    #[serde(default)]
    days_after: u32,
    adjacent: Option<String>,
    from_year: Option<i32>,
    until_year: Option<i32>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    date: Option<toml::value::Datetime>,
    from: Option<toml::value::Datetime>,
    to: Option<toml::value::Datetime>,
    name: String,
    name_en: Option<String>,
}

/// Parses one calendar document. `document` names it in errors.
pub fn parse_document(document: &str, text: &str) -> Result<Document, DataError> {
    let fail = |span: Option<Range<usize>>, message: String| DataError {
        document: document.to_owned(),
        line: span.map_or(1, |s| line_of(text, s.start)),
        message,
    };
    let raw: RawDocument =
        toml::from_str(text).map_err(|e| fail(e.span(), e.message().to_owned()))?;
    match raw.kind.get_ref().as_str() {
        "holiday-rules" => {
            let mut seen = BTreeMap::new();
            let mut rules = Vec::new();
            for entry in raw.holiday {
                let span = entry.span();
                let rule = rule_from_raw(entry.into_inner(), raw.source.as_deref())
                    .map_err(|m| fail(Some(span.clone()), m))?;
                if seen.insert(rule.id.clone(), ()).is_some() {
                    return Err(fail(
                        Some(span),
                        format!("mã ngày lễ trùng lặp: {}", rule.id),
                    ));
                }
                rules.push(rule);
            }
            Ok(Document::Rules(rules))
        }
        "year-schedule" => {
            let year = raw
                .year
                .ok_or_else(|| fail(None, "thiếu trường `year` (năm áp dụng)".into()))?;
            let year_span = year.span();
            let year = year.into_inner();
            if !(super::lunar::FIRST_YEAR..=super::lunar::LAST_YEAR).contains(&year) {
                return Err(fail(
                    Some(year_span),
                    format!("năm {year} nằm ngoài 1900–2199"),
                ));
            }
            let source = raw.source.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                fail(
                    None,
                    "thiếu trường `source` (văn bản công bố lịch nghỉ)".into(),
                )
            })?;
            let days_off = named_days(raw.days_off, year, &fail)?;
            let working_days = named_days(raw.working_days, year, &fail)?;
            Ok(Document::Schedule(YearSchedule {
                year,
                scope: raw.scope.unwrap_or_else(|| NATIONAL.to_owned()),
                source,
                days_off,
                working_days,
            }))
        }
        other => Err(fail(
            Some(raw.kind.span()),
            format!(
                "`kind` phải là \"holiday-rules\" hoặc \"year-schedule\", không phải \"{other}\""
            ),
        )),
    }
}

fn rule_from_raw(raw: RawRule, doc_source: Option<&str>) -> Result<HolidayRule, String> {
    let anchor = match (raw.solar.as_deref(), raw.lunar.as_deref()) {
        (Some(s), None) => {
            let (month, day) = month_day(s)?;
            if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                return Err(format!("ngày dương lịch không hợp lệ: {s}"));
            }
            Anchor::Solar { month, day }
        }
        (None, Some(l)) => {
            let (month, day) = month_day(l)?;
            if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
                return Err(format!("ngày âm lịch không hợp lệ: {l}"));
            }
            Anchor::Lunar { month, day }
        }
        _ => {
            return Err(format!(
                "ngày lễ {}: cần đúng một trong `solar` hoặc `lunar`",
                raw.id
            ));
        }
    };
    let bridge = match raw.adjacent.as_deref() {
        None => false,
        Some("bridge") => true,
        Some(other) => {
            return Err(format!(
                "`adjacent` chỉ nhận \"bridge\", không phải \"{other}\""
            ));
        }
    };
    if raw.days_before + raw.days_after > 15 {
        return Err(format!("ngày lễ {}: quá 15 ngày liên tiếp", raw.id));
    }
    if let (Some(f), Some(u)) = (raw.from_year, raw.until_year)
        && u < f
    {
        return Err(format!(
            "ngày lễ {}: until_year {u} trước from_year {f}",
            raw.id
        ));
    }
    let source = raw
        .source
        .or_else(|| doc_source.map(str::to_owned))
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("ngày lễ {}: thiếu `source` (căn cứ pháp lý)", raw.id))?;
    Ok(HolidayRule {
        id: raw.id,
        name: Name {
            vi: raw.name,
            en: raw.name_en,
        },
        anchor,
        days_before: raw.days_before,
        days_after: raw.days_after,
        bridge,
        from_year: raw.from_year,
        until_year: raw.until_year,
        source,
    })
}

fn named_days(
    raw: Vec<Spanned<RawDay>>,
    year: i32,
    fail: &dyn Fn(Option<Range<usize>>, String) -> DataError,
) -> Result<Vec<NamedDay>, DataError> {
    let mut out = Vec::new();
    for entry in raw {
        let span = entry.span();
        let day = entry.into_inner();
        let err = |m: String| fail(Some(span.clone()), m);
        let (from, to) = match (day.date, day.from, day.to) {
            (Some(d), None, None) => {
                let d = toml_date(&d).map_err(err)?;
                (d, d)
            }
            (None, Some(f), Some(t)) => (toml_date(&f).map_err(err)?, toml_date(&t).map_err(err)?),
            _ => return Err(err("cần `date`, hoặc cả `from` và `to`".into())),
        };
        if to < from {
            return Err(err(format!("`to` ({to}) trước `from` ({from})")));
        }
        let name = Name {
            en: day.name_en.unwrap_or_else(|| day.name.clone()),
            vi: day.name,
        };
        for date in from.iter_days().take_while(|d| *d <= to) {
            if chrono::Datelike::year(&date) != year {
                return Err(err(format!("ngày {date} không thuộc năm {year}")));
            }
            out.push(NamedDay {
                date,
                name: name.clone(),
            });
        }
    }
    Ok(out)
}

fn toml_date(value: &toml::value::Datetime) -> Result<NaiveDate, String> {
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .ok_or_else(|| format!("ngày không hợp lệ: {value}"))
        }
        _ => Err(format!("cần một ngày (YYYY-MM-DD), không phải {value}")),
    }
}

fn month_day(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("cần dạng \"MM-DD\", không phải \"{text}\"");
    let (m, d) = text.split_once('-').ok_or_else(bad)?;
    Ok((m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_with_a_range_expands_to_every_day() {
        let doc = parse_document(
            "t.toml",
            "kind = \"year-schedule\"\nyear = 2026\nsource = \"TB 9441/TB-BNV\"\n\
             [[days_off]]\nfrom = 2026-02-16\nto = 2026-02-20\nname = \"Tết Nguyên đán\"\n",
        )
        .unwrap();
        let Document::Schedule(s) = doc else { panic!() };
        assert_eq!(s.days_off.len(), 5);
        assert_eq!(s.scope, NATIONAL);
        assert_eq!(s.days_off[0].name.en, "Tết Nguyên đán");
    }

    #[test]
    fn a_day_outside_the_schedule_year_is_rejected_with_its_line() {
        let err = parse_document(
            "bad.toml",
            "kind = \"year-schedule\"\nyear = 2026\nsource = \"x\"\n\n[[days_off]]\ndate = 2025-12-31\nname = \"x\"\n",
        )
        .unwrap_err();
        assert_eq!(err.document, "bad.toml");
        assert_eq!(err.line, 5, "{err}");
        assert!(err.message.contains("không thuộc năm 2026"), "{err}");
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let err =
            parse_document("x.toml", "kind = \"holiday-rules\"\n[[holiday]]\nid = \n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn a_rule_needs_exactly_one_anchor_and_a_source() {
        let text = "kind = \"holiday-rules\"\n[[holiday]]\nid = \"a\"\nname = \"A\"\nname_en = \"A\"\n\
                    solar = \"01-01\"\nlunar = \"01-01\"\nsource = \"x\"\n";
        assert!(
            parse_document("r", text)
                .unwrap_err()
                .message
                .contains("đúng một")
        );
        let text = "kind = \"holiday-rules\"\n[[holiday]]\nid = \"a\"\nname = \"A\"\nname_en = \"A\"\nsolar = \"02-30\"\nsource = \"x\"\n";
        assert!(
            parse_document("r", text)
                .unwrap_err()
                .message
                .contains("không hợp lệ")
        );
        let text = "kind = \"holiday-rules\"\n[[holiday]]\nid = \"a\"\nname = \"A\"\nname_en = \"A\"\nsolar = \"01-01\"\n";
        assert!(
            parse_document("r", text)
                .unwrap_err()
                .message
                .contains("source")
        );
    }

    #[test]
    fn unknown_fields_and_kinds_are_rejected() {
        assert!(parse_document("r", "kind = \"nope\"\n").is_err());
        assert!(parse_document("r", "kind = \"holiday-rules\"\ncolour = 1\n").is_err());
    }

    #[test]
    fn later_documents_replace_rules_and_schedules_with_the_same_key() {
        let mut data = CalendarData::default();
        let rule = |vi: &str| {
            parse_document(
                "r",
                &format!(
                    "kind = \"holiday-rules\"\nsource = \"s\"\n[[holiday]]\nid = \"x\"\nname = \"{vi}\"\nname_en = \"X\"\nsolar = \"11-24\"\nfrom_year = 2026\n"
                ),
            )
            .unwrap()
        };
        data.add(rule("Cũ"));
        data.add(rule("Mới"));
        assert_eq!(data.rules.len(), 1);
        assert_eq!(data.rules["x"].name.vi, "Mới");
        assert!(!data.rules["x"].applies_in(2025));
        assert!(data.rules["x"].applies_in(2026));
    }
}
