//! The dossiers behind a figure: whether one dossier counts in a column of the periodic report,
//! or costs points on a Decision 766 indicator and why. Decided from the same day counts the
//! rollup sums, so a list always has as many dossiers as the number that links to it.

use chrono::{DateTime, Utc};

use super::facts::{Ending, Facts, Period};
use super::index766::{Outcome, Tally};
use super::report::ReportRow;
use super::rollup::{Sums, days};
use crate::calendar::Completion;
use crate::catalog::Channel;

/// A figure a number on a page stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A column of the periodic report, by its name in the JSON contract (`received.online`,
    /// `finished.late`, `in_process.overdue`, `carried_over`…).
    Column(&'static str),
    /// The dossiers that cost points on an indicator ("2.1", "3.3"…), or on the national
    /// variant of 2.1 ("2.1n").
    Misses(&'static str),
}

/// The report's columns, as the JSON contract names them, with their Vietnamese headings.
pub const COLUMNS: [(&str, &str); 18] = [
    ("carried_over", "Kỳ trước chuyển qua"),
    ("received.total", "Tiếp nhận trong kỳ"),
    ("received.online", "Trực tuyến"),
    ("received.counter", "Trực tiếp"),
    ("received.postal", "Bưu chính công ích"),
    ("received.portal", "Cổng DVC quốc gia"),
    ("received.boundary_free", "Phi địa giới"),
    ("finished.total", "Đã giải quyết"),
    ("finished.early", "Trước hạn"),
    ("finished.on_time", "Đúng hạn"),
    ("finished.late", "Quá hạn"),
    ("finished.late_with_apology", "Quá hạn có xin lỗi"),
    ("refused", "Từ chối sau tiếp nhận"),
    ("withdrawn", "Rút hồ sơ"),
    ("in_process.total", "Đang giải quyết"),
    ("in_process.not_due", "Chưa đến hạn"),
    ("in_process.overdue", "Đã quá hạn"),
    ("closing", "Chuyển kỳ sau"),
];

impl Measure {
    /// From its name in a URL: a column name, or `i:` and an indicator code.
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(code) = text.strip_prefix("i:") {
            let code = super::index766::INDICATORS
                .iter()
                .map(|i| i.code)
                .chain(["2.1n"])
                .find(|c| *c == code)?;
            return Some(Self::Misses(code));
        }
        COLUMNS
            .iter()
            .find(|(c, _)| *c == text)
            .map(|(c, _)| Self::Column(c))
    }

    /// Its name in a URL.
    pub fn key(&self) -> String {
        match self {
            Self::Column(c) => (*c).to_owned(),
            Self::Misses(code) => format!("i:{code}"),
        }
    }

    /// What the list shows, in Vietnamese.
    pub fn title(&self) -> String {
        match self {
            Self::Column(c) => COLUMNS
                .iter()
                .find(|(k, _)| k == c)
                .map_or_else(String::new, |(_, t)| (*t).to_owned()),
            Self::Misses(code) => format!("Hồ sơ làm giảm điểm chỉ số {code}"),
        }
    }
}

/// A report row's value in a column.
pub fn column_value(r: &ReportRow, column: &str) -> u64 {
    match column {
        "carried_over" => r.carried_over,
        "received.total" => r.received(),
        "received.online" => r.received_online,
        "received.counter" => r.received_counter,
        "received.postal" => r.received_post,
        "received.portal" => r.received_national_portal,
        "received.boundary_free" => r.received_boundary_free,
        "finished.total" => r.finished(),
        "finished.early" => r.finished_early,
        "finished.on_time" => r.finished_on_time,
        "finished.late" => r.finished_late,
        "finished.late_with_apology" => r.finished_late_with_apology,
        "refused" => r.refused,
        "withdrawn" => r.withdrawn,
        "in_process.not_due" => r.in_process_not_due,
        "in_process.overdue" => r.in_process_overdue,
        _ => r.in_process(),
    }
}

/// Whether a dossier is behind a figure of the period: `None` when not; otherwise a note (why
/// it costs points, for an indicator; how late, for a late or overdue one; else empty).
pub fn behind(m: Measure, f: &Facts, p: &Period, boundary_free: bool) -> Option<String> {
    let sums = Sums::of_days(&days(f), p.from, p.to);
    match m {
        Measure::Column(c) => {
            let row = ReportRow::of(f.channel, boundary_free, &sums);
            (column_value(&row, c) > 0).then(|| lateness(f, p))
        }
        Measure::Misses(code) => {
            let tally = Tally::of(f.channel, &sums);
            let (n, d) = if code == "2.1n" {
                match tally.on_time_national() {
                    Outcome::Scored {
                        numerator,
                        denominator,
                        ..
                    } => (numerator, denominator),
                    _ => return None,
                }
            } else {
                let outcomes = tally.outcomes(None);
                match outcomes.iter().find(|(i, _)| i.code == code)?.1 {
                    Outcome::Scored {
                        numerator,
                        denominator,
                        ..
                    } => (numerator, denominator),
                    _ => return None,
                }
            };
            (n < d).then(|| why(code, f, p))
        }
    }
}

/// Working out the lateness from instants: whole days and hours, enough for a list.
fn late_by(due: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let d = at - due;
    let (days, hours) = (d.num_days(), d.num_hours() % 24);
    match (days, hours) {
        (0, h) => format!("quá hạn {h} giờ"),
        (n, 0) => format!("quá hạn {n} ngày"),
        (n, h) => format!("quá hạn {n} ngày {h} giờ"),
    }
}

fn lateness(f: &Facts, p: &Period) -> String {
    let Some(due) = f.due else {
        return String::new();
    };
    let at = match f.ending {
        Some((_, at)) if at < p.end() => at,
        Some(_) | None => p.end(),
    };
    if at > due {
        late_by(due, at)
    } else {
        String::new()
    }
}

fn why(code: &str, f: &Facts, p: &Period) -> String {
    match code {
        "2.1" | "2.1n" => {
            let late = lateness(f, p);
            if code == "2.1n" && f.supplement_rounds > 1 && late.is_empty() {
                format!("yêu cầu bổ sung {} lần", f.supplement_rounds)
            } else if late.is_empty() {
                "quá hạn".into()
            } else {
                late
            }
        }
        "3.3" => match f.channel {
            Channel::Post => "nộp qua bưu chính".into(),
            _ => "nộp trực tiếp tại Bộ phận Một cửa".into(),
        },
        "3.6" => {
            if f.paid_online {
                String::new()
            } else {
                "nộp tiền tại quầy hoặc chưa nộp".into()
            }
        }
        "4.1" => "kết quả bản giấy, không có tệp điện tử".into(),
        "4.2" => {
            if f.inputs_digitised {
                "kết quả chưa được số hóa".into()
            } else {
                "thành phần hồ sơ chưa được số hóa đủ".into()
            }
        }
        "4.3" => "không tái sử dụng giấy tờ đã số hóa".into(),
        "4.4" => "không lấy giấy tờ từ kho dữ liệu cá nhân".into(),
        "4.5" => "không dùng dữ liệu dân cư / VNeID".into(),
        "5.4" => match f.ending {
            Some((Ending::Finished(Completion::Late), _)) if f.unsatisfied => {
                "quá hạn và bị đánh giá không hài lòng".into()
            }
            Some((Ending::Finished(Completion::Late), _)) => "giải quyết quá hạn".into(),
            _ => "bị đánh giá không hài lòng".into(),
        },
        _ => String::new(),
    }
}
