//! One working calendar per unit for the life of the process: a calendar's year tables are
//! the costly part, and holiday data does not change while the process runs (an imported
//! calendar applies from the next start).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use motcua_core::calendar::{CalendarData, OfficeHours, WorkCalendar};
use motcua_core::ids::AgencyCode;

use crate::App;

pub(crate) struct Calendars {
    holidays: Arc<CalendarData>,
    by_unit: Mutex<HashMap<String, Arc<WorkCalendar>>>,
}

impl Calendars {
    pub(crate) fn new(holidays: Arc<CalendarData>) -> Self {
        Self {
            holidays,
            by_unit: Mutex::default(),
        }
    }

    pub(crate) fn holidays(&self) -> &Arc<CalendarData> {
        &self.holidays
    }
}

impl App {
    /// A unit's working calendar (national days plus its local ones), built on first use.
    pub fn calendar(&self, unit: &AgencyCode) -> Arc<WorkCalendar> {
        let c = &self.inner.calendars;
        let build = || {
            Arc::new(WorkCalendar::new(
                c.holidays.clone(),
                Some(unit.to_string()),
                OfficeHours::civil_service(),
            ))
        };
        // A poisoned lock only loses the cache, never the answer.
        let Ok(mut cache) = c.by_unit.lock() else {
            return build();
        };
        cache.entry(unit.to_string()).or_insert_with(build).clone()
    }
}
