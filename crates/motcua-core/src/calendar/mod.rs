//! Working days and deadlines: the Vietnamese lunar calendar, statutory holidays and the
//! official yearly schedules, office hours, and due instants that explain themselves.
//!
//! Pure: nothing here reads a file or the clock. The shipped holiday documents are compiled
//! in ([`builtin_documents`]); more come from the store at run time.

pub mod data;
pub mod deadline;
pub mod lunar;
pub mod office;
pub mod workcal;

#[cfg(test)]
mod tests;

pub use data::{CalendarData, DataError, Document, Name, parse_document};
pub use deadline::{Appointment, Completion, DeadlineRequest, Due, Pause, Skip, SkipKind};
pub use office::{OfficeHours, StatutoryTime, WorkDuration};
pub use workcal::{CalendarError, DayStatus, WorkCalendar};

/// The holiday documents shipped with the release: the statutory rules and the official
/// national schedules of the years published so far, as (name, text) pairs.
pub fn builtin_documents() -> [(&'static str, &'static str); 4] {
    [
        (
            "calendar/vn/rules.toml",
            include_str!("../../../../calendar/vn/rules.toml"),
        ),
        (
            "calendar/vn/2024.toml",
            include_str!("../../../../calendar/vn/2024.toml"),
        ),
        (
            "calendar/vn/2025.toml",
            include_str!("../../../../calendar/vn/2025.toml"),
        ),
        (
            "calendar/vn/2026.toml",
            include_str!("../../../../calendar/vn/2026.toml"),
        ),
    ]
}

/// The shipped holiday data, parsed.
pub fn builtin_data() -> Result<CalendarData, DataError> {
    let mut data = CalendarData::default();
    for (name, text) in builtin_documents() {
        data.add(parse_document(name, text)?);
    }
    Ok(data)
}
