//! Clients for the government systems motcua talks to over HTTP — the national e-ID (an
//! OpenID Connect provider), the population registry, the payment gateway and the SMS, e-mail
//! and Zalo gateways — and the dispatcher that delivers the outbox's notifications.
//!
//! motcua knows each system only by a base URL and its keys ([`SystemsConfig`]); the
//! simulator (`motcua-sim`) answers at the same paths with the same message shapes.
//!
//! Must not: decide anything about a dossier (the core does) or write SQL (the store does).

pub mod central;
pub mod crl;
pub mod dispatch;
mod exchange;
pub mod interagency;
pub mod notify;
pub mod oidc;
pub mod payment;
pub mod personal_store;
pub mod pull;
pub mod registry;
pub mod remote_signing;
pub mod signing;
pub mod sync;

use std::time::Duration;

use exchange::{Answer, Payload};
pub use exchange::{MAX_ANSWER, MessageLog};
pub use personal_store::{FileRead, FileSource, StoredDocument};

/// Where the external systems are and the keys shared with them.
#[derive(Clone)]
pub struct SystemsConfig {
    /// The e-ID provider's issuer URL (discovery lives under it).
    pub oidc_issuer: String,
    /// Our client id at the e-ID provider.
    pub oidc_client_id: String,
    /// Our client secret (also the HS256 ID-token key).
    pub oidc_client_secret: String,
    /// Population registry base URL (`…/citizens/{id}`).
    pub registry_url: String,
    /// Payment gateway base URL (`…/orders`).
    pub payment_url: String,
    /// Key the gateway signs callbacks with (HMAC-SHA256).
    pub payment_secret: String,
    /// Notification gateways base URL (`…/sms`, `…/email`, `…/zalo`).
    pub notify_url: String,
    /// National public service portal base URL (`…/DongBoHoSoMC`, `…/CapNhatTienDoHoSoMC`).
    pub portal_url: String,
    /// Secret of our integration account at the portal (client id: `oidc_client_id`).
    pub portal_secret: String,
    /// Tax authority base URL (`…/ho-so`: a dossier's data for the obligation notice).
    pub tax_url: String,
    /// Key the tax authority signs its notices with.
    pub tax_secret: String,
    /// Key the treasury signs its confirmations with.
    pub treasury_secret: String,
    /// How the outside reaches us (callbacks, redirects), e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    /// The CA's remote-signing service base URL (`…/ca/chung-thu`, `…/ky-so/yeu-cau`); empty
    /// when there is none.
    pub signing_url: String,
    /// Our key at the remote-signing service (Bearer).
    pub signing_secret: String,
    /// The ministry's central system for the procedures it handles itself (deployment option
    /// 2): base URL (`…/ho-so?sau=N`).
    pub central_url: String,
    /// Our key there (Bearer); empty: nothing is pulled from it.
    pub central_token: String,
}

impl std::fmt::Debug for SystemsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log line.
        f.debug_struct("SystemsConfig")
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field("registry_url", &self.registry_url)
            .field("payment_url", &self.payment_url)
            .field("notify_url", &self.notify_url)
            .field("portal_url", &self.portal_url)
            .field("tax_url", &self.tax_url)
            .field("public_url", &self.public_url)
            .field("signing_url", &self.signing_url)
            .field("central_url", &self.central_url)
            .finish_non_exhaustive()
    }
}

impl SystemsConfig {
    /// Every system under one base URL, at the simulator's paths, with the given keys.
    pub fn under(base: &str, public_url: &str, keys: Keys) -> Self {
        let base = base.trim_end_matches('/');
        Self {
            oidc_issuer: format!("{base}/oidc"),
            oidc_client_id: keys.oidc_client_id,
            oidc_client_secret: keys.oidc_client_secret,
            registry_url: format!("{base}/registry"),
            payment_url: format!("{base}/payment"),
            payment_secret: keys.payment_secret,
            notify_url: format!("{base}/notify"),
            portal_url: format!("{base}/dvcqg"),
            tax_url: format!("{base}/tax"),
            portal_secret: keys.portal_secret,
            tax_secret: keys.tax_secret,
            treasury_secret: keys.treasury_secret,
            public_url: public_url.trim_end_matches('/').to_owned(),
            signing_url: base.to_owned(),
            signing_secret: keys.signing_secret,
            central_url: format!("{base}/bo"),
            central_token: String::new(),
        }
    }
}

impl SystemsConfig {
    /// The same systems with the remote-signing service elsewhere than under the base URL.
    pub fn with_signing_url(mut self, url: Option<&str>) -> Self {
        if let Some(u) = url.filter(|u| !u.trim().is_empty()) {
            u.trim_end_matches('/').clone_into(&mut self.signing_url);
        }
        self
    }

    /// The same systems with the ministry's central system at `url` (default: under the base
    /// URL) and our key there.
    pub fn with_central(mut self, url: Option<&str>, token: Option<&str>) -> Self {
        if let Some(u) = url.filter(|u| !u.trim().is_empty()) {
            u.trim_end_matches('/').clone_into(&mut self.central_url);
        }
        token
            .unwrap_or_default()
            .clone_into(&mut self.central_token);
        self
    }

    /// Whether dossiers are pulled from the ministry's central system.
    pub fn central(&self) -> bool {
        !self.central_url.is_empty() && !self.central_token.is_empty()
    }

    /// Whether a remote-signing service is configured (an address and our key there).
    pub fn remote_signing(&self) -> bool {
        !self.signing_url.is_empty() && !self.signing_secret.is_empty()
    }
}

/// The keys shared with the external systems.
#[derive(Clone)]
pub struct Keys {
    /// e-ID client id.
    pub oidc_client_id: String,
    /// e-ID client secret.
    pub oidc_client_secret: String,
    /// Payment callback signing key.
    pub payment_secret: String,
    /// Tax notice signing key.
    pub tax_secret: String,
    /// Treasury confirmation signing key.
    pub treasury_secret: String,
    /// National portal integration account secret.
    pub portal_secret: String,
    /// Remote-signing service key.
    pub signing_secret: String,
}

/// A plain HTTP client (for tools such as the benchmark's load generator), with the crypto
/// provider installed like the systems' own client.
pub fn http_client(limit: Duration) -> Result<reqwest::Client, SystemError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    client(limit)
}

fn client(limit: Duration) -> Result<reqwest::Client, SystemError> {
    reqwest::Client::builder()
        .timeout(limit)
        .connect_timeout(limit.min(Duration::from_secs(5)))
        .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SystemError::Unreachable {
            system: "HTTP",
            cause: e.to_string(),
        })
}

/// Why a call to an external system failed.
#[derive(Debug, thiserror::Error)]
pub enum SystemError {
    /// No answer, or not in time.
    #[error("không kết nối được {system}: {cause}")]
    Unreachable {
        /// Which system.
        system: &'static str,
        /// What happened.
        cause: String,
    },
    /// It answered with an error status.
    #[error("{system} trả lỗi {status}")]
    Status {
        /// Which system.
        system: &'static str,
        /// HTTP status.
        status: u16,
        /// `Retry-After`, in seconds, when given.
        retry_after: Option<u64>,
    },
    /// It answered something we cannot read or must not believe.
    #[error("{system} trả dữ liệu không hợp lệ: {cause}")]
    Invalid {
        /// Which system.
        system: &'static str,
        /// What was wrong.
        cause: String,
    },
}

/// The HTTP client and configuration, shared by every handler and the dispatcher.
#[derive(Debug, Clone)]
pub struct Systems {
    /// Configuration.
    pub config: SystemsConfig,
    http: reqwest::Client,
    log: Option<MessageLog>,
    /// The portal's access token, fetched when first needed and again when it expires.
    portal_token: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// Where files are read for filing into the personal data store.
    pub(crate) files: Option<std::sync::Arc<dyn FileSource>>,
}

impl Systems {
    /// A client with a 10-second limit per request.
    pub fn new(config: SystemsConfig) -> Result<Self, SystemError> {
        // reqwest is built without a default crypto provider (no C build); ring is the one
        // sqlx already links. Installing twice is harmless: the first one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Self {
            config,
            http: client(Duration::from_secs(10))?,
            log: None,
            portal_token: std::sync::Arc::default(),
            files: None,
        })
    }

    /// The same systems with another limit per request (and per connection attempt).
    pub fn with_timeout(mut self, limit: Duration) -> Result<Self, SystemError> {
        self.http = client(limit)?;
        Ok(self)
    }

    /// The same systems reading stored files from `files` (to file them in the national
    /// portal's personal data store).
    pub fn with_files(mut self, files: std::sync::Arc<dyn FileSource>) -> Self {
        self.files = Some(files);
        self
    }

    /// The same client recording every exchange in the signed message log.
    pub fn with_log(mut self, log: MessageLog) -> Self {
        self.log = Some(log);
        self
    }

    /// POSTs JSON with an idempotency key (the receiver drops what it has seen); the answer
    /// must say success.
    pub(crate) async fn post_json(
        &self,
        system: &'static str,
        url: String,
        key: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, SystemError> {
        self.call(
            system,
            reqwest::Method::POST,
            url,
            Some(key),
            None,
            Payload::Json(body),
        )
        .await?
        .ok(system)
    }

    /// GETs a URL of one of the systems (any status).
    pub(crate) async fn get(
        &self,
        system: &'static str,
        url: String,
    ) -> Result<Answer, SystemError> {
        self.call(system, reqwest::Method::GET, url, None, None, Payload::None)
            .await
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
