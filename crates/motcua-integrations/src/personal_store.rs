//! The national portal's personal data store (Kho dữ liệu điện tử của tổ chức, cá nhân):
//! results and accepted documents are filed into their owner's store with their provenance
//! (the dossier, the issuing agency, the verified signer), and a person's documents are listed
//! and downloaded for reuse. A download is believed only when its bytes hash to the SHA-256 the
//! list gave: that check, made here, is what lets a dossier say "taken from the store" (4.4).

use std::future::Future;
use std::pin::Pin;

use base64ct::Encoding as _;
use motcua_core::dossier::{DossierId, SignedTarget};
use motcua_store::{Db, OutboxMessage};
use serde::Deserialize;
use sha2::Digest as _;

use crate::dispatch::DeliverError;
use crate::{SystemError, Systems};

/// The store, as named in errors and the message log.
pub(crate) const SYSTEM: &str = "Kho dữ liệu cá nhân (Cổng DVCQG)";

/// The largest document downloaded from the store (our own limit per scan is 10 MB).
pub const MAX_DOCUMENT: usize = 16 * 1024 * 1024;

/// What reading a stored file gives: its bytes, `None` when there are none, or why not.
pub type FileRead<'a> = Pin<Box<dyn Future<Output = Result<Option<Vec<u8>>, String>> + Send + 'a>>;

/// Where the dispatcher reads a stored file's bytes (the web layer's file store).
pub trait FileSource: std::fmt::Debug + Send + Sync {
    /// The bytes stored under `digest`.
    fn read<'a>(&'a self, digest: &'a str) -> FileRead<'a>;
}

/// A document in a person's store, as the store lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoredDocument {
    /// The store's id.
    pub id: String,
    /// Owner (CCCD number or tax code).
    pub ma_dinh_danh: String,
    /// Document type (a catalogue `reusable_type`).
    pub loai_giay_to: String,
    /// Title.
    pub ten_giay_to: String,
    /// The dossier it came from.
    pub ma_ho_so: String,
    /// The issuing agency.
    pub co_quan_cap: String,
    /// Who signed it (a verified signature), if anyone.
    #[serde(default)]
    pub nguoi_ky: Option<String>,
    /// When it was issued (`yyyyMMddHHmmss`, local).
    pub ngay_cap: String,
    /// SHA-256 of its file, lowercase hex.
    #[serde(rename = "BamSHA256")]
    pub bam_sha256: String,
}

impl StoredDocument {
    /// What a dossier that reuses it names (`kho:<id>`).
    pub fn reuse_key(&self) -> String {
        format!("kho:{}", self.id)
    }

    /// Its issue date as `dd/mm/yyyy`, for people.
    pub fn issued_on(&self) -> String {
        let d = |a: usize, b: usize| self.ngay_cap.get(a..b).unwrap_or("");
        format!("{}/{}/{}", d(6, 8), d(4, 6), d(0, 4))
    }
}

#[derive(Deserialize)]
struct Listing {
    error_code: i64,
    #[serde(rename = "GiayTo", default)]
    documents: Vec<StoredDocument>,
}

impl Systems {
    fn store_url(&self, path: &str) -> String {
        format!(
            "{}/KhoDuLieu/{path}",
            self.config.portal_url.trim_end_matches('/')
        )
    }

    /// The documents in `owner`'s store.
    pub async fn personal_documents(
        &self,
        owner: &str,
    ) -> Result<Vec<StoredDocument>, SystemError> {
        let url = format!(
            "{}?MaDinhDanh={}",
            self.store_url("DanhSachGiayTo"),
            // CCCD numbers and tax codes (a branch's carries "-NNN"): nothing to escape.
            owner
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        );
        let listing: Listing = self
            .portal_call(reqwest::Method::GET, url, None, None)
            .await?
            .ok(SYSTEM)?
            .json(SYSTEM)?;
        if listing.error_code != 0 {
            return Err(SystemError::Invalid {
                system: SYSTEM,
                cause: format!("mã lỗi {}", listing.error_code),
            });
        }
        Ok(listing
            .documents
            .into_iter()
            .filter(|d| d.ma_dinh_danh == owner)
            .collect())
    }

    /// One of `owner`'s documents and its file, which must hash to what the store listed.
    pub async fn personal_document(
        &self,
        owner: &str,
        id: &str,
    ) -> Result<(StoredDocument, Vec<u8>), SystemError> {
        let listed = self
            .personal_documents(owner)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(SystemError::Status {
                system: SYSTEM,
                status: 404,
                retry_after: None,
            })?;
        let url = self.store_url(&format!(
            "GiayTo/{}",
            id.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        ));
        let mut token = self.portal_token(false).await?;
        let mut got = self
            .download(SYSTEM, url.clone(), Some(&token), MAX_DOCUMENT)
            .await?;
        if got.status == 401 {
            token = self.portal_token(true).await?;
            got = self
                .download(SYSTEM, url, Some(&token), MAX_DOCUMENT)
                .await?;
        }
        if !(200..300).contains(&got.status) {
            return Err(SystemError::Status {
                system: SYSTEM,
                status: got.status,
                retry_after: None,
            });
        }
        if crate::hex(&sha2::Sha256::digest(&got.bytes)) != listed.bam_sha256 {
            return Err(SystemError::Invalid {
                system: SYSTEM,
                cause: "tệp tải về không khớp mã băm kho dữ liệu công bố".into(),
            });
        }
        Ok((listed, got.bytes))
    }
}

/// Files one result or accepted document into its owner's store.
pub(crate) async fn deliver(
    db: &Db,
    systems: &Systems,
    message: &OutboxMessage,
) -> Result<(), DeliverError> {
    let p = &message.payload.0;
    let (Some(id), Some(kind), Some(file)) = (
        message.dossier_id,
        p.get("kind").and_then(serde_json::Value::as_str),
        p.get("file").and_then(serde_json::Value::as_str),
    ) else {
        return Err(DeliverError::Bad("tin lưu kho thiếu dữ liệu".into()));
    };
    let Some(files) = &systems.files else {
        return Err(DeliverError::Bad(
            "chưa cấu hình kho tệp cho tiến trình gửi tin".into(),
        ));
    };
    let Some(d) = db.dossier(DossierId(id)).await? else {
        return Err(DeliverError::Bad("không tìm thấy hồ sơ".into()));
    };
    let procedure = db
        .procedure_version(d.procedure.as_str(), i64::from(d.procedure_version))
        .await?
        .and_then(|s| s.procedure().ok());
    let index = p
        .get("index")
        .and_then(serde_json::Value::as_u64)
        .and_then(|i| usize::try_from(i).ok());
    let (title, doc_type, target, issued) = match (kind, index) {
        ("result", _) => {
            let Some(r) = &d.result else {
                return Err(DeliverError::Bad("hồ sơ chưa có kết quả".into()));
            };
            let doc_type = procedure
                .as_ref()
                .and_then(|p| p.result.reusable_type.clone())
                .unwrap_or_else(|| format!("ket-qua:{}", d.procedure));
            (
                r.name.clone(),
                doc_type,
                SignedTarget::Result,
                d.finished_at,
            )
        }
        ("document", Some(i)) => {
            let Some(doc) = d.documents.get(i) else {
                return Err(DeliverError::Bad("không có thành phần hồ sơ này".into()));
            };
            let doc_type = procedure
                .as_ref()
                .and_then(|p| p.documents.iter().find(|x| x.code == doc.code))
                .and_then(|x| x.reusable_type.clone())
                .unwrap_or_else(|| doc.code.clone());
            (
                doc.name.clone(),
                doc_type,
                SignedTarget::Document { index: i },
                d.received_at,
            )
        }
        _ => return Err(DeliverError::Bad(format!("loại giấy tờ lạ: {kind}"))),
    };
    let bytes = files
        .read(file)
        .await
        .map_err(|e| {
            DeliverError::System(SystemError::Unreachable {
                system: "kho tệp",
                cause: e,
            })
        })?
        .ok_or_else(|| DeliverError::Bad(format!("không còn tệp {file}")))?;
    let signer = d
        .signatures
        .iter()
        .rev()
        .find(|s| s.valid && s.target == target && s.file == file)
        .map(|s| s.signer.clone());
    let agency = db
        .agency(d.resolving_agency.as_str())
        .await?
        .map_or_else(|| d.resolving_agency.to_string(), |a| a.name);
    let body = serde_json::json!({
        "MaDinhDanh": d.applicant.number(),
        "LoaiGiayTo": doc_type,
        "TenGiayTo": title,
        "MaHoSo": d.code,
        "CoQuanCap": agency,
        "NguoiKy": signer,
        "NgayCap": motcua_core::dvcqg::timestamp(issued.unwrap_or(message.created_at)),
        "BamSHA256": file,
        "TepBase64": base64ct::Base64::encode_string(&bytes),
    });
    #[derive(Deserialize)]
    struct Reply {
        error_code: i64,
        #[serde(default)]
        message: String,
    }
    let reply: Reply = systems
        .portal_call(
            reqwest::Method::POST,
            systems.store_url("LuuGiayTo"),
            Some(&message.idempotency_key),
            Some(&body),
        )
        .await?
        .ok(SYSTEM)?
        .json(SYSTEM)?;
    if reply.error_code != 0 {
        return Err(DeliverError::System(SystemError::Invalid {
            system: SYSTEM,
            cause: format!("mã lỗi {}: {}", reply.error_code, reply.message),
        }));
    }
    Ok(())
}
