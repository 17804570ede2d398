//! What people and systems ask of a dossier.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{
    Applicant, Charge, DossierDocument, DossierId, Officer, PaymentPurpose, ResultRecord,
    Satisfaction,
};
use crate::calendar::WorkCalendar;
use crate::catalog::{Channel, Procedure, Role};
use crate::ids::{AgencyCode, DossierCode};

/// The facts of a new dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    /// Id made by the caller.
    pub id: DossierId,
    /// Code allocated by the store in the same transaction.
    pub code: DossierCode,
    /// A code another system gave it.
    pub external_code: Option<String>,
    /// How it came in.
    pub channel: Channel,
    /// The desk that receives it.
    pub receiving_agency: AgencyCode,
    /// The agency competent to resolve it.
    pub resolving_agency: AgencyCode,
    /// Applicant.
    pub applicant: Applicant,
    /// Documents received.
    pub documents: Vec<DossierDocument>,
    /// Area in m², for fees charged by area.
    pub area_m2: i64,
    /// Declared value in đồng, for fees charged on value.
    pub declared_value: i64,
    /// The land lies in a mountainous, island or remote commune (+ extra days).
    pub remote_commune: bool,
}

/// A request to change a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    /// File online (the officer must accept within 8 working hours).
    SubmitOnline(NewDossier),
    /// Receive at a one-stop desk: the receipt (Mẫu 01) and the clock start now.
    ReceiveAtCounter(NewDossier),
    /// Open an inter-agency sub-dossier at another agency, linked to its origin.
    OpenSubDossier {
        /// The facts.
        new: NewDossier,
        /// The origin's code.
        origin: DossierCode,
        /// Working hours the other agency has (the origin step's budget).
        budget_hours: u32,
    },
    /// Accept an online dossier.
    Acknowledge,
    /// Ask for everything missing at once (Mẫu 02).
    RequestSupplement {
        /// What is missing, item by item.
        missing: Vec<String>,
        /// Why.
        reason: String,
    },
    /// The applicant supplies what was asked.
    SubmitSupplement {
        /// Documents added.
        documents: Vec<DossierDocument>,
    },
    /// Refuse (Mẫu 03); for an online dossier not yet accepted, do not accept it.
    Refuse {
        /// Reasons and legal basis.
        reason: String,
    },
    /// The applicant withdraws or asks to stop.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Assign (or reassign) the current step to an officer.
    Assign {
        /// The officer.
        officer: Officer,
    },
    /// Finish the current processing step and hand over to the next.
    CompleteStep {
        /// Remarks for the control sheet.
        note: Option<String>,
    },
    /// Send the dossier back to an earlier step.
    ReturnToStep {
        /// Position of the step in the procedure.
        index: usize,
        /// Why.
        reason: String,
    },
    /// Hand the current inter-agency step to another agency as a linked sub-dossier.
    TransferToAgency {
        /// The agency.
        agency: AgencyCode,
        /// The sub-dossier's code (allocated in the target agency's series).
        sub_code: DossierCode,
    },
    /// The tax authority's notice of the financial obligation.
    RecordTaxNotice {
        /// Notice number.
        notice: String,
        /// Amounts (land-use fee, registration fee, personal income tax).
        obligations: Vec<Charge>,
    },
    /// A payment was received (fees or obligation).
    RecordPayment {
        /// Unique reference; the same reference twice is refused.
        reference: String,
        /// What it pays.
        purpose: PaymentPurpose,
        /// Amount in đồng.
        amount: i64,
        /// Paid online.
        online: bool,
    },
    /// A leader approves (the current step must be an approval).
    Approve {
        /// Remarks.
        note: Option<String>,
    },
    /// A leader signs (the current step must be a signature).
    Sign {
        /// Remarks.
        note: Option<String>,
    },
    /// The result is ready.
    RecordResult {
        /// The result.
        result: ResultRecord,
    },
    /// The result was handed to the applicant.
    ReturnResult,
    /// Apologise and set a new due instant (Mẫu 04), once.
    ExtendWithApology {
        /// The new due instant.
        new_due: DateTime<Utc>,
        /// The reason for the delay.
        reason: String,
    },
    /// The applicant rates the service.
    Rate {
        /// The rating.
        satisfaction: Satisfaction,
    },
}

impl Command {
    /// The stable name of the command (API paths, logs).
    pub fn name(&self) -> &'static str {
        match self {
            Self::SubmitOnline(_) => "submit_online",
            Self::ReceiveAtCounter(_) => "receive_at_counter",
            Self::OpenSubDossier { .. } => "open_sub_dossier",
            Self::Acknowledge => "acknowledge",
            Self::RequestSupplement { .. } => "request_supplement",
            Self::SubmitSupplement { .. } => "submit_supplement",
            Self::Refuse { .. } => "refuse",
            Self::Withdraw { .. } => "withdraw",
            Self::Assign { .. } => "assign",
            Self::CompleteStep { .. } => "complete_step",
            Self::ReturnToStep { .. } => "return_to_step",
            Self::TransferToAgency { .. } => "transfer_to_agency",
            Self::RecordTaxNotice { .. } => "record_tax_notice",
            Self::RecordPayment { .. } => "record_payment",
            Self::Approve { .. } => "approve",
            Self::Sign { .. } => "sign",
            Self::RecordResult { .. } => "record_result",
            Self::ReturnResult => "return_result",
            Self::ExtendWithApology { .. } => "extend_with_apology",
            Self::Rate { .. } => "rate",
        }
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Account id (a staff account, a citizen's id number, or a system name).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Staff role; `None` for a citizen or an external system.
    pub role: Option<Role>,
}

/// What a decision needs besides the dossier: the instant, the actor, the procedure version
/// the dossier follows and the resolving unit's working calendar.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Now.
    pub now: DateTime<Utc>,
    /// Who asks.
    pub actor: &'a Actor,
    /// The procedure version.
    pub procedure: &'a Procedure,
    /// The resolving unit's calendar and office hours.
    pub calendar: &'a WorkCalendar,
}
