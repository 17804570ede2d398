//! Where `serve` and `demo` keep scans: the `--files-dir` folder (the default, as always) or
//! an S3-compatible bucket when `--files-s3-bucket` is given. The bucket's keys are read from
//! the environment only, never from a flag, which `ps` would show to every user.

use anyhow::{Result, bail};
use clap::Args;
use motcua_web::files::FileStore;
use motcua_web::files::s3::S3Config;

/// The access key id of the bucket (environment only).
const ACCESS_KEY_ID: &str = "MOTCUA_FILES_S3_ACCESS_KEY_ID";
/// The secret access key of the bucket (environment only).
const SECRET_ACCESS_KEY: &str = "MOTCUA_FILES_S3_SECRET_ACCESS_KEY";

/// Options of the scans' storage.
#[derive(Debug, Args)]
pub struct FilesArgs {
    /// Folder for scanned documents (content-addressed); with a bucket, only the scans held
    /// for a day after a refused form stay here.
    #[arg(long, env = "MOTCUA_FILES_DIR", default_value = "files")]
    pub files_dir: String,
    /// Keep scans in this S3-compatible bucket instead of --files-dir (keys from
    /// MOTCUA_FILES_S3_ACCESS_KEY_ID and MOTCUA_FILES_S3_SECRET_ACCESS_KEY).
    #[arg(long, env = "MOTCUA_FILES_S3_BUCKET")]
    pub files_s3_bucket: Option<String>,
    /// The S3-compatible server, e.g. https://s3.example.gov.vn or http://127.0.0.1:9000
    /// (default: AWS).
    #[arg(long, env = "MOTCUA_FILES_S3_ENDPOINT", requires = "files_s3_bucket")]
    pub files_s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, env = "MOTCUA_FILES_S3_REGION", default_value = "us-east-1")]
    pub files_s3_region: String,
    /// A folder inside the bucket for the scans, e.g. motcua/scans.
    #[arg(long, env = "MOTCUA_FILES_S3_PREFIX", requires = "files_s3_bucket")]
    pub files_s3_prefix: Option<String>,
}

impl FilesArgs {
    /// The bucket's settings from these options and the environment, if a bucket was named.
    fn s3_config(&self) -> Result<Option<S3Config>> {
        let Some(bucket) = &self.files_s3_bucket else {
            return Ok(None);
        };
        let key = |name: &str| std::env::var(name).unwrap_or_default();
        let config = S3Config {
            bucket: bucket.trim().to_owned(),
            endpoint: self
                .files_s3_endpoint
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| e.trim_end_matches('/').to_owned()),
            region: self.files_s3_region.trim().to_owned(),
            prefix: self
                .files_s3_prefix
                .as_deref()
                .map(|p| p.trim().trim_matches('/'))
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
            access_key_id: key(ACCESS_KEY_ID),
            secret_access_key: key(SECRET_ACCESS_KEY),
        };
        if config.access_key_id.is_empty() || config.secret_access_key.is_empty() {
            bail!(
                "--files-s3-bucket cần khóa truy cập trong biến môi trường {ACCESS_KEY_ID} và {SECRET_ACCESS_KEY} \
                 (the bucket's keys are read from these environment variables only)"
            );
        }
        config.validate()?;
        Ok(Some(config))
    }

    /// The store these options name, checked: a folder the service cannot write to, or a
    /// bucket that does not answer, stops it here with a message in both languages.
    pub async fn open(&self, scan_command: Option<String>) -> Result<FileStore> {
        let store = match self.s3_config()? {
            Some(config) => {
                let held = std::path::Path::new(&self.files_dir).join("held");
                FileStore::on_s3(&config, held)?
            }
            None => FileStore::new(&self.files_dir),
        };
        if let Err(e) = store.ready().await {
            bail!(
                "không dùng được kho lưu tệp {} (file storage unavailable): {e}",
                store.describe()
            );
        }
        tracing::info!(storage = %store.describe(), "scans stored");
        Ok(store.with_scanner(scan_command))
    }
}
