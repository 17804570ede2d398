//! The facts the province is graded on (DOMAIN.md §7, KPI.md §3–4) are recorded only with the
//! evidence that proves them, never on a caller's word:
//! - a document or a result is digitised (số hóa) only when its scan is attached;
//! - nothing is recorded as digitally signed (ký số) by a command: that flag belongs to the
//!   verification of a signature, an event of its own;
//! - a payment is online (thanh toán trực tuyến) exactly when the payment gateway or the
//!   treasury reports it in its signed callback: the command carries no such flag;
//! - an applicant's data came from the population registry (dữ liệu dân cư) only when the
//!   person files as themselves, signed in with VNeID, or the national portal relays a filing
//!   it identified: a desk or an API caller cannot say so.

use chrono::{DateTime, Utc};

use super::DossierError;
use crate::dossier::command::{Actor, ActorKind, ExternalSystem};
use crate::dossier::model::{Applicant, DossierDocument, ResultRecord};

const SIGNED: &str = "trạng thái \"đã ký số\" chỉ được ghi nhận khi hệ thống xác minh được chữ ký số, \
                      không do người gửi khai";

/// The documents' recorded facts have their evidence.
pub(super) fn documents(documents: &[DossierDocument]) -> Result<(), DossierError> {
    for d in documents {
        if d.digitised && d.file.is_none() {
            return Err(DossierError::Invalid(format!(
                "\"{}\": chỉ đánh dấu đã số hóa khi có bản quét đính kèm",
                d.name
            )));
        }
        if d.signed {
            return Err(DossierError::Invalid(format!("\"{}\": {SIGNED}", d.name)));
        }
    }
    Ok(())
}

/// The documents as recorded: each one with a scan is digitised, by the actor, now. A flag
/// without a scan was refused above; a scan without the flag is digitised all the same.
pub(super) fn stamped(
    documents: &[DossierDocument],
    by: &Actor,
    at: DateTime<Utc>,
) -> Vec<DossierDocument> {
    documents
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.digitised = d.file.is_some();
            // A reused document was digitised where it was first accepted (or issued), not by
            // whoever names it now.
            if d.digitised && d.reused_from.is_none() {
                d.digitised_by = Some(by.id.clone());
                d.digitised_at = Some(at);
            } else {
                d.digitised_by = None;
                d.digitised_at = None;
            }
            d
        })
        .collect()
}

/// At a desk, a component the catalogue marks "must be digitised" is received only with its
/// scan (the officer compares it with the paper and attaches it).
pub(super) fn must_digitise(
    documents: &[DossierDocument],
    procedure: &crate::catalog::Procedure,
) -> Result<(), DossierError> {
    let missing: Vec<&str> = documents
        .iter()
        .filter(|d| d.file.is_none())
        .filter(|d| {
            procedure
                .documents
                .iter()
                .any(|r| r.code == d.code && r.digitise)
        })
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DossierError::Invalid(format!(
            "thành phần phải số hóa khi tiếp nhận chưa có bản quét: {}",
            missing.join("; ")
        )))
    }
}

/// Population data is claimed only by who can prove it: the applicant signed in as
/// themselves (their e-ID sign-in looked them up in the registry) or the national portal.
pub(super) fn applicant(applicant: &Applicant, actor: &Actor) -> Result<(), DossierError> {
    let Applicant::Person {
        id,
        from_population_data: true,
        ..
    } = applicant
    else {
        return Ok(());
    };
    let proven = match actor.kind {
        ActorKind::Applicant => actor.is_person(id.as_str()),
        ActorKind::System(ExternalSystem::NationalPortal) => true,
        ActorKind::Staff(_) | ActorKind::System(_) => false,
    };
    if proven {
        Ok(())
    } else {
        Err(DossierError::Invalid(
            "\"dữ liệu từ CSDL dân cư\" chỉ được ghi nhận khi công dân tự nộp sau khi đăng nhập \
             VNeID hoặc Cổng DVCQG chuyển hồ sơ, không do người gửi khai"
                .into(),
        ))
    }
}

/// The result's recorded facts have their evidence.
pub(super) fn result(r: &ResultRecord) -> Result<(), DossierError> {
    if r.electronic && r.file.is_none() {
        return Err(DossierError::Invalid(
            "kết quả điện tử cần có tệp kết quả đính kèm".into(),
        ));
    }
    if r.signed {
        return Err(DossierError::Invalid(format!("kết quả: {SIGNED}")));
    }
    Ok(())
}

/// A payment is online exactly when the payment gateway or the treasury reports it (in its
/// signed callback, for an order this system made): no one else can say so.
pub(super) fn paid_online(actor: &ActorKind) -> bool {
    matches!(
        actor,
        ActorKind::System(ExternalSystem::PaymentGateway | ExternalSystem::Treasury)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Role;

    fn doc(file: Option<&str>, digitised: bool, signed: bool) -> DossierDocument {
        DossierDocument {
            code: "don".into(),
            name: "Đơn".into(),
            originals: 1,
            copies: 0,
            file: file.map(Into::into),
            digitised,
            reused_from: None,
            from_personal_store: false,
            signed,
            digitised_by: None,
            digitised_at: None,
            replaced_by: None,
        }
    }

    #[test]
    fn digitised_needs_a_scan() {
        assert!(documents(&[doc(None, true, false)]).is_err());
        assert!(documents(&[doc(Some("ab12"), true, false)]).is_ok());
        assert!(documents(&[doc(None, false, false)]).is_ok());
    }

    #[test]
    fn no_command_records_a_signature() {
        assert!(documents(&[doc(Some("ab12"), true, true)]).is_err());
        let r = |file: Option<&str>, electronic, signed| ResultRecord {
            name: "GCN".into(),
            file: file.map(Into::into),
            electronic,
            signed,
        };
        assert!(result(&r(Some("ab12"), true, true)).is_err());
        assert!(result(&r(None, true, false)).is_err());
        assert!(result(&r(Some("ab12"), true, false)).is_ok());
        assert!(result(&r(None, false, false)).is_ok());
    }

    #[test]
    fn online_payments_are_those_the_gateway_or_the_treasury_report() {
        assert!(!paid_online(&ActorKind::Staff(Role::DeskOfficer)));
        assert!(!paid_online(&ActorKind::Applicant));
        assert!(paid_online(&ActorKind::System(
            ExternalSystem::PaymentGateway
        )));
        assert!(paid_online(&ActorKind::System(ExternalSystem::Treasury)));
        assert!(!paid_online(&ActorKind::System(
            ExternalSystem::NationalPortal
        )));
    }

    fn person(from_population_data: bool) -> Applicant {
        Applicant::Person {
            id: crate::ids::CitizenId::parse("048085000123").unwrap(),
            name: "Nguyễn Thị Lan".into(),
            born: None,
            address: "Hải Châu".into(),
            phone: None,
            email: None,
            from_population_data,
        }
    }

    #[test]
    fn population_data_is_claimed_only_by_the_person_or_the_national_portal() {
        let herself = Actor::applicant("citizen:048085000123", "Nguyễn Thị Lan");
        let someone_else = Actor::applicant("048085000999", "Trần Văn B");
        let desk = Actor::staff("mc1", "Cán bộ", Role::DeskOfficer);
        let portal = Actor::system(ExternalSystem::NationalPortal);
        let gateway = Actor::system(ExternalSystem::PaymentGateway);
        assert!(applicant(&person(true), &herself).is_ok());
        assert!(applicant(&person(true), &portal).is_ok());
        let by_number = Actor::applicant("048085000123", "Nguyễn Thị Lan");
        assert!(applicant(&person(true), &by_number).is_ok());
        for actor in [&someone_else, &desk, &gateway] {
            assert!(applicant(&person(true), actor).is_err(), "{actor:?}");
            assert!(applicant(&person(false), actor).is_ok(), "{actor:?}");
        }
    }
}
