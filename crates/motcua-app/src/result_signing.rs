//! The leader's digital signature on the result (ký số kết quả), as a use case over a signing
//! port with two adapters:
//! - a local key (a PKCS#12 file the installation holds, for small installs): the draft is
//!   signed at once;
//! - a remote-signing service (as the public CAs run it for officials): the service is sent
//!   the hash of the prepared file, the leader approves on their phone, and the signature is
//!   fetched afterwards — by whichever instance is asked, from what was kept in the store.
//!
//! Either way the signed file is verified like any uploaded one before anything is recorded:
//! the verdict (by the signature service) makes the draft "signed", and only then does the
//! leader's signing step finish. The edge stores the bytes; nothing here touches files.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::SubsecRound;
use motcua_core::dossier::{Action, Actor, Command, Dossier, SignedTarget};
use motcua_sign::{Certificate, KeyKind, LocalKey, SignatureInfo};
use motcua_store::SigningRequest;
use sha2::{Digest, Sha256};

use crate::{App, AppError};

/// A boxed future, for the port's methods (called through `dyn`).
pub type PortFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// Where a remote signature request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteStatus {
    /// The signer has not answered yet.
    Pending,
    /// Approved: the signature over the hash (DER for ECDSA, raw for RSA).
    Approved(Vec<u8>),
    /// The signer refused.
    Refused,
}

/// A remote-signing service (the port's second adapter lives in `motcua-integrations`).
pub trait RemoteSigning: Send + Sync + std::fmt::Debug {
    /// The signer's certificate chain (PEM, leaf first).
    fn chain<'a>(&'a self, user: &'a str, name: &'a str) -> PortFuture<'a, Vec<String>>;
    /// Asks the signer to sign a SHA-256 hash; returns the request's id.
    fn request<'a>(
        &'a self,
        user: &'a str,
        hash: &'a [u8],
        description: &'a str,
    ) -> PortFuture<'a, String>;
    /// Where a request stands.
    fn status<'a>(&'a self, request: &'a str) -> PortFuture<'a, RemoteStatus>;
}

/// The signing port's configured adapter.
#[derive(Debug, Clone)]
pub enum ResultSigner {
    /// A local PKCS#12 key.
    Local(Arc<LocalKey>),
    /// A remote-signing service.
    Remote(Arc<dyn RemoteSigning>),
}

/// How far a signature got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignProgress {
    /// The signed file: store it, then [`App::finish_signing`].
    Signed(Vec<u8>),
    /// Waiting for the signer's approval on their phone (the request's id).
    Waiting(String),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sign_err(e: impl std::fmt::Display) -> AppError {
    AppError::Invalid(format!("không ký số được: {e}"))
}

impl App {
    /// Sets the signing port's adapter, once, at start-up; `false` if one was set already.
    pub fn set_result_signer(&self, signer: ResultSigner) -> bool {
        self.inner.result_signer.set(signer).is_ok()
    }

    /// The adapter in use: `local`, `remote`, or `None` when digital signing is not set up.
    pub fn result_signer_kind(&self) -> Option<&'static str> {
        self.inner.result_signer.get().map(|s| match s {
            ResultSigner::Local(_) => "local",
            ResultSigner::Remote(_) => "remote",
        })
    }

    /// The remote request waiting on a dossier, if any.
    pub async fn signing_request(&self, d: &Dossier) -> Result<Option<SigningRequest>, AppError> {
        Ok(self.db().signing_request(d.id.0).await?)
    }

    /// The remote request waiting on any subject (a dossier, a certified copy), if any.
    pub async fn signing_request_for(
        &self,
        subject: uuid::Uuid,
    ) -> Result<Option<SigningRequest>, AppError> {
        Ok(self.db().signing_request(subject).await?)
    }

    /// The leader may sign `d` now, it has a draft, and `draft` is that draft's file.
    async fn check_can_sign(&self, who: &Actor, d: &Dossier, draft: &[u8]) -> Result<(), AppError> {
        if !self
            .available_actions(who, d)
            .await?
            .contains(&Action::Sign)
        {
            return Err(AppError::Forbidden(
                "chỉ lãnh đạo được giao bước ký mới ký được kết quả".into(),
            ));
        }
        let file = d
            .draft_result
            .as_ref()
            .and_then(|r| r.file.as_deref())
            .ok_or_else(|| AppError::Invalid("hồ sơ chưa có dự thảo kết quả để ký".into()))?;
        if hex(&Sha256::digest(draft)) != file {
            return Err(AppError::Invalid(
                "tệp được ký không phải dự thảo kết quả hiện tại".into(),
            ));
        }
        Ok(())
    }

    fn signature_info(who: &Actor, d: &Dossier) -> SignatureInfo {
        SignatureInfo {
            name: who.name.clone(),
            reason: format!("Ký kết quả giải quyết hồ sơ {}", d.code),
            location: d.resolving_agency.to_string(),
        }
    }

    /// Starts the leader's signature on the draft result `draft` (its bytes, read by the
    /// edge): signed at once by a local key; sent to the remote service otherwise. A new
    /// request replaces one still waiting (the leader starts again).
    pub async fn start_signing(
        &self,
        who: &Actor,
        d: &Dossier,
        draft: &[u8],
    ) -> Result<SignProgress, AppError> {
        self.check_can_sign(who, d, draft).await?;
        // Always the leader's own signature, through the port: a draft that already carries
        // one (a specialist's token, a file signed elsewhere) gets the leader's on top.
        let info = Self::signature_info(who, d);
        let description = format!("Ký kết quả hồ sơ {}", d.code);
        self.sign_via_port(who, d.id.0, draft, &info, &description)
            .await
    }

    /// Asks the remote service whether the leader approved; when they did, makes the signed
    /// file from the draft again (same signing time, same chain: the same bytes) with the
    /// signature in it. A refusal forgets the request.
    pub async fn poll_signing(
        &self,
        who: &Actor,
        d: &Dossier,
        draft: &[u8],
    ) -> Result<SignProgress, AppError> {
        self.check_can_sign(who, d, draft).await?;
        let info = Self::signature_info(who, d);
        self.poll_via_port(who, d.id.0, draft, &info).await
    }

    /// Signs `pdf` for `subject` (a dossier, a certified copy) through the configured adapter:
    /// at once with a local key; with the remote service, the request is sent and kept.
    pub(crate) async fn sign_via_port(
        &self,
        who: &Actor,
        subject: uuid::Uuid,
        pdf: &[u8],
        info: &SignatureInfo,
        description: &str,
    ) -> Result<SignProgress, AppError> {
        let signer = self.inner.result_signer.get().ok_or_else(|| {
            AppError::Invalid(
                "hệ thống chưa được cấu hình ký số (khóa PKCS#12 hoặc dịch vụ ký số từ xa)".into(),
            )
        })?;
        // Signing times are kept to the second, as the signature encodes them.
        let at = self.now().trunc_subsecs(0);
        match signer {
            ResultSigner::Local(key) => {
                motcua_sign::sign_pdf(pdf, info, at, &key.chain, &key.signer)
                    .map(SignProgress::Signed)
                    .map_err(sign_err)
            }
            ResultSigner::Remote(service) => {
                let pems = service
                    .chain(&who.id, &who.name)
                    .await
                    .map_err(AppError::Invalid)?;
                let chain = parse_chain(&pems)?;
                let leaf = chain
                    .first()
                    .ok_or_else(|| sign_err("không có chứng thư"))?;
                let prepared = motcua_sign::prepare_pdf(pdf, info, at, leaf).map_err(sign_err)?;
                let hash = prepared.tbs.hash();
                let request = service
                    .request(&who.id, &hash, description)
                    .await
                    .map_err(AppError::Invalid)?;
                let kept = SigningRequest {
                    dossier: subject,
                    request: request.clone(),
                    signer: who.id.clone(),
                    signing_at: at,
                    chain: pems,
                    draft_file: hex(&Sha256::digest(pdf)),
                    hash: hex(&hash),
                };
                self.db().put_signing_request(&kept, self.now()).await?;
                Ok(SignProgress::Waiting(request))
            }
        }
    }

    /// Where `subject`'s remote request stands; approved, the signed file made again.
    pub(crate) async fn poll_via_port(
        &self,
        who: &Actor,
        subject: uuid::Uuid,
        pdf: &[u8],
        info: &SignatureInfo,
    ) -> Result<SignProgress, AppError> {
        let kept = self
            .db()
            .signing_request(subject)
            .await?
            .ok_or_else(|| AppError::Invalid("không có yêu cầu ký số nào đang chờ".into()))?;
        if kept.signer != who.id {
            return Err(AppError::Forbidden(
                "yêu cầu ký số này là của người ký khác".into(),
            ));
        }
        let Some(ResultSigner::Remote(service)) = self.inner.result_signer.get() else {
            return Err(AppError::Invalid(
                "dịch vụ ký số từ xa không còn được cấu hình".into(),
            ));
        };
        let status = match service.status(&kept.request).await {
            Ok(status) => status,
            Err(e) => {
                // The service does not know the request any more (expired, or an answer we
                // cannot read): forget it, so the leader can start again.
                self.db().delete_signing_request(subject).await?;
                return Err(AppError::Invalid(format!(
                    "yêu cầu ký số không còn dùng được ({e}); hãy ký lại"
                )));
            }
        };
        match status {
            RemoteStatus::Pending => Ok(SignProgress::Waiting(kept.request)),
            RemoteStatus::Refused => {
                self.db().delete_signing_request(subject).await?;
                Err(AppError::Invalid(
                    "người ký đã từ chối yêu cầu ký số trên điện thoại".into(),
                ))
            }
            RemoteStatus::Approved(signature) => {
                if kept.draft_file != hex(&Sha256::digest(pdf)) {
                    self.db().delete_signing_request(subject).await?;
                    return Err(AppError::Invalid(
                        "tệp đã thay đổi sau khi gửi yêu cầu ký; hãy ký lại".into(),
                    ));
                }
                let chain = parse_chain(&kept.chain)?;
                let leaf = chain
                    .first()
                    .ok_or_else(|| sign_err("không có chứng thư"))?;
                let prepared =
                    motcua_sign::prepare_pdf(pdf, info, kept.signing_at, leaf).map_err(sign_err)?;
                if hex(&prepared.tbs.hash()) != kept.hash {
                    self.db().delete_signing_request(subject).await?;
                    return Err(sign_err("tệp chuẩn bị lại không khớp với yêu cầu đã gửi"));
                }
                let kind = KeyKind::of(leaf).map_err(sign_err)?;
                motcua_sign::finish_pdf(prepared, &signature, kind, &chain)
                    .map(SignProgress::Signed)
                    .map_err(sign_err)
            }
        }
    }

    /// Records a signed draft (already stored by the edge): verified against the trust
    /// anchors, the verdict recorded by the signature service; a valid one finishes the
    /// leader's signing step. An invalid one is kept with its reason and refused here.
    pub async fn finish_signing(
        &self,
        who: &Actor,
        d: &Dossier,
        signed: &[u8],
        note: Option<String>,
    ) -> Result<Dossier, AppError> {
        if !self
            .available_actions(who, d)
            .await?
            .contains(&Action::Sign)
        {
            return Err(AppError::Forbidden(
                "chỉ lãnh đạo được giao bước ký mới ký được kết quả".into(),
            ));
        }
        let check = self
            .check_signature(d.id, SignedTarget::Draft, signed)
            .await?;
        // Whatever the verdict, the request is over: a refused one is started again.
        self.db().delete_signing_request(d.id.0).await?;
        if !check.valid {
            return Err(AppError::Invalid(format!(
                "chữ ký số không hợp lệ: {}",
                check.reason.unwrap_or_default()
            )));
        }
        self.db().delete_signing_request(d.id.0).await?;
        let current = self
            .db()
            .dossier(d.id)
            .await?
            .ok_or_else(|| AppError::NotFound("không có hồ sơ".into()))?;
        self.run(who, &current, None, Command::Sign { note }).await
    }
}

fn parse_chain(pems: &[String]) -> Result<Vec<Certificate>, AppError> {
    pems.iter()
        .map(|p| motcua_sign::certificate(p.as_bytes()).map_err(sign_err))
        .collect()
}
