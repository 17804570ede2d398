//! The S3-compatible adapter (AWS S3, MinIO, Ceph RGW, a province's own object storage), for
//! installations whose scans outgrow one disk or whose app servers are several: objects keyed
//! `[<prefix>/]<first 2 hex>/<digest>`, the local layout, so a folder copied into a bucket (or
//! back) is already in place. Requests are signed with ring and sent by the workspace's
//! reqwest; path-style addressing, which every S3-compatible server understands.

use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientOptions, ObjectStore as _, ObjectStoreExt as _, PutPayload, RetryConfig,
};

use super::port::{Blobs, BoxFuture, Fetched, StorageError, key};

/// Where a bucket is and how to reach it. The keys come from the environment only (never a
/// command-line flag, which `ps` shows to every user of the machine).
#[derive(Clone)]
pub struct S3Config {
    /// The bucket (3–63 characters: lowercase letters, digits, `.` and `-`).
    pub bucket: String,
    /// The server, e.g. `https://s3.example.gov.vn` or `http://127.0.0.1:9000`; AWS when unset.
    pub endpoint: Option<String>,
    /// The region the server expects in signatures (`us-east-1` for most non-AWS servers).
    pub region: String,
    /// A folder inside the bucket for our objects, e.g. `motcua/scans` (none: the bucket root).
    pub prefix: Option<String>,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never reaches a log line, even through `{:?}` of the whole settings.
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

fn invalid(message: String) -> StorageError {
    StorageError::Config(message)
}

impl S3Config {
    /// Checks every field (length and characters), naming the first wrong one in Vietnamese
    /// and English.
    pub fn validate(&self) -> Result<(), StorageError> {
        let b = &self.bucket;
        let bucket_chars = b
            .bytes()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-'));
        let ends = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !(3..=63).contains(&b.len())
            || !bucket_chars
            || !ends(b.bytes().next())
            || !ends(b.bytes().last())
        {
            return Err(invalid(format!(
                "tên bucket không hợp lệ: {b:?} (3–63 ký tự a-z, 0-9, '.', '-'; invalid bucket name)"
            )));
        }
        if let Some(e) = &self.endpoint {
            let rest = e
                .strip_prefix("https://")
                .or_else(|| e.strip_prefix("http://"));
            let host_ok = rest.is_some_and(|r| {
                !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#', '@'])
            });
            if e.len() > 2048 || e.chars().any(char::is_whitespace) || !host_ok {
                return Err(invalid(format!(
                    "địa chỉ máy chủ S3 không hợp lệ: {e:?} (cần http:// hoặc https://, tối đa 2048 ký tự; invalid endpoint)"
                )));
            }
        }
        let r = &self.region;
        if !(1..=64).contains(&r.len())
            || !r
                .bytes()
                .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'-'))
        {
            return Err(invalid(format!(
                "vùng S3 không hợp lệ: {r:?} (1–64 ký tự a-z, 0-9, '-'; invalid region)"
            )));
        }
        if let Some(p) = &self.prefix {
            let segment_ok = |s: &str| {
                !s.is_empty()
                    && s != "."
                    && s != ".."
                    && s.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'))
            };
            if p.len() > 512 || !p.split('/').all(segment_ok) {
                return Err(invalid(format!(
                    "tiền tố S3 không hợp lệ: {p:?} (các đoạn A-Z, a-z, 0-9, '.', '-', '_' nối bằng '/', tối đa 512 ký tự; invalid prefix)"
                )));
            }
        }
        let printable = |s: &str| s.bytes().all(|c| c.is_ascii_graphic());
        if !(1..=128).contains(&self.access_key_id.len()) || !printable(&self.access_key_id) {
            return Err(invalid(
                "thiếu hoặc sai MOTCUA_FILES_S3_ACCESS_KEY_ID (1–128 ký tự ASCII; missing or invalid access key id)".into(),
            ));
        }
        if !(1..=256).contains(&self.secret_access_key.len()) || !printable(&self.secret_access_key)
        {
            return Err(invalid(
                "thiếu hoặc sai MOTCUA_FILES_S3_SECRET_ACCESS_KEY (1–256 ký tự ASCII; missing or invalid secret access key)".into(),
            ));
        }
        Ok(())
    }
}

/// Scans in an S3-compatible bucket.
#[derive(Debug)]
pub struct S3 {
    store: AmazonS3,
    bucket: String,
    prefix: Option<String>,
}

impl S3 {
    /// A client for the bucket (nothing is sent yet: see [`Blobs::ready`]).
    pub fn new(config: &S3Config) -> Result<Self, StorageError> {
        config.validate()?;
        // reqwest is built without a bundled TLS provider (no C build); ring is the one the
        // workspace links. Installing twice is harmless: the first one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let allow_http = config
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        let options = ClientOptions::new()
            .with_allow_http(allow_http)
            .with_connect_timeout(Duration::from_secs(5))
            .with_timeout(Duration::from_secs(60));
        // A few quick retries: a citizen waits on the upload, and a bucket that does not
        // answer at start-up should stop the service in seconds, not minutes.
        let retry = RetryConfig {
            backoff: BackoffConfig::default(),
            max_retries: 3,
            retry_timeout: Duration::from_secs(20),
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_client_options(options)
            .with_retry(retry);
        if let Some(endpoint) = &config.endpoint {
            builder = builder.with_endpoint(endpoint.trim_end_matches('/'));
        }
        let store = builder
            .build()
            .map_err(|e| invalid(format!("cấu hình S3 không dùng được: {e}")))?;
        Ok(Self {
            store,
            bucket: config.bucket.clone(),
            prefix: config.prefix.clone(),
        })
    }

    fn root(&self) -> Path {
        Path::from_iter(self.prefix.iter().flat_map(|p| p.split('/')))
    }

    fn location(&self, digest: &str) -> Path {
        let key = key(digest);
        Path::from_iter(
            self.prefix
                .iter()
                .flat_map(|p| p.split('/'))
                .chain(key.split('/')),
        )
    }
}

fn unreachable(e: object_store::Error) -> StorageError {
    StorageError::Unreachable(e.to_string())
}

impl Blobs for S3 {
    fn put<'a>(
        &'a self,
        digest: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            // Asked first so that a bucket with versioning does not collect a new version of
            // the same scan on every upload of it.
            if self.exists(digest).await? {
                return Ok(());
            }
            let payload = PutPayload::from(bytes.to_vec());
            self.store
                .put(&self.location(digest), payload)
                .await
                .map(|_| ())
                .map_err(unreachable)
        })
    }

    fn get<'a>(
        &'a self,
        digest: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Fetched, StorageError>> {
        Box::pin(async move {
            let found = match self.store.get(&self.location(digest)).await {
                Ok(found) => found,
                Err(object_store::Error::NotFound { .. }) => return Ok(Fetched::Missing),
                Err(e) => return Err(unreachable(e)),
            };
            if found.meta.size > limit as u64 {
                return Ok(Fetched::Oversized(found.meta.size));
            }
            let bytes = found.bytes().await.map_err(unreachable)?;
            if bytes.len() > limit {
                return Ok(Fetched::Oversized(bytes.len() as u64));
            }
            Ok(Fetched::Bytes(bytes.to_vec()))
        })
    }

    fn exists<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, Result<bool, StorageError>> {
        Box::pin(async move {
            match self.store.head(&self.location(digest)).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(unreachable(e)),
            }
        })
    }

    fn delete<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            match self.store.delete(&self.location(digest)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(unreachable(e)),
            }
        })
    }

    fn ready(&self) -> BoxFuture<'_, Result<(), StorageError>> {
        // A listing, not a HEAD of some key: a HEAD answer has no body, so a missing bucket
        // and a missing key look the same; a listing of a missing bucket says NoSuchBucket.
        Box::pin(async move {
            let root = self.root();
            let root = (!root.as_ref().is_empty()).then_some(root);
            self.store
                .list_with_delimiter(root.as_ref())
                .await
                .map(|_| ())
                .map_err(unreachable)
        })
    }

    fn describe(&self) -> String {
        match &self.prefix {
            Some(p) => format!("s3://{}/{p}", self.bucket),
            None => format!("s3://{}", self.bucket),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> S3Config {
        S3Config {
            bucket: "motcua-scans".into(),
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: "us-east-1".into(),
            prefix: Some("province/scans".into()),
            access_key_id: "key".into(),
            secret_access_key: "secret".into(),
        }
    }

    #[test]
    fn s3_settings_are_checked_field_by_field() {
        assert!(config().validate().is_ok());
        let refused = |change: fn(&mut S3Config)| {
            let mut c = config();
            change(&mut c);
            c.validate().is_err()
        };
        assert!(refused(|c| c.bucket = "ab".into()), "too short");
        assert!(refused(|c| c.bucket = "a".repeat(64)), "too long");
        assert!(refused(|c| c.bucket = "Scans".into()), "uppercase");
        assert!(refused(|c| c.bucket = "-scans".into()));
        assert!(refused(|c| c.endpoint = Some("ftp://x".into())));
        assert!(refused(|c| c.endpoint = Some("http://".into())));
        assert!(refused(|c| c.endpoint = Some("http://user@host".into())));
        assert!(refused(
            |c| c.endpoint = Some(format!("https://{}", "a".repeat(2048)))
        ));
        assert!(refused(|c| c.region = String::new()));
        assert!(refused(|c| c.region = "us east".into()));
        assert!(refused(|c| c.prefix = Some("../up".into())));
        assert!(refused(|c| c.prefix = Some("a//b".into())));
        assert!(refused(|c| c.prefix = Some("a/".into())));
        assert!(refused(|c| c.prefix = Some("x".repeat(513))));
        assert!(refused(|c| c.access_key_id = String::new()));
        assert!(refused(|c| c.secret_access_key = "has space".into()));
        assert!(refused(|c| c.secret_access_key = "s".repeat(257)));
        let shown = format!("{:?}", config());
        assert!(
            !shown.contains("secret\""),
            "the secret is not printed: {shown}"
        );
        let store = S3::new(&config()).unwrap();
        assert_eq!(store.describe(), "s3://motcua-scans/province/scans");
        assert_eq!(
            store.location(&"ab".repeat(32)).as_ref(),
            format!("province/scans/ab/{}", "ab".repeat(32))
        );
    }
}
