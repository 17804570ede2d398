//! `decide`: which events a command produces, or why it is refused. Pure: the instant, the
//! actor, the procedure and the calendar all come in through the [`Context`].

use super::DossierError;
use super::apply::apply;
use super::command::{Command, Context, NewDossier};
use super::event::Event;
use super::model::{
    Charge, Dossier, PauseKind, Payment, PaymentPurpose, Status, StepRecord, SupplementRound,
};
use crate::calendar::deadline::{advance, due_date, working_time_between};
use crate::calendar::{Appointment, DeadlineRequest, Pause, StatutoryTime, WorkDuration};
use crate::catalog::{Channel, Role, StepKind};
use crate::ids::DossierCode;

/// Decides what a command does to a dossier (`None` before it exists).
pub fn decide(
    state: Option<&Dossier>,
    command: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DossierError> {
    let mut run = Run {
        ctx,
        sim: state.cloned(),
        events: Vec::new(),
    };
    match (state, command) {
        (None, Command::SubmitOnline(new)) => run.open(new, None, None)?,
        (None, Command::ReceiveAtCounter(new)) => {
            require_role(ctx, &[Role::DeskOfficer])?;
            run.open(new, None, None)?;
        }
        (
            None,
            Command::OpenSubDossier {
                new,
                origin,
                budget_hours,
            },
        ) => {
            run.open(new, Some(origin.clone()), Some(*budget_hours))?;
        }
        (None, _) => return Err(DossierError::NotFound),
        (
            Some(_),
            Command::SubmitOnline(_)
            | Command::ReceiveAtCounter(_)
            | Command::OpenSubDossier { .. },
        ) => {
            return Err(DossierError::AlreadyExists);
        }
        (Some(d), Command::Rate { satisfaction }) => {
            if d.status != Status::Returned || d.rating.is_some() {
                return Err(not_allowed(command, d));
            }
            if ctx.actor.role.is_some_and(|r| r != Role::DeskOfficer) {
                return Err(DossierError::Forbidden(
                    "chỉ người nộp hồ sơ đánh giá mức độ hài lòng".into(),
                ));
            }
            run.emit(Event::Rated {
                satisfaction: *satisfaction,
            })?;
        }
        (Some(d), _) if d.status.is_terminal() => return Err(DossierError::Terminal(d.status)),
        (Some(d), command) => run.change(d, command)?,
    }
    Ok(run.events)
}

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

    fn open(
        &mut self,
        new: &NewDossier,
        origin: Option<DossierCode>,
        sub_budget: Option<u32>,
    ) -> Result<(), DossierError> {
        let ctx = self.ctx;
        let p = ctx.procedure;
        if !p.in_force_on(crate::calendar::deadline::local(ctx.now).date()) {
            return Err(DossierError::Invalid(format!(
                "thủ tục {} không còn hiệu lực",
                p.code
            )));
        }
        if origin.is_none() && !p.channels.contains(&new.channel) {
            return Err(DossierError::Invalid(format!(
                "thủ tục không nhận hồ sơ qua kênh {:?}",
                new.channel
            )));
        }
        if let super::model::Applicant::Person {
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
        let submitted =
            matches!(new.channel, Channel::Online | Channel::NationalPortal) && origin.is_none();
        let acknowledge_by = if submitted {
            Some(crate::calendar::deadline::acknowledgement_due(
                ctx.calendar,
                ctx.now,
            )?)
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
            documents: new.documents.clone(),
            fees,
            status: Status::Submitted,
            acknowledge_by,
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

    /// Starts the clock and passes the receipt step.
    fn receive(&mut self, counter: bool) -> Result<(), DossierError> {
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

    fn start_step(&mut self, index: usize) -> Result<(), DossierError> {
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
            step: StepRecord {
                index,
                code: step.code.clone(),
                name: step.name.clone(),
                kind: step.kind,
                role: step.role,
                assignee: None,
                started_at: ctx.now,
                budget_hours: step.budget_hours,
                due_at,
                finished_at: None,
                finished_by: None,
                note: None,
            },
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
    fn complete_current(&mut self, note: Option<String>) -> Result<(), DossierError> {
        let index = self.current_index()?;
        self.finish_current(note)?;
        if index + 1 < self.ctx.procedure.steps.len() {
            self.start_step(index + 1)?;
        }
        Ok(())
    }

    fn finish_current(&mut self, note: Option<String>) -> Result<(), DossierError> {
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

    fn obligation_settled(&self) -> Result<bool, DossierError> {
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

    fn change(&mut self, d: &Dossier, command: &Command) -> Result<(), DossierError> {
        let ctx = self.ctx;
        match command {
            Command::Acknowledge => {
                require_status(command, d, &[Status::Submitted])?;
                require_role(ctx, &[Role::DeskOfficer])?;
                self.receive(false)?;
            }
            Command::RequestSupplement { missing, reason } => {
                require_status(command, d, &[Status::Submitted, Status::InProcess])?;
                require_role(ctx, &[Role::DeskOfficer, Role::Specialist])?;
                if missing.iter().all(|m| m.trim().is_empty()) {
                    return Err(DossierError::Invalid(
                        "phải nêu đầy đủ các thành phần cần bổ sung".into(),
                    ));
                }
                self.emit(Event::SupplementRequested {
                    round: SupplementRound {
                        missing: missing.clone(),
                        reason: reason.clone(),
                        requested_by: ctx.actor.id.clone(),
                        requested_at: ctx.now,
                        due_before: d.appointment.as_ref().map(|a| a.current_due),
                        supplied_at: None,
                        due_after: None,
                    },
                })?;
            }
            Command::SubmitSupplement { documents } => {
                require_status(command, d, &[Status::SupplementRequested])?;
                // The processing time restarts from zero (Decree 118/2025); every interval
                // stays recorded so the national KPI's variant can be computed too.
                let (clock_start, appointment) = if d.clock_start.is_some() {
                    let due = due_date(
                        ctx.calendar,
                        &DeadlineRequest {
                            received_at: ctx.now,
                            time: StatutoryTime::WorkingDays(d.statutory_days),
                            apply_cutoff: false,
                            pauses: Vec::new(),
                        },
                    )?;
                    (Some(due.clock_start), Some(Appointment::new(due.due)))
                } else {
                    (None, None)
                };
                self.emit(Event::SupplementReceived {
                    documents: documents.clone(),
                    clock_start,
                    appointment,
                })?;
            }
            Command::Refuse { reason } => {
                require_status(
                    command,
                    d,
                    &[
                        Status::Submitted,
                        Status::InProcess,
                        Status::SupplementRequested,
                        Status::AwaitingObligation,
                    ],
                )?;
                require_reason(reason)?;
                let status = if d.status == Status::Submitted {
                    require_role(ctx, &[Role::DeskOfficer])?;
                    Status::NotAccepted
                } else {
                    require_role(ctx, &[Role::Specialist, Role::Leader, Role::DeskOfficer])?;
                    Status::Refused
                };
                self.close(d, status, reason)?;
            }
            Command::Withdraw { reason } => {
                require_status(
                    command,
                    d,
                    &[
                        Status::Submitted,
                        Status::InProcess,
                        Status::SupplementRequested,
                        Status::AwaitingObligation,
                    ],
                )?;
                if ctx.actor.role.is_some_and(|r| r != Role::DeskOfficer) {
                    return Err(DossierError::Forbidden(
                        "chỉ người nộp hồ sơ (hoặc Bộ phận Một cửa thay mặt) được rút hồ sơ".into(),
                    ));
                }
                self.close(d, Status::Withdrawn, reason)?;
            }
            Command::Assign { officer } => {
                require_role(ctx, &[Role::Leader, Role::DeskOfficer, Role::Administrator])?;
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
                })?;
            }
            Command::CompleteStep { note } => {
                require_status(command, d, &[Status::InProcess, Status::AwaitingObligation])?;
                self.step_for_actor(d, &[StepKind::Process, StepKind::InterAgency])?;
                if d.is_sub_dossier() {
                    return Err(DossierError::Invalid(
                        "hồ sơ liên thông kết thúc bằng ghi nhận kết quả".into(),
                    ));
                }
                self.complete_current(note.clone())?;
            }
            Command::Approve { note } | Command::Sign { note } => {
                require_status(command, d, &[Status::InProcess])?;
                require_role(ctx, &[Role::Leader])?;
                let kind = if matches!(command, Command::Approve { .. }) {
                    StepKind::Approve
                } else {
                    StepKind::Sign
                };
                self.step_for_actor(d, &[kind])?;
                self.complete_current(note.clone())?;
            }
            Command::ReturnToStep { index, reason } => {
                require_status(command, d, &[Status::InProcess])?;
                require_reason(reason)?;
                let current = d.current_step().ok_or(DossierError::NoCurrentStep)?;
                if ctx.actor.role != Some(Role::Leader) && ctx.actor.role != Some(current.role) {
                    return Err(DossierError::Forbidden(
                        "chỉ người xử lý bước hiện tại hoặc lãnh đạo được trả lại".into(),
                    ));
                }
                let target = ctx
                    .procedure
                    .step(*index)
                    .ok_or_else(|| DossierError::Invalid(format!("không có bước {index}")))?;
                if *index >= current.index
                    || !matches!(
                        target.kind,
                        StepKind::Process | StepKind::Approve | StepKind::Sign
                    )
                    || current.kind == StepKind::Return
                {
                    return Err(DossierError::Invalid(format!(
                        "không trả lại được về bước \"{}\"",
                        target.name
                    )));
                }
                self.finish_current(Some(format!("Trả lại: {reason}")))?;
                self.start_step(*index)?;
            }
            Command::TransferToAgency { agency, sub_code } => {
                require_status(command, d, &[Status::InProcess])?;
                self.step_for_actor(d, &[StepKind::InterAgency])?;
                self.emit(Event::TransferredToAgency {
                    agency: agency.clone(),
                    sub_code: sub_code.clone(),
                })?;
            }
            Command::RecordTaxNotice {
                notice,
                obligations,
            } => {
                require_status(command, d, &[Status::InProcess])?;
                if ctx.actor.role.is_some_and(|r| r != Role::Specialist) {
                    return Err(DossierError::Forbidden(
                        "thông báo thuế do cơ quan thuế hoặc chuyên viên ghi nhận".into(),
                    ));
                }
                let step = d.current_step().ok_or(DossierError::NoCurrentStep)?;
                if step.kind != StepKind::InterAgency {
                    return Err(DossierError::WrongStep {
                        expected: "inter_agency",
                        actual: step.name.clone(),
                    });
                }
                if obligations.iter().any(|c| c.amount < 0) {
                    return Err(DossierError::Invalid(
                        "số tiền nghĩa vụ tài chính không được âm".into(),
                    ));
                }
                self.emit(Event::TaxNoticeRecorded {
                    notice: notice.clone(),
                    obligations: obligations.clone(),
                })?;
                self.settle_if_paid()?;
                self.complete_current(None)?;
            }
            Command::RecordPayment {
                reference,
                purpose,
                amount,
                online,
            } => {
                require_status(
                    command,
                    d,
                    &[
                        Status::Submitted,
                        Status::InProcess,
                        Status::SupplementRequested,
                        Status::AwaitingObligation,
                        Status::ResultReady,
                    ],
                )?;
                if ctx.actor.role.is_some_and(|r| r != Role::DeskOfficer) {
                    return Err(DossierError::Forbidden(
                        "khoản thu do Bộ phận Một cửa, người nộp hoặc hệ thống thanh toán ghi nhận"
                            .into(),
                    ));
                }
                if *amount <= 0 || reference.trim().is_empty() {
                    return Err(DossierError::Invalid(
                        "khoản thanh toán cần số tiền dương và mã tham chiếu".into(),
                    ));
                }
                if d.payments.iter().any(|p| p.reference == *reference) {
                    return Err(DossierError::DuplicatePayment(reference.clone()));
                }
                if *purpose == PaymentPurpose::Obligation && d.tax_notice.is_none() {
                    return Err(DossierError::Invalid(
                        "chưa có thông báo nghĩa vụ tài chính".into(),
                    ));
                }
                self.emit(Event::PaymentRecorded {
                    payment: Payment {
                        reference: reference.clone(),
                        purpose: *purpose,
                        amount: *amount,
                        online: *online,
                        at: ctx.now,
                    },
                })?;
                if self.settle_if_paid()?
                    && self
                        .d()?
                        .current_step()
                        .is_some_and(|s| s.kind == StepKind::AwaitPayment)
                {
                    self.complete_current(None)?;
                }
            }
            Command::RecordResult { result } => {
                require_status(command, d, &[Status::InProcess])?;
                require_role(ctx, &[Role::DeskOfficer, Role::Specialist, Role::Leader])?;
                let step = d.current_step().ok_or(DossierError::NoCurrentStep)?;
                if d.is_sub_dossier() {
                    self.finish_current(None)?;
                } else if step.kind != StepKind::Return {
                    return Err(DossierError::WrongStep {
                        expected: "return",
                        actual: step.name.clone(),
                    });
                }
                let completion = d.appointment.as_ref().map(|a| a.classify(ctx.now));
                self.emit(Event::ResultRecorded {
                    result: result.clone(),
                    completion,
                })?;
            }
            Command::ReturnResult => {
                require_status(command, d, &[Status::ResultReady])?;
                if ctx.actor.role.is_some_and(|r| r != Role::DeskOfficer) {
                    return Err(DossierError::Forbidden(
                        "Bộ phận Một cửa trả kết quả".into(),
                    ));
                }
                let due: i64 = d.fees.iter().map(|c| c.amount).sum();
                let paid = d.paid(PaymentPurpose::Fees);
                if paid < due {
                    return Err(DossierError::FeesUnpaid { due, paid });
                }
                if d.current_step().is_some() {
                    self.finish_current(None)?;
                }
                self.emit(Event::ResultReturned)?;
            }
            Command::ExtendWithApology { new_due, reason } => {
                require_status(command, d, &[Status::InProcess])?;
                require_role(ctx, &[Role::Leader, Role::Specialist])?;
                require_reason(reason)?;
                let mut appointment = d.appointment.clone().ok_or(DossierError::NoCurrentStep)?;
                if ctx.now > appointment.current_due {
                    return Err(DossierError::Invalid(
                        "phải gửi văn bản xin lỗi và hẹn lại trước khi hết hạn".into(),
                    ));
                }
                appointment.extend(*new_due, reason.clone())?;
                self.emit(Event::Extended { appointment })?;
            }
            Command::SubmitOnline(_)
            | Command::ReceiveAtCounter(_)
            | Command::OpenSubDossier { .. } => {
                return Err(DossierError::AlreadyExists);
            }
            Command::Rate { .. } => return Err(not_allowed(command, d)),
        }
        Ok(())
    }

    fn settle_if_paid(&mut self) -> Result<bool, DossierError> {
        if self.d()?.status == Status::AwaitingObligation && self.obligation_settled()? {
            self.emit(Event::ObligationSettled)?;
            return Ok(true);
        }
        Ok(false)
    }

    fn close(&mut self, d: &Dossier, status: Status, reason: &str) -> Result<(), DossierError> {
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

    /// The current step, checked against the kinds the command handles and the actor.
    fn step_for_actor<'d>(
        &self,
        d: &'d Dossier,
        kinds: &[StepKind],
    ) -> Result<&'d StepRecord, DossierError> {
        let step = d.current_step().ok_or(DossierError::NoCurrentStep)?;
        if !kinds.contains(&step.kind) {
            return Err(DossierError::WrongStep {
                expected: kind_name(kinds.first().copied()),
                actual: step.name.clone(),
            });
        }
        if self.ctx.actor.role != Some(step.role) {
            return Err(DossierError::Forbidden(format!(
                "bước \"{}\" do {} thực hiện",
                step.name,
                step.role.as_str()
            )));
        }
        if let Some(a) = &step.assignee
            && a.id != self.ctx.actor.id
        {
            return Err(DossierError::Forbidden(format!(
                "bước \"{}\" đã giao cho {}",
                step.name, a.name
            )));
        }
        Ok(step)
    }
}

fn kind_name(kind: Option<StepKind>) -> &'static str {
    match kind {
        Some(StepKind::Receive) => "receive",
        Some(StepKind::Process) => "process",
        Some(StepKind::InterAgency) => "inter_agency",
        Some(StepKind::AwaitPayment) => "await_payment",
        Some(StepKind::Approve) => "approve",
        Some(StepKind::Sign) => "sign",
        Some(StepKind::Return) | None => "return",
    }
}

fn require_status(command: &Command, d: &Dossier, allowed: &[Status]) -> Result<(), DossierError> {
    if allowed.contains(&d.status) {
        Ok(())
    } else {
        Err(not_allowed(command, d))
    }
}

fn not_allowed(command: &Command, d: &Dossier) -> DossierError {
    DossierError::NotAllowed {
        command: command.name(),
        status: d.status,
    }
}

fn require_role(ctx: &Context<'_>, roles: &[Role]) -> Result<(), DossierError> {
    match ctx.actor.role {
        Some(r) if roles.contains(&r) => Ok(()),
        _ => Err(DossierError::Forbidden(format!(
            "cần vai trò {}",
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" hoặc ")
        ))),
    }
}

fn require_reason(reason: &str) -> Result<(), DossierError> {
    if reason.trim().is_empty() {
        Err(DossierError::Invalid("phải nêu rõ lý do".into()))
    } else {
        Ok(())
    }
}
