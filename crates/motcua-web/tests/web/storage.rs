//! The file store's contract, run on both adapters: a folder, and a real S3-compatible server
//! (`moto_server`, PyPI `moto[server]`) started here on loopback. Without `moto_server` the S3
//! half says so and passes, unless `MOTCUA_TEST_S3_REQUIRED=1` (CI sets it).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::response::IntoResponse as _;
use futures_util::StreamExt as _;
use motcua_web::ApiError;
use motcua_web::files::s3::S3Config;
use motcua_web::files::{FileStore, MAX_BYTES, Staged, digest};
use motcua_web::sample_pdf::one_page_pdf;
use object_store::{ObjectStore as _, ObjectStoreExt as _};

/// A plain HTTP client, with the crypto provider the workspace's reqwest expects installed.
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Reaches under the store to where an adapter keeps the bytes, as an intruder or a failing
/// disk would: to count objects and to change one.
enum Raw {
    Dir(PathBuf),
    /// A client of its own for the store's bucket, and the store's prefix.
    Bucket(object_store::aws::AmazonS3, String),
}

impl Raw {
    async fn overwrite(&self, digest: &str, bytes: Vec<u8>) {
        let key = format!("{}/{digest}", &digest[..2]);
        match self {
            Self::Dir(dir) => std::fs::write(dir.join(key), bytes).unwrap(),
            Self::Bucket(bucket, prefix) => {
                let path = object_store::path::Path::parse(format!("{prefix}/{key}")).unwrap();
                bucket.put(&path, bytes.into()).await.unwrap();
            }
        }
    }

    /// How many objects hold a scan (named by a digest, in a shard named by its first two
    /// hex digits), and that nothing else was left beside them.
    async fn count(&self) -> usize {
        match self {
            Self::Dir(dir) => {
                let mut n = 0;
                for shard in std::fs::read_dir(dir).unwrap() {
                    let shard = shard.unwrap().path();
                    if shard.file_name().unwrap() == "held" {
                        continue;
                    }
                    for file in std::fs::read_dir(&shard).unwrap() {
                        let name = file.unwrap().file_name().into_string().unwrap();
                        assert_eq!(name.len(), 64, "only scans in the store: {name}");
                        assert!(name.starts_with(shard.file_name().unwrap().to_str().unwrap()));
                        n += 1;
                    }
                }
                n
            }
            Self::Bucket(bucket, prefix) => {
                let keys: Vec<String> = bucket
                    .list(None)
                    .map(|meta| meta.unwrap().location.to_string())
                    .collect()
                    .await;
                for key in &keys {
                    let rest = key.strip_prefix(&format!("{prefix}/")).unwrap();
                    let (shard, name) = rest.split_once('/').unwrap();
                    assert!(name.len() == 64 && name.starts_with(shard), "{key}");
                }
                keys.len()
            }
        }
    }
}

/// One contract, whatever keeps the bytes.
async fn keeps_the_storage_contract(store: &FileStore, raw: &Raw) {
    let pdf = one_page_pdf("hợp đồng");
    let a = store.put(&pdf).await.unwrap();
    assert_eq!(a, digest(&pdf), "named by its SHA-256");
    assert_eq!(store.put(&pdf).await.unwrap(), a, "the same scan twice…");
    assert_eq!(raw.count().await, 1, "…is stored once");
    assert_eq!(store.get(&a).await.unwrap(), pdf, "and read back whole");
    assert!(store.exists(&a).await);

    let absent = digest(b"never stored");
    assert!(!store.exists(&absent).await);
    assert!(matches!(store.get(&absent).await, Err(ApiError::NotFound)));

    // A refused form removes what it stored first, never a scan someone else had stored.
    let theirs = one_page_pdf("của người khác");
    let theirs = store.put(&theirs).await.unwrap();
    let mut staged = Staged::default();
    assert_eq!(
        store
            .stage(&mut staged, &one_page_pdf("của người khác"))
            .await
            .unwrap(),
        theirs
    );
    let mine = store
        .stage(&mut staged, &one_page_pdf("của biểu mẫu bị từ chối"))
        .await
        .unwrap();
    assert!(store.exists(&mine).await);
    store.discard(staged).await;
    assert!(!store.exists(&mine).await, "the form's own scan is gone");
    assert!(store.exists(&theirs).await, "the other scan stays");
    assert_eq!(raw.count().await, 2);

    // Changed where it is kept: refused on read, and not as "not found".
    raw.overwrite(&a, one_page_pdf("bản bị sửa")).await;
    let refused = store.get(&a).await.unwrap_err();
    assert!(matches!(refused, ApiError::Internal(_)), "{refused:?}");
    assert_eq!(refused.into_response().status(), 500);
    raw.overwrite(&theirs, vec![b'x'; MAX_BYTES + 1]).await;
    assert!(
        matches!(store.get(&theirs).await, Err(ApiError::Internal(_))),
        "larger than any scan: refused without being read whole"
    );
    raw.overwrite(&a, pdf.clone()).await;
    assert_eq!(store.get(&a).await.unwrap(), pdf, "put right, served again");

    // Names that are not a digest reach no path and no key.
    let upper = a.to_uppercase();
    for name in [
        "../../etc/passwd",
        "",
        "held",
        &upper,
        &format!("{a}/x"),
        &a[..63],
    ] {
        assert!(
            matches!(store.get(name).await, Err(ApiError::NotFound)),
            "{name}"
        );
        assert!(!store.exists(name).await, "{name}");
    }
    assert_eq!(raw.count().await, 2);

    // Held scans wait beside the store, not in it.
    let held = store
        .hold("officer", &one_page_pdf("giữ lại"))
        .await
        .unwrap();
    assert!(store.held("officer", &held).await.is_some());
    assert!(store.held("someone else", &held).await.is_none());
    assert!(!store.exists(&held).await);
    store.release("officer", &held).await;
    assert!(store.held("officer", &held).await.is_none());
    assert_eq!(raw.count().await, 2);
}

#[tokio::test]
async fn local_disk_keeps_the_storage_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path());
    store.ready().await.unwrap();
    keeps_the_storage_contract(&store, &Raw::Dir(dir.path().to_path_buf())).await;
}

#[tokio::test]
async fn a_folder_the_service_cannot_write_to_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a file, not a folder");
    std::fs::write(&file, b"").unwrap();
    assert!(FileStore::new(&file).ready().await.is_err());
}

/// A `moto_server` on a free loopback port, killed when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts one and waits until it answers; `None` (after a note) when `moto_server` is not
    /// installed and the S3 tests are not required.
    async fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let spawned = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) => {
                let required = std::env::var("MOTCUA_TEST_S3_REQUIRED").is_ok_and(|v| v == "1");
                assert!(
                    !required,
                    "MOTCUA_TEST_S3_REQUIRED=1 but moto_server did not start: {e}"
                );
                eprintln!(
                    "note: S3 storage not tested: moto_server did not start ({e}); \
                     pip install 'moto[server]'"
                );
                return None;
            }
        };
        let mut moto = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..300 {
            if http().get(&moto.url).send().await.is_ok() {
                return Some(moto);
            }
            let exited = moto.child.try_wait().unwrap();
            assert!(exited.is_none(), "moto_server exited early: {exited:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let answered = http().get(&moto.url).send().await;
        assert!(answered.is_ok(), "moto_server did not answer in 30 s");
        Some(moto)
    }

    async fn create_bucket(&self, bucket: &str) {
        let answer = http()
            .put(format!("{}/{bucket}", self.url))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }

    fn config(&self, bucket: &str) -> S3Config {
        S3Config {
            bucket: bucket.into(),
            endpoint: Some(self.url.clone()),
            region: "us-east-1".into(),
            prefix: Some("province/scans".into()),
            access_key_id: "testing".into(),
            secret_access_key: "testing".into(),
        }
    }
}

#[tokio::test]
async fn s3_storage_keeps_the_storage_contract() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    moto.create_bucket("bucket").await;
    let held = tempfile::tempdir().unwrap();
    let store = FileStore::on_s3(&moto.config("bucket"), held.path()).unwrap();
    store.ready().await.unwrap();
    assert_eq!(store.describe(), "s3://bucket/province/scans");
    let raw = Raw::Bucket(
        object_store::aws::AmazonS3Builder::new()
            .with_bucket_name("bucket")
            .with_endpoint(&moto.url)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .build()
            .unwrap(),
        "province/scans".into(),
    );
    keeps_the_storage_contract(&store, &raw).await;
}

#[tokio::test]
async fn a_bucket_that_does_not_answer_is_refused_at_start() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let held = tempfile::tempdir().unwrap();
    let missing = FileStore::on_s3(&moto.config("no-such-bucket"), held.path()).unwrap();
    let refused = missing.ready().await.unwrap_err().to_string();
    assert!(refused.contains("NoSuchBucket"), "{refused}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut config = moto.config("bucket");
    config.endpoint = Some(format!("http://{}", closed.local_addr().unwrap()));
    drop(closed);
    let unreachable = FileStore::on_s3(&config, held.path()).unwrap();
    assert!(unreachable.ready().await.is_err());
    // Once running, a storage that stops answering is "unavailable", not "not found".
    assert!(matches!(
        unreachable.put(&one_page_pdf("x")).await,
        Err(ApiError::Unavailable(_))
    ));
    assert!(matches!(
        unreachable.get(&digest(b"x")).await,
        Err(ApiError::Unavailable(_))
    ));
}
