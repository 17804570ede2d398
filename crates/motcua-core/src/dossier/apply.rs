//! Folding events into state. No decisions here: every value was decided when the event was
//! made, so replaying a history always gives the same dossier.

use chrono::{DateTime, Utc};

use super::DossierError;
use super::event::Event;
use super::model::{Dossier, PauseRecord, Status};

/// Applies one event recorded at `at`. Only `Opened` may start a history.
pub fn apply(
    state: Option<Dossier>,
    event: &Event,
    at: DateTime<Utc>,
) -> Result<Dossier, DossierError> {
    let mut d = match (state, event) {
        (None, Event::Opened { .. }) => opened(event, at)?,
        // An import starts a history, or restates one it started (a corrected record).
        (prior, Event::Imported { dossier, .. }) => {
            let mut d = (**dossier).clone();
            d.version = prior.map_or(0, |p| p.version);
            d
        }
        (Some(_), Event::Opened { .. }) => {
            return Err(DossierError::InvalidHistory("opened twice"));
        }
        (None, _) => {
            return Err(DossierError::InvalidHistory(
                "history does not start with opened",
            ));
        }
        (Some(d), _) => d,
    };
    d.version += 1;
    match event {
        Event::Opened { .. } => {}
        Event::Imported { .. } => {
            if let Some(o) = d.imported.as_mut() {
                o.version = d.version;
            }
        }
        Event::Accepted {
            clock_start,
            appointment,
        } => {
            d.status = Status::InProcess;
            d.received_at = Some(at);
            d.clock_start = Some(*clock_start);
            d.appointment = Some(appointment.clone());
        }
        Event::StepStarted { step } => d.steps.push(step.clone()),
        Event::MovedToSuccessor { from, into } => {
            d.moves.push(super::model::UnitMove {
                receiving: d.receiving_agency.clone(),
                resolving: d.resolving_agency.clone(),
                at,
            });
            for unit in [&mut d.receiving_agency, &mut d.resolving_agency] {
                if unit == from {
                    unit.clone_from(into);
                }
            }
        }
        Event::StepCompleted { by, note } => {
            let step = d
                .steps
                .last_mut()
                .ok_or(DossierError::InvalidHistory("no step to complete"))?;
            step.finished_at = Some(at);
            step.finished_by = Some(by.clone());
            step.note = note.clone();
        }
        Event::StepAssigned { officer } => {
            let step = d
                .steps
                .last_mut()
                .ok_or(DossierError::InvalidHistory("no step to assign"))?;
            step.assignee = Some(officer.clone());
        }
        Event::SupplementRequested { round } => {
            d.status_before_supplement = Some(d.status);
            d.status = Status::SupplementRequested;
            d.supplements.push(round.clone());
            d.pauses.push(PauseRecord {
                kind: super::model::PauseKind::Supplement,
                from: at,
                to: None,
            });
        }
        Event::SupplementReceived {
            documents,
            replaces,
            clock_start,
            appointment,
        } => {
            d.status = d
                .status_before_supplement
                .take()
                .unwrap_or(Status::InProcess);
            d.documents.extend(documents.iter().cloned());
            for (old, new) in replaces {
                if let Some(x) = d.documents.get_mut(*old) {
                    x.replaced_by = Some(*new);
                }
            }
            close_pause(&mut d, at);
            if let Some(round) = d.supplements.last_mut() {
                round.supplied_at = Some(at);
                round.due_after = appointment.as_ref().map(|a| a.current_due);
            }
            if clock_start.is_some() {
                d.clock_start = *clock_start;
            }
            if appointment.is_some() {
                d.appointment = appointment.clone();
            }
        }
        Event::PauseStarted { kind } => d.pauses.push(PauseRecord {
            kind: *kind,
            from: at,
            to: None,
        }),
        Event::PauseEnded { appointment } => {
            close_pause(&mut d, at);
            if appointment.is_some() {
                d.appointment = appointment.clone();
            }
        }
        Event::Closed {
            status,
            reason,
            completion,
        } => {
            d.status = *status;
            d.closing_reason = Some(reason.clone());
            d.finished_at = Some(at);
            d.completion = *completion;
            close_pause(&mut d, at);
        }
        Event::TransferredToAgency { sub_code, .. } => d.sub_dossiers.push(sub_code.clone()),
        Event::TaxNoticeRecorded {
            notice,
            obligations,
        } => {
            d.tax_notice = Some(notice.clone());
            d.obligations = obligations.clone();
            d.status = Status::AwaitingObligation;
        }
        Event::PaymentRecorded { payment } => d.payments.push(payment.clone()),
        Event::ObligationSettled => d.status = Status::InProcess,
        Event::ResultDrafted { result } => d.draft_result = Some(result.clone()),
        Event::DocumentDigitised { index, file, by } => {
            if let Some(doc) = d.documents.get_mut(*index) {
                doc.file = Some(file.clone());
                doc.digitised = true;
                doc.digitised_by = Some(by.clone());
                doc.digitised_at = Some(at);
            }
        }
        Event::ResultRecorded { result, completion } => {
            d.result = Some(result.clone());
            d.status = Status::ResultReady;
            d.finished_at = Some(at);
            d.completion = *completion;
        }
        Event::ResultReturned { collector } => {
            d.status = Status::Returned;
            d.returned_at = Some(at);
            d.returned_to.clone_from(collector);
        }
        Event::Extended { appointment } => d.appointment = Some(appointment.clone()),
        Event::Rated { satisfaction } => d.rating = Some(*satisfaction),
        Event::FilesDestroyed {
            list,
            documents,
            result,
        } => d.destroyed.push(crate::dossier::Destruction {
            list: list.clone(),
            documents: documents.clone(),
            result: *result,
            at,
        }),
        Event::SignatureChecked { check } => {
            if check.valid {
                match check.target {
                    crate::dossier::SignedTarget::Result => {
                        if let Some(r) = d.result.as_mut() {
                            r.file = Some(check.file.clone());
                            r.signed = true;
                        }
                    }
                    crate::dossier::SignedTarget::Draft => {
                        if let Some(r) = d.draft_result.as_mut() {
                            r.file = Some(check.file.clone());
                            r.signed = true;
                        }
                    }
                    crate::dossier::SignedTarget::Document { index } => {
                        if let Some(doc) = d.documents.get_mut(index) {
                            doc.file = Some(check.file.clone());
                            doc.signed = true;
                            doc.digitised = true;
                        }
                    }
                }
            }
            d.signatures.push(check.clone());
        }
    }
    Ok(d)
}

/// Replays a whole history.
pub fn replay<'a>(
    events: impl IntoIterator<Item = (&'a Event, DateTime<Utc>)>,
) -> Result<Option<Dossier>, DossierError> {
    let mut state = None;
    for (event, at) in events {
        state = Some(apply(state, event, at)?);
    }
    Ok(state)
}

fn close_pause(d: &mut Dossier, at: DateTime<Utc>) {
    if let Some(p) = d.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
        p.to = Some(at);
    }
}

fn opened(event: &Event, at: DateTime<Utc>) -> Result<Dossier, DossierError> {
    let Event::Opened {
        id,
        code,
        external_code,
        origin_code,
        procedure,
        procedure_version,
        statutory_days,
        channel,
        receiving_agency,
        resolving_agency,
        applicant,
        documents,
        fees,
        status,
        acknowledge_by,
        land,
    } = event
    else {
        return Err(DossierError::InvalidHistory("not an opened event"));
    };
    Ok(Dossier {
        id: *id,
        signatures: Vec::new(),
        code: code.clone(),
        external_code: external_code.clone(),
        origin_code: origin_code.clone(),
        sub_dossiers: Vec::new(),
        procedure: procedure.clone(),
        procedure_version: *procedure_version,
        statutory_days: *statutory_days,
        channel: *channel,
        receiving_agency: receiving_agency.clone(),
        resolving_agency: resolving_agency.clone(),
        applicant: applicant.clone(),
        documents: documents.clone(),
        fees: fees.clone(),
        obligations: Vec::new(),
        tax_notice: None,
        payments: Vec::new(),
        status: *status,
        status_before_supplement: None,
        steps: Vec::new(),
        submitted_at: at,
        acknowledge_by: *acknowledge_by,
        received_at: None,
        clock_start: None,
        appointment: None,
        pauses: Vec::new(),
        supplements: Vec::new(),
        closing_reason: None,
        draft_result: None,
        result: None,
        finished_at: None,
        returned_at: None,
        returned_to: None,
        completion: None,
        rating: None,
        destroyed: Vec::new(),
        land: land.clone(),
        imported: None,
        moves: Vec::new(),
        version: 0,
    })
}
