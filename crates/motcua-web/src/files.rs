//! Scanned documents: a content-addressed store on local disk (`<dir>/<first 2 hex>/<sha256>`),
//! so the same scan is stored once and a dossier refers to it by digest. Only PDF, JPEG and
//! PNG are accepted, checked by their content, not their name.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::ApiError;

/// Largest accepted scan.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// Where scans live.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

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
        Self { dir: dir.into() }
    }

    fn path(&self, digest: &str) -> Option<PathBuf> {
        let valid = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| self.dir.join(digest.get(..2).unwrap_or("00")).join(digest))
    }

    /// Checks and stores a scan; returns its digest.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, ApiError> {
        if bytes.is_empty() {
            return Err(ApiError::Invalid("Tệp rỗng".into()));
        }
        if bytes.len() > MAX_BYTES {
            return Err(ApiError::Invalid(format!(
                "Tệp quá lớn (tối đa {} MB)",
                MAX_BYTES / 1024 / 1024
            )));
        }
        if Kind::sniff(bytes).is_none() {
            return Err(ApiError::Invalid(
                "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)".into(),
            ));
        }
        let digest: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
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
        let pdf = b"%PDF-1.7\n%test\n".to_vec();
        let a = store.put(&pdf).await.unwrap();
        assert_eq!(store.put(&pdf).await.unwrap(), a);
        assert_eq!(store.get(&a).await.unwrap(), pdf);
        assert!(
            store.put(b"MZ\x90\x00 not a scan").await.is_err(),
            "an executable named .pdf is refused"
        );
        assert!(store.put(&[]).await.is_err());
        assert!(store.get("../../etc/passwd").await.is_err());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the refused file was not stored"
        );
    }
}
