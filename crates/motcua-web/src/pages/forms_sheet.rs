//! The control sheet's rows (Mẫu 05, phiếu kiểm soát quá trình giải quyết hồ sơ): one per
//! hand-over — from which unit and person to which, when — with the outcome of the step just
//! handed over (trước hạn / đúng hạn / quá hạn, written by the side that receives it, as the
//! form's note says), each supplement round, and the return to the applicant.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use motcua_core::calendar::deadline::classify;
use motcua_core::catalog::{Procedure, StepKind, UnitSelector};
use motcua_core::dossier::{Collector, Dossier, ExternalSystem, StepRecord};

use super::when;
use crate::AppState;

/// One row of the sheet.
pub struct Handover {
    /// Its number on the sheet.
    pub n: usize,
    pub from_unit: String,
    pub to_unit: String,
    pub at: String,
    pub giver: String,
    pub receiver: String,
    /// Trước hạn / đúng hạn / quá hạn, or empty when the step had no budget.
    pub outcome: String,
    pub note: String,
    /// The row's sort key.
    at_utc: DateTime<Utc>,
}

/// The sheet: its rows, and the agencies that coordinate (cơ quan phối hợp).
pub struct Sheet {
    pub rows: Vec<Handover>,
    pub coordinating: String,
}

const APPLICANT: &str = "Tổ chức, cá nhân";

/// The rows of a dossier's control sheet.
pub async fn handovers(state: &AppState, d: &Dossier, names: &HashMap<String, String>) -> Sheet {
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await
        .ok();
    let desk = super::dossier::agency_name(state, &d.receiving_agency).await;
    let resolver = super::dossier::agency_name(state, &d.resolving_agency).await;
    let unit_of = |s: &StepRecord| -> String {
        let selector = procedure
            .as_deref()
            .and_then(|p: &Procedure| p.steps.get(s.index))
            .map(|st| st.unit.clone());
        match (s.kind, selector) {
            (StepKind::AwaitPayment, _) => APPLICANT.to_owned(),
            (StepKind::InterAgency, _) => ExternalSystem::TaxAuthority.label_vi().to_owned(),
            (_, Some(UnitSelector::Receiving)) => desk.clone(),
            (_, Some(UnitSelector::Kind(kind))) => super::catalog::agency_kind_label(&kind).into(),
            _ => resolver.clone(),
        }
    };
    let person = |id: &str| person_name(id, d, names);
    let mut rows = Vec::new();
    for pair in d.steps.windows(2) {
        let [before, after] = pair else { continue };
        rows.push(Handover {
            n: 0,
            from_unit: unit_of(before),
            to_unit: unit_of(after),
            at: when(after.started_at),
            giver: before
                .finished_by
                .as_deref()
                .map(&person)
                .unwrap_or_default(),
            receiver: after
                .assignee
                .as_ref()
                .map(|a| a.name.clone())
                .or_else(|| after.finished_by.as_deref().map(&person))
                .unwrap_or_default(),
            outcome: outcome(before),
            note: before.note.clone().unwrap_or_default(),
            at_utc: after.started_at,
        });
    }
    for (i, s) in d.supplements.iter().enumerate() {
        rows.push(Handover {
            n: 0,
            from_unit: resolver.clone(),
            to_unit: APPLICANT.to_owned(),
            at: when(s.requested_at),
            giver: person(&s.requested_by),
            receiver: d.applicant.name().to_owned(),
            outcome: String::new(),
            note: format!(
                "Yêu cầu bổ sung lần {} (Mẫu 02){}",
                i + 1,
                s.supplied_at
                    .map(|t| format!("; nhận bổ sung lúc {}", when(t)))
                    .unwrap_or_default()
            ),
            at_utc: s.requested_at,
        });
    }
    if let Some(at) = d.returned_at {
        let receiver = match &d.returned_to {
            Some(Collector::Representative { name, id_number }) => {
                format!("{name} (người được ủy quyền, giấy tờ {id_number})")
            }
            _ => d.applicant.name().to_owned(),
        };
        let giver = d
            .steps
            .last()
            .and_then(|s| s.finished_by.as_deref())
            .map(&person)
            .unwrap_or_default();
        rows.push(Handover {
            n: 0,
            from_unit: desk.clone(),
            to_unit: APPLICANT.to_owned(),
            at: when(at),
            giver,
            receiver,
            outcome: d
                .completion
                .map(|c| capitalised(c.label_vi()))
                .unwrap_or_default(),
            note: "Trả kết quả".to_owned(),
            at_utc: at,
        });
    }
    rows.sort_by_key(|r| r.at_utc);
    for (i, r) in rows.iter_mut().enumerate() {
        r.n = i + 1;
    }
    let coordinating = if d.steps.iter().any(|s| s.kind == StepKind::InterAgency) {
        ExternalSystem::TaxAuthority.label_vi().to_owned()
    } else {
        String::new()
    };
    Sheet { rows, coordinating }
}

/// How a finished step stood against its budget, for the receiving side to write down.
fn outcome(s: &StepRecord) -> String {
    match s.finished_at {
        Some(done) if s.budget_hours > 0 => capitalised(classify(done, s.due_at).label_vi()),
        _ => String::new(),
    }
}

fn capitalised(text: &str) -> String {
    super::fields::capitalised(text)
}

/// A person on the sheet: an officer by name, an external system by its name, the applicant.
fn person_name(id: &str, d: &Dossier, names: &HashMap<String, String>) -> String {
    if let Some(name) = names.get(id) {
        return name.clone();
    }
    if let Some(system) = ExternalSystem::ALL.iter().find(|s| s.actor_id() == id) {
        return system.label_vi().to_owned();
    }
    if id.starts_with("citizen:") {
        return d.applicant.name().to_owned();
    }
    id.to_owned()
}
