//! Scans held for an officer after a refused form ([`FileStore::hold`]), so they are not
//! attached again when the form is sent back.
//!
//! They stay in a folder on this machine even when the store is a bucket: they are
//! transient (a day at most, swept by their modification time, which a bucket cannot list
//! by cheaply), belong to one officer's next request, and must never enter the bucket whose
//! versioning and replication are the scans' backup — nothing a citizen filed is among them.
//! With several app servers, a form sent back to another server finds nothing held and asks
//! for the scan again, which is the state before holding existed, not a loss.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::port::is_digest;
use super::{FileStore, HOLD_HOURS, digest};
use crate::ApiError;

impl FileStore {
    /// Where the scans held for one officer wait: `<held dir>/<owner's hash>/<digest>`. The
    /// owner is hashed so no account name reaches a path, and the folder names are not the
    /// shape of a stored scan's, so backups leave them out.
    fn held_path(&self, owner: &str, digest: &str) -> Option<PathBuf> {
        let owner: String = Sha256::digest(owner.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        is_digest(digest).then(|| self.held_dir.join(owner).join(digest))
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
    /// Checked against its name like a stored scan: a changed file is not handed back.
    pub async fn held(&self, owner: &str, digest: &str) -> Option<Vec<u8>> {
        let bytes = tokio::fs::read(self.held_path(owner, digest)?).await.ok()?;
        if super::digest(&bytes) == digest {
            Some(bytes)
        } else {
            tracing::error!(%digest, "held scan failed its integrity check");
            None
        }
    }

    /// Lets go of a held scan once its form went through.
    pub async fn release(&self, owner: &str, digest: &str) {
        if let Some(path) = self.held_path(owner, digest) {
            let _ = tokio::fs::remove_file(path).await;
        }
    }

    async fn sweep_held(&self) {
        let cutoff = std::time::Duration::from_secs(HOLD_HOURS * 3600);
        let Ok(mut owners) = tokio::fs::read_dir(&self.held_dir).await else {
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
}
