//! `motcua worker`: the outbox dispatcher alone, for deployments that run it apart from the
//! web servers (several workers may run: claims are leases, PostgreSQL skips locked rows).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::Args;

use super::serve::{GovArgs, init_logging, shutdown_signal};
use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub gov: GovArgs,
    /// How the outside reaches the web service (for the links and callbacks messages carry).
    #[arg(
        long,
        env = "MOTCUA_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// The installation's signing key for the message log.
    #[arg(long, env = "MOTCUA_SIGNING_KEY", default_value = "motcua-signing.key")]
    pub signing_key: std::path::PathBuf,
    /// Where the stored files are (the web service's store): results and documents are
    /// read from it to file them in the applicants' data stores.
    #[command(flatten)]
    pub files: super::files::FilesArgs,
    /// How often to look for due messages, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub every_ms: u64,
}

pub async fn run(ctx: &Ctx, args: WorkerArgs) -> Result<()> {
    init_logging();
    let Some(config) = args.gov.config(&args.public_url)? else {
        bail!("worker cần --gov-url (hoặc MOTCUA_GOV_URL): nơi gửi tin");
    };
    let db = open_db(&ctx.database_url).await?;
    let files = args.files.open(None).await?;
    let systems =
        super::serve::systems_with_log(config, &db, &args.signing_key, Arc::new(SystemClock))
            .await?
            .with_files(Arc::new(files));
    ctx.print("motcua worker đang gửi tin trong hàng đợi (Ctrl-C để dừng)")?;
    motcua_integrations::dispatch::run(
        db.clone(),
        Arc::new(systems),
        Arc::new(SystemClock),
        Duration::from_millis(args.every_ms.max(50)),
        shutdown_signal(),
    )
    .await;
    db.close().await;
    Ok(())
}
