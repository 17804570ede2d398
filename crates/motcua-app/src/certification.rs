//! Certifying electronic copies from originals (chứng thực bản sao điện tử từ bản chính), as
//! use cases: the desk officer who compared the original with its scan certifies it — the
//! register entry takes the next number of the agency's register for the year — and the scan
//! is signed through the signing port (the agency's key, or the officer's remote signer); the
//! copy is issued only once its signature is verified against the trust anchors. A paper copy
//! certified at the desk is recorded in the same register (4.6 counts both).

use motcua_core::catalog::Role;
use motcua_core::certification::{CertifiedCopy, CopyStatus, check_request, copy_fee};
use motcua_core::dossier::Actor;
use motcua_core::ids::AgencyCode;
use motcua_sign::SignatureInfo;
use sha2::{Digest, Sha256};

use crate::{App, AppError, SignProgress};

/// What the officer certifies.
#[derive(Debug, Clone)]
pub struct CopyRequest {
    /// The certifying agency (one of the officer's desks).
    pub agency: AgencyCode,
    /// The holder's CCCD or tax code.
    pub holder: String,
    /// The holder's name.
    pub holder_name: String,
    /// What the original is.
    pub title: String,
    /// The reusable document type, if it is one.
    pub document_type: Option<String>,
    /// Pages.
    pub pages: u32,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn info(who: &Actor, c: &CertifiedCopy) -> SignatureInfo {
    SignatureInfo {
        name: who.name.clone(),
        reason: format!(
            "Chứng thực bản sao điện tử từ bản chính, số {} sổ chứng thực",
            c.reference()
        ),
        location: c.agency.to_string(),
    }
}

impl App {
    /// Certifies a copy: `scan` (its bytes, a PDF the edge stored under its digest) for an
    /// electronic copy, signed through the signing port; `None` records a paper copy.
    pub async fn certify_copy(
        &self,
        who: &Actor,
        request: CopyRequest,
        scan: Option<&[u8]>,
    ) -> Result<(CertifiedCopy, Option<SignProgress>), AppError> {
        if who.role() != Some(Role::DeskOfficer) {
            return Err(AppError::Forbidden(
                "chứng thực bản sao do cán bộ Bộ phận Một cửa thực hiện".into(),
            ));
        }
        check_request(
            &request.holder,
            &request.holder_name,
            &request.title,
            request.pages,
        )
        .map_err(AppError::Invalid)?;
        if let Some(t) = &request.document_type
            && !t.is_empty()
            && (t.chars().count() > 64
                || !t
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()))
        {
            return Err(AppError::Invalid("loại giấy tờ không hợp lệ".into()));
        }
        if scan.is_some() && self.result_signer_kind().is_none() {
            // Checked before a number is taken: the register keeps no void entries.
            return Err(AppError::Invalid(
                "hệ thống chưa được cấu hình ký số: chưa cấp được bản sao điện tử".into(),
            ));
        }
        if let Some(bytes) = scan
            && !bytes.starts_with(b"%PDF-")
        {
            return Err(AppError::Invalid(
                "bản sao điện tử phải là tệp PDF để ký số".into(),
            ));
        }
        let now = self.now();
        let copy = CertifiedCopy {
            id: uuid::Uuid::now_v7(),
            agency: request.agency,
            year: chrono::Datelike::year(&motcua_core::calendar::deadline::local(now)),
            number: 0,
            holder: request.holder,
            holder_name: request.holder_name.trim().to_owned(),
            title: request.title.trim().to_owned(),
            document_type: request.document_type.filter(|t| !t.trim().is_empty()),
            pages: request.pages,
            fee: copy_fee(request.pages),
            scan: scan.map(|b| hex(&Sha256::digest(b))),
            file: None,
            signer: None,
            certified_by: who.id.clone(),
            certified_by_name: who.name.clone(),
            certified_at: now,
            status: if scan.is_some() {
                CopyStatus::AwaitingSignature
            } else {
                CopyStatus::Paper
            },
        };
        let copy = self.db().register_copy(copy).await?;
        let progress = match scan {
            Some(bytes) => Some(self.sign_copy(who, &copy, bytes, false).await?),
            None => None,
        };
        Ok((copy, progress))
    }

    /// A register entry, for the officer's page or the holder's download.
    pub async fn certified_copy(&self, id: uuid::Uuid) -> Result<CertifiedCopy, AppError> {
        self.db()
            .certified_copy(id)
            .await?
            .ok_or_else(|| AppError::NotFound("không có bản sao chứng thực này".into()))
    }

    /// Signs (or, `poll`, asks the remote service about) the copy's scan; only the officer
    /// who certified it signs it.
    pub async fn sign_copy(
        &self,
        who: &Actor,
        copy: &CertifiedCopy,
        scan: &[u8],
        poll: bool,
    ) -> Result<SignProgress, AppError> {
        if copy.certified_by != who.id {
            return Err(AppError::Forbidden(
                "chỉ cán bộ đã chứng thực mới ký bản sao này".into(),
            ));
        }
        if copy.status != CopyStatus::AwaitingSignature
            || copy.scan.as_deref() != Some(hex(&Sha256::digest(scan)).as_str())
        {
            return Err(AppError::Invalid(
                "bản sao không chờ ký, hoặc tệp không phải bản quét đã chứng thực".into(),
            ));
        }
        let info = info(who, copy);
        if poll {
            self.poll_via_port(who, copy.id, scan, &info).await
        } else {
            let description = format!(
                "Chứng thực bản sao số {} — {}",
                copy.reference(),
                copy.title
            );
            self.sign_via_port(who, copy.id, scan, &info, &description)
                .await
        }
    }

    /// Issues the copy once its signed file (stored by the edge) verifies against the trust
    /// anchors; a signature that does not verify is refused with its reason.
    pub async fn finish_copy(
        &self,
        who: &Actor,
        copy: &CertifiedCopy,
        signed: &[u8],
    ) -> Result<CertifiedCopy, AppError> {
        if copy.certified_by != who.id || copy.status != CopyStatus::AwaitingSignature {
            return Err(AppError::Forbidden(
                "chỉ cán bộ đã chứng thực mới ký bản sao đang chờ ký".into(),
            ));
        }
        let trust = self.trust().await?;
        // Whatever the verdict, the request is over: a refused one is started again.
        self.db().delete_signing_request(copy.id).await?;
        let verified = motcua_sign::verify_pdf(signed, &trust, self.now())
            .map_err(|e| AppError::Invalid(format!("chữ ký số trên bản sao không hợp lệ: {e}")))?;
        let mut issued = copy.clone();
        issued.file = Some(hex(&Sha256::digest(signed)));
        issued.signer = Some(verified.signer);
        issued.status = CopyStatus::Issued;
        self.db().save_copy(&issued).await?;
        self.db().delete_signing_request(copy.id).await?;
        Ok(issued)
    }
}
