//! Scanned documents: a content-addressed store, so the same scan is stored once and a
//! dossier refers to it by digest. Only PDF, JPEG and PNG are accepted, read whole by
//! [`crate::content::check`], not judged by their name. Where the bytes live is a port
//! ([`port::Blobs`]) with two adapters: a folder on this machine ([`local::LocalDisk`], the
//! default, `<dir>/<first 2 hex>/<sha256>`) and an S3-compatible bucket ([`s3::S3`]). Whatever
//! the adapter, every read is hashed again and refused unless it is its own name.

use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::ApiError;

mod held;
pub mod local;
pub mod port;
pub mod s3;

use port::{Blobs, Fetched, StorageError, is_digest};

/// Largest accepted scan.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A scan's name in the store: its SHA-256 in hex.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How long a refused form's scans are held for the officer to send it again.
pub const HOLD_HOURS: u64 = 24;

/// The files one form stored for the first time.
#[derive(Debug, Default)]
pub struct Staged {
    new: Vec<String>,
}

/// Where scans live.
#[derive(Debug, Clone)]
pub struct FileStore {
    blobs: Arc<dyn Blobs>,
    /// The folder of the scans held for officers ([`FileStore::hold`]): on this machine
    /// whatever the adapter (see `held.rs` for why).
    held_dir: PathBuf,
    /// A virus scanner run on every file before it is stored (`sh -c`, the file on stdin;
    /// exit 0 clean, 1 infected), e.g. `clamdscan --no-summary -`.
    scanner: Option<String>,
}

/// The EICAR anti-virus test string: every scanner reports it, so the built-in check does
/// too, and a deployment can prove its scanning hook end to end.
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// The kinds of scan accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PDF.
    Pdf,
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
}

impl Kind {
    /// Recognises a file by its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else {
            None
        }
    }

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

impl FileStore {
    /// A store in the folder `dir` on this machine (created on first write), held scans in
    /// `<dir>/held`: the layout of every release so far.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            held_dir: dir.join("held"),
            blobs: Arc::new(local::LocalDisk::new(dir)),
            scanner: None,
        }
    }

    /// A store in an S3-compatible bucket, with held scans in `held_dir` on this machine.
    /// Nothing is sent yet; [`FileStore::ready`] proves the bucket answers.
    pub fn on_s3(
        config: &s3::S3Config,
        held_dir: impl Into<PathBuf>,
    ) -> Result<Self, StorageError> {
        Ok(Self::with_blobs(Arc::new(s3::S3::new(config)?), held_dir))
    }

    /// A store over any adapter of the port, with held scans in `held_dir`.
    pub fn with_blobs(blobs: Arc<dyn Blobs>, held_dir: impl Into<PathBuf>) -> Self {
        Self {
            blobs,
            held_dir: held_dir.into(),
            scanner: None,
        }
    }

    /// Proves the storage answers and takes writes (the folder) or lists (the bucket); the
    /// service calls it at start-up so a wrong bucket or folder stops it at once.
    pub async fn ready(&self) -> Result<(), StorageError> {
        self.blobs.ready().await
    }

    /// Where the scans are, for people: a folder or `s3://bucket/prefix`.
    pub fn describe(&self) -> String {
        self.blobs.describe()
    }

    /// The same store with every file passed through a scanner command first.
    pub fn with_scanner(mut self, command: Option<String>) -> Self {
        self.scanner = command.filter(|c| !c.trim().is_empty());
        self
    }

    /// Refuses infected files: the EICAR test string always, and whatever the configured
    /// scanner reports.
    async fn scan(&self, bytes: &[u8]) -> Result<(), ApiError> {
        let infected = Err(ApiError::Invalid(
            "Tệp bị phát hiện có mã độc; không nhận tệp này".into(),
        ));
        if bytes.windows(EICAR.len()).any(|w| w == EICAR) {
            return infected;
        }
        let Some(command) = &self.scanner else {
            return Ok(());
        };
        use tokio::io::AsyncWriteExt as _;
        let mut child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| {
                ApiError::Unavailable(format!("không chạy được trình quét mã độc: {e}"))
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A scanner that stops reading early has decided already; its exit code tells.
            let _ = stdin.write_all(bytes).await;
        }
        let status = child
            .wait()
            .await
            .map_err(|e| ApiError::Unavailable(format!("trình quét mã độc lỗi: {e}")))?;
        match status.code() {
            Some(0) => Ok(()),
            Some(1) => infected,
            _ => Err(ApiError::Unavailable(
                "trình quét mã độc không trả lời được".into(),
            )),
        }
    }

    /// Checks a scan as [`FileStore::put`] would, without storing it: size, content, scanner.
    pub async fn check(&self, bytes: &[u8]) -> Result<(), ApiError> {
        if bytes.is_empty() {
            return Err(ApiError::Invalid("Tệp rỗng".into()));
        }
        if bytes.len() > MAX_BYTES {
            return Err(ApiError::Invalid(format!(
                "Tệp quá lớn (tối đa {} MB)",
                MAX_BYTES / 1024 / 1024
            )));
        }
        crate::content::check(bytes).map_err(ApiError::Invalid)?;
        self.scan(bytes).await
    }

    /// Checks and stores a scan; returns its digest.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, ApiError> {
        self.check(bytes).await?;
        let digest = digest(bytes);
        self.blobs
            .put(&digest, bytes)
            .await
            .map_err(|e| storage_failed("put", &digest, e))?;
        Ok(digest)
    }

    /// Stores a file sent with a form, remembering in `staged` whether this request wrote it
    /// first, so that a form refused afterwards keeps nothing ([`FileStore::discard`]).
    pub async fn stage(&self, staged: &mut Staged, bytes: &[u8]) -> Result<String, ApiError> {
        let digest = digest(bytes);
        // A storage that cannot say counts as "already there": discarding it later could
        // remove someone else's scan, keeping it only costs space.
        let existed = self.blobs.exists(&digest).await.unwrap_or(true);
        let stored = self.put(bytes).await?;
        if !existed {
            staged.new.push(stored.clone());
        }
        Ok(stored)
    }

    /// Removes the files a refused form stored for the first time (a file that was already
    /// here belongs to someone else and stays).
    pub async fn discard(&self, staged: Staged) {
        for digest in staged.new {
            if let Err(e) = self.blobs.delete(&digest).await {
                // Only space is lost: the scan is named by no dossier.
                tracing::warn!(%digest, error = %e, "a refused form's scan was not removed");
            }
        }
    }

    /// Deletes the bytes of files a destruction list destroyed, which no kept record holds
    /// (the use-case layer decided which); a failure is logged and counted, the record of
    /// the destruction stands.
    pub async fn destroy(&self, digests: &[String]) -> usize {
        let mut failed = 0;
        for digest in digests.iter().filter(|d| is_digest(d)) {
            if let Err(e) = self.blobs.delete(digest).await {
                tracing::error!(%digest, error = %e, "a destroyed file's bytes were not deleted");
                failed += 1;
            }
        }
        failed
    }

    /// Whether a file with this digest is stored (a storage that does not answer says no,
    /// and the failure is logged).
    pub async fn exists(&self, digest: &str) -> bool {
        if !is_digest(digest) {
            return false;
        }
        self.blobs.exists(digest).await.unwrap_or_else(|e| {
            tracing::warn!(%digest, error = %e, "file storage did not answer");
            false
        })
    }

    /// Reads a stored scan, refusing it unless its SHA-256 is still its name: a scan changed
    /// on disk or in the bucket is never served as the one a dossier recorded.
    pub async fn get(&self, digest: &str) -> Result<Vec<u8>, ApiError> {
        if !is_digest(digest) {
            return Err(ApiError::NotFound);
        }
        let corrupt = |detail: String| {
            tracing::error!(
                %digest,
                storage = %self.blobs.describe(),
                %detail,
                "stored file failed its integrity check"
            );
            ApiError::Internal(format!("tệp {digest} hỏng: {detail}"))
        };
        match self.blobs.get(digest, MAX_BYTES).await {
            Ok(Fetched::Bytes(bytes)) => {
                let actual = self::digest(&bytes);
                if actual == digest {
                    Ok(bytes)
                } else {
                    Err(corrupt(format!("its SHA-256 is now {actual}")))
                }
            }
            Ok(Fetched::Missing) => Err(ApiError::NotFound),
            Ok(Fetched::Oversized(size)) => Err(corrupt(format!(
                "{size} bytes, more than any scan accepted"
            ))),
            Err(e) => Err(storage_failed("get", digest, e)),
        }
    }
}

/// A storage failure as the caller sees it: a bucket or disk that does not answer is a
/// service that is not available (503), a refused setting or write a fault inside (500).
fn storage_failed(action: &str, digest: &str, e: StorageError) -> ApiError {
    tracing::error!(%digest, action, error = %e, "file storage");
    match e {
        StorageError::Unreachable(_) => {
            ApiError::Unavailable("kho lưu tệp tạm thời không trả lời; vui lòng thử lại sau".into())
        }
        StorageError::Failed(m) | StorageError::Config(m) => ApiError::Internal(m),
    }
}

/// The dispatcher reads stored files through the store (integrity-checked like every read)
/// when it files them into a person's data store.
impl motcua_integrations::FileSource for FileStore {
    fn read<'a>(&'a self, digest: &'a str) -> motcua_integrations::FileRead<'a> {
        Box::pin(async move {
            match self.get(digest).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(ApiError::NotFound) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scans_are_checked_by_content_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let pdf = crate::sample_pdf::one_page_pdf("test");
        let a = store.put(&pdf).await.unwrap();
        assert_eq!(store.put(&pdf).await.unwrap(), a);
        assert_eq!(store.get(&a).await.unwrap(), pdf);
        assert!(
            store.put(b"MZ\x90\x00 not a scan").await.is_err(),
            "an executable named .pdf is refused"
        );
        assert!(store.put(&[]).await.is_err());
        let mut infected = crate::sample_pdf::one_page_pdf("x");
        infected.extend_from_slice(EICAR);
        assert!(
            store.put(&infected).await.is_err(),
            "the EICAR test file is refused"
        );
        let other = tempfile::tempdir().unwrap();
        let scanned = FileStore::new(other.path())
            .with_scanner(Some("grep -q VIRUS && exit 1 || exit 0".into()));
        assert!(
            scanned
                .put(&crate::sample_pdf::one_page_pdf("VIRUS"))
                .await
                .is_err(),
            "the scanner's verdict counts"
        );
        assert!(
            scanned
                .put(&crate::sample_pdf::one_page_pdf("clean"))
                .await
                .is_ok()
        );
        assert!(store.get("../../etc/passwd").await.is_err());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the refused files were not stored"
        );
    }
}
