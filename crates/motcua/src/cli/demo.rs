//! `motcua demo`: seed the demo province once, print the accounts, serve.

use anyhow::Result;
use clap::Args;
use motcua_core::clock::Clock as _;

use super::serve::{init_logging, serve_on};
use super::{Ctx, open_db};
use crate::clock::SystemClock;
use crate::demo;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Dossiers to generate on first run.
    #[arg(long, default_value_t = 300)]
    pub dossiers: usize,
    /// Over how many past days.
    #[arg(long, default_value_t = 60)]
    pub days: i64,
    /// Folder for scanned documents (content-addressed).
    #[arg(long, env = "MOTCUA_FILES_DIR", default_value = "files")]
    pub files_dir: String,
    /// Seed and exit, without serving.
    #[arg(long)]
    pub seed_only: bool,
}

pub async fn run(ctx: &Ctx, args: DemoArgs) -> Result<()> {
    init_logging();
    let db = open_db(&ctx.database_url).await?;
    let now = SystemClock.now();
    if demo::seed_reference(&db, now).await? {
        ctx.print(&format!(
            "Đang tạo dữ liệu mẫu: Thành phố Đà Nẵng, {} hồ sơ trong {} ngày qua…",
            args.dossiers, args.days
        ))?;
        demo::generate_dossiers(
            &db,
            ctx.calendar_data().await?,
            now,
            args.dossiers,
            args.days,
        )
        .await?;
    }
    let mut lines = vec![format!(
        "Tài khoản mẫu (mật khẩu chung: {}):",
        demo::DEMO_PASSWORD
    )];
    for (username, name, role, agency) in demo::STAFF {
        lines.push(format!("  {username:<12} {role:<14} {name:<18} {agency}"));
    }
    ctx.print(&lines.join("\n"))?;
    if args.seed_only {
        db.close().await;
        return Ok(());
    }
    serve_on(ctx, db, &args.bind, &args.files_dir).await
}
