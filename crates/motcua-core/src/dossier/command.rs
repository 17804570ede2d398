//! What people and systems ask of a dossier.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::action::Action;
use super::model::{
    Applicant, Charge, Collector, DossierDocument, DossierId, Officer, PaymentPurpose,
    ResultRecord, Satisfaction,
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
    /// The certificate it concerns, for a land procedure (checked against the register).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land: Option<crate::land::LandRef>,
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
    /// A payment was received (fees or obligation). Whether it was paid online is not the
    /// caller's to say: it is online when the payment gateway or the treasury reports it.
    RecordPayment {
        /// Unique reference; the same reference twice is refused.
        reference: String,
        /// What it pays.
        purpose: PaymentPurpose,
        /// Amount in đồng.
        amount: i64,
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
    /// Attach the scan of a document received on paper (số hóa thành phần hồ sơ), by the
    /// officer who compared it with the paper.
    DigitiseDocument {
        /// The document's position in the dossier.
        index: usize,
        /// Content hash of the stored scan.
        file: String,
    },
    /// Destroy files of a finished dossier whose retention period ended, under a destruction
    /// list a leader approved (the records office of this system only).
    DestroyFiles {
        /// The approved list's id.
        list: String,
        /// The documents, by position.
        documents: Vec<usize>,
        /// The result's file too.
        result: bool,
    },
    /// Move an open dossier from a unit merged away to the unit that succeeds it (đơn vị kế
    /// thừa): where `from` received or resolves it, `into` does from now on.
    MoveToSuccessor {
        /// The unit merged away.
        from: AgencyCode,
        /// Its successor.
        into: AgencyCode,
    },
    /// Attach the draft of the result (dự thảo kết quả), an electronic file, for the leader to
    /// approve and sign; a later draft replaces it.
    DraftResult {
        /// The draft (its file is required).
        result: ResultRecord,
    },
    /// The result is ready.
    RecordResult {
        /// The result.
        result: ResultRecord,
    },
    /// The result was handed over, to the applicant or a representative.
    ReturnResult {
        /// Who collected it.
        collector: Collector,
    },
    /// Record the verdict on a digital signature (the signature service only).
    RecordSignatureCheck {
        /// The verdict.
        check: crate::dossier::SignatureCheck,
    },
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
    /// What kind of action this is, without its payload.
    pub fn action(&self) -> Action {
        match self {
            Self::SubmitOnline(_) => Action::SubmitOnline,
            Self::ReceiveAtCounter(_) => Action::ReceiveAtCounter,
            Self::OpenSubDossier { .. } => Action::OpenSubDossier,
            Self::Acknowledge => Action::Acknowledge,
            Self::RequestSupplement { .. } => Action::RequestSupplement,
            Self::SubmitSupplement { .. } => Action::SubmitSupplement,
            Self::Refuse { .. } => Action::Refuse,
            Self::Withdraw { .. } => Action::Withdraw,
            Self::Assign { .. } => Action::Assign,
            Self::CompleteStep { .. } => Action::CompleteStep,
            Self::ReturnToStep { .. } => Action::ReturnToStep,
            Self::TransferToAgency { .. } => Action::TransferToAgency,
            Self::RecordTaxNotice { .. } => Action::RecordTaxNotice,
            Self::RecordPayment { .. } => Action::RecordPayment,
            Self::Approve { .. } => Action::Approve,
            Self::Sign { .. } => Action::Sign,
            Self::DraftResult { .. } => Action::DraftResult,
            Self::DigitiseDocument { .. } => Action::DigitiseDocument,
            Self::DestroyFiles { .. } => Action::DestroyFiles,
            Self::MoveToSuccessor { .. } => Action::MoveToSuccessor,
            Self::RecordResult { .. } => Action::RecordResult,
            Self::ReturnResult { .. } => Action::ReturnResult,
            Self::RecordSignatureCheck { .. } => Action::RecordSignatureCheck,
            Self::ExtendWithApology { .. } => Action::ExtendWithApology,
            Self::Rate { .. } => Action::Rate,
        }
    }

    /// The stable name of the command (API paths, logs): its action's wire name.
    pub fn name(&self) -> &'static str {
        self.action().as_str()
    }
}

crate::wire_enum! {
    /// Another system that acts on a dossier on its own authority.
    pub enum ExternalSystem {
        /// The National Public Service Portal (Cổng Dịch vụ công quốc gia), relaying filings.
        NationalPortal = "dvcqg",
        /// The payment gateway, on its signed callback.
        PaymentGateway = "payment_gateway",
        /// The tax authority (cơ quan thuế), sending its notice of the financial obligation.
        TaxAuthority = "tax_authority",
        /// The State Treasury (Kho bạc Nhà nước), confirming an obligation was paid.
        Treasury = "treasury",
        /// The signature service: this system's verification of a digital signature against
        /// its trust anchors, the only source of a "signed" fact.
        SignatureService = "signature_service",
        /// The records office (lưu trữ cơ quan) of this system, carrying out a destruction list
        /// a leader approved.
        RecordsOffice = "records_office",
    }
}

impl ExternalSystem {
    /// The display name, as the control sheet prints it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::NationalPortal => "Cổng Dịch vụ công quốc gia",
            Self::PaymentGateway => "Cổng thanh toán",
            Self::TaxAuthority => "Cơ quan thuế",
            Self::Treasury => "Kho bạc Nhà nước",
            Self::SignatureService => "Dịch vụ xác thực chữ ký số",
            Self::RecordsOffice => "Lưu trữ cơ quan",
        }
    }

    /// The actor id its events are recorded under.
    pub fn actor_id(self) -> &'static str {
        match self {
            Self::NationalPortal => "system:dvcqg",
            Self::PaymentGateway => "system:payment-gateway",
            Self::TaxAuthority => "system:tax",
            Self::Treasury => "system:treasury",
            Self::SignatureService => "system:signatures",
            Self::RecordsOffice => "system:records-office",
        }
    }
}

/// In what capacity an actor acts: the decider's rules are written against this, never against
/// the absence of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum ActorKind {
    /// A staff member with a role.
    Staff(Role),
    /// The applicant (người nộp hồ sơ), signed in as themselves.
    Applicant,
    /// Another system, named.
    System(ExternalSystem),
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Account id (a staff account, a citizen's id number, or a system name).
    pub id: String,
    /// Display name.
    pub name: String,
    /// In what capacity.
    pub kind: ActorKind,
}

impl Actor {
    /// A staff member.
    pub fn staff(id: impl Into<String>, name: impl Into<String>, role: Role) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind: ActorKind::Staff(role),
        }
    }

    /// The applicant (their CCCD or tax code as the id).
    pub fn applicant(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind: ActorKind::Applicant,
        }
    }

    /// Whether this is the person with that id number acting as themselves (the citizen
    /// portal names its actors `citizen:<CCCD>`).
    pub fn is_person(&self, number: &str) -> bool {
        self.kind == ActorKind::Applicant
            && self.id.strip_prefix("citizen:").unwrap_or(&self.id) == number
    }

    /// Another system.
    pub fn system(system: ExternalSystem) -> Self {
        Self {
            id: system.actor_id().into(),
            name: system.label_vi().into(),
            kind: ActorKind::System(system),
        }
    }

    /// The staff role, for a staff member.
    pub fn role(&self) -> Option<Role> {
        match self.kind {
            ActorKind::Staff(r) => Some(r),
            ActorKind::Applicant | ActorKind::System(_) => None,
        }
    }

    /// A staff member with one of `roles`.
    pub fn is_staff_in(&self, roles: &[Role]) -> bool {
        self.role().is_some_and(|r| roles.contains(&r))
    }
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
