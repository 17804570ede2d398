//! The dossier's state and the values it is made of. Every fact the KPIs, the forms and the
//! national portal sync need is kept here: channel, units, applicant, documents with their
//! digitised / reused / signed flags, fees and how they were paid, each step's officer,
//! start, budget and finish, pauses, due instants, completion class and rating.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Appointment, Completion};
use crate::catalog::{Channel, Role, StepKind};
use crate::ids::{AgencyCode, CitizenId, DossierCode, ProcedureCode, TaxCode};

/// A dossier's id: a UUIDv7 made by the caller (the core makes no random numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DossierId(pub uuid::Uuid);

crate::wire_enum! {
    /// Where a dossier stands (trạng thái hồ sơ).
    pub enum Status {
        /// Filed online, waiting for an officer to accept it (8 working hours).
        Submitted = "submitted",
        /// Accepted and being handled.
        InProcess = "in_process",
        /// The applicant was asked to supplement it (Mẫu 02).
        SupplementRequested = "supplement_requested",
        /// Waiting for the applicant to pay a financial obligation (the clock is stopped).
        AwaitingObligation = "awaiting_obligation",
        /// The result is ready to be returned (processing finished).
        ResultReady = "result_ready",
        /// The result was returned.
        Returned = "returned",
        /// Refused after acceptance (Mẫu 03).
        Refused = "refused",
        /// An online dossier that was not accepted.
        NotAccepted = "not_accepted",
        /// Withdrawn, or stopped at the applicant's request.
        Withdrawn = "withdrawn",
    }
}

impl Status {
    /// Whether handling is over: nothing but a rating can follow.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Returned | Self::Refused | Self::NotAccepted | Self::Withdrawn
        )
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Chờ tiếp nhận",
            Self::InProcess => "Đang giải quyết",
            Self::SupplementRequested => "Chờ bổ sung hồ sơ",
            Self::AwaitingObligation => "Chờ thực hiện nghĩa vụ tài chính",
            Self::ResultReady => "Đã có kết quả, chờ trả",
            Self::Returned => "Đã trả kết quả",
            Self::Refused => "Từ chối giải quyết",
            Self::NotAccepted => "Không tiếp nhận",
            Self::Withdrawn => "Đã rút / dừng giải quyết",
        }
    }
}

/// Who filed the dossier (chủ hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Applicant {
    /// A person, identified by their personal identification number.
    Person {
        /// Personal identification number (CCCD).
        id: CitizenId,
        /// Full name.
        name: String,
        /// Date of birth, if known (checked against the id).
        born: Option<NaiveDate>,
        /// Address.
        address: String,
        /// Phone number for notifications.
        phone: Option<String>,
        /// E-mail for notifications.
        email: Option<String>,
        /// Whether identity and data came from VNeID / the population registry.
        from_population_data: bool,
    },
    /// An organisation, identified by its tax code.
    Organisation {
        /// Tax code.
        tax_code: TaxCode,
        /// Name.
        name: String,
        /// Address.
        address: String,
        /// Legal representative.
        representative: String,
        /// Phone number.
        phone: Option<String>,
        /// E-mail.
        email: Option<String>,
    },
}

impl Applicant {
    /// The applicant's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Person { name, .. } | Self::Organisation { name, .. } => name,
        }
    }

    /// The identifying number (CCCD or tax code).
    pub fn number(&self) -> &str {
        match self {
            Self::Person { id, .. } => id.as_str(),
            Self::Organisation { tax_code, .. } => tax_code.as_str(),
        }
    }
}

/// A document in the dossier (thành phần hồ sơ đã nộp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierDocument {
    /// The required document it answers (its code in the procedure), or "khac".
    pub code: String,
    /// Name.
    pub name: String,
    /// Originals received.
    pub originals: u32,
    /// Copies received.
    pub copies: u32,
    /// Content hash of the stored file, if there is one.
    pub file: Option<String>,
    /// Digitised by the desk or filed electronically (số hóa): exactly when its scan is
    /// attached.
    pub digitised: bool,
    /// Who attached the scan (the officer who compared it with the paper, or the applicant
    /// who filed it electronically).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digitised_by: Option<String>,
    /// When the scan was attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digitised_at: Option<DateTime<Utc>>,
    /// A supplement brought a newer version of this component: its position. The older one is
    /// kept, as the record of what was first filed, but no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<usize>,
    /// Reused from a document already accepted (the dossier code or store id it came from).
    pub reused_from: Option<String>,
    /// Taken from the applicant's personal data store.
    pub from_personal_store: bool,
    /// Digitally signed or certified e-copy.
    pub signed: bool,
}

/// An amount due: a procedure fee or a financial obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// Code (fee code, or `tien-su-dung-dat`, `le-phi-truoc-ba`, `thue-tncn`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Amount in đồng.
    pub amount: i64,
}

/// A payment received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The payment's reference (gateway transaction or receipt number); unique per dossier.
    pub reference: String,
    /// What it pays: `fees` or `obligation`.
    pub purpose: PaymentPurpose,
    /// Amount in đồng.
    pub amount: i64,
    /// Paid online (thanh toán trực tuyến).
    pub online: bool,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

crate::wire_enum! {
    /// What a payment is for.
    pub enum PaymentPurpose {
        /// The procedure's charges and fees.
        Fees = "fees",
        /// The financial obligation in the tax notice.
        Obligation = "obligation",
    }
}

/// A named officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    /// Account id.
    pub id: String,
    /// Full name, as printed on the control sheet.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub agency: AgencyCode,
}

/// One pass through a step of the internal process (a row of the control sheet, Mẫu 05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Position of the step in the procedure.
    pub index: usize,
    /// Step code.
    pub code: String,
    /// Step name.
    pub name: String,
    /// Step kind.
    pub kind: StepKind,
    /// Role that performs it.
    pub role: Role,
    /// Officer assigned, if any.
    pub assignee: Option<Officer>,
    /// When the step started.
    pub started_at: DateTime<Utc>,
    /// Time budget in working hours.
    pub budget_hours: u32,
    /// When the budget runs out.
    pub due_at: DateTime<Utc>,
    /// When the step finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Who finished it.
    pub finished_by: Option<String>,
    /// Remarks.
    pub note: Option<String>,
}

impl StepRecord {
    /// Step `index` of a procedure, started at `at`, unassigned, due at `due_at`.
    pub fn started(
        index: usize,
        step: &crate::catalog::Step,
        at: DateTime<Utc>,
        due_at: DateTime<Utc>,
    ) -> Self {
        Self {
            index,
            code: step.code.clone(),
            name: step.name.clone(),
            kind: step.kind,
            role: step.role,
            assignee: None,
            started_at: at,
            budget_hours: step.budget_hours,
            due_at,
            finished_at: None,
            finished_by: None,
            note: None,
        }
    }
}

crate::wire_enum! {
    /// Why the clock stopped.
    pub enum PauseKind {
        /// Waiting for a supplement (the time restarts from zero when it comes back).
        Supplement = "supplement",
        /// Another agency is determining something (tax notice).
        InterAgency = "inter_agency",
        /// Waiting for the applicant to pay a financial obligation.
        FinancialObligation = "financial_obligation",
    }
}

/// A clock stop, open while `to` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseRecord {
    /// Why.
    pub kind: PauseKind,
    /// Start.
    pub from: DateTime<Utc>,
    /// End.
    pub to: Option<DateTime<Utc>>,
}

/// A supplement request (Mẫu 02) and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRound {
    /// What is missing, item by item.
    pub missing: Vec<String>,
    /// Why.
    pub reason: String,
    /// Officer who asked.
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Due instant before the request.
    pub due_before: Option<DateTime<Utc>>,
    /// When the supplement came.
    pub supplied_at: Option<DateTime<Utc>>,
    /// Due instant after it.
    pub due_after: Option<DateTime<Utc>>,
}

/// The result document (kết quả giải quyết).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRecord {
    /// Name or number of the result.
    pub name: String,
    /// Content hash of the stored file.
    pub file: Option<String>,
    /// Issued electronically (kết quả điện tử).
    pub electronic: bool,
    /// Digitally signed.
    pub signed: bool,
}

/// Who collected the result at the desk (người nhận kết quả): the applicant, or someone on
/// their behalf whose identity paper the officer saw. The receipt book (Mẫu 06) names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Collector {
    /// The applicant (or the organisation's representative on file) in person.
    Applicant,
    /// Another person, authorised by the applicant.
    Representative {
        /// Their full name.
        name: String,
        /// The number of the identity paper shown (CCCD, passport).
        id_number: String,
    },
}

crate::wire_enum! {
    /// A satisfaction rating (mức độ hài lòng).
    pub enum Satisfaction {
        /// Rất hài lòng.
        VerySatisfied = "very_satisfied",
        /// Hài lòng.
        Satisfied = "satisfied",
        /// Không hài lòng.
        Unsatisfied = "unsatisfied",
    }
}

impl Satisfaction {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::VerySatisfied => "Rất hài lòng",
            Self::Satisfied => "Hài lòng",
            Self::Unsatisfied => "Không hài lòng",
        }
    }
}

/// A dossier: the state every event has built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    /// Id.
    pub id: DossierId,
    /// The verdicts on digital signatures checked, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<crate::dossier::SignatureCheck>,
    /// Dossier code.
    pub code: DossierCode,
    /// A code another system gave it (e.g. the national portal's).
    pub external_code: Option<String>,
    /// For an inter-agency sub-dossier: its origin's code.
    pub origin_code: Option<DossierCode>,
    /// Sub-dossiers opened at other agencies.
    pub sub_dossiers: Vec<DossierCode>,
    /// Procedure code.
    pub procedure: ProcedureCode,
    /// Procedure version it was received under.
    pub procedure_version: u32,
    /// Statutory time in working days, remote-commune extra included.
    pub statutory_days: u32,
    /// How it came in.
    pub channel: Channel,
    /// The desk that received it (any desk in the province).
    pub receiving_agency: AgencyCode,
    /// The agency competent to resolve it.
    pub resolving_agency: AgencyCode,
    /// Applicant.
    pub applicant: Applicant,
    /// Documents.
    pub documents: Vec<DossierDocument>,
    /// Procedure charges and fees due.
    pub fees: Vec<Charge>,
    /// Financial obligation from the tax notice.
    pub obligations: Vec<Charge>,
    /// Tax notice number.
    pub tax_notice: Option<String>,
    /// Payments.
    pub payments: Vec<Payment>,
    /// Where it stands.
    pub status: Status,
    /// Status before a supplement request, to go back to.
    pub status_before_supplement: Option<Status>,
    /// Passes through the internal process, in order.
    pub steps: Vec<StepRecord>,
    /// When it was filed (online) or received (counter).
    pub submitted_at: DateTime<Utc>,
    /// When an online dossier must be accepted by.
    pub acknowledge_by: Option<DateTime<Utc>>,
    /// When it was accepted (the receipt instant on Mẫu 01).
    pub received_at: Option<DateTime<Utc>>,
    /// When the statutory clock last (re)started.
    pub clock_start: Option<DateTime<Utc>>,
    /// Due instants.
    pub appointment: Option<Appointment>,
    /// Clock stops.
    pub pauses: Vec<PauseRecord>,
    /// Supplement rounds.
    pub supplements: Vec<SupplementRound>,
    /// Refusal or withdrawal reasons.
    pub closing_reason: Option<String>,
    /// The draft result (dự thảo kết quả) prepared for approval and signature; once signed,
    /// its file becomes the result's when the result is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_result: Option<ResultRecord>,
    /// Result.
    pub result: Option<ResultRecord>,
    /// When handling finished (result ready, refused, withdrawn).
    pub finished_at: Option<DateTime<Utc>>,
    /// When the result was returned.
    pub returned_at: Option<DateTime<Utc>>,
    /// Who collected it (unknown for results returned before this was recorded).
    #[serde(default)]
    pub returned_to: Option<Collector>,
    /// Early / on time / late.
    pub completion: Option<Completion>,
    /// Rating.
    pub rating: Option<Satisfaction>,
    /// Files destroyed once their retention period ended (tiêu hủy tài liệu hết giá trị),
    /// each by an approved destruction list; their hashes stay in the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destroyed: Vec<Destruction>,
    /// The certificate a land dossier concerns (sổ địa chính), when filed with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land: Option<crate::land::LandRef>,
    /// Where it came from, when it was imported from another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<crate::import::Origin>,
    /// The units it had before each move to a merged unit's successor, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<UnitMove>,
    /// Number of events applied (the optimistic-concurrency version).
    pub version: u64,
}

/// The units a dossier had until it was moved to a merged unit's successor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitMove {
    /// The receiving desk until then.
    pub receiving: AgencyCode,
    /// The resolving unit until then.
    pub resolving: AgencyCode,
    /// When it moved.
    pub at: DateTime<Utc>,
}

/// Files of a finished dossier destroyed under one approved destruction list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destruction {
    /// The list (danh mục tài liệu hết giá trị) a leader approved.
    pub list: String,
    /// The documents destroyed, by position.
    pub documents: Vec<usize>,
    /// The result's file too.
    pub result: bool,
    /// When.
    pub at: DateTime<Utc>,
}

impl Dossier {
    /// The receiving desk and the resolving unit it had when received: where its figures
    /// count (a later move to a merged unit's successor leaves the history as it was).
    pub fn first_units(&self) -> (&AgencyCode, &AgencyCode) {
        self.moves
            .first()
            .map_or((&self.receiving_agency, &self.resolving_agency), |m| {
                (&m.receiving, &m.resolving)
            })
    }

    /// The destruction that removed document `index`'s file, if one did.
    pub fn document_destroyed(&self, index: usize) -> Option<&Destruction> {
        self.destroyed.iter().find(|x| x.documents.contains(&index))
    }

    /// Document `index`'s file, unless it has none or it was destroyed.
    pub fn document_file(&self, index: usize) -> Option<&str> {
        if self.document_destroyed(index).is_some() {
            return None;
        }
        self.documents.get(index)?.file.as_deref()
    }

    /// The result's file, unless it has none or it was destroyed.
    pub fn result_file(&self) -> Option<&str> {
        if self.result_destroyed().is_some() {
            return None;
        }
        self.result.as_ref()?.file.as_deref()
    }

    /// The draft result's file, unless the result was destroyed (the signed draft is the
    /// result's file, gone with it).
    pub fn draft_file(&self) -> Option<&str> {
        if self.result_destroyed().is_some() {
            return None;
        }
        self.draft_result.as_ref()?.file.as_deref()
    }

    /// The destruction that removed the result's file, if one did.
    pub fn result_destroyed(&self) -> Option<&Destruction> {
        self.destroyed.iter().find(|x| x.result)
    }

    /// Whether `actor` may open the scan of document `index`: anyone who sees the dossier may,
    /// unless the catalogue restricts its type (`confidential`); then only leaders and the
    /// officers who handle this dossier (assigned to or finished one of its steps: the desk
    /// that received it finished the first) do.
    pub fn may_open_document(
        &self,
        index: usize,
        procedure: &crate::catalog::Procedure,
        actor: &crate::dossier::Actor,
    ) -> bool {
        let Some(doc) = self.documents.get(index) else {
            return false;
        };
        let restricted = procedure
            .documents
            .iter()
            .any(|r| r.code == doc.code && r.confidential);
        if !restricted {
            return true;
        }
        let id = actor.id.as_str();
        actor.role() == Some(crate::catalog::Role::Leader)
            || self.steps.iter().any(|s| {
                s.assignee.as_ref().is_some_and(|a| a.id == id)
                    || s.finished_by.as_deref() == Some(id)
            })
    }

    /// The step being worked on.
    pub fn current_step(&self) -> Option<&StepRecord> {
        self.steps.last().filter(|s| s.finished_at.is_none())
    }

    /// The open clock stop, if any.
    pub fn open_pause(&self) -> Option<&PauseRecord> {
        self.pauses.iter().rev().find(|p| p.to.is_none())
    }

    /// Amount paid for a purpose.
    pub fn paid(&self, purpose: PaymentPurpose) -> i64 {
        self.payments
            .iter()
            .filter(|p| p.purpose == purpose)
            .map(|p| p.amount)
            .sum()
    }

    /// Whether this is an inter-agency sub-dossier (never counted as a citizen request).
    pub fn is_sub_dossier(&self) -> bool {
        self.origin_code.is_some()
    }
}
