//! Due instants (ngày hẹn trả) from a receipt instant and a statutory time, with their reasons.
//!
//! The rules (Decree 118/2025/NĐ-CP, DOMAIN.md §4): N working days are N full office days of
//! working time counted forward from the instant the clock starts, so a dossier received at
//! 10:00 with 3 days is due at 10:00 on the third working day after. The clock starts at
//! receipt; a receipt outside office hours starts at the next working period, and a paper
//! receipt after the unit's cut-off (15:00) starts on the next working day. Clock stops
//! (pauses) push the due instant by exactly the working time they cover. When the count ends
//! exactly at the end of a period, the due instant is that end (17:00), not the next morning.
//!
//! Instants are UTC; all counting is in Vietnam's local time (UTC+7, no daylight saving).

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc,
    Weekday,
};
use serde::{Deserialize, Serialize};

use super::data::Name;
use super::lunar::LAST_YEAR;
use super::office::{StatutoryTime, WorkDuration};
use super::workcal::{CalendarError, DayStatus, WorkCalendar};

/// Vietnam's offset from UTC: +07:00 all year.
pub const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    // Unreachable: +7 h is within ±24 h, and this is evaluated at compile time.
    None => panic!("+7 h is a valid offset"),
};

/// The working time an officer has to accept an online dossier or ask for corrections
/// (Decree 45/2020/NĐ-CP Art. 13; kept by Decree 118/2025).
pub const ONLINE_ACKNOWLEDGEMENT: WorkDuration = WorkDuration::hours(8);

/// A clock stop (tạm dừng tính thời gian): the time between a supplement request and the
/// supplement, while the applicant pays a financial obligation, and so on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the clock stopped.
    pub from: DateTime<Utc>,
    /// When it resumed.
    pub to: DateTime<Utc>,
    /// Why, for the explanation (e.g. "chờ bổ sung hồ sơ").
    pub reason: Option<String>,
}

/// What to compute a due instant for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRequest {
    /// The receipt instant printed on the receipt (or the online acceptance instant).
    pub received_at: DateTime<Utc>,
    /// The statutory (or budgeted) time.
    pub time: StatutoryTime,
    /// Whether the paper-receipt cut-off applies (counter receipts: yes; online: no).
    pub apply_cutoff: bool,
    /// Clock stops.
    pub pauses: Vec<Pause>,
}

/// Why a day was skipped or counted specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Received after the cut-off; counting starts the next working day.
    AfterCutoff,
    /// Received outside office hours; counting starts at the next working period.
    OutsideHours,
    /// A weekly rest day (possibly also a holiday).
    Weekend,
    /// A holiday, compensatory or swapped day off.
    DayOff,
    /// Working time on this day was paused.
    Pause,
    /// A weekend day that was worked and counted (ngày làm bù).
    SwappedWorking,
}

/// One line of a due instant's explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The local date.
    pub date: NaiveDate,
    /// What happened on it.
    pub kind: SkipKind,
    /// Why, in Vietnamese and English.
    pub reason: Name,
}

/// A computed due instant and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// When the clock started.
    pub clock_start: DateTime<Utc>,
    /// The due instant.
    pub due: DateTime<Utc>,
    /// The days skipped or counted specially between receipt and due, in date order.
    pub explanation: Vec<Skip>,
}

/// Why a due instant could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeadlineError {
    /// The calendar does not cover the dates needed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A pause ends before it starts.
    #[error("khoảng tạm dừng kết thúc ({}) trước khi bắt đầu ({})", VnTime(*.to), VnTime(*.from))]
    PauseEndsBeforeStart {
        /// Start of the pause.
        from: DateTime<Utc>,
        /// End of the pause.
        to: DateTime<Utc>,
    },
    /// The count runs past 2199.
    #[error("thời hạn vượt quá năm {LAST_YEAR}")]
    PastCalendarEnd,
    /// The due date may be moved only once (Decree 118/2025).
    #[error("hồ sơ đã được gia hạn một lần; không được gia hạn lần nữa")]
    AlreadyExtended,
    /// An extension must move the due instant later.
    #[error("ngày hẹn mới ({}) phải sau ngày hẹn hiện tại ({})", VnTime(*.new), VnTime(*.current))]
    ExtensionNotLater {
        /// The current due instant.
        current: DateTime<Utc>,
        /// The refused new due instant.
        new: DateTime<Utc>,
    },
}

/// Computes the due instant of a dossier.
pub fn due_date(cal: &WorkCalendar, req: &DeadlineRequest) -> Result<Due, DeadlineError> {
    let received = local(req.received_at);
    let pauses = merge_pauses(&req.pauses)?;
    let mut explanation = Vec::new();
    let mut start = received;
    let receipt_day = cal.day(received.date())?;
    let cutoff = cal.office().cutoff().filter(|_| req.apply_cutoff);
    if let Some(cut) = cutoff.filter(|c| receipt_day.is_working() && received.time() > *c) {
        start = next_midnight(received.date());
        explanation.push(Skip {
            date: received.date(),
            kind: SkipKind::AfterCutoff,
            reason: Name {
                vi: format!(
                    "Tiếp nhận lúc {} (sau {}): tính từ ngày làm việc tiếp theo",
                    received.format("%H:%M"),
                    cut.format("%H:%M")
                ),
                en: format!(
                    "Received at {} (after {}): counting starts the next working day",
                    received.format("%H:%M"),
                    cut.format("%H:%M")
                ),
            },
        });
    } else if receipt_day.is_working() && !within_hours(cal, received.time()) {
        explanation.push(Skip {
            date: received.date(),
            kind: SkipKind::OutsideHours,
            reason: Name {
                vi: format!(
                    "Tiếp nhận lúc {} (ngoài giờ làm việc): tính từ đầu giờ làm việc tiếp theo",
                    received.format("%H:%M")
                ),
                en: format!(
                    "Received at {} (outside office hours): counting starts at the next working period",
                    received.format("%H:%M")
                ),
            },
        });
    }
    let amount = cal.office().duration_of(req.time);
    let (clock_start, due) = walk(cal, start, amount, &pauses, Some(&mut explanation))?;
    Ok(Due {
        clock_start: utc(clock_start),
        due: utc(due),
        explanation,
    })
}

/// The instant `amount` of working time after `from` (no cut-off, no pauses).
pub fn advance(
    cal: &WorkCalendar,
    from: DateTime<Utc>,
    amount: WorkDuration,
) -> Result<DateTime<Utc>, DeadlineError> {
    walk(cal, local(from), amount, &[], None).map(|(_, due)| utc(due))
}

/// When an online dossier must be accepted or sent back for corrections: 8 working hours
/// after it was submitted.
pub fn acknowledgement_due(
    cal: &WorkCalendar,
    submitted_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, DeadlineError> {
    advance(cal, submitted_at, ONLINE_ACKNOWLEDGEMENT)
}

/// Working time from `from` to `to`; negative when `to` is earlier.
pub fn working_time_between(
    cal: &WorkCalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<WorkDuration, DeadlineError> {
    if to < from {
        return working_time_between(cal, to, from).map(|w| WorkDuration::ZERO.minus(w));
    }
    let (from, to) = (local(from), local(to));
    // Office hours of one day that fall between `from` and `to`.
    let part = |date: NaiveDate| -> Result<i64, DeadlineError> {
        if !cal.is_working(date)? {
            return Ok(0);
        }
        Ok(cal
            .office()
            .periods()
            .iter()
            .map(|(a, b)| {
                let start = date.and_time(*a).max(from);
                let end = date.and_time(*b).min(to);
                (end - start).num_seconds().max(0)
            })
            .sum())
    };
    let (first, last) = (from.date(), to.date());
    if first == last {
        return Ok(WorkDuration::seconds(part(first)?));
    }
    // The first and last days in part; every working day between them in full.
    let between = first
        .succ_opt()
        .map_or(Ok(0), |next| cal.working_days(next, last))?;
    let full = cal.office().day_length().as_seconds();
    Ok(WorkDuration::seconds(
        part(first)? + part(last)? + between * full,
    ))
}

crate::wire_enum! {
    /// How a finished dossier stands against its due instant (trước hạn / đúng hạn / quá hạn).
    pub enum Completion {
        /// Finished on a day before the due date.
        Early = "early",
        /// Finished on the due date, at or before the due instant.
        OnTime = "on_time",
        /// Finished after the due instant.
        Late = "late",
    }
}

impl Completion {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Early => "trước hạn",
            Self::OnTime => "đúng hạn",
            Self::Late => "quá hạn",
        }
    }
}

/// Classifies a finish instant against a due instant.
pub fn classify(finished_at: DateTime<Utc>, due: DateTime<Utc>) -> Completion {
    if finished_at > due {
        Completion::Late
    } else if local(finished_at).date() < local(due).date() {
        Completion::Early
    } else {
        Completion::OnTime
    }
}

/// A dossier's appointment: the statutory due instant and, after an extension with an
/// apology (Mẫu 04), the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The due instant the law gives (pauses included).
    pub statutory_due: DateTime<Utc>,
    /// The due instant the applicant was last told.
    pub current_due: DateTime<Utc>,
    /// The extension, if the due date was moved.
    pub extension: Option<Extension>,
}

/// A moved due date (gia hạn), allowed once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The due instant before the extension.
    pub previous_due: DateTime<Utc>,
    /// The new due instant.
    pub new_due: DateTime<Utc>,
    /// The reason given in the apology letter.
    pub reason: String,
}

impl Appointment {
    /// An appointment at the statutory due instant.
    pub fn new(statutory_due: DateTime<Utc>) -> Self {
        Self {
            statutory_due,
            current_due: statutory_due,
            extension: None,
        }
    }

    /// Moves the due instant once, later.
    pub fn extend(&mut self, new_due: DateTime<Utc>, reason: String) -> Result<(), DeadlineError> {
        if self.extension.is_some() {
            return Err(DeadlineError::AlreadyExtended);
        }
        if new_due <= self.current_due {
            return Err(DeadlineError::ExtensionNotLater {
                current: self.current_due,
                new: new_due,
            });
        }
        self.extension = Some(Extension {
            previous_due: self.current_due,
            new_due,
            reason,
        });
        self.current_due = new_due;
        Ok(())
    }

    /// Classifies against the statutory due instant: an extended dossier that misses it
    /// still counts late, as the law says.
    pub fn classify(&self, finished_at: DateTime<Utc>) -> Completion {
        classify(finished_at, self.statutory_due)
    }
}

/// A UTC instant in Vietnam's local time.
pub fn local(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&VIETNAM).naive_local()
}

/// An instant as people at the desk read it: Vietnam time, "HH:MM dd/mm/yyyy". Every message
/// that shows an instant uses it, so no one is told a time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VnTime(pub DateTime<Utc>);

impl std::fmt::Display for VnTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", local(self.0).format("%H:%M %d/%m/%Y"))
    }
}

/// A Vietnam local time as a UTC instant.
pub fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(local - TimeDelta::hours(7), Utc)
}

/// The Vietnamese name of a weekday.
pub fn weekday_vi(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ Nhật",
    }
}

type LocalPause = (NaiveDateTime, NaiveDateTime, Option<String>);

fn merge_pauses(pauses: &[Pause]) -> Result<Vec<LocalPause>, DeadlineError> {
    let mut sorted: Vec<LocalPause> = Vec::with_capacity(pauses.len());
    for p in pauses {
        if p.to < p.from {
            return Err(DeadlineError::PauseEndsBeforeStart {
                from: p.from,
                to: p.to,
            });
        }
        sorted.push((local(p.from), local(p.to), p.reason.clone()));
    }
    sorted.sort_by_key(|p| p.0);
    let mut merged: Vec<LocalPause> = Vec::with_capacity(sorted.len());
    for p in sorted {
        match merged.last_mut() {
            Some(last) if p.0 <= last.1 => last.1 = last.1.max(p.1),
            _ => merged.push(p),
        }
    }
    Ok(merged)
}

/// Walks working time forward from `start`, skipping paused time, until `amount` is used.
/// Returns the instant the clock first ran and the instant the amount ran out.
fn walk(
    cal: &WorkCalendar,
    start: NaiveDateTime,
    amount: WorkDuration,
    pauses: &[LocalPause],
    mut explain: Option<&mut Vec<Skip>>,
) -> Result<(NaiveDateTime, NaiveDateTime), DeadlineError> {
    let mut remaining = amount.as_seconds().max(0);
    let mut cursor = start;
    let mut clock_start = None;
    let mut date = start.date();
    loop {
        if date.year() > LAST_YEAR {
            return Err(DeadlineError::PastCalendarEnd);
        }
        let status = cal.day(date)?;
        if !status.is_working() {
            if let Some(out) = explain.as_deref_mut() {
                out.push(skip_for_day(date, &status));
            }
            date = date + Days::new(1);
            cursor = date.and_time(NaiveTime::MIN);
            continue;
        }
        if let (DayStatus::SwappedWorking(name), Some(out)) = (&status, explain.as_deref_mut()) {
            out.push(Skip {
                date,
                kind: SkipKind::SwappedWorking,
                reason: Name {
                    vi: format!("Ngày làm việc — {}", name.vi),
                    en: format!("Working day — {}", name.en),
                },
            });
        }
        let mut paused_today = 0;
        let mut pause_reason = None;
        for (a, b) in cal.office().periods() {
            let segment = (date.and_time(*a).max(cursor), date.and_time(*b));
            for (s, e, paused) in split_by_pauses(segment, pauses) {
                if let Some(reason) = paused {
                    paused_today += (e - s).num_seconds();
                    pause_reason = pause_reason.or(Some(reason));
                    continue;
                }
                let first = *clock_start.get_or_insert(s);
                let length = (e - s).num_seconds();
                if length >= remaining {
                    let due = s + TimeDelta::seconds(remaining);
                    note_pause(explain.as_deref_mut(), date, paused_today, pause_reason);
                    return Ok((first, due));
                }
                remaining -= length;
            }
        }
        note_pause(explain.as_deref_mut(), date, paused_today, pause_reason);
        date = date + Days::new(1);
        cursor = date.and_time(NaiveTime::MIN);
    }
}

/// Splits a segment into free and paused parts, in order; a paused part carries the pause's
/// reason (empty string when none was given).
fn split_by_pauses(
    (start, end): (NaiveDateTime, NaiveDateTime),
    pauses: &[LocalPause],
) -> Vec<(NaiveDateTime, NaiveDateTime, Option<&str>)> {
    let mut parts = Vec::new();
    let mut cursor = start;
    for (ps, pe, reason) in pauses.iter().filter(|p| p.0 < end && p.1 > start) {
        let (ps, pe) = ((*ps).max(cursor), (*pe).min(end));
        if ps > cursor {
            parts.push((cursor, ps, None));
        }
        if pe > ps {
            parts.push((ps, pe, Some(reason.as_deref().unwrap_or(""))));
        }
        cursor = cursor.max(pe);
    }
    if end > cursor {
        parts.push((cursor, end, None));
    }
    parts
}

fn note_pause(
    explain: Option<&mut Vec<Skip>>,
    date: NaiveDate,
    seconds: i64,
    reason: Option<&str>,
) {
    let Some(out) = explain.filter(|_| seconds > 0) else {
        return;
    };
    let amount = WorkDuration::seconds(seconds);
    let (why_vi, why_en) = match reason.filter(|r| !r.is_empty()) {
        Some(r) => (format!(" ({r})"), format!(" ({r})")),
        None => (String::new(), String::new()),
    };
    out.push(Skip {
        date,
        kind: SkipKind::Pause,
        reason: Name {
            vi: format!("Tạm dừng tính thời gian{why_vi}: {amount} làm việc"),
            en: format!(
                "Clock stopped{why_en}: {} h {} min of working time",
                seconds / 3600,
                seconds % 3600 / 60
            ),
        },
    });
}

fn skip_for_day(date: NaiveDate, status: &DayStatus) -> Skip {
    let (kind, vi, en) = match status {
        DayStatus::Weekend(_, Some(name)) => (
            SkipKind::Weekend,
            format!("Ngày nghỉ hằng tuần — {}", name.vi),
            format!("Weekly rest day — {}", name.en),
        ),
        DayStatus::DayOff(name) => (SkipKind::DayOff, name.vi.clone(), name.en.clone()),
        DayStatus::Weekend(_, None) | DayStatus::Working | DayStatus::SwappedWorking(_) => (
            SkipKind::Weekend,
            "Ngày nghỉ hằng tuần".to_owned(),
            "Weekly rest day".to_owned(),
        ),
    };
    Skip {
        date,
        kind,
        reason: Name { vi, en },
    }
}

fn within_hours(cal: &WorkCalendar, time: NaiveTime) -> bool {
    cal.office()
        .periods()
        .iter()
        .any(|(a, b)| time >= *a && time < *b)
}

fn next_midnight(date: NaiveDate) -> NaiveDateTime {
    (date + Days::new(1)).and_time(NaiveTime::MIN)
}
