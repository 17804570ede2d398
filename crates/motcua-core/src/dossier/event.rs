//! What happened to a dossier: the legal history (the control sheet is drawn from it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{
    Applicant, Charge, Collector, Dossier, DossierDocument, DossierId, Officer, PauseKind, Payment,
    ResultRecord, Satisfaction, Status, StepRecord, SupplementRound,
};
use crate::calendar::{Appointment, Completion};
use crate::catalog::Channel;
use crate::ids::{AgencyCode, DossierCode, ProcedureCode};

/// One fact in a dossier's history. Events carry every computed value (due instants,
/// completion class), so replaying them needs neither the calendar nor the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// The dossier exists.
    Opened {
        /// Id.
        id: DossierId,
        /// Code.
        code: DossierCode,
        /// Another system's code.
        external_code: Option<String>,
        /// Origin, for a sub-dossier.
        origin_code: Option<DossierCode>,
        /// Procedure.
        procedure: ProcedureCode,
        /// Procedure version.
        procedure_version: u32,
        /// Statutory time in working days.
        statutory_days: u32,
        /// Channel.
        channel: Channel,
        /// Receiving desk.
        receiving_agency: AgencyCode,
        /// Resolving agency.
        resolving_agency: AgencyCode,
        /// Applicant.
        applicant: Applicant,
        /// Documents.
        documents: Vec<DossierDocument>,
        /// Fees due.
        fees: Vec<Charge>,
        /// Initial status.
        status: Status,
        /// For online dossiers: acceptance deadline.
        acknowledge_by: Option<DateTime<Utc>>,
        /// The certificate it concerns.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        land: Option<crate::land::LandRef>,
    },
    /// Accepted: the statutory clock started.
    Accepted {
        /// When the clock started.
        clock_start: DateTime<Utc>,
        /// The due instants.
        appointment: Appointment,
    },
    /// A step began.
    StepStarted {
        /// The step.
        step: StepRecord,
    },
    /// The current step finished.
    StepCompleted {
        /// Who finished it.
        by: String,
        /// Remarks.
        note: Option<String>,
    },
    /// The current step was assigned.
    StepAssigned {
        /// To whom.
        officer: Officer,
    },
    /// The applicant was asked to supplement.
    SupplementRequested {
        /// The request.
        round: SupplementRound,
    },
    /// The supplement came in; the processing time restarts from zero.
    SupplementReceived {
        /// Documents added.
        documents: Vec<DossierDocument>,
        /// Earlier components these replace, as (old position, new position): the old version
        /// is kept (absent from events recorded before versions were kept).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        replaces: Vec<(usize, usize)>,
        /// The clock's new start, if it had started.
        clock_start: Option<DateTime<Utc>>,
        /// The new due instants, if the clock had started.
        appointment: Option<Appointment>,
    },
    /// The clock stopped.
    PauseStarted {
        /// Why.
        kind: PauseKind,
    },
    /// The clock resumed; the due instants moved by the working time paused.
    PauseEnded {
        /// The new due instants.
        appointment: Option<Appointment>,
    },
    /// Handling ended without a result.
    Closed {
        /// Refused, not accepted or withdrawn.
        status: Status,
        /// Why.
        reason: String,
        /// Early / on time / late, if the clock had started.
        completion: Option<Completion>,
    },
    /// A linked sub-dossier was opened at another agency.
    TransferredToAgency {
        /// The agency.
        agency: AgencyCode,
        /// The sub-dossier's code.
        sub_code: DossierCode,
    },
    /// The tax notice arrived.
    TaxNoticeRecorded {
        /// Notice number.
        notice: String,
        /// Amounts.
        obligations: Vec<Charge>,
    },
    /// A payment arrived.
    PaymentRecorded {
        /// The payment.
        payment: Payment,
    },
    /// The financial obligation is paid in full.
    ObligationSettled,
    /// A paper document's scan was attached.
    DocumentDigitised {
        /// The document's position.
        index: usize,
        /// Content hash of the scan.
        file: String,
        /// Who attached it.
        by: String,
    },
    /// The draft result was attached (or replaced).
    ResultDrafted {
        /// The draft.
        result: ResultRecord,
    },
    /// The result is ready.
    ResultRecorded {
        /// The result.
        result: ResultRecord,
        /// Early / on time / late.
        completion: Option<Completion>,
    },
    /// The result was returned.
    ResultReturned {
        /// Who collected it (absent from events recorded before it was asked).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        collector: Option<Collector>,
    },
    /// The due instant was moved, with an apology.
    Extended {
        /// New due instants.
        appointment: Appointment,
    },
    /// A digital signature was checked (valid or not).
    SignatureChecked {
        /// The verdict.
        check: crate::dossier::SignatureCheck,
    },
    /// The applicant rated the service.
    Rated {
        /// The rating.
        satisfaction: Satisfaction,
    },
    /// Files whose retention period ended were destroyed under an approved list.
    FilesDestroyed {
        /// The destruction list's id.
        list: String,
        /// The documents, by position.
        documents: Vec<usize>,
        /// The result's file too.
        result: bool,
    },
    /// Moved to the successor of a unit merged away: the receiving desk and the resolving unit
    /// that were `from` are `into` from now on.
    MovedToSuccessor {
        /// The unit merged away.
        from: AgencyCode,
        /// Its successor.
        into: AgencyCode,
    },
    /// Brought in from another system (nhập từ hệ thống khác): the dossier as that system's
    /// export gave it, recorded when imported. It starts the history, or restates it when a
    /// corrected export is imported again before anything else happened here.
    Imported {
        /// The source system's name.
        source: String,
        /// The digest of the record it was built from.
        digest: String,
        /// The dossier as imported.
        dossier: Box<Dossier>,
    },
}

impl Event {
    /// The stable name of the event kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Opened { .. } => "opened",
            Self::Accepted { .. } => "accepted",
            Self::StepStarted { .. } => "step_started",
            Self::StepCompleted { .. } => "step_completed",
            Self::StepAssigned { .. } => "step_assigned",
            Self::SupplementRequested { .. } => "supplement_requested",
            Self::SupplementReceived { .. } => "supplement_received",
            Self::PauseStarted { .. } => "pause_started",
            Self::PauseEnded { .. } => "pause_ended",
            Self::Closed { .. } => "closed",
            Self::TransferredToAgency { .. } => "transferred_to_agency",
            Self::TaxNoticeRecorded { .. } => "tax_notice_recorded",
            Self::PaymentRecorded { .. } => "payment_recorded",
            Self::ObligationSettled => "obligation_settled",
            Self::ResultDrafted { .. } => "result_drafted",
            Self::FilesDestroyed { .. } => "files_destroyed",
            Self::DocumentDigitised { .. } => "document_digitised",
            Self::ResultRecorded { .. } => "result_recorded",
            Self::SignatureChecked { .. } => "signature_checked",
            Self::ResultReturned { .. } => "result_returned",
            Self::Extended { .. } => "extended",
            Self::Rated { .. } => "rated",
            Self::Imported { .. } => "imported",
            Self::MovedToSuccessor { .. } => "moved_to_successor",
        }
    }
}
