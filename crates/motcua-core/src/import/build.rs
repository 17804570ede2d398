//! A read record placed in our system: its id, our code, procedure and agencies, and the step
//! an open dossier continues at.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Legacy, Origin};
use crate::calendar::Appointment;
use crate::dossier::{
    Dossier, DossierDocument, DossierId, Payment, PaymentPurpose, Status, StepRecord, UnitMove,
};
use crate::ids::{AgencyCode, DossierCode, ProcedureCode};

/// Where a read record goes in our system (decided by the caller from the catalogue, the
/// units and the dossiers already imported).
#[derive(Debug, Clone)]
pub struct Placement {
    /// Its id ([`dossier_id`]).
    pub id: DossierId,
    /// Our code: the one it was given on its first import, or a new one.
    pub code: DossierCode,
    /// Our procedure.
    pub procedure: ProcedureCode,
    /// Its version now.
    pub procedure_version: u32,
    /// Its statutory time in working days.
    pub statutory_days: u32,
    /// Our receiving desk.
    pub receiving: AgencyCode,
    /// Our resolving agency.
    pub resolving: AgencyCode,
    /// For a dossier still being handled: the step it continues at here, unassigned.
    pub step: Option<StepRecord>,
    /// The units that succeed the receiving desk and the resolving agency when those were
    /// merged away here (sáp nhập): a dossier still being handled continues there, its
    /// figures staying with the units the record names.
    pub successors: (AgencyCode, AgencyCode),
    /// The source system's name.
    pub source: String,
    /// When it is imported.
    pub imported_at: DateTime<Utc>,
    /// Handled on the ministry's central system, held here for reports and lookup only
    /// (deployment option 2): no step to continue at.
    pub read_only: bool,
    /// The files the record names, read from the export's folder and stored: the
    /// document's position and the stored file's key.
    pub files: Vec<(usize, String)>,
}

/// The id of the dossier `code` from `source`: the same on every run (so a second run finds
/// it), and a UUIDv7 of the instant it was filed (so it sorts among ours by time). `key` is
/// the installation's secret: the lookup check is made from the id's last bytes
/// ([`crate::dossier::lookup_check`]), so they must not follow from the code alone.
pub fn dossier_id(key: &str, source: &str, code: &str, submitted_at: DateTime<Utc>) -> DossierId {
    let digest = Sha256::digest(format!("motcua-import:{key}:{source}:{code}").as_bytes());
    let millis = u64::try_from(submitted_at.timestamp_millis()).unwrap_or(0);
    let mut bytes = [0u8; 16];
    for (b, m) in bytes.iter_mut().zip(millis.to_be_bytes().iter().skip(2)) {
        *b = *m;
    }
    for (b, d) in bytes.iter_mut().skip(6).zip(digest.iter()) {
        *b = *d;
    }
    // RFC 9562 version 7 and the variant bits.
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x70;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    DossierId(uuid::Uuid::from_bytes(bytes))
}

/// The dossier a read record becomes. Its version is 0: the event that imports it counts.
pub fn build(l: &Legacy, p: Placement) -> Dossier {
    let open = !l.status.is_terminal() && l.status != Status::ResultReady;
    let appointment = l.due_at.map(Appointment::new);
    let completion = match (l.status, l.finished_at.or(l.returned_at), &appointment) {
        (Status::ResultReady | Status::Returned, Some(at), Some(a)) => Some(a.classify(at)),
        _ => None,
    };
    let documents = l
        .documents
        .iter()
        .enumerate()
        .map(|(i, (code, name))| {
            // A document whose scan came with the export is digitised: the file is the
            // evidence, stored and checked like a scan made at the desk.
            let file = p
                .files
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, k)| k.clone());
            DossierDocument {
                code: code.clone(),
                name: name.clone(),
                originals: 0,
                copies: 0,
                digitised: file.is_some(),
                digitised_by: file.as_ref().map(|_| p.source.clone()),
                digitised_at: file.as_ref().map(|_| p.imported_at),
                file,
                replaced_by: None,
                reused_from: None,
                from_personal_store: false,
                signed: false,
            }
        })
        .collect();
    let payments = l
        .payments
        .iter()
        .map(|x| Payment {
            reference: x.reference.clone(),
            purpose: PaymentPurpose::Fees,
            amount: x.amount,
            online: false,
            at: x.at,
        })
        .collect();
    let successors = p.successors.clone();
    let mut d = Dossier {
        id: p.id,
        signatures: Vec::new(),
        code: p.code,
        external_code: Some(l.code.clone()),
        origin_code: None,
        sub_dossiers: Vec::new(),
        procedure: p.procedure,
        procedure_version: p.procedure_version,
        statutory_days: p.statutory_days,
        channel: l.channel,
        receiving_agency: p.receiving.clone(),
        resolving_agency: p.resolving.clone(),
        applicant: l.applicant.clone(),
        documents,
        fees: l.fees.clone(),
        obligations: Vec::new(),
        tax_notice: None,
        payments,
        status: l.status,
        status_before_supplement: (l.status == Status::SupplementRequested)
            .then_some(Status::InProcess),
        steps: p
            .step
            .into_iter()
            .filter(|_| open && !p.read_only)
            .collect(),
        submitted_at: l.submitted_at,
        acknowledge_by: None,
        received_at: l.received_at,
        clock_start: l.received_at,
        appointment,
        pauses: Vec::new(),
        supplements: l.supplements.clone(),
        closing_reason: None,
        draft_result: None,
        result: l.results.first().cloned(),
        finished_at: l.finished_at,
        returned_at: l.returned_at,
        returned_to: None,
        completion,
        rating: None,
        destroyed: Vec::new(),
        land: None,
        moves: Vec::new(),
        imported: Some(Origin {
            source: p.source,
            imported_at: p.imported_at,
            local_code: l.local_code.clone(),
            procedure: l.procedure.clone(),
            receiving: l.receiving.clone(),
            resolving: l.resolving.clone(),
            claims: l.claims.clone(),
            digest: digest(l),
            version: 0,
            read_only: p.read_only,
        }),
        version: 0,
    };
    // Still being handled at units merged away here: it continues at their successors, its
    // figures staying with the units the record names (as a merger moves one of ours).
    // A result waiting at a desk merged away is returned at the successor's, as a merger
    // here moves it.
    let waiting = open || l.status == Status::ResultReady;
    if waiting && successors != (d.receiving_agency.clone(), d.resolving_agency.clone()) {
        d.moves.push(UnitMove {
            receiving: d.receiving_agency.clone(),
            resolving: d.resolving_agency.clone(),
            at: d
                .imported
                .as_ref()
                .map_or(d.submitted_at, |o| o.imported_at),
        });
        (d.receiving_agency, d.resolving_agency) = successors;
    }
    d
}

/// A digest of what a record says (a second run with the same digest changes nothing).
pub fn digest(l: &Legacy) -> String {
    let text = serde_json::to_string(l).unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The step a dossier still being handled continues at here: the procedure's first after
/// reception (the other system received it), started when it is imported and unassigned, so
/// it waits in the unit's queue like one just received. The record does not say how far the
/// other system had gone.
pub fn continue_at(
    p: &crate::catalog::Procedure,
    calendar: &crate::calendar::WorkCalendar,
    imported_at: DateTime<Utc>,
) -> Option<StepRecord> {
    let (index, step) = p
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.kind != crate::catalog::StepKind::Receive)?;
    let due_at = crate::calendar::deadline::advance(
        calendar,
        imported_at,
        crate::calendar::WorkDuration::hours(i64::from(step.budget_hours)),
    )
    .ok()?;
    Some(StepRecord::started(index, step, imported_at, due_at))
}
