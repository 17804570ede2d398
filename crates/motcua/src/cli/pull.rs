//! `motcua pull`: fetch the dossiers citizens filed on the national portal since the last pull
//! and open them for local handling (deployment option 1); `motcua pull --central`: fetch the
//! dossiers handled on the ministry's central system, read-only, for reports and lookup
//! (option 2). `serve` does both every 30 seconds.

use anyhow::{Result, bail};
use clap::Args;

use super::serve::GovArgs;
use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct PullArgs {
    #[command(flatten)]
    pub gov: GovArgs,
    /// Pull the ministry's central system's dossiers (read-only) instead of the portal's.
    #[arg(long)]
    pub central: bool,
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
    if args.central {
        let pulled = motcua_integrations::central::pull_central(&app, &systems).await;
        db.close().await;
        return central_summary(ctx, pulled.map_err(|e| anyhow::anyhow!("{e}"))?);
    }
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

fn central_summary(ctx: &Ctx, p: motcua_integrations::central::CentralPull) -> Result<()> {
    let i = &p.import;
    if ctx.json {
        let mut v = serde_json::to_value(i)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("rejects".into(), serde_json::to_value(&p.rejects)?);
        }
        ctx.print_json(&v)?;
    } else {
        ctx.print(&format!(
            "Hệ thống của Bộ: đọc {}, mới {}, cập nhật {}, không đổi {}, từ chối {} (chỉ để tra cứu, thống kê)",
            i.read, i.created, i.updated, i.unchanged, i.rejected
        ))?;
        for r in p.rejects.iter().take(20) {
            ctx.print(&format!("  {}: {}: {}", r.code, r.field, r.reason))?;
        }
    }
    if i.rejected > 0 {
        bail!("{} hồ sơ của hệ thống của Bộ không nhận được", i.rejected);
    }
    Ok(())
}
