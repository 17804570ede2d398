//! `motcua pull`: fetch the dossiers citizens filed on the national portal since the last pull
//! and open them for local handling (deployment option 1; `serve` does it every 30 seconds).

use anyhow::{Result, bail};
use clap::Args;

use super::serve::GovArgs;
use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct PullArgs {
    #[command(flatten)]
    pub gov: GovArgs,
    /// The installation's signing key for the message log.
    #[arg(long, env = "MOTCUA_SIGNING_KEY", default_value = "motcua-signing.key")]
    pub signing_key: std::path::PathBuf,
}

pub async fn run(ctx: &Ctx, args: PullArgs) -> Result<()> {
    let Some(config) = args.gov.config("http://127.0.0.1")? else {
        bail!("pull cần --gov-url (hoặc MOTCUA_GOV_URL): địa chỉ Cổng DVCQG");
    };
    let db = open_db(&ctx.database_url).await?;
    let clock = std::sync::Arc::new(SystemClock);
    let systems =
        super::serve::systems_with_log(config, &db, &args.signing_key, clock.clone()).await?;
    let app = motcua_app::App::new(db.clone(), ctx.calendar_data().await?, clock);
    let report = motcua_integrations::pull::pull_once(&app, &systems)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.close().await;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "received": report.received, "created": report.created,
            "already": report.already, "refused": report.refused,
        }))?;
    } else {
        ctx.print(&format!(
            "Đã nhận {} hồ sơ từ Cổng DVCQG: {} hồ sơ mới, {} đã có, {} không mở được",
            report.received, report.created, report.already, report.refused
        ))?;
    }
    if report.refused > 0 {
        bail!(
            "{} hồ sơ từ Cổng DVCQG không mở được (xem nhật ký)",
            report.refused
        );
    }
    Ok(())
}
