//! `motcua reconcile`: compare every synced dossier with the national portal's copy and list
//! each difference (run it daily; it exits non-zero when anything differs).

use anyhow::{Result, bail};
use clap::Args;

use super::serve::GovArgs;
use super::{Ctx, open_db};

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub gov: GovArgs,
    /// The installation's signing key for the message log.
    #[arg(long, env = "MOTCUA_SIGNING_KEY", default_value = "motcua-signing.key")]
    pub signing_key: std::path::PathBuf,
}

pub async fn run(ctx: &Ctx, args: ReconcileArgs) -> Result<()> {
    let Some(config) = args.gov.config("http://127.0.0.1")? else {
        bail!("reconcile cần --gov-url (hoặc MOTCUA_GOV_URL): địa chỉ Cổng DVCQG");
    };
    let db = open_db(&ctx.database_url).await?;
    let systems = super::serve::systems_with_log(
        config,
        &db,
        &args.signing_key,
        std::sync::Arc::new(crate::clock::SystemClock),
    )
    .await?;
    let differences = motcua_integrations::sync::reconcile(&db, &systems)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.close().await;
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "differences": differences }))?;
    } else if differences.is_empty() {
        ctx.print(ctx.pick(
            "Đối soát với Cổng DVCQG: khớp hoàn toàn",
            "Reconciliation with the national portal: no differences",
        ))?;
    } else {
        for d in &differences {
            ctx.print(&d.describe())?;
        }
    }
    if !differences.is_empty() {
        bail!(
            "{} khác biệt giữa hệ thống và Cổng DVCQG",
            differences.len()
        );
    }
    Ok(())
}
