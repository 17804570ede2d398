//! Inter-agency requests (một cửa liên thông) a change owes other agencies. Today: when a land
//! dossier reaches its inter-agency step (every such step in the land catalogue is the tax
//! authority's "determine the financial obligation"), the land office sends the tax authority
//! the dossier's data; the notice comes back with the amounts, the applicant pays, and the
//! treasury's confirmation resumes the dossier.
//!
//! Must not: send anything (the dispatcher does) or decide the amounts (the tax authority does).

use serde_json::{Value, json};

use crate::dossier::{Applicant, Dossier, Event};
use crate::dvcqg::timestamp;

/// The requests to the tax authority that `events` (applied, giving `after`) call for.
/// Inter-agency sub-dossiers are handled at their own agency and ask nothing here.
pub fn tax_requests(after: &Dossier, events: &[Event]) -> Vec<Value> {
    if after.is_sub_dossier() {
        return Vec::new();
    }
    events
        .iter()
        .filter_map(|e| match e {
            Event::StepStarted { step } if step.kind == crate::catalog::StepKind::InterAgency => {
                Some(step)
            }
            _ => None,
        })
        .map(|step| {
            let (address, kind) = match &after.applicant {
                Applicant::Person { address, .. } => (address.as_str(), "ca_nhan"),
                Applicant::Organisation { address, .. } => (address.as_str(), "to_chuc"),
            };
            json!({
                "MaHoSo": after.code.as_str(),
                "MaTTHC": after.procedure.as_str(),
                "BuocXuLy": step.code,
                "NgayChuyen": timestamp(step.started_at),
                "CoQuanChuyen": after.resolving_agency.as_str(),
                "NguoiNopThue": {
                    "HoTen": after.applicant.name(),
                    "SoDinhDanh": after.applicant.number(),
                    "DiaChi": address,
                    "Loai": kind,
                },
                "LePhiThuTuc": after.fees.iter().map(|c| json!({"Ma": c.code, "Ten": c.name, "SoTien": c.amount})).collect::<Vec<_>>(),
            })
        })
        .collect()
}
