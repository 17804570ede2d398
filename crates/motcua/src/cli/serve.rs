//! `motcua serve`: the web service on the configured database.

use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::Args;
use motcua_web::AppState;

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Folder for scanned documents (content-addressed).
    #[arg(long, env = "MOTCUA_FILES_DIR", default_value = "files")]
    pub files_dir: String,
}

pub async fn run(ctx: &Ctx, args: ServeArgs) -> Result<()> {
    init_logging();
    let db = open_db(&ctx.database_url).await?;
    serve_on(ctx, db, &args.bind, &args.files_dir).await
}

/// Serves an open database until Ctrl-C or SIGTERM.
pub async fn serve_on(ctx: &Ctx, db: motcua_store::Db, bind: &str, files_dir: &str) -> Result<()> {
    let calendar = ctx.calendar_data().await?;
    let state = AppState::new(db.clone(), calendar, Arc::new(SystemClock)).with_files(files_dir);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("không mở được cổng {bind}"))?;
    let address = listener.local_addr()?;
    ctx.print(&format!(
        "motcua đang chạy tại http://{address}/ (Ctrl-C để dừng)"
    ))?;
    motcua_web::serve(listener, state, shutdown_signal()).await?;
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
async fn shutdown_signal() {
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
