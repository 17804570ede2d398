//! Money: the tax authority's notice of the financial obligation, payments of fees and of the
//! obligation, and the obligation settled (which resumes a dossier waiting for it).

use super::{DossierError, Run};
use crate::catalog::StepKind;
use crate::dossier::event::Event;
use crate::dossier::model::{Charge, Dossier, Payment, PaymentPurpose, Status};

impl Run<'_> {
    pub(super) fn record_tax_notice(
        &mut self,
        notice: &str,
        obligations: &[Charge],
    ) -> Result<(), DossierError> {
        if obligations.iter().any(|c| c.amount < 0) {
            return Err(DossierError::Invalid(
                "số tiền nghĩa vụ tài chính không được âm".into(),
            ));
        }
        self.emit(Event::TaxNoticeRecorded {
            notice: notice.to_owned(),
            obligations: obligations.to_vec(),
        })?;
        self.settle_if_paid()?;
        self.complete_current(None)
    }

    pub(super) fn record_payment(
        &mut self,
        d: &Dossier,
        reference: &str,
        purpose: PaymentPurpose,
        amount: i64,
    ) -> Result<(), DossierError> {
        if amount <= 0 || reference.trim().is_empty() {
            return Err(DossierError::Invalid(
                "khoản thanh toán cần số tiền dương và mã tham chiếu".into(),
            ));
        }
        if d.payments.iter().any(|p| p.reference == reference) {
            return Err(DossierError::DuplicatePayment(reference.to_owned()));
        }
        if purpose == PaymentPurpose::Obligation && d.tax_notice.is_none() {
            return Err(DossierError::Invalid(
                "chưa có thông báo nghĩa vụ tài chính".into(),
            ));
        }
        self.emit(Event::PaymentRecorded {
            payment: Payment {
                reference: reference.to_owned(),
                purpose,
                amount,
                online: super::evidence::paid_online(&self.ctx.actor.kind),
                at: self.ctx.now,
            },
        })?;
        if self.settle_if_paid()?
            && self
                .d()?
                .current_step()
                .is_some_and(|s| s.kind == StepKind::AwaitPayment)
        {
            self.complete_current(None)?;
        }
        Ok(())
    }

    fn settle_if_paid(&mut self) -> Result<bool, DossierError> {
        if self.d()?.status == Status::AwaitingObligation && self.obligation_settled()? {
            self.emit(Event::ObligationSettled)?;
            return Ok(true);
        }
        Ok(false)
    }
}
