//! Intake: a dossier filed online, received at a desk, or opened as an inter-agency
//! sub-dossier; and the acceptance that starts the clock.

use super::{DossierError, Run};
use crate::calendar::deadline::{acknowledgement_due, advance, due_date, local};
use crate::calendar::{Appointment, DeadlineRequest, StatutoryTime, WorkDuration};
use crate::catalog::{Channel, Role, StepKind};
use crate::dossier::command::NewDossier;
use crate::dossier::event::Event;
use crate::dossier::model::{Applicant, Charge, Status, StepRecord};
use crate::ids::DossierCode;

impl Run<'_> {
    pub(super) fn open(
        &mut self,
        new: &NewDossier,
        origin: Option<DossierCode>,
        sub_budget: Option<u32>,
    ) -> Result<(), DossierError> {
        let ctx = self.ctx;
        let p = ctx.procedure;
        if !p.in_force_on(local(ctx.now).date()) {
            return Err(DossierError::Invalid(format!(
                "thủ tục {} không còn hiệu lực",
                p.code
            )));
        }
        super::evidence::documents(&new.documents)?;
        if origin.is_none() {
            // A sub-dossier carries the applicant the first agency received, proof included.
            super::evidence::applicant(&new.applicant, ctx.actor)?;
        }
        if origin.is_none() && !p.channels.contains(&new.channel) {
            return Err(DossierError::Invalid(format!(
                "thủ tục không nhận hồ sơ qua kênh {}",
                new.channel
            )));
        }
        if let Applicant::Person {
            id,
            born: Some(born),
            ..
        } = &new.applicant
        {
            id.check_birth(*born)
                .map_err(|e| DossierError::Invalid(e.to_string()))?;
        }
        let missing: Vec<&str> = p
            .documents
            .iter()
            .filter(|r| r.mandatory && !new.documents.iter().any(|d| d.code == r.code))
            .map(|r| r.name.as_str())
            .collect();
        if origin.is_none() && matches!(new.channel, Channel::Counter | Channel::Post) {
            super::evidence::must_digitise(&new.documents, p)?;
        }
        if origin.is_none() && new.channel == Channel::Counter && !missing.is_empty() {
            // The desk receives only a complete dossier; otherwise it guides the applicant.
            return Err(DossierError::Invalid(format!(
                "hồ sơ thiếu thành phần bắt buộc: {}",
                missing.join("; ")
            )));
        }
        let online = matches!(new.channel, Channel::Online | Channel::NationalPortal);
        let fees = p
            .fees
            .iter()
            .map(|f| Charge {
                code: f.code.clone(),
                name: f.name.clone(),
                amount: f.amount(new.area_m2, new.declared_value, online),
            })
            .collect();
        let statutory_days = p.statutory_days
            + if new.remote_commune {
                p.remote_extra_days
            } else {
                0
            };
        let submitted = online && origin.is_none();
        let acknowledge_by = if submitted {
            Some(acknowledgement_due(ctx.calendar, ctx.now)?)
        } else {
            None
        };
        self.emit(Event::Opened {
            id: new.id,
            code: new.code.clone(),
            external_code: new.external_code.clone(),
            origin_code: origin.clone(),
            procedure: p.code.clone(),
            procedure_version: p.version,
            statutory_days,
            channel: new.channel,
            receiving_agency: new.receiving_agency.clone(),
            resolving_agency: new.resolving_agency.clone(),
            applicant: new.applicant.clone(),
            documents: super::evidence::stamped(&new.documents, ctx.actor, ctx.now),
            fees,
            status: Status::Submitted,
            acknowledge_by,
            land: new.land.clone(),
        })?;
        match sub_budget {
            Some(hours) => {
                self.accept(StatutoryTime::WorkingHours(hours), false)?;
                let due_at = advance(ctx.calendar, ctx.now, WorkDuration::hours(i64::from(hours)))?;
                self.emit(Event::StepStarted {
                    step: StepRecord {
                        index: 0,
                        code: "lien-thong".into(),
                        name: "Xử lý hồ sơ liên thông".into(),
                        kind: StepKind::InterAgency,
                        role: Role::Specialist,
                        assignee: None,
                        started_at: ctx.now,
                        budget_hours: hours,
                        due_at,
                        finished_at: None,
                        finished_by: None,
                        note: None,
                    },
                })
            }
            None if submitted => Ok(()),
            None => self.receive(true),
        }
    }

    /// Starts the clock and passes the receipt step (at the desk, or accepting an online
    /// dossier).
    pub(super) fn receive(&mut self, counter: bool) -> Result<(), DossierError> {
        let days = self.d()?.statutory_days;
        self.accept(StatutoryTime::WorkingDays(days), counter)?;
        self.start_step(0)?;
        self.complete_current(None)
    }

    fn accept(&mut self, time: StatutoryTime, apply_cutoff: bool) -> Result<(), DossierError> {
        let due = due_date(
            self.ctx.calendar,
            &DeadlineRequest {
                received_at: self.ctx.now,
                time,
                apply_cutoff,
                pauses: Vec::new(),
            },
        )?;
        self.emit(Event::Accepted {
            clock_start: due.clock_start,
            appointment: Appointment::new(due.due),
        })
    }
}
