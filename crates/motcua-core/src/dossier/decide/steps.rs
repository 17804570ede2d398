//! The internal process: steps start with their time budget, are assigned, finished, sent
//! back; steps that stop the clock push the due instant by the working time they cover.

use super::{DossierError, Run, require_reason};
use crate::calendar::deadline::{advance, due_date, working_time_between};
use crate::calendar::{Appointment, DeadlineRequest, Pause, StatutoryTime, WorkDuration};
use crate::catalog::StepKind;
use crate::dossier::event::Event;
use crate::dossier::model::{Dossier, Officer, PauseKind, PaymentPurpose, StepRecord};

impl Run<'_> {
    pub(super) fn assign(&mut self, d: &Dossier, officer: &Officer) -> Result<(), DossierError> {
        let step = d.current_step().ok_or(DossierError::NoCurrentStep)?;
        if officer.role != step.role {
            return Err(DossierError::Invalid(format!(
                "bước \"{}\" do {} thực hiện, không phải {}",
                step.name,
                step.role.as_str(),
                officer.role.as_str()
            )));
        }
        self.emit(Event::StepAssigned {
            officer: officer.clone(),
        })
    }

    pub(super) fn return_to_step(
        &mut self,
        d: &Dossier,
        index: usize,
        reason: &str,
    ) -> Result<(), DossierError> {
        require_reason(reason)?;
        let current = d.current_step().ok_or(DossierError::NoCurrentStep)?;
        let target = self
            .ctx
            .procedure
            .step(index)
            .ok_or_else(|| DossierError::Invalid(format!("không có bước {index}")))?;
        if index >= current.index
            || !matches!(
                target.kind,
                StepKind::Process | StepKind::Approve | StepKind::Sign
            )
        {
            return Err(DossierError::Invalid(format!(
                "không trả lại được về bước \"{}\"",
                target.name
            )));
        }
        self.finish_current(Some(format!("Trả lại: {reason}")))?;
        self.start_step(index)
    }

    pub(super) fn start_step(&mut self, index: usize) -> Result<(), DossierError> {
        let ctx = self.ctx;
        let step = ctx
            .procedure
            .step(index)
            .ok_or_else(|| DossierError::Invalid(format!("quy trình không có bước {index}")))?;
        let due_at = advance(
            ctx.calendar,
            ctx.now,
            WorkDuration::hours(i64::from(step.budget_hours)),
        )?;
        self.emit(Event::StepStarted {
            step: StepRecord::started(index, step, ctx.now, due_at),
        })?;
        if step.stops_clock {
            let kind = if step.kind == StepKind::AwaitPayment {
                PauseKind::FinancialObligation
            } else {
                PauseKind::InterAgency
            };
            self.emit(Event::PauseStarted { kind })?;
        }
        if step.kind == StepKind::AwaitPayment && self.obligation_settled()? {
            self.complete_current(None)?;
        }
        Ok(())
    }

    fn current_index(&self) -> Result<usize, DossierError> {
        self.d()?
            .current_step()
            .map(|s| s.index)
            .ok_or(DossierError::NoCurrentStep)
    }

    /// Finishes the current step and starts the next one.
    pub(super) fn complete_current(&mut self, note: Option<String>) -> Result<(), DossierError> {
        let index = self.current_index()?;
        self.finish_current(note)?;
        if index + 1 < self.ctx.procedure.steps.len() {
            self.start_step(index + 1)?;
        }
        Ok(())
    }

    pub(super) fn finish_current(&mut self, note: Option<String>) -> Result<(), DossierError> {
        let index = self.current_index()?;
        self.emit(Event::StepCompleted {
            by: self.ctx.actor.id.clone(),
            note,
        })?;
        let stops = self
            .ctx
            .procedure
            .step(index)
            .is_some_and(|s| s.stops_clock);
        if stops && self.d()?.open_pause().is_some() {
            let appointment = self.recomputed_appointment()?;
            self.emit(Event::PauseEnded { appointment })?;
        }
        Ok(())
    }

    pub(super) fn obligation_settled(&self) -> Result<bool, DossierError> {
        let d = self.d()?;
        let due: i64 = d.obligations.iter().map(|c| c.amount).sum();
        Ok(d.tax_notice.is_some() && d.paid(PaymentPurpose::Obligation) >= due)
    }

    /// The due instants with every clock stop since the clock started (the open one ending now).
    fn recomputed_appointment(&self) -> Result<Option<Appointment>, DossierError> {
        let d = self.d()?;
        let (Some(start), Some(old)) = (d.clock_start, d.appointment.clone()) else {
            return Ok(None);
        };
        let pauses = d
            .pauses
            .iter()
            .filter(|p| p.from >= start)
            .map(|p| Pause {
                from: p.from,
                to: p.to.unwrap_or(self.ctx.now),
                reason: None,
            })
            .collect();
        let time = if d.is_sub_dossier() {
            StatutoryTime::WorkingHours(d.steps.first().map_or(0, |s| s.budget_hours))
        } else {
            StatutoryTime::WorkingDays(d.statutory_days)
        };
        let due = due_date(
            self.ctx.calendar,
            &DeadlineRequest {
                received_at: start,
                time,
                apply_cutoff: false,
                pauses,
            },
        )?
        .due;
        let shift = working_time_between(self.ctx.calendar, old.statutory_due, due)?;
        let mut new = old.clone();
        new.statutory_due = due;
        new.current_due = if old.extension.is_some() {
            advance(self.ctx.calendar, old.current_due, shift)?
        } else {
            due
        };
        Ok(Some(new))
    }
}
