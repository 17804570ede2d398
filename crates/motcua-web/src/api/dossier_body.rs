//! The dossier as the REST API answers it: its own types, apart from the domain's, so the
//! domain's state can change (a field added for the land register, a type renamed) without
//! changing what clients receive by accident. Every field is copied here by name; the OpenAPI
//! document describes these types, and an insta snapshot pins the JSON.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::calendar::Appointment;
use motcua_core::calendar::deadline::Extension;
use motcua_core::dossier::{
    Applicant, Charge, Dossier, DossierDocument, Officer, PauseRecord, Payment, ResultRecord,
    StepRecord, SupplementRound,
};
use serde::Serialize;

/// A dossier.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierBody {
    /// Id (UUID).
    pub id: String,
    /// Dossier code (`<agency>-YYMMDD-NNNN`).
    pub code: String,
    /// The check printed on the receipt: the public lookup needs it with the code.
    pub lookup_check: String,
    /// Another system's code.
    pub external_code: Option<String>,
    /// The origin's code, for an inter-agency sub-dossier.
    pub origin_code: Option<String>,
    /// Sub-dossiers opened at other agencies.
    pub sub_dossiers: Vec<String>,
    /// Procedure code.
    pub procedure: String,
    /// Procedure version.
    pub procedure_version: u32,
    /// Statutory time in working days.
    pub statutory_days: u32,
    /// `counter`, `online`, `post` or `national_portal`.
    pub channel: &'static str,
    /// The receiving desk.
    pub receiving_agency: String,
    /// The resolving agency.
    pub resolving_agency: String,
    /// The applicant.
    pub applicant: ApplicantOut,
    /// Documents received.
    pub documents: Vec<DocumentOut>,
    /// Fees.
    pub fees: Vec<ChargeOut>,
    /// Financial obligations from the tax notice.
    pub obligations: Vec<ChargeOut>,
    /// Tax notice number.
    pub tax_notice: Option<String>,
    /// Payments received.
    pub payments: Vec<PaymentOut>,
    /// Status.
    pub status: &'static str,
    /// The status a supplement request interrupted.
    pub status_before_supplement: Option<&'static str>,
    /// Steps so far (the control sheet, Mẫu 05).
    pub steps: Vec<StepOut>,
    /// The system the dossier is handled on, when that is not this one (deployment option 2,
    /// the ministry's central system): it is read-only here and every command is refused.
    pub handled_on: Option<String>,
    /// Filed.
    pub submitted_at: DateTime<Utc>,
    /// An online dossier must be accepted by then.
    pub acknowledge_by: Option<DateTime<Utc>>,
    /// Received (accepted).
    pub received_at: Option<DateTime<Utc>>,
    /// When the processing time started.
    pub clock_start: Option<DateTime<Utc>>,
    /// Due instants.
    pub appointment: Option<AppointmentOut>,
    /// Clock stops.
    pub pauses: Vec<PauseOut>,
    /// Supplement rounds (Mẫu 02).
    pub supplements: Vec<SupplementOut>,
    /// Why handling ended (refusal, withdrawal).
    pub closing_reason: Option<String>,
    /// The result.
    pub result: Option<ResultOut>,
    /// Processing finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Returned to the applicant.
    pub returned_at: Option<DateTime<Utc>>,
    /// Who collected the result (absent before it was recorded).
    pub returned_to: Option<CollectorOut>,
    /// `early`, `on_time` or `late`.
    pub completion: Option<&'static str>,
    /// `very_satisfied`, `satisfied` or `unsatisfied`.
    pub rating: Option<&'static str>,
    /// Version (the ETag).
    pub version: u64,
}

/// The applicant.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ApplicantOut {
    /// A person.
    Person {
        /// CCCD.
        id: String,
        /// Full name.
        name: String,
        /// Date of birth.
        born: Option<NaiveDate>,
        /// Address.
        address: String,
        /// Phone.
        phone: Option<String>,
        /// E-mail.
        email: Option<String>,
        /// Identity and data from VNeID / the population registry.
        from_population_data: bool,
    },
    /// An organisation.
    Organisation {
        /// Tax code.
        tax_code: String,
        /// Name.
        name: String,
        /// Address.
        address: String,
        /// Legal representative.
        representative: String,
        /// Phone.
        phone: Option<String>,
        /// E-mail.
        email: Option<String>,
    },
}

/// A document received.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentOut {
    /// The required document's code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Originals.
    pub originals: u32,
    /// Copies.
    pub copies: u32,
    /// Content hash of the scan.
    pub file: Option<String>,
    /// Digitised: its scan is attached.
    pub digitised: bool,
    /// Who attached the scan (account id, or the applicant's number when filed online).
    pub digitised_by: Option<String>,
    /// When the scan was attached.
    pub digitised_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A supplement replaced it: the newer version's position (the older one is kept).
    pub replaced_by: Option<usize>,
    /// Reused from.
    pub reused_from: Option<String>,
    /// From the applicant's data store.
    pub from_personal_store: bool,
    /// Digitally signed.
    pub signed: bool,
}

/// An amount due.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChargeOut {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Amount in đồng.
    pub amount: i64,
}

/// A payment received.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentOut {
    /// Reference.
    pub reference: String,
    /// `fees` or `obligation`.
    pub purpose: &'static str,
    /// Amount in đồng.
    pub amount: i64,
    /// Paid online (recorded from the gateway's or the treasury's signed message).
    pub online: bool,
    /// Recorded.
    pub at: DateTime<Utc>,
}

/// An officer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfficerOut {
    /// Account id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: &'static str,
    /// Agency.
    pub agency: String,
}

/// One pass through a step.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StepOut {
    /// Position in the procedure.
    pub index: usize,
    /// Step code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: &'static str,
    /// Role.
    pub role: &'static str,
    /// Officer assigned.
    pub assignee: Option<OfficerOut>,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Budget in working hours.
    pub budget_hours: u32,
    /// Budget runs out.
    pub due_at: DateTime<Utc>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Finished by (account id).
    pub finished_by: Option<String>,
    /// Remarks.
    pub note: Option<String>,
}

/// Who collected a result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CollectorOut {
    /// `applicant` or `representative`.
    pub collected_by: &'static str,
    /// The representative's name.
    pub name: Option<String>,
    /// The identity paper the representative showed.
    pub id_number: Option<String>,
}

impl From<&motcua_core::dossier::Collector> for CollectorOut {
    fn from(c: &motcua_core::dossier::Collector) -> Self {
        match c {
            motcua_core::dossier::Collector::Applicant => Self {
                collected_by: "applicant",
                name: None,
                id_number: None,
            },
            motcua_core::dossier::Collector::Representative { name, id_number } => Self {
                collected_by: "representative",
                name: Some(name.clone()),
                id_number: Some(id_number.clone()),
            },
        }
    }
}

/// Due instants.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppointmentOut {
    /// The statutory due instant (pauses included; what on time is judged by).
    pub statutory_due: DateTime<Utc>,
    /// The appointment the applicant was given (moved by an apology).
    pub current_due: DateTime<Utc>,
    /// The apology and new date (Mẫu 04).
    pub extension: Option<ExtensionOut>,
}

/// An apology with a new date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExtensionOut {
    /// The due instant before.
    pub previous_due: DateTime<Utc>,
    /// The new one.
    pub new_due: DateTime<Utc>,
    /// The reason for the delay.
    pub reason: String,
}

/// A clock stop.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PauseOut {
    /// `supplement`, `inter_agency` or `financial_obligation`.
    pub kind: &'static str,
    /// From.
    pub from: DateTime<Utc>,
    /// To (open while null).
    pub to: Option<DateTime<Utc>>,
}

/// A supplement round.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SupplementOut {
    /// What is missing.
    pub missing: Vec<String>,
    /// Why.
    pub reason: String,
    /// Who asked.
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

/// The result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultOut {
    /// Name or number.
    pub name: String,
    /// Content hash of the file.
    pub file: Option<String>,
    /// Issued electronically.
    pub electronic: bool,
    /// Digitally signed.
    pub signed: bool,
}

impl From<&Dossier> for DossierBody {
    fn from(d: &Dossier) -> Self {
        Self {
            id: d.id.0.to_string(),
            code: d.code.to_string(),
            lookup_check: motcua_core::dossier::lookup_check(d.id),
            external_code: d.external_code.clone(),
            origin_code: d.origin_code.as_ref().map(ToString::to_string),
            sub_dossiers: d.sub_dossiers.iter().map(ToString::to_string).collect(),
            procedure: d.procedure.to_string(),
            procedure_version: d.procedure_version,
            statutory_days: d.statutory_days,
            channel: d.channel.as_str(),
            receiving_agency: d.receiving_agency.to_string(),
            resolving_agency: d.resolving_agency.to_string(),
            applicant: (&d.applicant).into(),
            documents: d.documents.iter().map(Into::into).collect(),
            fees: d.fees.iter().map(Into::into).collect(),
            obligations: d.obligations.iter().map(Into::into).collect(),
            tax_notice: d.tax_notice.clone(),
            payments: d.payments.iter().map(Into::into).collect(),
            status: d.status.as_str(),
            status_before_supplement: d.status_before_supplement.map(|s| s.as_str()),
            steps: d.steps.iter().map(Into::into).collect(),
            handled_on: d
                .imported
                .as_ref()
                .filter(|o| o.read_only)
                .map(|o| o.source.clone()),
            submitted_at: d.submitted_at,
            acknowledge_by: d.acknowledge_by,
            received_at: d.received_at,
            clock_start: d.clock_start,
            appointment: d.appointment.as_ref().map(Into::into),
            pauses: d.pauses.iter().map(Into::into).collect(),
            supplements: d.supplements.iter().map(Into::into).collect(),
            closing_reason: d.closing_reason.clone(),
            result: d.result.as_ref().map(Into::into),
            finished_at: d.finished_at,
            returned_at: d.returned_at,
            returned_to: d.returned_to.as_ref().map(Into::into),
            completion: d.completion.map(|c| c.as_str()),
            rating: d.rating.map(|r| r.as_str()),
            version: d.version,
        }
    }
}

impl From<&Applicant> for ApplicantOut {
    fn from(a: &Applicant) -> Self {
        match a {
            Applicant::Person {
                id,
                name,
                born,
                address,
                phone,
                email,
                from_population_data,
            } => Self::Person {
                id: id.to_string(),
                name: name.clone(),
                born: *born,
                address: address.clone(),
                phone: phone.clone(),
                email: email.clone(),
                from_population_data: *from_population_data,
            },
            Applicant::Organisation {
                tax_code,
                name,
                address,
                representative,
                phone,
                email,
            } => Self::Organisation {
                tax_code: tax_code.to_string(),
                name: name.clone(),
                address: address.clone(),
                representative: representative.clone(),
                phone: phone.clone(),
                email: email.clone(),
            },
        }
    }
}

impl From<&DossierDocument> for DocumentOut {
    fn from(d: &DossierDocument) -> Self {
        Self {
            code: d.code.clone(),
            name: d.name.clone(),
            originals: d.originals,
            copies: d.copies,
            file: d.file.clone(),
            digitised: d.digitised,
            digitised_by: d.digitised_by.clone(),
            digitised_at: d.digitised_at,
            replaced_by: d.replaced_by,
            reused_from: d.reused_from.clone(),
            from_personal_store: d.from_personal_store,
            signed: d.signed,
        }
    }
}

impl From<&Charge> for ChargeOut {
    fn from(c: &Charge) -> Self {
        Self {
            code: c.code.clone(),
            name: c.name.clone(),
            amount: c.amount,
        }
    }
}

impl From<&Payment> for PaymentOut {
    fn from(p: &Payment) -> Self {
        Self {
            reference: p.reference.clone(),
            purpose: p.purpose.as_str(),
            amount: p.amount,
            online: p.online,
            at: p.at,
        }
    }
}

impl From<&Officer> for OfficerOut {
    fn from(o: &Officer) -> Self {
        Self {
            id: o.id.clone(),
            name: o.name.clone(),
            role: o.role.as_str(),
            agency: o.agency.to_string(),
        }
    }
}

impl From<&StepRecord> for StepOut {
    fn from(s: &StepRecord) -> Self {
        Self {
            index: s.index,
            code: s.code.clone(),
            name: s.name.clone(),
            kind: s.kind.as_str(),
            role: s.role.as_str(),
            assignee: s.assignee.as_ref().map(Into::into),
            started_at: s.started_at,
            budget_hours: s.budget_hours,
            due_at: s.due_at,
            finished_at: s.finished_at,
            finished_by: s.finished_by.clone(),
            note: s.note.clone(),
        }
    }
}

impl From<&Appointment> for AppointmentOut {
    fn from(a: &Appointment) -> Self {
        Self {
            statutory_due: a.statutory_due,
            current_due: a.current_due,
            extension: a.extension.as_ref().map(|e: &Extension| ExtensionOut {
                previous_due: e.previous_due,
                new_due: e.new_due,
                reason: e.reason.clone(),
            }),
        }
    }
}

impl From<&PauseRecord> for PauseOut {
    fn from(p: &PauseRecord) -> Self {
        Self {
            kind: p.kind.as_str(),
            from: p.from,
            to: p.to,
        }
    }
}

impl From<&SupplementRound> for SupplementOut {
    fn from(r: &SupplementRound) -> Self {
        Self {
            missing: r.missing.clone(),
            reason: r.reason.clone(),
            requested_by: r.requested_by.clone(),
            requested_at: r.requested_at,
            due_before: r.due_before,
            supplied_at: r.supplied_at,
            due_after: r.due_after,
        }
    }
}

impl From<&ResultRecord> for ResultOut {
    fn from(r: &ResultRecord) -> Self {
        Self {
            name: r.name.clone(),
            file: r.file.clone(),
            electronic: r.electronic,
            signed: r.signed,
        }
    }
}
