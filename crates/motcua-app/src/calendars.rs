//! One working calendar per unit, kept: a calendar's year tables are the costly part. When an
//! administrator imports or removes a calendar document, the holiday data is replaced and the
//! kept calendars are dropped, so the change applies to the next command without a restart (in
//! this process; other processes on the same database read it at their next start).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use motcua_core::calendar::{CalendarData, OfficeHours, WorkCalendar};
use motcua_core::ids::AgencyCode;

use crate::App;

pub(crate) struct Calendars {
    holidays: RwLock<Arc<CalendarData>>,
    by_unit: Mutex<HashMap<String, Arc<WorkCalendar>>>,
}

impl Calendars {
    pub(crate) fn new(holidays: Arc<CalendarData>) -> Self {
        Self {
            holidays: RwLock::new(holidays),
            by_unit: Mutex::default(),
        }
    }

    pub(crate) fn holidays(&self) -> Arc<CalendarData> {
        match self.holidays.read() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// New holiday data: every unit's calendar is built again from it.
    pub(crate) fn replace(&self, data: Arc<CalendarData>) {
        match self.holidays.write() {
            Ok(mut h) => *h = data,
            Err(poisoned) => *poisoned.into_inner() = data,
        }
        if let Ok(mut cache) = self.by_unit.lock() {
            cache.clear();
        }
    }
}

impl App {
    /// A unit's working calendar (national days plus its local ones, its office hours), built on
    /// first use.
    pub async fn calendar(&self, unit: &AgencyCode) -> Arc<WorkCalendar> {
        let c = &self.inner.calendars;
        if let Some(cal) = c
            .by_unit
            .lock()
            .ok()
            .and_then(|m| m.get(unit.as_str()).cloned())
        {
            return cal;
        }
        // Hours the province set for the unit; the civil-service default otherwise, and also
        // when the stored text cannot be read (it was checked when saved).
        let hours = match self.db().office_hours(unit.as_str()).await {
            Ok(Some(h)) => OfficeHours::from_spec(&h.periods, h.saturday, h.cutoff.as_deref())
                .unwrap_or_else(|_| OfficeHours::civil_service()),
            _ => OfficeHours::civil_service(),
        };
        let built = Arc::new(WorkCalendar::new(
            c.holidays(),
            Some(unit.to_string()),
            hours,
        ));
        // A poisoned lock only loses the cache, never the answer.
        if let Ok(mut cache) = c.by_unit.lock() {
            cache.insert(unit.to_string(), built.clone());
        }
        built
    }

    /// Drops every kept calendar (office hours changed).
    pub(crate) fn forget_calendars(&self) {
        if let Ok(mut cache) = self.inner.calendars.by_unit.lock() {
            cache.clear();
        }
    }
}
