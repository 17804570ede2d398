//! The storage port: where a scan's bytes live once [`super::FileStore`] has checked them.
//! An adapter only keeps bytes under a name; it never checks content, runs the scanner or
//! judges a name — the store does, once, for every adapter (and re-hashes on every read, so
//! an adapter that hands back the wrong bytes is caught).

use std::future::Future;
use std::pin::Pin;

/// A boxed future, so the port can be a trait object (`Arc<dyn Blobs>`) without a macro.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A storage failure. Every variant is a fault of the storage, never "no such file".
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The storage did not answer or refused us (network, credentials, missing bucket).
    #[error("kho lưu tệp không trả lời: {0}")]
    Unreachable(String),
    /// The storage answered but the operation failed (disk full, permissions).
    #[error("lỗi kho lưu tệp: {0}")]
    Failed(String),
    /// The settings cannot describe a storage (bad bucket name, endpoint, prefix).
    #[error("{0}")]
    Config(String),
}

/// Where stored scans' bytes are kept, by name. Names are always a valid digest; the key an
/// adapter derives from it is `<first 2 hex>/<digest>` (under its own root or prefix).
pub trait Blobs: std::fmt::Debug + Send + Sync {
    /// Keeps `bytes` under `digest`, all or nothing: a reader never sees half an object.
    /// Writing a digest that is already there is harmless (same name, same bytes).
    fn put<'a>(
        &'a self,
        digest: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<(), StorageError>>;

    /// The bytes under `digest`, `None` when there are none; `limit` bounds what is read, so
    /// an object replaced by something huge is refused without loading it (`Some` of more
    /// than `limit` bytes is never returned; such an object comes back as `Oversized`).
    fn get<'a>(
        &'a self,
        digest: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Fetched, StorageError>>;

    /// Whether something is stored under `digest`.
    fn exists<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, Result<bool, StorageError>>;

    /// Removes what is under `digest` (nothing there is not an error).
    fn delete<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, Result<(), StorageError>>;

    /// Proves the storage answers (at start-up, so a wrong bucket stops the service early).
    fn ready(&self) -> BoxFuture<'_, Result<(), StorageError>>;

    /// Where the bytes are, for people: a folder or `s3://bucket/prefix`.
    fn describe(&self) -> String;
}

/// What a read found.
#[derive(Debug)]
pub enum Fetched {
    /// The stored bytes.
    Bytes(Vec<u8>),
    /// Nothing is stored under the name.
    Missing,
    /// Something larger than the limit is stored under the name (never a scan we wrote).
    Oversized(u64),
}

/// The key of a digest under a root: `<first 2 hex>/<digest>`, the layout of the local store
/// since its first release (backups and restores read it too).
pub fn key(digest: &str) -> String {
    format!("{}/{digest}", digest.get(..2).unwrap_or("00"))
}

/// Whether `name` is a digest as [`super::digest`] writes it: 64 lowercase hex digits, so no
/// other name reaches a path or an object key.
pub fn is_digest(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
