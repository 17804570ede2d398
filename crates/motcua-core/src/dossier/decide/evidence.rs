//! The facts the province is graded on (DOMAIN.md §7, KPI.md §3–4) are recorded only with the
//! evidence that proves them, never on a caller's word:
//! - a document or a result is digitised (số hóa) only when its scan is attached;
//! - nothing is recorded as digitally signed (ký số) by a command: that flag belongs to the
//!   verification of a signature, an event of its own;
//! - a payment is online (thanh toán trực tuyến) only when the payment gateway or the treasury
//!   reports it in its signed callback.

use super::DossierError;
use crate::dossier::command::{ActorKind, ExternalSystem};
use crate::dossier::model::{DossierDocument, ResultRecord};

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

/// Only the gateway's and the treasury's callbacks report a payment made online.
pub(super) fn payment(online: bool, actor: &ActorKind) -> Result<(), DossierError> {
    let reported_by_gateway = matches!(
        actor,
        ActorKind::System(ExternalSystem::PaymentGateway | ExternalSystem::Treasury)
    );
    if online && !reported_by_gateway {
        return Err(DossierError::Forbidden(
            "thanh toán trực tuyến chỉ được ghi nhận từ thông báo có chữ ký của cổng thanh toán \
             hoặc Kho bạc"
                .into(),
        ));
    }
    Ok(())
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
    fn online_payments_come_from_the_gateway_or_the_treasury() {
        let desk = ActorKind::Staff(Role::DeskOfficer);
        assert!(payment(true, &desk).is_err());
        assert!(payment(false, &desk).is_ok());
        assert!(payment(true, &ActorKind::Applicant).is_err());
        assert!(payment(true, &ActorKind::System(ExternalSystem::PaymentGateway)).is_ok());
        assert!(payment(true, &ActorKind::System(ExternalSystem::Treasury)).is_ok());
        assert!(payment(true, &ActorKind::System(ExternalSystem::NationalPortal)).is_err());
    }
}
