//! `decide`: which events a command produces, or why it is refused. Pure: the instant, the
//! actor, the procedure and the calendar all come in through the [`Context`].
//!
//! The rules that depend only on the dossier and the actor are in [`super::action::guard`],
//! checked first; each family of commands then checks its own fields and emits its events in
//! its own file: intake, supplement, steps, payments, result, closing.

mod closing;
mod evidence;
mod intake;
mod payments;
mod result;
mod steps;
mod supplement;
mod texts;

use super::DossierError;
use super::action::guard;
use super::apply::apply;
use super::command::{Command, Context};
use super::event::Event;
use super::model::Dossier;

/// Decides what a command does to a dossier (`None` before it exists).
pub fn decide(
    state: Option<&Dossier>,
    command: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DossierError> {
    guard(command.action(), state, ctx)?;
    texts::check(command)?;
    let mut run = Run {
        ctx,
        sim: state.cloned(),
        events: Vec::new(),
    };
    match (state, command) {
        (None, Command::SubmitOnline(new) | Command::ReceiveAtCounter(new)) => {
            run.open(new, None, None)?;
        }
        (
            None,
            Command::OpenSubDossier {
                new,
                origin,
                budget_hours,
            },
        ) => run.open(new, Some(origin.clone()), Some(*budget_hours))?,
        (None, _) => return Err(DossierError::NotFound),
        (Some(d), command) => run.change(d, command)?,
    }
    Ok(run.events)
}

/// A decision in progress: the events so far, applied to a working copy so that chained
/// effects (finish a step → start the next → stop the clock) see a consistent state.
struct Run<'a> {
    ctx: &'a Context<'a>,
    sim: Option<Dossier>,
    events: Vec<Event>,
}

impl Run<'_> {
    /// Records an event and applies it to the working copy, so later decisions see it.
    fn emit(&mut self, event: Event) -> Result<(), DossierError> {
        self.sim = Some(apply(self.sim.take(), &event, self.ctx.now)?);
        self.events.push(event);
        Ok(())
    }

    fn d(&self) -> Result<&Dossier, DossierError> {
        self.sim.as_ref().ok_or(DossierError::NotFound)
    }

    /// A command on an existing dossier whose guard has passed.
    fn change(&mut self, d: &Dossier, command: &Command) -> Result<(), DossierError> {
        match command {
            Command::Acknowledge => self.receive(false),
            Command::RequestSupplement { missing, reason } => {
                self.request_supplement(d, missing, reason)
            }
            Command::SubmitSupplement { documents } => self.submit_supplement(d, documents),
            Command::Refuse { reason } => self.refuse(d, reason),
            Command::Withdraw { reason } => self.close(d, super::model::Status::Withdrawn, reason),
            Command::Assign { officer } => self.assign(d, officer),
            Command::CompleteStep { note } | Command::Approve { note } | Command::Sign { note } => {
                self.complete_current(note.clone())
            }
            Command::ReturnToStep { index, reason } => self.return_to_step(d, *index, reason),
            Command::TransferToAgency { agency, sub_code } => {
                self.emit(Event::TransferredToAgency {
                    agency: agency.clone(),
                    sub_code: sub_code.clone(),
                })
            }
            Command::RecordTaxNotice {
                notice,
                obligations,
            } => self.record_tax_notice(notice, obligations),
            Command::RecordPayment {
                reference,
                purpose,
                amount,
            } => self.record_payment(d, reference, *purpose, *amount),
            Command::RecordResult { result } => self.record_result(d, result),
            Command::DraftResult { result } => self.draft_result(result),
            Command::DigitiseDocument { index, file } => {
                let doc = d.documents.get(*index).ok_or_else(|| {
                    DossierError::Invalid(format!("không có thành phần hồ sơ thứ {index}"))
                })?;
                if doc.file.is_some() {
                    return Err(DossierError::Invalid(format!(
                        "\"{}\" đã có bản quét",
                        doc.name
                    )));
                }
                self.emit(Event::DocumentDigitised {
                    index: *index,
                    file: file.clone(),
                    by: self.ctx.actor.id.clone(),
                })
            }
            Command::RecordSignatureCheck { check } => self.record_signature(d, check),
            Command::DestroyFiles {
                list,
                documents,
                result,
            } => destroy(d, list, documents, *result).and_then(|()| {
                self.emit(Event::FilesDestroyed {
                    list: list.clone(),
                    documents: documents.clone(),
                    result: *result,
                })
            }),
            Command::MoveToSuccessor { from, into } => {
                if from == into || (d.resolving_agency != *from && d.receiving_agency != *from) {
                    return Err(DossierError::Invalid(format!(
                        "hồ sơ không thuộc đơn vị {from} để chuyển sang {into}"
                    )));
                }
                self.emit(Event::MovedToSuccessor {
                    from: from.clone(),
                    into: into.clone(),
                })
            }
            Command::ReturnResult { collector } => self.return_result(d, collector),
            Command::ExtendWithApology { new_due, reason } => self.extend(d, *new_due, reason),
            Command::Rate { satisfaction } => self.emit(Event::Rated {
                satisfaction: *satisfaction,
            }),
            Command::SubmitOnline(_)
            | Command::ReceiveAtCounter(_)
            | Command::OpenSubDossier { .. } => Err(DossierError::AlreadyExists),
        }
    }
}

fn require_reason(reason: &str) -> Result<(), DossierError> {
    if reason.trim().is_empty() {
        Err(DossierError::Invalid("phải nêu rõ lý do".into()))
    } else {
        Ok(())
    }
}

/// A destruction names files this dossier holds and has not destroyed yet, and at least one.
fn destroy(d: &Dossier, list: &str, documents: &[usize], result: bool) -> Result<(), DossierError> {
    if list.trim().is_empty() || (documents.is_empty() && !result) {
        return Err(DossierError::Invalid(
            "danh mục tiêu hủy không nêu tài liệu nào".into(),
        ));
    }
    for (n, i) in documents.iter().enumerate() {
        let has_file = d.documents.get(*i).is_some_and(|x| x.file.is_some());
        if !has_file
            || d.document_destroyed(*i).is_some()
            || documents.iter().take(n).any(|x| x == i)
        {
            return Err(DossierError::Invalid(format!(
                "thành phần hồ sơ thứ {i} không có tệp để tiêu hủy"
            )));
        }
    }
    if result
        && (d.result.as_ref().and_then(|r| r.file.as_ref()).is_none()
            || d.result_destroyed().is_some())
    {
        return Err(DossierError::Invalid(
            "kết quả không có tệp để tiêu hủy".into(),
        ));
    }
    Ok(())
}
