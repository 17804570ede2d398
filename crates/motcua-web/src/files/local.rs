//! The local-disk adapter, the default: `<dir>/<first 2 hex>/<digest>`, exactly the layout
//! of every release so far, so existing installations and `motcua backup`/`restore` keep
//! reading the same folder.

use std::path::PathBuf;

use super::port::{Blobs, BoxFuture, Fetched, StorageError, key};

/// Scans in a folder on this machine.
#[derive(Debug, Clone)]
pub struct LocalDisk {
    dir: PathBuf,
}

impl LocalDisk {
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn path(&self, digest: &str) -> PathBuf {
        self.dir.join(key(digest))
    }
}

fn failed(e: std::io::Error) -> StorageError {
    StorageError::Failed(e.to_string())
}

impl Blobs for LocalDisk {
    fn put<'a>(
        &'a self,
        digest: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            let path = self.path(digest);
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Ok(());
            }
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(failed)?;
            }
            // Write then rename, so a crash never leaves a half-written scan under its digest;
            // the temporary name is unique so two requests storing the same scan do not
            // write into one file. It is not a digest, so backups pass it by.
            let tmp = path.with_extension(format!("{}.part", uuid::Uuid::new_v4().simple()));
            if let Err(e) = tokio::fs::write(&tmp, bytes).await {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(failed(e));
            }
            tokio::fs::rename(&tmp, &path).await.map_err(failed)
        })
    }

    fn get<'a>(
        &'a self,
        digest: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Fetched, StorageError>> {
        Box::pin(async move {
            let path = self.path(digest);
            let size = match tokio::fs::metadata(&path).await {
                Ok(m) => m.len(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Fetched::Missing),
                Err(e) => return Err(failed(e)),
            };
            if size > limit as u64 {
                return Ok(Fetched::Oversized(size));
            }
            match tokio::fs::read(&path).await {
                Ok(bytes) if bytes.len() > limit => Ok(Fetched::Oversized(bytes.len() as u64)),
                Ok(bytes) => Ok(Fetched::Bytes(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Fetched::Missing),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn exists<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, Result<bool, StorageError>> {
        Box::pin(async move {
            tokio::fs::try_exists(self.path(digest))
                .await
                .map_err(failed)
        })
    }

    fn delete<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(digest)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(e)),
                _ => Ok(()),
            }
        })
    }

    fn ready(&self) -> BoxFuture<'_, Result<(), StorageError>> {
        // Created now rather than on the first upload, so a folder the service may not write
        // to stops it at start-up instead of refusing the first citizen's scan.
        Box::pin(async move {
            let refused = |e: std::io::Error| {
                StorageError::Failed(format!(
                    "không ghi được vào thư mục {} (cannot write to it): {e}",
                    self.dir.display()
                ))
            };
            tokio::fs::create_dir_all(&self.dir)
                .await
                .map_err(refused)?;
            let probe = self
                .dir
                .join(format!(".ready-{}", uuid::Uuid::new_v4().simple()));
            tokio::fs::write(&probe, b"").await.map_err(refused)?;
            tokio::fs::remove_file(&probe).await.map_err(refused)
        })
    }

    fn describe(&self) -> String {
        self.dir.display().to_string()
    }
}
