//! The result: recorded when ready (classified early / on time / late against the statutory
//! due instant), returned to the applicant once the fees are paid.

use super::{DossierError, Run};
use crate::dossier::event::Event;
use crate::dossier::model::{Collector, Dossier, PaymentPurpose, ResultRecord};
use crate::dossier::{SignatureCheck, SignedTarget};

impl Run<'_> {
    pub(super) fn record_result(
        &mut self,
        d: &Dossier,
        result: &ResultRecord,
    ) -> Result<(), DossierError> {
        super::evidence::result(result)?;
        if d.is_sub_dossier() {
            self.finish_current(None)?;
        }
        let completion = d.appointment.as_ref().map(|a| a.classify(self.ctx.now));
        self.emit(Event::ResultRecorded {
            result: result.clone(),
            completion,
        })?;
        // The signed draft recorded as the result: its verified signature is the result's.
        let signed_draft = d.signatures.iter().rev().find(|c| {
            c.valid && c.target == SignedTarget::Draft && result.file.as_ref() == Some(&c.file)
        });
        if let Some(check) = signed_draft {
            self.emit(Event::SignatureChecked {
                check: SignatureCheck {
                    target: SignedTarget::Result,
                    ..check.clone()
                },
            })?;
        }
        Ok(())
    }

    /// The draft for approval and signature: an electronic file, never "signed" on the
    /// caller's word.
    pub(super) fn draft_result(&mut self, result: &ResultRecord) -> Result<(), DossierError> {
        super::evidence::result(result)?;
        if result.file.is_none() || !result.electronic {
            return Err(DossierError::Invalid(
                "dự thảo kết quả cần có tệp điện tử đính kèm".into(),
            ));
        }
        self.emit(Event::ResultDrafted {
            result: result.clone(),
        })
    }

    /// A verdict of the signature service on the result or a document that exists.
    pub(super) fn record_signature(
        &mut self,
        d: &Dossier,
        check: &SignatureCheck,
    ) -> Result<(), DossierError> {
        let exists = match check.target {
            SignedTarget::Result => d.result.is_some(),
            SignedTarget::Draft => d.draft_result.is_some(),
            SignedTarget::Document { index } => index < d.documents.len(),
        };
        if !exists {
            return Err(DossierError::Invalid(
                "không có kết quả hoặc thành phần hồ sơ được ký".into(),
            ));
        }
        if check.valid == check.reason.is_some() {
            return Err(DossierError::Invalid(
                "chữ ký hợp lệ không kèm lý do; chữ ký không hợp lệ phải nêu lý do".into(),
            ));
        }
        self.emit(Event::SignatureChecked {
            check: check.clone(),
        })
    }

    pub(super) fn return_result(
        &mut self,
        d: &Dossier,
        collector: &Collector,
    ) -> Result<(), DossierError> {
        let due: i64 = d.fees.iter().map(|c| c.amount).sum();
        let paid = d.paid(PaymentPurpose::Fees);
        if paid < due {
            return Err(DossierError::FeesUnpaid { due, paid });
        }
        if d.current_step().is_some() {
            self.finish_current(None)?;
        }
        self.emit(Event::ResultReturned {
            collector: Some(collector.clone()),
        })
    }
}
