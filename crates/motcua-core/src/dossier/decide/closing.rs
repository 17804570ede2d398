//! Ending or delaying handling: refusal (Mẫu 03), withdrawal, and the apology with a new date
//! (Mẫu 04).

use chrono::{DateTime, Utc};

use super::{DossierError, Run, require_reason};
use crate::calendar::deadline;
use crate::dossier::event::Event;
use crate::dossier::model::{Dossier, Status};

impl Run<'_> {
    pub(super) fn refuse(&mut self, d: &Dossier, reason: &str) -> Result<(), DossierError> {
        require_reason(reason)?;
        let status = if d.status == Status::Submitted {
            Status::NotAccepted
        } else {
            Status::Refused
        };
        self.close(d, status, reason)
    }

    pub(super) fn close(
        &mut self,
        d: &Dossier,
        status: Status,
        reason: &str,
    ) -> Result<(), DossierError> {
        let completion = d.appointment.as_ref().map(|a| a.classify(self.ctx.now));
        if d.current_step().is_some() {
            self.emit(Event::StepCompleted {
                by: self.ctx.actor.id.clone(),
                note: Some(reason.to_owned()),
            })?;
        }
        self.emit(Event::Closed {
            status,
            reason: reason.to_owned(),
            completion,
        })
    }

    pub(super) fn extend(
        &mut self,
        d: &Dossier,
        new_due: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), DossierError> {
        require_reason(reason)?;
        // The new date is a day the office works (not a Saturday, not a holiday).
        let date = deadline::local(new_due).date();
        let working = self
            .ctx
            .calendar
            .is_working(date)
            .map_err(|e| DossierError::Invalid(e.to_string()))?;
        if !working {
            return Err(DossierError::Invalid(format!(
                "ngày hẹn mới {} không phải ngày làm việc",
                date.format("%d/%m/%Y")
            )));
        }
        let mut appointment = d.appointment.clone().ok_or(DossierError::NoCurrentStep)?;
        appointment.extend(new_due, reason.to_owned())?;
        self.emit(Event::Extended { appointment })
    }
}
