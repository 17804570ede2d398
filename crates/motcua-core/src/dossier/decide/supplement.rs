//! Supplements (Mẫu 02): everything missing asked for at once; the answer restarts the time.

use super::{DossierError, Run};
use crate::calendar::deadline::due_date;
use crate::calendar::{Appointment, DeadlineRequest, StatutoryTime};
use crate::dossier::event::Event;
use crate::dossier::model::{Dossier, DossierDocument, SupplementRound};

impl Run<'_> {
    pub(super) fn request_supplement(
        &mut self,
        d: &Dossier,
        missing: &[String],
        reason: &str,
    ) -> Result<(), DossierError> {
        if missing.iter().all(|m| m.trim().is_empty()) {
            return Err(DossierError::Invalid(
                "phải nêu đầy đủ các thành phần cần bổ sung".into(),
            ));
        }
        let ctx = self.ctx;
        self.emit(Event::SupplementRequested {
            round: SupplementRound {
                missing: missing.to_vec(),
                reason: reason.to_owned(),
                requested_by: ctx.actor.id.clone(),
                requested_at: ctx.now,
                due_before: d.appointment.as_ref().map(|a| a.current_due),
                supplied_at: None,
                due_after: None,
            },
        })
    }

    pub(super) fn submit_supplement(
        &mut self,
        d: &Dossier,
        documents: &[DossierDocument],
    ) -> Result<(), DossierError> {
        super::evidence::documents(documents)?;
        // The processing time restarts from zero (Decree 118/2025); every interval stays
        // recorded so the national KPI's variant can be computed too.
        let (clock_start, appointment) = if d.clock_start.is_some() {
            let due = due_date(
                self.ctx.calendar,
                &DeadlineRequest {
                    received_at: self.ctx.now,
                    time: StatutoryTime::WorkingDays(d.statutory_days),
                    apply_cutoff: false,
                    pauses: Vec::new(),
                },
            )?;
            (Some(due.clock_start), Some(Appointment::new(due.due)))
        } else {
            (None, None)
        };
        // A component supplied again replaces the current version of the same code, which is
        // kept (its versions); papers outside the catalogue ("khac") only add up.
        let mut replaces = Vec::new();
        for (k, doc) in documents.iter().enumerate() {
            let replaced = d.documents.iter().enumerate().find(|(i, x)| {
                doc.code != "khac"
                    && x.code == doc.code
                    && x.replaced_by.is_none()
                    && !replaces.iter().any(|(old, _)| old == i)
            });
            if let Some((old, _)) = replaced {
                replaces.push((old, d.documents.len() + k));
            }
        }
        self.emit(Event::SupplementReceived {
            replaces,
            documents: super::evidence::stamped(documents, self.ctx.actor, self.ctx.now),
            clock_start,
            appointment,
        })
    }
}
