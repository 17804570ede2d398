//! What an applicant already holds and need not bring again (once-only): documents the desk
//! accepted in their earlier dossiers, the results they received, the electronic copies
//! certified for them, and the documents in their personal data store on the national portal.
//! The citizen picks from it in the e-form, the desk officer at the counter.

use motcua_core::dossier::{Dossier, Status};

use crate::{ApiError, AppState};

/// Said of a document this installation filed into the national store.
const IN_STORE: &str = " · đã lưu vào kho dữ liệu cá nhân trên Cổng DVCQG";

/// One document the applicant can reuse.
pub(crate) struct Reusable {
    /// `<dossier id>:<index>`, `<dossier id>:ket-qua`, `chung-thuc:<id>` or `kho:<id>`.
    pub key: String,
    /// Name.
    pub name: String,
    /// What a dossier that reuses it names (the dossier code it came from, the certified
    /// copy's `chung-thuc:<id>`, the store's `kho:<id>`).
    pub source: String,
    /// Where it came from, for people (and its provenance, for the store's documents).
    pub origin: String,
    /// Its type: the document's code in its procedure, or its reusable type.
    pub code: String,
    /// Content hash of the file (for the store's documents, the hash the store lists; the
    /// file is fetched and checked against it only when the document is taken).
    pub file: String,
    /// Where the applicant downloads it (the portal's links).
    pub href: String,
    /// In the national portal's personal data store, not yet here.
    pub from_store: bool,
}

/// The applicant's documents accepted in earlier dossiers, and their results.
pub(crate) fn from_dossiers(dossiers: &[Dossier]) -> Vec<Reusable> {
    let mut out = Vec::new();
    for d in dossiers {
        if d.received_at.is_none() || matches!(d.status, Status::NotAccepted) {
            continue;
        }
        for (i, doc) in d.documents.iter().enumerate() {
            if let (Some(file), None) = (d.document_file(i), doc.replaced_by) {
                out.push(Reusable {
                    key: format!("{}:{i}", d.id.0),
                    name: doc.name.clone(),
                    source: d.code.to_string(),
                    origin: format!("hồ sơ {}", d.code),
                    code: doc.code.clone(),
                    file: file.to_owned(),
                    href: format!("/cong-dan/ho-so/{}/giay-to/{i}", d.id.0),
                    from_store: false,
                });
            }
        }
        if let Some((r, file)) = d
            .result
            .as_ref()
            .and_then(|r| Some((r, d.result_file()?.to_owned())))
            && matches!(d.status, Status::ResultReady | Status::Returned)
        {
            out.push(Reusable {
                key: format!("{}:ket-qua", d.id.0),
                name: format!("Kết quả: {}", r.name),
                source: d.code.to_string(),
                origin: format!("hồ sơ {}", d.code),
                code: "ket-qua".into(),
                file,
                href: format!("/cong-dan/ho-so/{}/ket-qua", d.id.0),
                from_store: false,
            });
        }
    }
    out
}

/// Who is asking: the owner themself, or an officer at the desk (who is not offered the
/// restricted components of earlier dossiers: those open only to whoever handles them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asker {
    /// The citizen or organisation, for their own documents.
    Owner,
    /// A desk officer receiving a new dossier for them.
    Desk,
}

/// Everything `owner` (a CCCD number or a tax code) can reuse. The national store is asked
/// when it is set up; when it does not answer, the rest is still offered (and the reason
/// comes back, for the page to say).
pub(crate) async fn mine(
    state: &AppState,
    owner: &str,
    asker: Asker,
) -> Result<(Vec<Reusable>, Option<String>), ApiError> {
    let dossiers = state.db.dossiers_of_applicant(owner).await?;
    let mut out = from_dossiers(&dossiers);
    if asker == Asker::Desk {
        let mut restricted = Vec::new();
        for d in &dossiers {
            let p = state
                .app
                .procedure(d.procedure.as_str(), Some(d.procedure_version))
                .await?;
            for (i, doc) in d.documents.iter().enumerate() {
                if p.documents
                    .iter()
                    .any(|x| x.code == doc.code && x.confidential)
                {
                    restricted.push(format!("{}:{i}", d.id.0));
                }
            }
        }
        out.retain(|r| !restricted.contains(&r.key));
    }
    for c in state.db.certified_copies_of(owner).await? {
        if let (Some(file), motcua_core::certification::CopyStatus::Issued) = (&c.file, c.status) {
            out.push(Reusable {
                key: c.reuse_key(),
                name: format!("Bản sao chứng thực: {}", c.title),
                source: c.reuse_key(),
                origin: format!("bản sao chứng thực số {}", c.reference()),
                code: c.document_type.clone().unwrap_or_default(),
                file: file.clone(),
                href: format!("/cong-dan/ban-sao/{}", c.id),
                from_store: false,
            });
        }
    }
    let Some(systems) = &state.systems else {
        return Ok((out, None));
    };
    match systems.personal_documents(owner).await {
        Ok(listed) => {
            for s in listed {
                // What this installation filed there is already offered from its dossier;
                // its line says it is in the store too.
                let mut filed_here = false;
                for r in out.iter_mut().filter(|r| r.file == s.bam_sha256) {
                    filed_here = true;
                    if !r.origin.contains(IN_STORE) {
                        r.origin.push_str(IN_STORE);
                    }
                }
                if filed_here {
                    continue;
                }
                let signed = s
                    .nguoi_ky
                    .as_deref()
                    .map(|k| format!(", ký số: {k}"))
                    .unwrap_or_default();
                out.push(Reusable {
                    key: s.reuse_key(),
                    name: s.ten_giay_to.clone(),
                    source: s.reuse_key(),
                    origin: format!(
                        "kho dữ liệu cá nhân — {} cấp ngày {}, hồ sơ {}{signed}",
                        s.co_quan_cap,
                        s.issued_on(),
                        s.ma_ho_so
                    ),
                    code: s.loai_giay_to.clone(),
                    file: s.bam_sha256.clone(),
                    href: format!("/cong-dan/kho-du-lieu/{}", s.id),
                    from_store: true,
                });
            }
            Ok((out, None))
        }
        Err(e) => {
            tracing::warn!(error = %e, "personal data store not read");
            Ok((
                out,
                Some(format!(
                    "Chưa đọc được kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia ({e}); \
                     các giấy tờ khác vẫn dùng được."
                )),
            ))
        }
    }
}

/// A reusable document of the kind a required one asks for: the same code, or the document
/// type the catalogue says can stand for it.
pub(crate) fn same_kind(r: &Reusable, d: &motcua_core::catalog::RequiredDocument) -> bool {
    r.code == d.code || d.reusable_type.as_deref() == Some(r.code.as_str())
}

/// Takes a chosen document for a new dossier: its file's digest here. A document of the
/// national store is downloaded now, checked against the hash the store listed and the
/// content check every file passes, and stored; that download is what makes the dossier's
/// component "taken from the personal data store".
pub(crate) async fn take(state: &AppState, owner: &str, r: &Reusable) -> Result<String, ApiError> {
    if !r.from_store {
        return Ok(r.file.clone());
    }
    let (id, systems) = match (r.key.strip_prefix("kho:"), &state.systems) {
        (Some(id), Some(systems)) => (id, systems),
        _ => return Err(ApiError::Invalid("giấy tờ này không còn dùng được".into())),
    };
    let (_, bytes) = systems
        .personal_document(owner, id)
        .await
        .map_err(|e| ApiError::Invalid(format!("không lấy được giấy tờ từ kho dữ liệu: {e}")))?;
    let digest = state.files.put(&bytes).await?;
    if digest != r.file {
        return Err(ApiError::Invalid(
            "giấy tờ trong kho dữ liệu đã thay đổi; hãy chọn lại".into(),
        ));
    }
    Ok(digest)
}

/// The options for one required document: those of its kind first, then the rest.
pub(crate) fn options<'a>(
    mine: &'a [Reusable],
    d: &'a motcua_core::catalog::RequiredDocument,
) -> impl Iterator<Item = &'a Reusable> {
    mine.iter()
        .filter(|r| same_kind(r, d))
        .chain(mine.iter().filter(|r| !same_kind(r, d)))
}
