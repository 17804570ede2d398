//! `motcua serve`: the web service on the configured database, with the notification
//! dispatcher running beside it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use motcua_integrations::{Keys, Systems, SystemsConfig};
use motcua_web::AppState;

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub common: CommonServeArgs,
    #[command(flatten)]
    pub gov: GovArgs,
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// How leaders' digital signatures on results are made (unset: by the remote-signing service
/// when `--remote-signing-secret` is given, else results are signed by hand).
#[derive(Debug, Args)]
pub struct SigningArgs {
    /// A PKCS#12 file (.p12/.pfx) with the agency's signing key and certificate chain, for
    /// installations without a remote-signing service; its password is read from the
    /// environment variable MOTCUA_SIGNING_PKCS12_PASSWORD only.
    #[arg(long, env = "MOTCUA_SIGNING_PKCS12")]
    pub signing_pkcs12: Option<std::path::PathBuf>,
}

impl SigningArgs {
    /// The local key, read and checked at start-up.
    pub fn local_key(&self) -> Result<Option<Arc<motcua_sign::LocalKey>>> {
        let Some(path) = &self.signing_pkcs12 else {
            return Ok(None);
        };
        let bytes = std::fs::read(path)
            .with_context(|| format!("không đọc được tệp khóa ký {}", path.display()))?;
        // The password only from the environment, so it never shows in `ps`.
        let password = std::env::var("MOTCUA_SIGNING_PKCS12_PASSWORD").unwrap_or_default();
        let key = motcua_sign::read_pkcs12(&bytes, &password)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Some(Arc::new(key)))
    }
}

/// Where the government systems are and the keys shared with them.
#[derive(Debug, Args)]
pub struct GovArgs {
    /// Base URL of the government systems (e-ID under /oidc, population registry under
    /// /registry, payment gateway under /payment, notifications under /notify).
    #[arg(long, env = "MOTCUA_GOV_URL")]
    pub gov_url: Option<String>,
    /// Our client id at the e-ID provider.
    #[arg(long, env = "MOTCUA_OIDC_CLIENT_ID", default_value = "motcua")]
    pub oidc_client_id: String,
    /// Our client secret at the e-ID provider.
    #[arg(long, env = "MOTCUA_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// The key the payment gateway signs callbacks with.
    #[arg(long, env = "MOTCUA_PAYMENT_SECRET", hide_env_values = true)]
    pub payment_secret: Option<String>,
    /// The secret of our integration account at the national portal (DVCQG).
    #[arg(long, env = "MOTCUA_PORTAL_SECRET", hide_env_values = true)]
    pub portal_secret: Option<String>,
    /// The key the tax authority signs its notices with (unset: notices are refused).
    #[arg(long, env = "MOTCUA_TAX_SECRET", hide_env_values = true)]
    pub tax_secret: Option<String>,
    /// The key the treasury signs its confirmations with (unset: confirmations are refused).
    #[arg(long, env = "MOTCUA_TREASURY_SECRET", hide_env_values = true)]
    pub treasury_secret: Option<String>,
    /// The CA's remote-signing service (default: under --gov-url).
    #[arg(long, env = "MOTCUA_REMOTE_SIGNING_URL")]
    pub remote_signing_url: Option<String>,
    /// Our key at the remote-signing service (unset: no remote signing).
    #[arg(long, env = "MOTCUA_REMOTE_SIGNING_SECRET", hide_env_values = true)]
    pub remote_signing_secret: Option<String>,
    /// The ministry's central system, whose dossiers are pulled in read-only (deployment
    /// option 2; default: under --gov-url at /bo).
    #[arg(long, env = "MOTCUA_CENTRAL_URL")]
    pub central_url: Option<String>,
    /// Our key at the ministry's central system (unset: nothing is pulled from it).
    #[arg(long, env = "MOTCUA_CENTRAL_TOKEN", hide_env_values = true)]
    pub central_token: Option<String>,
}

/// Options `serve` and `demo` share.
#[derive(Debug, Args)]
pub struct CommonServeArgs {
    #[command(flatten)]
    pub files: super::files::FilesArgs,
    /// How the outside reaches this service (redirects and callbacks); default http://BIND.
    #[arg(long, env = "MOTCUA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A virus scanner every upload goes through (`sh -c`, file on stdin, exit 1 = infected),
    /// e.g. "clamdscan --no-summary -". The EICAR test file is always refused.
    #[arg(long, env = "MOTCUA_SCAN_COMMAND")]
    pub scan_command: Option<String>,
    /// Do not run the notification dispatcher in this process.
    #[arg(long)]
    pub no_worker: bool,
    /// The installation's signing key for the message log (Ed25519, PKCS#8; made on first
    /// start, keep it safe and backed up).
    #[arg(long, env = "MOTCUA_SIGNING_KEY", default_value = "motcua-signing.key")]
    pub signing_key: std::path::PathBuf,
}

/// The client for the government systems, recording every exchange in the signed log.
pub async fn systems_with_log(
    config: SystemsConfig,
    db: &motcua_store::Db,
    key: &std::path::Path,
    clock: Arc<dyn motcua_core::clock::Clock>,
) -> Result<Systems> {
    let signer =
        motcua_integrations::signing::Signer::load_or_create(key).map_err(anyhow::Error::msg)?;
    let log = motcua_integrations::MessageLog::open(db.clone(), signer, clock)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(Systems::new(config)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_log(log))
}

pub async fn run(ctx: &Ctx, args: ServeArgs) -> Result<()> {
    init_logging();
    let db = open_db(&ctx.database_url).await?;
    let listener = bind(&args.bind).await?;
    let public = public_url(&args.common, &listener)?;
    let systems = args.gov.config(&public)?;
    let local = args.signing.local_key()?;
    serve_on(ctx, db, listener, &args.common, systems, local).await
}

impl GovArgs {
    /// The systems' configuration, if a base URL was given.
    pub fn config(&self, public_url: &str) -> Result<Option<SystemsConfig>> {
        let Some(base) = &self.gov_url else {
            return Ok(None);
        };
        let (Some(oidc_secret), Some(payment_secret)) =
            (self.oidc_client_secret.clone(), self.payment_secret.clone())
        else {
            bail!(
                "--gov-url cần --oidc-client-secret và --payment-secret (hoặc MOTCUA_OIDC_CLIENT_SECRET, MOTCUA_PAYMENT_SECRET)"
            );
        };
        Ok(Some(
            SystemsConfig::under(
                base,
                public_url,
                Keys {
                    oidc_client_id: self.oidc_client_id.clone(),
                    oidc_client_secret: oidc_secret,
                    payment_secret,
                    tax_secret: self.tax_secret.clone().unwrap_or_default(),
                    treasury_secret: self.treasury_secret.clone().unwrap_or_default(),
                    portal_secret: self.portal_secret.clone().unwrap_or_default(),
                    signing_secret: self.remote_signing_secret.clone().unwrap_or_default(),
                },
            )
            .with_signing_url(self.remote_signing_url.as_deref())
            .with_central(self.central_url.as_deref(), self.central_token.as_deref()),
        ))
    }
}

/// Binds the listening socket.
pub async fn bind(address: &str) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("không mở được cổng {address}"))
}

/// The URL the outside uses to reach us.
pub fn public_url(args: &CommonServeArgs, listener: &tokio::net::TcpListener) -> Result<String> {
    Ok(match &args.public_url {
        Some(u) => u.trim_end_matches('/').to_owned(),
        None => format!("http://{}", listener.local_addr()?),
    })
}

/// Serves an open database until Ctrl-C or SIGTERM; delivers notifications meanwhile.
pub async fn serve_on(
    ctx: &Ctx,
    db: motcua_store::Db,
    listener: tokio::net::TcpListener,
    args: &CommonServeArgs,
    systems: Option<SystemsConfig>,
    local_key: Option<Arc<motcua_sign::LocalKey>>,
) -> Result<()> {
    let calendar = ctx.calendar_data().await?;
    let clock = Arc::new(SystemClock);
    let files = args.files.open(args.scan_command.clone()).await?;
    let mut state = AppState::new(db.clone(), calendar.clone(), clock.clone());
    state.files = files.clone();
    state.public_url = public_url(args, &listener)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut worker = None;
    let mut pullers = None;
    let mut crls = None;
    if let Some(config) = systems {
        let systems = systems_with_log(config, &db, &args.signing_key, clock.clone())
            .await?
            .with_files(Arc::new(files.clone()));
        state = state.with_systems(systems.clone());
        if local_key.is_none() && systems.config.remote_signing() {
            state
                .app
                .set_result_signer(motcua_app::ResultSigner::Remote(Arc::new(systems.clone())));
        }
        if !args.no_worker {
            // The CAs' revocation lists, at start and every hour after.
            let mut crl_stop = stop_rx.clone();
            crls = Some(tokio::spawn(motcua_integrations::crl::run(
                state.app.clone(),
                Arc::new(systems.clone()),
                Duration::from_secs(3600),
                async move {
                    let _ = crl_stop.wait_for(|stop| *stop).await;
                },
            )));
            let mut pull_stop = stop_rx.clone();
            pullers = Some(tokio::spawn(motcua_integrations::pull::run(
                state.app.clone(),
                Arc::new(systems.clone()),
                Duration::from_secs(30),
                async move {
                    let _ = pull_stop.wait_for(|stop| *stop).await;
                },
            )));
            let mut rx = stop_rx.clone();
            worker = Some(tokio::spawn(motcua_integrations::dispatch::run(
                db.clone(),
                Arc::new(systems),
                clock,
                Duration::from_millis(500),
                async move {
                    let _ = rx.wait_for(|stop| *stop).await;
                },
            )));
        }
    }
    if let Some(key) = local_key {
        state
            .app
            .set_result_signer(motcua_app::ResultSigner::Local(key));
    }
    let address = listener.local_addr()?;
    ctx.print(&format!(
        "motcua đang chạy tại http://{address}/ (Ctrl-C để dừng)"
    ))?;
    motcua_web::serve(listener, state, shutdown_signal()).await?;
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    if let Some(p) = pullers {
        let _ = p.await;
    }
    if let Some(c) = crls {
        let _ = c.await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Logs as JSON lines when `MOTCUA_LOG_FORMAT=json` (for log shippers), readable text otherwise;
/// the level comes from `RUST_LOG` (default info).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if std::env::var("MOTCUA_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if let Err(e) = result {
        eprintln!("không khởi tạo được nhật ký: {e}");
    }
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
