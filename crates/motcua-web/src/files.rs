//! Scanned documents: a content-addressed store on local disk (`<dir>/<first 2 hex>/<sha256>`),
//! so the same scan is stored once and a dossier refers to it by digest. Only PDF, JPEG and
//! PNG are accepted, read whole by [`crate::content::check`], not judged by their name.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::ApiError;

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
    dir: PathBuf,
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
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            scanner: None,
        }
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

    fn path(&self, digest: &str) -> Option<PathBuf> {
        let valid = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| self.dir.join(digest.get(..2).unwrap_or("00")).join(digest))
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
        let path = self
            .path(&digest)
            .ok_or_else(|| ApiError::Internal("bad digest".into()))?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(digest);
        }
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        }
        // Write then rename, so a crash never leaves a half-written scan under its digest.
        let tmp = path.with_extension("part");
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(digest)
    }

    /// Stores a file sent with a form, remembering in `staged` whether this request wrote it
    /// first, so that a form refused afterwards keeps nothing ([`FileStore::discard`]).
    pub async fn stage(&self, staged: &mut Staged, bytes: &[u8]) -> Result<String, ApiError> {
        let digest = digest(bytes);
        let existed = self.exists(&digest).await;
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
            if let Some(path) = self.path(&digest) {
                let _ = tokio::fs::remove_file(path).await;
            }
        }
    }

    /// Where the scans held for one officer wait: `<dir>/held/<owner's hash>/<digest>`. The
    /// owner is hashed so no account name reaches a path, and the folder names are not the
    /// shape of a stored scan's, so backups leave them out.
    fn held_path(&self, owner: &str, digest: &str) -> Option<PathBuf> {
        let owner: String = Sha256::digest(owner.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let valid = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| self.dir.join("held").join(owner).join(digest))
    }

    /// Holds a checked scan of a form that was refused for another reason, so the officer
    /// does not attach it again (nothing enters the store until the form goes through).
    /// Held scans older than [`HOLD_HOURS`] are removed here, whoever held them.
    pub async fn hold(&self, owner: &str, bytes: &[u8]) -> Result<String, ApiError> {
        self.check(bytes).await?;
        self.sweep_held().await;
        let digest = digest(bytes);
        let path = self
            .held_path(owner, &digest)
            .ok_or_else(|| ApiError::Internal("bad digest".into()))?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        }
        tokio::fs::write(&path, bytes)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(digest)
    }

    /// A scan this owner holds (another officer's digest finds nothing).
    pub async fn held(&self, owner: &str, digest: &str) -> Option<Vec<u8>> {
        tokio::fs::read(self.held_path(owner, digest)?).await.ok()
    }

    /// Lets go of a held scan once its form went through.
    pub async fn release(&self, owner: &str, digest: &str) {
        if let Some(path) = self.held_path(owner, digest) {
            let _ = tokio::fs::remove_file(path).await;
        }
    }

    async fn sweep_held(&self) {
        let cutoff = std::time::Duration::from_secs(HOLD_HOURS * 3600);
        let Ok(mut owners) = tokio::fs::read_dir(self.dir.join("held")).await else {
            return;
        };
        while let Ok(Some(owner)) = owners.next_entry().await {
            let Ok(mut files) = tokio::fs::read_dir(owner.path()).await else {
                continue;
            };
            while let Ok(Some(file)) = files.next_entry().await {
                let old = file
                    .metadata()
                    .await
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > cutoff);
                if old {
                    let _ = tokio::fs::remove_file(file.path()).await;
                }
            }
        }
    }

    /// Whether a file with this digest is stored.
    pub async fn exists(&self, digest: &str) -> bool {
        match self.path(digest) {
            Some(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
            None => false,
        }
    }

    /// Reads a stored scan.
    pub async fn get(&self, digest: &str) -> Result<Vec<u8>, ApiError> {
        let path = self.path(digest).ok_or(ApiError::NotFound)?;
        tokio::fs::read(path).await.map_err(|_| ApiError::NotFound)
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
