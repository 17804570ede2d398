//! Every text a command carries, held to its limit ([`crate::limits`]) before anything else
//! is decided: no edge can store a 20 MiB address or a NUL byte, whichever way it came in.

use crate::dossier::DossierError;
use crate::dossier::command::{Command, NewDossier};
use crate::dossier::model::{Applicant, Charge, Collector, DossierDocument};
use crate::limits::{self, MAX_ITEMS};

/// The command's texts, or the first one over its limit.
pub(super) fn check(command: &Command) -> Result<(), DossierError> {
    check_all(command).map_err(DossierError::Invalid)
}

fn check_all(command: &Command) -> Result<(), String> {
    match command {
        Command::SubmitOnline(new)
        | Command::ReceiveAtCounter(new)
        | Command::OpenSubDossier { new, .. } => new_dossier(new),
        Command::RequestSupplement { missing, reason } => {
            count("Nội dung cần bổ sung", missing.len())?;
            missing
                .iter()
                .try_for_each(|m| limits::MISSING_ITEM.check(m))?;
            limits::REASON.check(reason)
        }
        Command::SubmitSupplement { documents } => self::documents(documents),
        Command::Refuse { reason }
        | Command::Withdraw { reason }
        | Command::ReturnToStep { reason, .. }
        | Command::ExtendWithApology { reason, .. } => limits::REASON.check(reason),
        Command::Assign { officer } => limits::PERSON_NAME.check(&officer.name),
        Command::CompleteStep { note } | Command::Approve { note } | Command::Sign { note } => {
            limits::NOTE.check_opt(note.as_deref())
        }
        Command::RecordTaxNotice {
            notice,
            obligations,
        } => {
            limits::REFERENCE.check(notice)?;
            charges(obligations)
        }
        Command::RecordPayment { reference, .. } => limits::REFERENCE.check(reference),
        Command::DigitiseDocument { file, .. } => limits::FILE_REFERENCE.check(file),
        Command::DestroyFiles { list, .. } => limits::FILE_REFERENCE.check(list),
        Command::RecordResult { result } | Command::DraftResult { result } => {
            limits::TITLE.check(&result.name)?;
            limits::FILE_REFERENCE.check_opt(result.file.as_deref())
        }
        Command::ReturnResult {
            collector: Collector::Representative { name, id_number },
        } => {
            limits::PERSON_NAME.check(name)?;
            limits::ID_PAPER.check(id_number)?;
            if name.trim().is_empty() || id_number.trim().is_empty() {
                return Err("cần ghi họ tên và số giấy tờ tùy thân của người nhận thay".into());
            }
            Ok(())
        }
        Command::RecordSignatureCheck { check } => {
            limits::FILE_REFERENCE.check(&check.file)?;
            limits::REASON.check(&check.signer)?;
            limits::REASON.check(&check.issuer)?;
            limits::REASON.check_opt(check.reason.as_deref())
        }
        Command::Acknowledge
        | Command::TransferToAgency { .. }
        | Command::MoveToSuccessor { .. }
        | Command::ReturnResult { .. }
        | Command::Rate { .. } => Ok(()),
    }
}

fn count(label: &str, n: usize) -> Result<(), String> {
    if n > MAX_ITEMS {
        return Err(format!("{label}: {n} mục, tối đa {MAX_ITEMS}"));
    }
    Ok(())
}

fn new_dossier(new: &NewDossier) -> Result<(), String> {
    limits::EXTERNAL_CODE.check_opt(new.external_code.as_deref())?;
    applicant(&new.applicant)?;
    documents(&new.documents)
}

fn applicant(a: &Applicant) -> Result<(), String> {
    let contact = |phone: &Option<String>, email: &Option<String>| {
        limits::PHONE.check_opt(phone.as_deref())?;
        limits::EMAIL.check_opt(email.as_deref())
    };
    match a {
        Applicant::Person {
            name,
            address,
            phone,
            email,
            ..
        } => {
            limits::PERSON_NAME.check(name)?;
            limits::ADDRESS.check(address)?;
            contact(phone, email)
        }
        Applicant::Organisation {
            name,
            address,
            representative,
            phone,
            email,
            ..
        } => {
            limits::ORGANISATION_NAME.check(name)?;
            limits::ADDRESS.check(address)?;
            limits::REPRESENTATIVE.check(representative)?;
            contact(phone, email)
        }
    }
}

fn documents(documents: &[DossierDocument]) -> Result<(), String> {
    count("Thành phần hồ sơ", documents.len())?;
    documents.iter().try_for_each(|d| {
        limits::DOCUMENT_CODE.check(&d.code)?;
        limits::DOCUMENT_NAME.check(&d.name)?;
        limits::FILE_REFERENCE.check_opt(d.file.as_deref())?;
        limits::FILE_REFERENCE.check_opt(d.reused_from.as_deref())
    })
}

fn charges(charges: &[Charge]) -> Result<(), String> {
    count("Khoản nghĩa vụ tài chính", charges.len())?;
    charges.iter().try_for_each(|c| {
        limits::DOCUMENT_CODE.check(&c.code)?;
        limits::TITLE.check(&c.name)
    })
}
