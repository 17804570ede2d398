//! What an actor may do to a dossier now. [`guard`] holds the rules that depend only on the
//! dossier and the actor (status, capacity, the current step and who it is assigned to);
//! `decide` checks them first and then the command's own fields. [`available_actions`] asks the
//! same guards, so the staff page and the citizen portal offer exactly what would be accepted,
//! without trying commands with made-up fields.

use super::DossierError;
use super::command::{Actor, ActorKind, Context, ExternalSystem};
use super::model::{Dossier, Status, StepRecord};
use crate::calendar::Appointment;
use crate::calendar::deadline;
use crate::catalog::{Role, StepKind};

crate::wire_enum! {
    /// A command's kind, without its fields; its wire name is the API's command name.
    pub enum Action {
        /// File online.
        SubmitOnline = "submit_online",
        /// Receive at a one-stop desk.
        ReceiveAtCounter = "receive_at_counter",
        /// Open an inter-agency sub-dossier.
        OpenSubDossier = "open_sub_dossier",
        /// Accept an online dossier.
        Acknowledge = "acknowledge",
        /// Ask for a supplement (Mẫu 02).
        RequestSupplement = "request_supplement",
        /// Supply what was asked.
        SubmitSupplement = "submit_supplement",
        /// Refuse (Mẫu 03), or not accept an online dossier.
        Refuse = "refuse",
        /// Withdraw.
        Withdraw = "withdraw",
        /// Assign the current step.
        Assign = "assign",
        /// Finish the current processing step.
        CompleteStep = "complete_step",
        /// Send back to an earlier step.
        ReturnToStep = "return_to_step",
        /// Hand an inter-agency step to another agency.
        TransferToAgency = "transfer_to_agency",
        /// Record the tax notice.
        RecordTaxNotice = "record_tax_notice",
        /// Record a payment.
        RecordPayment = "record_payment",
        /// Approve.
        Approve = "approve",
        /// Sign.
        Sign = "sign",
        /// Record the result.
        RecordResult = "record_result",
        /// Attach the draft result.
        DraftResult = "draft_result",
        /// Attach a paper document's scan.
        DigitiseDocument = "digitise_document",
        /// Destroy files whose retention ended (the records office, on an approved list).
        DestroyFiles = "destroy_files",
        /// Return the result.
        ReturnResult = "return_result",
        /// Record a digital signature's verdict (the signature service only).
        RecordSignatureCheck = "record_signature_check",
        /// Apologise and set a new date (Mẫu 04).
        ExtendWithApology = "extend_with_apology",
        /// Rate the service.
        Rate = "rate",
        /// Move an open dossier from a unit merged away to its successor (the administrator's
        /// merger of units only).
        MoveToSuccessor = "move_to_successor",
    }
}

impl Action {
    /// Whether the action creates a dossier (and so has none to act on).
    pub fn creates(self) -> bool {
        matches!(
            self,
            Self::SubmitOnline | Self::ReceiveAtCounter | Self::OpenSubDossier
        )
    }
}

/// The statuses in which a dossier is still being handled.
const OPEN: [Status; 4] = [
    Status::Submitted,
    Status::InProcess,
    Status::SupplementRequested,
    Status::AwaitingObligation,
];

/// Every action on an existing dossier that `ctx.actor` may take now, in [`Action::ALL`]
/// order. The command's own fields may still be refused (an empty reason, a stale date).
pub fn available_actions(d: &Dossier, ctx: &Context<'_>) -> Vec<Action> {
    // A move to a successor is part of a merger of units, never offered on one dossier.
    Action::ALL
        .into_iter()
        .filter(|a| !a.creates() && *a != Action::MoveToSuccessor)
        .filter(|a| guard(*a, Some(d), ctx).is_ok())
        .collect()
}

/// The rules of `action` that do not depend on the command's fields.
pub fn guard(action: Action, d: Option<&Dossier>, ctx: &Context<'_>) -> Result<(), DossierError> {
    let actor = ctx.actor;
    let Some(d) = d else {
        return match action {
            Action::ReceiveAtCounter => staff(actor, &[Role::DeskOfficer]),
            Action::SubmitOnline | Action::OpenSubDossier => Ok(()),
            _ => Err(DossierError::NotFound),
        };
    };
    if action.creates() {
        return Err(DossierError::AlreadyExists);
    }
    // Pulled from the ministry's central system, where it is handled: nothing is done to it
    // here but the merger that keeps it findable under today's units.
    if let Some(origin) = d.imported.as_ref().filter(|o| o.read_only)
        && action != Action::MoveToSuccessor
    {
        return Err(DossierError::HandledElsewhere(origin.source.clone()));
    }
    if action == Action::Rate {
        if d.status != Status::Returned || d.rating.is_some() {
            return Err(not_allowed(action, d));
        }
        return applicant_or_desk(actor, "chỉ người nộp hồ sơ đánh giá mức độ hài lòng");
    }
    if action == Action::DestroyFiles {
        // Only what has ended is destroyed, and only on the records office's word, which it
        // gives for a list a leader approved.
        if !d.status.is_terminal() {
            return Err(not_allowed(action, d));
        }
        return match actor.kind {
            ActorKind::System(ExternalSystem::RecordsOffice) => Ok(()),
            _ => Err(DossierError::Forbidden(
                "tài liệu chỉ được tiêu hủy theo danh mục đã được lãnh đạo phê duyệt".into(),
            )),
        };
    }
    if d.status.is_terminal() {
        return Err(DossierError::Terminal(d.status));
    }
    if action == Action::MoveToSuccessor {
        // A unit's work passes to its successor when the administrator merges it away; no
        // one moves a dossier between units otherwise.
        return staff(actor, &[Role::Administrator]);
    }
    match action {
        Action::Acknowledge => {
            status(action, d, &[Status::Submitted])?;
            staff(actor, &[Role::DeskOfficer])
        }
        Action::RequestSupplement => {
            status(action, d, &[Status::Submitted, Status::InProcess])?;
            staff(actor, &[Role::DeskOfficer, Role::Specialist])
        }
        Action::SubmitSupplement => {
            status(action, d, &[Status::SupplementRequested])?;
            match actor.kind {
                ActorKind::Applicant
                | ActorKind::Staff(Role::DeskOfficer)
                | ActorKind::System(ExternalSystem::NationalPortal) => Ok(()),
                _ => Err(DossierError::Forbidden(
                    "người nộp hồ sơ (hoặc Bộ phận Một cửa thay mặt) bổ sung hồ sơ".into(),
                )),
            }
        }
        Action::Refuse => {
            status(action, d, &OPEN)?;
            if d.status == Status::Submitted {
                staff(actor, &[Role::DeskOfficer])
            } else {
                staff(actor, &[Role::Specialist, Role::Leader, Role::DeskOfficer])
            }
        }
        Action::Withdraw => {
            status(action, d, &OPEN)?;
            match actor.kind {
                ActorKind::Applicant
                | ActorKind::Staff(Role::DeskOfficer)
                | ActorKind::System(ExternalSystem::NationalPortal) => Ok(()),
                _ => Err(DossierError::Forbidden(
                    "chỉ người nộp hồ sơ (hoặc Bộ phận Một cửa thay mặt) được rút hồ sơ".into(),
                )),
            }
        }
        Action::Assign => {
            staff(
                actor,
                &[Role::Leader, Role::DeskOfficer, Role::Administrator],
            )?;
            current(d).map(|_| ())
        }
        Action::CompleteStep => {
            status(action, d, &[Status::InProcess, Status::AwaitingObligation])?;
            step_for(d, actor, &[StepKind::Process, StepKind::InterAgency])?;
            if d.is_sub_dossier() {
                return Err(DossierError::Invalid(
                    "hồ sơ liên thông kết thúc bằng ghi nhận kết quả".into(),
                ));
            }
            Ok(())
        }
        Action::Approve | Action::Sign => {
            status(action, d, &[Status::InProcess])?;
            staff(actor, &[Role::Leader])?;
            let kind = if action == Action::Approve {
                StepKind::Approve
            } else {
                StepKind::Sign
            };
            step_for(d, actor, &[kind]).map(|_| ())
        }
        Action::ReturnToStep => {
            status(action, d, &[Status::InProcess])?;
            let step = current(d)?;
            if actor.role() != Some(Role::Leader) && actor.role() != Some(step.role) {
                return Err(DossierError::Forbidden(
                    "chỉ người xử lý bước hiện tại hoặc lãnh đạo được trả lại".into(),
                ));
            }
            let earlier = ctx.procedure.steps.iter().take(step.index).any(|s| {
                matches!(
                    s.kind,
                    StepKind::Process | StepKind::Approve | StepKind::Sign
                )
            });
            if step.kind == StepKind::Return || !earlier {
                return Err(DossierError::Invalid(format!(
                    "không trả lại được từ bước \"{}\"",
                    step.name
                )));
            }
            Ok(())
        }
        Action::TransferToAgency => {
            status(action, d, &[Status::InProcess])?;
            step_for(d, actor, &[StepKind::InterAgency]).map(|_| ())
        }
        Action::RecordTaxNotice => {
            status(action, d, &[Status::InProcess])?;
            match actor.kind {
                ActorKind::Staff(Role::Specialist)
                | ActorKind::System(ExternalSystem::TaxAuthority) => {}
                _ => {
                    return Err(DossierError::Forbidden(
                        "thông báo thuế do cơ quan thuế hoặc chuyên viên ghi nhận".into(),
                    ));
                }
            }
            let step = current(d)?;
            if step.kind != StepKind::InterAgency {
                return Err(DossierError::WrongStep {
                    expected: StepKind::InterAgency.as_str(),
                    actual: step.name.clone(),
                });
            }
            Ok(())
        }
        Action::RecordPayment => {
            let mut allowed = OPEN.to_vec();
            allowed.push(Status::ResultReady);
            status(action, d, &allowed)?;
            match actor.kind {
                ActorKind::Staff(Role::DeskOfficer)
                | ActorKind::System(ExternalSystem::PaymentGateway | ExternalSystem::Treasury) => {
                    Ok(())
                }
                _ => Err(DossierError::Forbidden(
                    "khoản thu do Bộ phận Một cửa hoặc hệ thống thanh toán ghi nhận".into(),
                )),
            }
        }
        Action::DigitiseDocument => {
            // While the dossier is handled: a scan attached after it ended would move the
            // figures of a closed period.
            if d.status.is_terminal() {
                return Err(not_allowed(action, d));
            }
            staff(actor, &[Role::DeskOfficer, Role::Specialist])
        }
        Action::DraftResult => {
            status(action, d, &[Status::InProcess])?;
            step_for(
                d,
                actor,
                &[StepKind::Process, StepKind::Approve, StepKind::Sign],
            )
            .map(|_| ())
        }
        Action::RecordResult => {
            status(action, d, &[Status::InProcess])?;
            staff(actor, &[Role::DeskOfficer, Role::Specialist, Role::Leader])?;
            let step = current(d)?;
            if !d.is_sub_dossier() && step.kind != StepKind::Return {
                return Err(DossierError::WrongStep {
                    expected: StepKind::Return.as_str(),
                    actual: step.name.clone(),
                });
            }
            Ok(())
        }
        Action::ReturnResult => {
            status(action, d, &[Status::ResultReady])?;
            staff(actor, &[Role::DeskOfficer])
                .map_err(|_| DossierError::Forbidden("Bộ phận Một cửa trả kết quả".into()))
        }
        Action::RecordSignatureCheck => match actor.kind {
            // Only this system's own verification of the file says "signed".
            ActorKind::System(ExternalSystem::SignatureService) => Ok(()),
            _ => Err(DossierError::Forbidden(
                "chữ ký số chỉ được ghi nhận khi hệ thống xác minh được, không do người gửi khai"
                    .into(),
            )),
        },
        Action::ExtendWithApology => {
            status(action, d, &[Status::InProcess])?;
            staff(actor, &[Role::Leader, Role::Specialist])?;
            let appointment = d.appointment.as_ref().ok_or(DossierError::NoCurrentStep)?;
            apology_window(ctx, appointment)
        }
        Action::SubmitOnline
        | Action::ReceiveAtCounter
        | Action::OpenSubDossier
        | Action::Rate
        | Action::DestroyFiles
        | Action::MoveToSuccessor => Err(not_allowed(action, d)),
    }
}

/// The apology with a new date (Mẫu 04) opens when at most one working day is left before the
/// due instant (the law asks for it at least one day before, and the due-soon queue shows
/// the same dossiers), and stays open after the due instant passes: a late dossier still
/// owes the applicant the apology. The date moves once.
fn apology_window(ctx: &Context<'_>, appointment: &Appointment) -> Result<(), DossierError> {
    if appointment.extension.is_some() {
        return Err(DossierError::Invalid(
            "hồ sơ đã được gia hạn một lần; không được gia hạn lần nữa".into(),
        ));
    }
    let left = deadline::working_time_between(ctx.calendar, ctx.now, appointment.current_due)
        .map_err(|e| DossierError::Invalid(e.to_string()))?;
    if left > ctx.calendar.office().day_length() {
        return Err(DossierError::Invalid(format!(
            "chỉ gửi văn bản xin lỗi và hẹn lại khi còn không quá 1 ngày làm việc trước hạn trả \
             ({})",
            deadline::VnTime(appointment.current_due)
        )));
    }
    Ok(())
}

fn current(d: &Dossier) -> Result<&StepRecord, DossierError> {
    d.current_step().ok_or(DossierError::NoCurrentStep)
}

/// The current step, checked against the kinds the command handles, the actor's role and the
/// officer it is assigned to.
pub(super) fn step_for<'d>(
    d: &'d Dossier,
    actor: &Actor,
    kinds: &[StepKind],
) -> Result<&'d StepRecord, DossierError> {
    let step = current(d)?;
    if !kinds.contains(&step.kind) {
        return Err(DossierError::WrongStep {
            expected: kinds.first().map_or("", |k| k.as_str()),
            actual: step.name.clone(),
        });
    }
    if actor.role() != Some(step.role) {
        return Err(DossierError::Forbidden(format!(
            "bước \"{}\" do {} thực hiện",
            step.name,
            step.role.as_str()
        )));
    }
    if let Some(a) = &step.assignee
        && a.id != actor.id
    {
        return Err(DossierError::Forbidden(format!(
            "bước \"{}\" đã giao cho {}",
            step.name, a.name
        )));
    }
    Ok(step)
}

fn status(action: Action, d: &Dossier, allowed: &[Status]) -> Result<(), DossierError> {
    if allowed.contains(&d.status) {
        Ok(())
    } else {
        Err(not_allowed(action, d))
    }
}

fn not_allowed(action: Action, d: &Dossier) -> DossierError {
    DossierError::NotAllowed {
        command: action.as_str(),
        status: d.status,
    }
}

fn staff(actor: &Actor, roles: &[Role]) -> Result<(), DossierError> {
    if actor.is_staff_in(roles) {
        Ok(())
    } else {
        Err(DossierError::Forbidden(format!(
            "cần vai trò {}",
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" hoặc ")
        )))
    }
}

fn applicant_or_desk(actor: &Actor, why: &str) -> Result<(), DossierError> {
    match actor.kind {
        ActorKind::Applicant | ActorKind::Staff(Role::DeskOfficer) => Ok(()),
        _ => Err(DossierError::Forbidden(why.into())),
    }
}
