//! Scans and result files for API clients: a file is uploaded first and then named by its
//! digest in a document or a result. A digest that names no stored file is refused, so a
//! document counts as digitised only when its scan is really here.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use motcua_core::dossier::{Command, DossierDocument};
use serde::Serialize;

use crate::auth::Principal;
use crate::files::{Kind, MAX_BYTES};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/files",
        post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + 1024)),
    )
}

/// A stored file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredFile {
    /// Its SHA-256 digest (hex): the value of `file` in a document or a result.
    pub file: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, from its content.
    pub media_type: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// Stores a scan (PDF, JPEG or PNG, at most 10 MB, checked by content and by the virus
/// scanner when one is configured).
#[utoipa::path(post, path = "/api/v1/files", tag = "dossiers",
    request_body(content = String, description = "The file's bytes (binary)", content_type = "application/octet-stream"),
    responses((status = 201, description = "Stored (or already stored: same digest)", body = StoredFile),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "Empty, too large, or not a PDF / JPEG / PNG", content_type = "application/problem+json")))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    _principal: Principal,
    body: Bytes,
) -> Result<Response, ApiError> {
    let digest = state.files.put(&body).await?;
    let media_type = Kind::sniff(&body).map_or("application/octet-stream", Kind::media_type);
    Ok((
        StatusCode::CREATED,
        Json(StoredFile {
            file: digest,
            media_type: media_type.into(),
            bytes: body.len(),
        }),
    )
        .into_response())
}

/// The files a command names: its documents' scans and its result's file.
pub(crate) fn named(command: &Command) -> Vec<&str> {
    let documents: &[DossierDocument] = match command {
        Command::SubmitOnline(new) | Command::ReceiveAtCounter(new) => &new.documents,
        Command::SubmitSupplement { documents } => documents,
        _ => &[],
    };
    let result = match command {
        Command::RecordResult { result } | Command::DraftResult { result } => {
            result.file.as_deref()
        }
        Command::DigitiseDocument { file, .. } => Some(file.as_str()),
        _ => None,
    };
    documents
        .iter()
        .filter_map(|d| d.file.as_deref())
        .chain(result)
        .collect()
}

/// Refuses a document or a result that names a file nobody uploaded.
pub(crate) async fn require_stored(state: &AppState, digests: Vec<&str>) -> Result<(), ApiError> {
    for digest in digests {
        if !state.files.exists(digest).await {
            return Err(ApiError::Invalid(format!(
                "tệp \"{digest}\" chưa được tải lên (POST /api/v1/files)"
            )));
        }
    }
    Ok(())
}

/// Takes the documents said to come from the applicant's personal data store
/// (`reused_from: "kho:<id>"`): each is downloaded from the national portal, checked against
/// the hash the store lists (and, when the caller named a file, against that file), and
/// stored; only then is it marked "from the personal data store" (4.4) — by us, never by the
/// caller.
pub(crate) async fn take_from_store(
    state: &AppState,
    applicant: &str,
    documents: &mut [DossierDocument],
) -> Result<(), ApiError> {
    for doc in documents.iter_mut() {
        let Some(id) = doc
            .reused_from
            .as_deref()
            .and_then(|c| c.strip_prefix("kho:"))
        else {
            continue;
        };
        let Some(systems) = &state.systems else {
            return Err(ApiError::Invalid(
                "chưa kết nối kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia".into(),
            ));
        };
        let (listed, bytes) =
            systems
                .personal_document(applicant, id)
                .await
                .map_err(|e| match e {
                    motcua_integrations::SystemError::Status { status: 404, .. } => {
                        ApiError::Invalid(format!(
                            "kho dữ liệu của người nộp không có giấy tờ \"{id}\""
                        ))
                    }
                    e => ApiError::Unavailable(e.to_string()),
                })?;
        if doc.file.as_ref().is_some_and(|f| *f != listed.bam_sha256) {
            return Err(ApiError::Invalid(format!(
                "tệp đã nêu không phải tệp của giấy tờ \"{id}\" trong kho dữ liệu"
            )));
        }
        let digest = state.files.put(&bytes).await?;
        doc.file = Some(digest);
        doc.digitised = true;
        doc.from_personal_store = true;
    }
    Ok(())
}

/// Refuses a document said to be reused unless it names an earlier dossier of the same
/// applicant that was received: reuse (KPI 4.3) is a fact, not a caller's word.
pub(crate) async fn require_reuse(
    state: &AppState,
    applicant: &str,
    documents: &[DossierDocument],
) -> Result<(), ApiError> {
    for (doc, code) in documents
        .iter()
        .filter_map(|d| d.reused_from.as_deref().map(|c| (d, c)))
    {
        // Taken from the personal data store: checked and marked by `take_from_store`.
        if code.starts_with("kho:") && doc.from_personal_store {
            continue;
        }
        // A certified electronic copy issued to the same person, and its very file.
        if let Some(id) = code.strip_prefix("chung-thuc:") {
            let copy = match uuid::Uuid::parse_str(id) {
                Ok(id) => state.db.certified_copy(id).await?,
                Err(_) => None,
            };
            let ok = copy.is_some_and(|c| {
                c.holder == applicant
                    && c.status == motcua_core::certification::CopyStatus::Issued
                    && c.file.is_some()
                    && c.file == doc.file
            });
            if !ok {
                return Err(ApiError::Invalid(format!(
                    "\"{code}\" không phải bản sao chứng thực điện tử đã cấp cho người nộp"
                )));
            }
            continue;
        }
        let source = state.db.dossier_by_code(code).await?;
        // Its very file: one of that dossier's documents or its result, not destroyed.
        let ok = source.is_some_and(|s| {
            let theirs = (0..s.documents.len())
                .filter_map(|i| s.document_file(i))
                .chain(s.result_file())
                .any(|f| doc.file.as_deref() == Some(f));
            s.applicant.number() == applicant && s.received_at.is_some() && theirs
        });
        if !ok {
            return Err(ApiError::Invalid(format!(
                "giấy tờ tái sử dụng phải lấy từ một hồ sơ đã tiếp nhận của chính người nộp; \"{code}\" không phải"
            )));
        }
    }
    Ok(())
}
